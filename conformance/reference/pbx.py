"""The reference server's PBX: the lines of the directory and the calls on them.

The CTI chapter describes a line-call model (26, L24484-L24509): users hold lines, a line holds
its current calls, and "a call is identified by its connection identifier". Here every call is
a :class:`PhoneCall` with one :class:`Connection` per line taking part: the caller's, and for
an internal call (the number dialled is one of the directory's lines) the callee's. Each
connection has its own ``u8sConnectionID`` (a GUID, "used to identify the call throughout the
API", L28913-L28917) and its own EnumCallState (3.1.11, L4352-L4379); both share one
``u8sTrackerID`` (the CallTracker "gathers all technical calls which are part of a call",
L29007-L29016).

Life of a call (every step returns the :class:`Change` records the CTI module turns into
asnCtiNotifyLineCallInformationChanged events, reasons from AsnCtiCallInfoChangedReason
27.1.13, L27339-L27390):

=================  ==========================================  ==================================
step               caller's connection                         callee's connection
=================  ==========================================  ==================================
:meth:`dial`       DIALING (reasonCallDialing 1)               -
:meth:`alert`      RINGBACK (reasonCallRingback 2)             OFFERING (reasonCallOffering 0)
:meth:`answer`     CONNECTED (reasonCallConnected 3)           CONNECTED (3)
:meth:`drop`       the side that drops: DESTROYED ("Selbst aufgelegt", reasonCallDestroyed 12);
                   the other side: DISCONNECTED ("Gegenstelle hat aufgelegt", reasonCallDisconnect
                   11), then DESTROYED (12) as its phone goes idle
=================  ============================================================================

A call to a number that is no line of the directory is external: it has the caller's
connection only and rings until it is dropped (nobody outside answers). Calls never time out;
a line may hold any number of calls (the document gives a line "a list of actual call[s]",
L24503), so calls never meet a busy line. Everything here runs on the server's event loop.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum

from conformance.reference.clock import iso_utc
from conformance.reference.directory import Directory, DirectoryUser, dialable_number
from conformance.rose import JsonObject

__all__ = [
    "EMPTY_PROJECT",
    "CallState",
    "Change",
    "Connection",
    "LineFeatures",
    "Pbx",
    "PhoneCall",
    "Reason",
]


class CallState(IntEnum):
    """EnumCallState (3.1.11, L4352-L4379), the states this PBX uses."""

    DESTROYED = 1
    OFFERING = 2
    DIALING = 4
    RINGBACK = 8
    CONNECTED = 32
    CONFERENCED = 64
    HOLD = 128
    DISCONNECTED = 256
    PREPARECALL = 512  # only a variation's extra step (conformance.reference.variations.cti)


class Reason(IntEnum):
    """AsnCtiCallInfoChangedReason (27.1.13, L27339-L27390), the reasons this PBX reports."""

    OFFERING = 0
    DIALING = 1
    RINGBACK = 2
    CONNECTED = 3
    CONFERENCED = 4
    HOLD = 5
    DISCONNECT = 11
    DESTROYED = 12


# EnumCallFeatures (27.1.4, L27023-L27118): what a client may do with the call in each state.
_ANSWER, _HANGUP, _HOLD, _UNHOLD = 1, 32, 8192, 16384
_CONFERENCE_START, _CONFERENCE_ADD = 65536, 131072  # ...CONFERENCESTARTEU, ...ADDPARTY
_SWAP_HOLD = 4096
"""eCFEATURESWAPHOLD: "The active call will be swapped with a call on hold on the same line"
(L27083); asnCtiSwapHold "needs two calls on the same line (one active, one on hold)" (L25576)
and names the held one (L25584-L25586): a held call offers it while its line has an active one."""
_FEATURES = {
    CallState.OFFERING: _ANSWER | _HANGUP,
    CallState.DIALING: _HANGUP,
    CallState.RINGBACK: _HANGUP,
    CallState.CONNECTED: _HANGUP | _HOLD | _CONFERENCE_START,
    CallState.CONFERENCED: _HANGUP,
    CallState.HOLD: _HANGUP | _UNHOLD | _CONFERENCE_START | _CONFERENCE_ADD,
}
_DISCONNECTED_UNKNOWN, _DISCONNECTED_UNCONNECTED = 0, 1  # EnumCallDisconnectedReason 3.1.12
_SERVER_PROVIDED = 1  # EnumRemoteContactSource 3.1.13: the server supplied pRemoteContact
_NOT_YET = "0"  # utcCallConnected / utcCallDisconnected "(0 if ...)", L29023-L29032
_NUMBER_FORMATTING = re.compile(r"[\s\-/().]")
_DIALABLE = re.compile(r"\+?[0-9*#]+")

EMPTY_PROJECT: JsonObject = {  # AsnProjectPinRule (3.1.x): no project assigned
    "u8sProjectName": "",
    "u8sProjectPin": "",
    "iProjectType": 0,
    "bAssociatedCallIsPrivateCall": False,
    "u8sLocationID": "",
    "u8sUserEnteredPin": "",
    "u8sUserEnteredUserID": "",
}


@dataclass(eq=False)
class Connection:
    """One line's part in a call."""

    connection_id: str
    line: str
    outbound: bool
    remote_number: str
    remote_owner: DirectoryUser | None
    call: PhoneCall = field(repr=False)
    state: CallState
    created_at: float
    connected_at: float | None = None
    disconnected_at: float | None = None

    @property
    def ended(self) -> bool:
        return self.state in (CallState.DISCONNECTED, CallState.DESTROYED)


