"""Fixtures of the Journal suite (document chapter 28, L29694-L30314; types chapter 29).

A journal entry records a call: AsnNetDatabaseJournal (29.1.6, L30545-L30623) has the call's
start, stop and connect times, its direction (``iOrigin``, L30564) and the other party. The
suite makes the calls it looks at: A (the CTI suite's caller) calls B (a line of another user),
B rings, A drops. The test subscribed both users' sessions to journal events before the call
(asnJournalSubscribeEvents, 28.1.10, L30032-L30040), and knows both connection ids: A's from
asnCtiMakeCall, B's from the incoming call on B's monitor. A journal entry is named by its
connection id (asnJournalEntryGet "connection ID zu welcher der Journaleintrag ...", L30004;
"Unique ID of the call", L30551), so each side's entry carries that side's connection id.

Nothing here assumes how the target's PBX reports a call (the CTI suite's N30): only that B's
monitor reports an incoming call and that asnCtiDropCall ends it. Whether a target journals
PBX calls at all is the profile's ``journal.records_calls`` (N48). Entries are history: the
suite leaves the entries of its calls (as every call does), and restores what it edits in them.

Journal events (N48): the document names three that carry entries, asnJournalEntryChanged
(28.2.2), asnJournalEntryListChanged (28.2.3) and asnUpdateJournal (28.2.4), with the flags
added 1, modified 2, deleted 3, added-or-modified 4 (L30266-L30276), but not which event a
server sends for which change; :func:`journal_news` accepts an entry in any of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from conformance.client import Session, Target, Where
from conformance.leases import lease
from conformance.lineids import same_line
from conformance.plugin import SessionFactory
from conformance.profile import Profile, User
from conformance.rose import JsonObject

SUBSCRIBE = "asnJournalSubscribeEvents"
ENTRY_GET = "asnJournalEntryGet"
ENTRY_CHANGED = "asnJournalEntryChanged"
LIST_CHANGED = "asnJournalEntryListChanged"
UPDATE_JOURNAL = "asnUpdateJournal"
JOURNAL_EVENTS = (ENTRY_CHANGED, LIST_CHANGED, UPDATE_JOURNAL)
CALL_CHANGED = "asnCtiNotifyLineCallInformationChanged"
ENDED = frozenset({1, 256})  # EnumCallState DESTROYED, DISCONNECTED (L4360, L4377)
LEASE_WAIT = 60.0


def changes_in(argument: JsonObject) -> list[tuple[int, JsonObject]]:
    """(iFlags, AsnNetDatabaseJournal) pairs a journal event reports; the three events' argument
    types tell apart by their required members (29.1.33, 29.1.35, 29.1.37)."""
    if "journalEntryChangedList" in argument:  # asnJournalEntryListChanged
        return [
            (change["iFlags"], change["journalEntry"])
            for change in argument["journalEntryChangedList"]
            if isinstance(change.get("journalEntry"), dict)  # "optional, abhängig von iFlags"
        ]
    if "journalList" in argument:  # asnUpdateJournal
        return [(argument["iFlags"], entry) for entry in argument["journalList"]]
    entry = argument.get("journalEntry")  # asnJournalEntryChanged
    return [(argument["iFlags"], entry)] if isinstance(entry, dict) else []


def journal_news(session: Session, connection_id: str, flags: frozenset[int]) -> JsonObject:
    """The entry of ``connection_id`` from the next journal event that reports it with one of
    ``flags``, whichever of the three journal events carries it (the module docstring)."""

    def reported(argument: JsonObject) -> list[JsonObject]:
        return [
            entry
            for flag, entry in changes_in(argument)
            if flag in flags and entry.get("u8sConnectionID") == connection_id
        ]

    where = Where(
        lambda argument: bool(reported(argument)),
        f"an entry {connection_id!r} with iFlags in {sorted(flags)}",
    )
    event = session.wait_for(JOURNAL_EVENTS, where)
    return reported(event.argument or {})[0]


def entry_of(session: Session, connection_id: str) -> JsonObject:
    """asnJournalEntryGet (28.1.9, L29997-L30030): the entry of ``connection_id``."""
    result = session.invoke(ENTRY_GET, {"u8sConnectionID": connection_id}).expect_result()
    entry: JsonObject = result["journalEntry"]
    return entry


def subscribe(session: Session) -> None:
    """asnJournalSubscribeEvents ``bReceiveJournalEvents`` true (L30040)."""
    session.invoke(SUBSCRIBE, {"bReceiveJournalEvents": True}).expect_result()


@dataclass(frozen=True)
class Side:
    """One side of the call: its user, line, subscribed session and connection id."""

    user: User
    line: str
    session: Session
    connection_id: str

    def news(self, flags: frozenset[int], session: Session | None = None) -> JsonObject:
        """This side's entry from the next journal event reporting it with one of ``flags``
        (in this side's session, or ``session``)."""
        return journal_news(session or self.session, self.connection_id, flags)

    def entry(self) -> JsonObject:
        """This side's entry as asnJournalEntryGet reads it."""
        return entry_of(self.session, self.connection_id)


@dataclass(frozen=True)
class EndedCall:
    """A call from A to B that A dropped while B rang; both sessions subscribed before it."""

    a: Side
    b: Side
    sessions: SessionFactory
    """Opens further sessions (closed when the test ends)."""


def _parties(profile: Profile) -> list[tuple[User, str]]:
    usable = set(profile.cti.lines)
    return [(u, line) for u in profile.enabled_users() for line in u.lines if line in usable]


@pytest.fixture
def ended_call(
    session_factory: SessionFactory, target: Target, profile: Profile
) -> Iterator[EndedCall]:
    parties = _parties(profile)
    if not parties:
        pytest.skip("the profile gives no enabled user a line listed in [cti] lines")
    a_user, a_line = parties[0]
    others = [(u, line) for u, line in parties if u.name != a_user.name]
    if not others:
        pytest.skip("the profile gives no second enabled user a line listed in [cti] lines")
    b_user, b_line = others[0]
    a, b = session_factory(a_user.alias), session_factory(b_user.alias)
    subscribe(a)
    subscribe(b)
    with lease(target, f"line {b_line}", LEASE_WAIT):
        started = b.invoke("asnCtiLineMonitorStart", {"u8sLinePhoneNumber": b_line})
        monitor = started.expect_result()
        cross_ref = monitor["u8sMonitorCrossRefID"]
        try:
            earlier = {id(e.argument) for e in b.events(CALL_CHANGED)}
            number = monitor["lineInfo"]["u8sPhoneNumber"]
            a_connection = a.invoke(
                "asnCtiMakeCall",
                {"u8sPhoneNumberFrom": a_line, "u8sPhoneNumberTo": number, "iNumberFormat": 1},
            ).expect_result()["u8sConnectionID"]
            try:

                def incoming(event: JsonObject) -> bool:
                    info = event.get("callinformation") or {}
                    return (
                        id(event) not in earlier
                        and same_line(event.get("u8sLinePhoneNumber"), b_line)
                        and info.get("bOutbound") is False
                    )

                rang = b.wait_for(CALL_CHANGED, Where(incoming, f"an incoming call on {b_line}"))
                b_connection = (rang.argument or {})["callinformation"]["u8sConnectionID"]
            finally:
                a.invoke("asnCtiDropCall", {"u8sConnectionID": a_connection})
            b.wait_for(
                CALL_CHANGED,
                lambda e: (
                    (e.get("callinformation") or {}).get("u8sConnectionID") == b_connection
                    and (e.get("callinformation") or {}).get("iCallState") in ENDED
                ),
            )
        finally:
            b.invoke("asnCtiLineMonitorStop", {"u8sMonitorCrossRefID": cross_ref})
    yield EndedCall(
        Side(a_user, a_line, a, a_connection),
        Side(b_user, b_line, b, b_connection),
        session_factory,
    )
