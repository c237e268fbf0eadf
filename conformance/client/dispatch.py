"""Correlation of replies and the event inbox of one session, without any I/O.

The reader thread of a :class:`~conformance.client.session.Session` feeds parsed messages in;
invoking and waiting threads block on one condition variable until their reply, their event or
a fault arrives, or until their (scaled) deadline passes. Keeping this apart from the socket
lets the project's tests drive every interleaving directly.

Rules:

* Replies are matched by invoke id only: the server is multi-threaded and may answer out of
  order (protocol-notes.md §2). An invoke that timed out is *abandoned*: a late reply to it is
  noted, not reported. A reply nobody is waiting for is a violation.
* Events (invokes with id 99999) go to the inbox and to the history. ``wait_for`` consumes the
  first unconsumed match; ``assert_quiet`` looks at everything that arrives in its window.
* A fault the reader finds (an unparseable frame, an event that violates its schema, an
  unsolicited reply) is queued and raised by the next ``register``/``wait_for``/
  ``assert_quiet``/``raise_fault``; a frame-level fault also fails every invoke then pending,
  since its reply may have been in the lost frame.
* When the connection goes, pending invokes fail at once instead of running into their timeout.
"""

from __future__ import annotations

import inspect
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from conformance.client.exceptions import (
    ConnectionDropped,
    EventTimeout,
    InvokeTimeout,
    SessionClosed,
    UnwantedEvent,
)
from conformance.errors import ConformanceViolation, SuiteError
from conformance.rose import Error, Invoke, InvokeIdAllocator, JsonObject, Message, Reject, Result

__all__ = ["Dispatcher", "ReceivedEvent", "Where", "WhereLike"]

Reply: TypeAlias = Result | Error | Reject
_LISTED = 10


@dataclass(frozen=True)
class Where:
    """A predicate on an event's argument, with words for the failure message."""

    test: Callable[[JsonObject], bool]
    description: str

    def __call__(self, argument: JsonObject) -> bool:
        return bool(self.test(argument))

    @staticmethod
    def of(where: WhereLike) -> Where:
        """``None`` (anything), a mapping (those members, recursively) or a callable."""
        if where is None:
            return Where(lambda argument: True, "any argument")
        if isinstance(where, Where):
            return where
        if isinstance(where, Mapping):
            expected = dict(where)
            text = json.dumps(expected, ensure_ascii=False, default=repr)
            return Where(lambda argument: _contains(argument, expected), f"argument ⊇ {text}")
        return Where(where, _describe_callable(where))


WhereLike: TypeAlias = Where | Mapping[str, object] | Callable[[JsonObject], bool] | None


def _contains(actual: object, expected: Mapping[str, object]) -> bool:
    if not isinstance(actual, dict):
        return False
    for key, value in expected.items():
        if key not in actual:
            return False
        if isinstance(value, Mapping):
            if not _contains(actual[key], value):
                return False
        elif actual[key] != value:
            return False
    return True


def _describe_callable(test: Callable[..., object]) -> str:
    doc = (getattr(test, "__doc__", None) or "").strip()
    if doc and not isinstance(test, type):
        return doc.splitlines()[0]
    name = getattr(test, "__qualname__", repr(test))
    if name.endswith("<lambda>"):
        try:  # the source line is the clearest description of a lambda
            source = " ".join(inspect.getsource(test).split())
            return source if len(source) <= 120 else source[:117] + "..."
        except (OSError, TypeError):
            pass
    return name


@dataclass(frozen=True)
class ReceivedEvent:
    seq: int
    """Arrival number on this session, from 1."""
    at: float
    """``time.monotonic()`` at arrival."""
    invoke: Invoke

    @property
    def operation(self) -> str:
        return self.invoke.operation_name

    @property
    def argument(self) -> JsonObject:
        return self.invoke.argument if isinstance(self.invoke.argument, dict) else {}


@dataclass
class _Slot:
    operation: str
    sent_at: float
    reply: Reply | None = None
    failure: BaseException | None = None


