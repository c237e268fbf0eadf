"""Suite runs against the embedded server in subprocesses, and the text tables of their verdicts.

What the fault check (:mod:`conformance.faultcheck`: each fault must fail its tests) and the
variation check (:mod:`conformance.variationcheck`: each variation must fail none) share: one
``pytest`` run of some suite folders with faults and variations switched on, writing JUnit XML
whose outcome classes (:func:`conformance.report.read_junit`) are read back; a bounded pool of
such runs, one per CPU core; and the plain-text matrix both print.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from conformance.outcomes import PASSED, SKIPPED
from conformance.report import read_junit

__all__ = [
    "FINE",
    "Job",
    "SuiteRun",
    "all_folders",
    "folders_of",
    "render_table",
    "run_jobs",
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
    messages: dict[str, str] | None = None
    """Test id -> the failure, error or skip message of each test that did not pass."""

    def message(self, test: str) -> str:
        return (self.messages or {}).get(test, "")


@dataclass(frozen=True)
class Job:
    """One run to make: ``folders`` with ``faults`` and ``variations`` on."""

    key: str
    folders: tuple[str, ...]
    faults: tuple[str, ...] = ()
    variations: tuple[str, ...] = ()
    waits: bool = False
    """Whether the run mostly waits (a server that delays its replies): it then runs beside the
    pool instead of holding one of its CPU slots, with unshortened timeouts (a late server's
    replies would come close to shortened ones on a busy machine)."""


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
    variations: Sequence[str] = (),
    bytecode: Path | None = None,
    stop: threading.Event | None = None,
) -> SuiteRun:
    """Run ``folders`` against the embedded server with ``faults`` and ``variations`` on, in a
    subprocess. ``bytecode``: a scratch directory the runs of one check share for compiled
    modules (each run would otherwise compile the package again where the environment forbids
    writing bytecode: a second of every run). Once ``stop`` is set the run is killed."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ucconf-suiterun-") as scratch:
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
            *(arg for name in variations for arg in ("--variation", name)),
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
        env.pop("PYTEST_ADDOPTS", None)
        if bytecode is not None:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(bytecode)
        # The output goes to a file: a pipe nobody reads while waiting fills up (a failing run
        # writes tracebacks) and stalls the run.
        log = Path(scratch) / "output.txt"
        with (
            log.open("w") as sink,
            subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, text=True
            ) as process,
        ):
            problem = _wait(process, started, stop)
        output = log.read_text(errors="replace")
        seconds = time.perf_counter() - started
        if problem is not None:
            return SuiteRun(tuple(folders), {}, seconds, problem)
        if process.returncode not in (0, 1) or not junit.exists():
            tail = output.strip().splitlines()[-5:]
            problem = f"pytest exit {process.returncode}: " + " | ".join(tail)
            return SuiteRun(tuple(folders), {}, seconds, problem)
        cases = read_junit(junit)
    outcomes = {case.nodeid: case.outcome for case in cases}
    messages = {case.nodeid: case.message for case in cases if case.outcome != PASSED}
    return SuiteRun(tuple(folders), outcomes, seconds, messages=messages)


def _wait(
    process: subprocess.Popen[str], started: float, stop: threading.Event | None
) -> str | None:
    """Wait for ``process`` to end; kill it at :data:`RUN_LIMIT` or once ``stop`` is set, and
    say which."""
    while True:
        try:
            process.wait(timeout=0.5)
            return None
        except subprocess.TimeoutExpired:
            over = time.perf_counter() - started > RUN_LIMIT
            if over or (stop is not None and stop.is_set()):
                process.kill()
                process.wait()
                return "timed out" if over else "stopped"


def run_jobs(
    jobs: Sequence[Job],
    workers: int | None = None,
    timeout_factor: float = TIMEOUT_FACTOR,
    progress: Callable[[Job, SuiteRun], None] | None = None,
    stop: threading.Event | None = None,
) -> dict[str, SuiteRun]:
    """Every job's run, by key, at most ``workers`` at once (default: one per CPU core), started
    in the order given (put the long ones first, so the pool does not end on a straggler); jobs
    that mostly wait run beside the pool, all at once. Once ``stop`` is set, jobs not yet
    started end at once as broken ("stopped")."""
    pool_size = max(1, workers or os.cpu_count() or 1)
    waiting = [job for job in jobs if job.waits]
    with (
        tempfile.TemporaryDirectory(prefix="ucconf-bytecode-") as bytecode,
        ThreadPoolExecutor(max_workers=pool_size) as pool,
        ThreadPoolExecutor(max_workers=max(1, len(waiting))) as beside,
    ):

        def one(job: Job) -> SuiteRun:
            if stop is not None and stop.is_set():
                return SuiteRun(job.folders, {}, 0.0, "stopped")
            factor = 1.0 if job.waits else timeout_factor
            run = run_suites(job.folders, job.faults, factor, job.variations, Path(bytecode), stop)
            if progress is not None:
                progress(job, run)
            return run

        futures = {job.key: (beside if job.waits else pool).submit(one, job) for job in jobs}
        return {key: future.result() for key, future in futures.items()}


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell: the first left-aligned, the others right."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(row) for row in rows)]
