"""ClientPersistence (chapter 20): items created, read, updated and deleted in an item store,
each request answered by asnClientPersistenceEvent (20.2.1), and every change told to the
user's other sessions subscribed to the store."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from conformance.client import Session
from conformance.profile import User

if TYPE_CHECKING:
    from conftest import OpenStore

pytestmark = [
    pytest.mark.module("ClientPersistence"),
    pytest.mark.sends(
        "asnClientPersistenceSubscribe",
        "asnClientPersistenceCreate",
        "asnClientPersistenceRead",
        "asnClientPersistenceUpdate",
        "asnClientPersistenceDelete",
    ),
]

EVENT = "asnClientPersistenceEvent"


def _names(key: str) -> Callable[[Any], bool]:
    """Whether an AsnClientPersistenceItemList holds the item ``key``."""

    def holds(items: Any) -> bool:
        return any(item.get("u8sItemStoreID") == key for item in items or [])

    return holds


def _with_data(key: str, data: str) -> Callable[[Any], bool]:
    def holds(items: Any) -> bool:
        return any(i.get("u8sItemStoreID") == key and i.get("data") == data for i in items or [])

    return holds


@pytest.mark.spec("20.1.1", line=22031)
@pytest.mark.spec("20.1.2", line=22076)
@pytest.mark.spec("20.2.1", line=22301)
def test_created_item_reads_back(
    open_store: OpenStore, session_factory: Callable[..., Session], owner: User
) -> None:
    """asnClientPersistenceCreate adds an element to the store (L22033-L22040); a read of that
    key (20.1.2, "Der Client ruft ... eines oder mehrere Elemente ab", L22080) is answered by
    asnClientPersistenceEvent whose ``changedItems`` hold the element with its data."""
    store = open_store(session_factory(owner.alias))
    key, data = uuid.uuid4().hex, "created by ucserver-conformance"
    store.create(key, data)
    answer = store.request("asnClientPersistenceRead", u8sItemStoreID=key)
    assert _with_data(key, data)(answer.get("changedItems")), answer


@pytest.mark.spec("20.1.5", line=22223)
@pytest.mark.spec("20.1.1", line=22031)
@pytest.mark.spec("20.2.1", line=22301)
def test_other_subscriber_is_told_the_new_item(
    open_store: OpenStore, session_factory: Callable[..., Session], owner: User
) -> None:
    """A session subscribed to the store ("Registrieren auf Aenderungen eines ItemStore",
    L22225-L22227) gets asnClientPersistenceEvent with the element another session of the user
    created in ``changedItems`` (L22330-L22334)."""
    creating = open_store(session_factory(owner.alias))
    watching = open_store(session_factory(owner.alias))
    key = uuid.uuid4().hex
    creating.create(key, "told to the other subscriber")
    watching.session.wait_for(EVENT, where=lambda a: _names(key)(a.get("changedItems")))


@pytest.mark.spec("20.1.3", line=22135)
@pytest.mark.spec("20.2.1", line=22301)
def test_other_subscriber_is_told_the_update(
    open_store: OpenStore, session_factory: Callable[..., Session], owner: User
) -> None:
    """asnClientPersistenceUpdate (20.1.3, L22135-L22178) changes the element's data; the other
    subscribed session is told the new data in ``changedItems``."""
    creating = open_store(session_factory(owner.alias))
    watching = open_store(session_factory(owner.alias))
    key = uuid.uuid4().hex
    creating.create(key, "before")
    creating.request("asnClientPersistenceUpdate", u8sItemStoreID=key, data="after")
    holds = _with_data(key, "after")
    watching.session.wait_for(EVENT, where=lambda a: holds(a.get("changedItems")))


@pytest.mark.spec("20.1.4", line=22180)
@pytest.mark.spec("20.2.1", line=22301)
def test_deleted_item_is_told_and_gone(
    open_store: OpenStore, session_factory: Callable[..., Session], owner: User
) -> None:
    """asnClientPersistenceDelete (20.1.4, L22180-L22221) removes the element: the other
    subscribed session is told it in ``deletedItems`` (L22336-L22340), and a read of the whole
    store no longer returns it."""
    creating = open_store(session_factory(owner.alias))
    watching = open_store(session_factory(owner.alias))
    key = uuid.uuid4().hex
    creating.create(key, "to be deleted")
    creating.delete(key)
    watching.session.wait_for(EVENT, where=lambda a: _names(key)(a.get("deletedItems")))
    everything = creating.request("asnClientPersistenceRead")
    assert not _names(key)(everything.get("changedItems")), everything


@pytest.mark.spec("20.1.6", line=22265)
@pytest.mark.sends("asnClientPersistenceGetDatabaseID")
def test_database_id_is_stable(session_factory: Callable[..., Session], owner: User) -> None:
    """asnClientPersistenceGetDatabaseID (20.1.6, L22265-L22299), "die einzig synchrone
    Methode", returns the unique id of the server's database: two calls in a row give the same
    id (it changes only with a new database, L22269-L22271)."""
    session = session_factory(owner.alias)
    first = session.invoke("asnClientPersistenceGetDatabaseID", {}).expect_result()
    second = session.invoke("asnClientPersistenceGetDatabaseID", {}).expect_result()
    assert first["u8sDatabaseID"] == second["u8sDatabaseID"], (first, second)
