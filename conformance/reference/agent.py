"""Handlers of the Agent module: groups, monitors and agent states (document chapter 6,
L11514-L12175; types chapter 7, L12176-L13212). Broadcasts live in
:mod:`conformance.reference.broadcast`.

Groups and agents
-----------------
The agent groups are the profile's ``[agent] groups`` plus every group a user names; a user's
``groups`` are the groups in which they are an agent. Every group is a UCServer group for the
contact portal / business card ("Visitenkarte, Kontaktportal", L11560, L12859): PBX/ACD groups
(high bit of iGroupCapabilities, L11593-L11596) and line agents ("tel:", L11727-L11731) are not
modelled. A group's URI is ``sip:<name>@groups.reference.invalid``, its display name the
profile's name; the agent URI of a user is their SIP URI, the contact URI L11527 names.

An agent's state (AsnAgentStateEnum 7.1.3, L12453-L12469) belongs to the user in one group,
not to a session: it survives the session that set it, as an ACD login at a PBX would, and
starts as eAGENTSTATENOAGENT (0). asnAgentLogin (6.1.3) sets eAGENTSTATEREADY (2), the value
the enumeration says the server sets "initial ... beim AgentLogin()" (L12463-L12465), rather
than "not ready" as L11572-L11573 may be read; logging in again while logged in changes
nothing. asnAgentLogoff (6.1.4) sets 0 ("implizit gesetzt", L12457-L12459); logging off while
logged off changes nothing and is no error. asnAgentSetState (6.1.5) sets any AsnAgentStateEnum
value in the named group, or in all of the user's groups without ``u8sGroupURI``; 0 is a logoff
("ersetzt asAgentSetState(noagent)", L11576-L11577). The agent URI of these three operations
must be the caller's (an empty one only means the caller for asnAgentMonitorStart,
L11654-L11656) and the group URI one of the caller's groups; anything else is an
AsnRequestError 1.

Monitors and events
-------------------
asnAgentMonitorStart (6.1.1, L11640-L11678) answers a fresh cross reference and the caller's
groups (AsnAgentGroupInfo, 7.1.6) with their current states, and from then on the session gets
asnAgentNotifyStateChanged (6.2.3, L12160-L12175) with that cross reference whenever the user's
state in one of their groups changes (L11565-L11569): one event per running monitor, so a
session with two monitors gets two. Only the user's own changes are reported; the API is "User
zentriert" (L11617-L11619). A state that does not change sends nothing. asnAgentMonitorStop
(6.1.2) ends one monitor of the calling session; after it, nothing more is sent for that cross
reference. A cross reference this session does not hold is an AsnRequestError 1. Monitors end
with their session. Over /ws/direct (no session, no events, L32-L36) asnAgentMonitorStart
answers the groups and a cross reference that monitors nothing. asnAgentNotifyGroupsChanged
(6.2.2) is never sent: the directory never changes a user's groups.

asnAgentAnonymousGetAgents (6.1.12) lists every (agent, group) of the users the profile marks
``public``, the reference server's reading of "Anonymous API enabled" (L12101-L12102). The
supervisor interface "ist als solche noch nicht implementiert" (L11621-L11623) and needs
administrator rights (L11857), which no user of the reference server has:
asnAgentSupervisorMonitorStart/Stop answer AsnRequestError 2.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from conformance.reference.directory import DirectoryUser
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
    "GROUPS_LISTED",
    "LOGIN_REFUSAL",
    "MONITOR_ENDS",
    "STATE_AUDIENCE",
    "GroupListing",
    "Monitor",
    "agent_state",
    "group_uri",
    "monitored_sessions",
    "monitors_of",
    "resolve_group",
]

GROUP_DOMAIN = "groups.reference.invalid"
"""Domain of the group URIs (``.invalid``, RFC 2606: it cannot collide with a real one)."""

# AsnAgentStateEnum (7.1.3, L12453-L12469)
NO_AGENT, NOT_READY, READY, BUSY, WORKING_AFTER_CALL = range(5)
AGENT_STATES = range(5)
# AsnAgentGroupCapabilitiesEnum (7.1.4, L12480-L12599): login 1, logout 2, not ready 4, ready 8,
# busy 16, working after call 32; high bit clear: a group the UCServer manages.
GROUP_CAPABILITIES = 0x3F
# AsnSupportedAgentStatesEnum (7.1.2, L12433-L12445): logged out 1, not ready 2, ready 4,
# busy 8, working after call 16.
SUPPORTED_AGENT_STATES = 0x1F
ACCESS_DENIED = 2
"""iErrorDetail of the reference server for an operation the caller has no right to (the
document defines no AsnRequestError codes)."""

STATE_EVENT = "asnAgentNotifyStateChanged"
_SESSION_KEY = "agent"
"""``session.data`` key: set once the session's monitors are dropped when it closes."""


