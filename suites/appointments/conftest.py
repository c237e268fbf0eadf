"""Fixtures of the Appointments suite (document chapter 8, L13213-L13530; the events 2.2.12
asnContactAppointmentStateChanged, L3156-L3185, and 2.2.14 asnUpdateMyAppointment,
L3205-L3228).

A :class:`Calendar` adds one appointment of its own to the first enabled user's list
(asnAppointmentSetEntry, 8.1.4) and removes exactly that one when the test ends
(asnAppointmentRemoveEntry, 8.1.3): the user's other appointments are never touched. The
appointment runs from an hour before to an hour after the suite's clock, so a server whose
clock is within an hour of the suite's sees it running now (N50).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from conformance.client import Session, Where
from conformance.plugin import SessionFactory
from conformance.profile import Profile, User
from conformance.rose import JsonObject

SET_ENTRY = "asnAppointmentSetEntry"
REMOVE_ENTRY = "asnAppointmentRemoveEntry"


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Calendar:
    """The user's session that adds the test's appointment, and further sessions."""

    def __init__(self, user: User, session: Session, sessions: SessionFactory) -> None:
        self.user = user
        self.session = session
        self.sessions = sessions
        self.entry_id = f"ucconf-{uuid4().hex[:12]}"
        self.added = False

    def appointment(self) -> JsonObject:
        """AsnAppointmentEntry (L3181; section 9) running now: an hour either side."""
        now = datetime.now(UTC)
        return {
            "u8sEntryID": self.entry_id,
            "u8sOwner": self.user.name,
            "u8sDataSource": "ucconf",
            "stStart": _time(now - timedelta(hours=1)),
            "stEnd": _time(now + timedelta(hours=1)),
            "iDuration": 120,
            "u8sSubject": "ucserver-conformance appointment (removed when its test ends)",
            "u8sText": "",
            "bAllDay": False,
            "iStatus": 0,
            "u8sCategory": "",
            "iImportance": 0,
            "iSensitivity": 0,
            "bIsValid": True,
        }

    def holding(self, member: str) -> Where:
        """``where=`` for an event whose ``member`` list holds the test's appointment."""
        entry_id = self.entry_id

        def test(argument: JsonObject) -> bool:
            return any(e.get("u8sEntryID") == entry_id for e in argument.get(member, []))

        return Where(test, f"{member} holds appointment {entry_id!r}")

    def add(self) -> None:
        """asnAppointmentSetEntry of the test's appointment (L13409-L13432)."""
        self.added = True
        result = self.session.invoke(SET_ENTRY, {"appointment": self.appointment()})
        assert result.expect_result()["iResult"] == 0, f"{SET_ENTRY} answered {result}"

    def remove(self) -> None:
        if not self.added or self.session.closed:
            return
        try:
            self.session.invoke(REMOVE_ENTRY, {"u8sEntryID": self.entry_id})
        except Exception as exc:  # cleanup must not hide the test's own outcome
            self.session.transcript.note(f"removing {self.entry_id} failed: {exc!r}")


@pytest.fixture
def calendar(session_factory: SessionFactory, profile: Profile) -> Iterator[Calendar]:
    users = profile.enabled_users()
    if not users:
        pytest.skip("the profile has no enabled user")
    made = Calendar(users[0], session_factory(users[0].alias), session_factory)
    yield made
    made.remove()
