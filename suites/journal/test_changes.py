"""Changing journal entries and the journal events that tell subscribers: the read flag
(asnUpdateJournalReadFlag 28.1.6), a contact for the call (asnUpdateCallAndJournalContactAndNumber
28.1.3, asnUpdateCallLocalContact 28.2.1), deleting (asnDeleteJournalEntries 28.1.12) and the
differential update of a subscription (asnJournalSubscribeEvents 28.1.10, L30042-L30061).

A test changes only the entries of its own call and restores what it changed; which of the
three journal events carries a change is the server's (the conftest docstring, N48)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from conformance.client import Session

if TYPE_CHECKING:
    from conftest import EndedCall

pytestmark = [
    pytest.mark.module("Journal"),
    pytest.mark.requires("cti.lines>=2"),
    pytest.mark.requires("capability:journal.records_calls"),
    # the ended_call fixture's
    pytest.mark.sends(
        "asnCtiDropCall",
        "asnCtiLineMonitorStart",
        "asnCtiLineMonitorStop",
        "asnCtiMakeCall",
        "asnJournalSubscribeEvents",
    ),
]

ADDED, MODIFIED, DELETED, ADDED_OR_MODIFIED = 1, 2, 3, 4  # iFlags, L30266-L30268
NEW = frozenset({ADDED, ADDED_OR_MODIFIED})
CHANGED = frozenset({MODIFIED, ADDED_OR_MODIFIED})
READ_FLAG = "asnUpdateJournalReadFlag"
DELETE = "asnDeleteJournalEntries"
GET_ENTRIES = "asnGetJournalEntries"
UPDATE_CONTACT = "asnUpdateCallAndJournalContactAndNumber"
LOCAL_CONTACT = "asnUpdateCallLocalContact"
MINUTE = timedelta(minutes=1)


def _set_read(session: Session, connection_id: str, read: bool) -> None:
    """asnUpdateJournalReadFlag of one entry; ``bSuccess`` true (L29911)."""
    argument = {"u8sConnectionIDList": [connection_id], "bReadFlag": read}
    result = session.invoke(READ_FLAG, argument).expect_result()
    assert result["bSuccess"] is True, f"{READ_FLAG} {argument} answered {result}"


@pytest.mark.spec("28.1.6", line=29889)
@pytest.mark.spec("28.2.2", line=30259)
@pytest.mark.sends(READ_FLAG, "asnJournalEntryGet")
def test_the_read_flag_is_stored_and_announced(ended_call: EndedCall) -> None:
    """asnUpdateJournalReadFlag with ``bReadFlag`` true ("TRUE == Erledigt", L29901) marks the
    entry: the subscribed session is told of the entry modified (2, or 4, L30266-L30276) with a
    non-zero ``iReadFlag``, and asnJournalEntryGet reads it so; false clears it again, which
    also restores the new entry of the test's own call (a new entry is unread)."""
    a = ended_call.a
    a.news(NEW)
    try:
        _set_read(a.session, a.connection_id, True)
        told = a.news(CHANGED)
        assert told["iReadFlag"] != 0, (
            f"the journal event after {READ_FLAG} true reports iReadFlag {told['iReadFlag']!r}"
        )
        read = a.entry()["iReadFlag"]
        assert read != 0, f"asnJournalEntryGet after {READ_FLAG} true gives iReadFlag {read!r}"
    finally:
        _set_read(a.session, a.connection_id, False)
    assert a.entry()["iReadFlag"] == 0, f"{READ_FLAG} false left the entry marked read"


@pytest.mark.spec("28.1.10", line=30042)
@pytest.mark.spec("28.2.3", line=30282)
def test_a_differential_subscription_delivers_newer_entries(ended_call: EndedCall) -> None:
    """asnJournalSubscribeEvents with ``iLastKnownGlobTransactionID``: "Der Server sendet dann
    alle Datensätze, die eine höhere Transaction ID haben als die angegebene", limited to the
    last 60 days (L30042-L30061). A second session of A subscribing with 0 is sent the entry of
    the call that just ended, as added or added-or-modified (4, "bei Events die durch ein Diff
    Update getriggert wurden", L30270-L30276) or modified."""
    a = ended_call.a
    a.news(NEW)  # the entry exists
    other = ended_call.sessions(a.user.alias)
    result = other.invoke(
        "asnJournalSubscribeEvents",
        {"bReceiveJournalEvents": True, "iLastKnownGlobTransactionID": 0},
    ).expect_result()
    assert "iResult" in result  # AsnJournalResultEnum: the document lists no values (L30095)
    a.news(NEW | CHANGED, session=other)


