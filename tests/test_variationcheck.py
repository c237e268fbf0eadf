"""The verdicts of the variation check (conformance/variationcheck.py), on made-up runs."""

from __future__ import annotations

from conformance.suiterun import SuiteRun
from conformance.variationcheck import CheckResult, VariationRun, plan_jobs, render_matrix

CLEAN = SuiteRun(
    ("suites/x",),
    {"a": "passed", "b": "passed", "c": "skipped", "d": "passed"},
    1.0,
    messages={"c": "the profile lacks users>=9"},
)


def _run(
    outcomes: dict[str, str], messages: dict[str, str], removes: frozenset[str]
) -> VariationRun:
    run = SuiteRun(("suites/x",), outcomes, 1.0, messages=messages)
    return VariationRun("area.v", "what differs", removes, run, CLEAN)


def test_a_run_like_the_clean_one_passes() -> None:
    assert _run(dict(CLEAN.outcomes), {}, frozenset()).verdict == "passes"


def test_a_failure_fails_and_an_error_too() -> None:
    failed = _run({**CLEAN.outcomes, "a": "failed"}, {"a": "AssertionError"}, frozenset())
    errored = _run({**CLEAN.outcomes, "b": "error"}, {}, frozenset())
    assert (failed.verdict, failed.failed) == ("fails", {"a": "failed"})
    assert errored.verdict == "fails"


def test_a_new_skip_passes_only_for_a_removed_capability() -> None:
    message = {"d": "the profile does not offer capability:auth.lockout_free"}
    outcomes = {**CLEAN.outcomes, "d": "skipped"}
    assert _run(outcomes, message, frozenset({"auth.lockout_free"})).verdict == "passes"
    unexplained = _run(outcomes, message, frozenset())
    assert (unexplained.verdict, unexplained.skipped) == ("skips", {"d": "skipped"})


def test_a_run_without_a_report_is_broken() -> None:
    broken = VariationRun("area.v", "", frozenset(), SuiteRun((), {}, 1.0, "timed out"), CLEAN)
    assert broken.verdict == "broken"


def test_the_matrix_names_what_did_not_pass() -> None:
    failing = _run({**CLEAN.outcomes, "a": "failed"}, {"a": "AssertionError: no"}, frozenset())
    result = CheckResult(CLEAN, (failing,), 2.0)
    table = render_matrix(result)
    assert not result.ok
    assert "area.v: failed a: AssertionError: no" in table
    assert "variations passing 0/1" in table


def test_runs_that_wait_for_a_slow_server_go_first_and_beside_the_cpu_pool() -> None:
    jobs = plan_jobs(["wire.base64-unpadded", "robustness.wan-latency", "events.delivered-late"])
    assert [(job.key, job.waits) for job in jobs] == [
        ("(clean)", False),
        ("events.delivered-late", True),
        ("robustness.wan-latency", True),
        ("wire.base64-unpadded", False),
    ]
