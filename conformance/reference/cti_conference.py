"""Hold and conferences on a line (document 26.1.21, 26.1.26; events 26.2.9-26.2.12).

asnCtiHold (L25611-L25660) puts a connected call of the caller's line on hold (``bHold`` true)
or takes it back; any other state is an AsnRequestError (iErrorDetail 1, like the other call
operations of :mod:`conformance.reference.cti`). asnCtiSwapHold (26.1.20, L25570-L25609) takes
back the held call it names and puts the line's active call on hold ("needs two calls on the
same line (one active, one on hold)", L25576); without both it is that AsnRequestError too.
asnCtiConference (L25915-L25956) joins "two already existing calls of a line",
``u8sConnectionID1`` "of the active call" and ``u8sConnectionID2`` "of the call on hold"
(L25928-L25930), into "a conference with 3 attendants (you and the two other call partners)"
(L25921):

* neither is a conference yet: a new connection on the line stands for the conference (its
  *controller*, connected), the two calls become its members (CONFERENCED), and the line's
  monitors get asnCtiNotifyConferenceCreated with the controller's and the members' call
  information (L26342-L26374);
* one of them is the controller of a conference (put on hold to call someone else): the
  other call joins it, the controller is connected again, and the monitors get
  asnCtiNotifyConferencePartyAdded with the new member (L26410-L26432).

A member's call that ends (asnCtiDropCall on either side) leaves the conference:
asnCtiNotifyConferencePartyRemoved (L26438-L26461); the controller's drop ends the conference:
every member's call is dropped and the monitors get asnCtiNotifyConferenceDestroyed with the
controller and the members it had (L26379-L26404). So does the last member leaving. The events
carry the monitor's cross reference in ``u8sLineMonitorCrossRefID`` (the member name of these
four events, L26352, L26388, L26419, L26447).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from conformance.reference.cti import BAD_CONNECTION, _own_connection, announce, cti_of
from conformance.reference.dispatch import Call, operation, request_error
from conformance.reference.hooks import HookPoint
from conformance.reference.pbx import CallState, Connection
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = ["CONFERENCE_EVENT_SENT", "Conference", "Conferences"]

CREATED = "asnCtiNotifyConferenceCreated"
PARTY_ADDED = "asnCtiNotifyConferencePartyAdded"
PARTY_REMOVED = "asnCtiNotifyConferencePartyRemoved"
DESTROYED = "asnCtiNotifyConferenceDestroyed"

CONFERENCE_EVENT_SENT: HookPoint[tuple[str, bool]] = HookPoint(
    "cti.conference-event", "(conference event, whether the line's monitors get it)"
)


@dataclass(eq=False)
class Conference:
    controller: Connection
    members: list[Connection] = field(default_factory=list)


class Conferences:
    """The conferences of one server, by their controller's connection id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_controller: dict[str, Conference] = {}

    def of(self, connection: Connection) -> Conference | None:
        """The conference ``connection`` controls, if any."""
        with self._lock:
            return self._by_controller.get(connection.connection_id)

    def add(self, conference: Conference) -> None:
        with self._lock:
            self._by_controller[conference.controller.connection_id] = conference

    def remove(self, conference: Conference) -> None:
        with self._lock:
            self._by_controller.pop(conference.controller.connection_id, None)

    def all(self) -> list[Conference]:
        with self._lock:
            return list(self._by_controller.values())


def _conferences(state: ServerState) -> Conferences:
    conferences = state.part(Conferences)
    cti = cti_of(state)
    if _after_drop not in cti.after_drop:
        cti.after_drop.append(_after_drop)
    return conferences


def _tell(state: ServerState, conference: Conference, event: str, members: JsonObject) -> None:
    if not state.faults.apply(CONFERENCE_EVENT_SENT, (event, True))[1]:
        return
    cti = cti_of(state)
    line = conference.controller.line
    controller = cti.pbx.call_information(conference.controller)
    for monitor in cti.monitors_on((line,)):
        monitor.session.send_event(
            event,
            {
                "u8sLineMonitorCrossRefID": monitor.cross_ref,
                "u8sLinePhoneNumber": cti.pbx.name(line),
                "conferenceControllerCallInfo": controller,
                **members,
            },
        )


