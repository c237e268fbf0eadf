"""Handlers of the AudioVideo module (document chapter 12, L15291-L16353; types chapter 13).

The server is the switchboard between the clients of an audio/video call; the media flow
between the clients themselves. What it models:

Endpoints
---------
Each session is one AV endpoint, named by an endpoint ID the server gives it on first use (the
EndpointIDs of L15513-L15515 and AsnAVCallAndConnectionID, 13.1.4, L16495-L16506: "CallID and
physical endpoint"). The endpoint ends with its session.

Calls
-----
asnAVMakeCall (12.1.1, L15329-L15408) calls the user whose SIP identity is ``u8sUriTo``; an
unknown identity is AsnAVMakeCallError ``general`` (100, 13.1.1, L16461). The result carries the
call's ID and the caller's endpoint; each other session of the called user (every endpoint of
that user: the call is forked, L16498-L16499) gets asnAVNewCall (12.2.1) with the same call ID,
its own endpoint ("IDs fuer den Angerufenen", L15489), the caller's endpoint as
``endpointIDFrom`` and the offer (type, URIs, content type, body, caps, chat ID) as sent.

End-to-end messages
-------------------
The events a client sends about a call it is party to and that name the receiving endpoint
(``endpointIDTo``, "ID des Message Empfaengers", L15640, L15672, L16249): asnAVAlert,
asnAVConnect, asnAVCallMessage, asnAVCallStateChanged, asnAVCallHold(Ack), asnAVCallRetrieve(Ack)
and the four transfer events go, argument unchanged, to that endpoint's session only, in the
order they came. asnAVConnect "drops forked users" (13.1.9, L16612): the other endpoints of the
called user get asnAVDropCall. asnAVDropCall (12.2.6) names the call (every other endpoint,
L15707-L15709) or one endpoint of it (dropTarget, AsnAVCallOrConnection, 13.1.19); it goes there
unchanged and ends the call when the caller leaves or no called endpoint is left. An event about
an unknown call, from an endpoint not in it, or to one not in it, is dropped (an event gets no
reply). A session that ends leaves its calls: a caller's end drops the call at every called
endpoint, a called endpoint's end drops it at the caller once no called endpoint is left.

The media change events (asnAVMakeMedia ... asnAVDropMedia, 12.2.9-12.2.13) inform the server
"about media changes in existing call (currently to enable journalling of media switching)"
(L16747-L16749) and "werden im server terminiert" (L16762): the server takes them and forwards
nothing.

STUN and TURN
-------------
asnRequestSTUNandTURN (12.2.7) is answered with asnSTUNandTURNConfigChanged (12.2.8, L15750:
"vom Client angefordert durch asnRequestSTUNandTURN") to the requesting session, holding the
same configuration asnGetSTUNandTURN (12.1.2) answers: one STUN server (:data:`STUN_URI`).
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from conformance.reference.clock import iso_utc
from conformance.reference.dispatch import Call, OperationError, operation
from conformance.reference.hooks import HookPoint
from conformance.reference.sessions import Session
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = [
    "FORKS_DROPPED",
    "FORWARD_ARGUMENT",
    "FORWARD_DELAY",
    "FORWARD_RECIPIENTS",
    "MEDIA_TERMINATED",
    "NEW_CALL_RECIPIENTS",
    "STUN_ANSWERED",
    "STUN_URI",
    "AvCall",
    "AvState",
    "Routing",
    "av_of",
    "snapshot",
]

STUN_URI = "stun:stun.reference.invalid:3478"
ESTUN = 1  # EnumSTUNandTURNType (13.1.2, L16469)
GENERAL = 100  # AsnAVMakeCallErrorEnum general (13.1.1, L16461)
CANCEL = 2  # iAvDropReason for a forked endpoint another one answered (CANCEL, L17035-L17036)
NORMAL_CALL_CLEARING = 0  # iAvDropReason of a call whose session ended (L17034)
DROP = "asnAVDropCall"
NEW_CALL = "asnAVNewCall"

END_TO_END = (
    "asnAVAlert",
    "asnAVConnect",
    "asnAVCallMessage",
    "asnAVCallStateChanged",
    "asnAVCallHold",
    "asnAVCallHoldAck",
    "asnAVCallRetrieve",
    "asnAVCallRetrieveAck",
    "asnAVTransferGetID",
    "asnAVTransferGetIDResult",
    "asnAVTransferStart",
    "asnAVTransferStartResult",
)
MEDIA = (
    "asnAVMakeMedia",
    "asnAVNewMedia",
    "asnAVConnectMedia",
    "asnAVAlertMedia",
    "asnAVDropMedia",
)

_ENDPOINT_KEY = "audiovideo.endpoint"

# --- hook points (faults: conformance.reference.faults.audiovideo) ---------------------------

NEW_CALL_RECIPIENTS: HookPoint[tuple[Session, ...]] = HookPoint(
    "av.new-call-recipients", "the sessions asnAVNewCall goes to (every session of the callee)"
)


@dataclass(frozen=True)
class Routing:
    """Where one end-to-end AV event goes."""

    event: str
    recipients: tuple[Session, ...]
    """The addressed endpoints' sessions: where it goes."""
    sender: Session
    everyone: tuple[Session, ...]
    """Every session of the server (for faults that send it astray)."""


