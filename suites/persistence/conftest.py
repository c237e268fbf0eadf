"""Fixtures of the ClientPersistence suite (document chapter 20, L22013-L22348).

Every request but asnClientPersistenceGetDatabaseID is answered by the event
asnClientPersistenceEvent "mit der korrespondierenden u8sCrossRefID" (L22039-L22040), which the
client generates and which "muss innerhalb der ClientSession eindeutig sein" (L22049-L22051).
A test works in an item store of its own name (``ucserver-conformance-<random>``), so it never
touches a client's real data, and deletes every item it created at the end.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conformance.client import Session
from conformance.errors import ConformanceViolation
from conformance.profile import Profile, User
from conformance.rose import JsonObject

EVENT = "asnClientPersistenceEvent"
NO_ERROR = 0  # noerror (AsnClientPersistenceResultDetailsEnum 21.1.1, L22414)
SUBSCRIBE = 1  # AsnClientPersistenceSubscribeTypeEnum (21.1.2, L22449)


class Store:
    """One item store of this test, used from one session of the user."""

    def __init__(self, name: str, session: Session, created: set[str]) -> None:
        self.name = name
        self.session = session
        self._created = created

    def request(self, operation: str, **members: Any) -> JsonObject:
        """Invoke ``operation`` on this store with a fresh cross-reference id; returns the
        argument of the asnClientPersistenceEvent answering it, which must say ``noerror``."""
        cross_ref = uuid.uuid4().hex
        argument = {"u8sCrossRefID": cross_ref, "u8sItemStore": self.name, **members}
        self.session.invoke(operation, argument).expect_result()
        answer = self.session.wait_for(EVENT, where={"u8sCrossRefID": cross_ref}).argument
        if answer["iResult"] != NO_ERROR:
            raise ConformanceViolation(
                f"{operation} on a subscribed store was answered iResult {answer['iResult']}"
            )
        return answer

    def subscribe(self) -> JsonObject:
        """asnClientPersistenceSubscribe (20.1.5, L22223-L22263) to this store."""
        return self.request("asnClientPersistenceSubscribe", iSubscribeType=SUBSCRIBE)

    def create(self, key: str, data: str) -> JsonObject:
        """asnClientPersistenceCreate (20.1.1) of the item ``key``; deleted at the end."""
        self._created.add(key)
        return self.request("asnClientPersistenceCreate", u8sItemStoreID=key, data=data)

    def delete(self, key: str) -> JsonObject:
        """asnClientPersistenceDelete (20.1.4) of the item ``key``."""
        answer = self.request("asnClientPersistenceDelete", u8sItemStoreID=key)
        self._created.discard(key)
        return answer


OpenStore = Callable[[Session], Store]


@pytest.fixture
def owner(profile: Profile) -> User:
    users = profile.enabled_users()
    if not users:
        pytest.skip("the profile has no enabled user")
    return users[0]


@pytest.fixture
def open_store(session_factory: Callable[..., Session], owner: User) -> Iterator[OpenStore]:
    """``open_store(session)``: this test's item store, subscribed in ``session``. Every item
    created through it is deleted at the end, from a session of its own."""
    name = f"ucserver-conformance-{uuid.uuid4().hex[:12]}"
    created: set[str] = set()

    def open_in(session: Session) -> Store:
        store = Store(name, session, created)
        store.subscribe()
        return store

    yield open_in
    if created:
        cleaner = open_in(session_factory(owner.alias))
        for key in sorted(created):
            argument = {"u8sCrossRefID": uuid.uuid4().hex, "u8sItemStore": name}
            argument["u8sItemStoreID"] = key
            cleaner.session.invoke("asnClientPersistenceDelete", argument).expect_result()
            cleaner.session.wait_for(EVENT, where={"u8sCrossRefID": argument["u8sCrossRefID"]})