@dataclass
class _State:
    pending: dict[int, _Slot] = field(default_factory=dict)
    abandoned: set[int] = field(default_factory=set)
    inbox: list[ReceivedEvent] = field(default_factory=list)
    history: list[ReceivedEvent] = field(default_factory=list)
    faults: deque[Exception] = field(default_factory=deque)
    seq: int = 0
    closed: BaseException | None = None


class Dispatcher:
    """Reply correlation and event inbox; every wait is multiplied by ``timeout_factor``.

    ``check_event`` validates an event in the reader's thread and raises a
    ``ConformanceViolation`` for a bad one (which is queued; the event is still delivered).
    ``scrub`` masks secrets in the texts of the exceptions raised here; ``note`` receives
    remarks for the transcript (late replies).
    """

    def __init__(
        self,
        *,
        timeout_factor: float = 1.0,
        check_event: Callable[[Invoke], None] | None = None,
        scrub: Callable[[str], str] = str,
        note: Callable[[str], None] | None = None,
        allocator: InvokeIdAllocator | None = None,
    ) -> None:
        if timeout_factor <= 0:
            raise SuiteError(f"timeout_factor must be positive, got {timeout_factor!r}")
        self.timeout_factor = timeout_factor
        self._check_event = check_event
        self._scrub = scrub
        self._note = note if note is not None else (lambda text: None)
        self._ids = allocator if allocator is not None else InvokeIdAllocator()
        self._cond = threading.Condition()
        self._s = _State()
        self.rejects_without_id: list[Reject] = []
        """Rejects naming no invoke (``invokednull``) that arrived while nothing was pending."""

    # --- the invoking side ------------------------------------------------------------------

    def register(self, operation: str, *, raise_faults: bool = True) -> int:
        """A fresh invoke id with a slot waiting for its reply; raises a queued fault first
        (unless ``raise_faults`` is False: closing must leave them for the caller)."""
        with self._cond:
            if raise_faults:
                self._raise_fault()
            self._raise_if_closed(f"cannot invoke {operation}")
            invoke_id = self._ids.allocate(busy=self._s.pending.keys() | self._s.abandoned)
            self._s.pending[invoke_id] = _Slot(operation, time.monotonic())
            return invoke_id

    def abandon(self, invoke_id: int) -> None:
        """Stop waiting for ``invoke_id``; a reply to it will be ignored (noted only)."""
        with self._cond:
            self._s.pending.pop(invoke_id, None)
            self._s.abandoned.add(invoke_id)

    def wait_reply(self, invoke_id: int, timeout: float) -> tuple[Reply, float]:
        """The reply to a registered invoke and the seconds it took."""
        limit = timeout * self.timeout_factor
        with self._cond:
            slot = self._s.pending[invoke_id]
            deadline = slot.sent_at + limit
            while slot.reply is None and slot.failure is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._s.pending.pop(invoke_id, None)
                    self._s.abandoned.add(invoke_id)
                    raise InvokeTimeout(
                        f"no reply to {slot.operation} (invokeID {invoke_id}) within {limit:g} s"
                    )
                self._cond.wait(remaining)
            self._s.pending.pop(invoke_id, None)
            if slot.failure is not None:
                raise slot.failure
            assert slot.reply is not None
            return slot.reply, time.monotonic() - slot.sent_at

    # --- the receiving side -----------------------------------------------------------------

    def feed(self, messages: Iterable[Message]) -> None:
        """Messages of one received frame, in order."""
        for message in messages:
            if isinstance(message, Invoke):
                self._feed_invoke(message)
            elif isinstance(message, Reject) and message.invoke_id is None:
                self._feed_anonymous_reject(message)
            else:
                self._feed_reply(message)

    def fault(self, violation: Exception, *, fail_pending: bool = False) -> None:
        """Queue a violation (or a suite failure of the reader); with ``fail_pending`` it
        fails the invokes now outstanding instead (it is reported through them)."""
        with self._cond:
            failed = self._fail_pending(lambda slot, invoke_id: violation) if fail_pending else 0
            if not failed:
                self._s.faults.append(violation)
            self._cond.notify_all()

    def connection_lost(self, description: str, *, expected: bool) -> None:
        """The socket is gone; ``expected`` when we closed it or logged off."""
        with self._cond:
            if self._s.closed is not None:
                return
            if expected:
                self._s.closed = SessionClosed(f"the session is closed ({description})")
                self._fail_pending(
                    lambda slot, n: SessionClosed(
                        f"the session was closed while waiting for {slot.operation} "
                        f"(invokeID {n}): {description}"
                    )
                )
            else:
                self._s.closed = ConnectionDropped(
                    f"the server closed the event channel: {description}"
                )
                self._fail_pending(
                    lambda slot, n: ConnectionDropped(
                        f"connection dropped while waiting for {slot.operation} "
                        f"(invokeID {n}): {description}"
                    )
                )
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._s.closed is not None

    # --- events -----------------------------------------------------------------------------

    def mark(self) -> int:
        """The arrival number of the latest event, for ``assert_quiet(since=...)``."""
        with self._cond:
            return self._s.seq

    def events(self, operation: str | None = None) -> list[Invoke]:
        """Every event received so far (consumed or not), in arrival order."""
        with self._cond:
            return [
                e.invoke for e in self._s.history if operation is None or e.operation == operation
            ]

    def wait_for(
        self, operation: str | tuple[str, ...], where: WhereLike = None, timeout: float = 5.0
    ) -> Invoke:
        """Consume and return the first unconsumed ``operation`` event matching ``where``
        (``operation`` may name several events: the first of any of them)."""
        names = (operation,) if isinstance(operation, str) else operation
        operation = " or ".join(names)
        test = Where.of(where)
        limit = timeout * self.timeout_factor
        with self._cond:
            start = self._s.seq
            deadline = time.monotonic() + limit
            while True:
                self._raise_fault()
                for received in self._s.inbox:
                    if received.operation in names and test(received.argument):
                        self._s.inbox.remove(received)
                        return received.invoke
                if self._s.closed is not None:
                    raise self._closed_waiting(operation, test, start)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise EventTimeout(
                        self._scrub(
                            f"no {operation} event where {test.description} within {limit:g} s; "
                            + self._arrivals(start)
                        )
                    )
                self._cond.wait(remaining)

    def assert_quiet(
        self,
        operation: str,
        seconds: float,
        where: WhereLike = None,
        *,
        since: int | None = None,
    ) -> None:
        """Raise if a matching event arrives within ``seconds`` (scaled) from now, or since
        the :meth:`mark` ``since``, whether or not someone consumed it meanwhile."""
        test = Where.of(where)
        window = seconds * self.timeout_factor
        with self._cond:
            start = self._s.seq if since is None else since
            opened = time.monotonic()
            deadline = opened + window
            checked = start
            while True:
                self._raise_fault()
                for received in self._s.history:
                    if received.seq <= checked:
                        continue
                    checked = received.seq
                    if received.operation == operation and test(received.argument):
                        raise UnwantedEvent(
                            self._scrub(
                                f"{operation} event where {test.description} arrived "
                                f"{max(received.at - opened, 0.0):.2f} s into a quiet window of "
                                f"{window:g} s: {_preview(received.argument)}"
                            )
                        )
                remaining = deadline - time.monotonic()
                if self._s.closed is not None or remaining <= 0:
                    return  # a closed channel cannot deliver anything more
                self._cond.wait(remaining)

    def raise_fault(self) -> None:
        """Raise the oldest queued fault, if any."""
        with self._cond:
            self._raise_fault()

    def settle(self, operation: str, timeout: float) -> bool:
        """Wait (scaled) until the channel is closed or an ``operation`` event has arrived;
        raises nothing, consumes nothing. True if either happened in time."""
        deadline = time.monotonic() + timeout * self.timeout_factor
        with self._cond:
            while True:
                if self._s.closed is not None or any(
                    e.operation == operation for e in self._s.history
                ):
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)

    @property
    def faults(self) -> list[Exception]:
        """Queued faults not yet raised."""
        with self._cond:
            return list(self._s.faults)

    # --- internals --------------------------------------------------------------------------

    def _feed_invoke(self, invoke: Invoke) -> None:
        if not invoke.is_event:
            self.fault(
                ConformanceViolation(
                    f"the server invoked {invoke.operation_name} with invokeID "
                    f"{invoke.invoke_id}; a server sends events, with invokeID 99999 only"
                )
            )
            return
        problem: ConformanceViolation | None = None
        if self._check_event is not None:
            try:  # outside the lock: validation may take a while on large events
                self._check_event(invoke)
            except ConformanceViolation as exc:
                problem = exc
        with self._cond:
            self._s.seq += 1
            received = ReceivedEvent(self._s.seq, time.monotonic(), invoke)
            self._s.history.append(received)
            self._s.inbox.append(received)
            if problem is not None:
                self._s.faults.append(problem)
            self._cond.notify_all()

    def _feed_anonymous_reject(self, reject: Reject) -> None:
        details = f": {reject.details}" if reject.details else ""
        what = f"reject {reject.problem.kind} {reject.problem.name} without an invoke id{details}"
        with self._cond:
            failed = self._fail_pending(
                lambda slot, n: ConformanceViolation(
                    self._scrub(
                        f"the server answered a well-formed invoke of {slot.operation} "
                        f"(invokeID {n}) as undecodable? It sent a {what}"
                    )
                )
            )
            if not failed:
                self.rejects_without_id.append(reject)
            self._cond.notify_all()

    def _feed_reply(self, reply: Reply) -> None:
        invoke_id = reply.invoke_id
        assert invoke_id is not None
        kind = type(reply).__name__.lower()
        with self._cond:
            slot = self._s.pending.get(invoke_id)
            if slot is not None and slot.reply is None and slot.failure is None:
                slot.reply = reply
            elif slot is not None:
                self._s.faults.append(
                    ConformanceViolation(
                        f"a second reply ({kind}) to {slot.operation} (invokeID {invoke_id})"
                    )
                )
            elif invoke_id in self._s.abandoned:
                self._s.abandoned.discard(invoke_id)
                self._note(f"late {kind} for invokeID {invoke_id} ignored (abandoned)")
            else:
                self._s.faults.append(
                    ConformanceViolation(
                        f"unsolicited {kind} for invokeID {invoke_id}: no invoke with that id "
                        "is outstanding"
                    )
                )
            self._cond.notify_all()

    def _fail_pending(self, make: Callable[[_Slot, int], BaseException]) -> int:
        failed = 0
        for invoke_id, slot in self._s.pending.items():
            if slot.reply is None and slot.failure is None:
                slot.failure = make(slot, invoke_id)
                failed += 1
        return failed

    def _raise_fault(self) -> None:
        if self._s.faults:
            raise self._s.faults.popleft()

    def _raise_if_closed(self, doing: str) -> None:
        closed = self._s.closed
        if isinstance(closed, ConnectionDropped):
            raise ConnectionDropped(f"{doing}: {closed}")
        if isinstance(closed, SessionClosed):
            raise SessionClosed(f"{doing}: {closed}")

    def _closed_waiting(self, operation: str, test: Where, start: int) -> BaseException:
        doing = f"waiting for a {operation} event where {test.description}; {self._arrivals(start)}"
        if isinstance(self._s.closed, ConnectionDropped):
            return ConnectionDropped(self._scrub(f"{self._s.closed} while {doing}"))
        return SessionClosed(self._scrub(f"{self._s.closed} while {doing}"))

    def _arrivals(self, start: int) -> str:
        """The events that arrived since ``start`` and those still unconsumed from before."""
        during = [e for e in self._s.history if e.seq > start]
        earlier = [e for e in self._s.inbox if e.seq <= start]
        parts = [f"events received meanwhile: {_listing(during)}"]
        if earlier:
            parts.append(f"unconsumed earlier events: {_listing(earlier)}")
        return "; ".join(parts)


def _preview(argument: Any, limit: int = 160) -> str:
    text = json.dumps(argument, ensure_ascii=False, default=repr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _listing(events: list[ReceivedEvent]) -> str:
    if not events:
        return "none"
    shown = [f"{e.operation} {_preview(e.argument)}" for e in events[:_LISTED]]
    more = f" and {len(events) - _LISTED} more" if len(events) > _LISTED else ""
    return "; ".join(shown) + more
