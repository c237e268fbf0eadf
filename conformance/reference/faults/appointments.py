"""Faults: Appointments (suites/appointments)."""

from __future__ import annotations

from conformance.reference.appointments import ACTUAL_ENTRIES, MY_EVENT_SENT, WATCHER_EVENT_SENT
from conformance.reference.faults.registry import fault
from conformance.rose import JsonObject

_APPOINTMENTS = "suites/appointments/test_appointments.py::"


@fault(
    "appointments.none-running",
    "asnAppointmentGetActualEntrysForUser answers no appointments, even one running now",
    ACTUAL_ENTRIES,
    breaks=[_APPOINTMENTS + "test_an_added_appointment_is_read_back_running"],
)
def _appointments_none_running(entries: list[JsonObject]) -> list[JsonObject]:
    return []


@fault(
    "appointments.no-my-appointment-event",
    "a change of the user's appointments is not announced to the user's sessions",
    MY_EVENT_SENT,
    breaks=[_APPOINTMENTS + "test_the_users_other_session_is_told_of_the_running_appointment"],
)
def _appointments_no_my_event(sent: bool) -> bool:
    return False


@fault(
    "appointments.no-watcher-event",
    "a change of a user's appointments is not announced to the user's presence watchers",
    WATCHER_EVENT_SENT,
    breaks=[_APPOINTMENTS + "test_a_watcher_is_told_of_the_running_appointment"],
)
def _appointments_no_watcher_event(sent: bool) -> bool:
    return False
