"""General (document chapter 2): the events that tell a user's own state to the user's other
sessions and to the sessions watching the user, contacts opened the PresenceV1 way, client
capabilities, the connected-client list and the per-user settings a client stores on the server.

The state itself (absent state, custom note, presence) is :mod:`conformance.reference.presence`'s
model; this module listens to its changes (:data:`presence.OWN_STATE_LISTENERS`) and adds the
General events. Who receives them, where the document is silent (CONFORMANCE-NOTES N52):

* ``asnUpdateMy...`` (2.2.14-2.2.26; "My" is the owner): every open session of the user whose
  state changed, the changing one included.
* ``asnContact...Changed`` and asnPresenceStateChanged (2.2.9-2.2.17; "update fuer alle anderen",
  L3317): every session that opened the contact with asnOpenContacts (2.1.11, L1151-L1196) and
  did not close it again (asnCloseContacts 2.1.13).
* asnOperationComplete (2.2.5, L2887-L2911): to the session that asked for it with the optional
  parameter ``CompletedEventID`` of asnOpenContacts (L1153-L1154), after the contacts' result.
* asnMyUpdateConnectedClientList (2.2.22): the user's other open sessions, whenever a session of
  the user begins or ends; it lists every session of the user, ``bMyConnectionInfo`` true in
  the receiving session's own entry.
* asnSetClientCapabilities (2.2.29, an event a client sends) stores the session's capabilities
  (they end with the session); asnClientCapabilitiesChanged (2.2.30) goes to the user's other
  sessions and to those that opened the user; asnGetClientCapabilities (2.1.32) reads them.
* asnRequestMyPresenceRightsChallenge (2.2.20, L3371, "so that the server should send the
  actual list via asnMyPresenceRightsChallenge") is answered in the requesting session; the
  reference server has no pending challenges, so the list is empty.
* asnCtiSetForward / asnCtiRemoveForward on one of the caller's lines (handled with the line's
  other features in :mod:`conformance.reference.cti_features`) set the line's forward state
  (seqLineForwards of AsnContactPhoneLine); asnUpdateMyPhoneForwardState (2.2.16) and
  asnContactPhoneForwardStateChanged (2.2.17) report it.
* asnSetUserPropertyBag (2.1.37) changes the user's AsnContact: asnUpdateMyContactConfiguration
  (2.2.18) carries the changed contact to the user's sessions.
* asnSetClientXMLContent (2.1.8) stores the user's client content: asnMyUpdateClientContent
  (2.2.23) tells the user's sessions its new revision.
* asnContactStatusRequest (2.1.39) answers each row's contact and, with ``bActivateNotify``
  ("Sollen die Ergebnisse als Notifies registriert werden", L8094-L8098), registers it: every
  change of that contact's presence sends asnContactStatusResultEvent (2.2.31) to the session,
  until the row is deactivated (``listDeactivateNotify``) or the search closed
  (asnContactSearchClose 2.1.40, "Beendet alle Notifies fuer einen ganzen Search").
* every change of a call on one of a user's lines (CTI's model, monitored or not) sends
  asnUpdateMyCallInformation (2.2.15) to the user's sessions and asnContactCallInformation-
  Changed (2.2.10, "Invoked (Event) if PhoneState (CallInformation) has changed") to the
  sessions that opened the user.
* the server has one location, LOCATION_ID, until a client sets others: asnGetLocationIDs
  (2.1.4), asnGetLocationInformation2 (2.1.2) and asnSetLocationInformation2 (2.1.3) read and
  write it, and a set sends asnLocationInformationChanged (2.2.2) to every open session (a
  location is the server's configuration, not a user's).
* asnSetSettingsDynamicRights (2.1.14) replaces the rights the user grants ("hier immer die
  vollstaendige Liste setzen", L2943-L2949; only one's own, "im Moment darf man nur bei sich
  selbst aendern", L2925-L2929); asnGetSettingsDynamicRights (2.1.15) returns them and
  asnSettingsDynamicRightsChanged (2.2.6) tells the user's sessions.
* asnSetServerBasedClientSettings (2.1.38) stores the user's settings, asnGetServerBasedClient-
  Settings (2.1.37) returns them (no event).
* asnSendSMS (2.1.44, L2703-L2707) answers a fresh reference id per message, in the order sent
  ("u8sCrossRefIDs ... in der gleichen Reihenfolge"), and then tells the sending session each
  message's status with asnSMSStatusNotify (2.2.32; "Der Server schickt dem Client Status-
  Nachrichten zu den versendeten SMS", L4916), ``u8sMonitorCrossRefID`` the message's id. The
  reference server sends no SMS: every message is reported sent (eSMSSTATUSSUCCESS).
"""

