"""A user's absent state and custom note (General 2.1.18-2.1.22): read back, the same in
asnGetLoggedInContact, told to the user's other sessions (asnUpdateMyAbsentState 2.2.25,
asnUpdateMyCustomNote 2.2.26) and to the sessions that opened the user (asnContactAbsentState-
Changed 2.2.11, asnContactCustomNoteChanged 2.2.13, asnPresenceStateChanged 2.2.9)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from conformance.client import Session
from conformance.profile import User

if TYPE_CHECKING:
    from conftest import TakeMe

MEETING = 2  # eABSENTSTATEBUSY, "Besprechung" (AsnAbsentStateEnum 3.1.27, L4740)
BUSY = 2  # eBUSY (AsnPresenceStateEnum 3.1.8, L4305): what a meeting stands for (L5558, N26)
PRESENCE_STATE_MASK = 0xFF  # ePresenceStateMask (3.1.10, L4344)

pytestmark = [
    pytest.mark.module("General"),
    pytest.mark.sends(
        "asnAbsentStateGetUser",
        "asnAbsentStateReset",
        "asnAbsentStateSetUser",
        "asnCustomNoteSet",
        "asnGetLoggedInContact",
        "asnOpenContacts",
        "asnCloseContacts",
    ),
]


def _marker() -> str:
    """A text no earlier test left behind, to recognise this test's change."""
    return f"ucserver-conformance {uuid.uuid4().hex[:12]}"


@pytest.mark.spec("2.1.18", line=1591)
@pytest.mark.spec("2.1.20", line=1665)
@pytest.mark.spec("10.1.6", line=14443)
def test_absent_state_reads_back(take_me: TakeMe, owner: User) -> None:
    """2.1.18 sets the user's AsnAbsentState; 2.1.20 (L1665-L1698) reads a contact's absent
    state, and the caller's own AsnContact (asnGetLoggedInContact, L14443-L14475; AsnContact
    carries ``asnAbsentState``, 3.1.209) shows the same state and message."""
    me = take_me(owner)
    message = _marker()
    me.set_absent(MEETING, message)
    read = me.session.invoke("asnAbsentStateGetUser", {"contactId": me.contact_id})
    absent = read.expect_result()["absentstate"]
    assert (absent["iAbsentState"], absent["u8sMessage"]) == (MEETING, message), absent
    own = me.own_contact()["asnAbsentState"]
    assert (own["iAbsentState"], own["u8sMessage"]) == (MEETING, message), own


@pytest.mark.spec("2.1.22", line=1736)
@pytest.mark.spec("10.1.6", line=14443)
def test_custom_note_reads_back(take_me: TakeMe, owner: User) -> None:
    """2.1.22 (L1736-L1766) sets the user's AsnCustomNote; the caller's own AsnContact
    (asnGetLoggedInContact, AsnContact.asnCustomNote 3.1.209) shows it."""
    me = take_me(owner)
    note = _marker()
    me.set_note(note)
    assert me.own_contact()["asnCustomNote"]["u8sNote"] == note


@pytest.mark.spec("2.2.25", line=3428)
@pytest.mark.requires("capability:general.own_session_events")
def test_other_session_is_told_the_absent_state(
    take_me: TakeMe, session_factory: Callable[..., Session], owner: User
) -> None:
    """asnUpdateMyAbsentState (2.2.25, L3428-L3438) carries the user's new AsnAbsentState to
    the user's other session (N52: profile capability general.own_session_events)."""
    me = take_me(owner)
    other = session_factory(owner.alias)
    message = _marker()
    me.set_absent(MEETING, message)
    where = {"absentstate": {"u8sContactId": me.contact_id, "u8sMessage": message}}
    event = other.wait_for("asnUpdateMyAbsentState", where=where)
    assert event.argument["absentstate"]["iAbsentState"] == MEETING


@pytest.mark.spec("2.2.26", line=3440)
@pytest.mark.requires("capability:general.own_session_events")
def test_other_session_is_told_the_note(
    take_me: TakeMe, session_factory: Callable[..., Session], owner: User
) -> None:
    """asnUpdateMyCustomNote (2.2.26, L3440-L3450) carries the user's new AsnCustomNote to the
    user's other session (N52)."""
    me = take_me(owner)
    other = session_factory(owner.alias)
    note = _marker()
    me.set_note(note)
    where = {"customnote": {"u8sContactID": me.contact_id, "u8sNote": note}}
    other.wait_for("asnUpdateMyCustomNote", where=where)


