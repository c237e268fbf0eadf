"""Mutation check of ``suites/sweep`` (design.md, "Faults").

The sweep runs against the embedded server (in-process, through ``pytester``) once without a
fault, where every one of its 391 tests must pass, and once per fault of the sweep (and per
fault that names sweep tests in ``breaks``), where exactly the fault's sweep tests must fail
with the verdict *failed* and every other test must still pass. ``--fuzz`` is checked on a few
operations: clean it passes, with ``sweep.invalid-result`` it fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.catalog import default_catalog
from conformance.client import Basic, HttpClient, Session, Target
from conformance.instances import InstanceBuilder
from conformance.outcomes import OUTCOME_PROPERTY
from conformance.reference import ReferenceServer
from conformance.reference.faults import FAULTS

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")

ROOT = Path(__file__).resolve().parents[2]
SUITE = "suites/sweep"
HANGS = frozenset({"sweep.no-answer-for-deprecated"})
"""Faults that leave invokes unanswered: run with short timeouts, each wait is a failure."""
FUZZED = ("asnGetLoggedInContact", "asnCheckConnection", "asnGetUserToken")


def _breaks_here(name: str) -> frozenset[str]:
    return frozenset(test for test in FAULTS[name].breaks if test.startswith(f"{SUITE}/"))


RELEVANT = sorted(name for name in FAULTS if name.startswith("sweep.") or _breaks_here(name))


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


def test_clean_run_passes_every_operation(pytester: pytest.Pytester) -> None:
    verdicts = _verdicts(_run(pytester))
    assert len(verdicts) == 391
    assert {t: v for t, v in verdicts.items() if v != "passed"} == {}


def test_every_sweep_test_is_broken_by_some_fault(pytester: pytest.Pytester) -> None:
    result = _run(pytester, "--collect-only", "-q")
    collected = {call.item.nodeid for call in result.reprec.getcalls("pytest_itemcollected")}  # type: ignore[union-attr]
    assert len(collected) == 391
    covered = frozenset().union(*(_breaks_here(name) for name in FAULTS))
    assert sorted(collected - covered) == [], "tests no fault breaks"
    assert sorted(covered - collected) == [], "breaks names tests the suite does not have"


@pytest.mark.parametrize("name", RELEVANT)
def test_fault_breaks_exactly_its_sweep_tests(pytester: pytest.Pytester, name: str) -> None:
    timeouts = ("--timeout-factor", "0.2") if name in HANGS else ()
    verdicts = _verdicts(_run(pytester, "--fault", name, *timeouts))
    expected = _breaks_here(name)
    assert len(verdicts) == 391
    unexpected = {t: v for t, v in verdicts.items() if t not in expected and v != "passed"}
    missed = {t: verdicts.get(t, "not run") for t in expected if verdicts.get(t) != "failed"}
    assert unexpected == {}, f"{name} breaks sweep tests its breaks set does not name"
    assert missed == {}, f"{name} does not fail sweep tests its breaks set names"


@pytest.mark.parametrize(
    ("fault", "verdict"), [((), "passed"), (("sweep.invalid-result",), "failed")]
)
def test_fuzzing_checks_every_answer(
    pytester: pytest.Pytester, fault: tuple[str, ...], verdict: str
) -> None:
    faults = [arg for name in fault for arg in ("--fault", name)]
    selection = " or ".join(FUZZED)
    verdicts = _verdicts(_run(pytester, "--fuzz", "3", "-k", selection, *faults))
    fuzzed = {t: v for t, v in verdicts.items() if "test_fuzzed_arguments.py" in t}
    assert len(fuzzed) == len(FUZZED)
    assert set(fuzzed.values()) == {verdict}


def test_the_reference_server_sends_only_valid_answers() -> None:
    """What the sweep asks of the reference server it answers without a self-check failure
    (``internal_errors``: a payload that violates its schema, a handler that crashed)."""
    catalog = default_catalog()
    arguments = InstanceBuilder(catalog, boolean=False)
    with ReferenceServer() as server:
        user = server.profile.enabled_users()[-1]
        target = Target(url=server.url, ucsid=server.ucsid, verify=False)
        with (
            HttpClient(target) as client,
            Session.open(client, Basic(user.name, user.password)) as session,
        ):
            for operation in catalog.operations(kind="operation"):
                argument = arguments.argument(operation.name)
                if isinstance(argument, dict):
                    session.invoke(operation.name, argument)
        assert server.internal_errors == []
