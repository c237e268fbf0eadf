"""Fixtures of the ClientContactsList suite (document chapter 18, L20515-L21000) and of
contact lookup (asnFindContacts, General 2.1.29).

A test adds a contact of its own (entry id ``ucserver-conformance-<random>``) to the user's
client contacts list and removes it again at the end, from a session of its own, so that the
list is as it was.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from conformance.client import Session
from conformance.profile import Profile, User
from conformance.rose import JsonObject

DATABASE = "ucserver-conformance"
"""u8sEntryIDDB of the contacts the suite adds."""


class ContactsList:
    """The user's client contacts list, changed from one session."""

    def __init__(self, session: Session, added: dict[str, JsonObject]) -> None:
        self.session = session
        self._added = added

    def content(self) -> JsonObject:
        """asnGetClientContent (18.1.1, L20623-L20666) of every contact (iContactFilter 0)."""
        outcome = self.session.invoke("asnGetClientContent", {"iContactFilter": 0})
        result: JsonObject = outcome.expect_result()
        return result

    def subscribe(self) -> int:
        """asnSubscribeClientContent (18.1.2, L20668-L20719): the current revision."""
        result = self.session.invoke("asnSubscribeClientContent", {}).expect_result()
        revision: int = result["iRevision"]
        return revision

    def change(self, **members: object) -> int:
        """asnChangeClientContent (18.1.4, L20750-L20825) based on the current revision, with
        the structure's version and editability as asnGetClientContent reports them."""
        structure = self.content()["contentstructure"]
        argument = {
            "iRevision": self.subscribe(),
            "u8sVersion": structure["u8sVersion"],
            "iIsEditable": structure["iIsEditable"],
            "iFlags": 0,
            **members,
        }
        result = self.session.invoke("asnChangeClientContent", argument).expect_result()
        revision: int = result["iRevision"]
        return revision

    def add(self) -> JsonObject:
        """Add a new contact of the suite's own; removed again at the end."""
        entry = f"{DATABASE}-{uuid.uuid4().hex[:12]}"
        contact = {
            "u8sEntryID": entry,
            "u8sEntryIDDB": DATABASE,
            "u8sEntryIDStore": "",
            "u8sDisplayName": "UCServer Conformance",
            "u8sLastName": "Conformance",
        }
        self._added[entry] = contact
        self.change(addedOrChangedContacts=[contact])
        return contact

    def remove(self, contact: JsonObject) -> None:
        self.change(removedContacts=[contact_id(contact)])
        self._added.pop(contact["u8sEntryID"], None)


def contact_id(contact: JsonObject) -> JsonObject:
    """The AsnNetDatabaseContactID (25.1.16) of an AsnNetDatabaseContact."""
    return {k: contact.get(k, "") for k in ("u8sEntryID", "u8sEntryIDDB", "u8sEntryIDStore")}


OpenList = Callable[[Session], ContactsList]


@pytest.fixture
def owner(profile: Profile) -> User:
    users = profile.enabled_users()
    if not users:
        pytest.skip("the profile has no enabled user")
    return users[0]


@pytest.fixture
def open_list(session_factory: Callable[..., Session], owner: User) -> Iterator[OpenList]:
    """``open_list(session)``: the user's contacts list in ``session``; the contacts the test
    added are removed at the end."""
    added: dict[str, JsonObject] = {}
    yield lambda session: ContactsList(session, added)
    if added:
        cleaner = ContactsList(session_factory(owner.alias), added)
        cleaner.change(removedContacts=[contact_id(c) for c in added.values()])
