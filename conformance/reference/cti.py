"""Handlers of the CTI module (document chapter 26, L24450-L26541; types chapter 27, L26542ff).

The calls themselves live in :mod:`conformance.reference.pbx`; this module is what a client
sees of them: line lists, line monitors and their events, and the operations that place,
answer and drop calls.

Lines and access
----------------
"A client program has access to all lines owned by the logged in user and to additional lines,
she has access to" (L24459). The reference server grants nobody additional lines, so a user may
monitor and control exactly the lines the profile gives them. A line is named by its LineURI
(``u8sLinePhoneNumber``, L27503-L27509) or its dialable number. A name that is no line of the
server is ``invalidline`` (3, "The line given in the argument is not known", L27269); a line of
the server that belongs to somebody else is ``accessdenied`` (2, "no access rights to perform
asnCtiLineMonitorStart", L27267), in the error type of the operation (AsnCtiLineMonitorStartError,
AsnCtiMakeCallError, ...). asnCtiEnumPhoneLines (26.1.1, L24538-L24605) lists the own lines for
userOwnLines and userMonitorLines (no additional lines), every line of the server, disabled
users' included, for systemLocalLines and systemGlobalLines ("actual its the same", L26975);
it never refuses (accessdenied is for rights the reference server does not withhold). With
``attachChangeNotify`` 1 the result carries a ``u8sLineMonitorCrossRefID``; the directory never
adds or removes lines, so asnCtiNotifyLineAddRemove is never sent, and the line-list monitor
ends with the session ("can only be stopped by disconnecting", L24558).

Monitors
--------
asnCtiLineMonitorStart (26.1.3, L24664-L24728) answers a fresh ``u8sMonitorCrossRefID`` with
the line's current state and calls; a line may be monitored several times, by one session or
many (L24518-L24521), and each monitor gets every event of its line carrying its own cross
reference. asnCtiLineMonitorStop (26.1.4, L24730-L24766) ends one monitor of the caller's
session with the empty result; a cross reference the session does not hold (never issued,
already stopped, or another session's) is ``invalidline`` (3) in AsnCtiLineMonitorStopError:
the enumeration has no value for an unknown monitor, and the cross reference is what names the
line here. Monitors end with their session. Over /ws/direct, which has no events (L32-L36),
asnCtiLineMonitorStart answers the line state with a cross reference that monitors nothing.
asnCtiSnapshotPhoneLine (26.1.2, L24607-L24662) answers the same line state, with the same
access errors, and monitors nothing.

Calls
-----
asnCtiMakeCall (26.1.9, L24954-L25050) checks the line it dials from like a monitor start
(AsnCtiMakeCallError 2 or 3) and refuses with generalerror (1) a number that cannot be dialled
(empty, not digits, or the calling line itself, L27404). Its result carries the caller's
``u8sConnectionID``; the call then proceeds on its own, after the result: the caller's
connection is dialling (by default DIALING is its first state; the hook :data:`CALLER_PRELUDE`
puts states before it, as the variations ``cti.callback-make-call`` and
``cti.prepare-call-first`` do: the state list L4352-L4379 orders nothing),
asnCtiNotifyMakeCallResult (26.2.8, L26309-L26335; ``success`` 1) goes to the session that
asked ("the client must have called asnCtiMakeCall first", L26312; the event has no cross
reference, so it is not a monitor event), the callee's line is offering and the caller's has
ringback. asnCtiAnswerCall (26.1.13, L25170-L25206) accepts only a call in OFFERING (L25174)
and connects both sides; asnCtiDropCall (26.1.11, L25089-L25126) ends the call on both sides.
Both name a connection of one of the caller's lines; anything else (an unknown or ended
connection, another user's, a connection not offering) is an AsnRequestError with iErrorDetail
1: the error type of these operations has no enumeration. A result always says ``bSuccess``
true. Every state change of a connection is an asnCtiNotifyLineCallInformationChanged (26.2.6,
L26222-L26255) to each monitor of its line.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from conformance.reference import journal
from conformance.reference.dispatch import Call, OperationError, operation, request_error
from conformance.reference.hooks import HookPoint
from conformance.reference.pbx import CallState, Change, Connection, Pbx, PhoneCall, Reason
from conformance.reference.sessions import Session
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = [
    "ANSWER_ALLOWED",
    "CALLER_PRELUDE",
    "CALL_CHANGED",
    "CALL_STATE_REPORTED",
    "CHANGE_NOTIFY_ATTACHED",
    "EVENT_CROSS_REFERENCES",
    "LINE_ACCESS",
    "LINE_CALLS_REPORTED",
    "LINE_SCOPE",
    "MAKE_CALL_RESULT",
    "MAKE_CALL_RESULT_SENT",
    "MONITOR_STOPPED",
    "UNKNOWN_MONITOR_REFUSED",
    "CtiError",
    "CtiState",
    "LineScope",
    "Monitor",
    "announce",
    "cti_of",
]

CALL_CHANGED = "asnCtiNotifyLineCallInformationChanged"
MAKE_CALL_RESULT = "asnCtiNotifyMakeCallResult"


class LineScope(IntEnum):
    """AsnCtiEnumPhoneLinesArgumentEnum (27.1.2, L26961-L26976)."""

    USER_OWN_LINES = 0
    USER_MONITOR_LINES = 1
    SYSTEM_LOCAL_LINES = 2
    SYSTEM_GLOBAL_LINES = 3


class CtiError(IntEnum):
    """The values the per-operation CTI error enumerations share (27.1.6-27.1.14)."""

    GENERAL_ERROR = 1
    ACCESS_DENIED = 2
    INVALID_LINE = 3


BAD_CONNECTION = 1
"""AsnRequestError iErrorDetail of asnCtiAnswerCall / asnCtiDropCall (no enumeration exists)."""

_SESSION_KEY = "cti.monitors"
_LINE_LISTS_KEY = "cti.line-lists"
"""``session.data`` key: line-list monitors, cross reference to the typeofLines they list."""


# --- hook points (faults: conformance.reference.faults) -------------------------------------

LINE_SCOPE: HookPoint[int] = HookPoint(
    "cti.line-scope", "the typeofLines (AsnCtiEnumPhoneLinesArgumentEnum) a line list answers"
)
CHANGE_NOTIFY_ATTACHED: HookPoint[bool] = HookPoint(
    "cti.change-notify", "whether attachChangeNotify 1 attaches a line-list monitor"
)
LINE_ACCESS: HookPoint[bool] = HookPoint(
    "cti.line-access", "whether the caller may monitor and control a line the server has"
)
LINE_CALLS_REPORTED: HookPoint[list[JsonObject]] = HookPoint(
    "cti.line-calls", "the calls (AsnCtiCallInformation) a monitor start or snapshot reports"
)
MONITOR_STOPPED: HookPoint[bool] = HookPoint(
    "cti.monitor-stopped", "whether asnCtiLineMonitorStop really ends the monitor it names"
)
UNKNOWN_MONITOR_REFUSED: HookPoint[bool] = HookPoint(
    "cti.unknown-monitor", "whether stopping a cross reference the session does not hold fails"
)
MAKE_CALL_RESULT_SENT: HookPoint[bool] = HookPoint(
    "cti.make-call-result", "whether a placed call reports asnCtiNotifyMakeCallResult"
)
CALL_STATE_REPORTED: HookPoint[int] = HookPoint(
    "cti.call-state", "the EnumCallState a call information event reports for a connection"
)
CALLER_PRELUDE: HookPoint[tuple[CallState, ...]] = HookPoint(
    "cti.caller-prelude",
    "the EnumCallStates the calling connection reports before DIALING (none; a callback-style "
    "MakeCall alerts the calling phone first)",
)
EVENT_CROSS_REFERENCES: HookPoint[tuple[str, ...]] = HookPoint(
    "cti.event-cross-references",
    "the cross references that label one call event for the monitors of the call's lines "
    "(in monitor start order); the n-th monitor's event carries the n-th",
)
CALL_FEATURES_TOLD: HookPoint[bool] = HookPoint(
    "cti.call-features-told",
    "whether a change of a call's features alone is told (asnCtiNotifyLineCallFeaturesChanged)",
)
ANSWER_ALLOWED: HookPoint[bool] = HookPoint(
    "cti.answer-allowed", "whether asnCtiAnswerCall may accept the connection (it is OFFERING)"
)
ANSWER_REFUSAL: HookPoint[str] = HookPoint(
    "cti.answer-refusal",
    "how asnCtiAnswerCall refuses a call it may not accept: 'error' (an AsnRequestError) or "
    "'result' (bSuccess false, L25193)",
)
UNKNOWN_STOP_ENDS_ALL: HookPoint[bool] = HookPoint(
    "cti.unknown-stop-ends-all",
    "whether asnCtiLineMonitorStop of a cross reference the session does not hold ends every "
    "monitor of the session",
)
LINE_NAMED: HookPoint[str] = HookPoint(
    "cti.line-named",
    "the identifier the server writes for a line (u8sLinePhoneNumber): its LineURI, or a phone "
    "number (L27503-L27509)",
)


@dataclass(frozen=True)
class Delivery:
    """One call event for one monitor: the n-th monitor (start order) of the call's lines."""

    monitor_index: int
    call_state: int
    copies: int = 1


