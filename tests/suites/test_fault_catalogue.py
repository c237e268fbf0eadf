"""The fault catalogue's kill matrix (design.md, "Faults"; issue 8).

One check (:func:`conformance.faultcheck.check`) runs every suite against the embedded server
once clean, where every test must pass, and once per fault, running the suite folders of the
tests in the fault's ``breaks``: exactly those tests must fail with the verdict *failed* (a
violation, not a broken suite) and every other test of those folders must pass. With
:func:`test_every_suite_test_is_broken_by_some_fault` this proves that each suite test can
fail. The check starts in the background when the tests are collected
(tests/suites/conftest.py) and is read by the tests below.
"""

from __future__ import annotations

import pytest

from conformance import faultcheck
from conformance.reference.faults import FAULTS

REQUIRED = {
    # faults the suites' issues name; each must exist and be caught
    "agent.ttl-ignored",
    "agent.ttl-expires-early",
    "agent.broadcast-to-non-members",
    "agent.second-confirm-errors",
    "agent.events-after-stop",
    "chat.paging-off-by-one",
    "chat.default-page-10",  # was -50: the set-up now sends 25 messages, not 250
    "chat.no-last-segment",
    "chat.wrong-cross-reference",
    "chat.non-participant-sees-history",
    "cti.events-after-stop",
    "cti.cross-references-swapped",
    "cti.no-make-call-result",
    "cti.wrong-call-state",
    "cti.answer-not-offering-accepted",
    "presence.update-after-unsubscribe",
    "presence.public-contacts-stale",
    "envelope.no-session-id",
    "envelope.event-invoke-id",
    "envelope.error-invoke-id",
    "robustness.drop-on-bad-frame",
    "robustness.500-on-bad-body",
    "token.identification-logs-in",
    "token.expiry-ignored",
    "jsonp.ignored",
}


@pytest.fixture(scope="module")
def matrix(check_result: faultcheck.CheckResult) -> faultcheck.CheckResult:
    """The check, started in the background at collection (tests/suites/conftest.py)."""
    return check_result


def test_the_catalogue_has_the_faults_the_issues_name() -> None:
    assert len(FAULTS) >= 30
    assert sorted(REQUIRED - set(FAULTS)) == []
    assert sorted(name for name, fault in FAULTS.items() if not fault.breaks) == []
    assert sorted(name for name, fault in FAULTS.items() if not fault.description) == []


def test_clean_run_passes_every_suite_test(matrix: faultcheck.CheckResult) -> None:
    assert matrix.clean.problem is None, matrix.clean.problem
    assert len(matrix.clean.outcomes) >= 500, "the suites did not all run"
    assert matrix.clean_failures == {}


def test_every_suite_test_is_broken_by_some_fault(matrix: faultcheck.CheckResult) -> None:
    assert list(matrix.never_failed) == [], "suite tests no fault breaks"
    assert list(matrix.dangling) == [], "breaks names tests the suites do not have"


def test_every_fault_fails_exactly_its_tests(matrix: faultcheck.CheckResult) -> None:
    assert len(matrix.faults) == len(FAULTS)
    broken = {run.name: run.run.problem for run in matrix.faults if run.run.problem}
    missed = {run.name: run.missed for run in matrix.faults if run.missed}
    unexpected = {run.name: run.unexpected for run in matrix.faults if run.unexpected}
    assert broken == {}, "runs that produced no report"
    assert missed == {}, "faults that do not fail tests their breaks set names"
    assert unexpected == {}, "faults that break tests their breaks set does not name"
    assert matrix.ok, faultcheck.render_matrix(matrix)


def test_the_matrix_renders_one_row_per_fault(matrix: faultcheck.CheckResult) -> None:
    table = faultcheck.render_matrix(matrix)
    assert all(f"\n{name} " in table for name in FAULTS)
    assert f"faults caught {len(FAULTS)}/{len(FAULTS)}" in table
