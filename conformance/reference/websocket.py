"""The event channel: a WebSocket carrying ROSE messages (protocol-notes §2-§3).

``/ws/client/websocket?x-ucsessionid=<id>`` (also with a trailing slash). A missing or unknown
session id refuses the upgrade with HTTP 400 and a reject body (invokeProblem 8); a request that
is no WebSocket upgrade gets 400 too. Never a 500.

Client frames: one ROSE message object (a JSON array of messages is tolerated; each element is
handled on its own). Server frames: always a JSON array, here of one message. Results, errors
and rejects carry the session id; events are invokes with invokeID 99999.

Invokes run concurrently, each in its own task, so a slow handler blocks nobody and replies may
come out of order. Bad input is answered, never punished by closing the connection:

* not JSON text, or an empty array: reject generalProblem badlyStructuredAPDU (invokednull) with
  the decoder's message in ``details``;
* JSON that is not a ROSE message: generalProblem unrecognisedAPDU; a ROSE message with members
  of the wrong type: generalProblem mistypedAPDU (with the invoke id when one can be read);
* an invoke whose argument is neither an object nor an array (the one array-typed argument,
  asnMgmtSetMeshNodeConfigs), or fails its schema: invokeProblem mistypedArgument;
* an unknown operation: invokeProblem unrecognisedOperation;
* an invoke id still running: invokeProblem duplicateInvocation;
* a sessionID member naming another session: invokeProblem invalidSessionID;
* a result or error from the client (the server never invokes the client): returnResultProblem
  or returnErrorProblem unrecognisedInvocation; a reject from the client is only logged.

asnLogoff (an event, 10.2.1) may be sent with any invoke id: the session ends, this channel gets
asnUserSessionDestroyed (48.2.1) and then closes.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from conformance.errors import RemoteProtocolError
from conformance.reference.dispatch import Success, dispatch
from conformance.reference.hooks import HookPoint
from conformance.reference.routes import (
    LINK_LATENCY,
    REPLY_DELAY,
    STATE,
    reject_response,
    session_id_of,
)
from conformance.reference.sessions import Session
from conformance.reference.state import ServerState
from conformance.rose import (
    EVENT_INVOKE_ID,
    Error,
    GeneralProblem,
    Invoke,
    InvokeProblem,
    Message,
    Reject,
    RejectProblem,
    Result,
    ReturnErrorProblem,
    ReturnResultProblem,
    encode_json,
    loads_json,
    parse_message,
    to_json_obj,
)

__all__ = [
    "BAD_FRAME_ACTION",
    "EVENT_DELAY",
    "EVENT_FORWARDED",
    "FRAME_DECODER",
    "FRAME_LIMIT",
    "INVOKE_ANSWER",
    "NOT_ROSE_ANSWERED",
    "OUTGOING_REPLY",
    "UNKNOWN_SESSION_UPGRADE",
    "EventChannel",
    "websocket_handler",
]

log = logging.getLogger("conformance.reference.websocket")

EVENT_FORWARDED: HookPoint[tuple[str, bool]] = HookPoint(
    "websocket.event-forwarded",
    "(event name, whether the event channel carries it to the client)",
)
EVENT_DELAY: HookPoint[float] = HookPoint(
    "websocket.event-delay", "seconds each event frame waits before it is queued (0: at once)"
)
OUTGOING_REPLY: HookPoint[Success | Error | Reject] = HookPoint(
    "reply.outgoing", "a result, error or reject just before it is sent on the WebSocket"
)
INVOKE_ANSWER: HookPoint[tuple[Invoke, Success | Error | Reject | None]] = HookPoint(
    "invoke.answer", "(invoke, its answer) on the WebSocket after dispatch; None: no answer"
)
BAD_FRAME_ACTION: HookPoint[str] = HookPoint(
    "frame.bad", 'what an undecodable frame gets: "reject" (correct) or "close"'
)
FRAME_DECODER: HookPoint[Callable[[str], Any]] = HookPoint(
    "frame.decoder", "the JSON reader of client frames (strict: rose.loads_json)"
)
NOT_ROSE_ANSWERED: HookPoint[bool] = HookPoint(
    "frame.not-rose", "whether JSON that is no ROSE message gets a reject (else it is ignored)"
)
FRAME_LIMIT: HookPoint[int] = HookPoint(
    "frame.limit", "the largest client frame in bytes; a larger one closes with 1009"
)
UNKNOWN_SESSION_UPGRADE: HookPoint[str] = HookPoint(
    "upgrade.unknown-session",
    "what a WebSocket upgrade naming no live session gets: 'refuse' (HTTP 400), "
    "'accept-and-close' (a reject invalidSessionID on the socket, then close) or 'accept-and-idle'",
)

_MAX_FRAME = 16 * 1024 * 1024
_KINDS = frozenset({"invoke", "result", "error", "reject"})
_CLOSE = None  # queue sentinel: close the socket after what is queued


async def websocket_handler(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    session_id = session_id_of(request)
    session = state.sessions.get(session_id)
    if session is None:
        what = "no x-ucsessionid given" if not session_id else f"unknown {session_id!r}"
        return await _unknown_session(request, state, f"session id: {what}")
    ws = web.WebSocketResponse(max_msg_size=state.faults.apply(FRAME_LIMIT, _MAX_FRAME))
    if request.method != "GET" or not ws.can_prepare(request).ok:
        return reject_response(
            GeneralProblem.UNRECOGNISED_APDU,
            "this route is the WebSocket event channel: send a GET with a WebSocket upgrade",
        )
    await ws.prepare(request)
    channel = EventChannel(state, session, ws)
    await channel.serve()
    return ws


async def _unknown_session(
    request: web.Request, state: ServerState, details: str
) -> web.StreamResponse:
    how = state.faults.apply(UNKNOWN_SESSION_UPGRADE, "refuse")
    ws = web.WebSocketResponse()
    if how == "refuse" or not ws.can_prepare(request).ok:
        return reject_response(InvokeProblem.INVALID_SESSION_ID, details)
    await ws.prepare(request)
    if how == "accept-and-close":
        reject = Reject(None, InvokeProblem.INVALID_SESSION_ID, details)
        await ws.send_str(encode_json(state.wire([to_json_obj(reject)])))
        await ws.close()
    else:
        async for _ in ws:  # served like a session, but with nothing behind it
            pass
    return ws


class EventChannel:
    """One WebSocket connection of a session; the session's event sink."""

    def __init__(self, state: ServerState, session: Session, ws: web.WebSocketResponse) -> None:
        self.state = state
        self.session = session
        self.ws = ws
        self.loop = asyncio.get_running_loop()
        # (when it may leave, frame): with a link latency every frame leaves that much later
        # than it was queued, in order, as through a relay; pipelined frames overlap.
        self._queue: asyncio.Queue[tuple[float, str | None]] = asyncio.Queue()
        self._latency = state.faults.apply(LINK_LATENCY, state.latency)
        self._running: dict[int, asyncio.Task[None]] = {}
        self._closing = False

    # --- EventSink (callable from any thread) ------------------------------------------------

    def deliver(self, event: Invoke) -> None:
        _, forwarded = self.state.faults.apply(EVENT_FORWARDED, (event.operation_name, True))
        if not forwarded:
            return
        frame = self._frame(event)
        delay = self.state.faults.apply(EVENT_DELAY, 0.0)
        if delay > 0 and not self.loop.is_closed():
            # on the loop's thread, whoever calls: call_later is not thread-safe
            self.loop.call_soon_threadsafe(self.loop.call_later, delay, self._put, frame)
        else:
            self._enqueue(frame)

    def close_soon(self) -> None:
        self._enqueue(_CLOSE)

    def _enqueue(self, item: str | None) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self._put(item)
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._put, item)

    def _put(self, item: str | None) -> None:
        if self._closing:
            return  # nothing after the close: not a reply, not an event
        if item is _CLOSE:
            self._closing = True
        self._queue.put_nowait((self.loop.time() + self._latency, item))

    # --- the connection ----------------------------------------------------------------------

    async def serve(self) -> None:
        writer = asyncio.create_task(self._write())
        self.state.channels.add(self)
        try:
            if not self.session.attach(self):  # ended between the lookup and now
                self.close_soon()
            async for message in self.ws:
                if message.type == WSMsgType.TEXT:
                    self._on_frame(message.data)
                elif message.type == WSMsgType.BINARY:
                    # JSON is text, but the bytes may well be UTF-8 JSON: be liberal.
                    self._on_frame(message.data.decode("utf-8", errors="replace"))
                else:  # ERROR; CLOSE/CLOSED end the iteration by themselves
                    break
        finally:
            self.session.detach(self)
            self.state.channels.discard(self)
            for task in list(self._running.values()):
                task.cancel()
            self._put(_CLOSE)
            try:
                await asyncio.wait_for(writer, timeout=5)
            except (TimeoutError, asyncio.CancelledError):
                writer.cancel()

    async def _write(self) -> None:
        while True:
            due, frame = await self._queue.get()
            if (wait := due - self.loop.time()) > 0:
                await asyncio.sleep(wait)
            if frame is _CLOSE:
                break
            try:
                await self.ws.send_str(frame)
            except (ConnectionError, RuntimeError) as exc:
                log.debug("session %s: send failed: %r", self.session.id, exc)
                break
        await self.ws.close()

    def _send(self, message: Success | Error | Reject) -> None:
        message = self.state.faults.apply(OUTGOING_REPLY, message)
        if isinstance(message, Success):
            self._put(self._frame(Result(message.invoke_id, message.result, 0, message.session_id)))
        else:
            self._put(self._frame(message))

    def _frame(self, message: Message) -> str:
        return encode_json(self.state.wire([to_json_obj(message)]))

    def _reject(self, invoke_id: int | None, problem: RejectProblem, details: str) -> None:
        self._send(Reject(invoke_id, problem, details, self.session.id))

    # --- input -------------------------------------------------------------------------------

    def _on_frame(self, text: str) -> None:
        try:
            value = self.state.faults.apply(FRAME_DECODER, loads_json)(text)
        except ValueError as exc:
            self._bad_frame(None, GeneralProblem.BADLY_STRUCTURED_APDU, f"not JSON text: {exc}")
            return
        items = value if isinstance(value, list) else [value]
        if not items:
            self._bad_frame(None, GeneralProblem.BADLY_STRUCTURED_APDU, "empty array: no message")
        for item in items:
            self._on_item(item)

    def _bad_frame(self, invoke_id: int | None, problem: RejectProblem, details: str) -> None:
        if self.state.faults.apply(BAD_FRAME_ACTION, "reject") == "close":
            self.close_soon()
        else:
            self._reject(invoke_id, problem, details)

    def _on_item(self, item: Any) -> None:
        invoke_id = _invoke_id_of(item)
        body = item.get("invoke") if isinstance(item, dict) else None
        argument = body.get("argument") if isinstance(body, dict) else None
        if argument is not None and not isinstance(argument, dict | list) and invoke_id is not None:
            self._reject(
                invoke_id,
                InvokeProblem.MISTYPED_ARGUMENT,
                f"argument must be a JSON object or array, got {json.dumps(argument)[:100]}",
            )
            return
        try:
            message = parse_message(item)
        except RemoteProtocolError as exc:
            known = isinstance(item, dict) and bool(_KINDS & item.keys())
            if not known and not self.state.faults.apply(NOT_ROSE_ANSWERED, True):
                log.info("session %s: ignored a frame that is no ROSE message", self.session.id)
                return
            problem = GeneralProblem.MISTYPED_APDU if known else GeneralProblem.UNRECOGNISED_APDU
            self._bad_frame(invoke_id, problem, str(exc))
            return
        self._on_message(message)

    def _on_message(self, message: Message) -> None:
        if isinstance(message, Result):
            self._reject(
                message.invoke_id,
                ReturnResultProblem.UNRECOGNISED_INVOCATION,
                "the server invoked nothing that this result could answer",
            )
        elif isinstance(message, Error):
            self._reject(
                message.invoke_id,
                ReturnErrorProblem.UNRECOGNISED_INVOCATION,
                "the server invoked nothing that this error could answer",
            )
        elif isinstance(message, Reject):
            log.info("session %s: client sent %r", self.session.id, message)
        else:
            self._on_invoke(message)

    def _on_invoke(self, invoke: Invoke) -> None:
        if invoke.session_id is not None and invoke.session_id != self.session.id:
            self._reject(
                invoke.invoke_id,
                InvokeProblem.INVALID_SESSION_ID,
                f"sessionID {invoke.session_id!r} is not this channel's session",
            )
            return
        # Events (99999) from the client expect no reply, so they cannot be duplicates.
        if invoke.invoke_id != EVENT_INVOKE_ID and invoke.invoke_id in self._running:
            self._reject(
                invoke.invoke_id,
                InvokeProblem.DUPLICATE_INVOCATION,
                f"invokeID {invoke.invoke_id} is still being processed",
            )
            return
        task = asyncio.create_task(self._run(invoke))
        if invoke.invoke_id != EVENT_INVOKE_ID:
            self._running[invoke.invoke_id] = task
            task.add_done_callback(lambda _: self._running.pop(invoke.invoke_id, None))

    async def _run(self, invoke: Invoke) -> None:
        session = self.session
        user = self.state.directory.user(session.user)
        if session.closed or user is None:
            self._reject(invoke.invoke_id, InvokeProblem.INVALID_SESSION_ID, "session ended")
            return
        try:
            outcome = await dispatch(self.state, invoke, user, session, "websocket")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.state.internal_error(f"{invoke.operation_name} over WebSocket: {exc!r}")
            self._reject(
                invoke.invoke_id, InvokeProblem.RESOURCE_LIMITATION, f"internal error: {exc!r}"
            )
            return
        _, outcome = self.state.faults.apply(INVOKE_ANSWER, (invoke, outcome))
        _, delay = self.state.faults.apply(REPLY_DELAY, (invoke.invoke_id, 0.0))
        if delay > 0:
            await asyncio.sleep(delay)
        if outcome is not None:
            self._send(outcome)


def _invoke_id_of(item: Any) -> int | None:
    """The invoke id of a (possibly malformed) message, to address the reject to it."""
    if not isinstance(item, dict):
        return None
    for kind, key in (("invoke", "invokeID"), ("result", "invokeID"), ("error", "invokedID")):
        body = item.get(kind)
        if isinstance(body, dict):
            value = body.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return value
    return None
