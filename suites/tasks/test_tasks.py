"""Tasks a client adds, changes and removes, and the events it receives (42.2, L48697-L48741):
asnTaskItemsAdded, asnTaskItemsModified, asnTaskItemsRemoved and asnTasksReload.

Only the added task's notification to the adding session is the document's ("der Eintrag
[steht] erst dann gültig in der Datenbank ..., wenn der entsprechende AddNotify kommt",
L48491-L48495). That a session changing or removing a task is told too is capability
``tasks.change_events``; it may be told in detail (asnTaskItemsModified / asnTaskItemsRemoved)
or asked to reload (asnTasksReload), and either is accepted (N49)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conformance.client import Where
from conformance.rose import JsonObject

if TYPE_CHECKING:
    from conftest import TaskDesk

pytestmark = [
    pytest.mark.module("Tasks"),
    pytest.mark.requires("capability:tasks.store"),
    pytest.mark.sends("asnTaskAddEntry", "asnTaskGetEntries", "asnTaskRemoveEntries"),
]

ADDED = "asnTaskItemsAdded"
MODIFIED = "asnTaskItemsModified"
REMOVED = "asnTaskItemsRemoved"
RELOAD = "asnTasksReload"
DONE = 4  # AsnTaskState done (43.1.1, L48825)


def _holding(task_id: str) -> Where:
    def test(argument: JsonObject) -> bool:
        return any(t.get("u8sTaskID") == task_id for t in argument.get("listTasks", []))

    return Where(test, f"listTasks holds task {task_id!r}")


def _told_of_change(desk: TaskDesk, event: str, where: Where) -> JsonObject | None:
    """The next ``event`` matching ``where`` in the desk's session, or None for an
    asnTasksReload (whose argument carries neither tasks nor ids, 42.2.4, L48737-L48741)."""

    def test(argument: JsonObject) -> bool:
        reload = "listTasks" not in argument and "u8slistTaskIDs" not in argument
        return reload or where(argument)

    told = desk.session.wait_for((event, RELOAD), Where(test, f"{where.description}, or {RELOAD}"))
    return None if told.operation_name == RELOAD else (told.argument or {})


def _task_in(argument: JsonObject, task_id: str) -> JsonObject:
    (task,) = [t for t in argument["listTasks"] if t["u8sTaskID"] == task_id]
    return task


@pytest.mark.spec("42.1.3", line=48491)
@pytest.mark.spec("42.2.2", line=48710)
@pytest.mark.spec("42.1.1", line=48399)
@pytest.mark.sends("asnGetTaskEntryCount")
def test_an_added_task_is_announced_to_its_session_and_listed(desk: TaskDesk) -> None:
    """asnTaskAddEntry answers the new task's id (L48487-L48489); the adding session receives
    the "AddNotify" (asnTaskItemsAdded, "Die hinzugefügten Tasks", L48717) with the task, its
    subject as added; asnTaskGetEntries for its start date lists it, and asnGetTaskEntryCount
    counts at least it."""
    task_id, subject = desk.add()
    event = desk.session.wait_for(ADDED, _holding(task_id))
    told = _task_in(event.argument or {}, task_id)
    assert told["u8sSubject"] == subject, (
        f"{ADDED} reports task {task_id!r} with subject {told['u8sSubject']!r}, added as "
        f"{subject!r}"
    )
    listed = desk.listed_task(task_id)
    assert listed["u8sSubject"] == subject, f"asnTaskGetEntries lists {listed}, added {subject!r}"
    options = {
        "bsFlags": 0,
        "iMaxNumEntries": 0,
        "stUTCStartDateFrom": listed["stUTCStartDate"],
        "stUTCStartDateTo": listed["stUTCStartDate"],
        "u8slistOwnerNames": [],
    }
    counted = desk.session.invoke("asnGetTaskEntryCount", {"findOptions": options})
    assert counted.expect_result()["iCount"] >= 1, f"asnGetTaskEntryCount: {counted}"


@pytest.mark.spec("42.1.5", line=48542)
@pytest.mark.spec("42.2.1", line=48698)
@pytest.mark.requires("capability:tasks.change_events")
@pytest.mark.sends("asnTaskModifyEntries")
def test_a_modified_task_is_announced_and_read_back(desk: TaskDesk) -> None:
    """asnTaskModifyEntries ("Liste der Tasks die geändert werden sollen", L48550) with a new
    subject: the session is told (asnTaskItemsModified with the task as changed, L48706, or
    asnTasksReload), and asnTaskGetEntries reads the new subject."""
    task_id, _ = desk.add()
    desk.session.wait_for(ADDED, _holding(task_id))
    changed = {**desk.listed_task(task_id), "u8sSubject": f"ucconf modified {task_id}"}
    desk.session.invoke("asnTaskModifyEntries", {"listTasks": [changed]}).expect_result()
    told = _told_of_change(desk, MODIFIED, _holding(task_id))
    if told is not None:
        subject = _task_in(told, task_id)["u8sSubject"]
        assert subject == changed["u8sSubject"], (
            f"{MODIFIED} reports task {task_id!r} with subject {subject!r}, modified to "
            f"{changed['u8sSubject']!r}"
        )
    subject = desk.listed_task(task_id)["u8sSubject"]
    assert subject == changed["u8sSubject"], (
        f"asnTaskGetEntries reads subject {subject!r} after it was modified"
    )


@pytest.mark.spec("42.1.6", line=48575)
@pytest.mark.spec("42.2.4", line=48733)
@pytest.mark.requires("capability:tasks.change_events")
@pytest.mark.sends("asnTaskSetEntriesState")
def test_a_task_set_done_is_announced_and_read_back(desk: TaskDesk) -> None:
    """asnTaskSetEntriesState with ``eState`` done (4, 43.1.1, L48825) for the test's task: the
    session is told (asnTaskItemsModified showing the state, or asnTasksReload), and
    asnTaskGetEntries reads ``eState`` 4 (L49017)."""
    task_id, _ = desk.add()
    desk.session.wait_for(ADDED, _holding(task_id))
    argument = {"eState": DONE, "u8slistTaskIDs": [task_id]}
    desk.session.invoke("asnTaskSetEntriesState", argument).expect_result()
    told = _told_of_change(desk, MODIFIED, _holding(task_id))
    if told is not None:
        state = _task_in(told, task_id)["eState"]
        assert state == DONE, f"{MODIFIED} reports task {task_id!r} in state {state!r}, set 4"
    state = desk.listed_task(task_id)["eState"]
    assert state == DONE, f"asnTaskGetEntries reads eState {state!r} after it was set done (4)"


@pytest.mark.spec("42.1.4", line=48509)
@pytest.mark.spec("42.2.3", line=48721)
@pytest.mark.requires("capability:tasks.change_events")
def test_a_removed_task_is_announced_and_gone(desk: TaskDesk) -> None:
    """asnTaskRemoveEntries of the test's task ("ID des Tasks der gelöscht werden soll",
    L48517): the session is told (asnTaskItemsRemoved with its id, "Die IDs der gelöschten
    Tasks", L48729, or asnTasksReload), and asnTaskGetEntries no longer lists it."""
    task_id, _ = desk.add()
    desk.session.wait_for(ADDED, _holding(task_id))
    desk.session.invoke("asnTaskRemoveEntries", {"u8slistTaskID": [task_id]}).expect_result()
    desk.added.remove(task_id)
    names_it = Where(
        lambda argument: task_id in argument.get("u8slistTaskIDs", []),
        f"u8slistTaskIDs holds {task_id!r}",
    )
    _told_of_change(desk, REMOVED, names_it)
    assert task_id not in desk.listed(), f"asnTaskGetEntries still lists removed {task_id!r}"