@pytest.mark.spec("28.1.12", line=30173)
@pytest.mark.spec("28.2.3", line=30282)
@pytest.mark.sends(DELETE, GET_ENTRIES)
def test_a_deleted_entry_is_announced_and_gone(ended_call: EndedCall) -> None:
    """asnDeleteJournalEntries of the entry of the test's own call answers ``iResult`` 0
    ("Erfolgreich: 0", L30193); the subscribed session is told of it deleted (3, L30266), and
    asnGetJournalEntries for a minute around its start (L31021-L31027) no longer lists it."""
    a = ended_call.a
    entry = a.news(NEW)
    result = a.session.invoke(DELETE, {"u8sConnectionIDList": [a.connection_id]}).expect_result()
    assert result["iResult"] == 0, f"{DELETE} of the test's own entry answered {result}"
    a.news(frozenset({DELETED}))
    started = datetime.fromisoformat(entry["stStartTime"].replace("Z", "+00:00")).astimezone(UTC)
    options = {
        "stStartTimeFrom": (started - MINUTE).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "stStartTimeTo": (started + MINUTE).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "u8slistLineUserNames": [entry["u8sCtiServerUserName"]],
        "u8slistPhoneNumber": [],
        "u8sContactName": "",
        "u8sCompanyName": "",
        "u8sFilterText": "",
        "bsFlags": 0,
        "iMaxNumEntries": 0,
    }
    found = a.session.invoke(GET_ENTRIES, {"findOptions": options}).expect_result()
    listed = [e["u8sConnectionID"] for e in found["journalList"]]
    assert a.connection_id not in listed, f"{GET_ENTRIES} still lists deleted {a.connection_id!r}"


def _contact_update(ended_call: EndedCall) -> dict[str, object]:
    """asnUpdateCallAndJournalContactAndNumber for A's entry: the number it has, a contact."""
    a = ended_call.a
    entry = a.news(NEW)
    argument = {
        "u8sConnectionID": a.connection_id,
        "u8sRemoteNumberSC": entry["u8sPhoneNumber"],
        "remoteContact": {"u8sDisplayName": "Conformance Journal Contact", "u8sEntryID": "ucconf"},
    }
    result = a.session.invoke(UPDATE_CONTACT, argument).expect_result()
    assert result["bResultJournalUpdate"] is True, (
        f"{UPDATE_CONTACT} of the entry of an ended call of the caller answered {result}: "
        "bResultJournalUpdate false (L29799)"
    )
    return argument


@pytest.mark.spec("28.1.3", line=29772)
@pytest.mark.sends(UPDATE_CONTACT)
def test_a_contact_set_for_a_call_updates_its_entry(ended_call: EndedCall) -> None:
    """asnUpdateCallAndJournalContactAndNumber names the entry by its connection id (L29780)
    and reports the journal updated (``bResultJournalUpdate``, L29799); the subscribed session
    is told of the entry modified (2 or 4, L30266-L30276)."""
    _contact_update(ended_call)
    ended_call.a.news(CHANGED)


@pytest.mark.spec("28.2.1", line=30241)
@pytest.mark.requires("capability:journal.local_contact_event")
@pytest.mark.sends(UPDATE_CONTACT)
def test_a_contact_set_for_a_call_is_announced_as_local_contact(ended_call: EndedCall) -> None:
    """With ``journal.local_contact_event`` (N48): the contact a client set for a call
    ("Local Contact = Mandantenkontakt, der vom Client gefunden wurde und jetzt gesetzt wird",
    L30253-L30255) reaches the user's subscribed session in asnUpdateCallLocalContact with the
    call's connection id and the contact."""
    argument = _contact_update(ended_call)
    a = ended_call.a
    event = a.session.wait_for(LOCAL_CONTACT, {"u8sConnectionID": a.connection_id})
    contact = (event.argument or {})["localContact"]
    assert contact.get("u8sDisplayName") == "Conformance Journal Contact", (
        f"{LOCAL_CONTACT} for {a.connection_id!r} carries {contact}, not the contact set by "
        f"{UPDATE_CONTACT} ({argument['remoteContact']})"
    )