from __future__ import annotations

import itertools
import secrets
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from conformance.reference import cti, presence
from conformance.reference.directory import DirectoryUser
from conformance.reference.dispatch import INVALID_ARGUMENT, Call, operation, request_error
from conformance.reference.hooks import HookPoint
from conformance.reference.pbx import Change
from conformance.reference.sessions import Session
from conformance.reference.state import SESSION_LISTENERS, ServerState
from conformance.rose import JsonObject

__all__ = ["GENERAL_EVENT", "Delivery", "snapshot"]

_OPENED = "general.opened"
"""``session.data`` key: the contact ids the session opened with asnOpenContacts."""
_CAPABILITIES = "general.capabilities"
"""``session.data`` key: the osXMLContent of the session's last asnSetClientCapabilities."""
_STATUS_NOTIFIES = "general.status-notifies"
"""``session.data`` key: (iClientSearchID, iClientRowID) to the contact id whose status the
session asked to be notified of (asnContactStatusRequest, bActivateNotify)."""
_SMS_SENT = 0
"""eSMSSTATUSSUCCESS (AsnSMSStatus 3.1.35, L4915-L4925)."""
_SDK_CLIENT = 15
"""iConnectionType of a session created with clientappid=15 (an SDK/web client, protocol-notes
§1); other sessions report 0."""


@dataclass(frozen=True)
class Delivery:
    """One General event about to go to one session."""

    event: str
    argument: JsonObject
    audience: str
    """"own" (a session of the user whose state changed), "watcher" (a session that opened the
    user), "requester" (the session whose invoke or event asked for it)."""


GENERAL_EVENT: HookPoint[Delivery | None] = HookPoint(
    "general.event", "a General event about to go to one session; None drops it"
)


@dataclass
class GeneralState:
    """What users store on the server through General, by login name."""

    settings: dict[str, str] = field(default_factory=dict)
    dynamic_rights: dict[str, list[JsonObject]] = field(default_factory=dict)
    locations: dict[str, JsonObject] = field(default_factory=dict)
    """Location id to its AsnLocationInformation2, as clients set it (the default otherwise)."""
    xml_content: dict[str, JsonObject] = field(default_factory=dict)
    revisions: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


def _general(state: ServerState) -> GeneralState:
    return state.part(GeneralState)


def snapshot(state: ServerState) -> JsonObject:
    """Settings and client content that differ from a fresh server's (the property bag is the
    directory's)."""
    general = _general(state)
    return {
        "settings": dict(sorted(general.settings.items())),
        "xml content": dict(sorted(general.xml_content.items())),
        "dynamic rights": {k: v for k, v in sorted(general.dynamic_rights.items()) if v},
        "locations": dict(sorted(general.locations.items())),
    }


def _send(state: ServerState, session: Session, delivery: Delivery) -> None:
    bent = state.faults.apply(GENERAL_EVENT, delivery)
    if bent is not None and not session.closed:
        session.send_event(bent.event, bent.argument)


def _own(state: ServerState, user: DirectoryUser) -> list[Session]:
    return [s for s in state.sessions.of_user(user.name) if not s.closed]


def _watchers(state: ServerState, user: DirectoryUser) -> list[Session]:
    return [
        s for s in state.sessions.all() if not s.closed and user.sip_uri in s.data.get(_OPENED, ())
    ]


