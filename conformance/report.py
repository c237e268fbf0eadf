"""Certification summaries: from a run's JUnit XML to a verdict, counts and spec coverage.

The plugin records on every test its outcome class (``conformance_outcome``), its module and
document sections, and what it exercised (operations sent, events received, validations).
This module reads those properties back from ``junit.xml`` (so it works the same for a run of
one process and for xdist workers), and writes ``summary.json`` and ``summary.md``, plus
Allure's ``environment.properties`` and ``categories.json``.

A run is *conformant* when nothing failed. "Not implemented" and "skipped" do not fail it;
"error" (the suite or the network broke) makes the run inconclusive, not non-conformant.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from conformance.catalog import Catalog
from conformance.outcomes import (
    BROKEN,
    ERROR,
    NOT_IMPLEMENTED,
    NOT_SENT,
    OUTCOME_PROPERTY,
    OUTCOMES,
    PASSED,
    SKIPPED,
    SWEEP_PROPERTY,
    SWEEP_VERDICTS,
)
from conformance.profile import Profile

__all__ = [
    "OUTCOMES",
    "CaseRecord",
    "RunMetadata",
    "Summary",
    "Verdict",
    "load_expected_failures",
    "profile_hash",
    "read_junit",
    "summarise",
    "write_allure_extras",
    "write_summary",
]

EXPECTED_FAILURE = "expected failure"
NO_MODULE = "(no module)"


class Verdict(StrEnum):
    CONFORMANT = "conformant"
    NON_CONFORMANT = "non-conformant"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class CaseRecord:
    """One test of a run, as the report sees it."""

    nodeid: str
    outcome: str
    module: str
    sections: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
    events: tuple[tuple[str, int], ...] = ()
    """Events received, with how many of each."""
    deprecated: tuple[str, ...] = ()
    """Deprecated operations the test exercised (the document marks them so)."""
    validations: int = 0
    message: str = ""
    sweep: str | None = None
    """The sweep's verdict ("" when not judged); None for a test outside the sweep."""
    warnings: tuple[str, ...] = ()
    """Interoperability warnings (allowed, but a vendor client would stumble)."""


@dataclass(frozen=True)
class RunMetadata:
    suite_version: str
    catalog_sha256: str
    profile_sha256: str
    target: str
    ucsid: str
    started: str
    finished: str
    command: str = ""


@dataclass
class Summary:
    verdict: Verdict
    counts: dict[str, int]
    modules: dict[str, dict[str, int]]
    coverage: dict[str, Any]
    metadata: RunMetadata
    failures: list[dict[str, str]] = field(default_factory=list)
    expected_failures: list[dict[str, str]] = field(default_factory=list)
    """Tests listed in the known-failures file that failed as expected (with the reason)."""
    unexpected_passes: list[dict[str, str]] = field(default_factory=list)
    """Tests listed in the known-failures file that passed: the file is stale (exit 1)."""
    sweep: dict[str, int] = field(default_factory=dict)
    """The sweep's verdicts (outcomes.SWEEP_VERDICTS), one per operation; empty without it."""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = self.verdict.value
        return data


def read_junit(path: Path) -> list[CaseRecord]:
    """The tests of a JUnit XML file written by a run with the conformance plugin."""
    tree = ElementTree.parse(path)
    records: list[CaseRecord] = []
    for case in tree.iter("testcase"):
        properties = {
            p.get("name", ""): p.get("value", "")
            for p in case.iter("property")
            if p.get("name", "").startswith("conformance_")
        }
        records.append(
            CaseRecord(
                nodeid=_nodeid(case),
                outcome=properties.get(OUTCOME_PROPERTY) or _junit_outcome(case),
                module=properties.get("conformance_module", NO_MODULE),
                sections=tuple(properties.get("conformance_spec", "").split()),
                operations=tuple(properties.get("conformance_operations", "").split()),
                events=_counts(properties.get("conformance_events", "")),
                deprecated=tuple(properties.get("conformance_deprecated", "").split()),
                validations=int(properties.get("conformance_validations", "0") or 0),
                message=_message(case),
                sweep=properties.get(SWEEP_PROPERTY),
                warnings=tuple(json.loads(properties.get("conformance_warnings") or "[]")),
            )
        )
    return records


def _counts(text: str) -> tuple[tuple[str, int], ...]:
    """``asnChatEvent=12 asnX=1`` (a bare name counts once)."""
    found = []
    for item in text.split():
        name, _, count = item.partition("=")
        found.append((name, int(count) if count.isdigit() else 1))
    return tuple(found)


def _nodeid(case: ElementTree.Element) -> str:
    """``suites/auth/test_x.py::test_name`` from JUnit's file/classname/name."""
    name = case.get("name", "")
    file = case.get("file")
    classname = case.get("classname", "")
    if file:
        parts = classname.split(".")
        module_part = Path(file).stem
        inner = parts[parts.index(module_part) + 1 :] if module_part in parts else []
        return "::".join([file, *inner, name])
    return f"{classname.replace('.', '/')}.py::{name}"


