"""Everything one reference server instance holds, shared by its routes, handlers and sockets.

Also the server's self-check: with ``validate_outgoing`` on (the default), every payload the
server sends is validated against the catalogue before it leaves. A violation is a bug in the
reference server, not a finding about anybody else: it is logged loudly and recorded in
:attr:`ServerState.internal_errors`, which the project's tests assert to be empty. The message
is still sent, so that the bug shows where it happens.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast

from conformance.catalog import Catalog, default_catalog
from conformance.errors import SchemaViolation
from conformance.opnumbers import OperationNumbers
from conformance.profile import Profile
from conformance.reference.auth import Authenticator
from conformance.reference.clock import Clock
from conformance.reference.directory import Directory
from conformance.reference.hooks import FaultSet, HookPoint
from conformance.reference.sessions import NEW_SESSION_ID, Session, SessionRegistry
from conformance.reference.synth import Synthesiser
from conformance.reference.tokens import TokenIssuer
from conformance.rose import Invoke, InvokeIdAllocator, JsonObject

__all__ = ["OUTGOING_EVENT", "OUTGOING_JSON", "SESSION_LISTENERS", "ServerSettings", "ServerState"]

log = logging.getLogger("conformance.reference")

P = TypeVar("P")

OUTGOING_EVENT: HookPoint[Invoke] = HookPoint(
    "event.outgoing", "an event invoke (invokeID 99999) just before it is queued for a session"
)
OUTGOING_JSON: HookPoint[Any] = HookPoint(
    "wire.outgoing",
    "the JSON value of what answers an operation or carries an event, just before it is "
    "written: a WebSocket frame (an array of ROSE messages) or an operation's HTTP body",
)


SESSION_LISTENERS: list[Callable[[ServerState, Session], None]] = []
"""Called when a session begins or ends (General's connected-client list registers here)."""


class Channel(Protocol):
    """An open event channel, as far as shutdown is concerned."""

    def close_soon(self) -> None: ...


@dataclass(frozen=True)
class ServerSettings:
    """Behaviour the document leaves open, read from the profile's ``[capabilities]``."""

    min_protocol_version: int = 60
    max_protocol_version: int = 70
    default_token_ttl: int = 86400  # "default 24 hours", L14373-L14375
    max_token_ttl: int = 30 * 86400
    ttl_zero: str = "default"  # "default" | "reject"
    ttl_negative: str = "reject"  # "reject" | "default"
    ttl_above_max: str = "clamp"  # "clamp" | "reject"

    @classmethod
    def from_profile(cls, profile: Profile) -> ServerSettings:
        base = cls()

        def pick(key: str, default: Any, kind: type) -> Any:
            value = profile.capabilities.get(key, default)
            if type(value) is not kind:  # bool is an int subclass; true is no version
                raise ValueError(f"capability {key} must be a {kind.__name__}, got {value!r}")
            return value

        return cls(
            min_protocol_version=pick("protocol.min_version", base.min_protocol_version, int),
            max_protocol_version=pick("protocol.max_version", base.max_protocol_version, int),
            default_token_ttl=pick("tokens.default_ttl", base.default_token_ttl, int),
            max_token_ttl=pick("tokens.max_ttl", base.max_token_ttl, int),
            ttl_zero=pick("tokens.ttl_zero", base.ttl_zero, str),
            ttl_negative=pick("tokens.ttl_negative", base.ttl_negative, str),
            ttl_above_max=pick("tokens.ttl_above_max", base.ttl_above_max, str),
        )


class ServerState:
    def __init__(
        self,
        profile: Profile,
        faults: FaultSet,
        *,
        validate_outgoing: bool = True,
        catalog: Catalog | None = None,
        handlers: Mapping[str, Callable[..., Awaitable[Any]]] | None = None,
        latency: float = 0.0,
    ) -> None:
        self.profile = profile
        self.latency = latency
        """Seconds of one-way network delay the server simulates (``link.latency``)."""
        self.ucsid = profile.target.ucsid
        self.settings = ServerSettings.from_profile(profile)
        self.catalog = catalog if catalog is not None else default_catalog()
        self.faults = faults
        self.validate_outgoing = validate_outgoing
        self.clock = Clock()
        self.directory = Directory.from_profile(profile)
        self.tokens = TokenIssuer(self.ucsid, self.clock)
        self.auth = Authenticator(self.directory, self.tokens, self.clock, faults)
        self.sessions = SessionRegistry(
            self._prepare_event,
            self.clock.now,
            lambda new: faults.apply(NEW_SESSION_ID, new),
            self._session_changed,
        )
        self.synth = Synthesiser(self.catalog)
        self.numbers = OperationNumbers(self.catalog, profile.operation_ids)
        """Operation numbers: every event goes out with its number (protocol-notes §3)."""
        # Handed in (by server.py) rather than imported: dispatch needs the state's type, so the
        # state may not import dispatch back.
        self.handlers = dict(handlers or {})
        """Handlers by operation name; a copy per server, so a test may swap one."""
        self.invoke_ids = InvokeIdAllocator()
        """Invoke ids for HTTP calls, which carry none of their own (error bodies show them)."""
        self.internal_errors: list[str] = []
        self.channels: set[Channel] = set()
        """Open WebSocket connections (closed when the server stops)."""
        self.loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._parts: dict[type, Any] = {}
        self._parts_lock = threading.Lock()

    def part(self, kind: type[P], make: Callable[[], P] | None = None) -> P:
        """This server's one instance of ``kind``: a modelled module's state (the chat store,
        the PBX, the agent book, ...), made on first use by ``make`` (default ``kind()``).

        Modules keep their state here rather than in module-level registries, so it lives and
        dies with its server. Handlers run on the server's loop; the lock is for tests that
        read a part from another thread.
        """
        with self._parts_lock:
            found = self._parts.get(kind)
            if found is None:
                found = self._parts[kind] = make() if make is not None else kind()
            return cast(P, found)

    # --- self-check --------------------------------------------------------------------------

    def internal_error(self, message: str) -> None:
        """Record and log a bug of the reference server (tests assert there are none)."""
        log.error("reference server bug: %s", message)
        self.internal_errors.append(message)

    def check_outgoing(self, type_name: str, payload: object, context: str) -> None:
        if not self.validate_outgoing:
            return
        try:
            self.catalog.validate(type_name, payload, context=context)
        except SchemaViolation as violation:
            self.internal_error(f"outgoing {violation}")

    def check_webservice(self, name: str, body: object, context: str) -> None:
        if not self.validate_outgoing:
            return
        try:
            self.catalog.validate_webservice(name, body, context=context)
        except SchemaViolation as violation:
            self.internal_error(f"outgoing {violation}")

    def wire(self, value: Any) -> Any:
        """The JSON value as it goes on the wire (variations write other allowed spellings)."""
        return self.faults.apply(OUTGOING_JSON, value)

    # --- events and background work ----------------------------------------------------------

    def _session_changed(self, session: Session) -> None:
        for listener in SESSION_LISTENERS:
            listener(self, session)

    def _prepare_event(self, session: Session, operation: str, argument: JsonObject) -> Invoke:
        try:
            info = self.catalog.operation(operation)
        except KeyError as exc:
            self.internal_error(f"event for session {session.id}: {exc}")
        else:
            if not info.is_event:
                self.internal_error(f"{operation} is an operation, sent as an event")
            elif info.argument is not None:
                self.check_outgoing(info.argument, argument, f"event {operation}")
        number = self.numbers.number_of(operation) or 0
        return self.faults.apply(OUTGOING_EVENT, Invoke.event(operation, argument, number))

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run background work (a delayed event, a simulated call) tracked for shutdown."""
        task = asyncio.ensure_future(coroutine, loop=self.loop)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.internal_error(f"background task failed: {task.exception()!r}")

    async def cancel_tasks(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=2)
