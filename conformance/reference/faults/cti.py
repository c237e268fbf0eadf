"""Faults: CTI (suites/cti)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from conformance.reference.cti import (
    ANSWER_ALLOWED,
    CALL_EVENT_COPIES,
    CALL_STATE_REPORTED,
    CHANGE_NOTIFY_ATTACHED,
    EVENT_CROSS_REFERENCES,
    LINE_ACCESS,
    LINE_CALLS_REPORTED,
    LINE_SCOPE,
    MAKE_CALL_RESULT_SENT,
    MONITOR_STOPPED,
    UNKNOWN_STOP_ENDS_ALL,
    Delivery,
    LineScope,
)
from conformance.reference.dispatch import OPERATION_RESULT
from conformance.reference.faults.registry import fault
from conformance.reference.pbx import CallState
from conformance.reference.state import OUTGOING_EVENT
from conformance.rose import Invoke, JsonObject

# --- CTI -----------------------------------------------------------------------------------


@fault(
    "cti.events-after-stop",
    "asnCtiLineMonitorStop answers the empty result but the monitor keeps getting events",
    MONITOR_STOPPED,
    breaks=[
        "suites/cti/test_monitors.py::test_a_stopped_monitor_gets_no_events_while_the_other_still_does",
    ],
)
def _cti_events_after_stop(stopped: bool) -> bool:
    return False


@fault(
    "cti.cross-references-swapped",
    "call events carry the cross reference of the next monitor of the call's lines",
    EVENT_CROSS_REFERENCES,
    breaks=[
        "suites/cti/test_calls.py::test_answer_call_connects_both_sides",
        "suites/cti/test_calls.py::test_drop_call_ends_the_call_on_both_sides",
        "suites/cti/test_calls.py::test_the_called_line_reports_the_call_offering",
        "suites/cti/test_calls.py::test_the_calling_line_reports_the_call_on_its_monitor",
        "suites/cti/test_monitors.py::test_two_monitors_of_a_line_both_get_every_event_with_their_own_cross_reference",
    ],
)
def _cti_cross_references_swapped(cross_refs: tuple[str, ...]) -> tuple[str, ...]:
    return cross_refs[1:] + cross_refs[:1]


@fault(
    "cti.no-make-call-result",
    "asnCtiMakeCall places the call but never sends asnCtiNotifyMakeCallResult",
    MAKE_CALL_RESULT_SENT,
    breaks=[
        "suites/cti/test_calls.py::test_make_call_reports_its_outcome_as_make_call_result",
    ],
)
def _cti_no_make_call_result(sent: bool) -> bool:
    return False


@fault(
    "cti.wrong-call-state",
    "call events report eCALLSTATERINGBACK where the call is OFFERING and the reverse",
    CALL_STATE_REPORTED,
    breaks=[
        "suites/cti/test_calls.py::test_the_called_line_reports_the_call_offering",
        "suites/cti/test_conference.py::test_conference_life_is_told_to_the_line_monitor",
        "suites/cti/test_call_features.py::test_held_call_is_told_its_new_features",
        "suites/cti/test_call_features.py::test_swap_hold_takes_back_the_held_call",
    ],
)
def _cti_wrong_call_state(state: int) -> int:
    if state == CallState.OFFERING:
        return int(CallState.RINGBACK)
    if state == CallState.RINGBACK:
        return int(CallState.OFFERING)
    return state


@fault(
    "cti.answer-not-offering-accepted",
    "asnCtiAnswerCall connects a call in any state, not only one in OFFERING",
    ANSWER_ALLOWED,
    breaks=[
        "suites/cti/test_errors.py::test_answering_a_call_that_is_not_offering_does_not_connect_it",
    ],
)
def _cti_answer_not_offering_accepted(allowed: bool) -> bool:
    return True


@fault(
    "cti.own-lines-lists-all",
    "asnCtiEnumPhoneLines with userOwnLines lists every line of the server",
    LINE_SCOPE,
    breaks=[
        "suites/cti/test_lines.py::test_user_own_lines_lists_the_lines_the_user_owns",
    ],
)
def _cti_own_lines_lists_all(scope: int) -> int:
    return LineScope.SYSTEM_LOCAL_LINES if scope == LineScope.USER_OWN_LINES else scope


@fault(
    "cti.change-notify-ignored",
    "asnCtiEnumPhoneLines with attachChangeNotify 1 answers no u8sLineMonitorCrossRefID",
    CHANGE_NOTIFY_ATTACHED,
    breaks=[
        "suites/cti/test_lines.py::test_change_notify_returns_a_line_monitor_cross_reference",
    ],
)
def _cti_change_notify_ignored(attached: bool) -> bool:
    return False


@fault(
    "cti.monitor-start-without-calls",
    "asnCtiLineMonitorStart reports no calls (seqCalls empty) while the line has some",
    LINE_CALLS_REPORTED,
    breaks=[
        "suites/cti/test_monitors.py::test_monitor_start_returns_a_cross_reference_and_the_line_state",
        "suites/cti/test_call_features.py::test_held_call_is_told_its_new_features",
        "suites/cti/test_call_features.py::test_swap_hold_takes_back_the_held_call",
    ],
)
def _cti_monitor_start_without_calls(calls: list[JsonObject]) -> list[JsonObject]:
    return []


@fault(
    "cti.unknown-stop-ends-every-monitor",
    "asnCtiLineMonitorStop of a cross reference the session does not hold ends every monitor "
    "of the session",
    UNKNOWN_STOP_ENDS_ALL,
    breaks=[
        "suites/cti/test_errors.py::test_stopping_an_unknown_cross_reference_ends_no_monitor",
    ],
)
def _cti_unknown_stop_ends_every_monitor(ends_all: bool) -> bool:
    return True


@fault(
    "cti.foreign-line-access",
    "every user may monitor and control every line of the server, not only their own",
    LINE_ACCESS,
    breaks=[
        "suites/cti/test_errors.py::test_monitoring_a_line_without_access_is_refused",
    ],
)
def _cti_foreign_line_access(allowed: bool) -> bool:
    return True


_TWO_MONITORS = (
    "suites/cti/test_monitors.py::"
    "test_two_monitors_of_a_line_both_get_every_event_with_their_own_cross_reference"
)


@fault(
    "cti.call-event-lost",
    "the second monitor of a line misses the RINGBACK event of each call (a lost event)",
    CALL_EVENT_COPIES,
    breaks=[_TWO_MONITORS],
)
def _cti_call_event_lost(delivery: Delivery) -> Delivery:
    lost = delivery.monitor_index == 1 and delivery.call_state == CallState.RINGBACK
    return replace(delivery, copies=0) if lost else delivery


@fault(
    "cti.call-event-duplicated",
    "the second monitor of a line gets the RINGBACK event of each call twice",
    CALL_EVENT_COPIES,
    breaks=[_TWO_MONITORS],
)
def _cti_call_event_duplicated(delivery: Delivery) -> Delivery:
    twice = delivery.monitor_index == 1 and delivery.call_state == CallState.RINGBACK
    return replace(delivery, copies=2) if twice else delivery


def _failing(operation: str) -> Callable[[tuple[str, Any]], tuple[str, Any]]:
    """A transform of OPERATION_RESULT: ``bSuccess`` false in ``operation``'s results."""

    def transform(answer: tuple[str, Any]) -> tuple[str, Any]:
        name, result = answer
        if name == operation and isinstance(result, dict) and "bSuccess" in result:
            return name, {**result, "bSuccess": False}
        return answer

    return transform


