"""Reads whose answer the Management module carries in events of a matching name
(CONFORMANCE-NOTES N60): the document gives each pairing only by the names and the members, so
every test needs the profile's capability ``management.list_events``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from conformance.lineids import same_line
from conformance.profile import Profile
from conformance.rose import JsonObject

if TYPE_CHECKING:
    from conftest import AdminReads

pytestmark = [
    pytest.mark.module("Management"),
    pytest.mark.requires("administrator"),
    pytest.mark.requires("capability:management.list_events"),
    pytest.mark.sends(
        "asnMgmtGetGroups",
        "asnMgmtGetLineStates",
        "asnMgmtGetListeningInterfaceStatuses",
        "asnMgmtGetUsers",
    ),
]


def _of_line(line: str) -> Callable[[JsonObject], bool]:
    return lambda event: same_line(event["u8sLineID"], line)


def _events(session: AdminReads, event: str, count: int) -> list[JsonObject]:
    return [session.wait_for(event) for _ in range(count)]


@pytest.mark.spec("34.2.2", line=37746)
@pytest.mark.spec("34.1.3", line=32420)
def test_users_are_sent_one_event_each(admin_reads: AdminReads, profile: Profile) -> None:
    """asnMgmtGetUsers answers ``iNumberOfUsers`` (L32434) and sends as many
    asnMgmtGetUsersEvent (34.2.2: a ``userProfile`` each, L37753), which list every enabled
    account of the profile (N60)."""
    result = admin_reads.invoke("asnMgmtGetUsers", {}).expect_result()
    events = _events(admin_reads, "asnMgmtGetUsersEvent", result["iNumberOfUsers"])
    listed = {e["userProfile"]["u8sUserName"].casefold() for e in events} | {
        e["userProfile"]["u8sSIPURI"].casefold() for e in events
    }
    for user in profile.enabled_users():
        assert {user.name.casefold(), (user.sip_uri or user.name).casefold()} & listed, (
            f"{result['iNumberOfUsers']} asnMgmtGetUsersEvent did not name the profile's user "
            f"{user.name!r}"
        )


@pytest.mark.spec("34.2.3", line=37759)
@pytest.mark.spec("34.1.12", line=32680)
def test_groups_are_sent_one_event_each(admin_reads: AdminReads) -> None:
    """asnMgmtGetGroups answers ``iNumberOfGroups`` (L32694) and sends as many
    asnMgmtGetGroupsEvent (34.2.3, a ``groupProfile`` each, L37767), each group once (N60)."""
    result = admin_reads.invoke("asnMgmtGetGroups", {}).expect_result()
    events = _events(admin_reads, "asnMgmtGetGroupsEvent", result["iNumberOfGroups"])
    guids = [e["groupProfile"]["u8sobjectGUID"] for e in events]
    assert len(set(guids)) == len(guids), f"asnMgmtGetGroupsEvent repeated a group: {guids}"


@pytest.mark.spec("34.2.8", line=37819)
@pytest.mark.spec("34.1.35", line=33404)
@pytest.mark.requires("cti.lines>=1")
def test_line_states_name_the_profile_lines(admin_reads: AdminReads, profile: Profile) -> None:
    """asnMgmtGetLineStates (34.1.35; its result is empty, L33414) sends an
    asnMgmtGetLineStatesEvent (34.2.8) per line, ``u8sLineID`` naming it (L37831): every line of
    the profile's ``[cti] lines`` is among them (N60)."""
    admin_reads.invoke("asnMgmtGetLineStates", {"iType": 0}).expect_result()
    for line in profile.cti.lines:
        admin_reads.wait_for("asnMgmtGetLineStatesEvent", where=_of_line(line))


@pytest.mark.spec("34.2.19", line=37965)
@pytest.mark.spec("34.1.77", line=34823)
def test_listening_interface_statuses_are_sent_as_an_event(admin_reads: AdminReads) -> None:
    """asnMgmtGetListeningInterfaceStatuses answers ``listeningInterfaceStatuses`` (L34836) and
    sends them as asnMgmtOnListenInterfaceStatusesEvent ``statuses`` (L37973): the same
    interfaces, by ``u8sInterfaceGUID`` (N60)."""
    outcome = admin_reads.invoke("asnMgmtGetListeningInterfaceStatuses", {})
    answered = outcome.expect_result()["listeningInterfaceStatuses"]
    told = admin_reads.wait_for("asnMgmtOnListenInterfaceStatusesEvent")["statuses"]
    guids = sorted(s["u8sInterfaceGUID"] for s in answered)
    assert sorted(s["u8sInterfaceGUID"] for s in told) == guids, (
        f"asnMgmtOnListenInterfaceStatusesEvent names {told}; the result named {guids}"
    )