def _tell(
    state: ServerState, sessions: list[Session], event: str, argument: JsonObject, audience: str
) -> None:
    for session in sessions:
        _send(state, session, Delivery(event, argument, audience))


# --- own state: the presence model's changes --------------------------------------------------


def _presence_state(state: ServerState, user: DirectoryUser) -> JsonObject:
    """AsnPresenceState (2.2.9, L3038-L3107) of a user as asnPresenceStateChanged sends it."""
    contact = state.directory.contact(user)
    absent = contact["asnAbsentState"]
    return {
        "contactID": user.sip_uri,
        "iPresenceState": contact["iPresenceState"],
        "iContactFeatureSet": contact["iContactFeatureSet"],
        "asnRemoteContact": contact["asnRemoteContact"],
        "iContactConnectionState": 0,
        "u8sAdditionalConnectionInfo": "",
        "utcAbsentStartTime": absent["stTimeFrom"],
        "utcAbsentEndTime": absent["stTimeTo"],
        "u8sAbsentReason": absent["u8sAbsentReason"],
        "u8sAbsentMessage": absent["u8sMessage"],
        "u8sNote": contact["asnCustomNote"]["u8sNote"],
    }


def _forward_states(
    state: ServerState, user: DirectoryUser, change: presence.PresenceChange
) -> list[JsonObject]:
    """AsnUpdateMyPhoneForwardStateArgument (2.2.16) of every line whose forwards changed."""
    contact = state.directory.contact(user)

    def by_line(snapshot: JsonObject) -> dict[str, list[Any]]:
        lines: dict[str, list[Any]] = {}
        for forward in snapshot.get("seqLineForwards", []):
            lines.setdefault(forward["u8sLinePhoneNumber"], []).append(forward)
        return lines

    before, after = by_line(change.before), by_line(change.after)
    return [
        {
            "u8sContactID": user.sip_uri,
            "iContactFeatureSet": contact["iContactFeatureSet"],
            "iPresenceState": contact["iPresenceState"],
            "u8sLinenumber": line["u8sLinePhoneNumber"],
            "seqLineForwards": line["seqLineForwards"],
        }
        for line in contact["seqPhoneLines"]
        if before.get(line["u8sLinePhoneNumber"]) != after.get(line["u8sLinePhoneNumber"])
    ]


def _own_state_changed(
    state: ServerState, user: DirectoryUser, change: presence.PresenceChange
) -> None:
    own, watchers = _own(state, user), _watchers(state, user)
    after = change.after
    if change.changed & presence.PRESENCE:
        _tell(state, watchers, "asnPresenceStateChanged", _presence_state(state, user), "watcher")
        _notify_status(state, user)
    if change.changed & presence.ABSENTSTATE:
        absent = after["asnAbsentState"]
        _tell(state, own, "asnUpdateMyAbsentState", {"absentstate": absent}, "own")
        contact_absent = {
            "contactID": user.sip_uri,
            "iPresenceState": after["iPresenceState"],
            "utcAbsentStartTime": absent["stTimeFrom"],
            "utcAbsentEndTime": absent["stTimeTo"],
            "u8sAbsentReason": absent["u8sAbsentReason"],
            "u8sAbsentMessage": absent["u8sMessage"],
        }
        _tell(state, watchers, "asnContactAbsentStateChanged", contact_absent, "watcher")
    if change.changed & presence.NOTE:
        note = after["asnCustomNote"]
        _tell(state, own, "asnUpdateMyCustomNote", {"customnote": note}, "own")
        _tell(state, watchers, "asnContactCustomNoteChanged", note, "watcher")
    if change.changed & presence.PHONE_FORWARDS:
        for forward_state in _forward_states(state, user, change):
            _tell(state, own, "asnUpdateMyPhoneForwardState", forward_state, "own")
            _tell(state, watchers, "asnContactPhoneForwardStateChanged", forward_state, "watcher")
    if change.changed & presence.DATA:
        configuration = {"contactChanged": state.directory.contact(user)}
        _tell(state, own, "asnUpdateMyContactConfiguration", configuration, "own")


