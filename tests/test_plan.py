"""``ucconf plan``: what a run would send, without the network (conformance/plan.py).

Run as a subprocess: the plan collects suites/ with pytest, which must not share this
session's imported conftest modules.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conformance.profile import EMBEDDED_PROFILE

EXAMPLE = EMBEDDED_PROFILE.parent / "example.toml"
EVERYTHING = 'allow = ["read", "own", "shared", "destructive"]\n'


def plan(*args: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UCCONF_")}  # no passwords
    code = "from conformance.cli import main; raise SystemExit(main())"
    done = subprocess.run(
        [sys.executable, "-c", code, "plan", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def plan_json(*args: str) -> dict[str, Any]:
    code, out, err = plan(*args, "--json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def test_the_example_profile_sends_nothing_shared_or_destructive() -> None:
    data = plan_json("--profile", str(EXAMPLE))
    assert data["target"] == "https://ucserver.example.com:7225"
    assert data["allowed"] == ["read", "own"]
    assert set(data["sent"].values()) <= {"read", "own"}
    skipped = [t for t in data["tests"] if not t["runs"]]
    restart = next(t for t in skipped if t["test"].endswith("[asnMgmtRestartServer]"))
    assert restart["skip_reason"] == (
        "not sent: asnMgmtRestartServer is destructive; allow it with "
        '[safety] allow = [..., "destructive"] and --allow-destructive'
    )
    assert data["counts"]["run"] + data["counts"]["skipped"] == data["counts"]["tests"]


def test_everything_allowed_sends_all_391_operations(tmp_path: Path) -> None:
    profile = tmp_path / "all.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    assert 'allow = ["read", "own"]\n' in text
    profile.write_text(text.replace('allow = ["read", "own"]\n', EVERYTHING), encoding="utf-8")
    without_flag = plan_json("--profile", str(profile))
    assert "destructive" not in set(without_flag["sent"].values())
    data = plan_json("--profile", str(profile), "--allow-destructive")
    assert data["counts"]["operations_sent"] == 391
    assert set(data["sent"].values()) == {"read", "own", "shared", "destructive"}


def test_text_plan_names_runs_and_skips() -> None:
    code, out, _ = plan("--profile", str(EXAMPLE), "--module", "cti")
    assert code == 0
    assert "run   suites/cti/test_lines.py::" in out
    assert "skip  suites/cti/test_calls.py::" in out
    assert "is shared; allow it with [safety] allow" in out
    assert out.rstrip().splitlines()[-1].startswith("operations sent: ")


def test_a_bad_profile_is_one_line(tmp_path: Path) -> None:
    code, out, err = plan("--profile", str(tmp_path / "missing.toml"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "no such file" in err
    code, _, err = plan("--target", "https://ucserver.example.com:7225")
    assert code == 2 and "--target needs --profile" in err