CALL_EVENT_COPIES: HookPoint[Delivery] = HookPoint(
    "cti.call-event-copies",
    "how often one asnCtiNotifyLineCallInformationChanged goes to one monitor (once)",
)


# --- per-server state -----------------------------------------------------------------------


@dataclass(frozen=True)
class Monitor:
    cross_ref: str
    line: str
    session: Session


class CtiState:
    """The PBX of one server and the line monitors of its sessions.

    Monitors are kept in start order behind a lock: sessions may end (and drop their monitors)
    on another thread than the server's loop."""

    def __init__(self, state: ServerState) -> None:
        self.pbx = Pbx(
            state.directory, state.clock.now, lambda line: state.faults.apply(LINE_NAMED, line)
        )
        self._lock = threading.Lock()
        self._monitors: dict[str, Monitor] = {}
        self.after_drop: list[Callable[[ServerState, Connection], None]] = []
        """Called after asnCtiDropCall ended a connection's call (conferences follow it)."""

    def start(self, session: Session, line: str) -> Monitor:
        monitor = Monitor(_new_cross_ref(), line, session)
        with self._lock:
            self._monitors[monitor.cross_ref] = monitor
        if not session.data.get(_SESSION_KEY):
            session.data[_SESSION_KEY] = True
            session.on_close(self._forget)
        return monitor

    def snapshot(self) -> JsonObject:
        with self._lock:
            monitors = sorted(f"{m.line} by {m.session.user}" for m in self._monitors.values())
        return {
            "monitors": monitors,
            "calls": self.pbx.live_connections(),
            "line features": self.pbx.changed_features(),
        }

    def holds(self, session: Session, cross_ref: str) -> bool:
        with self._lock:
            monitor = self._monitors.get(cross_ref)
        return monitor is not None and monitor.session is session

    def stop(self, cross_ref: str) -> None:
        with self._lock:
            self._monitors.pop(cross_ref, None)

    def stop_all(self, session: Session) -> None:
        self._forget(session)

    def monitors_on(self, lines: tuple[str, ...]) -> list[Monitor]:
        """The live monitors of any of ``lines``, oldest first."""
        with self._lock:
            monitors = list(self._monitors.values())
        return [m for m in monitors if m.line in lines and not m.session.closed]

    def monitors_of(self, session: Session) -> list[Monitor]:
        with self._lock:
            return [m for m in self._monitors.values() if m.session is session]

    def _forget(self, session: Session) -> None:
        with self._lock:
            for cross_ref in [c for c, m in self._monitors.items() if m.session is session]:
                del self._monitors[cross_ref]