FORWARD_RECIPIENTS: HookPoint[Routing] = HookPoint(
    "av.forward-recipients", "the sessions an end-to-end AV event goes to (the addressed one)"
)
FORWARD_ARGUMENT: HookPoint[tuple[str, JsonObject]] = HookPoint(
    "av.forward-argument", "(event, the argument an end-to-end AV event is forwarded with)"
)
FORWARD_DELAY: HookPoint[tuple[str, JsonObject, float]] = HookPoint(
    "av.forward-delay",
    "(event, argument, seconds an end-to-end AV event waits before it is forwarded: 0)",
)
FORKS_DROPPED: HookPoint[bool] = HookPoint(
    "av.forks-dropped", "whether asnAVConnect drops the other forked endpoints (L16612)"
)
MEDIA_TERMINATED: HookPoint[bool] = HookPoint(
    "av.media-terminated",
    "whether media change events end at the server (L16762) instead of going to the peer",
)
STUN_ANSWERED: HookPoint[bool] = HookPoint(
    "av.stun-answered", "whether asnRequestSTUNandTURN gets asnSTUNandTURNConfigChanged"
)


# --- per-server state -----------------------------------------------------------------------


@dataclass
class AvCall:
    call_id: str
    caller: str
    """The caller's endpoint ID."""
    callees: set[str] = field(default_factory=set)
    """The called user's endpoints still in the call."""

    def parties(self) -> set[str]:
        return {self.caller, *self.callees}


class AvState:
    """Endpoints (one per session) and calls; sessions end on other threads, hence the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        self._calls: dict[str, AvCall] = {}

    def endpoint(self, session: Session) -> str:
        """The endpoint ID of ``session`` (given on first use; it ends with the session)."""
        with self._lock:
            known: str | None = session.data.get(_ENDPOINT_KEY)
            if known is not None:
                return known
            endpoint = uuid.uuid4().hex.upper()
            session.data[_ENDPOINT_KEY] = endpoint
            self._sessions[endpoint] = session
        session.on_close(self._session_ended)
        return endpoint

    def session(self, endpoint: str) -> Session | None:
        with self._lock:
            return self._sessions.get(endpoint)

    def open(self, call: AvCall) -> None:
        with self._lock:
            self._calls[call.call_id] = call

    def call(self, call_id: str) -> AvCall | None:
        with self._lock:
            return self._calls.get(call_id)

    def leave(self, call: AvCall, endpoints: Iterable[str]) -> None:
        """``endpoints`` leave ``call``; it ends with its caller or its last called endpoint."""
        with self._lock:
            gone = set(endpoints)
            call.callees -= gone
            if call.caller in gone or not call.callees:
                self._calls.pop(call.call_id, None)

    def snapshot(self) -> list[str]:
        with self._lock:
            sessions = dict(self._sessions)
            calls = list(self._calls.values())

        def user(endpoint: str) -> str:
            session = sessions.get(endpoint)
            return session.user if session is not None else "?"

        return sorted(
            f"{user(c.caller)} -> {', '.join(sorted(user(e) for e in c.callees))}" for c in calls
        )

    def _session_ended(self, session: Session) -> None:
        """A session's end is its endpoint's drop: a caller's ends the call for every called
        endpoint; a called endpoint's ends it for the caller once no called endpoint is left."""
        endpoint: str = session.data[_ENDPOINT_KEY]
        with self._lock:
            self._sessions.pop(endpoint, None)
            calls = [c for c in self._calls.values() if endpoint in c.parties()]
        for call in calls:
            told = set(call.callees) if endpoint == call.caller else {call.caller}
            self.leave(call, [endpoint])
            if endpoint != call.caller and call.callees:
                continue
            for other in told - {endpoint}:
                target = self.session(other)
                if target is not None:
                    target.send_event(DROP, _drop(call.call_id, other, NORMAL_CALL_CLEARING))


