"""Reads the document answers with segment events (Management 34.1.2 and 34.1.139): every
segment carries the read's cross reference, holds at most 50 entries, and the list ends with
the segment whose ``bLastSegment`` is true."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest

from conformance.profile import Profile
from conformance.rose import JsonObject

if TYPE_CHECKING:
    from conftest import AdminReads

pytestmark = [
    pytest.mark.module("Management"),
    pytest.mark.requires("administrator"),
    pytest.mark.sends("asnMgmtGetPushServiceDevices", "asnMgmtGetUserProfiles"),
]

MAX_SEGMENT = 50  # "max 50 in one segment" (L37736, L38064)
NO_STATE_FILTER = 0  # eNOSTATEFILTER, AsnAdminUserOnlineStateFilter (L10090)


def _segments(session: AdminReads, event: str, cross_ref: str, items: str) -> list[JsonObject]:
    """The segments of one read, in order, up to the one with ``bLastSegment`` true; each
    holds at most 50 entries."""
    segments: list[JsonObject] = []
    while not segments or not segments[-1]["bLastSegment"]:
        segment = session.wait_for(event, where={"u8sCrossRefID": cross_ref})
        assert len(segment[items]) <= MAX_SEGMENT, (
            f"{event} segment {len(segments) + 1} holds {len(segment[items])} entries; at most "
            f"{MAX_SEGMENT} in one segment (L37736, L38064)"
        )
        segments.append(segment)
    return segments


def _names(user_profile: JsonObject) -> set[str]:
    names = (user_profile.get(k) for k in ("u8sUserName", "u8sSAMAccountName", "u8sSIPURI"))
    return {n.casefold() for n in names if isinstance(n, str) and n}


@pytest.mark.spec("34.2.1", line=37726)
@pytest.mark.spec("34.1.2", line=32381)
def test_user_profiles_arrive_in_segments_with_the_cross_ref(
    admin_reads: AdminReads, profile: Profile
) -> None:
    """asnMgmtGetUserProfiles "Triggers the UCServer to send Events
    asnMgmtGetUserProfilesResult() to client with 50 user profiles each" (L32381): the
    requesting session gets segments of at most 50 profiles (L37736) carrying the
    ``u8sCrossRefId`` it sent (L32395, L37738: the read's result has none, so the one sent is
    the only cross reference of the exchange; N60), up to one with ``bLastSegment`` true, "wenn
    dieses Segment das Ende der Liste ist" (L37742-L37744). "Get all user profiles" (L32379)
    without filters lists every enabled account of the profile, by user name, account name or
    SIP URI."""
    cross_ref = f"ucconf-{uuid.uuid4()}"
    argument = {
        "iActiveUsersOnly": 0,
        "iFilterOnlineState": NO_STATE_FILTER,
        "u8sCrossRefId": cross_ref,
    }
    admin_reads.invoke("asnMgmtGetUserProfiles", argument).expect_result()
    segments = _segments(admin_reads, "asnMgmtGetUserProfilesResult", cross_ref, "listUserProfiles")
    listed = set().union(*(_names(p) for s in segments for p in s["listUserProfiles"]))
    for user in profile.enabled_users():
        known = {user.name.casefold(), (user.sip_uri or user.name).casefold()}
        assert known & listed, (
            f'asnMgmtGetUserProfiles without filters ("Get all user profiles", L32379) did not '
            f"list the profile's user {user.name!r} in {len(segments)} segment(s)"
        )


@pytest.mark.spec("34.2.25", line=38043)
@pytest.mark.spec("34.1.139", line=36652)
def test_push_service_devices_end_with_a_last_segment(admin_reads: AdminReads) -> None:
    """asnMgmtGetPushServiceDevices "initiates the Transfer of the currently active Push Service
    Devices" (L36652) and answers the ``u8sCrossRefID`` "for the Events that contain the
    requested data" (L36667); asnMgmtPushServiceDevicesResult "is fired multiple times, until
    bLastSegment is TRUE" with that cross reference (L38043-L38044), at most 50 devices a
    segment (L38064). A server with no devices still ends the list with a last segment."""
    result = admin_reads.invoke("asnMgmtGetPushServiceDevices", {}).expect_result()
    cross_ref = result["u8sCrossRefID"]
    _segments(admin_reads, "asnMgmtPushServiceDevicesResult", cross_ref, "listPushDevices")
