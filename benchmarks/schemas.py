"""Measure the schema pipeline: a full `ucconf schemas build` and validating a typical result.

Prints figures; asserts nothing (machines are noisy). Run: python3 benchmarks/schemas.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from conformance import schemagen
from conformance.catalog import Catalog


def chat_event(sequence: int) -> dict[str, Any]:
    return {
        "_type": "AsnChatEvent",
        "u8sEventCrossRefID": f"evt-{sequence}",
        "u8sConversationID": "conv-0001",
        "iConvSequenceID": sequence,
        "iGlobTransactionID": 1000 + sequence,
        "bUpdate": False,
        "u8sSenderURI": "sip:alice@example.com",
        "asnCreateTime": "2026-11-27T09:00:00Z",
        "asnChatMessage": {"u8sMessage": f"message {sequence}", "bRead": False},
        "optionalParams": {"clientMessageID": f"m{sequence}"},
    }


def time_build(rounds: int = 3) -> list[float]:
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "schemas"
        (root / "source").mkdir(parents=True)
        (root / schemagen.SOURCE).write_bytes((schemagen.ROOT / schemagen.SOURCE).read_bytes())
        for _ in range(rounds):
            started = time.perf_counter()
            schemagen.build(root)
            timings.append(time.perf_counter() - started)
    return timings


def time_validation(rounds: int = 200) -> tuple[float, list[float]]:
    catalog = Catalog.load()
    argument = {
        "asnChatEventList": [chat_event(n) for n in range(1, 101)],
        "u8sEventListCrossRefID": "range-1",
        "bLastSegment": True,
    }
    started = time.perf_counter()
    catalog.validate("AsnChatEventArgument", argument)  # compiles the validator
    first = time.perf_counter() - started
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        catalog.validate("AsnChatEventArgument", argument)
        timings.append(time.perf_counter() - started)
    return first, timings


def main() -> None:
    builds = time_build()
    print(f"schemas build: best {min(builds):.2f} s, median {statistics.median(builds):.2f} s")
    first, timings = time_validation()
    print(f"validate AsnChatEventArgument (100 events): first call {first * 1000:.1f} ms")
    print(
        f"  compiled: median {statistics.median(timings) * 1000:.2f} ms, "
        f"p95 {sorted(timings)[int(len(timings) * 0.95)] * 1000:.2f} ms over {len(timings)} runs"
    )


if __name__ == "__main__":
    main()
