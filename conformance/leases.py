"""Leases on a target's shared resources, for suites that run at the same time against it.

Several pytest processes (xdist workers, or two runs) may test one server together. Tests that
change something server-wide (a user's presence, who is logged in to an agent group, the calls
on a line) therefore hold a *lease* on it: an exclusive lock file per target and resource in
the temporary folder, released when the block ends or the process dies (an OS file lock, not a
marker file, so a crashed run leaves nothing locked). Every wait is bounded.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from conformance.client import Target
from conformance.errors import SuiteError

__all__ = ["lease"]

if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


@contextmanager
def lease(target: Target, resource: str, wait: float) -> Iterator[None]:
    """Hold ``resource`` of ``target`` for every process on this machine.

    ``wait`` (seconds, scaled by the target's timeout factor) bounds how long another holder
    may keep it; past that the suite, not the server, is at fault: a ``SuiteError``.
    """
    key = hashlib.sha256(f"{target.base}\n{target.ucsid}\n{resource}".encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"ucconf-lease-{key}.lock"
    limit = target.scale(wait)
    deadline = time.monotonic() + limit
    with path.open("a+b") as handle:  # closing the file releases the lock
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                raise SuiteError(f"{resource} stayed leased by another test for {limit:g} s")
            time.sleep(0.05)
        yield
