"""The pass matrix: does every suite test pass with each variation of the reference server on?

A variation (:mod:`conformance.reference.variations`) is a behaviour the document allows that
our server does not show by default; a test failing under one fails a conformant server. The
dual of :mod:`conformance.faultcheck`, with its machinery (:mod:`conformance.suiterun`): one
clean run of every suite folder, then one run of every folder per variation (the sweep
included: it takes seconds), several at once.

Per variation the verdict is

* ``passes``: every test passed, or did what it did in the clean run (a skip the embedded
  profile causes), or skipped for a capability the variation ``removes``;
* ``fails``: a test failed or errored that the clean run passed;
* ``skips``: a test skipped for another reason than a capability the variation removes;
* ``broken``: the run produced no report.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from conformance.outcomes import ERROR, FAILED, PASSED, SKIPPED
from conformance.suiterun import (
    TIMEOUT_FACTOR,
    Job,
    SuiteRun,
    all_folders,
    render_table,
    run_jobs,
)

__all__ = ["CheckResult", "VariationRun", "check", "plan_jobs", "render_matrix"]

CLEAN = "(clean)"
WAITING_POINTS = frozenset({"reply.delay", "link.latency", "websocket.event-delay"})
"""Hook points whose variations make the server wait: their runs take longest (a run with
every reply 40 ms late takes several times a plain one) but use little CPU, so they start
first and run beside the pool of CPU-bound runs."""


@dataclass(frozen=True)
class VariationRun:
    """The suites run with one variation on, compared with the clean run."""

    name: str
    description: str
    removes: frozenset[str]
    run: SuiteRun
    clean: SuiteRun

    def _allowed(self, test: str, outcome: str) -> bool:
        if outcome == PASSED or outcome == self.clean.outcomes.get(test, PASSED):
            return True
        message = self.run.message(test)
        return outcome == SKIPPED and any(f"capability:{name}" in message for name in self.removes)

    @property
    def wrong(self) -> dict[str, str]:
        """Tests that did not pass (and did not do what they did clean): id -> outcome."""
        return {
            test: outcome
            for test, outcome in sorted(self.run.outcomes.items())
            if not self._allowed(test, outcome)
        }

    @property
    def failed(self) -> dict[str, str]:
        return {t: o for t, o in self.wrong.items() if o != SKIPPED}

    @property
    def skipped(self) -> dict[str, str]:
        return {t: o for t, o in self.wrong.items() if o == SKIPPED}

    @property
    def verdict(self) -> str:
        if self.run.problem is not None or not self.run.outcomes:
            return "broken"
        if self.failed:
            return "fails"
        return "skips" if self.skipped else "passes"


@dataclass(frozen=True)
class CheckResult:
    clean: SuiteRun
    variations: tuple[VariationRun, ...]
    seconds: float

    @property
    def clean_failures(self) -> dict[str, str]:
        return {t: o for t, o in sorted(self.clean.outcomes.items()) if o in (FAILED, ERROR)}

    @property
    def ok(self) -> bool:
        return (
            self.clean.problem is None
            and bool(self.clean.outcomes)
            and not self.clean_failures
            and all(run.verdict == "passes" for run in self.variations)
        )


def check(
    names: Sequence[str] | None = None,
    workers: int | None = None,
    timeout_factor: float = TIMEOUT_FACTOR,
    progress: Callable[[str, SuiteRun], None] | None = None,
    stop: threading.Event | None = None,
) -> CheckResult:
    """The clean run and one run per variation (all of them when ``names`` is None)."""
    from conformance.reference.variations import VARIATIONS, chosen

    picked = sorted(VARIATIONS) if names is None else list(dict.fromkeys(names))
    chosen(picked)  # ValueError naming the known ones for an unknown name
    started = time.perf_counter()
    jobs = plan_jobs(picked)

    def report(job: Job, run: SuiteRun) -> None:
        if progress is not None:
            progress(job.key, run)

    runs = run_jobs(jobs, workers, timeout_factor, report, stop)
    clean = runs[CLEAN]
    judged = tuple(
        VariationRun(
            name,
            VARIATIONS[name].description,
            VARIATIONS[name].removes,
            runs[name],
            clean,
        )
        for name in picked
    )
    return CheckResult(clean, judged, time.perf_counter() - started)


def plan_jobs(names: Sequence[str]) -> list[Job]:
    """The clean run and one run of every suite folder per variation, the waiting ones first
    (and beside the CPU pool)."""
    from conformance.reference.variations import VARIATIONS

    folders = all_folders()

    def waits(name: str) -> bool:
        return any(point.name in WAITING_POINTS for point, _ in VARIATIONS[name].hooks)

    return [
        Job(CLEAN, folders),
        *(
            Job(name, folders, variations=(name,), waits=waits(name))
            for name in sorted(names, key=lambda name: (not waits(name), name))
        ),
    ]


def render_matrix(result: CheckResult) -> str:
    """The pass matrix as a text table, then the details of every variation not passing."""
    header = ("variation", "tests", "passed", "failed", "skipped", "verdict", "seconds")
    ordered = sorted(result.variations, key=lambda run: run.name)
    rows = [
        (
            run.name,
            str(len(run.run.outcomes)),
            str(sum(o == PASSED for o in run.run.outcomes.values())),
            str(len(run.failed)),
            str(len(run.skipped)),
            run.verdict,
            f"{run.run.seconds:.1f}",
        )
        for run in ordered
    ]
    lines = render_table(header, rows)
    for run in ordered:
        if run.run.problem:
            lines.append(f"{run.name}: run broken: {run.run.problem}")
        for test, outcome in run.wrong.items():
            why = run.run.message(test).splitlines()[0][:160] if run.run.message(test) else ""
            lines.append(f"{run.name}: {outcome} {test}" + (f": {why}" if why else ""))
    if result.clean.problem:
        lines.append(f"clean run broken: {result.clean.problem}")
    lines += [f"clean run: {test} {what}" for test, what in result.clean_failures.items()]
    passing = sum(run.verdict == "passes" for run in result.variations)
    lines.append(
        f"variations passing {passing}/{len(result.variations)}; clean run "
        f"{len(result.clean.outcomes)} tests; wall time {result.seconds:.1f} s"
    )
    return "\n".join(lines)
