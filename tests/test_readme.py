"""Every command the README shows is run by a test, so the README cannot drift from the tool.

Commands are read from the README's ``sh`` blocks. Each must match one entry of ``COVERED``,
which names the test that runs it; the commands no other test runs are run here, against the
embedded reference server (started in-process as a stand-in for "a real UCServer").
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.profile import EMBEDDED_PROFILE
from conformance.reference import ReferenceServer

README = Path(__file__).resolve().parents[1] / "README.md"

# README command (its start) -> the test that runs it.
COVERED = {
    "python3 -m pip install -e '.[dev]' && ucconf run": "test_ucconf_run_as_the_readme_says",
    "python3 -m pip install -e '.[dev]' && python3 -m pytest": ".ci/run (CI runs exactly this)",
    "export ": "environment only",
    "ucconf run --target": "test_readme.py::test_certifying_a_real_server",
    "ucconf diff": "test_compare.py::test_ucconf_diff_exits_1_on_regression_and_0_otherwise",
    "ucconf faults": "tests/suites (the fault catalogue check)",
    "ucconf plan": "test_readme.py::test_plan_as_the_readme_says",
}  # fmt: skip


def readme_commands() -> Iterator[str]:
    text = README.read_text(encoding="utf-8")
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if command and not command.startswith("#"):
                yield command


def test_every_readme_command_is_run_by_a_test() -> None:
    commands = list(readme_commands())
    assert len(commands) >= 6
    uncovered = [c for c in commands if not any(c.startswith(p) for p in COVERED)]
    assert uncovered == []


def test_ucconf_run_as_the_readme_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ucconf run`` with no arguments: every suite against the embedded server."""
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    assert "verdict: CONFORMANT" in out
    (folder,) = list((tmp_path / "reports").iterdir())
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["coverage"]["operations"]["exercised"] == 391
    assert summary["counts"]["failed"] == 0
    # "the report marks it deprecated" (asnChatGetEvents, 16.1.10)
    assert "asnChatGetEvents" in summary["coverage"]["deprecated_exercised"]
    # "Leave nothing behind": the server's state after the run equals the state before it,
    # apart from logs and chat history (conformance/reference/snapshot.py).
    left_behind = (folder / "left-behind.txt").read_text(encoding="utf-8")
    assert left_behind == "", f"the run left state behind:\n{left_behind}"
    # "the summary counts each" sweep verdict; the reference refuses administrators' operations
    assert summary["sweep"]["rights"] > 0 and summary["sweep"]["result"] > 0
    assert sum(summary["sweep"].values()) == 391


def test_plan_as_the_readme_says(tmp_path: Path) -> None:
    """The README's ``ucconf plan`` lines with profiles/example.toml as ``my-server.toml``, in
    a subprocess (the plan collects suites/ with pytest) and without any password set."""
    plans = [c for c in readme_commands() if c.startswith("ucconf plan")]
    assert len(plans) >= 2
    example = EMBEDDED_PROFILE.parent / "example.toml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("UCCONF_")}
    cli = [sys.executable, "-c", "from conformance.cli import main; raise SystemExit(main())"]
    for command in plans:
        args = shlex.split(command.split(">")[0])[2:]
        args = [str(example) if a.endswith(".toml") else a for a in args]
        done = subprocess.run(
            [*cli, "plan", *args],
            capture_output=True, text=True, env=env, timeout=300, check=False, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        if "--json" in args:
            sent = json.loads(done.stdout)["sent"]
            assert sent and set(sent.values()) <= {"read", "own"}
        else:
            assert "not sent: asnMgmtRestartServer is destructive" in done.stdout


@pytest.fixture(scope="module")
def stand_in() -> Iterator[ReferenceServer]:
    with ReferenceServer() as server:
        yield server


def test_certifying_a_real_server(
    stand_in: ReferenceServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's ``--target ... --profile ...`` lines, with the reference server as target.

    A line that selects no suites gets ``--module auth``: the whole run is already proven by
    the test above, this one proves the target and profile options.
    """
    runs = [c for c in readme_commands() if c.startswith("ucconf run --target")]
    assert len(runs) >= 3
    for command in runs:
        args = shlex.split(command)[2:]
        args = [stand_in.url if a.startswith(("https://", "...")) else a for a in args]
        args = [str(EMBEDDED_PROFILE) if a.endswith(".toml") else a for a in args]
        if "--module" not in args and "--" not in args:
            args += ["--module", "auth"]
        reports = tmp_path / str(len(list(tmp_path.iterdir())))
        code = main(_with_reports(args, reports))
        out = capsys.readouterr().out
        assert code == 0, f"{command}\n{out}"
        assert "verdict: CONFORMANT" in out


def _with_reports(args: list[str], reports: Path) -> list[str]:
    """Insert our options before a ``--`` that hands the rest to pytest."""
    ours = ["-n", "0", "--reports", str(reports)]
    if "--" in args:
        cut = args.index("--")
        return ["run", *args[:cut], *ours, *args[cut:]]
    return ["run", *args, *ours]


def test_known_failures_file_as_the_readme_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's known-failures example: a listed failure stays outside the verdict."""
    text = README.read_text(encoding="utf-8")
    (example,) = re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)
    known = tmp_path / "known-failures.toml"
    known.write_text(example, encoding="utf-8")
    test_id = re.search(r'test = "([^"]+)"', example)
    assert test_id is not None
    args = [
        "run", "--fault", "chat.default-page-10", "--module", "chat", "-n", "0",
        "--reports", str(tmp_path / "reports"), "--expect-failures", str(known),
    ]  # fmt: skip
    code = main(args)
    out = capsys.readouterr().out
    assert f"known failure still failing: {test_id[1]}" in out, out
    assert code == 0
