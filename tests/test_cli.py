"""``ucconf`` commands that need no server: catalog, report, schemas."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conformance.cli import main


def test_catalog_lists_the_24_modules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 24
    assert lines[4].split()[:2] == ["Authentication", "chapter"]


def test_catalog_query_finds_operations_and_types(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "asnChatGetEvents"]) == 0
    out = capsys.readouterr().out
    assert "asnChatGetEventsRange" in out
    assert "(deprecated)" in out
    assert "AsnChatGetEventsRangeArgument" in out


def test_catalog_query_without_match(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "nothing-like-this"]) == 1
    assert "nothing in the catalogue matches" in capsys.readouterr().err


def test_report_says_what_to_install_without_allure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "run" / "allure-results").mkdir(parents=True)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["report", str(tmp_path / "run")]) == 2
    assert "npm install -g allure" in capsys.readouterr().err


def test_report_without_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--reports", str(tmp_path)]) == 2
    assert "run 'ucconf run' first" in capsys.readouterr().err


def test_variations_check_refuses_an_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["variations", "check", "no.such-variation"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("ucconf variations check: unknown variation 'no.such-variation'")
    assert len(error.strip().splitlines()) == 1
