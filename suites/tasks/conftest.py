"""Fixtures of the Tasks suite (document chapter 42, L48388-L48741; types chapter 43).

A :class:`TaskDesk` is one session of the first enabled profile user that adds tasks
(asnTaskAddEntry, 42.1.3) and removes every task it added when the test ends
(asnTaskRemoveEntries, 42.1.4, best effort). A task's dates are fixed far in the future
(:data:`START`), so finding it by its start date (43.1.20, L49105-L49107) never depends on the
suite's clock. Tasks come from the server's task database; a server whose tasks live only in
an external store (Exchange ...) lacks capability ``tasks.store`` (N49).
"""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import pytest

from conformance.client import Session
from conformance.plugin import SessionFactory
from conformance.profile import Profile
from conformance.rose import JsonObject

ADD = "asnTaskAddEntry"
REMOVE = "asnTaskRemoveEntries"
GET = "asnTaskGetEntries"
START, DUE = "2031-05-05T08:00:00Z", "2031-05-06T08:00:00Z"
WINDOW = ("2031-05-04T08:00:00Z", "2031-05-07T08:00:00Z")
"""Start dates [from, to] around :data:`START`."""

_NO_PROJECT: JsonObject = {  # AsnProjectPinRule: no project
    "u8sProjectName": "",
    "u8sProjectPin": "",
    "iProjectType": 0,
    "bAssociatedCallIsPrivateCall": False,
    "u8sLocationID": "",
    "u8sUserEnteredPin": "",
    "u8sUserEnteredUserID": "",
}


def new_task(subject: str) -> JsonObject:
    """An AsnNetDatabaseTask (43.1.18, L48998-L49043) to add: not started, normal priority,
    no reminder, no owners but its creator; ``u8sTaskID`` is the server's to assign."""
    return {
        "u8sTaskID": "",
        "u8sSubject": subject,
        "contactData": {},
        "u8sCallNumber": "",
        "projectPinRule": dict(_NO_PROJECT),
        "stUTCStartDate": START,
        "stUTCDueDate": DUE,
        "eState": 0,  # notstarted (43.1.1, L48817)
        "ePriority": 1,  # normal (L48834)
        "eDelegationState": 0,  # accepted (L48858)
        "bReminderActive": False,
        "stUTCReminderTime": START,
        "u8sReminderFile": "",
        "u8sListOwners": [],
        "u8sCreator": "",
        "stUTCCreationTime": START,
        "u8sBody": "added by the ucserver-conformance Tasks suite; removed when its test ends",
        "stUTCDateCompleted": START,
        "u8sCompletedFrom": "",
        "ePrivacy": 0,  # normal (L48844)
    }


class TaskDesk:
    """One session adding tasks; every task it added is removed afterwards."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.added: list[str] = []

    def add(self) -> tuple[str, str]:
        """asnTaskAddEntry of a new task with a unique subject: (its id, its subject). The
        result's ``iResult`` is 0 ("Erfolgreich: 0", L48485) and ``u8sAddedTaskID`` names the
        new task (L48487-L48489)."""
        subject = f"ucconf task {uuid4().hex[:12]}"
        result = self.session.invoke(ADD, {"taskEntry": new_task(subject)}).expect_result()
        assert result["iResult"] == 0, f"{ADD} answered {result}"
        task_id = result["u8sAddedTaskID"]
        assert isinstance(task_id, str) and task_id, (
            f"{ADD} answered iResult 0 without the new task's id (L48487-L48489): {result}"
        )
        self.added.append(task_id)
        return task_id, subject

    def listed(self) -> dict[str, JsonObject]:
        """asnTaskGetEntries of the tasks starting in :data:`WINDOW`, by id."""
        options = {
            "bsFlags": 0,  # no bit is defined (43.1.5, L48864; N5)
            "iMaxNumEntries": 0,
            "stUTCStartDateFrom": WINDOW[0],
            "stUTCStartDateTo": WINDOW[1],
            "u8slistOwnerNames": [],  # "NICHT IMPLEMENTIERT" (L49109)
        }
        result = self.session.invoke(GET, {"findOptions": options}).expect_result()
        return {t["u8sTaskID"]: t for t in result["listTasks"]}

    def listed_task(self, task_id: str) -> JsonObject:
        """The task ``task_id`` as asnTaskGetEntries lists it; it must be listed."""
        listed = self.listed()
        assert task_id in listed, (
            f"{GET} for start dates {WINDOW[0]} to {WINDOW[1]} does not list task {task_id!r}, "
            f"which starts {START} (43.1.20, L49105-L49107)"
        )
        return listed[task_id]

    def remove_added(self) -> None:
        if not self.added or self.session.closed:
            return
        try:
            self.session.invoke(REMOVE, {"u8slistTaskID": self.added})
        except Exception as exc:  # cleanup must not hide the test's own outcome
            self.session.transcript.note(f"removing tasks {self.added} failed: {exc!r}")


@pytest.fixture
def desk(session_factory: SessionFactory, profile: Profile) -> Iterator[TaskDesk]:
    users = profile.enabled_users()
    if not users:
        pytest.skip("the profile has no enabled user")
    made = TaskDesk(session_factory(users[0].alias))
    yield made
    made.remove_added()
