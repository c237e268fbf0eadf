"""Variations: Tasks (suites/tasks) — how a session is told of changed tasks (N49)."""

from __future__ import annotations

from conformance.reference.tasks import DETAILED
from conformance.reference.variations.registry import variation


@variation(
    "tasks.reload-instead-of-details",
    "modified and removed tasks are announced with asnTasksReload, never in detail (an added "
    "task still comes as asnTaskItemsAdded, L48491-L48495)",
    DETAILED,
    lines=(48733, 48737),
)
def _reload_instead_of_details(detailed: bool) -> bool:
    return False