fault(
    "cti.answer-reports-failure",
    "asnCtiAnswerCall connects the call but answers bSuccess false",
    OPERATION_RESULT,
    breaks=["suites/cti/test_calls.py::test_answer_call_connects_both_sides"],
)(_failing("asnCtiAnswerCall"))

fault(
    "cti.drop-reports-failure",
    "asnCtiDropCall ends the call but answers bSuccess false",
    OPERATION_RESULT,
    breaks=[
        "suites/cti/test_calls.py::test_drop_call_ends_the_call_on_both_sides",
        "suites/cti/test_calls.py::test_the_calling_line_reports_the_call_on_its_monitor",
        _TWO_MONITORS,
        "suites/cti/test_monitors.py::test_a_stopped_monitor_gets_no_events_while_the_other_still_does",
        "suites/cti/test_conference.py::test_conference_life_is_told_to_the_line_monitor",
    ],
)(_failing("asnCtiDropCall"))


@fault(
    "cti.make-call-result-failure",
    "asnCtiNotifyMakeCallResult reports success 0 for a call that was placed",
    OUTGOING_EVENT,
    breaks=["suites/cti/test_calls.py::test_make_call_reports_its_outcome_as_make_call_result"],
)
def _cti_make_call_result_failure(event: Invoke) -> Invoke:
    if event.operation_name != "asnCtiNotifyMakeCallResult" or not isinstance(event.argument, dict):
        return event
    return replace(event, argument={**event.argument, "success": 0}, _event=True)