presence.OWN_STATE_LISTENERS.append(_own_state_changed)


def _call_changed(state: ServerState, change: Change) -> None:
    connection = change.connection
    user = state.directory.line_owner(connection.line)
    if user is None:
        return
    information = change.information
    call_information = {  # AsnContactCallInformation, from the call's AsnCtiCallInformation
        "u8sContactChangedId": user.sip_uri,
        "iPresenceState": state.directory.presence(user),
        "u8sConnectionID": information["u8sConnectionID"],
        "u8sLinePhoneNumber": information["u8sLinePhoneNumber"],
        "u8sCharging": "",
        "iCallState": information["iCallState"],
        "iDisconnectedReason": information["iDisconnectedReason"],
        "iFeatures": information["iFeatures"],
        "bOutbound": information["bOutbound"],
        "bInternal": information["bInternal"],
        "bPrivate": False,
        "iCallRecordingState": information["iCallRecordingState"],
        "bConferenceCtlr": information["bConferenceCtlr"],
        "u8sCurrentNumberSC": information["u8sRemoteNumberSC"],
    }
    _tell(state, _own(state, user), "asnUpdateMyCallInformation", call_information, "own")
    changed = {
        "contactID": user.sip_uri,
        "iPresenceState": call_information["iPresenceState"],
        "callinfo": call_information,
    }
    _tell(state, _watchers(state, user), "asnContactCallInformationChanged", changed, "watcher")


cti.CALL_LISTENERS.append(_call_changed)


# --- contacts opened the PresenceV1 way ---------------------------------------------------------


def _optional_string(argument: JsonObject, key: str) -> str | None:
    """A string optional parameter, in the object form or the document's array form (N1)."""
    params = argument.get("optionalParams")
    if isinstance(params, dict):
        value = params.get(key)
        return value if isinstance(value, str) else None
    for param in params if isinstance(params, list) else ():
        if isinstance(param, dict) and param.get("key") == key:
            value = param.get("value", {}).get("stringdata")
            return value if isinstance(value, str) else None
    return None


@operation("asnOpenContacts")
async def open_contacts(call: Call, argument: JsonObject) -> JsonObject:
    state = call.state
    wanted = argument["seqContactIDs"] or [u.sip_uri for u in state.directory.users()]
    contacts: list[JsonObject] = []
    opened: list[str] = []
    for contact_id in dict.fromkeys(wanted):
        user = state.directory.by_sip(contact_id)
        if user is not None:
            contacts.append(state.directory.contact(user))
            opened.append(contact_id)
    session = call.session
    if session is not None:
        session.data.setdefault(_OPENED, set()).update(opened)
        completion = _optional_string(argument, "CompletedEventID")
        if completion is not None:
            # after the result: the event must not overtake it (spawned on the server's loop)
            done = Delivery("asnOperationComplete", {"u8sCompletionID": completion}, "requester")

            async def complete() -> None:
                _send(state, session, done)

            state.spawn(complete())
    return {"contacts": contacts}


@operation("asnCloseContacts")
async def close_contacts(call: Call, argument: JsonObject) -> JsonObject:
    if call.session is not None:
        call.session.data.get(_OPENED, set()).difference_update(argument["seqContactIDs"])
    return {"iResult": 0, "u8sComment": ""}


# --- contact status for search lists -----------------------------------------------------------

_ACTIVE_CONTACT_ID, _PHONE_NUMBER = 0, 1  # AsnContactStatusParameterEnum (3.1.1)


def _status_contact(state: ServerState, parameters: list[JsonObject]) -> DirectoryUser | None:
    for parameter in parameters:
        value = parameter["u8sValue"]
        if parameter["typeOfValue"] == _ACTIVE_CONTACT_ID:
            user = state.directory.by_sip(value)
        elif parameter["typeOfValue"] == _PHONE_NUMBER:
            user = state.directory.line_owner(value) or state.directory.line_owner(f"tel:{value}")
        else:
            user = None
        if user is not None:
            return user
    return None


