"""User sessions: created by /ws/client/createsession, owned by one user, ended by asnLogoff.

A session is the unit of event delivery. Handlers push events with
``session.send_event(operation, argument)``; the session hands them to its event sinks (the
WebSocket connections opened with its id) and to nobody else, so events of one session never
reach another. While no WebSocket is attached, events wait in a bounded backlog and are
delivered when one attaches: a client may create the session, subscribe over HTTP and only then
open the event channel.

Session ids are 32 upper-case hex digits (128 random bits), the form of the document's example
(L187); the document states no format (N17), and :data:`NEW_SESSION_ID` lets a variation
issue another. Sessions do not expire on their own: the document names timeouts and missing
keep-alives as reasons for asnUserSessionDestroyed (48.2.1, L52944-L52957) but gives no
interval, so the reference server ends a session only on asnLogoff or when it stops.

Thread safety: the registry and each session guard their state with a lock, so sessions may be
created, looked up and ended from the server's loop and from test threads alike. Sinks are
called outside the locks and must themselves be safe to call from any thread.
"""

from __future__ import annotations

import secrets
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from conformance.reference.hooks import HookPoint
from conformance.rose import Invoke, JsonObject

__all__ = ["NEW_SESSION_ID", "EventPreparer", "EventSink", "Session", "SessionRegistry"]

NEW_SESSION_ID: HookPoint[str] = HookPoint(
    "session.new-id", "the id of a new session (32 random upper-case hex digits by default)"
)

BACKLOG_LIMIT = 1000
"""Events kept for a session without an attached WebSocket; the oldest are dropped beyond."""

SESSION_DESTROYED = "asnUserSessionDestroyed"


class EventSink(Protocol):
    """Where a session's events go: in practice one WebSocket connection."""

    def deliver(self, event: Invoke) -> None:
        """Send ``event``; must not block and must be callable from any thread."""

    def close_soon(self) -> None:
        """Close after everything already delivered has been sent."""


EventPreparer = Callable[["Session", str, JsonObject], Invoke]
"""Turns (session, operation, argument) into the event invoke to send (validates, applies
faults); supplied by the server so that sessions know nothing of schemas."""


class Session:
    def __init__(
        self,
        session_id: str,
        user: str,
        prepare: EventPreparer,
        created_at: float,
        client_app_id: str | None = None,
    ) -> None:
        self.id = session_id
        self.user = user
        """The login name of the session's owner."""
        self.created_at = created_at
        self.client_app_id = client_app_id
        """``clientappid`` of createsession, as sent (an SDK/web client sends 15)."""
        self.data: dict[str, Any] = {}
        """Per-session state of the protocol modules (subscriptions, monitors), by module."""
        self._prepare = prepare
        self._lock = threading.Lock()
        self._sinks: list[EventSink] = []
        self._backlog: deque[Invoke] = deque(maxlen=BACKLOG_LIMIT)
        self._on_close: list[Callable[[Session], None]] = []
        self._closed = False

    def __repr__(self) -> str:
        return f"Session({self.id}, user={self.user!r}, closed={self._closed})"

    @property
    def closed(self) -> bool:
        return self._closed

    def send_event(self, operation: str, argument: JsonObject) -> None:
        """Push an event (an invoke with invokeID 99999) to this session's event channel."""
        event = self._prepare(self, operation, argument)
        with self._lock:
            if self._closed:
                return
            sinks = list(self._sinks)
            if not sinks:
                self._backlog.append(event)
        for sink in sinks:
            sink.deliver(event)

    def attach(self, sink: EventSink) -> bool:
        """Route events to ``sink`` (and the backlog first); False if the session is closed."""
        with self._lock:
            if self._closed:
                return False
            self._sinks.append(sink)
            backlog = list(self._backlog)
            self._backlog.clear()
        for event in backlog:
            sink.deliver(event)
        return True

    def detach(self, sink: EventSink) -> None:
        with self._lock:
            if sink in self._sinks:
                self._sinks.remove(sink)

    def on_close(self, callback: Callable[[Session], None]) -> None:
        """Run ``callback(session)`` when the session ends (to drop subscriptions, monitors).

        It runs in the thread that ends the session: the server's loop, unless a test ends the
        session directly."""
        with self._lock:
            self._on_close.append(callback)

    def _close(self) -> None:
        farewell = self._prepare(self, SESSION_DESTROYED, {"u8sSessionID": self.id})
        with self._lock:
            if self._closed:
                return
            self._closed = True
            sinks, self._sinks = self._sinks, []
            callbacks, self._on_close = self._on_close, []
            self._backlog.clear()
        for sink in sinks:
            sink.deliver(farewell)
            sink.close_soon()
        for callback in callbacks:
            callback(self)


class SessionRegistry:
    def __init__(
        self,
        prepare: EventPreparer,
        now: Callable[[], float],
        bend_id: Callable[[str], str] = lambda session_id: session_id,
        on_change: Callable[[Session], None] = lambda session: None,
    ) -> None:
        self._prepare = prepare
        self._on_change = on_change
        """Called after a session began or ended (the user's other sessions may be told)."""
        self._now = now
        self._bend_id = bend_id
        """Applies faults and variations to a new id (:data:`NEW_SESSION_ID`)."""
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}

    def create(self, user: str, client_app_id: str | None = None) -> Session:
        with self._lock:
            session_id = self._bend_id(secrets.token_hex(16).upper())
            while session_id in self._sessions:  # 128 random bits; the loop is for form's sake
                session_id = self._bend_id(secrets.token_hex(16).upper())
            session = Session(session_id, user, self._prepare, self._now(), client_app_id)
            self._sessions[session_id] = session
        self._on_change(session)
        return session

    def get(self, session_id: str | None) -> Session | None:
        """The open session with this id, or None (unknown, ended, or no id given)."""
        if not session_id:
            return None
        with self._lock:
            return self._sessions.get(session_id)

    def destroy(self, session_id: str) -> bool:
        """End a session: asnUserSessionDestroyed to its event channels, which then close."""
        with self._lock:
            session = self._sessions.pop(session_id, None)
        if session is None:
            return False
        session._close()
        self._on_change(session)
        return True

    def of_user(self, user: str) -> list[Session]:
        with self._lock:
            return [s for s in self._sessions.values() if s.user == user]

    def all(self) -> list[Session]:
        with self._lock:
            return list(self._sessions.values())

    def destroy_all(self) -> None:
        for session in self.all():
            self.destroy(session.id)
