"""Figures of the every-operation sweep: coverage, outcomes, events and wall time.

Runs ``pytest suites/sweep`` against the embedded reference server (or ``--target URL
--profile FILE``) twice, once in one process and once with ``-n auto`` (pytest-xdist), each
writing JUnit XML, and prints: operations exercised, outcomes by class, events seen against
the catalogue's, and both wall times. ``--suites`` sweeps every suite instead (more events).
Prints figures; asserts nothing (machines are noisy). Run: python3 benchmarks/sweep.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from conformance.catalog import default_catalog
from conformance.report import CaseRecord, read_junit

ROOT = Path(__file__).resolve().parent.parent


def run_suites(paths: list[str], extra: list[str], junit: Path, parallel: bool) -> float:
    """Wall time of one pytest run (its exit status is reported, not judged)."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        *(["-n", "auto"] if parallel else []),
        *extra,
        *paths,
    ]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    tail = done.stdout.strip().splitlines()[-1:] or ["(no output)"]
    print(f"  {'-n auto' if parallel else 'one process'}: exit {done.returncode}, {tail[0]}")
    return elapsed


def figures(records: list[CaseRecord]) -> None:
    catalog = default_catalog()
    operations = {op.name for op in catalog.operations(kind="operation")}
    events = {op.name for op in catalog.operations(kind="event")}
    sent = {name for r in records for name in r.operations} & operations
    seen = Counter(name for r in records for name in r.events if name in events)
    outcomes = Counter(r.outcome for r in records)
    print(f"tests: {len(records)}")
    print(f"operations exercised: {len(sent)} of {len(operations)}")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(f"events seen: {len(seen)} of {len(events)} catalogued")
    for name, count in seen.most_common():
        print(f"  {name}: in {count} test(s)")
    never = sorted(events - set(seen))
    print(f"events never seen ({len(never)}): {', '.join(never) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", action="store_true", help="run every suite, not only the sweep")
    parser.add_argument("--target", help="base URL of a real server (needs --profile)")
    parser.add_argument("--profile", help="target profile (TOML)")
    args = parser.parse_args()
    paths = ["suites"] if args.suites else ["suites/sweep"]
    extra = []
    if args.target:
        extra += ["--target", args.target, "--profile", args.profile or ""]
    print(f"sweeping {' '.join(paths)} on {os.cpu_count()} CPU(s)")
    with tempfile.TemporaryDirectory() as folder:
        single = Path(folder) / "single.xml"
        parallel = Path(folder) / "parallel.xml"
        one = run_suites(paths, extra, single, parallel=False)
        many = run_suites(paths, extra, parallel, parallel=True)
        figures(read_junit(single))
    print(f"wall time: {one:.1f} s in one process, {many:.1f} s with -n auto")


if __name__ == "__main__":
    main()
