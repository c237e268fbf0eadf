"""The kill matrix: does every fault of the reference server fail the tests meant to catch it?

Each fault (:mod:`conformance.reference.faults`) names in ``breaks`` the suite tests that must
fail while it is on. :func:`check` runs, per fault, the suite folders holding those tests (all
of each folder: the expected tests and the rest of their suites) against the embedded server
with that one fault on, each run a ``pytest`` subprocess writing JUnit XML, several at once (a
bounded pool, one run per CPU core). A clean run of every suite comes first. Each test's
outcome class comes from :func:`conformance.report.read_junit`; only "failed" (a conformance
violation) counts as a detection, "error" (the suite or the network broke) does not.

Per fault the verdict is

* ``caught``: every expected test failed and every other test of the folders passed;
* ``missed``: an expected test did not fail (or the fault names no test at all);
* ``vague``: a test outside the set did not pass (a sign of a vague test or a vague set).

Tests outside the folders of a fault's set are not run with it (a fault of the event
envelope fails nearly every event test of every suite; those are not the envelope rule's
tests): the README's "Proving the suite can fail" says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from conformance.outcomes import FAILED, PASSED, SKIPPED
from conformance.report import read_junit

__all__ = [
    "CheckResult",
    "FaultRun",
    "SuiteRun",
    "check",
    "expected_tests",
    "render_matrix",
    "run_suites",
]

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "suites"
TIMEOUT_FACTOR = 0.25
"""The embedded server answers in milliseconds; the factor only shortens the waits a fault
makes run out (an unanswered invoke, a missing event), each of which is a failure."""
RUN_LIMIT = 300.0
"""Seconds one pytest run may take before it is stopped (and counts as broken)."""
FINE = frozenset({PASSED, SKIPPED})
"""Outcomes of a test that did not notice anything."""


@dataclass(frozen=True)
class SuiteRun:
    """One pytest run of some suite folders: each test's outcome class."""

    folders: tuple[str, ...]
    outcomes: dict[str, str]
    seconds: float
    problem: str | None = None
    """Why the run produced no usable report (None: it did)."""


@dataclass(frozen=True)
class FaultRun:
    """The suites run with one fault on, judged against the fault's ``breaks``."""

    name: str
    description: str
    expected: frozenset[str]
    run: SuiteRun

    @property
    def caught(self) -> tuple[str, ...]:
        return tuple(sorted(t for t in self.expected if self.run.outcomes.get(t) == FAILED))

    @property
    def missed(self) -> dict[str, str]:
        """Expected tests that did not fail: test id -> what they did instead."""
        return {
            test: self.run.outcomes.get(test, "not run")
            for test in sorted(self.expected)
            if self.run.outcomes.get(test) != FAILED
        }

    @property
    def unexpected(self) -> dict[str, str]:
        """Tests outside the set that did not pass: test id -> outcome."""
        return {
            test: outcome
            for test, outcome in sorted(self.run.outcomes.items())
            if test not in self.expected and outcome not in FINE
        }

    @property
    def verdict(self) -> str:
        if self.run.problem is not None or self.missed or not self.expected:
            return "missed"
        return "vague" if self.unexpected else "caught"


@dataclass(frozen=True)
class CheckResult:
    clean: SuiteRun
    faults: tuple[FaultRun, ...]
    seconds: float
    covered: frozenset[str] = field(default_factory=frozenset)
    """Every test some fault of the whole catalogue names in ``breaks``."""

    @property
    def clean_failures(self) -> dict[str, str]:
        return {t: o for t, o in sorted(self.clean.outcomes.items()) if o not in FINE}

    @property
    def never_failed(self) -> tuple[str, ...]:
        """Suite tests no fault of the catalogue names (each one may be unable to fail)."""
        return tuple(sorted(set(self.clean.outcomes) - self.covered))

    @property
    def dangling(self) -> tuple[str, ...]:
        """``breaks`` entries naming tests the suites do not have."""
        return tuple(sorted(self.covered - set(self.clean.outcomes)))

    @property
    def ok(self) -> bool:
        return (
            self.clean.problem is None
            and bool(self.clean.outcomes)
            and not self.clean_failures
            and all(run.verdict == "caught" for run in self.faults)
        )


def expected_tests(name: str) -> frozenset[str]:
    from conformance.reference.faults import FAULTS

    return FAULTS[name].breaks


def folders_of(tests: Iterable[str]) -> tuple[str, ...]:
    """The suite folders (``suites/<name>``) holding ``tests``."""
    return tuple(sorted({"/".join(test.split("::")[0].split("/")[:2]) for test in tests}))


def all_folders() -> tuple[str, ...]:
    return tuple(
        f"suites/{path.name}"
        for path in sorted(SUITES.iterdir())
        if path.is_dir() and any(path.glob("test_*.py"))
    )


