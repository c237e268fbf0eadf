"""A user session: createsession over HTTP, then the WebSocket event channel (§1-§2).

:class:`Session` owns one WebSocket (``websockets.sync``) and one reader thread. The reader
parses each frame with the shared ROSE core and hands the messages to a
:class:`~conformance.client.dispatch.Dispatcher`, which matches replies to invokes by id and
keeps the event inbox. Everything crossing the socket is validated against the catalogue:

* what we send (before sending): a violation is our bug, ``ArgumentInvalid`` (a SuiteError);
* every result and error against the operation's result/error type, and every event's
  argument against its event type: a ``SchemaViolation``; an event name the document does not
  define is a ``ConformanceViolation`` too.

Closing sends ``asnLogoff``, which the document lists as an event (10.2.1) although clients
send it: it goes out as an ordinary invoke with argument ``{}`` and nobody waits for a reply.
The session then waits (bounded) for the server to close or to send
``asnUserSessionDestroyed``, and closes the socket itself either way.

Raw frames (robustness tests): :meth:`Session.send_raw` sends frames exactly as given, and
:meth:`Session.wait_raw` reads what comes back. Replies to invoke ids taken with
:meth:`Session.reserve_invoke_id`, and from the first raw frame on every reject that names no
invoke (``invokednull``), go to a raw inbox instead of the invoke correlation, so that answers
to deliberately broken frames are read by the test rather than reported as unsolicited. Both
directions are recorded in the transcript. :meth:`Session.attempt_upgrade` tries the WebSocket
upgrade for any session id and returns the HTTP answer of a refusal.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import quote

from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidStatus,
    InvalidURI,
)
from websockets.sync.client import ClientConnection, connect

from conformance.catalog import OperationInfo
from conformance.client.auth import Auth
from conformance.client.checks import Checks
from conformance.client.dispatch import Dispatcher, WhereLike
from conformance.client.exceptions import ConnectionDropped, SessionClosed
from conformance.client.http import DEFAULT_NEGOTIATE, HttpClient
from conformance.client.outcome import HttpOutcome, HttpResponse, Outcome
from conformance.client.raw import RawInbox, RawReply
from conformance.client.transcript import Transcript
from conformance.errors import (
    ConformanceViolation,
    RemoteProtocolError,
    SuiteError,
    TargetUnreachable,
)
from conformance.rose import (
    Invoke,
    JsonObject,
    Message,
    Reject,
    encode_json,
    parse_frame,
    to_json_obj,
)

__all__ = ["WEBSOCKET_PATH", "RawReply", "SentInvoke", "Session", "UpgradeAttempt"]

WEBSOCKET_PATH = "/ws/client/websocket"
LOGOFF = "asnLogoff"
SESSION_DESTROYED = "asnUserSessionDestroyed"
_MAX_FRAME = 64 * 1024 * 1024  # event lists (contacts, journals) can be large


@dataclass(frozen=True)
class SentInvoke:
    """An invoke on its way: :meth:`Session.await_reply` collects its reply."""

    operation: str
    invoke_id: int
    info: OperationInfo | None
    """The catalogue's entry (None: a name the catalogue lacks, sent on purpose)."""


@dataclass(frozen=True)
class UpgradeAttempt:
    """What a WebSocket upgrade attempt got: refused over HTTP, or accepted and then closed
    by the server (or not) within the wait."""

    refusal: HttpResponse | None
    """The HTTP answer of a refused upgrade (None: accepted, HTTP 101)."""
    closed_by_server: bool = False
    """Accepted, and the server closed the socket within the wait."""
    frames: tuple[str | bytes, ...] = ()
    """What the server sent on an accepted socket before it closed."""


