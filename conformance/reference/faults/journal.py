"""Faults: Journal (suites/journal)."""

from __future__ import annotations

from typing import Any

from conformance.reference.dispatch import OPERATION_RESULT
from conformance.reference.faults.registry import fault
from conformance.reference.journal import (
    CHANGE_STORED,
    DELETE_DONE,
    DIFF_SENT,
    ENTRY_CHANGED_SENT,
    ENTRY_RECORDED,
    FOUND_ENTRIES,
    LOCAL_CONTACT_SENT,
)
from conformance.rose import JsonObject

_ENTRIES = "suites/journal/test_entries.py::"
_CHANGES = "suites/journal/test_changes.py::"


@fault(
    "journal.calls-not-journalled",
    "an ended call becomes no journal entry",
    ENTRY_RECORDED,
    breaks=[
        _ENTRIES + "test_a_call_is_journalled_on_both_sides",
        _ENTRIES + "test_entries_are_found_by_start_time_and_limited",
        _CHANGES + "test_the_read_flag_is_stored_and_announced",
        _CHANGES + "test_a_differential_subscription_delivers_newer_entries",
        _CHANGES + "test_a_deleted_entry_is_announced_and_gone",
        _CHANGES + "test_a_contact_set_for_a_call_updates_its_entry",
        _CHANGES + "test_a_contact_set_for_a_call_is_announced_as_local_contact",
    ],
)
def _journal_calls_not_journalled(recorded: bool) -> bool:
    return False


@fault(
    "journal.origin-inverted",
    "journal events report an outbound call as inbound and the other way round",
    ENTRY_CHANGED_SENT,
    breaks=[_ENTRIES + "test_a_call_is_journalled_on_both_sides"],
)
def _journal_origin_inverted(entry: JsonObject) -> JsonObject:
    return {**entry, "iOrigin": 1 - entry["iOrigin"]}


@fault(
    "journal.limit-exceeded",
    "asnGetJournalEntries answers every entry it found twice, beyond iMaxNumEntries",
    FOUND_ENTRIES,
    breaks=[_ENTRIES + "test_entries_are_found_by_start_time_and_limited"],
)
def _journal_limit_exceeded(entries: list[JsonObject]) -> list[JsonObject]:
    return entries + entries


@fault(
    "journal.read-flag-ignored",
    "asnUpdateJournalReadFlag answers bSuccess true and announces the entry, but stores nothing",
    CHANGE_STORED,
    breaks=[_CHANGES + "test_the_read_flag_is_stored_and_announced"],
)
def _journal_read_flag_ignored(stored: bool) -> bool:
    return False


@fault(
    "journal.no-differential-update",
    "a subscription with iLastKnownGlobTransactionID is sent no newer entries",
    DIFF_SENT,
    breaks=[_CHANGES + "test_a_differential_subscription_delivers_newer_entries"],
)
def _journal_no_differential_update(sent: bool) -> bool:
    return False


@fault(
    "journal.delete-ignored",
    "asnDeleteJournalEntries answers iResult 0 and announces the deletion, but keeps the entry",
    DELETE_DONE,
    breaks=[_CHANGES + "test_a_deleted_entry_is_announced_and_gone"],
)
def _journal_delete_ignored(done: bool) -> bool:
    return False


@fault(
    "journal.contact-update-fails",
    "asnUpdateCallAndJournalContactAndNumber reports bResultJournalUpdate false",
    OPERATION_RESULT,
    breaks=[
        _CHANGES + "test_a_contact_set_for_a_call_updates_its_entry",
        _CHANGES + "test_a_contact_set_for_a_call_is_announced_as_local_contact",
    ],
)
def _journal_contact_update_fails(named: tuple[str, Any]) -> tuple[str, Any]:
    name, result = named
    if name == "asnUpdateCallAndJournalContactAndNumber":
        return name, {**result, "bResultJournalUpdate": False}
    return named


@fault(
    "journal.no-local-contact-event",
    "a contact set with asnUpdateCallAndJournalContactAndNumber is not announced as "
    "asnUpdateCallLocalContact",
    LOCAL_CONTACT_SENT,
    breaks=[_CHANGES + "test_a_contact_set_for_a_call_is_announced_as_local_contact"],
)
def _journal_no_local_contact_event(sent: bool) -> bool:
    return False
