"""Handlers of the Tasks module (document chapter 42, L48388-L48741; types chapter 43).

The reference server keeps one task list per user: the tasks the user created
(asnTaskAddEntry) or that were delegated to them (``u8sListOwners``). A task is an
AsnNetDatabaseTask (43.1.18, L48998-L49043) whose ``u8sTaskID`` the server assigns
("Wenn erfolgreich, dann steht hier die neu erzeugte TaskID drin", L48487-L48489) and whose
``u8sCreator`` is the creator's login name.

Events (CONFORMANCE-NOTES N49)
------------------------------
The document says only that an added entry "is valid in the database once the corresponding
AddNotify arrives" (L48491-L48495): the session that added a task is told with
asnTaskItemsAdded (42.2.2). This server tells every session of every user whose list holds the
task: asnTaskItemsAdded for a new task, asnTaskItemsModified (42.2.1) with the changed tasks
for asnTaskModifyEntries and asnTaskSetEntriesReminder, asnTaskItemsRemoved (42.2.3) with the
ids for asnTaskRemoveEntries; asnTaskSetEntriesState and asnTaskDelegateEntries, which may move
tasks in or out of a user's filtered views, send asnTasksReload (42.2.4) instead.

Reading (asnTaskGetEntries, asnGetTaskEntryCount)
-------------------------------------------------
The caller's tasks, oldest first, whose ``stUTCStartDate`` lies in
[``stUTCStartDateFrom``, ``stUTCStartDateTo``] (43.1.20, L49105-L49107), at most
``iMaxNumEntries`` (0: all). ``u8slistOwnerNames`` is "NICHT IMPLEMENTIERT" (L49109) and
``bsFlags`` has no defined bits (N5): neither filters.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from datetime import datetime

from conformance.reference.clock import iso_utc
from conformance.reference.dispatch import Call, operation, request_error
from conformance.reference.hooks import HookPoint
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = [
    "ADD_NOTIFIED",
    "DETAILED",
    "LISTED_TASKS",
    "MODIFY_SENT",
    "REMOVE_DONE",
    "STATE_STORED",
    "TaskBook",
    "snapshot",
    "tasks_of",
]

ADDED = "asnTaskItemsAdded"
MODIFIED = "asnTaskItemsModified"
REMOVED = "asnTaskItemsRemoved"
RELOAD = "asnTasksReload"
DONE = 4  # AsnTaskState done (43.1.1, L48825)
NO_SUCH_TASK = 1
"""AsnRequestError iErrorDetail for a task id naming no task of the caller."""

ADD_NOTIFIED: HookPoint[bool] = HookPoint(
    "tasks.add-notified", "whether an added task is announced with asnTaskItemsAdded"
)
LISTED_TASKS: HookPoint[list[JsonObject]] = HookPoint(
    "tasks.listed", "the tasks asnTaskGetEntries answers"
)
STATE_STORED: HookPoint[bool] = HookPoint(
    "tasks.state-stored", "whether asnTaskSetEntriesState stores the new state"
)
REMOVE_DONE: HookPoint[bool] = HookPoint(
    "tasks.remove-done", "whether asnTaskRemoveEntries removes the tasks it names"
)
DETAILED: HookPoint[bool] = HookPoint(
    "tasks.detailed",
    "whether a modification or removal is announced in detail (asnTaskItemsModified / "
    "asnTaskItemsRemoved) rather than with asnTasksReload",
)
MODIFY_SENT: HookPoint[JsonObject] = HookPoint(
    "tasks.modify-sent", "a task as asnTaskItemsModified reports it"
)


@dataclass
class Task:
    fields: JsonObject
    """The AsnNetDatabaseTask as it now is."""

    @property
    def id(self) -> str:
        return str(self.fields["u8sTaskID"])

    @property
    def holders(self) -> set[str]:
        """The users whose list holds the task: its creator and its owners."""
        return {str(self.fields["u8sCreator"]), *self.fields["u8sListOwners"]}


class TaskBook:
    """Every user's tasks, behind a lock (tests may read it from another thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tasks: dict[str, Task] = {}
        self._ids = itertools.count(1)

    def add(self, fields: JsonObject) -> Task:
        with self._lock:
            task = Task({**fields, "u8sTaskID": f"task-{next(self._ids)}"})
            self._tasks[task.id] = task
            return task

    def of(self, user: str) -> list[Task]:
        with self._lock:
            return [t for t in self._tasks.values() if user in t.holders]

    def get(self, user: str, task_id: str) -> Task | None:
        with self._lock:
            task = self._tasks.get(task_id)
        return task if task is not None and user in task.holders else None

    def remove(self, task: Task) -> None:
        with self._lock:
            self._tasks.pop(task.id, None)

    def snapshot(self) -> list[str]:
        with self._lock:
            return sorted(
                f"{t.fields['u8sCreator']}: {t.fields['u8sSubject']}" for t in self._tasks.values()
            )


def tasks_of(state: ServerState) -> TaskBook:
    return state.part(TaskBook)


def snapshot(state: ServerState) -> list[str]:
    """Every task (the suites remove what they add)."""
    return tasks_of(state).snapshot()


def _tell(state: ServerState, users: set[str], event: str, argument: JsonObject) -> None:
    for user in sorted(users):
        for session in state.sessions.of_user(user):
            session.send_event(event, argument)


