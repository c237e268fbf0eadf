"""Faults: the sweep and bad input (suites/sweep, suites/robustness)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from aiohttp import web

from conformance.catalog import default_catalog
from conformance.instances import InstanceBuilder
from conformance.reference.dispatch import (
    ADMINISTRATOR_ONLY,
    Success,
    user_handlers,
)
from conformance.reference.faults.registry import FAULTS, fault
from conformance.reference.faults.targets import (
    _tests,
)
from conformance.reference.routes import (
    HTTP_RESPONSE,
)
from conformance.reference.websocket import (
    BAD_FRAME_ACTION,
    INVOKE_ANSWER,
    OUTGOING_REPLY,
    UNKNOWN_SESSION_UPGRADE,
)
from conformance.rose import Error, GeneralProblem, Invoke, InvokeProblem, Reject

# --- robustness ----------------------------------------------------------------------------


@fault(
    "robustness.drop-on-bad-frame",
    "an undecodable WebSocket frame closes the connection instead of being rejected",
    BAD_FRAME_ACTION,
    breaks=(
        *_tests(
            "suites/robustness/test_frames.py",
            "test_malformed_json_frame_gets_a_general_problem_reject",
            "truncated",
            "not-json",
            "trailing-garbage",
        ),
        *_tests(
            "suites/robustness/test_frames.py",
            "test_json_that_is_no_rose_message_is_rejected_or_ignored",
            "object-without-kind",
            "number",
            "string",
        ),
        *_tests(
            "suites/robustness/test_frames.py", "test_invoke_without_operation_name_is_rejected"
        ),
    ),
)
def _drop_on_bad_frame(action: str) -> str:
    return "close"


# --- the every-operation sweep and robustness (suites/sweep, suites/robustness) ------------

_SWEEP = "suites/sweep/test_every_operation.py"
_SWEEP_TEST = "test_operation_answers_its_minimal_valid_argument"
_FRAMES = "suites/robustness/test_frames.py"
_INVOKES = "suites/robustness/test_invokes.py"
_ROBUST_HTTP = "suites/robustness/test_http.py"
_CATALOG = default_catalog()
_SWEPT = tuple(op.name for op in _CATALOG.operations(kind="operation"))
_FOR_ADMINISTRATORS = tuple(
    op.name
    for op in _CATALOG.operations(kind="operation")
    if op.audience["kind"] == "administrator" and op.name not in user_handlers()
)
"""Operations the reference server refuses to user sessions (rejected, so no result to bend)."""
_DEPRECATED = frozenset(op.name for op in _CATALOG.operations(kind="operation") if op.deprecated)
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
_LARGE_ARGUMENT = 64 * 1024
_INVOKE_ID_BITS = 7

Answer = tuple[Invoke, Success | Error | Reject | None]
Exchange = tuple[web.Request, web.StreamResponse]


def _holds_date_time(value: Any) -> bool:
    if isinstance(value, str):
        return _DATE_TIME.match(value) is not None
    if isinstance(value, dict):
        return any(_holds_date_time(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_date_time(item) for item in value)
    return False


def _swept(*names: str) -> tuple[str, ...]:
    return _tests(_SWEEP, _SWEEP_TEST, *names)


_MINIMAL_ARGUMENTS = InstanceBuilder(_CATALOG, boolean=False)
_SWEPT_WITH_DATE_TIME = tuple(
    name for name in _SWEPT if _holds_date_time(_MINIMAL_ARGUMENTS.argument(name))
)
_ROBUST_WEBSOCKET = (
    *_tests(
        _FRAMES,
        "test_malformed_json_frame_gets_a_general_problem_reject",
        "truncated",
        "not-json",
        "trailing-garbage",
    ),
    *_tests(
        _FRAMES,
        "test_json_that_is_no_rose_message_is_rejected_or_ignored",
        "object-without-kind",
        "number",
        "string",
    ),
    *_tests(_FRAMES, "test_invoke_without_operation_name_is_rejected"),
    *_tests(_INVOKES, "test_unknown_operation_is_rejected_as_unrecognised"),
    *_tests(_INVOKES, "test_argument_with_wrong_member_types_is_rejected_as_mistyped"),
    *_tests(_INVOKES, "test_megabyte_string_member_is_answered_or_refused_as_too_big"),
    *_tests(_INVOKES, "test_pipelined_invokes_are_all_answered"),
    *_tests(_INVOKES, "test_duplicate_invoke_id_is_rejected_or_answered_twice"),
)
"""The robustness tests that check a WebSocket result (each ends with a well-formed call)."""


@fault(
    "sweep.invalid-result",
    "results and errors on the WebSocket carry _type as an array naming the operation, not a "
    "string (array results come as such an object); any string would be allowed (N7)",
    INVOKE_ANSWER,
    breaks=(*_swept(*sorted(set(_SWEPT) - set(_FOR_ADMINISTRATORS))), *_ROBUST_WEBSOCKET),
)
def _invalid_result(answer: Answer) -> Answer:
    invoke, outcome = answer
    label = {"_type": [invoke.operation_name]}
    if isinstance(outcome, Success):
        result = outcome.result
        return invoke, replace(
            outcome, result={**result, **label} if isinstance(result, dict) else label
        )
    if isinstance(outcome, Error):
        return invoke, replace(outcome, error={**outcome.error, **label})
    return answer


@fault(
    "sweep.mistyped-argument-for-valid-input",
    "an argument holding an ISO 8601 date-time (an AsnSystemTime member) is rejected as "
    "mistypedArgument: the decoder expects the binary encoding's REAL",
    INVOKE_ANSWER,
    breaks=_swept(*_SWEPT_WITH_DATE_TIME),
)
def _mistyped_for_valid_input(answer: Answer) -> Answer:
    invoke, outcome = answer
    if outcome is None or not _holds_date_time(invoke.argument):
        return answer
    details = "AsnSystemTime: expected a REAL (variant time), got a string"
    return invoke, Reject(
        invoke.invoke_id, InvokeProblem.MISTYPED_ARGUMENT, details, outcome.session_id
    )


@fault(
    "sweep.no-answer-for-deprecated",
    "invokes of deprecated operations are never answered (no result, error or reject)",
    INVOKE_ANSWER,
    breaks=_swept(*sorted(_DEPRECATED)),
)
def _no_answer_for_deprecated(answer: Answer) -> Answer:
    invoke, _ = answer
    return (invoke, None) if invoke.operation_name in _DEPRECATED else answer


@fault(
    "sweep.administrator-operations-for-users",
    "operations the document reserves for administrators (Admin L8757, Management L31920, "
    "UMReplicator L50038) run in a plain user's session",
    ADMINISTRATOR_ONLY,
    breaks=_swept(*_FOR_ADMINISTRATORS),
)
def _administrator_operations_for_users(refused: bool) -> bool:
    return False


@fault(
    "robustness.no-reject-on-unknown-operation",
    "an invoke of an operation the server does not know is silently dropped instead of "
    "rejected with unrecognisedOperation",
    INVOKE_ANSWER,
    breaks=_tests(_INVOKES, "test_unknown_operation_is_rejected_as_unrecognised"),
)
def _no_reject_on_unknown_operation(answer: Answer) -> Answer:
    invoke, outcome = answer
    if isinstance(outcome, Reject) and outcome.problem == InvokeProblem.UNRECOGNISED_OPERATION:
        return invoke, None
    return answer


@fault(
    "robustness.mistyped-argument-served",
    "an argument with members of the wrong type is served like a valid one (an empty result) "
    "instead of rejected with mistypedArgument",
    INVOKE_ANSWER,
    breaks=_tests(_INVOKES, "test_argument_with_wrong_member_types_is_rejected_as_mistyped"),
)
def _mistyped_argument_served(answer: Answer) -> Answer:
    invoke, outcome = answer
    if isinstance(outcome, Reject) and outcome.problem == InvokeProblem.MISTYPED_ARGUMENT:
        return invoke, Success(invoke.invoke_id, {}, outcome.session_id)
    return answer


@fault(
    "robustness.large-invoke-dropped",
    f"an invoke whose argument exceeds {_LARGE_ARGUMENT // 1024} KiB is never answered",
    INVOKE_ANSWER,
    breaks=_tests(_INVOKES, "test_megabyte_string_member_is_answered_or_refused_as_too_big"),
)
def _large_invoke_dropped(answer: Answer) -> Answer:
    invoke, _ = answer
    if len(json.dumps(invoke.argument)) > _LARGE_ARGUMENT:
        return invoke, None
    return answer


@fault(
    "robustness.pipelined-replies-misaddressed",
    f"replies to invoke ids of more than {_INVOKE_ID_BITS} bits carry the id cut to "
    f"{_INVOKE_ID_BITS} bits",
    OUTGOING_REPLY,
    breaks=_tests(_INVOKES, "test_pipelined_invokes_are_all_answered"),
)
def _pipelined_replies_misaddressed(reply: Success | Error | Reject) -> Success | Error | Reject:
    invoke_id = reply.invoke_id
    if invoke_id is None or invoke_id < 2**_INVOKE_ID_BITS:
        return reply
    return replace(reply, invoke_id=invoke_id % 2**_INVOKE_ID_BITS)


_ANSWERED: set[tuple[str, int]] = set()
"""(session id, invoke id) of every invoke answered while ``robustness.duplicate-id-ignored``
is on (which needs the memory)."""


@fault(
    "robustness.duplicate-id-ignored",
    "a second invoke with an invokeID the session already used gets no answer of its own "
    "(a duplicate still running: a reject naming no invoke instead of duplicateInvocation)",
    INVOKE_ANSWER,
    breaks=_tests(_INVOKES, "test_duplicate_invoke_id_is_rejected_or_answered_twice"),
)
def _duplicate_id_ignored(answer: Answer) -> Answer:
    invoke, outcome = answer
    if outcome is None or outcome.session_id is None:
        return answer
    key = (outcome.session_id, invoke.invoke_id)
    if key in _ANSWERED:
        return invoke, None
    _ANSWERED.add(key)
    return answer


def _duplicate_unaddressed(reply: Success | Error | Reject) -> Success | Error | Reject:
    if isinstance(reply, Reject) and reply.problem == InvokeProblem.DUPLICATE_INVOCATION:
        return Reject(None, GeneralProblem.UNRECOGNISED_APDU, reply.details, reply.session_id)
    return reply


# Two hooks: whether the second invoke arrives while the first runs (the duplicate reject) or
# after it ended (a second dispatch) depends on timing; the fault bends both.
FAULTS["robustness.duplicate-id-ignored"] = replace(
    FAULTS["robustness.duplicate-id-ignored"],
    hooks=(
        *FAULTS["robustness.duplicate-id-ignored"].hooks,
        (OUTGOING_REPLY, _duplicate_unaddressed),
    ),
)


def _reject_problem(response: web.StreamResponse) -> tuple[str, int] | None:
    """The (kind, code) of a JSON reject body, if the response carries one."""
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        return None
    try:
        body = json.loads(response.body)
    except ValueError:
        return None
    problem = body.get("reject") if isinstance(body, dict) else None
    if isinstance(problem, dict) and len(problem) == 1:
        ((kind, code),) = problem.items()
        return (str(kind), code) if isinstance(code, int) else None
    return None


def _crash() -> web.Response:
    return web.Response(status=500, text="500 Internal Server Error", content_type="text/plain")


@fault(
    "robustness.500-on-bad-body",
    "a POST body that is no JSON crashes the route: HTTP 500 (text) instead of a 400 reject",
    HTTP_RESPONSE,
    breaks=_tests(
        _ROBUST_HTTP,
        "test_post_body_that_is_no_json_is_no_server_error",
        *(
            f"{route}-{body}"
            for route in ("direct", "client", "createsession")
            for body in ("prose", "truncated")
        ),
    ),
)
def _crash_on_bad_body(exchange: Exchange) -> Exchange:
    request, response = exchange
    if response.status == 400 and _reject_problem(response) == ("generalProblem", 2):
        return request, _crash()
    return exchange


@fault(
    "robustness.html-for-unknown-paths",
    "unknown paths and unknown operations on the HTTP routes get an HTML 404 page instead of "
    "a JSON body",
    HTTP_RESPONSE,
    breaks=(
        *_tests(
            _ROBUST_HTTP, "test_unknown_operation_on_a_route_is_a_client_error", "direct", "client"
        ),
        *_tests(
            _ROBUST_HTTP,
            "test_unknown_path_is_a_client_error",
            "ws-route",
            "public-route",
        ),
    ),
)
def _html_for_unknown_paths(exchange: Exchange) -> Exchange:
    request, response = exchange
    unknown_operation = _reject_problem(response) == ("invokeProblem", 1)
    api = request.path.startswith("/ws/")
    if api and (response.status == 404 or (response.status == 400 and unknown_operation)):
        page = "<html><body><h1>404 Not Found</h1></body></html>"
        return request, web.Response(status=404, text=page, content_type="text/html")
    return exchange


@fault(
    "robustness.upgrade-refused-with-500",
    "a WebSocket upgrade naming no live session is answered HTTP 500 instead of a 400 reject",
    HTTP_RESPONSE,
    breaks=_tests(
        _ROBUST_HTTP,
        "test_websocket_with_an_invalid_session_id_is_not_served",
        "unknown",
        "malformed",
        "empty",
    ),
)
def _upgrade_refused_with_500(exchange: Exchange) -> Exchange:
    request, response = exchange
    if request.path.startswith("/ws/client/websocket") and response.status == 400:
        return request, _crash()
    return exchange


@fault(
    "robustness.500-outside-the-routes",
    "a path outside /ws that the server does not serve is answered HTTP 500 instead of a 4xx",
    HTTP_RESPONSE,
    breaks=_tests(_ROBUST_HTTP, "test_unknown_path_is_a_client_error", "outside-the-routes"),
)
def _500_outside_the_routes(exchange: Exchange) -> Exchange:
    request, response = exchange
    if response.status == 404 and not request.path.startswith("/ws/"):
        return request, _crash()
    return exchange


@fault(
    "robustness.upgrade-served-without-session",
    "a WebSocket upgrade naming no live session is accepted and kept open (served) instead of "
    "refused or closed",
    UNKNOWN_SESSION_UPGRADE,
    breaks=_tests(
        _ROBUST_HTTP,
        "test_websocket_with_an_invalid_session_id_is_not_served",
        "unknown",
        "malformed",
        "empty",
    ),
)
def _upgrade_served_without_session(how: str) -> str:
    return "accept-and-idle"