def cti_of(state: ServerState) -> CtiState:
    """The CTI state of a server (created on first use)."""
    return state.part(CtiState, lambda: CtiState(state))


def _new_cross_ref() -> str:
    return uuid.uuid4().hex.upper()


# --- lines ----------------------------------------------------------------------------------


def _cti_error(call: Call, detail: CtiError, text: str) -> OperationError:
    """An error of the operation's own CTI error type (AsnCtiLineMonitorStartError, ...)."""
    error_type = call.operation.error or "AsnRequestError"
    return OperationError(
        0, {"_type": error_type, "iErrorDetail": int(detail), "u8sErrorString": text}
    )


def _may_use(call: Call, pbx: Pbx, line: str) -> bool:
    owner = pbx.owner(line)
    own = owner is not None and owner.name == call.user.name
    return call.state.faults.apply(LINE_ACCESS, own)


def _accessible_line(call: Call, pbx: Pbx, text: str, member: str) -> str:
    line = pbx.resolve_line(text)
    if line is None:
        raise _cti_error(call, CtiError.INVALID_LINE, f"{member} {text!r} is no line")
    if not _may_use(call, pbx, line):
        raise _cti_error(
            call, CtiError.ACCESS_DENIED, f"{member} {text!r}: no access rights to this line"
        )
    return line


