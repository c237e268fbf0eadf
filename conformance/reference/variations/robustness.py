"""Variations: bad input, the HTTP routes and the event channel (suites/robustness, and every
suite for the timing ones).

The document is silent on bad input (spec-digest §1); what a server may do with it comes from
protocol-notes §2-§3 and RFC 6455, so most of these cite protocol-notes, not a document line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from conformance.reference.routes import HTTP_RESPONSE, LINK_LATENCY, REPLY_DELAY, UNREADABLE_BODY
from conformance.reference.variations.registry import variation
from conformance.reference.websocket import (
    FRAME_DECODER,
    FRAME_LIMIT,
    NOT_ROSE_ANSWERED,
    UNKNOWN_SESSION_UPGRADE,
)

WAN_DELAY = 0.040
"""Seconds every HTTP request and every frame the server sends waits: a server across a
wide-area network (``ucconf run --latency MS`` sets any other figure)."""
OUT_OF_ORDER_DELAY = 0.030
"""Seconds the reply to every odd invoke id waits, so that pipelined replies overtake it."""
FRAME_LIMIT_BYTES = 64 * 1024


def _first_value(text: str) -> Any:
    """A lenient reader: the first complete JSON value of the frame, the rest ignored."""
    value, _ = json.JSONDecoder().raw_decode(text.lstrip())
    return value


@variation(
    "robustness.lenient-json-reader",
    "the frame reader takes the first complete JSON value and ignores what follows it",
    FRAME_DECODER,
    lines=(),
    source="protocol-notes §3",
)
def _lenient_json_reader(decoder: Callable[[str], Any]) -> Callable[[str], Any]:
    return _first_value


@variation(
    "robustness.non-invokes-ignored",
    "a frame of JSON that is no ROSE message is ignored, not answered with a reject",
    NOT_ROSE_ANSWERED,
    lines=(),
    source="protocol-notes §3",
)
def _non_invokes_ignored(answered: bool) -> bool:
    return False


@variation(
    "robustness.frame-limit",
    f"client frames above {FRAME_LIMIT_BYTES // 1024} KiB close the connection with 1009 "
    "(message too big, RFC 6455 7.4.1)",
    FRAME_LIMIT,
    lines=(),
    source="protocol-notes §2",
)
def _frame_limit(limit: int) -> int:
    return FRAME_LIMIT_BYTES


@variation(
    "robustness.unused-body-ignored",
    "a POST body that is no JSON is ignored (read as no argument): createsession and "
    "asnGetLoggedInContact need none",
    UNREADABLE_BODY,
    lines=(425,),
)
def _unused_body_ignored(action: str) -> str:
    return "ignore"


@variation(
    "robustness.html-404-outside-the-api",
    "paths outside /ws are the web page's (L15): an unknown one gets a plain HTML 404 page",
    HTTP_RESPONSE,
    lines=(15,),
)
def _html_404_outside_the_api(
    exchange: tuple[web.Request, web.StreamResponse],
) -> tuple[web.Request, web.StreamResponse]:
    request, response = exchange
    if response.status == 404 and not request.path.startswith("/ws/"):
        page = "<html><body><h1>404 Not Found</h1></body></html>"
        return request, web.Response(status=404, text=page, content_type="text/html")
    return exchange


@variation(
    "robustness.upgrade-accepted-then-closed",
    "a WebSocket upgrade naming no live session is accepted, answered with a reject "
    "invalidSessionID and closed",
    UNKNOWN_SESSION_UPGRADE,
    lines=(),
    source="protocol-notes §2",
)
def _upgrade_accepted_then_closed(how: str) -> str:
    return "accept-and-close"


@variation(
    "robustness.replies-out-of-order",
    f"replies to odd invoke ids wait {OUT_OF_ORDER_DELAY * 1000:.0f} ms, so that pipelined "
    "invokes are answered out of order",
    REPLY_DELAY,
    lines=(),
    source="protocol-notes §2",
)
def _replies_out_of_order(delay: tuple[int | None, float]) -> tuple[int | None, float]:
    invoke_id, seconds = delay
    late = invoke_id is not None and invoke_id % 2 == 1
    return (invoke_id, seconds + OUT_OF_ORDER_DELAY) if late else delay


@variation(
    "robustness.wan-latency",
    f"every HTTP request and every frame the server sends (replies, events, the close) is "
    f"{WAN_DELAY * 1000:.0f} ms late, in order, as through a relay: a server across a WAN",
    LINK_LATENCY,
    lines=(),
    source="protocol-notes §2",
)
def _wan_latency(seconds: float) -> float:
    return seconds + WAN_DELAY