def _status_entry(state: ServerState, search: int, row: int, user: DirectoryUser) -> JsonObject:
    return {
        "iClientSearchID": search,
        "iClientRowID": row,
        "iPresenceState": state.directory.presence(user),
        "u8sContactID": user.sip_uri,
    }


def _notify_status(state: ServerState, user: DirectoryUser) -> None:
    for session in state.sessions.all():
        for (search, row), contact_id in dict(session.data.get(_STATUS_NOTIFIES, {})).items():
            if contact_id == user.sip_uri:
                entry = _status_entry(state, search, row, user)
                _send(state, session, Delivery("asnContactStatusResultEvent", entry, "watcher"))


@operation("asnContactStatusRequest")
async def contact_status_request(call: Call, argument: JsonObject) -> JsonObject:
    state, results = call.state, []
    notifies: dict[tuple[int, int], str] = {}
    if call.session is not None:
        notifies = call.session.data.setdefault(_STATUS_NOTIFIES, {})
    for entry in argument["request"]:
        search, row = entry["iClientSearchID"], entry["iClientRowID"]
        for dropped in entry["listDeactivateNotify"]:
            notifies.pop((search, dropped), None)
        user = _status_contact(state, entry["listSearchParameter"])
        if user is None:
            continue
        results.append(_status_entry(state, search, row, user))
        if entry["bActivateNotify"]:
            notifies[(search, row)] = user.sip_uri
    return {"iResult": 0, "iCount": len(results), "listStatusResult": results}


@operation("asnContactSearchClose")
async def contact_search_close(call: Call, argument: JsonObject) -> JsonObject:
    if call.session is not None:
        notifies = call.session.data.get(_STATUS_NOTIFIES, {})
        for key in [k for k in notifies if k[0] == argument["iClientSearchID"]]:
            del notifies[key]
    return {"iResult": 0}


# --- sessions of a user -----------------------------------------------------------------------


def _system_time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _client_infos(state: ServerState, user: str, receiver: Session) -> list[JsonObject]:
    return [
        {
            "iConnectionType": _SDK_CLIENT if s.client_app_id == str(_SDK_CLIENT) else 0,
            "bMyConnectionInfo": s is receiver,
            "stUTCLoginTime": _system_time(s.created_at),
            "u8sComputername": "",
            "u8sAdditionalInfo": "",
        }
        for s in state.sessions.of_user(user)
        if not s.closed
    ]


def _sessions_changed(state: ServerState, changed: Session) -> None:
    for session in state.sessions.of_user(changed.user):
        if session is not changed and not session.closed:
            listing = {"listClientInfos": _client_infos(state, changed.user, session)}
            _send(state, session, Delivery("asnMyUpdateConnectedClientList", listing, "own"))


SESSION_LISTENERS.append(_sessions_changed)


# --- client capabilities ----------------------------------------------------------------------


@operation("asnSetClientCapabilities")
async def set_client_capabilities(call: Call, argument: JsonObject) -> None:
    session = call.session
    if session is None:
        return
    session.data[_CAPABILITIES] = argument["osXMLContent"]
    state, user = call.state, call.user
    changed = {
        "listCapabilities": [
            {"u8sContactID": user.sip_uri, "osXMLContent": argument["osXMLContent"]}
        ]
    }
    others = [s for s in _own(state, user) if s is not session]
    _tell(state, others, "asnClientCapabilitiesChanged", changed, "own")
    _tell(state, _watchers(state, user), "asnClientCapabilitiesChanged", changed, "watcher")


@operation("asnGetClientCapabilities")
async def get_client_capabilities(call: Call, argument: JsonObject) -> JsonObject:
    entries: list[JsonObject] = []
    for contact_id in dict.fromkeys(argument["u8slistContactIDs"]):
        user = call.state.directory.by_sip(contact_id)
        if user is None:
            continue
        for session in _own(call.state, user):
            content = session.data.get(_CAPABILITIES)
            if content is not None:  # "IDs ... ohne Capabilities ... KEIN Eintrag" (L2163)
                entries.append({"u8sContactID": contact_id, "osXMLContent": content})
    return {"listClientCapabilities": entries}


