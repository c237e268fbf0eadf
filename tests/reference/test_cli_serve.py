"""``ucconf serve``: runs the reference server until Ctrl-C."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from conformance.cli import main


def test_list_operations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--list-operations"]) == 0
    out = capsys.readouterr().out
    modelled = int(re.search(r"^modelled \((\d+)\):", out, re.M).group(1))  # type: ignore[union-attr]
    synthesised = int(re.search(r"^synthesised \((\d+)\):", out, re.M).group(1))  # type: ignore[union-attr]
    assert modelled + synthesised == 391
    assert "  asnGetUserToken\n" in out
    assert "  asnChatGetConversationID\n" in out


def test_bad_profile_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[target\n", encoding="utf-8")
    assert main(["serve", "--profile", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"ucconf serve: {path}: TOML syntax error")


def test_unknown_fault_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--fault", "nope", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "unknown fault 'nope'" in err and "logon.wrong-status" in err


def test_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "conformance.cli",
            "serve",
            "--port",
            "0",
            "--fault",
            "jsonp.ignored",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for _ in range(6):
            line = process.stdout.readline()
            lines.append(line)
            if line.startswith("press Ctrl-C"):
                break
        text = "".join(lines)
        url = re.search(r"listening on (http://\S+)", text).group(1)  # type: ignore[union-attr]
        assert "ucsid: local" in text
        assert re.search(r"operations: \d+ modelled, \d+ synthesised \(of 391", text)
        assert "faults on: jsonp.ignored" in text
        assert requests.get(f"{url}/ws/public/contacts", timeout=5).status_code == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
        assert process.returncode == 0, err
        assert "reference server stopped" in out
        assert "bug" not in err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=5)
