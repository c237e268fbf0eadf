"""The General events a CTI call causes: asnUpdateMyCallInformation (2.2.15, L3230-L3290) and
asnContactCallInformationChanged (2.2.10, L3109-L3128).

Both carry the state of one connection as AsnContactCallInformation / AsnUpdateMyCallInformation-
Argument (3.1.159, 3.1.160): "ContactID: wessen status ändert sich", "ConnectionID: auf welcher
Verbindung (Call/Line) ändert sich was" (L3238-L3244). The document names no recipients. The
reference server's choice (CONFORMANCE-NOTES; profile capability
``cti.call_information_events``): every change of a connection goes as asnUpdateMyCallInformation
to every session of the line's owner ("My"), and as asnContactCallInformationChanged to every
session subscribed to the owner's presence (asnGetAndSubscribePresence, 36.1.1), the way the
owner's other changes reach watchers. A contact id is the owner's SIP URI (N27).
"""

from __future__ import annotations

from collections.abc import Callable

from conformance.reference.directory import DirectoryUser
from conformance.reference.hooks import HookPoint
from conformance.reference.pbx import Change
from conformance.reference.presence import subscribed_contacts
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = ["CONTACT_CALL_INFORMATION", "MY_CALL_INFORMATION", "WATCHERS_TOLD", "tell"]

MY_CALL_INFORMATION = "asnUpdateMyCallInformation"
CONTACT_CALL_INFORMATION = "asnContactCallInformationChanged"

WATCHERS_TOLD: HookPoint[tuple[str, bool]] = HookPoint(
    "call-information.told",
    "(event, whether a connection's change goes out as it): asnUpdateMyCallInformation to the "
    "owner's sessions, asnContactCallInformationChanged to the owner's presence subscribers",
)

_SHARED = (
    "u8sConnectionID",
    "u8sLinePhoneNumber",
    "iCallState",
    "iDisconnectedReason",
    "iFeatures",
    "bOutbound",
    "bInternal",
    "iCallRecordingState",
    "bConferenceCtlr",
)


def _information(contact_id: str, presence: int, change: Change) -> JsonObject:
    """AsnContactCallInformation (3.1.159 / 3.1.160) from the AsnCtiCallInformation."""
    info = change.information
    result: JsonObject = {key: info[key] for key in _SHARED}
    result.update(
        {
            "u8sContactChangedId": contact_id,
            "iPresenceState": presence,
            "u8sCharging": "",
            "bPrivate": False,
            "u8sCurrentNumberSC": info["u8sRemoteNumberSC"],
        }
    )
    return result


def tell(
    state: ServerState,
    changes: list[Change],
    owner_of: Callable[[str], DirectoryUser | None],
) -> None:
    """The events for each change, to the line owner's sessions and presence subscribers."""
    for change in changes:
        owner = owner_of(change.connection.line)
        if owner is None:
            continue
        presence = state.directory.presence(owner)
        information = _information(owner.sip_uri, presence, change)
        if state.faults.apply(WATCHERS_TOLD, (MY_CALL_INFORMATION, True))[1]:
            for session in state.sessions.of_user(owner.name):
                session.send_event(MY_CALL_INFORMATION, information)
        if not state.faults.apply(WATCHERS_TOLD, (CONTACT_CALL_INFORMATION, True))[1]:
            continue
        watched = {
            "contactID": owner.sip_uri,
            "iPresenceState": presence,
            "callinfo": information,
        }
        for session in state.sessions.all():
            if not session.closed and owner.sip_uri in subscribed_contacts(session):
                session.send_event(CONTACT_CALL_INFORMATION, watched)
