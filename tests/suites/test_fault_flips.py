"""Mutation check of ``suites/auth`` and ``suites/tokens`` (design.md, "Faults").

Each fault of the reference server names in ``breaks`` the conformance tests that must fail
while it is on. Here the two suites run against the embedded server (in-process, through
``pytester``) once without a fault, where every test must pass, and once per relevant fault,
where exactly the fault's tests of these suites must fail (with the verdict *failed*: a
violation, not a broken suite) and every other test must still pass. Together with
:func:`test_every_suite_test_is_broken_by_some_fault` this proves that each scenario can fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.outcomes import FAILED, OUTCOME_PROPERTY, PASSED
from conformance.reference.faults import FAULTS

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")

ROOT = Path(__file__).resolve().parents[2]
SUITES = ("suites/auth", "suites/tokens")
OWN = tuple(f"{suite}/" for suite in SUITES)
AREAS = (
    "contact.",
    "createsession.",
    "envelope.",
    "http.",
    "jsonp.",
    "logon.",
    "session.",
    "token.",
    "ucsid.",
)
"""Fault families these suites are about: run even when they break none of their tests."""


def _breaks_here(name: str) -> frozenset[str]:
    return frozenset(test for test in FAULTS[name].breaks if test.startswith(OWN))


RELEVANT = sorted(name for name in FAULTS if name.startswith(AREAS) or _breaks_here(name))


def _run(pytester: pytest.Pytester, *args: str) -> pytest.HookRecorder:
    """The two suites, run in-process with the repository's configuration; its hook calls."""
    result = pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        # The suites use no hypothesis; its plugin would re-import it (seconds) on every run,
        # since pytester drops the modules a run imported.
        "-p",
        "no:hypothesispytest",
        f"--rootdir={ROOT}",
        "-c",
        str(ROOT / "pyproject.toml"),
        *args,
        *(str(ROOT / suite) for suite in SUITES),
    )
    recorder: pytest.HookRecorder = result.reprec  # type: ignore[attr-defined]
    return recorder


def _verdicts(recorder: pytest.HookRecorder) -> dict[str, str]:
    """Test id -> the plugin's verdict (passed, failed, skipped, not implemented, error)."""
    verdicts: dict[str, str] = {}
    for report in recorder.getreports("pytest_runtest_logreport"):
        for name, value in report.user_properties:
            if name == OUTCOME_PROPERTY:
                verdicts.setdefault(report.nodeid, str(value))
    return verdicts


def test_clean_run_passes_every_test(pytester: pytest.Pytester) -> None:
    verdicts = _verdicts(_run(pytester))
    assert verdicts, "no tests ran"
    assert {t: v for t, v in verdicts.items() if v != PASSED} == {}


def test_every_suite_test_is_broken_by_some_fault(pytester: pytest.Pytester) -> None:
    calls = _run(pytester, "--collect-only", "-q").getcalls("pytest_itemcollected")
    collected = {call.item.nodeid for call in calls}
    assert collected
    covered = frozenset().union(*(_breaks_here(name) for name in FAULTS))
    assert sorted(collected - covered) == [], "tests no fault breaks"
    assert sorted(covered - collected) == [], "breaks names tests the suites do not have"


@pytest.mark.parametrize("name", RELEVANT)
def test_fault_breaks_exactly_its_tests(pytester: pytest.Pytester, name: str) -> None:
    verdicts = _verdicts(_run(pytester, "--fault", name))
    expected = _breaks_here(name)
    assert verdicts, "no tests ran"
    unexpected = {t: v for t, v in verdicts.items() if t not in expected and v != PASSED}
    missed = {t: verdicts.get(t, "not run") for t in expected if verdicts.get(t) != FAILED}
    assert unexpected == {}, f"{name} breaks tests its breaks set does not name"
    assert missed == {}, f"{name} does not fail tests its breaks set names"
