"""An appointment a client adds for its user: read back as running now, and the events about
it, asnUpdateMyAppointment to the user's other session and asnContactAppointmentStateChanged
to a watcher of the user's presence. Who receives those two events the document does not say
(2.2.12, 2.2.14): capability ``appointments.events`` (N50)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conformance.profile import Profile

if TYPE_CHECKING:
    from conftest import Calendar

pytestmark = [
    pytest.mark.module("Appointments"),
    pytest.mark.sends("asnAppointmentRemoveEntry", "asnAppointmentSetEntry"),
]

MY_APPOINTMENT = "asnUpdateMyAppointment"
STATE_CHANGED = "asnContactAppointmentStateChanged"


@pytest.mark.spec("8.1.6", line=13489)
@pytest.mark.spec("8.1.5", line=13446)
@pytest.mark.sends("asnAppointmentGetActualEntrysForUser", "asnAppointmentGetAllEntriesForUser")
def test_an_added_appointment_is_read_back_running(calendar: Calendar) -> None:
    """asnAppointmentSetEntry ("appointmentAddEntry", L13413) stores the appointment: the
    user's list (asnAppointmentGetAllEntriesForUser, "appointmentGetAllEntries", L13450) holds
    it, and so do the entries running now (asnAppointmentGetActualEntrysForUser,
    "appointmentGetActualEntry", L13493), since it runs from an hour ago to an hour ahead."""
    calendar.add()
    owner = {"u8sOwner": calendar.user.name}
    for operation in ("asnAppointmentGetAllEntriesForUser", "asnAppointmentGetActualEntrysForUser"):
        listed = calendar.session.invoke(operation, owner).expect_result()["listAppointments"]
        assert calendar.entry_id in [e["u8sEntryID"] for e in listed], (
            f"{operation} does not list the appointment {calendar.entry_id!r} just added"
        )


@pytest.mark.spec("2.2.14", line=3205)
@pytest.mark.requires("capability:appointments.events")
def test_the_users_other_session_is_told_of_the_running_appointment(calendar: Calendar) -> None:
    """asnUpdateMyAppointment ("appointmentChangedEvent", L3209) to the user's other session:
    ``seqActualAppointments``, "Liste der gerade aktiven Termine" (L3222), holds the appointment
    just added (it runs now)."""
    other = calendar.sessions(calendar.user.alias)
    calendar.add()
    other.wait_for(MY_APPOINTMENT, calendar.holding("seqActualAppointments"))


@pytest.mark.spec("2.2.12", line=3156)
@pytest.mark.requires("capability:appointments.events")
@pytest.mark.requires("users>=2")
@pytest.mark.sends("asnGetAndSubscribePresence")
def test_a_watcher_is_told_of_the_running_appointment(calendar: Calendar, profile: Profile) -> None:
    """asnContactAppointmentStateChanged ("Invoked (Event) if AppointmentState has changed",
    L3158) to another user's session subscribed to the user's presence: its
    ``appointmentEntryList`` (L3181) holds the appointment just added."""
    contact = calendar.user.sip_uri
    if not contact:
        pytest.skip(f"the profile gives {calendar.user.alias} no sip_uri (contact id)")
    watcher_user = next(u for u in profile.enabled_users() if u.name != calendar.user.name)
    watcher = calendar.sessions(watcher_user.alias)
    watcher.invoke("asnGetAndSubscribePresence", {"seqContactIDs": [contact]}).expect_result()
    calendar.add()
    event = watcher.wait_for(STATE_CHANGED, calendar.holding("appointmentEntryList"))
    assert (event.argument or {})["contactID"] == contact, (
        f"{STATE_CHANGED} about {calendar.user.alias}'s appointment names contact "
        f"{(event.argument or {})['contactID']!r}, not {contact!r}"
    )
