"""The every-operation sweep: one test per catalogued operation (391), chapters 2 to 48.

Each test invokes its operation once in a session of the sweep user, with the operation's
minimal valid argument (:class:`conformance.instances.InstanceBuilder`: required members only,
type-correct values, deterministic), and classifies the answer. ``--fuzz N`` adds a second
test per operation that sends N property-based arguments (``test_fuzzed_arguments.py``, not
collected without the option).

The minimal-argument invokes are pipelined (:class:`SweepPipeline`, CONFORMANCE-NOTES N47): the
invokes of the tests this process will run go ahead on one session of the sweep user shared by
those tests, at most :data:`SWEEP_WINDOW` in flight, so that a distant server's round trip is
paid once per window, not three times per test; each test still collects, validates and judges
its own reply. An operation that may end or change its session (:data:`OWN_SESSION`) runs in a
fresh session of its own, as does the fuzz test.

Each answer gets a verdict (:meth:`SweepCall.judge`), recorded as the test's
``conformance_sweep`` property and counted by the summary: ``result`` (answered, the result
validates), ``error`` (a schema-valid error: the argument was understood), ``rights`` (refused
where the document restricts the operation), ``not sent`` (gated by the run's safety settings:
each test declares its operation, so the gate covers the sweep), or a failure. Whom the
document means an operation for comes from the catalogue's ``audience``: a plain user's session
that runs an administrator's operation successfully violates the quoted line.

asnUserChangePassword is sent only with a wrong old password (a right one is replaced: the
sweep changes no password); a server may count that as a failed login, so each invoke of it goes
through the login budget (``failed_logins``, N46) and the test is skipped where
``[safety] max_failed_logins`` is 0.

Operations that the document places on another route or between servers are also *marked*
with the document's own statement (:data:`PLACEMENTS`), which "not implemented" verdicts name.
Each statement is quoted from the catalogue's description of the module or operation and
checked against it when the suite is collected, so a marking cannot drift from the document.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from conformance.catalog import OperationInfo, default_catalog
from conformance.client import Session
from conformance.client.checks import Checks
from conformance.client.exceptions import ConnectionDropped, OperationNotImplemented, SessionClosed
from conformance.client.outcome import Outcome
from conformance.client.session import SentInvoke
from conformance.client.transcript import Transcript
from conformance.errors import ConformanceViolation, SuiteError
from conformance.instances import InstanceBuilder
from conformance.lockout import LoginBudget
from conformance.outcomes import RESULT, RIGHTS, SCHEMA_VALID_ERROR, SWEEP_PROPERTY
from conformance.plugin import (
    GATED,
    SessionFactory,
    Settings,
    WorkerSessions,
    add_transcripts,
    declared_operations,
    upcoming_items,
)
from conformance.profile import Profile, User
from conformance.rose import InvokeProblem, JsonObject, Reject

CATALOG = default_catalog()
OPERATIONS = CATALOG.operations(kind="operation")
FUZZ_FILE = "test_fuzzed_arguments.py"
PASSWORD_CHANGE = "asnUserChangePassword"
"""Sent only with a wrong old password, which a server may count as a failed login (Active
Directory does): each invoke of it is one wrong login of the sweep user, under the lockout
budget (:mod:`conformance.lockout`, CONFORMANCE-NOTES N46)."""
SWEEP_INVOKE_TIMEOUT = 10.0
"""Seconds (scaled by --timeout-factor) an invoke of the sweep may take to be answered."""


@dataclass(frozen=True)
class Placement:
    """Where the document says an operation belongs, when that is not a user's session."""

    statement: str
    """The document's words, as the catalogue's description of ``source`` holds them."""
    line: int
    """Line of the statement in the document."""
    source: str
    """The module or operation whose description holds the statement."""

    @property
    def reason(self) -> str:
        return f'the document places it elsewhere: "{self.statement}" (L{self.line})'


