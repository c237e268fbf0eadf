"""Operation dispatch: the handler registry and the pipeline every invoke goes through.

Handlers
--------
A protocol module the server models is one file (``authentication.py``, ``transport.py``, later
``chat.py``, ``cti.py`` ...) of handlers registered by operation name::

    from conformance.reference.dispatch import Call, OperationError, operation

    @operation("asnGetLoggedInContact")
    async def get_logged_in_contact(call: Call, argument: JsonObject) -> JsonObject:
        return {"u8sLoggedInUser": call.user.name, "ownContact": ...}

A handler receives the validated argument and returns the result payload (``None`` for an
empty one), or raises :class:`OperationError` for a documented error. Events go out through
``call.send_event(name, argument)`` (to the caller's own session) or, for another user's
sessions, ``call.state.sessions.of_user(name)`` and ``session.send_event``. Add the new module
to :data:`HANDLER_MODULES` so the server imports it.

Pipeline (:func:`dispatch`), the same for /ws/client, /ws/direct and the WebSocket:
an invoke names its operation by name or number (protocol-notes §3); unknown operation, a
number contradicting the name, or an event the client may not send: reject invokeProblem 1;
invokeID 99999 on an operation: reject generalProblem 1; argument failing its schema: reject
invokeProblem 2 with the violation as ``details``; then the handler, or the synthesiser for an
operation without one; the result or error payload is checked against its schema before it leaves.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from conformance.catalog import OperationInfo, UnknownName, default_catalog
from conformance.errors import SchemaViolation
from conformance.reference.directory import DirectoryUser
from conformance.reference.hooks import HookPoint
from conformance.reference.sessions import Session
from conformance.rose import Error, GeneralProblem, Invoke, InvokeProblem, JsonObject, Reject

if TYPE_CHECKING:
    from conformance.reference.state import ServerState

__all__ = [
    "ARGUMENT_REFUSAL",
    "HANDLER_MODULES",
    "OPERATION_RESULT",
    "Call",
    "Handler",
    "OperationError",
    "Route",
    "Success",
    "dispatch",
    "operation",
    "registered_handlers",
    "request_error",
    "user_handlers",
]

HANDLER_MODULES = (
    "conformance.reference.authentication",
    "conformance.reference.transport",
    "conformance.reference.presence",
    "conformance.reference.agent",
    "conformance.reference.broadcast",
    "conformance.reference.chat",
    "conformance.reference.cti",
    "conformance.reference.journal",
    "conformance.reference.tasks",
    "conformance.reference.appointments",
    "conformance.reference.ranking",
    "conformance.reference.general",
    "conformance.reference.persistence",
    "conformance.reference.contacts_list",
    "conformance.reference.audiovideo",
    "conformance.reference.cti_features",
    "conformance.reference.cti_conference",
    "conformance.reference.management",
)
"""Modules whose import registers handlers; one per protocol module the server models."""

Route = Literal["client", "direct", "websocket"]
Handler = Callable[["Call", JsonObject], Awaitable[Any]]
"""``async def handler(call, argument) -> result payload | None``."""

_HANDLERS: dict[str, Handler] = {}
_ADMINISTRATOR_HANDLERS: set[str] = set()
"""Operations whose handler serves administrator sessions only (N60)."""

ADMINISTRATOR_ONLY: HookPoint[bool] = HookPoint(
    "dispatch.administrator-only",
    "whether an operation the document reserves for administrators (catalogue audience "
    "'administrator') is refused to a user session that has no handler for it",
)

OPERATION_RESULT: HookPoint[tuple[str, Any]] = HookPoint(
    "operation.result",
    "(operation name, result payload) of a successful invoke, after its schema check, on every "
    "route",
)

ARGUMENT_REFUSAL: HookPoint[tuple[Any, str | None]] = HookPoint(
    "operation.argument-refusal",
    "(argument, why it is refused or None) of an invoke whose argument passed its schema",
)

INVALID_ARGUMENT = 1
"""iErrorDetail of the reference server's AsnRequestError for an argument value it cannot use
(the document defines no general AsnRequestError codes)."""


class OperationError(Exception):
    """A documented error answering an invoke: ``error_value`` and the error type's payload."""

    def __init__(self, error_value: int, payload: JsonObject) -> None:
        super().__init__(f"error_value {error_value}: {payload}")
        self.error_value = error_value
        self.payload = payload


def request_error(detail: int, text: str) -> OperationError:
    """An AsnRequestError (25.1.20), the error type of most operations."""
    return OperationError(
        0, {"_type": "AsnRequestError", "iErrorDetail": detail, "u8sErrorString": text}
    )


def operation(name: str, *, administrator: bool = False) -> Callable[[Handler], Handler]:
    """Register the decorated coroutine as the handler of the catalogued operation ``name``;
    ``administrator=True``: for the administrator's sessions only, a user's session is
    answered as if there were no handler."""
    default_catalog().operation(name)  # a typo fails at import, with a did-you-mean
    if administrator:
        _ADMINISTRATOR_HANDLERS.add(name)

    def register(handler: Handler) -> Handler:
        known = _HANDLERS.get(name)
        # A module imported a second time (pytester drops imported modules between in-process
        # runs) registers the same function again: that is a reload, not a second handler.
        if known is not None and _qualified(known) != _qualified(handler):
            raise ValueError(f"two handlers for {name}: {known} and {handler}")
        _HANDLERS[name] = handler
        return handler

    return register