@operation("asnRequestMyPresenceRightsChallenge")
async def request_presence_rights_challenge(call: Call, argument: JsonObject) -> None:
    if call.session is not None:
        answer = Delivery("asnMyPresenceRightsChallenge", {"contactsChallenging": []}, "requester")
        _send(call.state, call.session, answer)


# --- phone forwarding -------------------------------------------------------------------------


def forwards_changed(
    state: ServerState, user: DirectoryUser, line: str, forwards: list[JsonObject]
) -> None:
    """The forwards of one of ``user``'s lines changed (CTI's asnCtiSetForward and
    asnCtiRemoveForward, :mod:`conformance.reference.cti_features`): the user's AsnContact shows
    them, and the presence listeners report the new phone forward state."""
    before = presence.snapshot(state, user)
    state.directory.set_forwards(line, forwards)
    presence.announce(state, user, before)


# --- locations --------------------------------------------------------------------------------

LOCATION_ID = "ucserver-reference-location"
LOCATION_LISTENERS: list[Callable[[ServerState, str, str], None]] = []
"""Called with (state, location id, its checksum) when a client set a location: the
Management module's asnMgmtLocationChanged registers here."""


def _default_location(state: ServerState) -> JsonObject:
    """The server's one location before any client set it (a minimal valid instance)."""
    default = state.synth.result("asnGetLocationInformation2", {"u8sLocationID": LOCATION_ID})
    return {**default["asnLocationData"], "u8sLocationID": LOCATION_ID}


def _location(state: ServerState, location_id: str) -> JsonObject | None:
    stored = _general(state).locations.get(location_id)
    if stored is None and location_id == LOCATION_ID:
        return _default_location(state)
    return stored


def _location_ids(state: ServerState) -> list[str]:
    return sorted({LOCATION_ID, *_general(state).locations})


@operation("asnGetLocationIDs")
async def get_location_ids(call: Call, argument: JsonObject) -> JsonObject:
    wanted = argument.get("locationIDs") or _location_ids(call.state)
    pairs = []
    for location_id in wanted:
        location = _location(call.state, location_id)
        if location is not None:
            pairs.append({"key": location_id, "value": location["u8sLocationCheckSum"]})
    return {"locationIDMD5ChecksumList": pairs}


@operation("asnGetLocationInformation2")
async def get_location_information2(call: Call, argument: JsonObject) -> JsonObject:
    location = _location(call.state, argument["u8sLocationID"])
    if location is None:
        raise request_error(INVALID_ARGUMENT, f"no location {argument['u8sLocationID']!r}")
    return {"asnLocationData": location}


@operation("asnSetLocationInformation2")
async def set_location_information2(call: Call, argument: JsonObject) -> JsonObject:
    state, location = call.state, argument["asnLocationData"]
    location_id = location["u8sLocationID"]
    if _location(state, location_id) is None:  # locations are configured, not made by clients
        raise request_error(INVALID_ARGUMENT, f"no location {location_id!r}")
    if location_id == LOCATION_ID and location == _default_location(state):
        _general(state).locations.pop(location_id, None)  # the default again
    else:
        _general(state).locations[location_id] = location
    sessions = [s for s in state.sessions.all() if not s.closed]
    changed = {"u8sLocationID": location_id}
    _tell(state, sessions, "asnLocationInformationChanged", changed, "watcher")
    for listener in LOCATION_LISTENERS:
        listener(state, location_id, location["u8sLocationCheckSum"])
    return {}


# --- dynamic rights ---------------------------------------------------------------------------


def _rights_owner(call: Call, contact_id: str) -> DirectoryUser:
    if contact_id not in ("", call.user.sip_uri):
        raise request_error(INVALID_ARGUMENT, f"u8sContactID {contact_id!r} is not the caller's")
    return call.user


@operation("asnGetSettingsDynamicRights")
async def get_settings_dynamic_rights(call: Call, argument: JsonObject) -> JsonObject:
    user = _rights_owner(call, argument["u8sContactID"])
    rights = _general(call.state).dynamic_rights.get(user.name, [])
    return {"iResult": 0, "seqDynamicRightsList": rights}