def _junit_outcome(case: ElementTree.Element) -> str:
    if case.find("failure") is not None:
        return "failed"
    if case.find("error") is not None:
        return "error"
    if case.find("skipped") is not None:
        return "skipped"
    return "passed"


def _message(case: ElementTree.Element) -> str:
    for tag in ("failure", "error", "skipped"):
        element = case.find(tag)
        if element is not None:
            return (element.get("message") or "").strip()[:500]
    return ""


def load_expected_failures(path: Path) -> dict[str, str]:
    """A known-failures file: ``[[expected]]`` tables with ``test`` (node id) and ``reason``."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"{path}: cannot read: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not valid TOML: {error}") from None
    entries = data.get("expected", [])
    found: dict[str, str] = {}
    for index, entry in enumerate(entries if isinstance(entries, list) else [None]):
        if not isinstance(entry, dict) or not isinstance(entry.get("test"), str):
            raise ValueError(f'{path}: expected[{index}] needs test = "<node id>"')
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{path}: expected[{index}] ({entry['test']}) needs a reason")
        found[entry["test"]] = reason.strip()
    return found


def summarise(
    records: Iterable[CaseRecord],
    catalog: Catalog,
    metadata: RunMetadata,
    expected: dict[str, str] | None = None,
) -> Summary:
    records = list(records)
    expected = expected or {}
    known = [r for r in records if r.nodeid in expected and r.outcome == "failed"]
    stale = [r for r in records if r.nodeid in expected and r.outcome == "passed"]
    records = [replace(r, outcome=EXPECTED_FAILURE) if r in known else r for r in records]
    counts = Counter({outcome: 0 for outcome in OUTCOMES})
    modules: dict[str, Counter[str]] = {}
    for record in records:
        if record.outcome == EXPECTED_FAILURE:
            continue  # listed in the summary's expected_failures, outside the verdict
        counts[record.outcome] += 1
        modules.setdefault(record.module, Counter({o: 0 for o in OUTCOMES}))[record.outcome] += 1
    if counts["failed"]:
        verdict = Verdict.NON_CONFORMANT
    elif counts["error"] or not records:
        verdict = Verdict.INCONCLUSIVE
    else:
        verdict = Verdict.CONFORMANT
    return Summary(
        verdict=verdict,
        counts=dict(counts),
        modules={name: dict(c) for name, c in sorted(modules.items())},
        coverage=_coverage(records, catalog),
        metadata=metadata,
        failures=[
            {"test": r.nodeid, "outcome": r.outcome, "message": r.message}
            for r in records
            if r.outcome in ("failed", "error")
        ],
        expected_failures=[{"test": r.nodeid, "reason": expected[r.nodeid]} for r in known],
        unexpected_passes=[{"test": r.nodeid, "reason": expected[r.nodeid]} for r in stale],
        sweep=_sweep_counts(records),
    )


def _sweep_counts(records: list[CaseRecord]) -> dict[str, int]:
    """Per verdict, how many operations of the sweep got it (none: no sweep in the run)."""
    swept = [r for r in records if r.sweep is not None]
    if not swept:
        return {}
    counts = Counter({verdict: 0 for verdict in SWEEP_VERDICTS})
    for record in swept:
        counts[_sweep_verdict(record)] += 1
    return dict(counts)


def _sweep_verdict(record: CaseRecord) -> str:
    if record.outcome == SKIPPED:
        return NOT_SENT if record.message.startswith(NOT_SENT) else SKIPPED
    if record.outcome == ERROR:
        return BROKEN
    if record.outcome == PASSED and record.sweep:
        return record.sweep
    return record.outcome  # failed, not implemented (or an expected failure)


def _coverage(records: list[CaseRecord], catalog: Catalog) -> dict[str, Any]:
    operations = {op.name for op in catalog.operations(kind="operation")}
    events = {op.name for op in catalog.operations(kind="event")}
    sent = {name for r in records for name in r.operations}
    counts: Counter[str] = Counter()
    for record in records:
        counts.update(dict(record.events))
    received = set(counts)
    deprecated: dict[str, list[str]] = {}
    for record in records:
        for name in record.deprecated:
            deprecated.setdefault(name, []).append(record.nodeid)
    return {
        "operations": {
            "exercised": len(sent & operations),
            "total": len(operations),
            "not_exercised": sorted(operations - sent),
        },
        "events": {
            "seen": len(received & events),
            "total": len(events),
            "not_seen": sorted(events - received),
            "counts": dict(sorted(counts.items())),
        },
        "deprecated_exercised": deprecated,
        "validations": sum(r.validations for r in records),
        "warnings": sorted({w for r in records for w in r.warnings}),
    }


def profile_hash(profile: Profile) -> str:
    """A fingerprint of the profile with every password left out."""
    users = {
        alias: {
            "name": u.name,
            "disabled": u.disabled,
            "lines": list(u.lines),
            "groups": list(u.groups),
            "public": u.public,
        }
        for alias, u in profile.users.items()
    }
    canonical = {
        "target": {"url": profile.target.url, "ucsid": profile.target.ucsid},
        "users": users,
        "administrator": profile.administrator.name if profile.administrator else None,
        "cti": list(profile.cti.lines),
        "agent": list(profile.agent.groups),
        "capabilities": dict(profile.capabilities),
    }
    encoded = json.dumps(canonical, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def write_summary(folder: Path, summary: Summary) -> None:
    (folder / "summary.json").write_text(
        json.dumps(summary.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    (folder / "summary.md").write_text(render_markdown(summary), encoding="utf-8")


def render_table(summary: Summary) -> str:
    """The per-module table printed at the end of a run."""
    header = ["module", *OUTCOMES]
    rows = [[name, *(str(c[o]) for o in OUTCOMES)] for name, c in summary.modules.items()]
    rows.append(["total", *(str(summary.counts[o]) for o in OUTCOMES)])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def render_markdown(summary: Summary) -> str:
    meta = summary.metadata
    cov = summary.coverage
    lines = [
        f"# Conformance run: {summary.verdict.value}",
        "",
        f"- target: {meta.target} (UCSID {meta.ucsid})",
        f"- started {meta.started}, finished {meta.finished}",
        f"- suite {meta.suite_version}, catalogue sha256 {meta.catalog_sha256}",
        f"- profile sha256 (passwords excluded) {meta.profile_sha256}",
        "",
        "| module | " + " | ".join(OUTCOMES) + " |",
        "|---|" + "---:|" * len(OUTCOMES),
    ]
    for name, counts in summary.modules.items():
        lines.append(f"| {name} | " + " | ".join(str(counts[o]) for o in OUTCOMES) + " |")
    lines.append("| **total** | " + " | ".join(str(summary.counts[o]) for o in OUTCOMES) + " |")
    lines += [
        "",
        "## Spec coverage",
        "",
        f"- operations exercised: {cov['operations']['exercised']} of {cov['operations']['total']}",
        f"- events seen: {cov['events']['seen']} of {cov['events']['total']}",
        f"- schema validations: {cov['validations']}",
    ]
    if cov["deprecated_exercised"]:
        lines += ["", "## Deprecated operations exercised", ""]
        lines += [
            f"- {name} (deprecated in the document): {len(tests)} test(s)"
            for name, tests in sorted(cov["deprecated_exercised"].items())
        ]
    if summary.sweep:
        lines += ["", "## Sweep verdicts (one per operation)", ""]
        lines += ["| " + " | ".join(summary.sweep) + " |", "|" + "---:|" * len(summary.sweep)]
        lines += ["| " + " | ".join(str(n) for n in summary.sweep.values()) + " |"]
    if cov.get("warnings"):
        lines += ["", "## Interoperability warnings", ""]
        lines += [f"- {warning}" for warning in cov["warnings"]]
    if summary.failures:
        lines += ["", "## Failures and errors", ""]
        lines += [f"- `{f['test']}` ({f['outcome']}): {f['message']}" for f in summary.failures]
    if summary.expected_failures:
        lines += ["", "## Known failures (still failing, as expected)", ""]
        lines += [f"- `{f['test']}`: {f['reason']}" for f in summary.expected_failures]
    if summary.unexpected_passes:
        lines += ["", "## Known failures that now pass (update the known-failures file)", ""]
        lines += [f"- `{f['test']}`: {f['reason']}" for f in summary.unexpected_passes]
    lines += [
        "",
        "<details><summary>Operations not exercised</summary>",
        "",
        ", ".join(cov["operations"]["not_exercised"]) or "none",
        "",
        "</details>",
        "",
        "<details><summary>Events not seen</summary>",
        "",
        ", ".join(cov["events"]["not_seen"]) or "none",
        "",
        "</details>",
        "",
    ]
    return "\n".join(lines)


# Allure shows these as separate categories: a server fault, a missing feature, a suite fault.
ALLURE_CATEGORIES = [
    {
        "name": "Not conformant (the server is wrong)",
        "matchedStatuses": ["failed"],
    },
    {
        "name": "Not implemented by the target",
        "matchedStatuses": ["skipped"],
        "messageRegex": f".*{NOT_IMPLEMENTED}.*",
    },
    {
        "name": "Suite or infrastructure error",
        "matchedStatuses": ["broken"],
    },
]


def write_allure_extras(results: Path, metadata: RunMetadata, protocol: str | None) -> None:
    results.mkdir(parents=True, exist_ok=True)
    environment = {
        "target": metadata.target,
        "ucsid": metadata.ucsid,
        "server.protocol.version": protocol or "unknown",
        "suite.version": metadata.suite_version,
        "catalog.sha256": metadata.catalog_sha256,
        "profile.sha256": metadata.profile_sha256,
    }
    (results / "environment.properties").write_text(
        "".join(f"{key}={value}\n" for key, value in environment.items()), encoding="utf-8"
    )
    (results / "categories.json").write_text(
        json.dumps(ALLURE_CATEGORIES, indent=2) + "\n", encoding="utf-8"
    )
