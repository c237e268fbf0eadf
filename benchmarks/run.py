"""Measure the main job: ``ucconf run`` against the embedded server, with and without xdist.

Prints wall time, peak memory (the largest process: the ucconf process with the reference
server, or a pytest worker), tests run and schema validations. Asserts nothing.
Run: python3 benchmarks/run.py
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(workers: str) -> dict[str, float | int | str]:
    with tempfile.TemporaryDirectory() as folder:
        reports = Path(folder) / "reports"
        command = ["ucconf", "run", "-n", workers, "--reports", str(reports)]
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        (run,) = list(reports.iterdir())
        summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    return {
        "workers": workers,
        "exit": completed.returncode,
        "wall_s": round(wall, 1),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "tests": sum(summary["counts"].values()),
        "validations": summary["coverage"]["validations"],
        "verdict": summary["verdict"],
    }


def main() -> None:
    for workers in sys.argv[1:] or ["auto", "0"]:
        figures = measure(workers)
        print(
            f"ucconf run -n {figures['workers']}: {figures['wall_s']} s, "
            f"peak RSS {figures['peak_rss_mib']} MiB (largest process so far), "
            f"{figures['tests']} tests, {figures['validations']} schema validations, "
            f"verdict {figures['verdict']} (exit {figures['exit']})"
        )


if __name__ == "__main__":
    main()
