"""Mutation check of ``suites/chat`` (design.md, "Faults").

The chat suite runs against the embedded reference server (in-process, through ``pytester``)
once without a fault, where every test must pass, and once per chat fault, where exactly the
fault's ``breaks`` tests of the suite must fail (with the verdict *failed*: a violation, not a
broken suite) and every other test must still pass. With
:func:`test_every_chat_test_is_broken_by_some_fault` this proves that each scenario can fail.

The runs use ``--timeout-factor 0.25``: the embedded server answers in milliseconds (and queues
a list's events before its result), and the faults that withhold the end of an event list cost
one scaled segment wait per test that reads one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.plugin import OUTCOME_PROPERTY
from conformance.reference.dispatch import registered_handlers
from conformance.reference.faults import FAULTS

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")

ROOT = Path(__file__).resolve().parents[2]
SUITE = "suites/chat"
OWN = f"{SUITE}/"
CHAT_FAULTS = sorted(
    name
    for name, fault in FAULTS.items()
    if name.startswith("chat.") or any(test.startswith(OWN) for test in fault.breaks)
)


@pytest.fixture(autouse=True)
def _handlers_imported_once() -> None:
    """Import every handler module out here: pytester restores ``sys.modules`` after each
    in-process run, so a module first imported inside a run would be imported again by the
    next one and register its handlers a second time."""
    registered_handlers()


def _breaks_here(name: str) -> frozenset[str]:
    return frozenset(test for test in FAULTS[name].breaks if test.startswith(OWN))


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """The chat suite, run in-process with the repository's configuration."""
    return pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        "-p",
        "no:hypothesispytest",  # its terminal summary costs seconds per run; unused here
        f"--rootdir={ROOT}",
        "-c",
        str(ROOT / "pyproject.toml"),
        "--timeout-factor",
        "0.25",
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


def test_clean_run_passes_every_chat_test(pytester: pytest.Pytester) -> None:
    verdicts = _verdicts(_run(pytester))
    assert len(verdicts) >= 10, f"chat tests that ran: {sorted(verdicts)}"
    assert {t: v for t, v in verdicts.items() if v != "passed"} == {}


def test_every_chat_test_is_broken_by_some_fault(pytester: pytest.Pytester) -> None:
    result = _run(pytester, "--collect-only", "-q")
    collected = {call.item.nodeid for call in result.reprec.getcalls("pytest_itemcollected")}  # type: ignore[union-attr]
    assert collected
    covered = frozenset().union(*(_breaks_here(name) for name in FAULTS))
    assert sorted(collected - covered) == [], "chat tests no fault breaks"
    assert sorted(covered - collected) == [], "breaks names chat tests the suite does not have"


def test_the_issue_faults_exist() -> None:
    """The faults the chat issue asks for by name."""
    assert {
        "chat.paging-off-by-one",
        "chat.default-page-50",
        "chat.no-last-segment",
        "chat.wrong-cross-reference",
        "chat.non-participant-sees-history",
    } <= set(CHAT_FAULTS)


@pytest.mark.parametrize("name", CHAT_FAULTS)
def test_chat_fault_breaks_exactly_its_tests(pytester: pytest.Pytester, name: str) -> None:
    verdicts = _verdicts(_run(pytester, "--fault", name))
    expected = _breaks_here(name)
    assert verdicts, "no tests ran"
    assert expected, f"{name} names no chat test in breaks"
    unexpected = {t: v for t, v in verdicts.items() if t not in expected and v != "passed"}
    missed = {t: verdicts.get(t, "not run") for t in expected if verdicts.get(t) != "failed"}
    assert unexpected == {}, f"{name} breaks tests its breaks set does not name"
    assert missed == {}, f"{name} does not fail tests its breaks set names"
