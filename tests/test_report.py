"""conformance.report: JUnit properties back into verdicts, counts, coverage and known failures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conformance.catalog import default_catalog
from conformance.outcomes import NOT_IMPLEMENTED
from conformance.profile import EMBEDDED_PROFILE, load_profile
from conformance.report import (
    CaseRecord,
    RunMetadata,
    Verdict,
    load_expected_failures,
    profile_hash,
    read_junit,
    render_table,
    summarise,
    write_summary,
)

META = RunMetadata("0.1.0", "c" * 64, "p" * 64, "embedded", "local", "t0", "t1")


def record(nodeid: str, outcome: str, module: str = "ChatV2", **kwargs: object) -> CaseRecord:
    return CaseRecord(nodeid=nodeid, outcome=outcome, module=module, **kwargs)  # type: ignore[arg-type]


def test_read_junit_takes_the_plugins_properties(tmp_path: Path) -> None:
    xml = tmp_path / "junit.xml"
    xml.write_text(
        """<testsuites><testsuite>
        <testcase classname="suites.chat.test_paging" name="test_default_page"
                  file="suites/chat/test_paging.py">
          <properties>
            <property name="conformance_outcome" value="failed"/>
            <property name="conformance_module" value="ChatV2"/>
            <property name="conformance_spec" value="16.1.12"/>
            <property name="conformance_operations"
                      value="asnChatGetEventsRange asnChatTextMessage"/>
            <property name="conformance_events" value="asnChatEvent"/>
            <property name="conformance_validations" value="12"/>
          </properties>
          <failure message="expected 100 events, got 99">...</failure>
        </testcase>
        <testcase classname="x.test_y" name="test_plain" file="x/test_y.py"/>
        </testsuite></testsuites>""",
        encoding="utf-8",
    )
    first, second = read_junit(xml)
    assert first == CaseRecord(
        nodeid="suites/chat/test_paging.py::test_default_page",
        outcome="failed",
        module="ChatV2",
        sections=("16.1.12",),
        operations=("asnChatGetEventsRange", "asnChatTextMessage"),
        events=(("asnChatEvent", 1),),
        validations=12,
        message="expected 100 events, got 99",
    )
    assert (second.nodeid, second.outcome, second.module) == (
        "x/test_y.py::test_plain",
        "passed",
        "(no module)",
    )


@pytest.mark.parametrize(
    ("outcomes", "verdict"),
    [
        (["passed", NOT_IMPLEMENTED, "skipped"], Verdict.CONFORMANT),
        (["passed", "failed", "error"], Verdict.NON_CONFORMANT),
        (["passed", "error"], Verdict.INCONCLUSIVE),
        ([], Verdict.INCONCLUSIVE),
    ],
)
def test_verdict(outcomes: list[str], verdict: Verdict) -> None:
    records = [record(f"t{i}", o) for i, o in enumerate(outcomes)]
    assert summarise(records, default_catalog(), META).verdict is verdict


def test_counts_per_module_and_coverage() -> None:
    summary = summarise(
        [
            record(
                "a",
                "passed",
                operations=("asnChatGetEvents",),
                events=(("asnChatEvent", 3),),
                deprecated=("asnChatGetEvents",),
            ),
            record("b", "failed", module="CTI", operations=("asnCtiMakeCall",), validations=3),
        ],
        default_catalog(),
        META,
    )
    assert summary.modules["ChatV2"]["passed"] == 1
    assert summary.modules["CTI"]["failed"] == 1
    assert summary.counts == {
        "passed": 1,
        "failed": 1,
        NOT_IMPLEMENTED: 0,
        "skipped": 0,
        "error": 0,
    }
    cov = summary.coverage
    assert (cov["operations"]["exercised"], cov["operations"]["total"]) == (2, 391)
    assert (cov["events"]["seen"], cov["events"]["total"]) == (1, 135)
    assert "asnCtiMakeCall" not in cov["operations"]["not_exercised"]
    assert cov["events"]["counts"] == {"asnChatEvent": 3}
    assert cov["deprecated_exercised"] == {"asnChatGetEvents": ["a"]}
    assert cov["validations"] == 3
    table = render_table(summary)
    assert table.splitlines()[0].split() == [
        "module", "passed", "failed", "not", "implemented", "skipped", "error",
    ]  # fmt: skip
    assert table.splitlines()[-1].split() == ["total", "1", "1", "0", "0", "0"]


def test_known_failures_leave_the_verdict_and_stale_ones_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "known.toml"
    path.write_text(
        '[[expected]]\ntest = "a"\nreason = "PCE-1: paging"\n'
        '[[expected]]\ntest = "b"\nreason = "PCE-2: fixed meanwhile"\n',
        encoding="utf-8",
    )
    expected = load_expected_failures(path)
    summary = summarise(
        [record("a", "failed"), record("b", "passed"), record("c", "passed")],
        default_catalog(),
        META,
        expected,
    )
    assert summary.verdict is Verdict.CONFORMANT
    assert summary.expected_failures == [{"test": "a", "reason": "PCE-1: paging"}]
    assert summary.unexpected_passes == [{"test": "b", "reason": "PCE-2: fixed meanwhile"}]
    write_summary(tmp_path, summary)
    markdown = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "Known failures that now pass" in markdown
    assert json.loads((tmp_path / "summary.json").read_text())["verdict"] == "conformant"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[expected]]\nreason = 'x'\n", "expected[0] needs test"),
        ("[[expected]]\ntest = 'a'\n", "expected[0] (a) needs a reason"),
        ("[[expected", "not valid TOML"),
    ],
)
def test_bad_known_failures_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "known.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_expected_failures(path)


def test_profile_hash_leaves_passwords_out() -> None:
    profile = load_profile(EMBEDDED_PROFILE)
    digest = profile_hash(profile)
    assert len(digest) == 64
    assert all(secret not in digest for secret in profile.secrets())


def test_sweep_verdicts_are_counted_in_both_summaries(tmp_path: Path) -> None:
    sweep = [
        record("s1", "passed", sweep="result"),
        record("s2", "passed", sweep="error"),
        record("s3", "passed", sweep="rights"),
        record("s4", "skipped", sweep="", message="not sent: asnMgmtRestartServer is destructive"),
        record("s5", "skipped", sweep="", message="the profile has no enabled user"),
        record("s6", NOT_IMPLEMENTED, sweep=""),
        record("s7", "failed", sweep=""),
        record("s8", "error", sweep=""),
    ]
    summary = summarise([record("other", "passed"), *sweep], default_catalog(), META)
    assert summary.sweep == {
        "result": 1,
        "error": 1,
        "rights": 1,
        "not sent": 1,
        NOT_IMPLEMENTED: 1,
        "skipped": 1,
        "failed": 1,
        "broken": 1,
    }
    write_summary(tmp_path, summary)
    assert json.loads((tmp_path / "summary.json").read_text())["sweep"]["not sent"] == 1
    markdown = (tmp_path / "summary.md").read_text()
    assert "## Sweep verdicts (one per operation)" in markdown
    assert "| result | error | rights | not sent |" in markdown
    assert summarise([record("other", "passed")], default_catalog(), META).sweep == {}