# --- hook points (faults: conformance.reference.faults) -------------------------------------


@dataclass(frozen=True)
class GroupListing:
    """The groups asnAgentMonitorStart lists: ``mine`` (the user's), not ``every`` group."""

    mine: tuple[str, ...]
    every: tuple[str, ...]


@dataclass(frozen=True)
class Monitor:
    """One running asnAgentMonitorStart of a session."""

    cross_ref: str
    user: str
    """The monitored user's login name."""
    session: Session


GROUPS_LISTED: HookPoint[GroupListing] = HookPoint(
    "agent.groups-listed", "the groups asnAgentMonitorStart answers: .mine, not .every"
)
MONITOR_ENDS: HookPoint[bool] = HookPoint(
    "agent.monitor-ends", "whether asnAgentMonitorStop ends the monitor it names"
)
AGENT_URI: HookPoint[tuple[str, tuple[str, ...]]] = HookPoint(
    "agent.uri",
    "(the agent URI the server names a user by, the user's lines): the ContactURI by default, a "
    "LineURI allowed (L11527-L11528)",
)
LOGIN_REFUSAL: HookPoint[OperationError | None] = HookPoint(
    "agent.login-refusal",
    "the AsnRequestError asnAgentLogin answers instead of logging the agent in (None: none)",
)
STATE_AUDIENCE: HookPoint[tuple[Monitor, ...]] = HookPoint(
    "agent.state-audience",
    "the monitors an asnAgentNotifyStateChanged goes to, each event with the monitor's own "
    "cross reference",
)


# --- the server's agent book ----------------------------------------------------------------


