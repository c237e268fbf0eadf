"""``ucconf plan``: what a run would send, before it sends anything (issue 12, part 3).

Collects the suites with pytest (``--collect-only``: no server is started, nothing touches the
network, no password is needed) under the same plugin and safety gate as ``ucconf run``, and
reports per test whether it would run, the catalogue operations it declares with their effect
classes, and why it would be skipped. A plan is for a target when ``--target`` is given or the
profile is not the embedded one (then the profile's ``[target] url``); otherwise it is the
embedded reference server's, where every class is allowed.
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conformance.catalog import default_catalog
from conformance.errors import ProfileError
from conformance.plugin import SETTINGS, declared_operations
from conformance.profile import EFFECT_CLASSES, EMBEDDED_PROFILE, load_profile
from conformance.run import SUITES, RunError, RunOptions, suite_paths

__all__ = ["Plan", "PlannedTest", "make_plan", "render_plan"]


@dataclass(frozen=True)
class PlannedTest:
    test: str
    runs: bool
    sends: dict[str, str]
    """Operation -> effect class, as the test declares them."""
    skip_reason: str | None = None


@dataclass
class Plan:
    target: str
    allowed: list[str]
    tests: list[PlannedTest] = field(default_factory=list)

    @property
    def sent(self) -> dict[str, str]:
        """Every catalogue operation some running test sends, with its class."""
        found: dict[str, str] = {}
        for test in self.tests:
            if test.runs:
                found.update(test.sends)
        return dict(sorted(found.items()))

    def to_json(self) -> dict[str, Any]:
        sent = self.sent
        operations = {op.name for op in default_catalog().operations(kind="operation")}
        by_effect: dict[str, int] = {}
        for effect in sent.values():
            by_effect[effect] = by_effect.get(effect, 0) + 1
        return {
            "target": self.target,
            "allowed": self.allowed,
            "counts": {
                "tests": len(self.tests),
                "run": sum(t.runs for t in self.tests),
                "skipped": sum(not t.runs for t in self.tests),
                "operations_sent": len(sent.keys() & operations),
                "operations_total": len(operations),
                "sent_by_effect": dict(sorted(by_effect.items())),
            },
            "sent": sent,
            "tests": [asdict(t) for t in self.tests],
        }


class _Collector:
    """A pytest plugin keeping the collected items after the gate has marked them."""

    def __init__(self) -> None:
        self.items: list[pytest.Item] = []
        self.allowed: list[str] = []

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        self.items = list(items)
        gate = config.stash[SETTINGS].gate
        self.allowed = [c for c in EFFECT_CLASSES if c in gate.allowed]


def make_plan(
    *,
    target: str | None = None,
    profile: Path | None = None,
    modules: tuple[str, ...] = (),
    allow_destructive: bool = False,
) -> Plan:
    """The plan of a run with these options; :class:`RunError` when it cannot be made."""
    if target and not profile:
        raise RunError("--target needs --profile FILE (the users and lines of that server)")
    profile_path = profile or EMBEDDED_PROFILE
    try:
        loaded = load_profile(profile_path, passwords=False)
    except ProfileError as error:
        raise RunError(str(error)) from None
    if target is None and profile is not None and profile.resolve() != EMBEDDED_PROFILE.resolve():
        target = loaded.target.url
    paths = suite_paths(RunOptions(modules=modules))
    args = [*paths, "--collect-only", "-p", "no:cacheprovider", "--without-passwords"]
    # This process imported conformance already, so pytest cannot rewrite its asserts: fine
    # for a collection, and no reason to stop it.
    args += ["-W", "ignore::pytest.PytestAssertRewriteWarning", f"--rootdir={SUITES.parent}"]
    args.append(f"--profile={profile_path}")
    if target:
        args.append(f"--target={target}")
    if allow_destructive:
        args.append("--allow-destructive")
    collector = _Collector()
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        code = pytest.main(args, plugins=[collector])
    if code != 0:
        last = [line for line in output.getvalue().splitlines() if line.strip()][-1:]
        raise RunError(f"collecting the suites failed: {' '.join(last) or f'exit {code}'}")
    catalog = default_catalog()
    plan = Plan(target=target or "embedded reference server", allowed=collector.allowed)
    for item in collector.items:
        declared = declared_operations(item) or []
        reasons = [
            str(m.kwargs.get("reason") or (m.args[0] if m.args else "skipped"))
            for m in item.iter_markers("skip")
        ]
        reason = "; ".join(reasons) if reasons else None
        plan.tests.append(
            PlannedTest(
                test=item.nodeid,
                runs=reason is None,
                sends={name: catalog.operation(name).effect for name in declared},
                skip_reason=reason,
            )
        )
    return plan


def render_plan(plan: Plan) -> str:
    """The plan as text: one line per test, then what is sent by class."""
    lines = [f"plan for {plan.target}; allowed classes: {', '.join(plan.allowed)}", ""]
    for test in plan.tests:
        if test.runs:
            sends = ", ".join(f"{op} ({effect})" for op, effect in test.sends.items())
            lines.append(f"run   {test.test}: {sends or 'route-level calls only'}")
        else:
            lines.append(f"skip  {test.test}: {test.skip_reason}")
    data = plan.to_json()
    counts = data["counts"]
    by_effect = ", ".join(f"{n} {e}" for e, n in counts["sent_by_effect"].items()) or "none"
    lines += [
        "",
        f"tests: {counts['run']} run, {counts['skipped']} skipped, of {counts['tests']}",
        f"operations sent: {counts['operations_sent']} of {counts['operations_total']} "
        f"({by_effect})",
    ]
    return "\n".join(lines)


def plan_json(plan: Plan) -> str:
    return json.dumps(plan.to_json(), indent=2, sort_keys=False)
