"""What a user stores on the server through General: server-based client settings (2.1.37,
2.1.38), the user property bag (2.1.36, told as asnUpdateMyContactConfiguration 2.2.18) and the
client XML content (2.1.7, 2.1.8, told as asnMyUpdateClientContent 2.2.23). Each test puts the
original value back over /ws/direct."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from conformance.client import Session
from conformance.profile import User

if TYPE_CHECKING:
    from conftest import TakeMe

pytestmark = pytest.mark.module("General")

KEY = "ucserver-conformance"


def _xml() -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><settings test="{uuid.uuid4().hex}"/>'


@pytest.mark.spec("2.1.38", line=2376)
@pytest.mark.spec("2.1.37", line=2341)
@pytest.mark.sends("asnGetServerBasedClientSettings", "asnSetServerBasedClientSettings")
def test_server_based_client_settings_read_back(take_me: TakeMe, owner: User) -> None:
    """asnSetServerBasedClientSettings (L2376-L2414) stores the XML settings ("XML formatierte
    Settings"); asnGetServerBasedClientSettings (L2341-L2375) returns them with ``iResult`` 0
    ("0 = Success", 3.1.192)."""
    me = take_me(owner)
    read = me.session.invoke("asnGetServerBasedClientSettings", {}).expect_result()
    me.restore_with("asnSetServerBasedClientSettings", {"clientSettings": read["clientSettings"]})
    settings = {"osSettingsData": _xml()}
    argument = {"clientSettings": settings}
    me.session.invoke("asnSetServerBasedClientSettings", argument).expect_result()
    again = me.session.invoke("asnGetServerBasedClientSettings", {}).expect_result()
    assert again["iResult"] == 0, again
    assert again["clientSettings"]["osSettingsData"] == settings["osSettingsData"]


@pytest.mark.spec("2.1.36", line=2306)
@pytest.mark.spec("10.1.6", line=14443)
@pytest.mark.sends("asnSetUserPropertyBag", "asnGetLoggedInContact")
def test_property_bag_shows_in_own_contact(take_me: TakeMe, owner: User) -> None:
    """asnSetUserPropertyBag (L2306-L2340) stores the user's AsnUserPropertyBag; the caller's
    own AsnContact (asnGetLoggedInContact; AsnContact.asnUserPropertyBag) then holds the pair
    the test added."""
    me = take_me(owner)
    pair = _set_pair(me)
    bag = me.own_contact().get("asnUserPropertyBag", {}).get("asnProperties", [])
    assert _holds(pair)(bag), f"the own contact's property bag is {bag}"


@pytest.mark.spec("2.2.18", line=3342)
@pytest.mark.requires("capability:general.own_session_events")
@pytest.mark.sends("asnSetUserPropertyBag", "asnGetLoggedInContact")
def test_other_session_is_told_the_configuration(
    take_me: TakeMe, session_factory: Callable[..., Session], owner: User
) -> None:
    """asnUpdateMyContactConfiguration (2.2.18, L3342-L3352) carries the user's changed AsnContact
    to the user's other session, its property bag holding the new pair (N52)."""
    me = take_me(owner)
    other = session_factory(owner.alias)
    pair = _set_pair(me)
    holds = _holds(pair)

    def changed(argument: Any) -> bool:
        contact = argument.get("contactChanged", {})
        bag = contact.get("asnUserPropertyBag", {}).get("asnProperties", [])
        return contact.get("u8sContactId") == me.contact_id and holds(bag)

    other.wait_for("asnUpdateMyContactConfiguration", where=changed)


@pytest.mark.spec("2.1.8", line=1058)
@pytest.mark.spec("2.1.7", line=1026)
@pytest.mark.sends("asnGetClientXMLContent", "asnSetClientXMLContent")
def test_client_xml_content_reads_back(take_me: TakeMe, owner: User) -> None:
    """asnSetClientXMLContent (2.1.8, L1058-L1088) stores an AsnXMLClientContent;
    asnGetClientXMLContent (2.1.7, L1026-L1057) returns its ``osXMLContent``."""
    me = take_me(owner)
    content = _set_content(me)
    read = me.session.invoke("asnGetClientXMLContent", {}).expect_result()
    assert read["content"]["osXMLContent"] == content


@pytest.mark.spec("2.2.23", line=3405)
@pytest.mark.requires("capability:general.own_session_events")
@pytest.mark.sends("asnGetClientXMLContent", "asnSetClientXMLContent")
def test_other_session_is_told_the_new_content_revision(
    take_me: TakeMe, session_factory: Callable[..., Session], owner: User
) -> None:
    """asnMyUpdateClientContent (2.2.23, L3405-L3414) tells the user's other session the new
    revision (``u8sNewRevision``) of the content a session stored (N52)."""
    me = take_me(owner)
    other = session_factory(owner.alias)
    _set_content(me)
    other.wait_for("asnMyUpdateClientContent")


def _set_pair(me: Any) -> dict[str, str]:
    """Add a key/value pair to the user's property bag; the original bag is restored."""
    original = me.own_contact().get("asnUserPropertyBag", {"asnProperties": []})
    me.restore_with("asnSetUserPropertyBag", {"asnUserPropertyBag": original})
    pair = {"key": KEY, "value": uuid.uuid4().hex}
    kept = [p for p in original.get("asnProperties", []) if p.get("key") != KEY]
    argument = {"asnUserPropertyBag": {"asnProperties": [*kept, pair]}}
    result = me.session.invoke("asnSetUserPropertyBag", argument).expect_result()
    assert result["iResult"] == 0, f"asnSetUserPropertyBag answered {result}"
    return pair


def _holds(pair: dict[str, str]) -> Callable[[Any], bool]:
    def holds(bag: Any) -> bool:
        return any(p.get("key") == pair["key"] and p.get("value") == pair["value"] for p in bag)

    return holds


def _set_content(me: Any) -> str:
    """Store a client XML content unique to this test; the original is restored."""
    original = me.session.invoke("asnGetClientXMLContent", {}).expect_result()["content"]
    me.restore_with("asnSetClientXMLContent", {"content": original})
    content = _xml()
    argument = {"content": {"osXMLContent": content, "osXMLContentDescription": ""}}
    me.session.invoke("asnSetClientXMLContent", argument).expect_result()
    return content


UR_PRESENCE_VISIBLE = 0x1  # iPresenceRights: the presence is visible (2.1.14, L1296)


def _grant(me: Any, watcher: User) -> dict[str, Any]:
    """Add to the user's dynamic rights one that lets ``watcher`` see the user's presence
    (asnSetSettingsDynamicRights 2.1.14: "hier immer die vollstaendige Liste setzen",
    L2943-L2949); the original list is restored at the end."""
    argument = {"u8sContactID": me.contact_id}
    read = me.session.invoke("asnGetSettingsDynamicRights", argument).expect_result()
    original = read["seqDynamicRightsList"]
    restore = {"u8sContactID": me.contact_id, "seqDynamicRightsList": original}
    me.restore_with("asnSetSettingsDynamicRights", restore)
    right = {
        "u8sObjectID": watcher.sip_uri,
        "iPresenceRights": UR_PRESENCE_VISIBLE,
        "iPhoneControlRightsPrimary": 0,
        "iPhoneControlRightsSecondary": 0,
    }
    kept = [r for r in original if r.get("u8sObjectID") != watcher.sip_uri]
    granted = {"u8sContactID": me.contact_id, "seqDynamicRightsList": [*kept, right]}
    result = me.session.invoke("asnSetSettingsDynamicRights", granted).expect_result()
    assert result["iResult"] == 0, f"asnSetSettingsDynamicRights answered {result}"
    return right


def _holds_right(right: dict[str, Any]) -> Callable[[Any], bool]:
    def holds(rights: Any) -> bool:
        return any(
            r.get("u8sObjectID") == right["u8sObjectID"]
            and r.get("iPresenceRights", 0) & UR_PRESENCE_VISIBLE
            for r in rights
        )

    return holds


@pytest.mark.spec("2.1.14", line=1274)
@pytest.mark.spec("2.1.15", line=1468)
@pytest.mark.sends("asnGetSettingsDynamicRights", "asnSetSettingsDynamicRights")
def test_granted_rights_read_back(take_me: TakeMe, owner: User, watcher: User) -> None:
    """asnSetSettingsDynamicRights (2.1.14) sets the rights the user grants; asnGetSettings-
    DynamicRights (2.1.15, L1468-L1507) returns the list with the right the test added."""
    me = take_me(owner)
    right = _grant(me, watcher)
    argument = {"u8sContactID": me.contact_id}
    read = me.session.invoke("asnGetSettingsDynamicRights", argument).expect_result()
    assert _holds_right(right)(read["seqDynamicRightsList"]), read


@pytest.mark.spec("2.2.6", line=2913)
@pytest.mark.requires("capability:general.own_session_events")
@pytest.mark.sends("asnGetSettingsDynamicRights", "asnSetSettingsDynamicRights")
def test_other_session_is_told_the_granted_rights(
    take_me: TakeMe, session_factory: Callable[..., Session], owner: User, watcher: User
) -> None:
    """asnSettingsDynamicRightsChanged (2.2.6, L2913-L2967) tells the user's other session the
    user's new rights list (``u8sContactID`` the user's, "im Moment darf man nur bei sich selbst
    aendern", L2925-L2929) (N52)."""
    me = take_me(owner)
    other = session_factory(owner.alias)
    holds = _holds_right(_grant(me, watcher))

    def changed(argument: Any) -> bool:
        return argument.get("u8sContactID") == me.contact_id and holds(
            argument.get("seqDynamicRightsList", [])
        )

    other.wait_for("asnSettingsDynamicRightsChanged", where=changed)
