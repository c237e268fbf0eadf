"""Handlers of the Management module (document chapter 34, L31918ff; types chapter 35) for the
administrator's sessions (CONFORMANCE-NOTES N60): its read operations and the events that
carry their answers, built from the server's own state (users, agent groups, lines, calls).

A user's session never reaches these handlers (``operation(..., administrator=True)``): it
gets the reject every administrator operation gets (``dispatch.administrator-only``).

* asnMgmtGetUserProfiles (34.1.2) "Triggers the UCServer to send Events
  asnMgmtGetUserProfilesResult() to client with 50 user profiles each" (L32381): segments of
  at most 50 (L37736), each with the argument's ``u8sCrossRefId`` and ``bLastSegment`` true on
  the last only (L37742-L37744); the result lists none (its content is in the events).
* asnMgmtGetPushServiceDevices (34.1.139): "The Events, that send the result content are sent
  before this operation returns" (L36653), "fired multiple times, until bLastSegment is TRUE"
  with the result's ``u8sCrossRefID`` (L38043-L38044). The server has no push devices: one
  empty last segment.
* Inferred by name and argument (N60): asnMgmtGetUsers answers ``iNumberOfUsers`` and one
  asnMgmtGetUsersEvent per user, asnMgmtGetGroups ``iNumberOfGroups`` and one
  asnMgmtGetGroupsEvent per agent group, asnMgmtGetLineStates one asnMgmtGetLineStatesEvent per
  line, asnMgmtGetListeningInterfaceStatuses its statuses in the result and in
  asnMgmtOnListenInterfaceStatusesEvent; asnMgmtSubscribeLineEvents on a line sends
  asnMgmtLineStateChanged (L37840-L37845) when its number of calls changes, until
  asnMgmtUnsubscribeLineEvents; a location set by a client is told with asnMgmtLocationChanged
  (L37990-L37994) to every administrator session.

Every event goes to the requesting session only, except the two last, which go to the
sessions that subscribed (line events) or to every administrator session (locations).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from conformance.reference import cti, general
from conformance.reference.directory import DirectoryUser, dialable_number
from conformance.reference.dispatch import Call, operation
from conformance.reference.hooks import HookPoint
from conformance.reference.pbx import Change
from conformance.reference.sessions import Session
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = [
    "EVENT_SESSION",
    "LAST_SEGMENT",
    "LINE_STATE_CHANGED",
    "LISTED",
    "LOCATION_CHECKSUM",
    "SEGMENT_CROSS_REF",
    "snapshot",
]

SEGMENT_SIZE = 50
"""Profiles or devices in one segment ("max 50 in one segment", L37736, L38064)."""
LINE_EVENTS = "management line events"
"""``session.data`` key: the lines the administrator's session subscribed to, with the number
of calls last told for each."""

_ONLINE_ONLY, _OFFLINE_ONLY = 1, 2  # AsnAdminUserOnlineStateFilter (5.1.5, L10086-L10094)
_LINE_OPEN = 2  # lineStatusOpen, AsnCtiLineOpenStatus (L26985-L26993)
_INTERFACE_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "ucserver-reference/ws")).upper()
"""The one listening interface: the web service (HTTP and WebSocket) itself."""

SEGMENT_CROSS_REF: HookPoint[str] = HookPoint(
    "management.segment-cross-ref", "the u8sCrossRefID a segment event of a read carries"
)
LAST_SEGMENT: HookPoint[tuple[bool, bool]] = HookPoint(
    "management.last-segment",
    "(whether the segment is the last, bLastSegment as sent) of a segmented answer",
)
EVENT_SESSION: HookPoint[str] = HookPoint(
    "management.event-session",
    "the name of the event a read's answer goes out as to the requesting session ('' drops it)",
)
LISTED: HookPoint[list[str]] = HookPoint(
    "management.listed", "login names of the users asnMgmtGetUserProfiles/GetUsers list"
)
LINE_STATE_CHANGED: HookPoint[int] = HookPoint(
    "management.line-state-calls", "the iNumCalls asnMgmtLineStateChanged tells"
)
LOCATION_CHECKSUM: HookPoint[str] = HookPoint(
    "management.location-checksum", "the u8sMD5CheckSum asnMgmtLocationChanged tells"
)


def _send(call: Call, event: str, argument: JsonObject) -> None:
    """An answer event to the requesting session (the hook may drop or rename it)."""
    name = call.state.faults.apply(EVENT_SESSION, event)
    if name and call.session is not None:
        call.session.send_event(name, argument)


def _segments(call: Call, event: str, items: str, entries: list[JsonObject], ref: str) -> None:
    chunks = [entries[i : i + SEGMENT_SIZE] for i in range(0, len(entries), SEGMENT_SIZE)] or [[]]
    for index, chunk in enumerate(chunks):
        _, last = call.state.faults.apply(LAST_SEGMENT, (index == len(chunks) - 1,) * 2)
        cross_ref = call.state.faults.apply(SEGMENT_CROSS_REF, ref)
        _send(call, event, {items: chunk, "u8sCrossRefID": cross_ref, "bLastSegment": last})


def _listed(
    state: ServerState, online_filter: int = 0, active_only: bool = False
) -> Iterator[DirectoryUser]:
    names = state.faults.apply(LISTED, [u.name for u in state.directory.users()])
    for name in names:
        user = state.directory.user(name)
        if user is None or (active_only and user.disabled):
            continue
        online = bool(state.sessions.of_user(user.name))
        if (online_filter == _ONLINE_ONLY and not online) or (
            online_filter == _OFFLINE_ONLY and online
        ):
            continue
        yield user


def _user_profile(state: ServerState, user: DirectoryUser) -> JsonObject:
    """AsnUserProfile (5.1.67) of a directory user; the password is never disclosed."""
    profile: JsonObject = state.synth.instance("AsnUserProfile", user.name)
    contact = state.directory.net_contact(user)
    return {
        **profile,
        "iEnabled": 0 if user.disabled else 1,
        "u8sUserName": user.name,
        "u8sSAMAccountName": user.name,
        "u8sSIPURI": user.sip_uri,
        "u8sobjectGUID": user.object_guid,
        "u8sPhoneNumber": dialable_number(user.lines[0]) if user.lines else "",
        "u8sPhoneSecondary": dialable_number(user.lines[1]) if len(user.lines) > 1 else "",
        "userMonitorLineList": [{"u8sPhoneNumber": line} for line in user.lines],
        "u8sPassword": "",
        "asnUserContact": {**profile["asnUserContact"], **contact},
    }


@operation("asnMgmtGetUserProfiles", administrator=True)
async def get_user_profiles(call: Call, argument: JsonObject) -> JsonObject:
    users = _listed(call.state, argument["iFilterOnlineState"], bool(argument["iActiveUsersOnly"]))
    profiles = [_user_profile(call.state, u) for u in users]
    ref = argument["u8sCrossRefId"]
    _segments(call, "asnMgmtGetUserProfilesResult", "listUserProfiles", profiles, ref)
    return {"userProfiles": []}


@operation("asnMgmtGetPushServiceDevices", administrator=True)
async def get_push_service_devices(call: Call, argument: JsonObject) -> JsonObject:
    ref = str(uuid.uuid4())
    _segments(call, "asnMgmtPushServiceDevicesResult", "listPushDevices", [], ref)
    return {"u8sCrossRefID": ref}  # after the events (L36653)


@operation("asnMgmtGetUsers", administrator=True)
async def get_users(call: Call, argument: JsonObject) -> JsonObject:
    state = call.state
    users = list(_listed(state))
    for user in users:
        online = bool(state.sessions.of_user(user.name))
        status = state.synth.instance("AsnMgmtSoftwareStatusUser", user.name)
        status = {**status, "iOnline": int(online)}
        absent = state.directory.contact(user)["asnAbsentState"]
        event = {
            "userProfile": _user_profile(state, user),
            "softwareStatusUser": status,
            "manualAbsentState": absent,
        }
        _send(call, "asnMgmtGetUsersEvent", event)
    return {"iNumberOfUsers": len(users)}


@operation("asnMgmtGetGroups", administrator=True)
async def get_groups(call: Call, argument: JsonObject) -> JsonObject:
    state = call.state
    groups = state.directory.groups
    for name, members in groups.items():
        profile = state.synth.instance("AsnGroupProfile", name)
        guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"group:{name}")).upper()
        profile = {**profile, "u8sGroupName": name, "u8sobjectGUID": guid, "iEnabled": 1}
        profile["listUserDNs"] = [f"CN={member}" for member in members]
        _send(call, "asnMgmtGetGroupsEvent", {"groupProfile": profile})
    return {"iNumberOfGroups": len(groups)}


def _calls_on(state: ServerState, line: str) -> int:
    return sum(1 for c in cti.cti_of(state).pbx.calls_on(line) if not c.ended)


@operation("asnMgmtGetLineStates", administrator=True)
async def get_line_states(call: Call, argument: JsonObject) -> None:
    state = call.state
    for line in cti.cti_of(state).pbx.lines():
        _send(
            call,
            "asnMgmtGetLineStatesEvent",
            {
                "iDumpMessage": 0,
                "iDumpType": argument["iType"],
                "u8sLineID": line,
                "iOpenState": _LINE_OPEN,
                "iNumCalls": _calls_on(state, line),
                "iSipResponseCode": 0,
                "u8sReasonPhrase": "",
            },
        )


@operation("asnMgmtGetListeningInterfaceStatuses", administrator=True)
async def get_listening_interface_statuses(call: Call, argument: JsonObject) -> JsonObject:
    statuses = [
        {
            "u8sInterfaceGUID": _INTERFACE_ID,
            "iStatus": 1,
            "iSocketServerIDs": [1],
            "iOpenConnections": len(call.state.sessions.all()),
        }
    ]
    _send(call, "asnMgmtOnListenInterfaceStatusesEvent", {"statuses": statuses})
    return {"listeningInterfaceStatuses": statuses}


# --- line events ----------------------------------------------------------------------------


@operation("asnMgmtSubscribeLineEvents", administrator=True)
async def subscribe_line_events(call: Call, argument: JsonObject) -> None:
    if call.session is not None:
        line = argument["u8sTAPILineID"]
        call.session.data.setdefault(LINE_EVENTS, {})[line] = _calls_on(call.state, line)


@operation("asnMgmtUnsubscribeLineEvents", administrator=True)
async def unsubscribe_line_events(call: Call, argument: JsonObject) -> None:
    if call.session is not None:
        call.session.data.pop(LINE_EVENTS, None)


def _call_changed(state: ServerState, change: Change) -> None:
    """asnMgmtLineStateChanged to the sessions subscribed to a line whose calls changed."""
    for line in change.connection.call.lines:
        calls = _calls_on(state, line)
        for session in _subscribers(state, line):
            told: dict[str, int] = session.data[LINE_EVENTS]
            if told[line] == calls:
                continue
            told[line] = calls
            event = {
                "u8sLineID": line,
                "iOpenState": _LINE_OPEN,
                "iNumCalls": state.faults.apply(LINE_STATE_CHANGED, calls),
                "iSipResponseCode": 0,
                "u8sReasonPhrase": "",
            }
            session.send_event("asnMgmtLineStateChanged", event)


def _subscribers(state: ServerState, line: str) -> list[Session]:
    return [s for s in state.sessions.all() if not s.closed and line in s.data.get(LINE_EVENTS, {})]


cti.CALL_LISTENERS.append(_call_changed)


def _location_changed(state: ServerState, location_id: str, checksum: str) -> None:
    for session in state.sessions.all():
        user = state.directory.user(session.user)
        if user is not None and user.administrator and not session.closed:
            told = state.faults.apply(LOCATION_CHECKSUM, checksum)
            changed = {"u8sLocationID": location_id, "u8sMD5CheckSum": told}
            session.send_event("asnMgmtLocationChanged", changed)


general.LOCATION_LISTENERS.append(_location_changed)


def snapshot(state: ServerState) -> list[str]:
    """The lines each open session subscribed to with asnMgmtSubscribeLineEvents."""
    return sorted(
        f"{s.user}: {', '.join(sorted(s.data[LINE_EVENTS]))}"
        for s in state.sessions.all()
        if s.data.get(LINE_EVENTS)
    )