def av_of(state: ServerState) -> AvState:
    """The AV state of a server (created on first use)."""
    return state.part(AvState)


def snapshot(state: ServerState) -> list[str]:
    """AV calls in progress (for the server's state snapshot)."""
    return av_of(state).snapshot()


def _drop(call_id: str, endpoint: str, reason: int) -> JsonObject:
    return {
        "dropTarget": {"connectionID": {"u8sCallID": call_id, "u8sEndpointID": endpoint}},
        "u8sCause": "cancel" if reason == CANCEL else "normal call clearing",
        "iAvDropReason": reason,
    }


# --- calls ----------------------------------------------------------------------------------

_OFFER = (
    "callType",
    "u8sUriFrom",
    "u8sUriTo",
    "u8sContentType",
    "u8sBody",
    "newCallParams",
    "u8sAssociatedTextChatConversationID",
    "u8sCaps",
)


@operation("asnAVMakeCall")
async def make_call(call: Call, argument: JsonObject) -> JsonObject:
    av = av_of(call.state)
    callee = call.state.directory.by_sip(argument["u8sUriTo"])
    if callee is None or call.session is None:
        why = "is no user" if callee is None else "cannot be called over /ws/direct (no events)"
        raise OperationError(
            0,
            {
                "_type": "AsnAVMakeCallError",
                "iErrorDetail": GENERAL,
                "u8sErrorString": f"u8sUriTo {argument['u8sUriTo']!r} {why}",
            },
        )
    caller = av.endpoint(call.session)
    av_call = AvCall(uuid.uuid4().hex.upper(), caller)
    sessions = tuple(s for s in call.state.sessions.of_user(callee.name) if s is not call.session)
    recipients = call.state.faults.apply(NEW_CALL_RECIPIENTS, sessions)
    for session in recipients:
        endpoint = av.endpoint(session)
        av_call.callees.add(endpoint)
    if av_call.callees:
        av.open(av_call)
    offer = {key: argument[key] for key in _OFFER if key in argument}
    for session in recipients:
        session.send_event(
            NEW_CALL,
            {
                "callAndConnectionID": {
                    "u8sCallID": av_call.call_id,
                    "u8sEndpointID": av.endpoint(session),
                },
                "u8sCTIConnectionID": av_call.call_id,
                "endpointIDFrom": caller,
                **offer,
            },
        )
    return {
        "callAndConnectionID": {"u8sCallID": av_call.call_id, "u8sEndpointID": caller},
        "u8sCTIConnectionID": av_call.call_id,
    }


def _forward(call: Call, argument: JsonObject) -> None:
    """An end-to-end event to the session of the endpoint it names, if both are in the call."""
    session = call.session
    if session is None:
        return
    av = av_of(call.state)
    sender = av.endpoint(session)
    av_call = av.call(argument["u8sCallID"])
    target = argument["endpointIDTo"]
    if av_call is None or not {sender, target} <= av_call.parties() or sender == target:
        return
    name = call.operation.name
    recipient = av.session(target)
    recipients = _routed(call, name, () if recipient is None else (recipient,))
    _, forwarded = call.state.faults.apply(FORWARD_ARGUMENT, (name, argument))
    _, _, delay = call.state.faults.apply(FORWARD_DELAY, (name, argument, 0.0))
    if delay > 0:
        call.state.spawn(_later(delay, name, forwarded, recipients))
    else:
        for each in recipients:
            each.send_event(name, forwarded)
    if name == "asnAVConnect" and sender in av_call.callees:
        _drop_forks(call, av, av_call, sender)


