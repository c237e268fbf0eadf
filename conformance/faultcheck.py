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

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from conformance.outcomes import FAILED
from conformance.suiterun import (
    FINE,
    TIMEOUT_FACTOR,
    Job,
    SuiteRun,
    all_folders,
    folders_of,
    render_table,
    run_jobs,
)

__all__ = ["CheckResult", "FaultRun", "check", "expected_tests", "render_matrix"]

CLEAN = "(clean)"
"""The key of the run with no fault on."""


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


def check(
    names: Sequence[str] | None = None,
    workers: int | None = None,
    timeout_factor: float = TIMEOUT_FACTOR,
    progress: Callable[[FaultRun], None] | None = None,
    stop: threading.Event | None = None,
) -> CheckResult:
    """The clean run and one run per fault (all faults when ``names`` is None)."""
    from conformance.reference.faults import FAULTS

    chosen = sorted(FAULTS) if names is None else list(dict.fromkeys(names))
    unknown = [name for name in chosen if name not in FAULTS]
    if unknown:
        raise ValueError(f"unknown fault {unknown[0]!r} (ucconf faults lists them)")
    started = time.perf_counter()

    def judged(name: str, run: SuiteRun) -> FaultRun:
        fault = FAULTS[name]
        return FaultRun(name, fault.description, fault.breaks, run)

    def report(job: Job, run: SuiteRun) -> None:
        if progress is not None and job.key != CLEAN:
            progress(judged(job.key, run))

    # Largest runs first, so that the pool does not end waiting for one long straggler.
    order = sorted(chosen, key=lambda name: (-_size(FAULTS[name].breaks), name))
    jobs = [
        Job(CLEAN, all_folders()),
        *(Job(name, folders_of(FAULTS[name].breaks) or all_folders(), (name,)) for name in order),
    ]
    runs = run_jobs(jobs, workers, timeout_factor, report, stop)
    covered = frozenset().union(*(fault.breaks for fault in FAULTS.values()))
    faults = tuple(judged(name, runs[name]) for name in chosen)
    return CheckResult(runs[CLEAN], faults, time.perf_counter() - started, covered)


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
    lines = render_table(header, rows)
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
