"""The variation catalogue's pass matrix (issue 14): the dual of the fault catalogue.

One check (:func:`conformance.variationcheck.check`) runs every suite against the embedded
server once clean and once per variation, all folders each time (the sweep included: it takes
seconds). With a variation on every test must pass, or do what it did in the clean run, or skip
for a capability the variation ``removes``. The check starts in the background when the tests
are collected (tests/suites/conftest.py) and is read by the tests below.
"""

from __future__ import annotations

import pytest

from conformance import variationcheck
from conformance.reference.variations import VARIATIONS

REQUIRED = {
    # variations the issue names for the CTI, agent and robustness suites
    "cti.idempotent-monitor-stop",
    "cti.answer-refused-with-bsuccess-false",
    "cti.lines-named-by-number",
    "agent.line-uri-agents",
    "robustness.lenient-json-reader",
    "robustness.non-invokes-ignored",
    "robustness.frame-limit",
    "robustness.html-404-outside-the-api",
    "robustness.upgrade-accepted-then-closed",
    "robustness.replies-out-of-order",
    "robustness.wan-latency",
}


@pytest.fixture(scope="module")
def matrix(check_result: variationcheck.CheckResult) -> variationcheck.CheckResult:
    """The check, started in the background at collection (tests/suites/conftest.py)."""
    return check_result


def test_the_catalogue_has_the_variations_the_issue_names() -> None:
    assert sorted(REQUIRED - set(VARIATIONS)) == []


def test_clean_run_passes(matrix: variationcheck.CheckResult) -> None:
    assert matrix.clean.problem is None, matrix.clean.problem
    assert len(matrix.clean.outcomes) >= 500, "the suites did not all run"
    assert matrix.clean_failures == {}


def test_every_variation_passes_every_suite(matrix: variationcheck.CheckResult) -> None:
    assert len(matrix.variations) == len(VARIATIONS)
    not_passing = {run.name: run.verdict for run in matrix.variations if run.verdict != "passes"}
    assert not_passing == {}, variationcheck.render_matrix(matrix)


def test_the_matrix_renders_one_row_per_variation(matrix: variationcheck.CheckResult) -> None:
    table = variationcheck.render_matrix(matrix)
    assert all(f"\n{name} " in table for name in VARIATIONS)
    assert f"variations passing {len(VARIATIONS)}/{len(VARIATIONS)}" in table