@dataclass(eq=False)
class PhoneCall:
    tracker_id: str
    connections: list[Connection] = field(default_factory=list)

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(c.line for c in self.connections)


@dataclass(frozen=True)
class Change:
    """A connection entered a new state: the event's reason and AsnCtiCallInformation, taken
    at that moment (a later step must not rewrite what an earlier event reported)."""

    connection: Connection
    reason: Reason
    information: JsonObject


@dataclass
class LineFeatures:
    """What a client may set on a line (26.1.5, 26.1.6, 26.1.22, 26.1.23, 26.1.28): all off
    until a client sets them; the CTI handlers (:mod:`conformance.reference.cti_features`)
    change them and tell the line's monitors."""

    do_not_disturb: bool = False
    forwards: list[JsonObject] = field(default_factory=list)
    """AsnLineForward (25.1.16) entries, in the order they were set."""
    remote_office: JsonObject = field(
        default_factory=lambda: {"u8sController": "", "iEnabled": 0, "u8sDestination": ""}
    )
    active_address: int = 0

    def changed(self) -> bool:
        return self != LineFeatures()


FORWARD_FEATURES = 1 << 1
"""iForwardFeaturesPBX: the forward modes a line offers, one bit per AsnForwardMode (25.1.17);
here iCTIFORWARDIMMEDIATE (1) only, the unconditional forward asnCtiSetForward sets by default
(L25666-L25667)."""


