"""How the run's time grows with the round trip: ``ucconf run`` at 0 and 40 ms per reply.

Runs ``ucconf run -n W --latency MS`` against the embedded reference server, which then holds
every HTTP request and every frame it sends MS milliseconds, in order, as a relay across a
network would (the variation ``robustness.wan-latency`` is the same at 40 ms). For each worker
setting it prints the wall time at each latency, the verdict, and the ratio to the time at the
first latency (loopback). Asserts nothing (machines are noisy; compare within one run).
Run: python3 benchmarks/latency.py [--latency 0 --latency 40] [--workers 0 --workers auto]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path


def measure(workers: str, latency_ms: float) -> tuple[float, str]:
    """Wall time of one ``ucconf run`` and its verdict (or why it produced none)."""
    with tempfile.TemporaryDirectory() as folder:
        reports = Path(folder) / "reports"
        command = ["ucconf", "run", "-n", workers, "--latency", f"{latency_ms:g}"]
        command += ["--reports", str(reports)]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        runs = list(reports.iterdir()) if reports.exists() else []
        if not runs or not (runs[0] / "summary.json").exists():
            return wall, f"no report (exit {done.returncode})"
        summary = json.loads((runs[0] / "summary.json").read_text(encoding="utf-8"))
        return wall, f"{summary['verdict']} (exit {done.returncode})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, action="append", metavar="MS")
    parser.add_argument("--workers", action="append", metavar="W")
    args = parser.parse_args()
    latencies = args.latency or [0.0, 40.0]
    print(f"ucconf run against the embedded server on {os.cpu_count()} CPU(s)")
    for workers in args.workers or ["0", "auto"]:
        base: float | None = None
        for latency in latencies:
            wall, verdict = measure(workers, latency)
            base = wall if base is None else base
            print(
                f"  -n {workers:4} latency {latency:4g} ms: {wall:6.1f} s, "
                f"{wall / base:4.2f} x the first, verdict {verdict}",
                flush=True,
            )


if __name__ == "__main__":
    main()
