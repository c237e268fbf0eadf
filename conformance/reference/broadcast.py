"""Agent broadcasts (document 6.1.8-6.1.11, L11918-L12095; 6.2.1, L12131-L12139; the item
7.1.19, L12852-L12876). Groups, agents and monitors: :mod:`conformance.reference.agent`.

Creating and dispatching
------------------------
asnAgentBroadcastCreate (6.1.9) may be called by anybody ("Zugriffsbeschränkung: Keine",
L12887). ``listu8sGroupIDs`` names groups by URI or by name (L11971-L11975); each must be an
agent group (else AsnRequestError 1, as is an empty list), and the item lists them by URI, each
once, in the order given. ``iBroadcastType`` must be an AsnAgentBroadcastTypeEnum value
(L12605-L12611). "Alle Agenten, die in einer der angegebenen Gruppen angemeldet sind"
(L11956-L11957) are the users logged in (any state but 0) to one of the groups; each of their
sessions with a running agent monitor (asnAgentMonitorStart "registriert für die Events des
Agenten", L11565-L11566) gets one asnAgentBroadcastEvent whose ``items`` hold the new item.
Nobody else gets it, the creator included unless they are such an agent.

Keeping: iTTL
-------------
``iTTL`` (L11984-L11997) decides how long the item stays open, measured on the server's
injectable clock from its creation: 0 or absent, not at all (dispatch only); N > 0, N seconds;
-1, until it is confirmed or the server stops. Above the documented maximum of 604800 s
("7 Tage") the profile capability ``agent.ttl_above_max`` decides: ``"clamp"`` (the default)
keeps the item 604800 s, ``"reject"`` refuses the call with AsnRequestError 1. Any other
negative value is refused the same way. Nothing announces an expiry; an expired item is simply
gone for asnAgentBroadcastCheck, GetItemsForGroups and Confirm.

Reading and confirming
----------------------
asnAgentBroadcastCheck (6.1.11) answers ``bExists`` true while the item is open, for anybody
("Keine", L12959). asnAgentBroadcastGetItemsForGroups (6.1.8) lists the open items addressed to
one of the listed groups (URIs or names; unknown ones are ignored), oldest first. Its
"Zugriffsbeschränkung: Nur eingeloggte Benutzer" (L11923) is read as agents logged in to the
group: only groups in which the caller is logged in count, so a caller who is no agent there
gets an empty list (no error). This is the catch-up "so können sich auch nachträglich Agenten
erkundigen" (L11989-L11991) for agents who log in after the dispatch.
asnAgentBroadcastConfirm (6.1.10) removes an open item for everybody (L12030-L12032, "Sobald
ein Agent diesen Broadcast bestätigt, gilt er für das System als erledigt", L12858); a confirm
of an item that is not open (confirmed before, expired, never created) is answered with the
empty result: "Der Server ignoriert Doppel-Bestätigungen" (L12040-L12042), and an expired or
unknown id cannot be told apart from a confirmed one.
"""

from __future__ import annotations

import math
import threading
import uuid
from dataclasses import dataclass

from conformance.reference.agent import (
    NO_AGENT,
    agent_state,
    group_uri,
    monitored_sessions,
    resolve_group,
)
from conformance.reference.dispatch import (
    INVALID_ARGUMENT,
    Call,
    OperationError,
    operation,
    request_error,
)
from conformance.reference.hooks import HookPoint
from conformance.reference.sessions import Session
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = [
    "BROADCAST_AUDIENCE",
    "BROADCAST_EXISTS",
    "BROADCAST_RETENTION",
    "CONFIRM_REMOVES",
    "ITEMS_LISTED",
    "MAX_TTL",
    "REPEATED_CONFIRM",
    "BroadcastAudience",
    "Listing",
    "OpenBroadcast",
    "Retention",
    "open_broadcasts",
]

MAX_TTL = 604800
"""The documented maximum iTTL, "7 Tage (= 604800sec)" (L11992-L11993)."""
UNTIL_CONFIRMED = -1
"""iTTL -1: kept "bis der Server herunterfährt oder der Broadcast bestätigt wurde"."""
BROADCAST_TYPES = (1, 2)  # AsnAgentBroadcastTypeEnum: general, requestoverdue (L12605-L12611)
ABOVE_MAX_CAPABILITY = "agent.ttl_above_max"
ABOVE_MAX_CHOICES = ("clamp", "reject")
BROADCAST_EVENT = "asnAgentBroadcastEvent"


