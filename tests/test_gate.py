"""conformance.gate: which effect classes a run allows, skip reasons, and the client's refusal."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from conformance.catalog import default_catalog
from conformance.gate import Gate, NotAllowed
from conformance.profile import EMBEDDED_PROFILE, SafetySettings, load_profile

CATALOG = default_catalog()
PROFILE = load_profile(EMBEDDED_PROFILE)
SUITES = Path(__file__).resolve().parent.parent / "suites"


def _profile(*allow: str):  # type: ignore[no-untyped-def]
    return dataclasses.replace(PROFILE, safety=SafetySettings(allow=allow))


def test_embedded_runs_allow_everything() -> None:
    gate = Gate.for_run(PROFILE, embedded=True, allow_destructive=False)
    assert gate.allowed == {"read", "own", "shared", "destructive"}


def test_target_runs_default_to_read_and_own() -> None:
    gate = Gate.for_run(PROFILE, embedded=False, allow_destructive=False)
    assert gate.allowed == {"read", "own"}


def test_destructive_needs_the_profile_and_the_command_line() -> None:
    everything = _profile("read", "own", "shared", "destructive")
    without_flag = Gate.for_run(everything, embedded=False, allow_destructive=False)
    assert "destructive" not in without_flag.allowed
    without_profile = Gate.for_run(_profile("read"), embedded=False, allow_destructive=True)
    assert "destructive" not in without_profile.allowed
    both = Gate.for_run(everything, embedded=False, allow_destructive=True)
    assert "destructive" in both.allowed


def test_skip_reason_names_operation_class_and_setting() -> None:
    gate = Gate.for_run(PROFILE, embedded=False, allow_destructive=False)
    reason = gate.skip_reason(["asnGetLoggedInContact", "asnMgmtRestartServer"], CATALOG)
    assert reason == (
        "not sent: asnMgmtRestartServer is destructive; allow it with "
        '[safety] allow = [..., "destructive"] and --allow-destructive'
    )
    assert gate.skip_reason(["asnGetLoggedInContact"], CATALOG) is None
    assert gate.skip_reason([], CATALOG) is None


def test_an_undeclared_test_counts_as_destructive() -> None:
    gate = Gate.for_run(_profile("read", "own", "shared"), embedded=False, allow_destructive=False)
    reason = gate.skip_reason(None, CATALOG)
    assert reason is not None and "declares nothing" in reason and "destructive" in reason
    embedded = Gate.for_run(PROFILE, embedded=True, allow_destructive=False)
    assert embedded.skip_reason(None, CATALOG) is None


def test_check_refuses_disallowed_and_undeclared_operations() -> None:
    gate = Gate.for_run(PROFILE, embedded=False, allow_destructive=False)
    with pytest.raises(NotAllowed, match="asnCtiMakeCall is shared"):
        gate.check(CATALOG.operation("asnCtiMakeCall"), None)
    with pytest.raises(NotAllowed, match="does not declare it"):
        gate.check(CATALOG.operation("asnGetUserToken"), frozenset({"asnGetLoggedInContact"}))
    gate.check(CATALOG.operation("asnGetLoggedInContact"), frozenset({"asnGetLoggedInContact"}))
    gate.check(CATALOG.operation("asnLogoff"), frozenset())  # the session's own logoff


def test_every_suite_test_declares_what_it_sends() -> None:
    """A test in suites/ without @pytest.mark.sends (on itself or in its module's pytestmark)
    would be gated as destructive; the suites declare every test, so a target run skips only
    by class."""
    undeclared = []
    for path in sorted(SUITES.rglob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        if "sweep" in path.parts:
            continue  # parametrised: suites/sweep/conftest.py marks each operation
        if re.search(r"^pytestmark = \[[^\]]*pytest\.mark\.sends\(", text, re.M):
            continue  # the module declares for all its tests (each may add its own)
        for match in re.finditer(r"^def (test_\w+)\(", text, re.M):
            before = text[: match.start()].rsplit("\n\n\n", 1)[-1]
            if "@pytest.mark.sends(" not in before:
                undeclared.append(f"{path.relative_to(SUITES)}::{match.group(1)}")
    assert undeclared == []
