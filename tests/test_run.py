"""``ucconf run`` end to end: the embedded server, pytest in a subprocess, the report folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conformance.cli import main

PASSING = """
import pytest
from conformance.client import QueryCredentials

@pytest.mark.module("Authentication")
@pytest.mark.spec("10.1.6", line=14443)
def test_logged_in_contact(direct, profile):
    alice = profile.user("alice")
    auth = QueryCredentials(alice.name, alice.password)
    assert direct.direct("asnGetLoggedInContact", {}, auth=auth).expect_result()
"""

FAILING = """
import pytest

@pytest.mark.module("ChatV2")
def test_server_is_wrong():
    assert False, "not conformant"
"""


def write(tmp_path: Path, **files: str) -> list[str]:
    args = []
    for name, source in files.items():
        path = tmp_path / f"test_{name}.py"
        path.write_text(source, encoding="utf-8")
        args += ["--suite", str(path)]
    return args


def only_folder(reports: Path) -> Path:
    (folder,) = list(reports.iterdir())
    return folder


def test_a_conformant_run_writes_the_report_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    code = main(["run", *write(tmp_path, ok=PASSING), "-n", "0", "--reports", str(reports)])
    out = capsys.readouterr().out
    assert code == 0, out
    folder = only_folder(reports)
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["verdict"] == "conformant"
    assert summary["modules"]["Authentication"]["passed"] == 1
    assert summary["coverage"]["operations"]["exercised"] == 1
    assert summary["coverage"]["operations"]["total"] == 391
    assert (folder / "summary.md").read_text().startswith("# Conformance run: conformant")
    results = folder / "allure-results"
    assert (results / "environment.properties").read_text().count("server.protocol.version=70")
    assert json.loads((results / "categories.json").read_text())[0]["matchedStatuses"] == ["failed"]
    assert list(results.glob("*-result.json"))
    assert "verdict: CONFORMANT" in out


def test_a_failure_makes_the_run_non_conformant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    args = write(tmp_path, ok=PASSING, bad=FAILING)
    assert main(["run", *args, "-n", "0", "--reports", str(reports)]) == 1
    summary = json.loads((only_folder(reports) / "summary.json").read_text())
    assert summary["verdict"] == "non-conformant"
    assert summary["counts"]["failed"] == 1
    assert summary["failures"][0]["test"].endswith("test_bad.py::test_server_is_wrong")
    assert "verdict: NON-CONFORMANT" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "http://127.0.0.1:9"], "--target needs --profile FILE"),
        (["--profile", "/nonexistent.toml"], "/nonexistent.toml: no such file"),
        (["--module", "no-such-module"], "no suite"),
        (["--fault", "no.such-fault"], "unknown fault 'no.such-fault'"),
        (["--ucsid", "elsewhere"], "does not serve UCSID 'elsewhere'"),
    ],
)
def test_usage_and_infrastructure_errors_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["run", *args, "--reports", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.skipif(shutil.which("allure") is None, reason="the allure command is not installed")
def test_ucconf_report_renders_the_allure_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    assert main(["run", *write(tmp_path, ok=PASSING), "-n", "0", "--reports", str(reports)]) == 0
    folder = only_folder(reports)
    assert main(["report", str(folder)]) == 0
    assert (folder / "allure-report" / "index.html").exists()
    assert "allure-report/index.html" in capsys.readouterr().out


def test_the_embedded_run_passes_in_the_vendors_dialect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 13: ``ucconf run`` passes with the client writing as estos' generated client
    (the plain dialect is the README's ``ucconf run``, tests/test_readme.py)."""
    reports = tmp_path / "reports"
    code = main(["run", "--reports", str(reports), "--", "--dialect", "vendor"])
    out = capsys.readouterr().out
    assert code == 0, out
    summary = json.loads((only_folder(reports) / "summary.json").read_text())
    assert summary["counts"]["failed"] == 0 and summary["counts"]["passed"] > 400
    assert summary["coverage"]["warnings"] == []  # every event carried its number


def test_events_without_numbers_are_an_interoperability_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Events sent with operationID 0 pass (the document allows it) with a warning."""
    reports = tmp_path / "reports"
    suite = "suites/interop/test_event_numbers.py"
    args = ["run", "--reports", str(reports), "--suite", suite, "--variation"]
    code = main([*args, "event.operation-id-zero", "--", "-n", "0"])
    assert code == 0, capsys.readouterr().out
    folder = only_folder(reports)
    (warning,) = json.loads((folder / "summary.json").read_text())["coverage"]["warnings"]
    assert "asnChatEvent (1440)" in warning
    assert "## Interoperability warnings" in (folder / "summary.md").read_text()


def test_a_latency_runs_the_embedded_server_as_if_across_a_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    suite = "suites/auth/test_createsession.py"
    args = ["run", "--reports", str(reports), "--suite", suite, "--latency", "20", "--", "-n", "0"]
    assert main(args) == 0, capsys.readouterr().out
    assert main(["run", "--target", "http://127.0.0.1:9", "--profile", "p.toml", "--latency", "5"])
    assert "--latency apply to the embedded" in capsys.readouterr().err
