"""The fault catalogue's figures: faults caught / total, tests no fault fails, wall time.

    python benchmarks/faults.py [-n WORKERS]

Runs :func:`conformance.faultcheck.check` for every fault (the clean run included) and prints
the kill matrix, then the figures for the closing note. Exit 1 if any fault is not caught.
"""

from __future__ import annotations

import argparse
import os
import sys

from conformance import faultcheck


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--workers", type=int, default=None, help="runs at once")
    args = parser.parse_args()
    result = faultcheck.check(workers=args.workers)
    print(faultcheck.render_matrix(result))
    caught = sum(run.verdict == "caught" for run in result.faults)
    print()
    print(f"faults caught: {caught}/{len(result.faults)}")
    print(f"suite tests: {len(result.clean.outcomes)} (clean run)")
    print(f"tests no fault fails: {len(result.never_failed)}")
    for test in result.never_failed:
        print(f"  {test}")
    print(f"wall time: {result.seconds:.1f} s on {args.workers or os.cpu_count()} workers")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