_MODULES = {
    "Admin": Placement(
        "Diese Funktionen benötigen ein eignes Admin Login (asnAdminLogin)", 8757, "Admin"
    ),
    "Management": Placement(
        "It is used by the UCServer Admin, the future planned Web Admin and for automatic "
        "provisioning",
        31923,
        "Management",
    ),
    "UMReplicator": Placement(
        "Zur Nutzung dieser Funktionen ist ein eigenes Login (asnUMReplicatorLogin) erforderlich",
        50038,
        "UMReplicator",
    ),
    "MESH": Placement("Server to server mesh interface", 31719, "MESH"),
    "MCU": Placement(
        "Speziell wird das protokoll zur Steuerung des Kurento Media Servers verwendet",
        31218,
        "MCU",
    ),
}
_OPERATIONS = {
    "asnStartMultiUserMode": (
        "This function is only used by the WebService, after it has established a connection "
        "to the UCServer",
        52740,
    ),
    "asnCreateUserSession": (
        "A user login session object (ENetCtiConnection) is created in the UCServer and ready "
        "for asnLogon",
        52774,
    ),
    "asnDestroyUserSession": (
        "A user login session object (ENetCtiConnection) is created in the UCServer and ready "
        "for asnLogon",
        52816,
    ),
    "asnRegisterServer": (
        "The UCServer call this function on connections, where the UCServer establishes the "
        "(outbound) connection to a WebService",
        52847,
    ),
    "asnWebServiceLogon": (
        "This is used only in the WebService running on the same host as the UCServer",
        52900,
    ),
    "asnStartTLS": (
        "After calling this function, the UCServer switches to TLS mode and expects a regular "
        "TLS handshahe from the client",
        49276,
    ),
    "asnRegisterExternalService": ('Registriert einen "externen" Dienst', 49304),
    "asnGetExternalServiceProfile": ('Registriert einen "externen" Dienst', 49347),
    "asnWebGetIceServers": (
        "This function is implemented in UCWeb and called by the UCServer",
        49391,
    ),
    "asnTokenVerify": (
        "This function allows an external Server to check if a User token is valid",
        49426,
    ),
    "asnDatabaseConnectorLogin": ("Eine DatabaseConnector meldet sich so am Server an", 2186),
    "asnDatabaseConnectorLogoff": ("Eine DatabaseConnector meldet sich so am Server ab", 2233),
}
PLACEMENTS: dict[str, Placement] = {
    **{
        op.name: _MODULES[op.module]
        for op in OPERATIONS
        if op.module in _MODULES and op.name not in _OPERATIONS
    },
    **{name: Placement(text, line, name) for name, (text, line) in _OPERATIONS.items()},
}
"""Operation name -> the statement placing it on another route or between servers."""


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _check_placements() -> None:
    """Every statement must stand in the catalogue's description it is quoted from."""
    modules = {m.name: m.description for m in CATALOG.modules()}
    for name, placement in PLACEMENTS.items():
        source = placement.source
        text = modules[source] if source in modules else CATALOG.operation(source).description
        if _words(placement.statement) not in _words(text):
            raise SuiteError(f"sweep placement of {name}: {source}'s description lacks the quote")


_check_placements()


def _param(op: OperationInfo) -> object:
    marks = [
        pytest.mark.module(op.module),
        pytest.mark.spec(op.section),
        pytest.mark.sends(op.name),
    ]
    if op.name == PASSWORD_CHANGE:
        marks.append(pytest.mark.sends("asnGetLoggedInContact"))  # the budget's correct login
    return pytest.param(op.name, id=op.name, marks=marks)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "operation" in metafunc.fixturenames:
        metafunc.parametrize("operation", [_param(op) for op in OPERATIONS])