def run_suites(
    folders: Sequence[str],
    faults: Sequence[str] = (),
    timeout_factor: float = TIMEOUT_FACTOR,
) -> SuiteRun:
    """Run ``folders`` against the embedded server with ``faults`` on, in a subprocess."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ucconf-faultcheck-") as scratch:
        junit = Path(scratch) / "junit.xml"
        command = [
            sys.executable, "-m", "pytest", *folders,
            f"--rootdir={ROOT}", "-c", str(ROOT / "pyproject.toml"),
            "-p", "no:cacheprovider",
            "-p", "no:hypothesispytest",
            "-o", "junit_family=xunit1",
            f"--junitxml={junit}",
            f"--timeout-factor={timeout_factor}",
            "-q", "--no-header", "-p", "no:randomly",
            *(arg for name in faults for arg in ("--fault", name)),
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
        env.pop("PYTEST_ADDOPTS", None)
        try:
            completed = subprocess.run(
                command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_LIMIT
            )
        except subprocess.TimeoutExpired:
            return SuiteRun(tuple(folders), {}, time.perf_counter() - started, "timed out")
        seconds = time.perf_counter() - started
        if completed.returncode not in (0, 1) or not junit.exists():
            tail = (completed.stdout + completed.stderr).strip().splitlines()[-5:]
            problem = f"pytest exit {completed.returncode}: " + " | ".join(tail)
            return SuiteRun(tuple(folders), {}, seconds, problem)
        outcomes = {case.nodeid: case.outcome for case in read_junit(junit)}
    return SuiteRun(tuple(folders), outcomes, seconds)


def check(
    names: Sequence[str] | None = None,
    workers: int | None = None,
    timeout_factor: float = TIMEOUT_FACTOR,
    progress: Callable[[FaultRun], None] | None = None,
) -> CheckResult:
    """The clean run and one run per fault (all faults when ``names`` is None)."""
    from conformance.reference.faults import FAULTS

    chosen = sorted(FAULTS) if names is None else list(dict.fromkeys(names))
    unknown = [name for name in chosen if name not in FAULTS]
    if unknown:
        raise ValueError(f"unknown fault {unknown[0]!r} (ucconf faults lists them)")
    started = time.perf_counter()
    pool_size = max(1, workers or os.cpu_count() or 1)

    def one(name: str) -> FaultRun:
        fault = FAULTS[name]
        folders = folders_of(fault.breaks) or all_folders()
        result = FaultRun(
            name, fault.description, fault.breaks, run_suites(folders, [name], timeout_factor)
        )
        if progress is not None:
            progress(result)
        return result

    # Largest runs first, so that the pool does not end waiting for one long straggler.
    order = sorted(chosen, key=lambda name: (-_size(FAULTS[name].breaks), name))
    with ThreadPoolExecutor(max_workers=pool_size) as pool:
        clean_future = pool.submit(run_suites, all_folders(), (), timeout_factor)
        futures = {name: pool.submit(one, name) for name in order}
        clean = clean_future.result()
        runs = tuple(futures[name].result() for name in chosen)
    covered = frozenset().union(*(fault.breaks for fault in FAULTS.values()))
    return CheckResult(clean, runs, time.perf_counter() - started, covered)


def _size(tests: frozenset[str]) -> int:
    """A rough cost of a fault's run: the sweep folder is the big one."""
    return sum(400 if folder == "suites/sweep" else 20 for folder in folders_of(tests))


def render_matrix(result: CheckResult) -> str:
    """The kill matrix as a text table, then the details of every fault not caught."""
    header = ("fault", "expected", "caught", "missed", "unexpected", "verdict", "seconds")
    rows = [
        (
            run.name,
            str(len(run.expected)),
            str(len(run.caught)),
            str(len(run.missed)),
            str(len(run.unexpected)),
            run.verdict,
            f"{run.run.seconds:.1f}",
        )
        for run in sorted(result.faults, key=lambda run: run.name)
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    lines = [line(header), line(["-" * w for w in widths]), *(line(row) for row in rows)]
    for run in sorted(result.faults, key=lambda run: run.name):
        if run.run.problem:
            lines.append(f"{run.name}: run broken: {run.run.problem}")
        if not run.expected:
            lines.append(f"{run.name}: names no test in breaks")
        lines += [f"{run.name}: missed {test} ({what})" for test, what in run.missed.items()]
        lines += [
            f"{run.name}: unexpected {test} ({what})" for test, what in run.unexpected.items()
        ]
    if result.clean.problem:
        lines.append(f"clean run broken: {result.clean.problem}")
    lines += [f"clean run: {test} {what}" for test, what in result.clean_failures.items()]
    caught = sum(run.verdict == "caught" for run in result.faults)
    lines.append(
        f"faults caught {caught}/{len(result.faults)}; clean run "
        f"{len(result.clean.outcomes)} tests, {len(result.clean_failures)} not passing; "
        f"wall time {result.seconds:.1f} s"
    )
    return "\n".join(lines)
