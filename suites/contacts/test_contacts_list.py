"""The client contacts list (chapter 18): contacts added and removed with
asnChangeClientContent, listed by asnGetClientContent, the changes told to the user's other
subscribed sessions (asnClientContentChanged 18.2.1), and the tagged ids (18.1.5, 18.1.6,
asnClientContentTaggedIDsChanged 18.2.2)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from conformance.client import HttpClient, Session
from conformance.client.auth import Basic
from conformance.profile import User

if TYPE_CHECKING:
    from conftest import OpenList

pytestmark = [
    pytest.mark.module("ClientContactsList"),
    pytest.mark.sends("asnGetClientContent", "asnSubscribeClientContent", "asnChangeClientContent"),
]

CHANGED = "asnClientContentChanged"


def _entry_ids(contacts: Any) -> set[str]:
    return {str(c.get("u8sEntryID")) for c in contacts or []}


@pytest.mark.spec("18.1.4", line=20750)
@pytest.mark.spec("18.1.1", line=20623)
def test_added_contact_is_listed(
    open_list: OpenList, session_factory: Callable[..., Session], owner: User
) -> None:
    """asnChangeClientContent adds the ``addedOrChangedContacts`` ("Liste an Kontakten welche
    hinzugefuegt oder ersetzt werden sollen", L20770-L20774) and answers the server's new
    revision; asnGetClientContent's ``contactList`` then holds the contact, and after its
    removal (``removedContacts``, L20776-L20778) no longer does."""
    contacts = open_list(session_factory(owner.alias))
    contact = contacts.add()
    listed = _entry_ids(contacts.content()["contactList"])
    assert contact["u8sEntryID"] in listed, f"the list holds {sorted(listed)}"
    contacts.remove(contact)
    listed = _entry_ids(contacts.content()["contactList"])
    assert contact["u8sEntryID"] not in listed, f"removed, the list still holds {sorted(listed)}"


@pytest.mark.spec("18.2.1", line=20890)
@pytest.mark.spec("18.1.2", line=20668)
def test_other_subscriber_is_told_the_added_contact(
    open_list: OpenList, session_factory: Callable[..., Session], owner: User
) -> None:
    """A session subscribed with asnSubscribeClientContent (18.1.2) gets the changes another
    session of the user makes as asnClientContentChanged ("Server verschickt Aenderungen als
    Events", L20534), the added contact in ``addedOrChangedContacts``. (The originator gets it
    only on request, ``iSendEventToOriginator`` L20802, so the test watches another session.)"""
    changing = open_list(session_factory(owner.alias))
    watching = open_list(session_factory(owner.alias))
    watching.subscribe()
    contact = changing.add()
    entry = contact["u8sEntryID"]
    watching.session.wait_for(
        CHANGED,
        where=lambda a: entry in _entry_ids(a.get("addedOrChangedContacts")) or a.get("iFlags"),
    )


@pytest.mark.spec("18.2.1", line=20890)
def test_other_subscriber_is_told_the_removed_contact(
    open_list: OpenList, session_factory: Callable[..., Session], owner: User
) -> None:
    """asnClientContentChanged carries a removed contact's id in ``removedContacts`` (L20908)
    to the user's other subscribed session."""
    changing = open_list(session_factory(owner.alias))
    watching = open_list(session_factory(owner.alias))
    contact = changing.add()
    watching.subscribe()
    changing.remove(contact)
    entry = contact["u8sEntryID"]
    watching.session.wait_for(
        CHANGED,
        where=lambda a: entry in _entry_ids(a.get("removedContacts")) or a.get("iFlags"),
    )


@pytest.mark.spec("18.1.6", line=20856)
@pytest.mark.spec("18.1.5", line=20827)
@pytest.mark.spec("18.2.2", line=20989)
@pytest.mark.requires("capability:contacts.save_tags")
@pytest.mark.sends("asnClientContentSubscribeToTags", "asnClientContentSaveTags")
def test_other_session_is_told_the_saved_tags(
    session_factory: Callable[..., Session], direct: HttpClient, owner: User
) -> None:
    """asnClientContentSaveTags ("client zum server", L20858) stores the tagged ids; a session
    of the user that subscribed with asnClientContentSubscribeToTags ("ueber statusaenderungen
    informieren", L20829) gets asnClientContentTaggedIDsChanged ("event vom server an clients",
    L20991) with the ids. No operation reads tags back: the test saves an empty list at the end
    (N54, capability contacts.save_tags)."""
    saving = session_factory(owner.alias)
    watching = session_factory(owner.alias)
    watching.invoke("asnClientContentSubscribeToTags", {"iSubscribe": 1}).expect_result()
    tag = f"ucserver-conformance-{uuid.uuid4().hex[:12]}"
    argument = {"u8sTaggedIDs": [tag], "iRevision": 0}
    try:
        saving.invoke("asnClientContentSaveTags", argument).expect_result()
        watching.wait_for(
            "asnClientContentTaggedIDsChanged", where=lambda a: tag in a["u8sTaggedIDs"]
        )
    finally:
        empty = {"u8sTaggedIDs": [], "iRevision": 0}
        auth = Basic(owner.name, owner.password)
        direct.direct("asnClientContentSaveTags", empty, auth=auth).expect_result()