def _line_state(call: Call, pbx: Pbx, line: str) -> JsonObject:
    """The members AsnCtiLineMonitorStartResult and AsnCtiSnapshotPhoneLineResult share."""
    calls = [pbx.call_information(c) for c in pbx.calls_on(line)]
    features = pbx.features(line)
    return {
        "lineInfo": pbx.line_info(line),
        "seqCalls": call.state.faults.apply(LINE_CALLS_REPORTED, calls),
        "iDoNotDisturb": int(features.do_not_disturb),
        "seqLineForwards": [dict(f) for f in features.forwards],
        "remoteOfficeState": dict(features.remote_office),
    }


@operation("asnCtiEnumPhoneLines")
async def enum_phone_lines(call: Call, argument: JsonObject) -> JsonObject:
    cti = cti_of(call.state)
    scope = call.state.faults.apply(LINE_SCOPE, argument["typeofLines"])
    if scope in (LineScope.USER_OWN_LINES, LineScope.USER_MONITOR_LINES):
        lines = call.user.lines  # no user has additional lines here
    else:
        lines = cti.pbx.lines()
    result: JsonObject = {"seqLines": [cti.pbx.line_info(line) for line in lines]}
    session = call.session  # /ws/direct has none: nothing to attach
    attach = argument["attachChangeNotify"] != 0
    if session is not None and attach and call.state.faults.apply(CHANGE_NOTIFY_ATTACHED, True):
        cross_ref = _new_cross_ref()
        session.data.setdefault(_LINE_LISTS_KEY, {})[cross_ref] = scope
        result["u8sLineMonitorCrossRefID"] = cross_ref
    return result


@operation("asnCtiSnapshotPhoneLine")
async def snapshot_phone_line(call: Call, argument: JsonObject) -> JsonObject:
    pbx = cti_of(call.state).pbx
    line = _accessible_line(call, pbx, argument["u8sLinePhoneNumber"], "u8sLinePhoneNumber")
    return _line_state(call, pbx, line)


# --- monitors -------------------------------------------------------------------------------


@operation("asnCtiLineMonitorStart")
async def line_monitor_start(call: Call, argument: JsonObject) -> JsonObject:
    cti = cti_of(call.state)
    line = _accessible_line(call, cti.pbx, argument["u8sLinePhoneNumber"], "u8sLinePhoneNumber")
    if call.session is not None:
        cross_ref = cti.start(call.session, line).cross_ref
    else:
        cross_ref = _new_cross_ref()  # /ws/direct: nothing to deliver events to
    return {"u8sMonitorCrossRefID": cross_ref, **_line_state(call, cti.pbx, line)}


