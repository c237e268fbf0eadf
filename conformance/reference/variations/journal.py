"""Variations: Journal (suites/journal) — which event carries a journal change (N48)."""

from __future__ import annotations

from conformance.reference.journal import EVENT_FORM, LIST_CHANGED, UPDATE_JOURNAL
from conformance.reference.variations.registry import variation


@variation(
    "journal.changes-as-update-journal",
    "every journal change (new, modified, deleted, differential update) goes out as "
    "asnUpdateJournal with the entries and the change's iFlags",
    EVENT_FORM,
    lines=(30302, 30310, 30312),
)
def _changes_as_update_journal(form: str) -> str:
    return UPDATE_JOURNAL


@variation(
    "journal.changes-as-entry-list",
    "every journal change goes out as asnJournalEntryListChanged with one changed entry",
    EVENT_FORM,
    lines=(30282, 30290, 30298),
)
def _changes_as_entry_list(form: str) -> str:
    return LIST_CHANGED
