"""Mutation check of ``suites/presence`` (design.md, "Faults").

The suite runs against the embedded server (in-process, through ``pytester``) once without a
fault, where every test must pass, and once per ``presence.*`` fault, where exactly the
fault's ``breaks`` must fail (verdict *failed*: a violation, not a broken suite) and every other
test must pass. Together with :func:`test_every_presence_test_is_broken_by_something` this
proves that each presence test can fail.

One mutation is not a named fault: the reference server builds the body of
``/ws/public/contacts`` straight from its directory, with no hook point a fault could bend
(``routes.HttpRoutes.public_contacts``). :data:`MUTANTS` therefore patches the directory for
the length of one run; a hook point on that route would let a fault replace it.

The runs use ``--timeout-factor 0.3``: against the embedded server every quiet window is closed
by a round trip and every read shows a change at once, so the factor only shortens the event
waits that a fault makes run out (5 s each otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance.outcomes import FAILED, OUTCOME_PROPERTY, PASSED
from conformance.reference.directory import Directory, DirectoryUser
from conformance.reference.dispatch import registered_handlers
from conformance.reference.faults import FAULTS
from conformance.rose import JsonObject

# pytester restores sys.modules after each in-process run, which would drop the handler
# modules the first run imported while their handlers stay registered; the next run's import
# would then register them twice. Importing them here keeps them across runs.
registered_handlers()

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")

ROOT = Path(__file__).resolve().parents[2]
SUITE = "suites/presence"
PRESENCE_FAULTS = sorted(name for name in FAULTS if name.startswith("presence."))
PUBLIC_CONTACTS_TEST = (
    f"{SUITE}/test_public_contacts.py::test_public_contacts_show_the_current_presence"
)


def _public_contacts_ignore_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """/ws/public/contacts shows every public user as available (eAVAILABLE), whatever the
    user's presence (its flag bits kept)."""
    correct = Directory.public_contact

    def stale(directory: Directory, user: DirectoryUser) -> JsonObject:
        contact = correct(directory, user)
        return {**contact, "iPresenceState": contact["iPresenceState"] & ~0xFF | 1}

    monkeypatch.setattr(Directory, "public_contact", stale)


MUTANTS: dict[str, tuple[Callable[[pytest.MonkeyPatch], None], frozenset[str]]] = {
    # name: (how to apply it for one run, the tests it must break)
    "public-contacts-ignore-changes": (
        _public_contacts_ignore_changes,
        frozenset({PUBLIC_CONTACTS_TEST}),
    ),
}


def _breaks(name: str) -> frozenset[str]:
    """The fault's ``breaks`` inside this suite."""
    return frozenset(test for test in FAULTS[name].breaks if test.startswith(f"{SUITE}/"))


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """The presence suite, in-process, with the repository's configuration."""
    return pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        f"--rootdir={ROOT}",
        "-c",
        str(ROOT / "pyproject.toml"),
        "--timeout-factor",
        "0.3",
        *args,
        str(ROOT / SUITE),
    )


def _verdicts(result: pytest.RunResult) -> dict[str, str]:
    """Test id -> the plugin's verdict (passed, failed, skipped, not implemented, error)."""
    verdicts: dict[str, str] = {}
    reprec: Any = result.reprec  # type: ignore[attr-defined]
    for report in reprec.getreports("pytest_runtest_logreport"):
        for name, value in report.user_properties:
            if name == OUTCOME_PROPERTY:
                verdicts.setdefault(report.nodeid, str(value))
    assert verdicts, f"no tests ran:\n{result.stdout.str()[-2000:]}"
    return verdicts


def _assert_breaks_exactly(verdicts: dict[str, str], expected: frozenset[str], what: str) -> None:
    assert expected, f"{what} names no presence test"
    unexpected = {t: v for t, v in verdicts.items() if t not in expected and v != PASSED}
    missed = {t: verdicts.get(t, "not run") for t in expected if verdicts.get(t) != FAILED}
    assert unexpected == {}, f"{what} breaks tests it does not name"
    assert missed == {}, f"{what} does not fail tests it names"


def test_clean_run_passes_every_test(pytester: pytest.Pytester) -> None:
    verdicts = _verdicts(_run(pytester))
    assert {t: v for t, v in verdicts.items() if v != PASSED} == {}


def test_every_presence_test_is_broken_by_something(pytester: pytest.Pytester) -> None:
    result = _run(pytester, "--collect-only", "-q")
    reprec: Any = result.reprec  # type: ignore[attr-defined]
    collected = {call.item.nodeid for call in reprec.getcalls("pytest_itemcollected")}
    assert collected, "nothing collected"
    covered = frozenset().union(
        *(_breaks(name) for name in FAULTS), *(breaks for _, breaks in MUTANTS.values())
    )
    assert sorted(collected - covered) == [], "tests no fault breaks"
    assert sorted(covered - collected) == [], "breaks names tests the suite does not have"


@pytest.mark.parametrize("name", PRESENCE_FAULTS)
def test_fault_breaks_exactly_its_tests(pytester: pytest.Pytester, name: str) -> None:
    verdicts = _verdicts(_run(pytester, "--fault", name))
    _assert_breaks_exactly(verdicts, _breaks(name), name)


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant_breaks_exactly_its_tests(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    apply, expected = MUTANTS[name]
    apply(monkeypatch)
    _assert_breaks_exactly(_verdicts(_run(pytester)), expected, name)
