"""The pytest plugin of the conformance suites: options, target set-up, fixtures and markers.

Loaded through the ``pytest11`` entry point, so ``pytest suites/`` needs nothing else. Without
``--target`` the embedded reference server is started once per run (once per xdist worker) on
a free loopback port and ``profiles/embedded.toml`` describes it; with ``--target URL
--profile FILE`` the same tests run against a real UCServer.

Outcomes (design.md): a test that raised an ``AssertionError`` (a conformance violation) has
*failed*; one whose operation the target rejected as unrecognisedOperation is *not
implemented* (reported as a skip with that reason); one skipped for a capability the profile
lacks is *skipped*; anything else that went wrong is an *error* (the suite, the profile or the
network broke). Each report carries the class as the user property ``conformance_outcome``.

Configuration is read once in ``pytest_configure`` into a frozen :class:`Settings` kept in
``config.stash``; a bad option or profile stops the run with one line, never a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import operator
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import pytest
import requests

from conformance.catalog import default_catalog
from conformance.client import AccountLocked, Basic, HttpClient, Session, Target
from conformance.client.auth import Auth
from conformance.client.checks import Checks
from conformance.client.exceptions import OperationNotImplemented
from conformance.client.http import connection_pool
from conformance.errors import ConformanceViolation, ProfileError, SchemaViolation, SuiteError
from conformance.gate import Gate
from conformance.lockout import LoginBudget
from conformance.outcomes import ERROR, FAILED, NOT_IMPLEMENTED, OUTCOME_PROPERTY, PASSED, SKIPPED
from conformance.profile import (
    DIALECTS,
    EMBEDDED_PROFILE,
    ClientSettings,
    Profile,
    load_profile,
)

__all__ = [
    "SessionFactory",
    "Settings",
    "WorkerSessions",
    "add_transcripts",
    "close_sessions",
    "in_parallel",
    "requirement_unmet",
    "upcoming_items",
]


MARKERS = (
    "module(name): the protocol module a test belongs to (e.g. 'ChatV2')",
    "spec(section, line=None): the document section (and line) the test checks",
    "requires(expression): skip unless the profile offers it, e.g. "
    "'cti.lines>=2', 'users.disabled>=1', 'capability:agent.ttl_above_max'",
    "sends(*operations): the catalogue operations the test and its fixtures send; the run's "
    "safety gate skips the test unless it allows every one's effect class",
)


@dataclass(frozen=True)
class Settings:
    """The run's configuration, validated once."""

    profile: Profile
    target_url: str | None
    """None: start the embedded reference server."""
    ucsid: str
    timeout_factor: float
    strict_schemas: bool
    faults: tuple[str, ...]
    fuzz: int = 0
    """Property-based arguments the sweep sends per operation, beyond the minimal one."""
    variations: tuple[str, ...] = ()
    """Variations of the embedded reference server (behaviours the document allows)."""
    allow_destructive: bool = False
    """``--allow-destructive``: the profile's "destructive" class counts (targets only)."""
    embedded_reference: bool = False
    """``--embedded-reference``: the ``--target`` is ``ucconf run``'s own reference server."""

    @functools.cached_property
    def gate(self) -> Gate:
        return Gate.for_run(
            self.profile,
            embedded=self.embedded or self.embedded_reference,
            allow_destructive=self.allow_destructive,
        )

    @property
    def embedded(self) -> bool:
        return self.target_url is None


T = TypeVar("T")
R = TypeVar("R")

