"""The appointments of the reference server (conformance/reference/appointments.py): the book
and what a change sends to whom. End to end: suites/appointments."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from conformance.reference import ReferenceServer
from conformance.reference.appointments import AppointmentBook, _next, _running, book_of

if TYPE_CHECKING:
    from conftest import Api

ENTRY = {"u8sEntryID": "e1", "stStart": "2030-01-01T10:00:00Z", "stEnd": "2030-01-01T11:00:00Z"}
T_BEFORE, T_DURING, T_AFTER = 1893492000.0 - 60, 1893492000.0 + 60, 1893495600.0 + 60


def test_running_and_next_follow_the_clock() -> None:
    assert _running([ENTRY], T_DURING) == [ENTRY]
    assert _running([ENTRY], T_BEFORE) == _running([ENTRY], T_AFTER) == []
    assert _next([ENTRY], T_BEFORE) == ENTRY
    assert _next([ENTRY], T_DURING)["bIsValid"] is False  # nothing is still to come


def test_an_empty_list_leaves_nothing_in_the_snapshot() -> None:
    book = AppointmentBook()
    book.replace("alice", [ENTRY])
    assert book.snapshot() == {"alice": ["e1"]}
    book.replace("alice", [])
    assert book.snapshot() == {}


def test_an_appointment_ending_before_it_starts_is_refused(
    make_server: Callable[..., ReferenceServer], api_for: Callable[[ReferenceServer], Api]
) -> None:
    server = make_server()
    api = api_for(server)
    backwards = {
        "u8sEntryID": "e2",
        "u8sOwner": "",
        "u8sDataSource": "",
        "stStart": "2030-01-01T11:00:00Z",
        "stEnd": "2030-01-01T10:00:00Z",
        "iDuration": 0,
        "u8sSubject": "",
        "u8sText": "",
        "bAllDay": False,
        "iStatus": 0,
        "u8sCategory": "",
        "iImportance": 0,
        "iSensitivity": 0,
        "bIsValid": True,
    }
    session = api.create_session()
    refused = api.client(session, "asnAppointmentSetEntry", {"appointment": backwards})
    assert refused.json()["error"]["iErrorDetail"] == 1, refused.text
    assert book_of(server.state).snapshot() == {}
    accepted = api.client(
        session, "asnAppointmentSetEntry", {"appointment": {**backwards, **ENTRY}}
    )
    assert accepted.json()["iResult"] == 0, accepted.text
    assert book_of(server.state).snapshot() == {"alice": ["e1"]}
