"""Mutation check of ``suites/cti`` (design.md, "Faults").

The CTI suite runs against the embedded reference server (in-process, through ``pytester``)
once without a fault, where every test must pass, and once per CTI fault (``cti.*``, and any
other fault whose ``breaks`` names a CTI test), where exactly the tests in the fault's
``breaks`` must fail, with the verdict *failed* (a violation, not a broken suite), and every
other test must still pass. :func:`test_every_cti_test_is_broken_by_some_fault` proves that
each test can fail at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.plugin import OUTCOME_PROPERTY
from conformance.reference.dispatch import registered_handlers
from conformance.reference.faults import FAULTS

# pytester restores sys.modules after each in-process run, which would drop the handler
# modules the first run imported while their handlers stay registered; the next run's import
# would then register them twice. Importing them here keeps them across runs.
registered_handlers()

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")

ROOT = Path(__file__).resolve().parents[2]
SUITE = "suites/cti"
OWN = f"{SUITE}/"


def _breaks_here(name: str) -> frozenset[str]:
    return frozenset(test for test in FAULTS[name].breaks if test.startswith(OWN))


RELEVANT = sorted(name for name in FAULTS if name.startswith("cti.") or _breaks_here(name))


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """The CTI suite, run in-process with the repository's configuration."""
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
    assert len(verdicts) >= 13, f"expected the whole CTI suite to run, got {sorted(verdicts)}"
    assert {t: v for t, v in verdicts.items() if v != "passed"} == {}


def test_every_cti_test_is_broken_by_some_fault(pytester: pytest.Pytester) -> None:
    result = _run(pytester, "--collect-only", "-q")
    collected = {call.item.nodeid for call in result.reprec.getcalls("pytest_itemcollected")}  # type: ignore[union-attr]
    assert collected
    covered = frozenset().union(*(_breaks_here(name) for name in FAULTS))
    assert sorted(collected - covered) == [], "tests no fault breaks"
    assert sorted(covered - collected) == [], "breaks names tests the suite does not have"


def test_the_required_faults_exist() -> None:
    required = {
        "cti.events-after-stop",
        "cti.cross-references-swapped",
        "cti.no-make-call-result",
        "cti.wrong-call-state",
        "cti.answer-not-offering-accepted",
    }
    assert required <= set(RELEVANT)
    assert all(_breaks_here(name) for name in RELEVANT if name.startswith("cti."))


@pytest.mark.parametrize("name", RELEVANT)
def test_fault_breaks_exactly_its_tests(pytester: pytest.Pytester, name: str) -> None:
    verdicts = _verdicts(_run(pytester, "--fault", name))
    expected = _breaks_here(name)
    assert verdicts, "no tests ran"
    unexpected = {t: v for t, v in verdicts.items() if t not in expected and v != "passed"}
    missed = {t: verdicts.get(t, "not run") for t in expected if verdicts.get(t) != "failed"}
    assert unexpected == {}, f"{name} breaks tests its breaks set does not name"
    assert missed == {}, f"{name} does not fail tests its breaks set names"
