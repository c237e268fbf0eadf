"""Handlers of the Journal module (document chapter 28, L29694-L30314; types chapter 29).

What is journalled
------------------
Every connection of the PBX (:mod:`conformance.reference.pbx`) that ends becomes one entry
(AsnNetDatabaseJournal, 29.1.6, L30545-L30623) in the journal of its line's owner, keyed by the
connection's ``u8sConnectionID`` ("Unique ID of the call", L30551; the journal operations name
an entry by the connection id, L29780, L30004): ``iOrigin`` 1 for the caller's side, 0 for the
called side (L30564-L30568), ``iInternal`` 1 when both ends are lines of the PBX (L30570), the
other party's number and, for an internal call, its name. Each entry has a transaction id from
one server-wide counter, raised by every add or change ("Counter, der bei jeder Änderung der
Datenbank (modify/add) inkrementiert wird", L30290-L30296).

Events (CONFORMANCE-NOTES N48)
------------------------------
Journal events go to the sessions of the entry's owner that subscribed with
asnJournalSubscribeEvents ``bReceiveJournalEvents`` true (28.1.10, L30032-L30040) until they
unsubscribe or end. The document names the events and their flags (added 1, modified 2,
deleted 3, added-or-modified 4 for a differential update, L30266-L30276) but not which event
carries which change; this server sends

* a new entry: asnJournalEntryChanged (28.2.2) with iFlags 1;
* a read flag, memo or subject set: asnJournalEntryChanged with iFlags 2;
* entries deleted: one asnJournalEntryListChanged (28.2.3) with iFlags 3 for each;
* a subscription with ``iLastKnownGlobTransactionID``: one asnJournalEntryListChanged with
  iFlags 4 for every entry of the last 60 days with a higher transaction id (L30042-L30061,
  at most ``iMaxEntries``, L30075-L30079);
* asnUpdateCallAndJournalContactAndNumber (28.1.3): asnUpdateCallLocalContact (28.2.1) with
  the contact and asnUpdateJournal (28.2.4) with the changed entry and iFlags 2.

Finding entries (asnGetJournalEntries, asnGetJournalEntriesCount)
-----------------------------------------------------------------
The caller's own entries (``u8slistLineUserNames`` other than the caller's own name find
nothing: no user here may read another's journal), filtered by ``stStartTimeFrom`` /
``stStartTimeTo`` (inclusive, L31021-L31027), the other party's numbers and the free text;
newest first, at most ``iMaxNumEntries`` (0 is unlimited, L31059-L31063). ``bsFlags`` is a bit
field whose bits the document does not define (29.1.2, L30511): it filters nothing.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import datetime

from conformance.reference.clock import iso_utc
from conformance.reference.dispatch import Call, operation, request_error
from conformance.reference.hooks import HookPoint
from conformance.reference.pbx import EMPTY_PROJECT, Connection
from conformance.reference.sessions import Session
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = [
    "CHANGE_STORED",
    "DELETE_DONE",
    "DIFF_SENT",
    "ENTRY_CHANGED",
    "ENTRY_CHANGED_SENT",
    "ENTRY_RECORDED",
    "EVENT_FORM",
    "FOUND_ENTRIES",
    "LOCAL_CONTACT_SENT",
    "JournalState",
    "journal_of",
    "record",
    "snapshot",
]

ENTRY_CHANGED = "asnJournalEntryChanged"
LIST_CHANGED = "asnJournalEntryListChanged"
UPDATE_JOURNAL = "asnUpdateJournal"
LOCAL_CONTACT = "asnUpdateCallLocalContact"

ADDED, MODIFIED, DELETED, ADDED_OR_MODIFIED = 1, 2, 3, 4  # iFlags, L30266-L30268
DIFF_DAYS = 60  # "immer auf die letzten 60 Tage beschränkt", L30059-L30061
NO_SUCH_ENTRY = 1
"""AsnRequestError iErrorDetail for a connection id naming no entry of the caller."""

_SUBSCRIBED = "journal.subscribed"
"""``session.data`` key: the session receives journal events."""

ENTRY_RECORDED: HookPoint[bool] = HookPoint(
    "journal.entry-recorded", "whether an ended connection becomes a journal entry"
)
ENTRY_CHANGED_SENT: HookPoint[JsonObject] = HookPoint(
    "journal.entry-changed",
    "the AsnNetDatabaseJournal a journal event reports for an entry (the entry as it now is)",
)
FOUND_ENTRIES: HookPoint[list[JsonObject]] = HookPoint(
    "journal.found", "the entries asnGetJournalEntries answers (after filter and limit)"
)
CHANGE_STORED: HookPoint[bool] = HookPoint(
    "journal.change-stored", "whether a read flag, memo or subject set is stored"
)
DELETE_DONE: HookPoint[bool] = HookPoint(
    "journal.delete-done", "whether asnDeleteJournalEntries removes the entries it names"
)
DIFF_SENT: HookPoint[bool] = HookPoint(
    "journal.diff-sent",
    "whether a subscription with iLastKnownGlobTransactionID is sent the newer entries",
)
EVENT_FORM: HookPoint[str] = HookPoint(
    "journal.event-form",
    "which journal event (asnJournalEntryChanged, asnJournalEntryListChanged, asnUpdateJournal) "
    "carries a change",
)
LOCAL_CONTACT_SENT: HookPoint[bool] = HookPoint(
    "journal.local-contact",
    "whether asnUpdateCallAndJournalContactAndNumber announces asnUpdateCallLocalContact",
)


@dataclass
class Entry:
    owner: str
    transaction: int
    started_at: float
    fields: JsonObject
    """The AsnNetDatabaseJournal as it now is."""
    recorded: JsonObject = field(default_factory=dict)
    """The client-editable members as recorded (for the snapshot: what clients changed)."""


_EDITABLE = ("iReadFlag", "u8sMemo", "u8sSubject")


class JournalState:
    """Every user's journal and the transaction counter; behind a lock (sessions end and
    drop their subscriptions on other threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self._transactions = itertools.count(1)

    def add(self, owner: str, started_at: float, fields: JsonObject) -> Entry:
        with self._lock:
            entry = Entry(owner, next(self._transactions), started_at, fields)
            entry.recorded = {k: fields[k] for k in _EDITABLE}
            self._entries[fields["u8sConnectionID"]] = entry
            return entry

    def get(self, owner: str, connection_id: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(connection_id)
        return entry if entry is not None and entry.owner == owner else None

    def touch(self, entry: Entry) -> None:
        with self._lock:
            entry.transaction = next(self._transactions)

    def remove(self, entry: Entry) -> None:
        with self._lock:
            self._entries.pop(entry.fields["u8sConnectionID"], None)

    def of(self, owner: str) -> list[Entry]:
        """The owner's entries, newest first."""
        with self._lock:
            found = [e for e in self._entries.values() if e.owner == owner]
        return sorted(found, key=lambda e: (e.started_at, e.transaction), reverse=True)

    @property
    def last_transaction(self) -> int:
        with self._lock:
            return max((e.transaction for e in self._entries.values()), default=0)

    def edited(self) -> list[str]:
        """Entries whose client-editable members differ from what was recorded."""
        with self._lock:
            return sorted(
                f"{e.owner}: {e.fields['u8sConnectionID']}"
                for e in self._entries.values()
                if any(e.fields[k] != e.recorded[k] for k in _EDITABLE)
            )


def journal_of(state: ServerState) -> JournalState:
    return state.part(JournalState)


def snapshot(state: ServerState) -> list[str]:
    """Entries a client edited and did not restore (entries themselves are history)."""
    return journal_of(state).edited()


# --- recording ------------------------------------------------------------------------------


def record(state: ServerState, connection: Connection) -> None:
    """Journal a connection that has just ended, in its line owner's journal."""
    owner = state.directory.line_owner(connection.line)
    if owner is None or not state.faults.apply(ENTRY_RECORDED, True):
        return
    now = state.clock.now()
    connected = connection.connected_at
    ended = connection.disconnected_at or now
    remote = connection.remote_owner
    fields: JsonObject = {
        "u8sConnectionID": connection.connection_id,
        "stStartTime": iso_utc(connection.created_at),
        "stStopTime": iso_utc(ended),
        "iDurationTotal": round(ended - connection.created_at),
        "stConnectTime": iso_utc(connected if connected is not None else connection.created_at),
        "stDisconnectTime": iso_utc(ended),
        "iDurationConnected": round(ended - connected) if connected is not None else 0,
        "iOrigin": 1 if connection.outbound else 0,
        "iInternal": 1 if remote is not None else 0,
        "u8sLineNumber": connection.line,
        "u8sLineName": owner.display_name,
        "u8sLineUserName": owner.name,
        "iLineUserOffline": 0,
        "u8sLocalNumber": connection.line.removeprefix("tel:"),
        "u8sPhoneNumber": connection.remote_number,
        "u8sRedirectingNumber": "",
        "u8sContactName": remote.display_name if remote is not None else "",
        "u8sContactCompany": "",
        "u8sContactEntryID": remote.object_guid if remote is not None else "",
        "u8sContactEntryStoreID": "",
        "u8sContactEntryDBID": "",
        "u8sCtiServerUserName": owner.name,
        "u8sProviderNumber": "",
        "rCharging": 0,
        "iSucessState": 1 if connected is not None else 0,
        "u8sSubject": "",
        "u8sMemo": "",
        "iReadFlag": 0,
        "projectPinRule": dict(EMPTY_PROJECT),
        "u8sTrackerID": connection.call.tracker_id,
        "u8sAcceptorName": "",
        "u8sAcceptorCtiServerUserName": "",
        "u8sAcceptorConnectionID": "",
    }
    entry = journal_of(state).add(owner.name, connection.created_at, fields)
    _announce(state, entry, ADDED)


def _subscribers(state: ServerState, owner: str) -> list[Session]:
    return [s for s in state.sessions.of_user(owner) if s.data.get(_SUBSCRIBED)]


def _reported(state: ServerState, entry: Entry) -> JsonObject:
    return state.faults.apply(ENTRY_CHANGED_SENT, dict(entry.fields))


def _announce(state: ServerState, entry: Entry, flags: int) -> None:
    _send(state, entry.owner, [(flags, entry)], ENTRY_CHANGED)


def _announce_list(state: ServerState, owner: str, entries: list[Entry], flags: int) -> None:
    _send(state, owner, [(flags, e) for e in entries], LIST_CHANGED)


def _send(
    state: ServerState,
    owner: str,
    changes: list[tuple[int, Entry]],
    form: str,
    sessions: list[Session] | None = None,
) -> None:
    """Journal changes to the owner's subscribed sessions (or ``sessions``), in the event
    ``form`` (asnJournalEntryChanged carries one change: several become one event each)."""
    form = state.faults.apply(EVENT_FORM, form)
    reported = [(flags, _reported(state, entry)) for flags, entry in changes]
    if form == ENTRY_CHANGED:
        arguments = [{"iFlags": f, "journalEntry": e} for f, e in reported]
    elif form == LIST_CHANGED:
        changed = [{"iFlags": f, "journalEntry": e} for f, e in reported]
        last = journal_of(state).last_transaction
        arguments = [{"iLastTransactionID": last, "journalEntryChangedList": changed}]
    else:  # asnUpdateJournal: one list per flag
        by_flag: dict[int, list[JsonObject]] = {}
        for flags, entry in reported:
            by_flag.setdefault(flags, []).append(entry)
        arguments = [{"journalList": es, "iFlags": f} for f, es in by_flag.items()]
    for session in sessions if sessions is not None else _subscribers(state, owner):
        for argument in arguments:
            session.send_event(form, argument)


# --- operations -----------------------------------------------------------------------------


@operation("asnJournalSubscribeEvents")
async def subscribe_events(call: Call, argument: JsonObject) -> JsonObject:
    session = call.session
    if session is None:  # /ws/direct: no event channel to subscribe
        return {"iResult": 0}
    if not argument["bReceiveJournalEvents"]:
        session.data.pop(_SUBSCRIBED, None)
        return {"iResult": 0}
    session.data[_SUBSCRIBED] = True
    last_known = argument.get("iLastKnownGlobTransactionID")
    if isinstance(last_known, int) and call.state.faults.apply(DIFF_SENT, True):
        state = call.state
        since = state.clock.now() - DIFF_DAYS * 86400
        newer = [
            e
            for e in journal_of(state).of(call.user.name)
            if e.transaction > last_known and e.started_at >= since
        ]
        limit = argument.get("iMaxEntries")
        if isinstance(limit, int) and limit > 0:
            newer = newer[:limit]
        state.spawn(_send_diff(state, session, newer))
    return {"iResult": 0}


async def _send_diff(state: ServerState, session: Session, entries: list[Entry]) -> None:
    """The differential update, after the subscription's result."""
    changes = [(ADDED_OR_MODIFIED, e) for e in entries]
    _send(state, session.user, changes, LIST_CHANGED, [session])


@operation("asnJournalEntryGet")
async def entry_get(call: Call, argument: JsonObject) -> JsonObject:
    entry = _own_entry(call, argument["u8sConnectionID"])
    return {"journalEntry": dict(entry.fields)}


def _own_entry(call: Call, connection_id: str) -> Entry:
    entry = journal_of(call.state).get(call.user.name, connection_id)
    if entry is None:
        raise request_error(
            NO_SUCH_ENTRY, f"u8sConnectionID {connection_id!r} names no entry of your journal"
        )
    return entry


def _parse_time(text: str) -> float | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _found(call: Call, options: JsonObject) -> list[Entry]:
    users = options["u8slistLineUserNames"]
    if users and call.user.name not in users:
        return []
    start_from = _parse_time(options["stStartTimeFrom"])
    start_to = _parse_time(options["stStartTimeTo"])
    numbers = set(options["u8slistPhoneNumber"])
    text = options["u8sFilterText"].casefold()
    found = []
    for entry in journal_of(call.state).of(call.user.name):
        fields = entry.fields
        started = int(entry.started_at)  # as the client sees it: stStartTime has whole seconds
        if start_from is not None and started < start_from:
            continue
        if start_to is not None and started > start_to:
            continue
        if numbers and fields["u8sPhoneNumber"] not in numbers:
            continue
        if options["u8sContactName"] and options["u8sContactName"] != fields["u8sContactName"]:
            continue
        searched = (fields["u8sContactName"], fields["u8sPhoneNumber"], fields["u8sMemo"])
        if text and not any(text in part.casefold() for part in searched):
            continue
        found.append(entry)
    limit = options["iMaxNumEntries"]
    return found[:limit] if limit > 0 else found


@operation("asnGetJournalEntries")
async def get_entries(call: Call, argument: JsonObject) -> JsonObject:
    entries = [dict(e.fields) for e in _found(call, argument["findOptions"])]
    return {"journalList": call.state.faults.apply(FOUND_ENTRIES, entries)}


@operation("asnGetJournalEntriesCount")
async def get_entries_count(call: Call, argument: JsonObject) -> JsonObject:
    options = {**argument["findOptions"], "iMaxNumEntries": 0}
    return {"iCount": len(_found(call, options))}


async def _set_member(call: Call, argument: JsonObject, member: str, value: object) -> JsonObject:
    entries = [_own_entry(call, c) for c in argument["u8sConnectionIDList"]]
    journal = journal_of(call.state)
    for entry in entries:
        if call.state.faults.apply(CHANGE_STORED, True):
            entry.fields[member] = value
        journal.touch(entry)
        _announce(call.state, entry, MODIFIED)
    return {"bSuccess": True}


@operation("asnUpdateJournalReadFlag")
async def update_read_flag(call: Call, argument: JsonObject) -> JsonObject:
    return await _set_member(call, argument, "iReadFlag", 1 if argument["bReadFlag"] else 0)


@operation("asnUpdateJournalMemo")
async def update_memo(call: Call, argument: JsonObject) -> JsonObject:
    return await _set_member(call, argument, "u8sMemo", argument["u8sMemo"])


@operation("asnUpdateJournalSubject")
async def update_subject(call: Call, argument: JsonObject) -> JsonObject:
    return await _set_member(call, argument, "u8sSubject", argument["u8sSubject"])


@operation("asnDeleteJournalEntries")
async def delete_entries(call: Call, argument: JsonObject) -> JsonObject:
    entries = [_own_entry(call, c) for c in argument["u8sConnectionIDList"]]
    journal = journal_of(call.state)
    if call.state.faults.apply(DELETE_DONE, True):
        for entry in entries:
            journal.remove(entry)
    _announce_list(call.state, call.user.name, entries, DELETED)
    return {"iResult": 0}


@operation("asnUpdateCallAndJournalContactAndNumber")
async def update_contact(call: Call, argument: JsonObject) -> JsonObject:
    entry = journal_of(call.state).get(call.user.name, argument["u8sConnectionID"])
    if entry is None:
        return {"bResultCallInfoUpdate": False, "bResultJournalUpdate": False}
    contact = argument["remoteContact"]
    entry.fields["u8sPhoneNumber"] = argument["u8sRemoteNumberSC"]
    entry.fields["u8sContactName"] = contact.get("u8sDisplayName", "")
    entry.fields["u8sContactCompany"] = contact.get("u8sCompany", "")
    entry.fields["u8sContactEntryID"] = contact.get("u8sEntryID", "")
    journal_of(call.state).touch(entry)
    local = {"u8sConnectionID": argument["u8sConnectionID"], "localContact": contact}
    if call.state.faults.apply(LOCAL_CONTACT_SENT, True):
        for session in _subscribers(call.state, entry.owner):
            session.send_event(LOCAL_CONTACT, local)
    _send(call.state, entry.owner, [(MODIFIED, entry)], UPDATE_JOURNAL)
    # The call itself has ended (only ended calls are journalled): no call information changes.
    return {"bResultCallInfoUpdate": False, "bResultJournalUpdate": True}
