"""Faults: Tasks (suites/tasks)."""

from __future__ import annotations

from conformance.reference.faults.registry import fault
from conformance.reference.tasks import (
    ADD_NOTIFIED,
    LISTED_TASKS,
    MODIFY_SENT,
    REMOVE_DONE,
    STATE_STORED,
)
from conformance.rose import JsonObject

_TASKS = "suites/tasks/test_tasks.py::"


@fault(
    "tasks.no-add-notify",
    "an added task is not announced with asnTaskItemsAdded",
    ADD_NOTIFIED,
    breaks=[
        _TASKS + "test_an_added_task_is_announced_to_its_session_and_listed",
        _TASKS + "test_a_modified_task_is_announced_and_read_back",
        _TASKS + "test_a_task_set_done_is_announced_and_read_back",
        _TASKS + "test_a_removed_task_is_announced_and_gone",
    ],
)
def _tasks_no_add_notify(notified: bool) -> bool:
    return False


@fault(
    "tasks.listed-empty",
    "asnTaskGetEntries answers no tasks",
    LISTED_TASKS,
    breaks=[
        _TASKS + "test_an_added_task_is_announced_to_its_session_and_listed",
        _TASKS + "test_a_modified_task_is_announced_and_read_back",
        _TASKS + "test_a_task_set_done_is_announced_and_read_back",
    ],
)
def _tasks_listed_empty(tasks: list[JsonObject]) -> list[JsonObject]:
    return []


@fault(
    "tasks.modified-reports-old-subject",
    "asnTaskItemsModified reports a changed task with an empty subject",
    MODIFY_SENT,
    breaks=[_TASKS + "test_a_modified_task_is_announced_and_read_back"],
)
def _tasks_modified_reports_old_subject(task: JsonObject) -> JsonObject:
    return {**task, "u8sSubject": ""}


@fault(
    "tasks.state-ignored",
    "asnTaskSetEntriesState answers and asks for a reload, but keeps the old state",
    STATE_STORED,
    breaks=[_TASKS + "test_a_task_set_done_is_announced_and_read_back"],
)
def _tasks_state_ignored(stored: bool) -> bool:
    return False


@fault(
    "tasks.remove-ignored",
    "asnTaskRemoveEntries answers and announces the removal, but keeps the task",
    REMOVE_DONE,
    breaks=[_TASKS + "test_a_removed_task_is_announced_and_gone"],
)
def _tasks_remove_ignored(done: bool) -> bool:
    return False