def _routed(call: Call, name: str, recipients: tuple[Session, ...]) -> tuple[Session, ...]:
    assert call.session is not None
    everyone = tuple(call.state.sessions.all())
    routing = Routing(name, recipients, call.session, everyone)
    return call.state.faults.apply(FORWARD_RECIPIENTS, routing).recipients


async def _later(
    delay: float, name: str, argument: JsonObject, recipients: tuple[Session, ...]
) -> None:
    await asyncio.sleep(delay)
    for each in recipients:
        each.send_event(name, argument)


def _drop_forks(call: Call, av: AvState, av_call: AvCall, answered: str) -> None:
    """asnAVConnect "drops forked users" (L16612): the called user's other endpoints."""
    if not call.state.faults.apply(FORKS_DROPPED, True):
        return
    forks = av_call.callees - {answered}
    av.leave(av_call, forks)
    for fork in forks:
        session = av.session(fork)
        if session is not None:
            session.send_event(DROP, _drop(av_call.call_id, fork, CANCEL))


def _register_end_to_end(name: str) -> None:
    async def forward(call: Call, argument: JsonObject) -> None:
        _forward(call, argument)

    forward.__qualname__ = f"forward_{name}"  # one handler per event, told apart on reloads
    operation(name)(forward)


for _name in END_TO_END:
    _register_end_to_end(_name)


@operation(DROP)
async def drop_call(call: Call, argument: JsonObject) -> None:
    session = call.session
    if session is None:
        return
    av = av_of(call.state)
    sender = av.endpoint(session)
    target = argument["dropTarget"]
    connection = target.get("connectionID")
    call_id = connection["u8sCallID"] if connection is not None else target.get("u8sCallID")
    av_call = av.call(call_id) if isinstance(call_id, str) else None
    if av_call is None or sender not in av_call.parties():
        return
    if connection is not None:
        addressed = {connection["u8sEndpointID"]} & av_call.parties() - {sender}
    else:
        addressed = av_call.parties() - {sender}
    recipients = _routed(
        call, DROP, tuple(s for e in sorted(addressed) if (s := av.session(e)) is not None)
    )
    av.leave(av_call, {sender, *addressed})
    for each in recipients:
        each.send_event(DROP, argument)


def _register_media(name: str) -> None:
    async def media(call: Call, argument: JsonObject) -> None:
        if not call.state.faults.apply(MEDIA_TERMINATED, True):
            _forward(call, argument)

    media.__qualname__ = f"media_{name}"  # one handler per event, told apart on reloads
    operation(name)(media)


for _name in MEDIA:
    _register_media(_name)


# --- STUN and TURN --------------------------------------------------------------------------


def _stun_config(state: ServerState) -> list[JsonObject]:
    """The one STUN server of the reference server (13.1.13: for eSTUN only listURIs counts)."""
    return [
        {
            "iType": ESTUN,
            "u8sUsername": "",
            "u8sPassword": "",
            "stValidTo": iso_utc(state.clock.now() + 86400),
            "listURIs": [STUN_URI],
            "iTTL": 86400,
        }
    ]


@operation("asnGetSTUNandTURN")
async def get_stun_and_turn(call: Call, argument: JsonObject) -> JsonObject:
    return {"listConfigSTUNandTURN": _stun_config(call.state)}


@operation("asnRequestSTUNandTURN")
async def request_stun_and_turn(call: Call, argument: JsonObject) -> None:
    if call.state.faults.apply(STUN_ANSWERED, True):
        call.send_event(
            "asnSTUNandTURNConfigChanged", {"listConfigSTUNandTURN": _stun_config(call.state)}
        )
