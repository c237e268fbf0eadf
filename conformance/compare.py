"""``ucconf diff A B``: what changed between two report folders, for CI gates.

Both folders hold a ``summary.json`` and a ``junit.xml`` written by ``ucconf run``. The
comparison is per test (by node id) and per coverage list, computed with :mod:`deepdiff` on
plain dictionaries so the structure of the result stays obvious. A *regression* is a test that
passed in A and failed (or errored) in B; it makes the command exit 1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deepdiff import DeepDiff

from conformance.outcomes import ERROR, FAILED, NOT_IMPLEMENTED, PASSED
from conformance.report import read_junit

__all__ = ["Comparison", "compare_runs", "render_comparison"]

BAD = (FAILED, ERROR)


@dataclass
class Comparison:
    regressions: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)
    newly_not_implemented: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    other_changes: list[str] = field(default_factory=list)
    coverage: dict[str, Any] = field(default_factory=dict)
    verdicts: tuple[str, str] = ("", "")

    @property
    def has_regression(self) -> bool:
        return bool(self.regressions)


def _outcomes(folder: Path) -> dict[str, str]:
    junit = folder / "junit.xml"
    if not junit.exists():
        raise FileNotFoundError(f"{folder} holds no junit.xml (not a ucconf run report folder)")
    return {record.nodeid: record.outcome for record in read_junit(junit)}


def _summary(folder: Path) -> dict[str, Any]:
    path = folder / "summary.json"
    if not path.exists():
        raise FileNotFoundError(f"{folder} holds no summary.json (not a ucconf run report folder)")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def compare_runs(before: Path, after: Path) -> Comparison:
    old, new = _outcomes(before), _outcomes(after)
    result = Comparison(verdicts=(_summary(before)["verdict"], _summary(after)["verdict"]))
    diff = DeepDiff(old, new, ignore_order=True, verbose_level=2)
    for path, change in diff.get("values_changed", {}).items():
        test = _key(path)
        was, now = change["old_value"], change["new_value"]
        if was == PASSED and now in BAD:
            result.regressions.append(test)
        elif was in BAD and now == PASSED:
            result.fixes.append(test)
        elif now == NOT_IMPLEMENTED:
            result.newly_not_implemented.append(test)
        else:
            result.other_changes.append(f"{test}: {was} -> {now}")
    result.added = sorted(_key(p) for p in diff.get("dictionary_item_added", {}))
    result.removed = sorted(_key(p) for p in diff.get("dictionary_item_removed", {}))
    result.coverage = _coverage_change(_summary(before), _summary(after))
    for name in ("regressions", "fixes", "newly_not_implemented", "other_changes"):
        getattr(result, name).sort()
    return result


def _key(path: str) -> str:
    """``root['suites/a.py::test_x']`` -> ``suites/a.py::test_x``."""
    return path[len("root['") : -len("']")] if path.startswith("root['") else path


def _coverage_change(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    change: dict[str, Any] = {}
    for kind, missing in (("operations", "not_exercised"), ("events", "not_seen")):
        was = set(before["coverage"][kind][missing])
        now = set(after["coverage"][kind][missing])
        change[kind] = {"newly_covered": sorted(was - now), "no_longer_covered": sorted(now - was)}
    return change


def render_comparison(comparison: Comparison) -> str:
    lines = [f"verdict: {comparison.verdicts[0]} -> {comparison.verdicts[1]}"]
    for title, items in (
        ("regressions (passed, now failing)", comparison.regressions),
        ("fixes (failing, now passing)", comparison.fixes),
        ("newly not implemented", comparison.newly_not_implemented),
        ("other outcome changes", comparison.other_changes),
        ("tests only in B", comparison.added),
        ("tests only in A", comparison.removed),
    ):
        lines.append(f"{title}: {len(items)}")
        lines += [f"  {item}" for item in items]
    for kind, change in comparison.coverage.items():
        gained, lost = change["newly_covered"], change["no_longer_covered"]
        lines.append(f"{kind} coverage: +{len(gained)} -{len(lost)}")
        lines += [f"  + {name}" for name in gained] + [f"  - {name}" for name in lost]
    return "\n".join(lines)