class Pbx:
    """The directory's lines and the calls on them."""

    def __init__(
        self,
        directory: Directory,
        now: Callable[[], float],
        name: Callable[[str], str] = lambda line: line,
    ) -> None:
        self._directory = directory
        self._now = now
        self.name = name
        """The identifier the server writes for a line (its LineURI by default)."""
        self._lines: dict[str, DirectoryUser] = {}
        for user in directory.users():  # disabled users' lines exist too: they ring
            for line in user.lines:
                self._lines[line] = user
        self._connections: dict[str, Connection] = {}
        self._features: dict[str, LineFeatures] = {}
        self._reported_features: dict[str, int] = {}
        """Connection id to the iFeatures its last call information reported."""

    def features(self, line: str) -> LineFeatures:
        """The settable features of one of the server's lines."""
        return self._features.setdefault(line, LineFeatures())

    def changed_features(self) -> list[str]:
        """Lines whose features differ from the start, as "line: features" (for snapshots)."""
        return sorted(f"{line}: {f}" for line, f in self._features.items() if f.changed())

    def live_connections(self) -> list[str]:
        """Connections of calls that have not ended, as "line: STATE" (for snapshots)."""
        live = [c for c in list(self._connections.values()) if not c.ended]
        return sorted(f"{c.line}: {c.state.name}" for c in live)

    # --- lines -------------------------------------------------------------------------------

    def lines(self) -> tuple[str, ...]:
        """Every line the server has, in directory order ("systemLocalLines", L26973)."""
        return tuple(self._lines)

    def owner(self, line: str) -> DirectoryUser | None:
        return self._lines.get(line)

    def resolve_line(self, text: str) -> str | None:
        """The line a client names: its LineURI ("u8sLinePhoneNumber", L27503-L27509) or its
        dialable number ("Phone number ... or line URI", L24977-L24979)."""
        if text in self._lines:
            return text
        matches = [line for line in self._lines if dialable_number(line) == text]
        return matches[0] if len(matches) == 1 else None

    def resolve_destination(self, number: str, *, formatted: bool) -> str | None:
        """The line a dialled number reaches; None for a number outside the PBX. With
        ``formatted`` (iNumberFormat other than 0, L24990-L25007) blanks, dashes, slashes,
        dots and parentheses are formatting, not digits."""
        text = _NUMBER_FORMATTING.sub("", number) if formatted else number
        return self.resolve_line(text)

    @staticmethod
    def dialable(number: str, *, formatted: bool) -> bool:
        text = _NUMBER_FORMATTING.sub("", number) if formatted else number
        return bool(_DIALABLE.fullmatch(text)) or text.startswith("tel:")

    def line_info(self, line: str) -> JsonObject:
        """AsnCtiLineInfo (27.1.18, L27471-L27583) of one line: open, no forwarding features."""
        owner = self._lines[line]
        primary = owner.lines.index(line) == 0
        return {
            "iType": 1 if primary else 2,  # AsnContactPhoneLineType: primary / secondary
            "iLineOpenStatus": 2,  # lineStatusOpen (27.1.3, L26978-L27021)
            "u8sLinePhoneNumber": self.name(line),
            "u8sDescriptor": f"{owner.display_name} ({dialable_number(line)})",
            "u8sPhoneNumber": dialable_number(line),
            "u8sLineLocationID": "",
            # eCTILINEFEATUREMAKECALL | ...DONOTDISTURB | ...REMOTEOFFICE (27.1.5, L27120ff)
            "iLineFeatures": 1 | 2 | 32,
            "iForwardFeaturesPBX": FORWARD_FEATURES,
            "iForwardFeaturesSERVER": 0,
            "iForwardFeaturesUSER": 0,
        }

    # --- calls -------------------------------------------------------------------------------

    def connection(self, connection_id: str) -> Connection | None:
        """A connection that has not ended."""
        return self._connections.get(connection_id)

    def calls_on(self, line: str) -> list[Connection]:
        """The line's current connections, oldest first."""
        return [c for c in self._connections.values() if c.line == line]

    def dial(self, line: str, number: str, destination: str | None) -> tuple[PhoneCall, Change]:
        """A new outgoing call from ``line`` to ``number`` (which reaches ``destination``, or
        nothing of this PBX): the caller's connection, dialling."""
        call = PhoneCall(tracker_id=_guid())
        caller = Connection(
            connection_id=_guid(),
            line=line,
            outbound=True,
            remote_number=dialable_number(destination) if destination else number,
            remote_owner=self._lines.get(destination) if destination else None,
            call=call,
            state=CallState.DIALING,
            created_at=self._now(),
        )
        call.connections.append(caller)
        self._connections[caller.connection_id] = caller
        return call, self._change(caller, Reason.DIALING)

    def alert(self, call: PhoneCall, destination: str | None) -> list[Change]:
        """The dialled party rings: an offering connection on ``destination`` (if it is one of
        ours), ringback on the caller's."""
        caller = call.connections[0]
        if caller.state is not CallState.DIALING:
            return []  # dropped before it could ring
        changes = []
        if destination is not None:
            callee = Connection(
                connection_id=_guid(),
                line=destination,
                outbound=False,
                remote_number=dialable_number(caller.line),
                remote_owner=self._lines[caller.line],
                call=call,
                state=CallState.OFFERING,
                created_at=self._now(),
            )
            call.connections.append(callee)
            self._connections[callee.connection_id] = callee
            changes.append(self._change(callee, Reason.OFFERING))
        caller.state = CallState.RINGBACK
        changes.append(self._change(caller, Reason.RINGBACK))
        return changes

    def answer(self, connection: Connection) -> list[Change]:
        """``connection`` accepts the call: every connection of the call is connected."""
        now = self._now()
        changes = []
        others = [c for c in connection.call.connections if c is not connection]
        for party in [connection, *others]:
            party.state = CallState.CONNECTED
            party.connected_at = now
            changes.append(self._change(party, Reason.CONNECTED))
        return changes

    def drop(self, connection: Connection) -> list[Change]:
        """``connection`` hangs up: it is destroyed, the other side is disconnected and then
        destroyed; the call leaves its lines."""
        now = self._now()
        others = [c for c in connection.call.connections if c is not connection and not c.ended]
        changes = []
        connection.disconnected_at = now
        connection.state = CallState.DESTROYED
        changes.append(self._change(connection, Reason.DESTROYED))
        for other in others:
            other.disconnected_at = now
            other.state = CallState.DISCONNECTED
            changes.append(self._change(other, Reason.DISCONNECT))
        for other in others:
            other.state = CallState.DESTROYED
            changes.append(self._change(other, Reason.DESTROYED))
        for party in connection.call.connections:
            self._connections.pop(party.connection_id, None)
        return changes

    def hold(self, connection: Connection, on: bool) -> list[Change]:
        """``connection`` goes on hold (HOLD, reasonCallHold 5) or back (CONNECTED, 3); the
        other side's state does not change ("A call on hold isn't disconnect", L25618)."""
        connection.state = CallState.HOLD if on else CallState.CONNECTED
        return [self._change(connection, Reason.HOLD if on else Reason.CONNECTED)]

    def conference_controller(self, line: str) -> tuple[Connection, Change]:
        """A new connection on ``line`` standing for a conference it controls (connected)."""
        call = PhoneCall(tracker_id=_guid())
        now = self._now()
        controller = Connection(
            connection_id=_guid(),
            line=line,
            outbound=True,
            remote_number="",
            remote_owner=None,
            call=call,
            state=CallState.CONNECTED,
            created_at=now,
            connected_at=now,
        )
        call.connections.append(controller)
        self._connections[controller.connection_id] = controller
        return controller, self._change(controller, Reason.CONFERENCED)

    def conferenced(self, connection: Connection) -> Change:
        """``connection`` is now a member of a conference (CONFERENCED, reasonCallConferenced)."""
        connection.state = CallState.CONFERENCED
        return self._change(connection, Reason.CONFERENCED)

    # --- JSON --------------------------------------------------------------------------------

    def call_information(self, connection: Connection) -> JsonObject:
        """AsnCtiCallInformation (27.1.92, L28901-L29106) of the connection as it is now."""
        owner = self._lines[connection.line]
        never_connected = connection.connected_at is None
        information: JsonObject = {
            "u8sLinePhoneNumber": self.name(connection.line),
            "u8sConnectionID": connection.connection_id,
            "iCallState": int(connection.state),
            "iCallType": 0,  # eCALLTYPENORMAL
            "iDisconnectedReason": (
                _DISCONNECTED_UNCONNECTED
                if connection.ended and never_connected
                else _DISCONNECTED_UNKNOWN
            ),
            "iFeatures": self.call_features(connection),
            "bOutbound": connection.outbound,
            # "Internal calls are calls where two lines of the PBX participate" (L28958)
            "bInternal": connection.remote_owner is not None,
            "bCallerIDBlocked": False,
            "iCallRecordingState": 0,  # eNOCALLRECODRING
            "bConferenceCtlr": False,
            "u8sConferenceCtlrID": "",
            "u8sLocalNumberSC": dialable_number(connection.line),
            "u8sRemoteNumberSC": connection.remote_number,
            "iRemoteContactSource": 0,  # eUNKNOWN, unless pRemoteContact is set below
            "projectPinRule": dict(EMPTY_PROJECT),
            "u8sNote": "",
            "u8sTrackerID": connection.call.tracker_id,
            "utcCallCreated": iso_utc(connection.created_at),
            "utcCallConnected": _time_or_zero(connection.connected_at),
            "utcCallDisconnected": _time_or_zero(connection.disconnected_at),
            "bIsUnknownHoldContact": False,
            "pLocalContact": self._directory.net_contact(owner),
        }
        if connection.remote_owner is not None:
            information["pRemoteContact"] = self._directory.net_contact(connection.remote_owner)
            information["iRemoteContactSource"] = _SERVER_PROVIDED
        return information

    def call_features(self, connection: Connection) -> int:
        """EnumCallFeatures (27.1.4) of the connection: those of its state, and eCFEATURESWAPHOLD
        for a held call while another call on its line is active."""
        features = _FEATURES.get(connection.state, 0)
        if connection.state is CallState.HOLD and any(
            c.state is CallState.CONNECTED for c in self.calls_on(connection.line)
        ):
            features |= _SWAP_HOLD
        return features

    def features_changed(self, line: str) -> list[Connection]:
        """Live connections on ``line`` whose features changed since their call information was
        last reported, without a change of state ("Some changes does not change the call state
        itself", L26471-L26472); from now on their current features count as reported."""
        changed = []
        for connection in self.calls_on(line):
            reported = self._reported_features.get(connection.connection_id)
            features = self.call_features(connection)
            if not connection.ended and reported is not None and reported != features:
                self._reported_features[connection.connection_id] = features
                changed.append(connection)
        return changed

    def _change(self, connection: Connection, reason: Reason) -> Change:
        information = self.call_information(connection)
        if connection.ended:
            self._reported_features.pop(connection.connection_id, None)
        else:
            self._reported_features[connection.connection_id] = information["iFeatures"]
        return Change(connection, reason, information)


def _guid() -> str:
    return str(uuid.uuid4()).upper()


def _time_or_zero(timestamp: float | None) -> str:
    return _NOT_YET if timestamp is None else iso_utc(timestamp)