SETTINGS = pytest.StashKey[Settings]()
# What a test exchanged with the target, rendered on demand for its report (name, render).
TRANSCRIPTS = pytest.StashKey[list[tuple[str, Callable[[], str]]]]()
# The test's HTTP clients (their coverage: operations sent, events received, validations).
CLIENTS = pytest.StashKey[list[HttpClient]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ucserver-conformance", "UCServer conformance suite")
    group.addoption(
        "--target",
        metavar="URL",
        help="base URL of the server under test (default: the embedded reference server)",
    )
    group.addoption(
        "--profile",
        metavar="FILE",
        help="target profile, TOML (default: profiles/embedded.toml)",
    )
    group.addoption("--ucsid", help="the UCSID to address (default: the profile's)")
    group.addoption(
        "--timeout-factor",
        type=float,
        default=1.0,
        metavar="F",
        help="scale every wait by F for slow targets (default: 1)",
    )
    group.addoption(
        "--strict-schemas",
        action="store_true",
        help="report members the document does not define as violations",
    )
    group.addoption(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="embedded target only: switch on a named fault of the reference server",
    )
    group.addoption(
        "--variation",
        action="append",
        default=[],
        metavar="NAME",
        help="embedded target only: switch on a named variation of the reference server",
    )
    group.addoption(
        "--allow-destructive",
        action="store_true",
        help="with --target: also send destructive operations, if the profile's [safety] "
        "allow lists them",
    )
    group.addoption(
        "--embedded-reference",
        action="store_true",
        help="the --target is the reference server ucconf run started: every effect class "
        "may be sent",
    )
    group.addoption(
        "--without-passwords",
        action="store_true",
        help="with --collect-only (ucconf plan): read the profile without its passwords",
    )
    group.addoption(
        "--dialect",
        choices=DIALECTS,
        help="how the client writes (default: the profile's [client] dialect, else plain)",
    )
    group.addoption(
        "--fuzz",
        type=int,
        default=0,
        metavar="N",
        help="the sweep also sends N property-based arguments per operation (default: 0)",
    )


def pytest_configure(config: pytest.Config) -> None:
    for text in MARKERS:
        config.addinivalue_line("markers", text)
    settings = _settings(config)
    config.stash[SETTINGS] = settings
    # Every client of this process, the session-scoped ones of the suites included.
    config.stash[_PREVIOUS_GUARD] = Checks.run_guard
    Checks.run_guard = functools.partial(settings.gate.check, declared=None)


_PREVIOUS_GUARD = pytest.StashKey[Any]()


def pytest_unconfigure(config: pytest.Config) -> None:
    # An in-process run (pytester) hands the guard back to the run around it.
    Checks.run_guard = config.stash.get(_PREVIOUS_GUARD, None)


def _settings(config: pytest.Config) -> Settings:
    target = config.getoption("target")
    profile_path = config.getoption("profile")
    faults = tuple(config.getoption("fault"))
    variations = tuple(config.getoption("variation"))
    factor = config.getoption("timeout_factor")
    if target and faults:
        raise pytest.UsageError("--fault applies to the embedded reference server, not --target")
    if target and variations:
        raise pytest.UsageError(
            "--variation applies to the embedded reference server, not --target"
        )
    if target and not profile_path:
        raise pytest.UsageError("--target needs --profile FILE (users and lines of that server)")
    if not factor > 0:
        raise pytest.UsageError(f"--timeout-factor must be positive, got {factor}")
    fuzz = config.getoption("fuzz")
    if fuzz < 0:
        raise pytest.UsageError(f"--fuzz must be 0 or more, got {fuzz}")
    without_passwords = bool(config.getoption("without_passwords"))
    if without_passwords and not config.getoption("collectonly"):
        raise pytest.UsageError("--without-passwords only goes with --collect-only")
    try:
        profile = load_profile(
            Path(profile_path) if profile_path else EMBEDDED_PROFILE,
            passwords=not without_passwords,
        )
    except ProfileError as error:
        raise pytest.UsageError(str(error)) from None
    dialect = config.getoption("dialect")
    if dialect:
        profile = dataclasses.replace(profile, client=ClientSettings(dialect=dialect))
    if faults:
        from conformance.reference.faults import FAULTS  # only fault runs need the server

        unknown = sorted(set(faults) - set(FAULTS))
        if unknown:
            raise pytest.UsageError(f"unknown fault(s) {unknown}; known: {sorted(FAULTS)}")
    if variations:
        from conformance.reference.variations import VARIATIONS

        unknown = sorted(set(variations) - set(VARIATIONS))
        if unknown:
            raise pytest.UsageError(f"unknown variation(s) {unknown}; known: {sorted(VARIATIONS)}")
        profile = _without(profile, {cap for v in variations for cap in VARIATIONS[v].removes})
    return Settings(
        profile=profile,
        target_url=target.rstrip("/") if target else None,
        ucsid=config.getoption("ucsid") or profile.target.ucsid,
        timeout_factor=factor,
        strict_schemas=bool(config.getoption("strict_schemas")),
        faults=faults,
        fuzz=fuzz,
        variations=variations,
        allow_destructive=bool(config.getoption("allow_destructive")),
        embedded_reference=bool(config.getoption("embedded_reference")),
    )


def _without(profile: Profile, capabilities: set[str]) -> Profile:
    """``profile`` less the capabilities a variation takes away (a test needing one skips)."""
    if not capabilities:
        return profile
    kept = {k: v for k, v in profile.capabilities.items() if k not in capabilities}
    return replace(profile, capabilities=MappingProxyType(kept))


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def conformance_settings(pytestconfig: pytest.Config) -> Settings:
    return pytestconfig.stash[SETTINGS]


@pytest.fixture(scope="session")
def profile(conformance_settings: Settings) -> Profile:
    """The target profile: users, lines, agent groups and capabilities."""
    return conformance_settings.profile


@pytest.fixture(scope="session")
def reference_server(conformance_settings: Settings) -> Iterator[Any]:
    """The embedded reference server, or None when the run has a ``--target``."""
    if not conformance_settings.embedded:
        yield None
        return
    from conformance.reference import ReferenceServer  # only the embedded run needs aiohttp

    with ReferenceServer(
        conformance_settings.profile,
        faults=conformance_settings.faults,
        variations=conformance_settings.variations,
    ) as server:
        yield server


@pytest.fixture(scope="session")
def target(conformance_settings: Settings, reference_server: Any) -> Target:
    """Where the suite sends its requests."""
    settings = conformance_settings
    base = Target.from_profile(settings.profile.target, timeout_factor=settings.timeout_factor)
    url = reference_server.url if reference_server is not None else settings.target_url
    assert url is not None  # Settings: no --target means the embedded server
    return Target(
        url=url,
        ucsid=settings.ucsid,
        verify=False if reference_server is not None else base.verify,
        timeout=base.timeout,
        timeout_factor=settings.timeout_factor,
    )


SETTLE_SECONDS = 2.0
"""How long (before scaling) a read may take to show a change the document gives no event for."""

Eventually = Callable[[Callable[[], T], Callable[[T], bool], str], T]


@pytest.fixture
def eventually(target: Target) -> Eventually[Any]:
    """``eventually(read, until, what)``: ``read()`` again until ``until(value)`` holds, for at
    most :data:`SETTLE_SECONDS` (scaled); the first read that satisfies it returns at once, so
    a server that shows a change immediately costs no waiting. ``what`` names the expectation."""

    def wait(read: Callable[[], T], until: Callable[[T], bool], what: str) -> T:
        limit = target.scale(SETTLE_SECONDS)
        deadline = time.monotonic() + limit
        pause = 0.02
        while True:
            value = read()
            if until(value):
                return value
            if time.monotonic() >= deadline:
                seen = repr(value)
                seen = seen if len(seen) <= 300 else seen[:297] + "..."
                raise ConformanceViolation(f"{what}: still not after {limit:g} s; last read {seen}")
            time.sleep(pause)
            pause = min(pause * 2, 0.25)

    return wait


@pytest.fixture(scope="session")
def _connections() -> Iterator[requests.Session]:
    """HTTP connections kept alive for every test of this process: a test's requests do not
    each open a connection (a TCP and a TLS handshake, round trips to a distant server)."""
    with connection_pool() as pool:
        yield pool


def _new_client(target: Target, settings: Settings, connections: requests.Session) -> HttpClient:
    profile = settings.profile
    return HttpClient(
        target,
        connections=connections,
        secrets=profile.secrets(),
        strict=settings.strict_schemas,
        protocol_version=profile.client.protocol_version,
        dialect=profile.client.dialect,
        operation_ids=profile.operation_ids,
    )


@pytest.fixture
def direct(
    target: Target,
    conformance_settings: Settings,
    _connections: requests.Session,
    request: pytest.FixtureRequest,
) -> Iterator[HttpClient]:
    """An HTTP client for ``/ws/direct``, ``/ws/client`` and ``/ws/public`` of the target;
    sessions it created and nobody logged off are logged off when the test ends."""
    client = _new_client(target, conformance_settings, _connections)
    _transcripts(request).append(("http transcript", client.transcript.render))
    node: pytest.Item = request.node
    declared = declared_operations(node)
    if declared is not None:
        client.checks.guard = functools.partial(
            conformance_settings.gate.check, declared=frozenset(declared)
        )
    node.stash.setdefault(CLIENTS, []).append(client)
    try:
        yield client
    finally:
        client.logoff_all()


@pytest.fixture
def failed_logins(direct: HttpClient, profile: Profile) -> LoginBudget:
    """``with failed_logins.wrong_login(user): ...`` around every login meant to fail: never
    more than ``[safety] max_failed_logins`` in a row per account (skips when that is 0)."""
    limit = profile.safety.max_failed_logins
    if limit < 1:
        pytest.skip("the profile's [safety] max_failed_logins is 0: no wrong logins are sent")
    return LoginBudget(direct, limit)


class SessionFactory:
    """Opens sessions as profile users; every session is closed when the test ends."""

    def __init__(
        self,
        client: HttpClient,
        profile: Profile,
        transcripts: list[tuple[str, Callable[[], str]]] | None = None,
    ) -> None:
        self.client = client
        self.profile = profile
        self.sessions: list[Session] = []
        self._transcripts = transcripts if transcripts is not None else []
        self._lock = threading.Lock()

    def __call__(self, alias: str = "alice", *, auth: Auth | None = None, **kwargs: Any) -> Session:
        who = alias if auth is None else type(auth).__name__
        if auth is None:
            user = self.profile.user(alias)
            auth = Basic(user.name, user.password)
        session = Session.open(self.client, auth, **kwargs)
        with self._lock:  # sessions may be opened from several threads (in_parallel)
            self.sessions.append(session)
            label = f"session {len(self.sessions)} ({who})"
            self._transcripts.append((f"{label} transcript", session.transcript.render))
        return session

    def close_all(self) -> None:
        """Close every session, then raise the first fault a reader found that no wait
        reported (an invalid event after the test's last wait must not vanish)."""
        close_sessions(self.sessions)
        for session in self.sessions:
            session.raise_fault()


def in_parallel(work: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[work(item) for item in items]``, each in a thread of its own, so that set-up steps
    that do not depend on each other (opening the sessions of several users) cost one round
    trip to the server, not one each; the first exception is raised after all have ended."""
    if len(items) < 2:
        return [work(item) for item in items]
    with ThreadPoolExecutor(len(items), thread_name_prefix="ucparallel") as pool:
        futures = [pool.submit(work, item) for item in items]
    return [future.result() for future in futures]


def close_sessions(sessions: list[Session]) -> None:
    """Close ``sessions`` at once: every logoff is sent before any is waited for, so closing
    n sessions costs one round trip to the server, not n."""
    in_parallel(Session.close, sessions)


@pytest.fixture
def session_factory(
    direct: HttpClient, conformance_settings: Settings, request: pytest.FixtureRequest
) -> Iterator[SessionFactory]:
    """``session_factory("bob")`` opens a session as the profile user ``bob``."""
    factory = SessionFactory(direct, conformance_settings.profile, _transcripts(request))
    try:
        yield factory
    finally:
        factory.close_all()


def _transcripts(request: pytest.FixtureRequest) -> list[tuple[str, Callable[[], str]]]:
    return add_transcripts(request.node)


def add_transcripts(item: pytest.Item) -> list[tuple[str, Callable[[], str]]]:
    """The (name, render) list of what the test exchanged, shown in its report: append to it
    the transcript of a shared session's exchanges made on the test's behalf."""
    return item.stash.setdefault(TRANSCRIPTS, [])


class WorkerSessions:
    """Logged-in sessions this process (an xdist worker, or the whole run) keeps open for
    many tests, one per profile user: set-up is paid once, not per test. Reopened when the
    server ended one; logged off when the run ends.

    Only for what leaves the session as it found it (reads, pipelined sweep invokes): a test
    that changes a session's state needs a session of its own (``session_factory``). Nothing
    here guards what is sent: a test sending on a shared session checks with its own client
    (``Session.send_invoke(checks=direct.checks)``), so the gate and its declaration hold.
    """

    def __init__(self, client: HttpClient, profile: Profile) -> None:
        self.client = client
        self.profile = profile
        self._open: dict[str, Session] = {}

    def __call__(self, alias: str, **kwargs: Any) -> Session:
        """The shared session of ``alias`` (``Session.open`` keyword arguments apply when it
        is opened)."""
        session = self._open.get(alias)
        if session is None or session.closed or session.dispatcher.closed:
            if session is not None:
                session.close()  # ended by the server: release its socket and thread
            user = self.profile.user(alias)
            session = Session.open(self.client, Basic(user.name, user.password), **kwargs)
            self._open[alias] = session
        return session

    def close_all(self) -> None:
        """Log every session off (all at once: one round trip, not one per session)."""
        close_sessions(list(self._open.values()))
        self.client.logoff_all()


@pytest.fixture(scope="session")
def worker_sessions(
    target: Target, conformance_settings: Settings, _connections: requests.Session
) -> Iterator[WorkerSessions]:
    """``worker_sessions("alice")``: alice's session shared by the tests of this process."""
    client = _new_client(target, conformance_settings, _connections)
    sessions = WorkerSessions(client, conformance_settings.profile)
    try:
        yield sessions
    finally:
        sessions.close_all()


def upcoming_items(item: pytest.Item) -> list[pytest.Item]:
    """The tests this process will run after ``item``, in order, as far as it knows them: the
    rest of the collection in one process; under xdist, the worker's queue (the controller
    hands tests out in chunks, so it may hold only some of what the worker will run)."""
    session = item.session
    queue = _xdist_queue(session.config)
    if queue is None:
        positions = session.stash.get(_POSITIONS, None)
        if positions is None or len(positions) != len(session.items):
            positions = {id(found): n for n, found in enumerate(session.items)}
            session.stash[_POSITIONS] = positions
        return session.items[positions[id(item)] + 1 :]
    with queue.torun.lock() as waiting:
        indices = [queue.nextitem_index, *waiting]
    return [session.items[i] for i in indices if isinstance(i, int)]


_POSITIONS = pytest.StashKey[dict[int, int]]()


def _xdist_queue(config: pytest.Config) -> Any:
    """xdist's worker loop (its ``torun`` queue), or None outside an xdist worker."""
    if not hasattr(config, "workerinput"):
        return None
    for plugin in config.pluginmanager.get_plugins():
        if type(plugin).__name__ == "WorkerInteractor" and hasattr(plugin, "torun"):
            return plugin
    return None


# --- markers -------------------------------------------------------------------------------

_COMPARISON = re.compile(r"\s*([a-z_.:]+)\s*(?:(>=|<=|==|>|<)\s*(\d+))?\s*")
_OPERATORS: dict[str, Callable[[int, int], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
}


def requirement_unmet(expression: str, profile: Profile) -> str | None:
    """Why the profile does not satisfy ``expression``, or None when it does.

    ``cti.lines>=2``, ``agent.groups>=1``, ``users>=3`` (enabled users), ``users.disabled>=1``,
    ``administrator`` (the profile has an ``[administrator]`` account),
    ``capability:NAME`` (set and truthy) or ``capability:NAME>=N``.
    """
    match = _COMPARISON.fullmatch(expression)
    if match is None:
        raise SuiteError(f"requires({expression!r}): not a requirement expression")
    name, op, number = match.groups()
    value: Any
    if name.startswith("capability:"):
        value = profile.capability(name.removeprefix("capability:"))
        if op is None:
            return None if value else f"the profile does not offer {name}"
    else:
        counts = {
            "cti.lines": len(profile.cti.lines),
            "agent.groups": len(profile.agent.groups),
            "users": len(profile.enabled_users()),
            "users.disabled": sum(1 for u in profile.users.values() if u.disabled),
            "administrator": int(profile.administrator is not None),
        }
        if name not in counts:
            raise SuiteError(f"requires({expression!r}): unknown name {name!r}")
        value = counts[name]
        if op is None:
            op, number = ">=", "1"
    if isinstance(value, bool) or not isinstance(value, int):
        return f"the profile's {name} is {value!r}, not a number to compare"
    if not _OPERATORS[op](value, int(number)):
        return f"the profile lacks {name}{op}{number} (it has {value!r})"
    return None


def declared_operations(item: pytest.Item) -> list[str] | None:
    """The operations ``@pytest.mark.sends`` declares for the test; None without a marker."""
    markers = list(item.iter_markers("sends"))
    if not markers:
        return None
    return sorted({str(name) for marker in markers for name in marker.args})


GATED = pytest.StashKey[str]()
"""Why the safety gate keeps a test from running."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    settings = config.stash[SETTINGS]
    profile = settings.profile
    catalog = default_catalog()
    for item in items:
        if "target" in getattr(item, "fixturenames", ()):
            try:
                reason = settings.gate.skip_reason(declared_operations(item), catalog)
            except KeyError as error:
                raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.sends: {error}") from None
            if reason is not None:
                item.stash[GATED] = reason
                item.add_marker(pytest.mark.skip(reason=reason))
        for marker in item.iter_markers("requires"):
            for expression in marker.args:
                reason = requirement_unmet(expression, profile)
                if reason is not None:
                    item.add_marker(pytest.mark.skip(reason=reason))
        _label_for_allure(item)


def _label_for_allure(item: pytest.Item) -> None:
    """Allure's tree: epic = module, feature = operation (from the section), story = test."""
    module = item.get_closest_marker("module")
    if module is None or not module.args:
        return
    item.add_marker(pytest.mark.allure_label(str(module.args[0]), label_type="epic"))
    sections = {str(m.args[0]): m.kwargs.get("line") for m in item.iter_markers("spec") if m.args}
    features = sorted({_operation_of_section().get(s, s) for s in sections})
    if features:
        item.add_marker(pytest.mark.allure_label(*features, label_type="feature"))
    item.add_marker(pytest.mark.allure_label(item.name.split("[")[0], label_type="story"))
    # Every conformance rule is "critical" to a certification; the sweep's breadth is "normal".
    severity = "normal" if "/sweep/" in f"/{item.nodeid}" else "critical"
    item.add_marker(pytest.mark.allure_label(severity, label_type="severity"))
    for section, line in sections.items():
        anchor = f"#L{line}" if line else ""
        item.add_marker(
            pytest.mark.allure_link(
                f"{DOCUMENT}{anchor}", link_type="link", name=f"document section {section}"
            )
        )


DOCUMENT = "schemas/source/UCServer_Client_Access_Protocol_6.1.0.339.txt"


@functools.cache
def _operation_of_section() -> dict[str, str]:
    """Document section -> operation or event name (read when first needed, not at import)."""
    return {op.section: op.name for op in default_catalog().operations()}


# --- outcomes ------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call" or report.failed:
        for name, render in item.stash.get(TRANSCRIPTS, []):
            text = render()
            if text:
                report.sections.append((f"{name} ({report.when})", text))
                _allure_attach(text, f"{name} ({report.when})")
    excinfo = call.excinfo
    if excinfo is not None and isinstance(excinfo.value, AccountLocked):
        # Every later login of the account would fail and prolong the lock: one clear result.
        item.session.shouldstop = str(excinfo.value)
    if excinfo is not None and isinstance(excinfo.value, SchemaViolation):
        _allure_attach(_violation_details(excinfo.value), "schema violation", json_text=True)
    if excinfo is not None and excinfo.errisinstance(OperationNotImplemented):
        # The target does not offer the operation: its own verdict, not a failure.
        report.outcome = "skipped"
        path, line, _ = item.location
        report.longrepr = (str(path), (line or 0) + 1, f"{NOT_IMPLEMENTED}: {excinfo.value}")
        _record_outcome(item, report, NOT_IMPLEMENTED)
    elif report.when == "call" or report.outcome != "passed":
        _record_outcome(item, report, classify(report, excinfo))
    elif report.when == "teardown" and OUTCOME in item.stash:
        # Sessions log off while tearing down: refresh the coverage with what came meanwhile.
        _record_outcome(item, report, item.stash[OUTCOME], refresh=True)
    return report


# A later phase may only make a test's outcome worse (a violation found while tearing down a
# passed test), never better.
_SEVERITY = {PASSED: 0, SKIPPED: 1, NOT_IMPLEMENTED: 1, FAILED: 3, ERROR: 2}
OUTCOME = pytest.StashKey[str]()


def _record_outcome(
    item: pytest.Item, report: pytest.TestReport, outcome: str, *, refresh: bool = False
) -> None:
    """The test's outcome class, module, sections and coverage as user properties.

    Kept on the item too, because JUnit XML reads the properties of the teardown report,
    which copies the item's.
    """
    previous = item.stash.get(OUTCOME, None)
    if previous is not None and not refresh and _SEVERITY[outcome] <= _SEVERITY[previous]:
        return
    item.stash[OUTCOME] = outcome
    properties: list[tuple[str, object]] = [(OUTCOME_PROPERTY, outcome)]
    properties += report_properties(item)
    names = {name for name, _ in properties}
    for holder in (item.user_properties, report.user_properties):
        holder[:] = [(n, v) for n, v in holder if n not in names] + properties


def classify(report: pytest.TestReport, excinfo: pytest.ExceptionInfo[BaseException] | None) -> str:
    """passed / failed / skipped / error, as design.md defines them.

    A violation (an AssertionError) is a failure in whichever phase it surfaced: a fixture
    that finds the server wrong while setting up or tearing down found a non-conformance.
    """
    if report.skipped:
        return SKIPPED
    if report.passed:
        return PASSED
    if excinfo is not None and excinfo.errisinstance(AssertionError):
        return FAILED
    return ERROR


def _allure_attach(text: str, name: str, *, json_text: bool = False) -> None:
    """Attach to the running Allure test (a no-op when the run writes no Allure results)."""
    import allure

    kind = allure.attachment_type.JSON if json_text else allure.attachment_type.TEXT
    allure.attach(text, name=name, attachment_type=kind)


def _violation_details(violation: SchemaViolation) -> str:
    """Where a schema failure is, what the schema says there, and what came instead."""
    details: dict[str, object] = {
        "type": violation.type_name,
        "section": violation.section,
        "pointer": violation.pointer,
        "expected": violation.expected,
        "found": violation.found,
    }
    # A webservice body, or a type the catalogue lacks: the rest still says enough.
    with contextlib.suppress(KeyError):
        details["schema"] = default_catalog().schema_of(violation.type_name)
    return json.dumps(details, indent=2, ensure_ascii=False, default=repr)


def report_properties(item: pytest.Item) -> list[tuple[str, str]]:
    """Traceability and coverage of one test, for reports (names prefixed ``conformance_``)."""
    found: list[tuple[str, str]] = []
    module = item.get_closest_marker("module")
    if module is not None and module.args:
        found.append(("conformance_module", str(module.args[0])))
    sections = [str(m.args[0]) for m in item.iter_markers("spec") if m.args]
    if sections:
        found.append(("conformance_spec", " ".join(sections)))
    clients = item.stash.get(CLIENTS, [])
    operations = sorted({op for c in clients for op in c.checks.coverage.operations})
    events: Counter[str] = Counter()
    for client in clients:
        events.update(client.checks.coverage.events)
    validations = sum(c.checks.coverage.validations for c in clients)
    warnings = sorted({w for c in clients for w in c.checks.coverage.warnings})
    if warnings:
        found.append(("conformance_warnings", json.dumps(warnings, ensure_ascii=False)))
    if operations:
        found.append(("conformance_operations", " ".join(operations)))
        catalog = default_catalog()
        deprecated = [op for op in operations if catalog.operation(op).deprecated]
        if deprecated:
            found.append(("conformance_deprecated", " ".join(deprecated)))
    if events:
        found.append(
            ("conformance_events", " ".join(f"{n}={c}" for n, c in sorted(events.items())))
        )
    if validations:
        found.append(("conformance_validations", str(validations)))
    return found