def pytest_itemcollected(item: pytest.Item) -> None:
    """Marks the item as one operation of the sweep, so the summary counts its verdict."""
    if "operation" in getattr(item, "fixturenames", ()):
        item.user_properties.append((SWEEP_PROPERTY, ""))


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The fuzz tests exist only with ``--fuzz N`` (N > 0)."""
    if collection_path.name == FUZZ_FILE and not config.getoption("fuzz"):
        return True
    return None


# --- pipelining ----------------------------------------------------------------------------

PIPELINED_TEST = "test_operation_answers_its_minimal_valid_argument"
"""The sweep test whose invokes are sent ahead (the fuzz test sends its own)."""
SWEEP_WINDOW = 32
"""Sweep invokes in flight at once on the shared session: enough to hide a WAN round trip
behind the others, few enough that no server is flooded."""
_ENDS_OR_CHANGES_LOGIN = re.compile(r"Log(on|off|in|out)|Session|TLS|Password|ChangeLogin")
OWN_SESSION = frozenset(
    op.name for op in OPERATIONS if _ENDS_OR_CHANGES_LOGIN.search(op.name) or op.name in _OPERATIONS
)
"""Operations that may end, restart or re-authenticate the session they run in (by name, or
placed on the web service's own connection): each runs alone in a session of its own, as
every sweep test once did, so that it cannot spoil the answers of the others. This keeps
asnUserChangePassword a single invoke of its own, for the lockout budget around it."""


@dataclass(frozen=True)
class Pipelined:
    """A test's invoke, sent ahead on the shared sweep session."""

    session: Session
    sent: SentInvoke
    argument: Any
    transcript: Transcript
    """The test's own record of its invoke and reply (the shared session's has them all)."""


class SweepPipeline:
    """Sends the sweep's minimal-argument invokes ahead, on one session of the sweep user
    shared by the sweep tests of this process, at most :data:`SWEEP_WINDOW` in flight, so
    that a round trip to the server is paid once per window instead of three times per test.

    Only the invokes of tests this process will run (:func:`upcoming_items`) and whose
    invoke may be sent (not skipped, not gated; checked against the test's own declaration)
    go ahead. Each test still waits for its own reply (the timeout counts from the sending),
    validates it with its own client and is judged alone.
    """

    def __init__(
        self, sessions: WorkerSessions, alias: str, arguments: InstanceBuilder, settings: Settings
    ) -> None:
        self.sessions = sessions
        self.alias = alias
        self.arguments = arguments
        self.gate = settings.gate
        client = sessions.client
        self._checks = Checks(
            client.checks.catalog,
            client.redactor,
            strict=client.checks.strict,
            numbers=client.checks.numbers,
        )
        self._ahead: dict[str, Pipelined] = {}
        self._eligible: dict[str, bool] = {}

    def take(self, item: pytest.Item) -> Pipelined | None:
        """The invoke sent for ``item`` (sending it now if it was not sent ahead), after
        sending the next tests' ones; None for a test that needs a session of its own."""
        if not self.eligible(item):
            return None
        found = self._ahead.pop(item.nodeid, None) or self._send(item)
        self._send_ahead(item)
        add_transcripts(item).append(("sweep transcript", found.transcript.render))
        return found

    def eligible(self, item: pytest.Item) -> bool:
        known = self._eligible.get(item.nodeid)
        if known is None:
            known = self._eligible[item.nodeid] = _eligible(item, self.arguments)
        return known

    def _send(self, item: pytest.Item) -> Pipelined:
        session = self.sessions(self.alias, invoke_timeout=SWEEP_INVOKE_TIMEOUT)
        operation = _operation_of(item)
        argument = self.arguments.argument(operation)
        transcript = Transcript(redactor=session.client.redactor)
        transcript.note("sent ahead on the sweep's shared session")
        declared = frozenset(declared_operations(item) or ())
        self._checks.guard = functools.partial(self.gate.check, declared=declared)
        sent = session.send_invoke(operation, argument, checks=self._checks, transcript=transcript)
        return Pipelined(session, sent, argument, transcript)

    def _send_ahead(self, item: pytest.Item) -> None:
        room = SWEEP_WINDOW - len(self._ahead)
        for later in upcoming_items(item)[: 4 * SWEEP_WINDOW]:
            if room <= 0:
                return
            if later.nodeid in self._ahead or not self.eligible(later):
                continue
            try:
                self._ahead[later.nodeid] = self._send(later)
            except (SuiteError, ConformanceViolation):
                return  # that test sends its invoke itself, and reports what went wrong
            room -= 1


def _operation_of(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    return str(callspec.params["operation"]) if callspec is not None else ""


def _eligible(item: pytest.Item, arguments: InstanceBuilder) -> bool:
    """A minimal-argument sweep test that will run, of an operation that may share."""
    if getattr(item, "originalname", None) != PIPELINED_TEST or GATED in item.stash:
        return False
    if any(True for _ in item.iter_markers("skip")) or any(
        True for _ in item.iter_markers("skipif")
    ):
        return False
    operation = _operation_of(item)
    return operation not in OWN_SESSION and isinstance(arguments.argument(operation), dict)


# --- invoking and judging -----------------------------------------------------------------


class WrongLogins(NamedTuple):
    """The login budget (``failed_logins``) and the account whose wrong logins it counts."""

    budget: LoginBudget
    user: User


_NOT_HERE = frozenset(
    {
        InvokeProblem.UNRECOGNISED_OPERATION,
        InvokeProblem.AUTHENTICATION_INCOMPLETE,
        InvokeProblem.AUTHENTICATION_FAILED,
    }
)
"""Rejects meaning "not offered to this session" for an operation placed elsewhere."""


class SweepCall:
    """One operation of the sweep in one session: invoke it, judge the answer."""

    def __init__(
        self,
        operation: str,
        own_session: Callable[[], Session],
        placement: Placement | None,
        minimal: Any,
        item: pytest.Item | None = None,
        wrong_logins: WrongLogins | None = None,
        pipelined: Pipelined | None = None,
        checks: Checks | None = None,
    ) -> None:
        self.operation = operation
        self.info = CATALOG.operation(operation)
        self._own_session = own_session
        self._session = pipelined.session if pipelined is not None else None
        self._pipelined = pipelined
        self._checks = checks
        """The test's own client's checks (its gate, its coverage), for a pipelined reply."""
        self.placement = placement
        self.minimal_argument = minimal
        self.item = item
        """The test, whose ``conformance_sweep`` property gets the verdict."""
        self.wrong_logins = wrong_logins
        """The budget and the account for :data:`PASSWORD_CHANGE`."""

    @property
    def session(self) -> Session:
        """The shared session the invoke was sent ahead on, else one of the test's own."""
        if self._session is None:
            self._session = self._own_session()
        return self._session

    def invoke(self, argument: Any) -> Outcome:
        """Send one invoke with ``argument`` (checked against the argument type first) and
        wait for its answer; the client validates results and errors against their types."""
        if self.operation == PASSWORD_CHANGE:
            return self._change_password_wrongly(argument)
        pipelined, self._pipelined = self._pipelined, None
        if pipelined is not None and argument is pipelined.argument:
            try:
                return self._collect(pipelined)
            except (ConnectionDropped, SessionClosed) as exc:
                # The shared session ended under it (another operation ended it): asked again
                # alone, the verdict is this operation's.
                pipelined.transcript.note(f"the shared session ended ({exc}): sent again alone")
                self._session = self._own_session()
        if isinstance(argument, dict):
            return self.session.invoke(self.operation, argument)
        return self._invoke_raw(argument)

    def _change_password_wrongly(self, argument: JsonObject) -> Outcome:
        """asnUserChangePassword as one wrong login of the sweep user, under the budget; an old
        password that happens to be the right one is replaced: the sweep changes no password."""
        if self.wrong_logins is None:
            raise SuiteError(f"{PASSWORD_CHANGE}: the sweep has no login budget for it")
        budget, user = self.wrong_logins
        if argument["u8sOldPassword"] == user.password:
            argument = {**argument, "u8sOldPassword": "" if user.password else "-"}
        with budget.wrong_login(user):
            return self.session.invoke(self.operation, argument)

    def _collect(self, pipelined: Pipelined) -> Outcome:
        """The reply to the invoke sent ahead, validated and counted by the test's client."""
        checks = self._checks if self._checks is not None else pipelined.session.client.checks
        checks.outgoing(self.operation, pipelined.argument)  # the test's gate and coverage
        outcome = pipelined.session.await_reply(
            pipelined.sent,
            timeout=SWEEP_INVOKE_TIMEOUT,
            checks=checks,
            transcript=pipelined.transcript,
        )
        # Events the shared session received meanwhile count as this test's, as they did when
        # each test had a session of its own (the report's events seen).
        checks.coverage.events.update(pipelined.session.client.checks.coverage.take_events())
        return outcome

    def _invoke_raw(self, argument: Any) -> Outcome:
        # An array-typed argument (asnMgmtSetMeshNodeConfigs) is no ROSE invoke object the
        # client core builds: the frame is written by hand, its answer read from the raw inbox.
        checks, session = self.session.client.checks, self.session
        if self.info.argument is not None:
            checks.argument(self.operation, self.info.argument, argument)
        checks.outgoing(self.operation, None, check_argument=False)
        invoke_id = session.reserve_invoke_id()
        invoke = {
            "invokeID": invoke_id,
            "operationID": 0,
            "operationName": self.operation,
            "argument": argument,
        }
        started = time.monotonic()
        mark = session.send_raw(
            json.dumps({"invoke": invoke}, ensure_ascii=False),
            label=f"invoke {self.operation} #{invoke_id}",
        )
        reply = session.wait_raw(invoke_id, since=mark).message
        checks.reply(self.info, reply, f"WebSocket {self.operation} #{invoke_id}")
        return Outcome(
            self.operation, reply, time.monotonic() - started, scrub=checks.redactor.text
        )

    def judge(self, outcome: Outcome) -> str:
        """The verdict on one answer (already schema-checked), recorded on the test.

        ``result`` and ``error`` (a schema-valid error) for an operation any session may use;
        for one the document reserves for administrators, a result is a violation of the line
        that says so and a refusal (an error, or the rejects authenticationIncomplete and
        authenticationFailed) is ``rights``, as it is for any operation the document places
        elsewhere. unrecognisedOperation is "not implemented"; any other reject of a
        schema-valid invoke is a violation.
        """
        self.session.raise_fault()  # an invalid event that came meanwhile, for instance
        message, audience = outcome.message, self.info.audience
        restricted = audience["kind"] != "user"
        if isinstance(message, Reject):
            verdict = self._judge_reject(message, restricted)
        elif outcome.ok:
            if audience["kind"] == "administrator":
                raise ConformanceViolation(
                    f"{self.operation}: a plain user's session ran it successfully, but the "
                    f'document reserves it for administrators: "{audience["quote"]}" '
                    f"(L{audience['line']})"
                )
            verdict = RESULT
        else:
            verdict = RIGHTS if restricted else SCHEMA_VALID_ERROR
        if self.item is not None:
            properties = self.item.user_properties
            properties[:] = [(n, v) for n, v in properties if n != SWEEP_PROPERTY]
            properties.append((SWEEP_PROPERTY, verdict))
        return verdict

    def _judge_reject(self, message: Reject, restricted: bool) -> str:
        problem, details = message.problem, f" ({message.details})" if message.details else ""
        if restricted and problem in _NOT_HERE - {InvokeProblem.UNRECOGNISED_OPERATION}:
            return RIGHTS
        if problem == InvokeProblem.UNRECOGNISED_OPERATION:
            where = f"; {self.placement.reason}" if self.placement is not None else ""
            raise OperationNotImplemented(self.operation, f"{problem.name}{details}{where}")
        if problem == InvokeProblem.MISTYPED_ARGUMENT:
            raise ConformanceViolation(
                f"{self.operation}: the server rejected a schema-valid argument as "
                f"mistypedArgument{details}: its decoder disagrees with the document "
                f"(section {self.info.section}, {self.info.argument})"
            )
        raise ConformanceViolation(
            f"{self.operation}: a well-formed invoke with a schema-valid argument in a live "
            f"session was rejected with {problem.kind} {problem.name}{details}"
        )


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def arguments() -> InstanceBuilder:
    """Minimal valid arguments: booleans false, so that no flag asks for anything."""
    return InstanceBuilder(CATALOG, boolean=False)


@pytest.fixture
def sweep_user(profile: Profile) -> User:
    """The profile's last enabled user: the other suites mostly act as the first ones."""
    users = profile.enabled_users()
    if not users:
        pytest.skip("the profile has no enabled user")
    return users[-1]


@pytest.fixture(scope="session")
def sweep_pipeline(
    worker_sessions: WorkerSessions,
    profile: Profile,
    arguments: InstanceBuilder,
    conformance_settings: Settings,
) -> SweepPipeline | None:
    """The sweep's invokes sent ahead on one shared session of this process (none without an
    enabled user: the tests skip)."""
    users = profile.enabled_users()
    if not users:
        return None
    return SweepPipeline(worker_sessions, users[-1].alias, arguments, conformance_settings)


@pytest.fixture
def sweep(
    operation: str,
    session_factory: SessionFactory,
    sweep_user: User,
    arguments: InstanceBuilder,
    sweep_pipeline: SweepPipeline | None,
    request: pytest.FixtureRequest,
) -> SweepCall:
    """``operation``, sent ahead on the shared sweep session, or in a fresh session of the
    sweep user (an operation that may end or change its session, the fuzz test)."""
    wrong_logins = None
    if operation == PASSWORD_CHANGE:  # skipped where [safety] max_failed_logins is 0
        wrong_logins = WrongLogins(request.getfixturevalue("failed_logins"), sweep_user)
    pipelined = sweep_pipeline.take(request.node) if sweep_pipeline is not None else None
    own = functools.partial(session_factory, sweep_user.alias, invoke_timeout=SWEEP_INVOKE_TIMEOUT)
    minimal = arguments.argument(operation)
    return SweepCall(
        operation,
        own,
        PLACEMENTS.get(operation),
        minimal if pipelined is None else pipelined.argument,
        request.node,
        wrong_logins,
        pipelined=pipelined,
        checks=session_factory.client.checks,
    )


@pytest.fixture
def fuzz_examples(conformance_settings: Settings) -> int:
    """``--fuzz N``: property-based arguments per operation."""
    return conformance_settings.fuzz
