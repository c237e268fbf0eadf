"""conformance.compare and ``ucconf diff``: regressions gate CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.compare import compare_runs


def report_folder(
    root: Path, name: str, outcomes: dict[str, str], not_exercised: list[str]
) -> Path:
    folder = root / name
    folder.mkdir()
    cases = "".join(
        f'<testcase classname="suites.t" name="{test}" file="suites/t.py"><properties>'
        f'<property name="conformance_outcome" value="{outcome}"/></properties></testcase>'
        for test, outcome in outcomes.items()
    )
    (folder / "junit.xml").write_text(f"<testsuites><testsuite>{cases}</testsuite></testsuites>")
    summary = {
        "verdict": "conformant",
        "coverage": {
            "operations": {"not_exercised": not_exercised},
            "events": {"not_seen": []},
        },
    }
    (folder / "summary.json").write_text(json.dumps(summary))
    return folder


def test_regressions_fixes_and_coverage(tmp_path: Path) -> None:
    before = report_folder(
        tmp_path,
        "a",
        {"test_kept": "passed", "test_broke": "passed", "test_fixed": "failed",
         "test_gone": "passed", "test_feature": "passed"},
        ["asnX", "asnY"],
    )  # fmt: skip
    after = report_folder(
        tmp_path,
        "b",
        {"test_kept": "passed", "test_broke": "failed", "test_fixed": "passed",
         "test_new": "passed", "test_feature": "not implemented"},
        ["asnY", "asnZ"],
    )  # fmt: skip
    comparison = compare_runs(before, after)
    assert comparison.regressions == ["suites/t.py::test_broke"]
    assert comparison.fixes == ["suites/t.py::test_fixed"]
    assert comparison.newly_not_implemented == ["suites/t.py::test_feature"]
    assert comparison.added == ["suites/t.py::test_new"]
    assert comparison.removed == ["suites/t.py::test_gone"]
    assert comparison.coverage["operations"] == {
        "newly_covered": ["asnX"],
        "no_longer_covered": ["asnZ"],
    }
    assert comparison.has_regression


def test_ucconf_diff_exits_1_on_regression_and_0_otherwise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = report_folder(tmp_path, "good", {"test_a": "passed"}, [])
    bad = report_folder(tmp_path, "bad", {"test_a": "failed"}, [])
    assert main(["diff", str(good), str(bad)]) == 1
    assert "regressions (passed, now failing): 1" in capsys.readouterr().out
    assert main(["diff", str(bad), str(good)]) == 0
    assert "fixes (failing, now passing): 1" in capsys.readouterr().out


def test_ucconf_diff_on_a_folder_that_is_no_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(tmp_path), str(tmp_path)]) == 2
    assert "not a ucconf run report folder" in capsys.readouterr().err