# --- hook points (faults: conformance.reference.faults) -------------------------------------


@dataclass(frozen=True)
class Retention:
    """How long a new broadcast stays open."""

    requested: int
    """``iTTL`` as sent (0 when absent)."""
    seconds: float
    """0: not kept at all; ``math.inf``: until confirmed or the server stops."""


@dataclass(frozen=True)
class BroadcastAudience:
    """Open sessions: those of the group's logged-in agents (``agents``, by user in directory
    order) and all others."""

    agents: tuple[Session, ...]
    others: tuple[Session, ...]


@dataclass
class OpenBroadcast:
    item: JsonObject
    """The AsnAgentBroadcastItem (7.1.19) as sent."""
    groups: frozenset[str]
    expires_at: float
    """Server clock seconds; ``math.inf`` for -1."""
    dispatched_to: frozenset[str]
    """Login names of the agents whose sessions got the asnAgentBroadcastEvent."""

    @property
    def broadcast_id(self) -> str:
        broadcast_id: str = self.item["u8sBroadcastID"]
        return broadcast_id


@dataclass(frozen=True)
class Listing:
    """The open items asnAgentBroadcastGetItemsForGroups answers ``caller`` (a login name)."""

    caller: str
    items: tuple[OpenBroadcast, ...]


BROADCAST_RETENTION: HookPoint[Retention] = HookPoint(
    "broadcast.retention", "how long asnAgentBroadcastCreate keeps the new item, from its iTTL"
)
BROADCAST_AUDIENCE: HookPoint[BroadcastAudience] = HookPoint(
    "broadcast.audience", "the sessions asnAgentBroadcastEvent goes to: .agents, not .others"
)
ITEMS_LISTED: HookPoint[Listing] = HookPoint(
    "broadcast.items-listed", "the open items asnAgentBroadcastGetItemsForGroups answers"
)
BROADCAST_EXISTS: HookPoint[bool] = HookPoint(
    "broadcast.exists", "the bExists asnAgentBroadcastCheck answers"
)
CONFIRM_REMOVES: HookPoint[bool] = HookPoint(
    "broadcast.confirm-removes", "whether asnAgentBroadcastConfirm removes the open item it names"
)
REPEATED_CONFIRM: HookPoint[OperationError | None] = HookPoint(
    "broadcast.repeated-confirm",
    "the error answering a confirm of an item that is not open; None: ignored (the result)",
)


# --- the server's open items ----------------------------------------------------------------


