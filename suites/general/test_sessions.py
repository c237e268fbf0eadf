"""A user's sessions: contacts opened with a completion event (asnOpenContacts 2.1.11,
asnOperationComplete 2.2.5), the connected-client list (asnMyUpdateConnectedClientList 2.2.22),
client capabilities (asnSetClientCapabilities 2.2.29, asnClientCapabilitiesChanged 2.2.30,
asnGetClientCapabilities 2.1.32) and the presence-rights challenge list (2.2.19, 2.2.20)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from conformance.client import Session
from conformance.errors import ConformanceViolation
from conformance.plugin import Eventually
from conformance.profile import User

if TYPE_CHECKING:
    pass

pytestmark = pytest.mark.module("General")

CLIENT_LIST = "asnMyUpdateConnectedClientList"


def _capabilities() -> str:
    """Client capabilities XML (osXMLContent, 2.2.29, L3495-L3497) unique to this test."""
    return f'<?xml version="1.0" encoding="UTF-8"?><caps test="{uuid.uuid4().hex}"/>'


@pytest.mark.spec("2.1.11", line=1151)
@pytest.mark.spec("2.2.5", line=2887)
@pytest.mark.sends("asnOpenContacts", "asnCloseContacts")
def test_open_contacts_completes_with_the_requested_event(
    session_factory: Callable[..., Session], owner: User, watcher: User
) -> None:
    """asnOpenContacts (2.1.11) returns the opened contacts, and with the optional parameter
    'CompletedEventID' the server sends asnOperationComplete carrying that id "nach allen
    Initial Status Events der Kontakte" (L1153-L1154, u8sCompletionID L2907-L2909)."""
    session = session_factory(watcher.alias)
    completion = uuid.uuid4().hex
    argument = {
        "seqContactIDs": [owner.sip_uri],
        "optionalParams": {"CompletedEventID": completion},
    }
    result = session.invoke("asnOpenContacts", argument).expect_result()
    ids = [contact.get("u8sContactId") for contact in result["contacts"]]
    assert owner.sip_uri in ids, f"asnOpenContacts did not return {owner.sip_uri}: {ids}"
    session.wait_for("asnOperationComplete", where={"u8sCompletionID": completion})
    close = {"seqContactIDs": [owner.sip_uri]}
    session.invoke("asnCloseContacts", close).expect_result()


@pytest.mark.spec("2.2.22", line=3393)
@pytest.mark.requires("capability:general.connected_client_list")
@pytest.mark.sends()
def test_other_sessions_are_listed_as_they_come_and_go(
    session_factory: Callable[..., Session], owner: User
) -> None:
    """asnMyUpdateConnectedClientList (2.2.22, L3393-L3403) lists the user's connected clients
    (AsnClientInfoList): when a second session logs on, the first is told a list with one more
    entry than before it, and one fewer when it logs off again; in each list at most one entry
    is the receiver's own (``bMyConnectionInfo``, "Das ist meine Connection-Information")
    (N52: capability general.connected_client_list)."""
    first = session_factory(owner.alias)
    second = session_factory(owner.alias)
    grown = first.wait_for(CLIENT_LIST).argument["listClientInfos"]
    assert len(grown) >= 2, f"with two sessions open the list had {len(grown)} entries"
    second.close()

    def shorter(argument: dict[str, list[object]]) -> bool:
        return len(argument.get("listClientInfos", [])) == len(grown) - 1

    first.wait_for(CLIENT_LIST, where=shorter)
    for event in first.events(CLIENT_LIST):
        own = [i for i in event.argument["listClientInfos"] if i.get("bMyConnectionInfo")]
        if len(own) > 1:
            raise ConformanceViolation(f"{len(own)} entries claim to be the receiver's own")


@pytest.mark.spec("2.2.29", line=3487)
@pytest.mark.spec("2.1.32", line=2133)
@pytest.mark.sends("asnSetClientCapabilities", "asnGetClientCapabilities")
def test_client_capabilities_read_back(
    session_factory: Callable[..., Session], owner: User, eventually: Eventually[Any]
) -> None:
    """A session announces its client capabilities with the event asnSetClientCapabilities
    (2.2.29); asnGetClientCapabilities (2.1.32, L2133-L2171) for the user's contact id then
    returns an entry with that XML. The event has no reply, so the read is repeated until it
    shows the capabilities (bounded by the profile's settle time)."""
    session = session_factory(owner.alias)
    xml = _capabilities()
    session.send_event("asnSetClientCapabilities", {"osXMLContent": xml})

    def read() -> list[dict[str, str]]:
        argument = {"u8slistContactIDs": [owner.sip_uri]}
        result = session.invoke("asnGetClientCapabilities", argument).expect_result()
        entries: list[dict[str, str]] = result["listClientCapabilities"]
        return entries

    def shows(entries: list[dict[str, str]]) -> bool:
        return any(
            e.get("u8sContactID") == owner.sip_uri and e.get("osXMLContent") == xml for e in entries
        )

    eventually(read, shows, "asnGetClientCapabilities shows the announced capabilities")


@pytest.mark.spec("2.2.30", line=3501)
@pytest.mark.requires("capability:general.own_session_events")
@pytest.mark.sends("asnSetClientCapabilities")
def test_other_session_is_told_the_capabilities(
    session_factory: Callable[..., Session], owner: User
) -> None:
    """asnClientCapabilitiesChanged (2.2.30, L3501-L3510): the user's other session is told the
    capabilities one session announced, in an AsnClientCapabilities naming the user's contact
    ("Die ContactID des Kontakts, dessen Capabilities sich geaendert haben") (N52)."""
    announcing = session_factory(owner.alias)
    other = session_factory(owner.alias)
    xml = _capabilities()
    announcing.send_event("asnSetClientCapabilities", {"osXMLContent": xml})

    def names_it(argument: dict[str, list[dict[str, str]]]) -> bool:
        return any(
            c.get("u8sContactID") == owner.sip_uri and c.get("osXMLContent") == xml
            for c in argument.get("listCapabilities", [])
        )

    other.wait_for("asnClientCapabilitiesChanged", where=names_it)


@pytest.mark.spec("2.2.20", line=3369)
@pytest.mark.spec("2.2.19", line=3354)
@pytest.mark.sends("asnRequestMyPresenceRightsChallenge")
def test_requested_challenge_list_arrives(
    session_factory: Callable[..., Session], owner: User
) -> None:
    """asnRequestMyPresenceRightsChallenge (2.2.20) is the client's event "so that the server
    should send the actual list via asnMyPresenceRightsChallenge" (L3371): the requesting
    session receives asnMyPresenceRightsChallenge (2.2.19) with its list
    (``contactsChallenging``, L3366; its content depends on the server's data)."""
    session = session_factory(owner.alias)
    session.send_event("asnRequestMyPresenceRightsChallenge", {})
    session.wait_for("asnMyPresenceRightsChallenge")
