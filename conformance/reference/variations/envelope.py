"""Variations: the event channel and result objects (suites/envelope, and every suite)."""

from __future__ import annotations

from typing import Any

from conformance.reference.dispatch import OPERATION_RESULT
from conformance.reference.sessions import SESSION_DESTROYED
from conformance.reference.variations.registry import variation
from conformance.reference.websocket import EVENT_DELAY, EVENT_FORWARDED

LATE_SECONDS = 1.0
"""How late every event frame is: longer than any quiet window of the suites, well inside the
profile's event timeout (5 s)."""
EXTRA_MEMBER = "u8sUcconfNotInTheDocument"


@variation(
    "envelope.session-destroyed-not-forwarded",
    "asnUserSessionDestroyed (a UCServer to web service event) never reaches a client's "
    "WebSocket; asnLogoff just closes it",
    EVENT_FORWARDED,
    lines=(52740, 52946, 52948),  # WebServiceConnection, "only used by the WebService"
)
def _session_destroyed_not_forwarded(event: tuple[str, bool]) -> tuple[str, bool]:
    name, forwarded = event
    return name, forwarded and name != SESSION_DESTROYED


@variation(
    "events.delivered-late",
    f"every event frame reaches the client {LATE_SECONDS:g} s after the server decided to send "
    "it (after later results; a loaded server, a long way)",
    EVENT_DELAY,
    lines=(),
    source="protocol-notes §2",  # events are invokes of their own: no time is promised
)
def _delivered_late(delay: float) -> float:
    return delay + LATE_SECONDS


@variation(
    "results.extra-member",
    f"every result object carries a member the document does not define ({EXTRA_MEMBER})",
    OPERATION_RESULT,
    lines=(),
    source="protocol-notes §4",  # objects may carry members a newer version adds (N7)
)
def _extra_member(outcome: tuple[str, Any]) -> tuple[str, Any]:
    name, result = outcome
    if isinstance(result, dict):
        return name, {**result, EXTRA_MEMBER: "added by a newer server"}
    return outcome