@operation("asnCtiLineMonitorStop")
async def line_monitor_stop(call: Call, argument: JsonObject) -> JsonObject:
    cti = cti_of(call.state)
    cross_ref = argument["u8sMonitorCrossRefID"]
    session = call.session
    held = session is not None and cti.holds(session, cross_ref)
    if session is not None and not held and call.state.faults.apply(UNKNOWN_STOP_ENDS_ALL, False):
        cti.stop_all(session)
    if not held and call.state.faults.apply(UNKNOWN_MONITOR_REFUSED, True):
        raise _cti_error(
            call,
            CtiError.INVALID_LINE,
            f"u8sMonitorCrossRefID {cross_ref!r} names no monitor of this session",
        )
    if held and call.state.faults.apply(MONITOR_STOPPED, True):
        cti.stop(cross_ref)
    return {}


# --- calls ----------------------------------------------------------------------------------


CALL_LISTENERS: list[Callable[[ServerState, Change], None]] = []
"""Called with every change of a call, monitored or not: General's call information events
(conformance.reference.general) register here."""


def announce(state: ServerState, changes: list[Change]) -> None:
    """asnCtiNotifyLineCallInformationChanged for each change, to every monitor of its line."""
    cti = cti_of(state)
    for change in changes:
        for listener in CALL_LISTENERS:
            listener(state, change)
        connection = change.connection
        if change.information["iCallState"] == CallState.DESTROYED:
            journal.record(state, connection)  # an ended call is journalled (N48)
        monitors = cti.monitors_on(connection.call.lines)
        labels = state.faults.apply(EVENT_CROSS_REFERENCES, tuple(m.cross_ref for m in monitors))
        information = change.information
        reported = state.faults.apply(CALL_STATE_REPORTED, information["iCallState"])
        if reported != information["iCallState"]:
            information = {**information, "iCallState": reported}
        index = 0
        for monitor, label in zip(monitors, labels, strict=True):
            if monitor.line != connection.line:
                continue
            delivery = state.faults.apply(CALL_EVENT_COPIES, Delivery(index, reported))
            index += 1
            for _ in range(delivery.copies):
                monitor.session.send_event(
                    CALL_CHANGED,
                    {
                        "u8sMonitorCrossRefID": label,
                        "u8sLinePhoneNumber": cti.pbx.name(connection.line),
                        "reason": int(change.reason),
                        "callinformation": information,
                    },
                )
    lines = dict.fromkeys(line for change in changes for line in change.connection.call.lines)
    for line in lines:
        _tell_call_features(state, line)


def _tell_call_features(state: ServerState, line: str) -> None:
    """asnCtiNotifyLineCallFeaturesChanged (26.2.13, L26465-L26492) to every monitor of ``line``
    for the calls on it whose features changed while their state did not ("In this case
    asnCtiNotifyLineCallFeaturesChanged will be sent if only the call features have changed",
    L26473): a held call gains or loses eCFEATURESWAPHOLD as another call on its line
    becomes active or ends (N59)."""
    cti = cti_of(state)
    changed = cti.pbx.features_changed(line)
    if not changed or not state.faults.apply(CALL_FEATURES_TOLD, True):
        return
    features = [
        {"u8sConnectionID": c.connection_id, "iFeatures": cti.pbx.call_features(c)} for c in changed
    ]
    for monitor in cti.monitors_on((line,)):
        monitor.session.send_event(
            "asnCtiNotifyLineCallFeaturesChanged",
            {
                "u8sLineMonitorCrossRefID": monitor.cross_ref,
                "u8sLinePhoneNumber": cti.pbx.name(line),
                "callFeaturesList": features,
            },
        )


