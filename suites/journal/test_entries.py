"""Journal entries of a call: recorded on both sides (AsnNetDatabaseJournal 29.1.6,
L30545-L30623), read back one by one (asnJournalEntryGet 28.1.9) and found by start time with a
limit (asnGetJournalEntries 28.1.2, asnGetJournalEntriesCount 28.1.8, find options 29.1.28,
L31015-L31065)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from conformance.client import Session
from conformance.rose import JsonObject

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

NEW = frozenset({1, 4})  # added, added or modified (a differential update), L30266-L30268
GET_ENTRIES = "asnGetJournalEntries"
COUNT_ENTRIES = "asnGetJournalEntriesCount"


@pytest.mark.spec("29.1.6", line=30564)
@pytest.mark.spec("28.2.2", line=30259)
@pytest.mark.spec("28.1.9", line=29997)
@pytest.mark.sends("asnJournalEntryGet")
def test_a_call_is_journalled_on_both_sides(ended_call: EndedCall) -> None:
    """A call from A's line to B's line is an entry in both users' journals, each under its
    own side's connection id (L30551, L30004): outbound on A's side (``iOrigin`` 1), inbound on
    B's (0, L30564-L30568), internal on both (``iInternal`` 1, "Internes Gespräch", L30570; both
    lines belong to the server). Each subscribed session is told of its new entry (added 1, or
    4 from a differential update, L30266-L30276), and asnJournalEntryGet reads it back."""
    for side, origin, name in ((ended_call.a, 1, "A (caller)"), (ended_call.b, 0, "B (called)")):
        told, read = side.news(NEW), side.entry()
        for how, entry in (("the journal event", told), ("asnJournalEntryGet", read)):
            assert entry["u8sConnectionID"] == side.connection_id, (
                f"{name}: {how} names entry {entry['u8sConnectionID']!r}, asked for "
                f"{side.connection_id!r}"
            )
            assert entry["iOrigin"] == origin, (
                f"{name}: {how} gives iOrigin {entry['iOrigin']!r}; the call was "
                f"{'outbound (1)' if origin else 'inbound (0)'} on this side (L30564-L30568)"
            )
            assert entry["iInternal"] == 1, (
                f"{name}: {how} gives iInternal {entry['iInternal']!r} for a call between two "
                "lines of the server (1: internal, L30570-L30574)"
            )


def _options(user_name: str, start: datetime, end: datetime, limit: int) -> JsonObject:
    """AsnNetDatabaseJournalFindOptions: ``user_name``'s entries started in [start, end]."""
    return {
        "stStartTimeFrom": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "stStartTimeTo": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "u8slistLineUserNames": [user_name],
        "u8slistPhoneNumber": [],
        "u8sContactName": "",
        "u8sCompanyName": "",
        "u8sFilterText": "",
        "bsFlags": 0,  # no bit is defined (29.1.2, L30511): no further filter (N48)
        "iMaxNumEntries": limit,
    }


def _found(session: Session, options: JsonObject) -> list[str]:
    """The connection ids asnGetJournalEntries answers for ``options``."""
    result = session.invoke(GET_ENTRIES, {"findOptions": options}).expect_result()
    return [entry["u8sConnectionID"] for entry in result["journalList"]]


@pytest.mark.spec("29.1.28", line=31015)
@pytest.mark.spec("28.1.2", line=29738)
@pytest.mark.spec("28.1.8", line=29963)
@pytest.mark.sends(COUNT_ENTRIES, GET_ENTRIES)
def test_entries_are_found_by_start_time_and_limited(ended_call: EndedCall) -> None:
    """asnGetJournalEntries finds the caller's entry among the entries of its CTI user
    (``u8slistLineUserNames``, L31029-L31033, the entry's ``u8sCtiServerUserName``) that
    started in a window around its ``stStartTime`` (L31021-L31027), and not in a window that
    ends before it; ``iMaxNumEntries`` 1 answers at most one entry ("Maximale Anzahl der
    Datensätze", L31059-L31063; 0 is unlimited); asnGetJournalEntriesCount counts at least it.
    The window is the server's own time (the entry's start), so clocks need not agree."""
    a = ended_call.a
    entry = a.news(NEW)
    user_name = entry["u8sCtiServerUserName"]
    started = datetime.fromisoformat(entry["stStartTime"].replace("Z", "+00:00"))
    started = started.astimezone(UTC)
    minute = timedelta(minutes=1)

    around = _options(user_name, started - minute, started + minute, 0)
    assert a.connection_id in _found(a.session, around), (
        f"{GET_ENTRIES} of {user_name!r} from {started - minute} to {started + minute} does not "
        f"list entry {a.connection_id!r} that started {entry['stStartTime']}"
    )
    before = _options(user_name, started - timedelta(days=1), started - minute, 0)
    assert a.connection_id not in _found(a.session, before), (
        f"{GET_ENTRIES} for a window ending a minute before {entry['stStartTime']} lists entry "
        f"{a.connection_id!r} (stStartTimeTo filters on the start, L31025-L31027)"
    )
    limited = _found(a.session, {**around, "iMaxNumEntries": 1})
    assert len(limited) <= 1, (
        f"{GET_ENTRIES} with iMaxNumEntries 1 answered {len(limited)} entries (L31059-L31061)"
    )
    counted = a.session.invoke(COUNT_ENTRIES, {"findOptions": around}).expect_result()
    assert counted["iCount"] >= 1, (
        f"{COUNT_ENTRIES} counts {counted['iCount']!r} entries in the window that holds "
        f"{a.connection_id!r}"
    )