@operation("asnSetSettingsDynamicRights")
async def set_settings_dynamic_rights(call: Call, argument: JsonObject) -> JsonObject:
    user = _rights_owner(call, argument["u8sContactID"])
    rights = list(argument["seqDynamicRightsList"])
    _general(call.state).dynamic_rights[user.name] = rights
    changed = {"u8sContactID": user.sip_uri, "seqDynamicRightsList": rights}
    _tell(call.state, _own(call.state, user), "asnSettingsDynamicRightsChanged", changed, "own")
    return {"iResult": 0}


# --- what a user stores on the server ---------------------------------------------------------


@operation("asnSetUserPropertyBag")
async def set_user_property_bag(call: Call, argument: JsonObject) -> JsonObject:
    before = presence.snapshot(call.state, call.user)
    properties = argument["asnUserPropertyBag"]["asnProperties"]
    call.state.directory.set_property_bag(call.user, properties)
    presence.announce(call.state, call.user, before)
    return {"iResult": 0}


def _xml(text: str, member: str) -> str:
    """``text`` if it is an XML document (or empty); else the AsnRequestError a member
    described as XML data earns ("XML formatierte Settings", L8029; "Die XML-Daten", L3495)."""
    if text:
        try:
            ElementTree.fromstring(text)
        except ElementTree.ParseError as exc:
            raise request_error(INVALID_ARGUMENT, f"{member} is no XML document: {exc}") from None
    return text


@operation("asnGetServerBasedClientSettings")
async def get_server_based_client_settings(call: Call, argument: JsonObject) -> JsonObject:
    data = _general(call.state).settings.get(call.user.name, "")
    return {"iResult": 0, "clientSettings": {"osSettingsData": data}}


@operation("asnSetServerBasedClientSettings")
async def set_server_based_client_settings(call: Call, argument: JsonObject) -> JsonObject:
    data = _xml(argument["clientSettings"]["osSettingsData"], "osSettingsData")
    settings = _general(call.state).settings
    if data:
        settings[call.user.name] = data
    else:  # an empty settings document is what a fresh server holds
        settings.pop(call.user.name, None)
    return {"iResult": 0}


_EMPTY_CONTENT: JsonObject = {"osXMLContent": "", "osXMLContentDescription": ""}


@operation("asnGetClientXMLContent")
async def get_client_xml_content(call: Call, argument: JsonObject) -> JsonObject:
    content = _general(call.state).xml_content.get(call.user.name, _EMPTY_CONTENT)
    return {"content": content}


@operation("asnSetClientXMLContent")
async def set_client_xml_content(call: Call, argument: JsonObject) -> JsonObject:
    general = _general(call.state)
    content = {k: argument["content"][k] for k in _EMPTY_CONTENT}
    _xml(content["osXMLContent"], "osXMLContent")
    if content == _EMPTY_CONTENT:
        general.xml_content.pop(call.user.name, None)
    else:
        general.xml_content[call.user.name] = content
    revision = {"u8sNewRevision": str(next(general.revisions))}
    _tell(call.state, _own(call.state, call.user), "asnMyUpdateClientContent", revision, "own")
    return {}


# --- SMS ----------------------------------------------------------------------------------------


@operation("asnSendSMS")
async def send_sms(call: Call, argument: JsonObject) -> JsonObject:
    ids = [f"sms-{secrets.token_hex(8)}" for _ in argument["messages"]]
    session = call.session
    if session is not None:
        statuses = [
            Delivery(
                "asnSMSStatusNotify",
                {"u8sMonitorCrossRefID": ref, "status": _SMS_SENT, "u8sErrReason": ""},
                "requester",
            )
            for ref in ids
        ]

        async def report() -> None:  # after the result, whose ids the statuses name
            for status in statuses:
                _send(call.state, session, status)

        call.state.spawn(report())
    return {"u8sCrossRefIDs": ids}