def _own(call: Call, task_ids: list[str]) -> list[Task]:
    book = tasks_of(call.state)
    found = []
    for task_id in task_ids:
        task = book.get(call.user.name, task_id)
        if task is None:
            raise request_error(NO_SUCH_TASK, f"{task_id!r} names no task of yours")
        found.append(task)
    return found


def _holders(tasks: list[Task]) -> set[str]:
    return set().union(*(t.holders for t in tasks)) if tasks else set()


def _modified(call: Call, tasks: list[Task]) -> None:
    if not call.state.faults.apply(DETAILED, True):
        _tell(call.state, _holders(tasks), RELOAD, {})
        return
    listed = [call.state.faults.apply(MODIFY_SENT, dict(t.fields)) for t in tasks]
    _tell(call.state, _holders(tasks), MODIFIED, {"listTasks": listed})


# --- operations -----------------------------------------------------------------------------


INVALID_TASK = 2
"""AsnRequestError iErrorDetail for a task whose deadline lies before its start."""


@operation("asnTaskAddEntry")
async def add_entry(call: Call, argument: JsonObject) -> JsonObject:
    entry = argument["taskEntry"]
    start, due = _time(entry["stUTCStartDate"]), _time(entry["stUTCDueDate"])
    if start is not None and due is not None and due < start:
        # A nonsensical task is refused rather than stored (the sweep's minimal one is such).
        raise request_error(INVALID_TASK, "stUTCDueDate lies before stUTCStartDate")
    now = iso_utc(call.state.clock.now())
    fields = {**argument["taskEntry"], "u8sCreator": call.user.name, "stUTCCreationTime": now}
    task = tasks_of(call.state).add(fields)
    if call.state.faults.apply(ADD_NOTIFIED, True):
        _tell(call.state, task.holders, ADDED, {"listTasks": [dict(task.fields)]})
    return {"iResult": 0, "u8sAddedTaskID": task.id}


def _time(text: str) -> float | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _listed(call: Call, options: JsonObject) -> list[Task]:
    low, high = _time(options["stUTCStartDateFrom"]), _time(options["stUTCStartDateTo"])
    found = []
    for task in tasks_of(call.state).of(call.user.name):
        start = _time(task.fields["stUTCStartDate"])
        if start is not None and low is not None and start < low:
            continue
        if start is not None and high is not None and start > high:
            continue
        found.append(task)
    limit = options["iMaxNumEntries"]
    return found[:limit] if limit > 0 else found


@operation("asnTaskGetEntries")
async def get_entries(call: Call, argument: JsonObject) -> JsonObject:
    listed = [dict(t.fields) for t in _listed(call, argument["findOptions"])]
    return {"listTasks": call.state.faults.apply(LISTED_TASKS, listed)}


@operation("asnGetTaskEntryCount")
async def get_entry_count(call: Call, argument: JsonObject) -> JsonObject:
    options = {**argument["findOptions"], "iMaxNumEntries": 0}
    return {"iCount": len(_listed(call, options))}


@operation("asnTaskModifyEntries")
async def modify_entries(call: Call, argument: JsonObject) -> JsonObject:
    changed = _own(call, [t["u8sTaskID"] for t in argument["listTasks"]])
    for task, given in zip(changed, argument["listTasks"], strict=True):
        keep = {k: task.fields[k] for k in ("u8sTaskID", "u8sCreator", "stUTCCreationTime")}
        task.fields = {**given, **keep}
    _modified(call, changed)
    return {"dummy": None}


@operation("asnTaskSetEntriesReminder")
async def set_entries_reminder(call: Call, argument: JsonObject) -> JsonObject:
    changed = _own(call, argument["u8slistTaskIDs"])
    for task in changed:
        task.fields["bReminderActive"] = argument["bReminderActive"]
        task.fields["stUTCReminderTime"] = argument["stReminderTime"]
    _modified(call, changed)
    return {}


@operation("asnTaskSetEntriesState")
async def set_entries_state(call: Call, argument: JsonObject) -> JsonObject:
    changed = _own(call, argument["u8slistTaskIDs"])
    state = argument["eState"]
    for task in changed:
        if call.state.faults.apply(STATE_STORED, True):
            task.fields["eState"] = state
            if state == DONE:  # "Timestamp for State Done", "Contact who finished" (L49037)
                task.fields["stUTCDateCompleted"] = iso_utc(call.state.clock.now())
                task.fields["u8sCompletedFrom"] = call.user.name
    _tell(call.state, _holders(changed), RELOAD, {})
    return {}


@operation("asnTaskDelegateEntries")
async def delegate_entries(call: Call, argument: JsonObject) -> JsonObject:
    changed = _own(call, argument["u8slistTaskIDs"])
    before = _holders(changed)
    for task in changed:
        task.fields["u8sListOwners"] = list(argument["u8slistOwners"])
    _tell(call.state, before | _holders(changed), RELOAD, {})
    return {}


@operation("asnTaskRemoveEntries")
async def remove_entries(call: Call, argument: JsonObject) -> JsonObject:
    removed = _own(call, argument["u8slistTaskID"])  # sic, singular (L48517)
    book = tasks_of(call.state)
    if call.state.faults.apply(REMOVE_DONE, True):
        for task in removed:
            book.remove(task)
    if call.state.faults.apply(DETAILED, True):
        ids = [t.id for t in removed]
        _tell(call.state, _holders(removed), REMOVED, {"u8slistTaskIDs": ids})
    else:
        _tell(call.state, _holders(removed), RELOAD, {})
    return {"dummy": None}
