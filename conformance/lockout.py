"""Wrong logins without locking anybody out: a per-account budget shared by every process.

A server with an account lockout policy (Active Directory, or eNETLOGINACCOUNTPASSWORDLOCKED
129, L14775-L14777) locks an account after a number of wrong passwords in a row; a successful
login resets the count. Negative-auth tests must still send wrong passwords, so each one goes
through :meth:`LoginBudget.wrong_login`:

* it holds a lease (:mod:`conformance.leases`) on the account, so xdist workers and parallel
  runs on this machine take turns;
* under the lease it reads how many wrong logins the account has had in a row (a small file
  per target and account in the temporary folder, next to the lease);
* when that is unknown (first use) or the profile's ``safety.max_failed_logins`` has been
  reached, it first logs in with the right password (one ``/ws/direct`` call: it creates no
  session), which resets the server's count;
* it counts the wrong login before it is sent, so a crash in between errs on the safe side.

Correct logins of other tests also reset the server's count, which the file does not see: it
only ever over-counts, i.e. resets more often than needed.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conformance.client import HttpClient, QueryCredentials
from conformance.errors import SuiteError
from conformance.leases import lease
from conformance.profile import User

__all__ = ["LoginBudget"]

LEASE_WAIT = 30.0
"""Seconds another process may hold an account's login lease (scaled by the timeout factor)."""


class LoginBudget:
    """Wrong logins for profile accounts, never more than ``limit`` in a row per account."""

    def __init__(self, client: HttpClient, limit: int) -> None:
        if limit < 1:
            raise ValueError("a login budget needs a limit of 1 or more")
        self.client = client
        self.limit = limit

    @contextmanager
    def wrong_login(self, user: User) -> Iterator[None]:
        """Around one login of ``user`` that is meant to fail (a wrong password)."""
        target = self.client.target
        with lease(target, f"logins:{user.name}", LEASE_WAIT):
            counter = _counter_path(target.base, target.ucsid, user.name)
            failed = _read(counter)
            if failed is None or failed >= self.limit:
                self._log_in(user)
                failed = 0
            counter.write_text(str(failed + 1), encoding="ascii")
            yield

    def _log_in(self, user: User) -> None:
        """One correct login: resets the server's count of wrong passwords in a row."""
        self.client.transcript.note(
            f"correct login of {user.alias} before a wrong one (safety.max_failed_logins)"
        )
        outcome = self.client.direct(
            "asnGetLoggedInContact", {}, auth=QueryCredentials(user.name, user.password)
        )  # AccountLocked (a SuiteError) if it is locked already
        if not outcome.ok:
            raise SuiteError(
                f"cannot log in as profile user {user.alias!r} with its password to reset its "
                f"count of wrong logins: {outcome.describe()}"
            )


def _counter_path(base: str, ucsid: str, account: str) -> Path:
    key = hashlib.sha256(f"{base}\n{ucsid}\n{account}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"ucconf-failed-logins-{key}.count"


def _read(path: Path) -> int | None:
    """Wrong logins in a row recorded for the account; None when unknown."""
    try:
        return int(path.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None
