"""Handlers of the Appointments module (document chapter 8, L13213-L13530) and the two General
events about appointments, asnUpdateMyAppointment (2.2.14, L3205-L3228) and
asnContactAppointmentStateChanged (2.2.12, L3156-L3185).

Each user has one appointment list (SEQAppointmentList of AsnAppointmentEntry).
asnAppointmentSetEntryList replaces it ("This will replace the whole list currently on the
server", L13239), asnAppointmentSetEntry adds or replaces one entry (by ``u8sEntryID``),
asnAppointmentRemoveEntry removes one. A user sets only their own list: ``u8sOwner`` is ignored
("User access for other users: no (server will ignore given u8sOwner)", L13247). The read
operations answer the caller's list whatever ``u8sOwner`` says (its administrator's sessions,
N60, are not modelled here); asnAppointmentGetActualEntrysForUser answers the entries running now
(``stStart`` <= now < ``stEnd``).

Events (CONFORMANCE-NOTES N50): after every change, asnUpdateMyAppointment to every session of
the user, and asnContactAppointmentStateChanged to every session subscribed to the user's
presence (asnGetAndSubscribePresence), each with the entries running now and the next entry to
start (an entry with ``bIsValid`` false when there is none).
"""

from __future__ import annotations

import threading
from datetime import datetime

from conformance.reference import presence
from conformance.reference.directory import DirectoryUser
from conformance.reference.dispatch import Call, operation, request_error
from conformance.reference.hooks import HookPoint
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = [
    "ACTUAL_ENTRIES",
    "MY_EVENT_SENT",
    "WATCHER_EVENT_SENT",
    "AppointmentBook",
    "snapshot",
]

MY_APPOINTMENT = "asnUpdateMyAppointment"
STATE_CHANGED = "asnContactAppointmentStateChanged"

ACTUAL_ENTRIES: HookPoint[list[JsonObject]] = HookPoint(
    "appointments.actual", "the entries asnAppointmentGetActualEntrysForUser answers"
)
MY_EVENT_SENT: HookPoint[bool] = HookPoint(
    "appointments.my-event", "whether a change is announced to the user's sessions"
)
WATCHER_EVENT_SENT: HookPoint[bool] = HookPoint(
    "appointments.watcher-event", "whether a change is announced to the user's watchers"
)

_NO_APPOINTMENT: JsonObject = {
    "u8sEntryID": "",
    "u8sOwner": "",
    "u8sDataSource": "",
    "stStart": "1970-01-01T00:00:00Z",
    "stEnd": "1970-01-01T00:00:00Z",
    "iDuration": 0,
    "u8sSubject": "",
    "u8sText": "",
    "bAllDay": False,
    "iStatus": 0,
    "u8sCategory": "",
    "iImportance": 0,
    "iSensitivity": 0,
    "bIsValid": False,
}