class _AgentBook:
    """Agent states and monitors of one server. Handlers run on the server's loop; the lock is
    for tests reading from other threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.states: dict[tuple[str, str], int] = {}
        """(login name, group name) to an AsnAgentStateEnum value; absent means 0."""
        self.monitors: dict[str, Monitor] = {}
        """Running monitors by cross reference, in start order."""


def _book(state: ServerState) -> _AgentBook:
    return state.part(_AgentBook)


def group_uri(name: str) -> str:
    """The URI of the agent group ``name``."""
    return f"sip:{name}@{GROUP_DOMAIN}"


def resolve_group(state: ServerState, identifier: str) -> str | None:
    """The group a URI or a name identifies, or None ("es funktioniert auch mit dem Namen der
    Gruppe", L11971-L11975)."""
    for name in state.directory.groups:
        if identifier in (name, group_uri(name)):
            return name
    return None


def agent_state(state: ServerState, user: str, group: str) -> int:
    """The AsnAgentStateEnum value of ``user`` (login name) in ``group``."""
    book = _book(state)
    with book.lock:
        return book.states.get((user, group), NO_AGENT)


def monitors_of(state: ServerState, user: str) -> tuple[Monitor, ...]:
    """The running monitors of ``user`` (login name), in start order."""
    book = _book(state)
    with book.lock:
        return tuple(m for m in book.monitors.values() if m.user == user)


def monitored_sessions(state: ServerState, user: str) -> tuple[Session, ...]:
    """The open sessions with at least one running monitor of ``user``, each once."""
    sessions: dict[str, Session] = {}
    for monitor in monitors_of(state, user):
        if not monitor.session.closed:
            sessions.setdefault(monitor.session.id, monitor.session)
    return tuple(sessions.values())


def agent_uri(state: ServerState, user: DirectoryUser) -> str:
    """The URI the server names ``user`` by as an agent."""
    uri, _ = state.faults.apply(AGENT_URI, (user.sip_uri, user.lines))
    return uri


def _group_info(state: ServerState, user: DirectoryUser, group: str) -> JsonObject:
    """AsnAgentGroupInfo (7.1.6, L12612-L12709) of ``user`` in ``group``."""
    return {
        "u8sAgentURI": agent_uri(state, user),
        "u8sGroupURI": group_uri(group),
        "u8sDisplayName": group,
        "iGroupCapabilities": GROUP_CAPABILITIES,
        "iAgentState": agent_state(state, user.name, group),
        "optionalParams": {"SupportedAgentStates": SUPPORTED_AGENT_STATES},
    }


def _set_state(state: ServerState, user: DirectoryUser, group: str, value: int) -> None:
    """Change the user's state in ``group``; asnAgentNotifyStateChanged to each monitor."""
    book = _book(state)
    with book.lock:
        key = (user.name, group)
        if book.states.get(key, NO_AGENT) == value:
            return
        if value == NO_AGENT:
            del book.states[key]
        else:
            book.states[key] = value
        monitors = tuple(m for m in book.monitors.values() if m.user == user.name)
    for monitor in state.faults.apply(STATE_AUDIENCE, monitors):
        monitor.session.send_event(
            STATE_EVENT,
            {
                "u8sMonitorCrossRefID": monitor.cross_ref,
                "u8sAgentURI": agent_uri(state, user),
                "u8sGroupURI": group_uri(group),
                "iAgentState": value,
            },
        )


def _drop_monitors(session: Session, state: ServerState) -> None:
    book = _book(state)
    with book.lock:
        for cross_ref in [c for c, m in book.monitors.items() if m.session is session]:
            del book.monitors[cross_ref]


# --- argument checks ------------------------------------------------------------------------


def _own_agent(call: Call, uri: str) -> DirectoryUser:
    known = agent_uri(call.state, call.user)
    if uri not in (call.user.sip_uri, known):
        raise request_error(
            INVALID_ARGUMENT, f"u8sAgentURI {uri!r} is not the caller's agent URI {known!r}"
        )
    return call.user


def _own_group(call: Call, uri: str) -> str:
    for name in call.user.groups:
        if uri == group_uri(name):
            return name
    raise request_error(INVALID_ARGUMENT, f"u8sGroupURI {uri!r} is none of the caller's groups")


# --- monitors -------------------------------------------------------------------------------


@operation("asnAgentMonitorStart")
async def agent_monitor_start(call: Call, argument: JsonObject) -> JsonObject:
    state, user = call.state, call.user
    if argument["u8sAgentURI"] not in ("", user.sip_uri, agent_uri(state, user)):
        raise request_error(
            INVALID_ARGUMENT,
            f"u8sAgentURI {argument['u8sAgentURI']!r} is neither empty (the caller) nor the "
            "caller's agent URI; the supervisor view is not available",
        )
    listing = state.faults.apply(
        GROUPS_LISTED, GroupListing(user.groups, tuple(state.directory.groups))
    )
    cross_ref = f"agent-{secrets.token_hex(12)}"
    session = call.session
    if session is not None:
        book = _book(state)
        with book.lock:
            book.monitors[cross_ref] = Monitor(cross_ref, user.name, session)
        if _SESSION_KEY not in session.data:
            session.data[_SESSION_KEY] = True
            session.on_close(lambda closed: _drop_monitors(closed, state))
    return {
        "u8sMonitorCrossRefID": cross_ref,
        "listGroups": [_group_info(state, user, group) for group in listing.mine],
    }


@operation("asnAgentMonitorStop")
async def agent_monitor_stop(call: Call, argument: JsonObject) -> JsonObject:
    cross_ref = argument["u8sMonitorCrossRefID"]
    book = _book(call.state)
    with book.lock:
        monitor = book.monitors.get(cross_ref)
    if monitor is None or call.session is None or monitor.session is not call.session:
        raise request_error(
            INVALID_ARGUMENT, f"u8sMonitorCrossRefID {cross_ref!r} is no monitor of this session"
        )
    if call.state.faults.apply(MONITOR_ENDS, True):
        with book.lock:
            book.monitors.pop(cross_ref, None)
    return {}


# --- agent states ---------------------------------------------------------------------------


@operation("asnAgentLogin")
async def agent_login(call: Call, argument: JsonObject) -> JsonObject:
    user = _own_agent(call, argument["u8sAgentURI"])
    group = _own_group(call, argument["u8sGroupURI"])
    refusal = call.state.faults.apply(LOGIN_REFUSAL, None)
    if refusal is not None:  # the only failure signal: the result has no members (L12767)
        raise refusal
    if agent_state(call.state, user.name, group) == NO_AGENT:
        _set_state(call.state, user, group, READY)
    return {}


@operation("asnAgentLogoff")
async def agent_logoff(call: Call, argument: JsonObject) -> JsonObject:
    user = _own_agent(call, argument["u8sAgentURI"])
    group = _own_group(call, argument["u8sGroupURI"])
    _set_state(call.state, user, group, NO_AGENT)
    return {}


@operation("asnAgentSetState")
async def agent_set_state(call: Call, argument: JsonObject) -> JsonObject:
    user = _own_agent(call, argument["u8sAgentURI"])
    value = argument["iAgentState"]
    if value not in AGENT_STATES:
        raise request_error(INVALID_ARGUMENT, f"iAgentState {value} is no AsnAgentStateEnum")
    groups: Iterable[str] = (
        (_own_group(call, argument["u8sGroupURI"]),) if "u8sGroupURI" in argument else user.groups
    )
    for group in groups:
        _set_state(call.state, user, group, value)
    return {}


# --- the rest of the module -----------------------------------------------------------------


@operation("asnAgentAnonymousGetAgents")
async def agent_anonymous_get_agents(call: Call, argument: JsonObject) -> JsonObject:
    state = call.state
    agents = [u for u in state.directory.public_users() if u.groups]
    return {
        "listGroups": [
            _group_info(state, user, group)
            for group in state.directory.groups
            for user in agents
            if group in user.groups
        ]
    }


@operation("asnAgentSupervisorMonitorStart")
async def agent_supervisor_monitor_start(call: Call, argument: JsonObject) -> JsonObject:
    raise request_error(
        ACCESS_DENIED, "the supervisor view needs administrator rights (L11857); nobody has them"
    )


@operation("asnAgentSupervisorMonitorStop")
async def agent_supervisor_monitor_stop(call: Call, argument: JsonObject) -> JsonObject:
    raise request_error(
        ACCESS_DENIED, "the supervisor view needs administrator rights (L11857); nobody has them"
    )


def snapshot(state: ServerState) -> JsonObject:
    """Agent states other than 0 and running monitors (for the server's state snapshot)."""
    book = _book(state)
    with book.lock:
        states = {f"{user} in {group}": value for (user, group), value in book.states.items()}
        monitors = sorted(f"{m.user} by {m.session.user}" for m in book.monitors.values())
    return {"states": {k: v for k, v in sorted(states.items()) if v}, "monitors": monitors}