class _Board:
    """Open broadcasts of one server, by id in creation order; expired ones are dropped
    whenever the board is read."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: dict[str, OpenBroadcast] = {}

    def open(self, now: float) -> list[OpenBroadcast]:
        with self.lock:
            for broadcast_id in [i for i, b in self.items.items() if b.expires_at <= now]:
                del self.items[broadcast_id]
            return list(self.items.values())


def _board(state: ServerState) -> _Board:
    return state.part(_Board)


def open_broadcasts(state: ServerState) -> list[OpenBroadcast]:
    """The broadcasts open now (for tests and diagnostics)."""
    return _board(state).open(state.clock.now())


def _retention(state: ServerState, ttl: int) -> Retention:
    above_max = state.profile.capability(ABOVE_MAX_CAPABILITY, "clamp")
    if above_max not in ABOVE_MAX_CHOICES:
        raise ValueError(
            f"capability {ABOVE_MAX_CAPABILITY} must be one of {ABOVE_MAX_CHOICES}, "
            f"got {above_max!r}"
        )
    seconds: float
    if ttl == UNTIL_CONFIRMED:
        seconds = math.inf
    elif ttl < 0:
        raise request_error(INVALID_ARGUMENT, f"iTTL {ttl}: only -1 may be negative")
    elif ttl > MAX_TTL:
        if above_max == "reject":
            raise request_error(
                INVALID_ARGUMENT, f"iTTL {ttl} exceeds the maximum of {MAX_TTL} s (7 days)"
            )
        seconds = MAX_TTL
    else:
        seconds = ttl
    return state.faults.apply(BROADCAST_RETENTION, Retention(ttl, seconds))


def _audience(state: ServerState, groups: frozenset[str]) -> BroadcastAudience:
    agents: dict[str, Session] = {}
    for user in state.directory.users():
        if any(agent_state(state, user.name, g) != NO_AGENT for g in groups):
            for session in monitored_sessions(state, user.name):
                agents.setdefault(session.id, session)
    others = tuple(s for s in state.sessions.all() if not s.closed and s.id not in agents)
    return BroadcastAudience(tuple(agents.values()), others)


# --- operations -----------------------------------------------------------------------------


@operation("asnAgentBroadcastCreate")
async def broadcast_create(call: Call, argument: JsonObject) -> JsonObject:
    state = call.state
    groups: dict[str, None] = {}  # an ordered set
    for identifier in argument["listu8sGroupIDs"]:
        group = resolve_group(state, identifier)
        if group is None:
            raise request_error(INVALID_ARGUMENT, f"{identifier!r} names no agent group")
        groups[group] = None
    if not groups:
        raise request_error(INVALID_ARGUMENT, "listu8sGroupIDs names no group")
    if argument["iBroadcastType"] not in BROADCAST_TYPES:
        raise request_error(
            INVALID_ARGUMENT,
            f"iBroadcastType {argument['iBroadcastType']} is no AsnAgentBroadcastTypeEnum",
        )
    retention = _retention(state, argument.get("iTTL", 0))
    broadcast_id = str(uuid.uuid4()).upper()
    item: JsonObject = {
        "u8sBroadcastID": broadcast_id,
        "listu8sGroupURIs": [group_uri(g) for g in groups],
        "iBroadcastType": argument["iBroadcastType"],
        "data": argument["data"],
    }
    audience = state.faults.apply(BROADCAST_AUDIENCE, _audience(state, frozenset(groups)))
    if retention.seconds > 0:
        board = _board(state)
        with board.lock:
            board.items[broadcast_id] = OpenBroadcast(
                item=item,
                groups=frozenset(groups),
                expires_at=state.clock.now() + retention.seconds,
                dispatched_to=frozenset(s.user for s in audience.agents),
            )
    for session in audience.agents:
        session.send_event(BROADCAST_EVENT, {"items": [item]})
    return {"u8sBroadcastID": broadcast_id}


@operation("asnAgentBroadcastGetItemsForGroups")
async def broadcast_get_items_for_groups(call: Call, argument: JsonObject) -> JsonObject:
    state, caller = call.state, call.user.name
    asked = {resolve_group(state, identifier) for identifier in argument["listu8sGroupURIs"]}
    mine = {g for g in asked if g is not None and agent_state(state, caller, g) != NO_AGENT}
    items = tuple(b for b in open_broadcasts(state) if b.groups & mine)
    listing = state.faults.apply(ITEMS_LISTED, Listing(caller, items))
    return {"items": [b.item for b in listing.items]}


@operation("asnAgentBroadcastCheck")
async def broadcast_check(call: Call, argument: JsonObject) -> JsonObject:
    broadcast_id = argument["u8sBroadcastID"]
    exists = any(b.broadcast_id == broadcast_id for b in open_broadcasts(call.state))
    return {"bExists": call.state.faults.apply(BROADCAST_EXISTS, exists)}


@operation("asnAgentBroadcastConfirm")
async def broadcast_confirm(call: Call, argument: JsonObject) -> JsonObject:
    state, broadcast_id = call.state, argument["u8sBroadcastID"]
    if any(b.broadcast_id == broadcast_id for b in open_broadcasts(state)):
        if state.faults.apply(CONFIRM_REMOVES, True):
            board = _board(state)
            with board.lock:
                board.items.pop(broadcast_id, None)
        return {}
    error = state.faults.apply(REPEATED_CONFIRM, None)
    if error is not None:
        raise error
    return {}


def snapshot(state: ServerState) -> JsonObject:
    """The open broadcasts (for the server's state snapshot)."""
    return {
        "open": sorted(
            f"{b.broadcast_id} to {', '.join(sorted(b.groups))}" for b in open_broadcasts(state)
        )
    }
