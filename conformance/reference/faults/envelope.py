"""Faults: ROSE envelopes (suites/envelope)."""

from __future__ import annotations

from dataclasses import replace

from conformance.reference.dispatch import (
    Success,
)
from conformance.reference.faults.registry import fault
from conformance.reference.faults.targets import (
    _tests,
)
from conformance.reference.state import OUTGOING_EVENT
from conformance.reference.websocket import OUTGOING_REPLY
from conformance.rose import Error, Invoke, Reject

# --- envelopes -----------------------------------------------------------------------------


_ENVELOPES = "suites/envelope/test_envelopes.py"


@fault(
    "envelope.no-session-id",
    "WebSocket results carry no sessionID",
    OUTGOING_REPLY,
    breaks=_tests(_ENVELOPES, "test_result_carries_the_sessions_id_as_session_id"),
)
def _no_session_id(reply: Success | Error | Reject) -> Success | Error | Reject:
    if isinstance(reply, Success):
        return replace(reply, session_id=None)
    return reply


@fault(
    "envelope.event-invoke-id",
    "events are sent with invokeID 0 instead of 99999",
    OUTGOING_EVENT,
    breaks=_tests(_ENVELOPES, "test_event_carries_invoke_id_99999"),
)
def _event_invoke_id(event: Invoke) -> Invoke:
    return Invoke(0, event.operation_name, event.argument, event.operation_id, event.session_id)


@fault(
    "envelope.error-invoke-id",
    "WebSocket errors carry invokedID 0 instead of the id of the invoke they answer",
    OUTGOING_REPLY,
    breaks=_tests(_ENVELOPES, "test_error_reply_carries_the_invokes_id_as_invoked_id"),
)
def _error_invoke_id(reply: Success | Error | Reject) -> Success | Error | Reject:
    if isinstance(reply, Error):
        return replace(reply, invoke_id=0)
    return reply
