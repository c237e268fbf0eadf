"""The task book of the reference server (conformance/reference/tasks.py). The operations and
events are exercised end to end by suites/tasks against the embedded server."""

from __future__ import annotations

from conformance.reference.tasks import TaskBook


def test_a_task_is_held_by_its_creator_and_owners_only() -> None:
    book = TaskBook()
    task = book.add({"u8sSubject": "s", "u8sCreator": "alice", "u8sListOwners": ["bob"]})
    assert task.id and task.fields["u8sTaskID"] == task.id
    assert [t.id for t in book.of("alice")] == [t.id for t in book.of("bob")] == [task.id]
    assert book.of("carol") == [] and book.get("carol", task.id) is None
    assert book.snapshot() == ["alice: s"]
    book.remove(task)
    assert book.snapshot() == [] and book.get("alice", task.id) is None


def test_task_ids_are_unique() -> None:
    book = TaskBook()
    ids = {book.add({"u8sSubject": "", "u8sCreator": "a", "u8sListOwners": []}).id for _ in "abc"}
    assert len(ids) == 3