_PRELUDE_REASONS = {CallState.OFFERING: Reason.OFFERING, CallState.CONNECTED: Reason.CONNECTED}


def _as_state(change: Change, call_state: CallState) -> Change:
    """``change`` as if its connection were in ``call_state`` (a variation's extra step)."""
    information = {**change.information, "iCallState": int(call_state)}
    return Change(change.connection, _PRELUDE_REASONS.get(call_state, change.reason), information)


async def _proceed(
    state: ServerState,
    session: Session | None,
    phone_call: PhoneCall,
    dialing: Change,
    destination: str | None,
) -> None:
    """What follows a make call, once its result is out: no awaits, so no other invoke of
    the call can come between the steps."""
    caller = phone_call.connections[0]
    if not caller.ended:
        prelude = state.faults.apply(CALLER_PRELUDE, ())
        announce(state, [_as_state(dialing, step) for step in prelude] + [dialing])
    if session is not None and state.faults.apply(MAKE_CALL_RESULT_SENT, True):
        session.send_event(
            MAKE_CALL_RESULT,
            {
                "u8sLinePhoneNumber": cti_of(state).pbx.name(caller.line),
                "u8sConnectionID": caller.connection_id,
                "success": 1,
            },
        )
    announce(state, cti_of(state).pbx.alert(phone_call, destination))


@operation("asnCtiMakeCall")
async def make_call(call: Call, argument: JsonObject) -> JsonObject:
    pbx = cti_of(call.state).pbx
    line = _accessible_line(call, pbx, argument["u8sPhoneNumberFrom"], "u8sPhoneNumberFrom")
    number: str = argument["u8sPhoneNumberTo"]
    formatted = argument["iNumberFormat"] != 0
    if not pbx.dialable(number, formatted=formatted):
        raise _cti_error(
            call, CtiError.GENERAL_ERROR, f"u8sPhoneNumberTo {number!r} cannot be dialled"
        )
    destination = pbx.resolve_destination(number, formatted=formatted)
    if destination == line:
        raise _cti_error(call, CtiError.GENERAL_ERROR, f"{line} cannot call itself")
    phone_call, dialing = pbx.dial(line, number, destination)
    call.state.spawn(_proceed(call.state, call.session, phone_call, dialing, destination))
    return {"u8sConnectionID": phone_call.connections[0].connection_id}


def _own_connection(call: Call, pbx: Pbx, connection_id: str) -> Connection:
    connection = pbx.connection(connection_id)
    if connection is None or not _may_use(call, pbx, connection.line):
        raise request_error(
            BAD_CONNECTION,
            f"u8sConnectionID {connection_id!r} names no current call on the caller's lines",
        )
    return connection


@operation("asnCtiAnswerCall")
async def answer_call(call: Call, argument: JsonObject) -> JsonObject:
    pbx = cti_of(call.state).pbx
    connection = _own_connection(call, pbx, argument["u8sConnectionID"])
    offering = connection.state is CallState.OFFERING
    if not call.state.faults.apply(ANSWER_ALLOWED, offering):
        if call.state.faults.apply(ANSWER_REFUSAL, "error") == "result":
            return {"bSuccess": False}
        raise request_error(
            BAD_CONNECTION,
            f"the call is {connection.state.name}; only a call in OFFERING can be answered",
        )
    announce(call.state, pbx.answer(connection))
    return {"bSuccess": True}


@operation("asnCtiDropCall")
async def drop_call(call: Call, argument: JsonObject) -> JsonObject:
    pbx = cti_of(call.state).pbx
    connection = _own_connection(call, pbx, argument["u8sConnectionID"])
    announce(call.state, pbx.drop(connection))
    for follow in list(cti_of(call.state).after_drop):
        follow(call.state, connection)
    return {"bSuccess": True}


def snapshot(state: ServerState) -> JsonObject:
    """Line monitors and calls in progress (for the server's state snapshot)."""
    return cti_of(state).snapshot()