class AppointmentBook:
    """Every user's appointment list, behind a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lists: dict[str, list[JsonObject]] = {}

    def of(self, user: str) -> list[JsonObject]:
        with self._lock:
            return [dict(e) for e in self._lists.get(user, [])]

    def replace(self, user: str, entries: list[JsonObject]) -> None:
        with self._lock:
            if entries:
                self._lists[user] = [dict(e) for e in entries]
            else:
                self._lists.pop(user, None)

    def snapshot(self) -> dict[str, list[str]]:
        with self._lock:
            return {u: sorted(e["u8sEntryID"] for e in es) for u, es in self._lists.items()}


def book_of(state: ServerState) -> AppointmentBook:
    return state.part(AppointmentBook)


def snapshot(state: ServerState) -> dict[str, list[str]]:
    return book_of(state).snapshot()


def _time(text: str) -> float | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _running(entries: list[JsonObject], now: float) -> list[JsonObject]:
    running = []
    for entry in entries:
        start, end = _time(entry["stStart"]), _time(entry["stEnd"])
        if start is not None and end is not None and start <= now < end:
            running.append(entry)
    return running


def _next(entries: list[JsonObject], now: float) -> JsonObject:
    later = [(t, e) for e in entries if (t := _time(e["stStart"])) is not None and t > now]
    return min(later, key=lambda pair: pair[0])[1] if later else dict(_NO_APPOINTMENT)


def _announce(state: ServerState, user: DirectoryUser) -> None:
    entries = book_of(state).of(user.name)
    now = state.clock.now()
    running, upcoming = _running(entries, now), _next(entries, now)
    presence_state = state.directory.presence(user)
    if state.faults.apply(MY_EVENT_SENT, True):
        mine = {
            "u8sContactID": user.sip_uri,
            "seqActualAppointments": running,
            "asnNextAppointment": upcoming,
            "iPresenceState": presence_state,
        }
        for session in state.sessions.of_user(user.name):
            session.send_event(MY_APPOINTMENT, mine)
    if state.faults.apply(WATCHER_EVENT_SENT, True):
        theirs = {
            "contactID": user.sip_uri,
            "iPresenceState": presence_state,
            "appointmentEntryList": running,
            "asnNextAppointment": upcoming,
        }
        for session in state.sessions.all():
            if not session.closed and user.sip_uri in presence.subscribed_contacts(session):
                session.send_event(STATE_CHANGED, theirs)


INVALID_APPOINTMENT = 1
"""AsnRequestError iErrorDetail for an appointment that ends before it starts."""


def _owned(call: Call, entries: list[JsonObject], source: str | None = None) -> list[JsonObject]:
    """The entries as the caller's own (``u8sOwner`` is ignored for users, L13247); an entry
    ending before it starts is refused rather than stored (the sweep's minimal one is such)."""
    owned = []
    for entry in entries:
        start, end = _time(entry["stStart"]), _time(entry["stEnd"])
        if start is not None and end is not None and end < start:
            raise request_error(
                INVALID_APPOINTMENT, f"{entry['u8sEntryID']!r} ends before it starts"
            )
        fields = {**entry, "u8sOwner": call.user.name}
        if source is not None:
            fields["u8sDataSource"] = source
        owned.append(fields)
    return owned


def _replace_list(call: Call, argument: JsonObject) -> JsonObject:
    entries = _owned(call, argument["appointments"], argument["u8sDataSource"])
    book_of(call.state).replace(call.user.name, entries)
    _announce(call.state, call.user)
    return {"iResult": 0}


@operation("asnAppointmentSetEntryList")
async def set_entry_list(call: Call, argument: JsonObject) -> JsonObject:
    return _replace_list(call, argument)


@operation("asnAppointmentSetSeriesEntriesList")
async def set_series_entries_list(call: Call, argument: JsonObject) -> JsonObject:
    return _replace_list(call, argument)


@operation("asnAppointmentSetEntry")
async def set_entry(call: Call, argument: JsonObject) -> JsonObject:
    (entry,) = _owned(call, [argument["appointment"]])
    book = book_of(call.state)
    kept = [e for e in book.of(call.user.name) if e["u8sEntryID"] != entry["u8sEntryID"]]
    book.replace(call.user.name, [*kept, entry])
    _announce(call.state, call.user)
    return {"iResult": 0}


@operation("asnAppointmentRemoveEntry")
async def remove_entry(call: Call, argument: JsonObject) -> JsonObject:
    book = book_of(call.state)
    entries = book.of(call.user.name)
    kept = [e for e in entries if e["u8sEntryID"] != argument["u8sEntryID"]]
    book.replace(call.user.name, kept)
    if len(kept) != len(entries):
        _announce(call.state, call.user)
    return {"iResult": 0}


@operation("asnAppointmentGetAllEntriesForUser")
async def get_all_entries(call: Call, argument: JsonObject) -> JsonObject:
    return {"iResult": 0, "listAppointments": book_of(call.state).of(call.user.name)}


@operation("asnAppointmentGetActualEntrysForUser")
async def get_actual_entries(call: Call, argument: JsonObject) -> JsonObject:
    running = _running(book_of(call.state).of(call.user.name), call.state.clock.now())
    return {"iResult": 0, "listAppointments": call.state.faults.apply(ACTUAL_ENTRIES, running)}
