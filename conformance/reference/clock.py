"""The reference server's sense of time, injectable so tests need not sleep.

Token expiry, ``stValidTo``, ``stServerTime`` and session timestamps all read one
:class:`Clock`. A test that wants a token to expire calls ``server.clock.advance(3600)``
instead of waiting an hour; the wall clock keeps running underneath, so timeouts in the rest of
the stack are unaffected.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

__all__ = ["Clock", "iso_utc"]


class Clock:
    """Wall-clock time plus an adjustable offset (thread-safe)."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds since the epoch, as the server sees them."""
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the server's time forward (or back, with a negative value)."""
        with self._lock:
            self._offset += seconds

    def iso_now(self) -> str:
        return iso_utc(self.now())


def iso_utc(timestamp: float) -> str:
    """ISO 8601 in UTC with a ``Z``, seconds precision: the JSON form of AsnSystemTime
    (document L23715-L23720)."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
