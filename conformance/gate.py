"""Which operations a run may send, by effect class (issue 12, part 2).

A run allows a set of effect classes (:mod:`conformance.effects`): everything against the
embedded reference server; against a ``--target`` the profile's ``[safety] allow`` (default
``["read", "own"]``), and ``destructive`` only when the command line also says
``--allow-destructive``. A test declares the catalogue operations it and its fixtures send
(``@pytest.mark.sends(...)``); a test sending anything the run does not allow is skipped with a
reason naming the operation, its class and the setting that would allow it. A test that
declares nothing is treated as ``destructive``.

Defence in depth: every client of the run refuses (:class:`~conformance.errors.SuiteError`) to
send an operation of a class the run does not allow, and a test's own client refuses what the
test did not declare, so a wrong declaration breaks the test instead of reaching the server.
Route-level calls that are no catalogue operation (createsession, ``/ws/public/contacts``) and
the session's own ``asnLogoff`` need no declaration and pass every gate: they open and close
the test's own session, or read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from conformance.catalog import Catalog, OperationInfo
from conformance.errors import SuiteError
from conformance.profile import EFFECT_CLASSES, Profile

__all__ = ["UNDECLARED", "Gate", "NotAllowed"]

UNDECLARED = "destructive"
"""The class of a test that declares nothing it sends."""

SESSION_LIFECYCLE = frozenset({"asnLogoff"})
"""Sent by every session when it closes (own); no test declares it."""


class NotAllowed(SuiteError):
    """The suite was about to send an operation the run does not allow or the test did not
    declare: the test is broken, the server untouched."""


@dataclass(frozen=True)
class Gate:
    allowed: frozenset[str]
    """Effect classes the run may send."""
    embedded: bool = False
    allow_destructive: bool = False
    """``--allow-destructive`` was given."""

    @classmethod
    def for_run(cls, profile: Profile, *, embedded: bool, allow_destructive: bool) -> Gate:
        if embedded:
            return cls(frozenset(EFFECT_CLASSES), embedded=True, allow_destructive=True)
        allowed = set(profile.safety.allow)
        if not allow_destructive:
            allowed.discard("destructive")
        return cls(frozenset(allowed), allow_destructive=allow_destructive)

    def setting(self, effect: str) -> str:
        """What would allow ``effect`` in this run."""
        profile = f'[safety] allow = [..., "{effect}"]'
        if effect == "destructive":
            return f"{profile} and --allow-destructive"
        return profile

    def refusal(self, info: OperationInfo) -> str | None:
        """Why ``info`` may not be sent in this run, or None."""
        if info.effect in self.allowed:
            return None
        return f"{info.name} is {info.effect}; allow it with {self.setting(info.effect)}"

    def skip_reason(self, declared: Iterable[str] | None, catalog: Catalog) -> str | None:
        """Why a test declaring ``declared`` (None: no declaration) may not run, or None."""
        if declared is None:
            if UNDECLARED in self.allowed:
                return None
            return (
                "not sent: the test declares nothing it sends (@pytest.mark.sends), so it "
                f"counts as {UNDECLARED}; allow it with {self.setting(UNDECLARED)}"
            )
        refusals = [r for r in (self.refusal(catalog.operation(n)) for n in declared) if r]
        if not refusals:
            return None
        more = f" (and {len(refusals) - 1} more)" if len(refusals) > 1 else ""
        return f"not sent: {refusals[0]}{more}"

    def check(self, info: OperationInfo, declared: frozenset[str] | None) -> None:
        """Raise :class:`NotAllowed` unless ``info`` may be sent by a test declaring
        ``declared`` (None: the run-wide check only)."""
        if info.name in SESSION_LIFECYCLE:
            return
        refusal = self.refusal(info)
        if refusal is not None:
            raise NotAllowed(f"refusing to send {refusal}")
        if declared is not None and info.name not in declared:
            raise NotAllowed(
                f"refusing to send {info.name} ({info.effect}): the test's "
                "@pytest.mark.sends(...) does not declare it"
            )
