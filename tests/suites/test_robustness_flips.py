"""Mutation check of ``suites/robustness`` (design.md, "Faults").

The robustness suite runs against the embedded server (in-process, through ``pytester``) once
without a fault, where every test must pass, and once per robustness fault (and per fault that
names robustness tests in ``breaks``), where exactly the fault's robustness tests must fail
with the verdict *failed* and every other test must still pass. Faults that leave something
unanswered run with short timeouts: the wait that runs out is the failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.outcomes import OUTCOME_PROPERTY
from conformance.reference.faults import FAULTS

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")

ROOT = Path(__file__).resolve().parents[2]
SUITE = "suites/robustness"
HANGS = frozenset(
    {
        "robustness.no-reject-on-unknown-operation",
        "robustness.large-invoke-dropped",
        "robustness.pipelined-replies-misaddressed",
        "robustness.duplicate-id-ignored",
    }
)
"""Faults that leave invokes unanswered: run with short timeouts."""


def _breaks_here(name: str) -> frozenset[str]:
    return frozenset(test for test in FAULTS[name].breaks if test.startswith(f"{SUITE}/"))


RELEVANT = sorted(name for name in FAULTS if name.startswith("robustness.") or _breaks_here(name))


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        f"--rootdir={ROOT}",
        "-c",
        str(ROOT / "pyproject.toml"),
        *args,
        str(ROOT / SUITE),
    )


def _verdicts(result: pytest.RunResult) -> dict[str, str]:
    """Test id -> the plugin's verdict (passed, failed, skipped, not implemented, error)."""
    verdicts: dict[str, str] = {}
    for report in result.reprec.getreports("pytest_runtest_logreport"):  # type: ignore[union-attr]
        for name, value in report.user_properties:
            if name == OUTCOME_PROPERTY:
                verdicts.setdefault(report.nodeid, str(value))
    return verdicts


def test_clean_run_passes_every_test(pytester: pytest.Pytester) -> None:
    verdicts = _verdicts(_run(pytester))
    assert verdicts, "no tests ran"
    assert {t: v for t, v in verdicts.items() if v != "passed"} == {}


def test_every_robustness_test_is_broken_by_some_fault(pytester: pytest.Pytester) -> None:
    result = _run(pytester, "--collect-only", "-q")
    collected = {call.item.nodeid for call in result.reprec.getcalls("pytest_itemcollected")}  # type: ignore[union-attr]
    assert collected
    covered = frozenset().union(*(_breaks_here(name) for name in FAULTS))
    assert sorted(collected - covered) == [], "tests no fault breaks"
    assert sorted(covered - collected) == [], "breaks names tests the suite does not have"


@pytest.mark.parametrize("name", RELEVANT)
def test_fault_breaks_exactly_its_robustness_tests(pytester: pytest.Pytester, name: str) -> None:
    timeouts = ("--timeout-factor", "0.2") if name in HANGS else ()
    verdicts = _verdicts(_run(pytester, "--fault", name, *timeouts))
    expected = _breaks_here(name)
    assert verdicts, "no tests ran"
    unexpected = {t: v for t, v in verdicts.items() if t not in expected and v != "passed"}
    missed = {t: verdicts.get(t, "not run") for t in expected if verdicts.get(t) != "failed"}
    assert unexpected == {}, f"{name} breaks robustness tests its breaks set does not name"
    assert missed == {}, f"{name} does not fail robustness tests its breaks set names"