class Session:
    """One user session with its event channel. Use :meth:`open`, then ``with`` or close()."""

    def __init__(
        self,
        client: HttpClient,
        session_id: str,
        *,
        transcript: Transcript | None = None,
        websocket_path: str = WEBSOCKET_PATH,
        invoke_timeout: float = 10.0,
        event_timeout: float = 5.0,
        close_timeout: float = 2.0,
    ) -> None:
        self.client = client
        self.session_id = session_id
        self.transcript = (
            transcript if transcript is not None else Transcript(redactor=client.redactor)
        )
        self.websocket_path = websocket_path
        self.invoke_timeout = invoke_timeout
        self.event_timeout = event_timeout
        self.close_timeout = close_timeout
        self.dispatcher = Dispatcher(
            timeout_factor=client.target.timeout_factor,
            check_event=client.checks.event,
            scrub=client.redactor.text,
            note=self.transcript.note,
        )
        self._ws: ClientConnection | None = None
        self._stack = contextlib.ExitStack()
        self._reader: threading.Thread | None = None
        self._send_lock = threading.Lock()
        self._close_lock = threading.Lock()
        self._closing = threading.Event()
        self._closed = False
        self._raw = RawInbox()
        self.close_code: int | None = None
        """The close code the server's close frame carried, once the connection is closed."""

    # --- opening ----------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        client: HttpClient,
        auth: Auth,
        *,
        method: str = "POST",
        negotiate: JsonObject | None = DEFAULT_NEGOTIATE,
        websocket_path: str = WEBSOCKET_PATH,
        invoke_timeout: float = 10.0,
        event_timeout: float = 5.0,
        close_timeout: float = 2.0,
    ) -> Session:
        """createsession (which must succeed), then connect the event channel."""
        transcript = Transcript(redactor=client.redactor)
        session_id = client.new_session_id(
            auth, method=method, negotiate=negotiate, transcript=transcript
        )
        session = cls(
            client,
            session_id,
            transcript=transcript,
            websocket_path=websocket_path,
            invoke_timeout=invoke_timeout,
            event_timeout=event_timeout,
            close_timeout=close_timeout,
        )
        session.connect()
        return session

    @property
    def websocket_url(self) -> str:
        target = self.client.target
        query = f"x-ucsessionid={quote(self.session_id, safe='')}"
        return f"{target.websocket_base}{self.websocket_path}?{query}"

    def connect(self) -> None:
        """Open the WebSocket of this session and start the reader thread."""
        if self._ws is not None or self._closed:
            raise SessionClosed("connect() may be called once, before close()")
        target, url = self.client.target, self.websocket_url
        self.transcript.note(f"WebSocket connect {url}")
        try:
            # The context-manager form is websockets' supported API; the ExitStack lets the
            # connection outlive this method until close().
            self._ws = self._stack.enter_context(
                connect(
                    url,
                    ssl=target.ssl_context(),
                    open_timeout=target.http_timeout,
                    close_timeout=target.scale(self.close_timeout),
                    proxy=None,  # like trust_env=False on the HTTP side
                    # No keepalive pings: every wait has its own timeout, and websockets draws
                    # ping payloads from the global random module in a thread of its own, which
                    # upsets hypothesis' draws in the fuzz tests while a worker's shared
                    # sessions live.
                    ping_interval=None,
                    max_size=_MAX_FRAME,
                    legacy=False,
                )
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            body = exc.response.body or b""
            raise ConformanceViolation(
                self.client.redactor.text(
                    f"WebSocket {url}: expected the upgrade (HTTP 101), got HTTP {status}: "
                    f"{body[:200]!r}"
                )
            ) from None
        except InvalidURI as exc:
            raise SuiteError(f"WebSocket {url}: invalid URI ({exc})") from None
        except InvalidHandshake as exc:
            raise RemoteProtocolError(f"WebSocket {url}: broken handshake: {exc}") from None
        except (OSError, TimeoutError) as exc:
            raise TargetUnreachable(f"WebSocket {url}: cannot connect: {_os_reason(exc)}") from None
        self._reader = threading.Thread(
            target=self._read, name=f"ucsession-{self.session_id[:8]}", daemon=True
        )
        self._reader.start()

    # --- invoking ---------------------------------------------------------------------------

    def invoke(
        self,
        operation: str,
        argument: JsonObject | None = None,
        *,
        timeout: float | None = None,
        check_argument: bool = True,
    ) -> Outcome:
        """Send one invoke and wait (scaled) for its result, error or reject.

        ``check_argument=False`` sends an argument or an operation name the catalogue would
        refuse (robustness tests); the reply is still validated where the operation is known.
        """
        sent = self.send_invoke(operation, argument, check_argument=check_argument)
        return self.await_reply(sent, timeout=timeout)

    def send_invoke(
        self,
        operation: str,
        argument: JsonObject | None = None,
        *,
        check_argument: bool = True,
        checks: Checks | None = None,
        transcript: Transcript | None = None,
    ) -> SentInvoke:
        """Send one invoke without waiting: :meth:`await_reply` collects its reply. Several
        may be in flight at once; replies are matched by invoke id (protocol-notes §2).

        ``checks`` (default: the client's) guards and validates what is sent; ``transcript``
        records the frame too (a test's own, when the session serves several tests)."""
        checks = checks if checks is not None else self.client.checks
        info = checks.outgoing(operation, argument, check_argument)
        invoke_id = self.dispatcher.register(operation)
        written = argument if argument is not None else {}
        number = 0
        if check_argument and info is not None:
            written = self.client.dialect.argument(info.argument, written)
            number = self.client.dialect.operation_id(operation)
        try:
            self._send(Invoke(invoke_id, operation, written, number), transcript)
        except BaseException:
            self.dispatcher.abandon(invoke_id)
            raise
        return SentInvoke(operation, invoke_id, info)

    def await_reply(
        self,
        sent: SentInvoke,
        *,
        timeout: float | None = None,
        checks: Checks | None = None,
        transcript: Transcript | None = None,
    ) -> Outcome:
        """The reply to ``sent`` within ``timeout`` (default: the invoke timeout; scaled,
        counted from the sending), validated with ``checks`` (default: the client's)."""
        wait = timeout if timeout is not None else self.invoke_timeout
        reply, elapsed = self.dispatcher.wait_reply(sent.invoke_id, wait)
        label = f"WebSocket {sent.operation} #{sent.invoke_id}"
        if transcript is not None:
            transcript.frame("<", encode_json(to_json_obj(reply)), f"reply {label}")
        outcome = Outcome(sent.operation, reply, elapsed, scrub=self.client.redactor.text)
        (checks if checks is not None else self.client.checks).reply(sent.info, reply, label)
        return outcome

    def send_event(self, operation: str, argument: JsonObject | None = None) -> None:
        """Send an event the client may send (asnAVAlert, asnRequestSTUNandTURN, ...): an
        invoke with invokeID 99999 that nobody answers (protocol-notes §3). A reject the server
        sends back anyway reaches no invoke and is reported as a fault of the session."""
        info = self.client.checks.outgoing(operation, argument)
        assert info is not None  # outgoing() raises for an unknown name when it checks
        if not info.is_event:
            raise SuiteError(f"{operation} is an operation (section {info.section}): invoke it")
        written = self.client.dialect.argument(info.argument, argument or {})
        number = self.client.dialect.operation_id(operation)
        self._send(Invoke.event(operation, written, number))

    def call_http(
        self, operation: str, argument: JsonObject | None = None, **kwargs: Any
    ) -> HttpOutcome:
        """``/ws/client/<operation>`` over HTTP in this session, recorded in its transcript."""
        kwargs.setdefault("transcript", self.transcript)
        return self.client.client(self.session_id, operation, argument, **kwargs)

    # --- raw frames -------------------------------------------------------------------------

    def reserve_invoke_id(self) -> int:
        """An invoke id for a hand-made frame: :meth:`invoke` never uses it while the session
        lives, and every reply addressed to it goes to the raw inbox (:meth:`wait_raw`)."""
        invoke_id = self.dispatcher.register("a raw frame")
        self.dispatcher.abandon(invoke_id)
        self._raw.claim(invoke_id)
        return invoke_id

    def send_raw(self, *frames: str | bytes, label: str = "raw frame") -> int:
        """Send ``frames`` exactly as given (``bytes`` as binary frames), back to back in one
        socket write; returns the raw inbox's mark for :meth:`wait_raw` (``since``).

        From now on, rejects that name no invoke go to the raw inbox."""
        ws = self._ws
        if ws is None:
            raise SessionClosed("the session is not connected")
        self._raw.claim_anonymous()
        mark = self._raw.mark()
        with self._send_lock:
            for frame in frames:
                self.transcript.frame(">", frame, label)
            try:
                with ws.send_context():
                    for frame in frames:
                        if isinstance(frame, bytes):
                            ws.protocol.send_binary(frame)
                        else:
                            ws.protocol.send_text(frame.encode("utf-8"))
            except ConnectionClosed as exc:
                raise ConnectionDropped(
                    f"cannot send a {label}: the connection is closed ({_close_reason(exc)})"
                ) from None
        return mark

    def wait_raw(
        self, *invoke_ids: int | None, since: int = 0, timeout: float | None = None
    ) -> RawReply:
        """The first raw-inbox reply after ``since`` addressed to one of ``invoke_ids`` (None:
        a reject naming no invoke), waiting up to ``timeout`` (default: the invoke timeout),
        scaled. Raises ``InvokeTimeout`` or ``ConnectionDropped`` (both violations)."""
        if not invoke_ids:
            raise SuiteError("wait_raw() needs at least one invoke id (or None)")
        wait = timeout if timeout is not None else self.invoke_timeout
        return self._raw.wait(frozenset(invoke_ids), since, self.client.target.scale(wait))

    def raw_replies(self, since: int = 0) -> list[RawReply]:
        """Every raw-inbox reply that arrived after ``since``, in arrival order."""
        return self._raw.replies(since)

    @classmethod
    def attempt_upgrade(
        cls,
        client: HttpClient,
        session_id: str,
        *,
        websocket_path: str = WEBSOCKET_PATH,
        transcript: Transcript | None = None,
    ) -> HttpResponse | None:
        """Try the WebSocket upgrade for ``session_id``: the HTTP answer of a refusal, or None
        if the server accepted (the socket is then closed again at once)."""
        attempt = cls.try_upgrade(
            client, session_id, websocket_path=websocket_path, transcript=transcript
        )
        return attempt.refusal

    @classmethod
    def try_upgrade(
        cls,
        client: HttpClient,
        session_id: str,
        *,
        websocket_path: str = WEBSOCKET_PATH,
        transcript: Transcript | None = None,
        wait_close: float = 0.0,
    ) -> UpgradeAttempt:
        """Try the WebSocket upgrade for ``session_id``. If the server accepts, read what it
        sends for up to ``wait_close`` seconds (scaled) or until it closes the socket."""
        session = cls(client, session_id, transcript=transcript, websocket_path=websocket_path)
        url, target = session.websocket_url, client.target
        session.transcript.note(f"WebSocket upgrade attempt {url}")
        started = time.monotonic()
        try:
            with connect(
                url,
                ssl=target.ssl_context(),
                open_timeout=target.http_timeout,
                close_timeout=target.scale(session.close_timeout),
                proxy=None,
            ) as ws:
                session.transcript.note("the upgrade was accepted (HTTP 101)")
                return _await_close(ws, session.transcript, target.scale(wait_close))
        except InvalidStatus as exc:
            response = exc.response
            body = bytes(response.body or b"")
            headers = dict(response.headers.raw_items())
            session.transcript.http_response(
                response.status_code,
                response.reason_phrase,
                headers,
                body,
                time.monotonic() - started,
            )
            return UpgradeAttempt(
                HttpResponse(
                    operation="WebSocket upgrade",
                    method="GET",
                    url=client.redactor.url(url),
                    status=response.status_code,
                    reason=response.reason_phrase,
                    headers=response.headers,
                    content=body,
                    elapsed=time.monotonic() - started,
                    scrub=client.redactor.text,
                )
            )
        except InvalidHandshake as exc:
            raise RemoteProtocolError(f"WebSocket {url}: broken handshake: {exc}") from None
        except (OSError, TimeoutError) as exc:
            raise TargetUnreachable(f"WebSocket {url}: cannot connect: {_os_reason(exc)}") from None

    # --- events -----------------------------------------------------------------------------

    def wait_for(
        self,
        operation: str | tuple[str, ...],
        where: WhereLike = None,
        timeout: float | None = None,
    ) -> Invoke:
        """Consume the first ``operation`` event (or the first of any of several names) whose
        argument matches ``where``.

        ``where`` is a mapping of members the argument must contain (recursively), a callable
        on the argument, or a :class:`~conformance.client.dispatch.Where` with a description.
        Raises ``EventTimeout`` listing the events that did arrive.
        """
        wait = timeout if timeout is not None else self.event_timeout
        return self.dispatcher.wait_for(operation, where, wait)

    def assert_quiet(
        self, operation: str, seconds: float, where: WhereLike = None, *, since: int | None = None
    ) -> None:
        """Raise ``UnwantedEvent`` if a matching event arrives within ``seconds`` (scaled)."""
        self.dispatcher.assert_quiet(operation, seconds, where, since=since)

    def events(self, operation: str | None = None) -> list[Invoke]:
        """Every event received so far, consumed or not, in arrival order."""
        return self.dispatcher.events(operation)

    def mark(self) -> int:
        return self.dispatcher.mark()

    def raise_fault(self) -> None:
        """Raise the oldest fault the reader found and nobody has reported yet."""
        self.dispatcher.raise_fault()

    # --- closing ----------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run (the session is logged off and its socket shut)."""
        return self._closed

    def close(self) -> None:
        """Log off, wait (bounded) for the server to end the session, close; idempotent."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        try:
            if self._ws is not None and not self.dispatcher.closed:
                self._logoff()
        finally:
            self._closing.set()
            try:
                self._stack.close()
            except Exception as exc:  # closing must not mask the test's own outcome
                self.transcript.note(f"closing the WebSocket failed: {exc!r}")
            if self._reader is not None:
                self._reader.join(self.client.target.scale(self.close_timeout) + 1.0)
                if self._reader.is_alive():
                    self.transcript.note("the reader thread did not stop in time")
            self.dispatcher.connection_lost("closed by the suite", expected=True)

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
        if exc_type is None:
            self.raise_fault()  # a fault nobody reported must not vanish with the session

    def _logoff(self) -> None:
        try:
            self.client.checks.outgoing(LOGOFF, {})  # validates our own argument
            invoke_id = self.dispatcher.register(LOGOFF, raise_faults=False)
        except (SuiteError, ConformanceViolation) as exc:
            self.transcript.note(f"not sending {LOGOFF}: {exc}")
            return
        self.dispatcher.abandon(invoke_id)  # an event: no reply expected, any reply ignored
        self._closing.set()  # from now on the server may close the socket
        try:
            dialect = self.client.dialect
            self._send(Invoke(invoke_id, LOGOFF, {}, dialect.operation_id(LOGOFF)))
        except (ConnectionDropped, SessionClosed):
            return
        self.client.forget_session(self.session_id)  # logged off: nothing left to clean up
        if not self.dispatcher.settle(SESSION_DESTROYED, self.close_timeout):
            self.transcript.note(
                f"neither {SESSION_DESTROYED} nor a close from the server within "
                f"{self.client.target.scale(self.close_timeout):g} s after {LOGOFF}"
            )

    # --- the socket -------------------------------------------------------------------------

    def _send(self, message: Invoke, transcript: Transcript | None = None) -> None:
        ws = self._ws
        if ws is None:
            raise SessionClosed("the session is not connected")
        text = encode_json(self.client.dialect.message(message))
        label = f"invoke {message.operation_name} #{message.invoke_id}"
        with self._send_lock:
            for record in (self.transcript, transcript):
                if record is not None:
                    record.frame(">", text, label)
            try:
                ws.send(text)
            except ConnectionClosed as exc:
                raise ConnectionDropped(
                    f"cannot send {message.operation_name}: the connection is closed "
                    f"({_close_reason(exc)})"
                ) from None

    def _read(self) -> None:
        """The reader thread: never dies silently, always tells the dispatcher why it ends."""
        ws = self._ws
        assert ws is not None
        try:
            while True:
                try:
                    data = ws.recv()
                except ConnectionClosed as exc:
                    self.close_code = exc.rcvd.code if exc.rcvd is not None else None
                    self._raw.close(_close_reason(exc))
                    self.dispatcher.connection_lost(
                        _close_reason(exc), expected=self._closing.is_set()
                    )
                    return
                self._on_frame(data)
        except Exception as exc:  # a bug of ours: report it as broken, never swallow it
            self.dispatcher.fault(
                SuiteError(f"the session reader failed: {exc!r}"), fail_pending=True
            )
            self._raw.close(f"reader failed: {exc!r}")
            self.dispatcher.connection_lost(f"reader failed: {exc!r}", expected=False)

    def _on_frame(self, data: str | bytes) -> None:
        if isinstance(data, bytes):
            self.transcript.frame("<", data, "binary frame")
            self.dispatcher.fault(
                RemoteProtocolError(
                    "a binary WebSocket frame; the channel carries JSON text", data
                ),
                fail_pending=True,
            )
            return
        try:
            messages = parse_frame(data)
        except RemoteProtocolError as exc:
            self.transcript.frame("<", data, "unparseable frame")
            self.dispatcher.fault(exc, fail_pending=True)
            return
        label = ", ".join(_label(m) for m in messages) or "empty frame"
        if not data.lstrip().startswith("["):
            # Tolerated, but servers send arrays (protocol-notes.md §2): keep it visible.
            label += " (a bare object, not an array)"
        self.transcript.frame("<", data, label)
        self.dispatcher.feed(self._raw.take(messages))


def _await_close(ws: ClientConnection, transcript: Transcript, limit: float) -> UpgradeAttempt:
    """Read an accepted socket until the server closes it or ``limit`` seconds pass."""
    frames: list[str | bytes] = []
    deadline = time.monotonic() + limit
    try:
        while (remaining := deadline - time.monotonic()) > 0:
            frame = ws.recv(timeout=remaining)
            transcript.frame("<", frame, "on an accepted upgrade")
            frames.append(frame)
    except ConnectionClosed as exc:
        transcript.note(f"the server closed the socket: {_close_reason(exc)}")
        return UpgradeAttempt(None, True, tuple(frames))
    except TimeoutError:
        pass
    transcript.note("closing the accepted socket")
    return UpgradeAttempt(None, False, tuple(frames))


def _label(message: Message) -> str:
    if isinstance(message, Invoke):
        kind = "event" if message.is_event else f"invoke #{message.invoke_id}"
        return f"{kind} {message.operation_name}"
    if isinstance(message, Reject):
        return f"reject #{message.invoke_id} {message.problem.kind} {message.problem.name}"
    return f"{type(message).__name__.lower()} #{message.invoke_id}"


def _close_reason(exc: ConnectionClosed) -> str:
    if exc.rcvd is None:
        return "closed without a close frame"
    reason = f" {exc.rcvd.reason!r}" if exc.rcvd.reason else ""
    return f"close code {exc.rcvd.code}{reason}"


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return f"{type(exc).__name__}: {exc}"
