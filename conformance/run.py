"""``ucconf run``: certify a target, end to end.

1. Read the profile and, without ``--target``, start the embedded reference server once (all
   pytest workers then test that one server, like they would a real one).
2. Preflight: ask the target for its protocol version as the profile's first user
   (asnNegotiateServerConnection over /ws/direct). An unreachable target, a wrong UCSID or a
   profile user that cannot log in ends the run here with one line (exit 2).
3. Run the suites with pytest in a subprocess (xdist for parallelism), writing
   ``junit.xml`` and ``allure-results/`` into ``reports/<UTC timestamp>/``.
4. Summarise: ``summary.json``, ``summary.md``, Allure's environment and categories; print the
   per-module table and the verdict. Exit 0 conformant, 1 non-conformant, 2 anything else.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.catalog import default_catalog
from conformance.client import HttpClient, QueryCredentials, Target
from conformance.errors import ProfileError, SuiteError
from conformance.profile import EMBEDDED_PROFILE, Profile, load_profile
from conformance.report import (
    RunMetadata,
    Summary,
    Verdict,
    load_expected_failures,
    profile_hash,
    read_junit,
    render_table,
    summarise,
    write_allure_extras,
    write_summary,
)

SUITES = Path(__file__).resolve().parent.parent / "suites"
REPORTS = Path.cwd() / "reports"


class RunError(Exception):
    """The run could not take place (exit 2); the message is the one line to show."""


@dataclass(frozen=True)
class RunOptions:
    target: str | None = None
    profile: Path | None = None
    ucsid: str | None = None
    modules: tuple[str, ...] = ()
    suites: tuple[str, ...] = ()
    workers: str = "auto"
    timeout_factor: float = 1.0
    strict_schemas: bool = False
    faults: tuple[str, ...] = ()
    variations: tuple[str, ...] = ()
    latency: float = 0.0
    """Seconds the embedded server holds every request and every frame it sends."""
    reports: Path = field(default_factory=lambda: REPORTS)
    expect_failures: Path | None = None
    pytest_args: tuple[str, ...] = ()
    allow_destructive: bool = False


@dataclass(frozen=True)
class RunResult:
    folder: Path
    summary: Summary
    left_behind: str | None = None
    """Embedded runs: how the server's state after the suites differs from before ("": not at
    all; also written to ``left-behind.txt``). None with ``--target``."""

    @property
    def exit_code(self) -> int:
        if self.summary.unexpected_passes:  # the known-failures file has drifted
            return 1
        return {Verdict.CONFORMANT: 0, Verdict.NON_CONFORMANT: 1}.get(self.summary.verdict, 2)


def run(options: RunOptions) -> RunResult:
    if options.target and (options.faults or options.variations or options.latency):
        raise RunError(
            "--fault, --variation and --latency apply to the embedded reference server, not to "
            "--target"
        )
    if options.target and not options.profile:
        raise RunError("--target needs --profile FILE (the users and lines of that server)")
    profile_path = options.profile or EMBEDDED_PROFILE
    try:
        profile = load_profile(profile_path)
    except ProfileError as error:
        raise RunError(str(error)) from None
    paths = suite_paths(options)
    try:
        expected = (
            load_expected_failures(options.expect_failures) if options.expect_failures else {}
        )
    except ValueError as error:
        raise RunError(str(error)) from None
    started = _now()
    with _target(options, profile) as (url, server):
        ucsid = options.ucsid or profile.target.ucsid
        protocol = preflight(url, ucsid, profile, options.timeout_factor)
        folder = _new_folder(options.reports)
        command = _pytest_command(options, url, profile_path, ucsid, paths, folder)
        before = server.snapshot() if server is not None else None
        completed = subprocess.run(command, check=False)
        left_behind = _left_behind(server, before, folder)
    if completed.returncode == 5:
        raise RunError(f"no tests were collected from {', '.join(paths)}")
    if completed.returncode not in (0, 1) or not (folder / "junit.xml").exists():
        raise RunError(
            f"pytest stopped with exit code {completed.returncode} before reporting "
            f"(see the output above); the report folder is {folder}"
        )
    catalog = default_catalog()
    metadata = RunMetadata(
        suite_version=__version__,
        catalog_sha256=catalog.sha256,
        profile_sha256=profile_hash(profile),
        target=options.target or "embedded reference server",
        ucsid=ucsid,
        started=started,
        finished=_now(),
        command=" ".join(["ucconf", "run", *_shown_options(options)]),
    )
    summary = summarise(read_junit(folder / "junit.xml"), catalog, metadata, expected)
    write_summary(folder, summary)
    write_allure_extras(folder / "allure-results", metadata, protocol)
    return RunResult(folder, summary, left_behind)


def _left_behind(server: Any, before: dict[str, Any] | None, folder: Path) -> str | None:
    """The difference of the embedded server's state after the run from before it."""
    if server is None or before is None:
        return None
    from conformance.reference.snapshot import difference

    found = difference(before, server.snapshot())
    (folder / "left-behind.txt").write_text(found + "\n" if found else "", encoding="utf-8")
    return found


