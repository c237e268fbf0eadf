"""Faults: Management, the administrator's reads and their events (suites/management)."""

from __future__ import annotations

from conformance.reference.faults.registry import fault
from conformance.reference.management import (
    EVENT_SESSION,
    LAST_SEGMENT,
    LINE_STATE_CHANGED,
    LISTED,
    LOCATION_CHECKSUM,
    SEGMENT_CROSS_REF,
)

_SEGMENTS = "suites/management/test_segments.py::"
_LISTS = "suites/management/test_lists.py::"
_NOTIFY = "suites/management/test_notifications.py::"
_PROFILES = _SEGMENTS + "test_user_profiles_arrive_in_segments_with_the_cross_ref"
_PUSH = _SEGMENTS + "test_push_service_devices_end_with_a_last_segment"


@fault(
    "management.segment-cross-ref-lost",
    "segment events of a read carry an empty u8sCrossRefID",
    SEGMENT_CROSS_REF,
    breaks=[_PROFILES, _PUSH],
)
def _segment_cross_ref_lost(cross_ref: str) -> str:
    return ""


@fault(
    "management.last-segment-never",
    "no segment of a read says bLastSegment",
    LAST_SEGMENT,
    breaks=[_PROFILES, _PUSH],
)
def _last_segment_never(segment: tuple[bool, bool]) -> tuple[bool, bool]:
    return segment[0], False


@fault(
    "management.answer-events-dropped",
    "a read's answer events never reach the requesting session",
    EVENT_SESSION,
    breaks=[
        _PROFILES,
        _PUSH,
        _LISTS + "test_users_are_sent_one_event_each",
        _LISTS + "test_groups_are_sent_one_event_each",
        _LISTS + "test_line_states_name_the_profile_lines",
        _LISTS + "test_listening_interface_statuses_are_sent_as_an_event",
    ],
)
def _answer_events_dropped(event: str) -> str:
    return ""


@fault(
    "management.first-user-unlisted",
    "asnMgmtGetUserProfiles and asnMgmtGetUsers leave out the directory's first user",
    LISTED,
    breaks=[_PROFILES, _LISTS + "test_users_are_sent_one_event_each"],
)
def _first_user_unlisted(names: list[str]) -> list[str]:
    return names[1:]


@fault(
    "management.line-calls-miscounted",
    "asnMgmtLineStateChanged tells one call more than the line has",
    LINE_STATE_CHANGED,
    breaks=[_NOTIFY + "test_a_subscribed_line_tells_its_calls"],
)
def _line_calls_miscounted(calls: int) -> int:
    return calls + 1


@fault(
    "management.location-checksum-stale",
    "asnMgmtLocationChanged tells a checksum that is not the location's",
    LOCATION_CHECKSUM,
    breaks=[_NOTIFY + "test_a_location_set_is_told_to_the_administrator"],
)
def _location_checksum_stale(checksum: str) -> str:
    return "0" * 32