@pytest.mark.spec("2.2.11", line=3130)
@pytest.mark.spec("2.1.11", line=1151)
@pytest.mark.requires("capability:general.watcher_events")
def test_watcher_is_told_the_absent_state(
    take_me: TakeMe, session_factory: Callable[..., Session], owner: User, watcher: User
) -> None:
    """A session that opened the user (asnOpenContacts 2.1.11) gets asnContactAbsentStateChanged
    (2.2.11, L3130-L3154, "Invoked (Event) if AbsentState has changed") naming the user and
    carrying the new message (N52: capability general.watcher_events)."""
    me = take_me(owner)
    watching = session_factory(watcher.alias)
    me.watched_from(watching)
    message = _marker()
    me.set_absent(MEETING, message)
    where = {"contactID": me.contact_id, "u8sAbsentMessage": message}
    watching.wait_for("asnContactAbsentStateChanged", where=where)


@pytest.mark.spec("2.2.9", line=3038)
@pytest.mark.spec("2.1.11", line=1151)
@pytest.mark.requires("capability:general.watcher_events")
def test_watcher_is_told_the_presence(
    take_me: TakeMe, session_factory: Callable[..., Session], owner: User, watcher: User
) -> None:
    """asnPresenceStateChanged (2.2.9, L3038-L3107, "Invoked (Event) if PresenceState has
    changed") reaches the session that opened the user when a meeting makes the user busy
    (AsnAbsentState.iPresenceState "Kontaktstatus aufgrund dieser Meldung", L5558; N26). Other
    sources may change the presence first: the test waits for the event showing eBUSY."""
    me = take_me(owner)
    watching = session_factory(watcher.alias)
    me.watched_from(watching)
    me.set_absent(MEETING, _marker())

    def busy(argument: dict[str, object]) -> bool:
        state = argument.get("iPresenceState")
        return (
            argument.get("contactID") == me.contact_id
            and isinstance(state, int)
            and state & PRESENCE_STATE_MASK == BUSY
        )

    watching.wait_for("asnPresenceStateChanged", where=busy)


@pytest.mark.spec("2.2.13", line=3187)
@pytest.mark.spec("2.1.11", line=1151)
@pytest.mark.requires("capability:general.watcher_events")
def test_watcher_is_told_the_note(
    take_me: TakeMe, session_factory: Callable[..., Session], owner: User, watcher: User
) -> None:
    """asnContactCustomNoteChanged (2.2.13, L3187-L3203, "Invoked (Event) if CustomNote has
    changed") reaches the session that opened the user, with the new note (N52)."""
    me = take_me(owner)
    watching = session_factory(watcher.alias)
    me.watched_from(watching)
    note = _marker()
    me.set_note(note)
    where = {"u8sContactID": me.contact_id, "u8sNote": note}
    watching.wait_for("asnContactCustomNoteChanged", where=where)


@pytest.mark.spec("2.1.39", line=2415)
@pytest.mark.spec("2.2.31", line=3512)
@pytest.mark.sends("asnContactStatusRequest", "asnContactSearchClose")
def test_status_notify_follows_the_presence(
    take_me: TakeMe, session_factory: Callable[..., Session], owner: User, watcher: User
) -> None:
    """asnContactStatusRequest (2.1.39) answers a search row with the contact's status
    (AsnContactStatusResultEntry: the row's ids, ``u8sContactID``, ``iPresenceState``); with
    ``bActivateNotify`` the results are "als Notifies registriert" (L8094-L8098), so a change of
    that contact's presence arrives as asnContactStatusResultEvent (2.2.31, L3512-L3544) for
    the same search and row. asnContactSearchClose (2.1.40) ends the notifies."""
    me = take_me(owner)
    searching = session_factory(watcher.alias)
    search, row = 4711, 1
    request = {
        "iClientSearchID": search,
        "iClientRowID": row,
        "listSearchParameter": [{"typeOfValue": 0, "u8sValue": me.contact_id}],
        "bActivateNotify": True,
        "listDeactivateNotify": [0],  # row ids start at 1: 0 deactivates nothing (L8082-L8088)
    }
    outcome = searching.invoke("asnContactStatusRequest", {"request": [request]})
    rows = outcome.expect_result()["listStatusResult"]
    assert any(r["iClientRowID"] == row and r["u8sContactID"] == me.contact_id for r in rows), rows
    try:
        me.set_absent(MEETING, _marker())

        def busy(argument: dict[str, object]) -> bool:
            state = argument.get("iPresenceState")
            return (
                (argument.get("iClientSearchID"), argument.get("iClientRowID")) == (search, row)
                and isinstance(state, int)
                and state & PRESENCE_STATE_MASK == BUSY
            )

        searching.wait_for("asnContactStatusResultEvent", where=busy)
    finally:
        searching.invoke("asnContactSearchClose", {"iClientSearchID": search}).expect_result()