@operation("asnCtiHold")
async def hold(call: Call, argument: JsonObject) -> JsonObject:
    pbx = cti_of(call.state).pbx
    connection = _own_connection(call, pbx, argument["u8sConnectionID"])
    on = bool(argument["bHold"])
    if connection.state is not (CallState.CONNECTED if on else CallState.HOLD):
        raise request_error(
            BAD_CONNECTION,
            f"the call is {connection.state.name}; hold takes a CONNECTED call, retrieve a HOLD",
        )
    announce(call.state, pbx.hold(connection, on))
    return {"bSuccess": True}


@operation("asnCtiSwapHold")
async def swap_hold(call: Call, argument: JsonObject) -> JsonObject:
    pbx = cti_of(call.state).pbx
    held = _own_connection(call, pbx, argument["u8sConnectionID"])
    active = [c for c in pbx.calls_on(held.line) if c.state is CallState.CONNECTED]
    if held.state is not CallState.HOLD or not active:
        raise request_error(
            BAD_CONNECTION,
            f"the call is {held.state.name}; swap takes a held call on a line with an active one",
        )
    # the held call is taken back first, so the other goes on hold next to an active call
    announce(call.state, pbx.hold(held, False) + pbx.hold(active[0], True))
    return {"bSuccess": True}


@operation("asnCtiConference")
async def conference(call: Call, argument: JsonObject) -> JsonObject:
    pbx = cti_of(call.state).pbx
    active = _own_connection(call, pbx, argument["u8sConnectionID1"])
    held = _own_connection(call, pbx, argument["u8sConnectionID2"])
    if (
        active.line != held.line
        or active.state is not CallState.CONNECTED
        or held.state is not CallState.HOLD
    ):
        raise request_error(
            BAD_CONNECTION,
            "u8sConnectionID1 must be a connected call and u8sConnectionID2 a call on hold, "
            "both of one line (L25928-L25930)",
        )
    conferences = _conferences(call.state)
    existing = conferences.of(held) or conferences.of(active)
    if existing is not None:
        joining = active if existing.controller is held else held
        changes = [pbx.conferenced(joining)]
        if existing.controller.state is CallState.HOLD:
            changes += pbx.hold(existing.controller, False)
        existing.members.append(joining)
        announce(call.state, changes)
        member = pbx.call_information(joining)
        _tell(call.state, existing, PARTY_ADDED, {"conferenceMemberCallInfo": member})
        return {"bSuccess": True}
    controller, opened = pbx.conference_controller(active.line)
    created = Conference(controller, [active, held])
    conferences.add(created)
    announce(call.state, [opened, pbx.conferenced(active), pbx.conferenced(held)])
    members = [pbx.call_information(c) for c in created.members]
    _tell(call.state, created, CREATED, {"conferenceMemberCallInfoList": members})
    return {"bSuccess": True}


def _after_drop(state: ServerState, dropped: Connection) -> None:
    """A dropped call leaves the conferences it was in; a dropped controller ends its own."""
    pbx = cti_of(state).pbx
    conferences = _conferences(state)
    for conference in conferences.all():
        if conference.controller is dropped:
            _destroy(state, conference)
            continue
        leaving = [m for m in conference.members if m.call is dropped.call]
        for member in leaving:
            conference.members.remove(member)
            info = pbx.call_information(member)
            _tell(state, conference, PARTY_REMOVED, {"conferenceMemberCallInfo": info})
        if leaving and not conference.members:
            announce(state, pbx.drop(conference.controller))
            _destroy(state, conference)


def _destroy(state: ServerState, conference: Conference) -> None:
    pbx = cti_of(state).pbx
    _conferences(state).remove(conference)
    members = [pbx.call_information(m) for m in conference.members]
    for member in conference.members:
        if not member.ended:
            announce(state, pbx.drop(member))
    _tell(state, conference, DESTROYED, {"conferenceMemberCallInfoList": members})
