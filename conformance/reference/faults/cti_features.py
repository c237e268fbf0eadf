"""Faults: CTI line features and their line events (suites/cti/test_line_events.py),
conferences (suites/cti/test_conference.py) and two calls on a line (``cti-calls.*``,
suites/cti/test_call_features.py).

Named ``cti-line.*``: the ``cti.*`` faults each have a probe in tests/reference/test_cti.py;
these have theirs in tests/reference/test_cti_features.py."""

from __future__ import annotations

from typing import Any

from conformance.reference.cti import CALL_FEATURES_TOLD
from conformance.reference.cti_conference import CONFERENCE_EVENT_SENT
from conformance.reference.cti_features import FEATURE_EVENT_SENT, FORWARD_LIST
from conformance.reference.dispatch import OPERATION_RESULT
from conformance.reference.faults.registry import fault
from conformance.rose import JsonObject

_LINE_EVENTS = "suites/cti/test_line_events.py::"
_CALL_FEATURES = "suites/cti/test_call_features.py::"


def _silenced(event: str, fault_name: str, test: str, description: str) -> None:
    @fault(fault_name, description, FEATURE_EVENT_SENT, breaks=[f"{_LINE_EVENTS}{test}"])
    def _silence(value: tuple[str, bool]) -> tuple[str, bool]:
        return (value[0], False) if value[0] == event else value


_silenced(
    "asnCtiNotifyLineDoNotDisturbChanged",
    "cti-line.dnd-change-untold",
    "test_do_not_disturb_change_reaches_every_monitor",
    "asnCtiLineSetDoNotDisturb changes DnD but the line's monitors get no "
    "asnCtiNotifyLineDoNotDisturbChanged",
)
_silenced(
    "asnCtiNotifyLineRemoteOfficeChanged",
    "cti-line.remote-office-change-untold",
    "test_remote_office_change_reaches_every_monitor",
    "asnCtiLineSetRemoteOffice changes the state but the line's monitors get no "
    "asnCtiNotifyLineRemoteOfficeChanged",
)
_silenced(
    "asnCtiNotifyLineActiveAddressChanged",
    "cti-line.active-address-change-untold",
    "test_active_address_change_reaches_every_monitor",
    "asnCtiSetActiveLineAddress stores the address but the line's monitors get no "
    "asnCtiNotifyLineActiveAddressChanged",
)


@fault(
    "cti-line.forwards-reported-empty",
    "asnCtiNotifyLineForwardingChanged always reports an empty seqLineForwards",
    FORWARD_LIST,
    breaks=[f"{_LINE_EVENTS}test_forward_set_and_removed_reaches_every_monitor"],
)
def _cti_forwards_reported_empty(forwards: list[JsonObject]) -> list[JsonObject]:
    return []


# --- conferences (suites/cti/test_conference.py) -------------------------------------------

_CONFERENCE = "suites/cti/test_conference.py::test_conference_life_is_told_to_the_line_monitor"


def _conference_untold(events: tuple[str, ...], fault_name: str, description: str) -> None:
    @fault(fault_name, description, CONFERENCE_EVENT_SENT, breaks=[_CONFERENCE])
    def _untell(value: tuple[str, bool]) -> tuple[str, bool]:
        return (value[0], False) if value[0] in events else value


_conference_untold(
    ("asnCtiNotifyConferenceCreated",),
    "cti-conference.created-untold",
    "asnCtiConference joins two calls but the line's monitors get no asnCtiNotifyConferenceCreated",
)
_conference_untold(
    (
        "asnCtiNotifyConferencePartyAdded",
        "asnCtiNotifyConferencePartyRemoved",
        "asnCtiNotifyConferenceDestroyed",
    ),
    "cti-conference.changes-untold",
    "a conference gains and loses parties and ends, but the line's monitors hear nothing of it "
    "after asnCtiNotifyConferenceCreated",
)


@fault(
    "cti-calls.features-change-untold",
    "a call's features change without a change of its state (a held call can be swapped once "
    "another call on its line is active) and the line's monitors get no "
    "asnCtiNotifyLineCallFeaturesChanged",
    CALL_FEATURES_TOLD,
    breaks=[f"{_CALL_FEATURES}test_held_call_is_told_its_new_features"],
)
def _features_untold(told: bool) -> bool:
    return False


@fault(
    "cti-calls.swap-hold-answers-failure",
    "asnCtiSwapHold swaps the calls but answers bSuccess false",
    OPERATION_RESULT,
    breaks=[f"{_CALL_FEATURES}test_swap_hold_takes_back_the_held_call"],
)
def _swap_failed(value: tuple[str, Any]) -> tuple[str, Any]:
    name, result = value
    return (name, {**result, "bSuccess": False}) if name == "asnCtiSwapHold" else value