def report_lines(result: RunResult) -> list[str]:
    cov = result.summary.coverage
    return [
        "",
        render_table(result.summary),
        "",
        f"operations exercised {cov['operations']['exercised']}/{cov['operations']['total']}, "
        f"events seen {cov['events']['seen']}/{cov['events']['total']}, "
        f"schema validations {cov['validations']}",
        *(
            ["sweep: " + ", ".join(f"{n} {v}" for v, n in result.summary.sweep.items())]
            if result.summary.sweep
            else []
        ),
        *(
            f"known failure still failing: {f['test']} ({f['reason']})"
            for f in result.summary.expected_failures
        ),
        *(
            f"KNOWN FAILURE NOW PASSES (update the file): {f['test']}"
            for f in result.summary.unexpected_passes
        ),
        *(
            [f"the run left state behind on the embedded server (a suite bug):\n{left}"]
            if (left := result.left_behind)
            else []
        ),
        f"report: {result.folder}",
        f"verdict: {result.summary.verdict.value.upper()}",
    ]


def preflight(url: str, ucsid: str, profile: Profile, timeout_factor: float) -> str | None:
    """The target's protocol version; RunError when it cannot be reached or logged into."""
    users = profile.enabled_users()
    if not users:
        raise RunError(f"{profile.path}: the profile has no enabled user to log in with")
    user = users[0]
    client = HttpClient(
        Target(url, ucsid, timeout=10.0, timeout_factor=timeout_factor), secrets=profile.secrets()
    )
    try:
        outcome = client.direct(
            "asnNegotiateServerConnection",
            {"iClientProtocolVersion": profile.client.protocol_version},
            auth=QueryCredentials(user.name, user.password),
        )
    except SuiteError as error:
        raise RunError(f"target {url} cannot be reached: {error}") from None
    except AssertionError as error:
        raise RunError(f"target {url} did not answer the preflight properly: {error}") from None
    if outcome.ok:
        version = outcome.expect_result().get("iServerProtocolVersion")
        return None if version is None else str(version)
    if outcome.kind.value == "ws-error":
        raise RunError(f"target {url} does not serve UCSID {ucsid!r}: {outcome.describe()}")
    if outcome.not_implemented:
        return None  # the target may not offer negotiation; the suites will tell
    raise RunError(
        f"profile user {user.alias!r} ({user.name}) cannot log in to {url}: {outcome.describe()}"
    )


@contextlib.contextmanager
def _target(options: RunOptions, profile: Profile) -> Iterator[tuple[str, Any]]:
    """(URL, the embedded ReferenceServer or None)."""
    if options.target:
        yield options.target.rstrip("/"), None
        return
    from conformance.reference import ReferenceServer  # only the embedded run needs aiohttp

    try:
        server = ReferenceServer(
            profile,
            faults=options.faults,
            variations=options.variations,
            latency=options.latency,
        )
    except ValueError as error:
        raise RunError(str(error)) from None
    with server:
        yield server.url, server


def suite_paths(options: RunOptions) -> list[str]:
    paths = [str(SUITES / module) for module in options.modules] + list(options.suites)
    for path in paths:
        if not Path(path).exists():
            known = sorted(p.name for p in SUITES.iterdir() if p.is_dir())
            raise RunError(f"no suite {path} (modules: {', '.join(known)})")
    return paths or [str(SUITES)]


def _pytest_command(
    options: RunOptions,
    url: str,
    profile_path: Path,
    ucsid: str,
    paths: Sequence[str],
    folder: Path,
) -> list[str]:
    command = [
        sys.executable, "-m", "pytest", *paths,
        "-p", "no:cacheprovider",
        "-o", "junit_family=xunit1",
        f"--junitxml={folder / 'junit.xml'}",
        f"--alluredir={folder / 'allure-results'}",
        f"--target={url}",
        f"--profile={profile_path}",
        f"--ucsid={ucsid}",
        f"--timeout-factor={options.timeout_factor}",
        "-q",
    ]  # fmt: skip
    if options.workers not in ("0", ""):
        command += ["-n", options.workers]
    if options.strict_schemas:
        command.append("--strict-schemas")
    if options.allow_destructive:
        command.append("--allow-destructive")
    if not options.target:  # the reference server started above: everything may be sent
        command.append("--embedded-reference")
    return [*command, *options.pytest_args]


def _shown_options(options: RunOptions) -> list[str]:
    shown: list[str] = []
    for name in ("target", "profile", "ucsid"):
        value: Any = getattr(options, name)
        if value:
            shown += [f"--{name}", str(value)]
    for module in options.modules:
        shown += ["--module", module]
    if options.allow_destructive:
        shown.append("--allow-destructive")
    return shown


def _new_folder(reports: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = reports / stamp
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = reports / f"{stamp}-{suffix}"
    folder.mkdir(parents=True)
    return folder


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