def _qualified(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def user_handlers() -> Mapping[str, Handler]:
    """The handlers a user's session reaches: :func:`registered_handlers` less those for the
    administrator's sessions only."""
    return {n: h for n, h in registered_handlers().items() if n not in _ADMINISTRATOR_HANDLERS}


def registered_handlers() -> Mapping[str, Handler]:
    """Every handler of the modules in :data:`HANDLER_MODULES` (imported on first call)."""
    for module in HANDLER_MODULES:
        importlib.import_module(module)
    return dict(_HANDLERS)


@dataclass(frozen=True)
class Call:
    """What a handler knows about the invoke it answers."""

    state: ServerState
    operation: OperationInfo
    user: DirectoryUser
    """The authenticated caller."""
    session: Session | None
    """The caller's session; None on /ws/direct, which has no session and no events."""
    route: Route
    invoke_id: int

    def send_event(self, operation: str, argument: JsonObject) -> None:
        """An event to the caller's own session (dropped on /ws/direct: no event channel)."""
        if self.session is not None:
            self.session.send_event(operation, argument)


@dataclass(frozen=True)
class Success:
    """A result payload; any JSON value, since two operations return array types
    (asnMgmtGetMeshNodeConfigs, asnMgmtGetMeshNodeStatuses)."""

    invoke_id: int
    result: Any
    session_id: str | None


Outcome = Success | Error | Reject | None
"""None: the invoke was an event the client may send (asnLogoff, keep-alives): no reply."""


async def dispatch(
    state: ServerState,
    invoke: Invoke,
    user: DirectoryUser,
    session: Session | None,
    route: Route,
) -> Outcome:
    """Run one invoke; exceptions other than :class:`OperationError` are server bugs."""
    session_id = session.id if session is not None else None

    def reject(problem: InvokeProblem | GeneralProblem, details: str) -> Reject:
        return Reject(invoke.invoke_id, problem, details, session_id)

    # Dispatch by name when present, by number alone otherwise; a number naming another
    # operation than the name is refused (protocol-notes §3).
    name = invoke.operation_name or state.numbers.name_of(invoke.operation_id) or ""
    if not name:
        return reject(
            InvokeProblem.UNRECOGNISED_OPERATION,
            f"operationID {invoke.operation_id} names no operation, and no operationName came",
        )
    if state.numbers.contradicts(name, invoke.operation_id):
        return reject(
            InvokeProblem.UNRECOGNISED_OPERATION,
            f"operationID {invoke.operation_id} is not the number of {name} "
            f"({state.numbers.number_of(name)})",
        )
    try:
        info = state.catalog.operation(name)
    except UnknownName as exc:
        return reject(InvokeProblem.UNRECOGNISED_OPERATION, str(exc))
    handler = state.handlers.get(name)
    if name in _ADMINISTRATOR_HANDLERS and not user.administrator:
        handler = None  # a user's session: as before the administrator's handlers existed
    if info.is_event and handler is None:
        return reject(
            InvokeProblem.UNRECOGNISED_OPERATION,
            f"{name} is an event the server sends (section {info.section}), not an operation",
        )
    if invoke.is_event and not info.is_event:
        return reject(
            GeneralProblem.MISTYPED_APDU,
            f"invokeID 99999 is reserved for events; {name} is an operation and needs its own id",
        )
    argument: Any = invoke.argument if invoke.argument is not None else {}  # object or array
    if info.argument is not None:
        try:
            state.catalog.validate(info.argument, argument, context=f"{name} argument")
        except SchemaViolation as violation:
            return reject(InvokeProblem.MISTYPED_ARGUMENT, str(violation))
    audience = info.audience
    # Only the administrator's sessions (N60) may call them: handlers for a few, the
    # synthesiser for the rest.
    if (
        handler is None
        and audience["kind"] == "administrator"
        and not user.administrator
        and state.faults.apply(ADMINISTRATOR_ONLY, True)
    ):
        return reject(
            InvokeProblem.AUTHENTICATION_INCOMPLETE,
            f'{name} is for administrators: "{audience["quote"]}" (L{audience["line"]})',
        )
    _, refusal = state.faults.apply(ARGUMENT_REFUSAL, (argument, None))
    if refusal is not None:
        return reject(InvokeProblem.MISTYPED_ARGUMENT, refusal)
    call = Call(state, info, user, session, route, invoke.invoke_id)
    try:
        if handler is not None:
            result = await handler(call, argument)
        else:
            result = state.synth.result(name, argument)
    except OperationError as exc:
        if info.error is None:
            state.internal_error(f"{name} has no error type (N10) but its handler raised {exc}")
        else:
            state.check_outgoing(info.error, exc.payload, f"{name} error")
        return Error(invoke.invoke_id, exc.error_value, exc.payload, session_id)
    if info.is_event:
        return None
    result = {} if result is None else result
    if info.result is not None:
        state.check_outgoing(info.result, result, f"{name} result")
    _, result = state.faults.apply(OPERATION_RESULT, (name, result))
    return Success(invoke.invoke_id, result, session_id)
