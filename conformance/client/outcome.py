"""What came back: HTTP responses, their decoding into outcomes, and WebSocket outcomes.

An *outcome* is the answer to one operation, whichever transport carried it:

=============  ===========================================  =================================
kind           HTTP (``/ws/direct``, ``/ws/client``)         WebSocket (ROSE)
=============  ===========================================  =================================
result         200 with the result object                   ``{"result": ...}``
error          400 ``{"invokedID", "error_value", "error"}``  ``{"error": ...}``
reject         400 ``{"invokedID": {...}, "reject": {...}}``  ``{"reject": ...}``
unauthorized   401 with ``WWW-Authenticate``                -
ws-error       502 ``{"error": {"_type": "WsError", ...}}``   -
=============  ===========================================  =================================

Success bodies on HTTP are not pinned down by the document (protocol-notes.md §5): its examples
show the bare result object, the WebSocket carries the ROSE envelope. :func:`decode_http`
accepts both and records the form in :class:`BodyForm`, so a report can say which one the
target used. Anything else (malformed JSON, no content type, a 404, a body of neither shape) is
a :class:`~conformance.errors.ConformanceViolation` naming the operation, what was expected and
the first 200 characters of what came.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

from conformance.client.exceptions import (
    ACCOUNT_LOCKED,
    AccountLocked,
    OperationNotImplemented,
    UnexpectedOutcome,
)
from conformance.errors import ConformanceViolation, RemoteProtocolError
from conformance.rose import (
    Error,
    InvokeProblem,
    JsonObject,
    Reject,
    Result,
    loads_json,
    parse_message,
)

__all__ = [
    "BodyForm",
    "HttpOutcome",
    "HttpResponse",
    "OutcomeKind",
    "challenge_schemes",
    "decode_http",
    "raise_if_locked",
    "unwrap_jsonp",
]

PREVIEW = 200
_JSON_TYPES = ("application/json",)
_JSONP_TYPES = ("application/javascript", "text/javascript", "application/x-javascript")


class OutcomeKind(StrEnum):
    RESULT = "result"
    ERROR = "error"
    REJECT = "reject"
    UNAUTHORIZED = "unauthorized"
    WS_ERROR = "ws-error"


class BodyForm(StrEnum):
    """How an HTTP body wrapped its payload."""

    BARE = "bare"
    """The payload alone: ``{"sToken": "..."}`` (the document's examples)."""
    RESULT_MEMBER = "result-member"
    """``{"result": {...}}`` (or ``{"result": {"resultValue": 0, "result": {...}}}``)."""
    ROSE_BODY = "rose-body"
    """The inside of a ROSE message: ``{"invokeID": n, "result": {"resultValue": 0, ...}}``,
    ``{"invokedID": n, "error_value": 0, "error": {...}}``, ``{"invokedID": {...}, "reject":
    {...}}`` (for errors and rejects the form the wire notes describe)."""
    ROSE_MESSAGE = "rose-message"
    """A whole ROSE message: ``{"result": {"invokeID": n, "result": {...}}}`` and likewise."""


def preview(text: str, limit: int = PREVIEW) -> str:
    text = text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"
    return repr(text)


# A challenge is a scheme token, then optionally a token68 or auth-params (RFC 9110 §11.6.1);
# several challenges (and several headers, joined by ", ") are separated by commas. A comma-
# separated piece starting with "name=" continues the previous challenge's parameters.
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_SCHEME = re.compile(r"\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s+|$)(?!=)")


def challenge_schemes(header: str) -> list[str]:
    """The schemes of a ``WWW-Authenticate`` value, lower-case: ``'Negotiate, Basic
    realm="a,b"'`` gives ``["negotiate", "basic"]``."""
    schemes = []
    for piece in _QUOTED.sub('""', header).split(","):
        if not piece.strip() or re.match(r"\s*[^\s=]+\s*=", piece):
            continue  # an auth-param of the challenge before
        match = _SCHEME.match(piece)
        if match is not None:
            schemes.append(match.group(1).lower())
    return schemes


def raise_if_locked(response: HttpResponse) -> None:
    """``AccountLocked`` if ``response`` is a logon error 129 (L14775-L14777)."""
    if response.status != 400:
        return
    try:
        body = json.loads(response.content)
    except ValueError:
        return
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("iErrorDetail") == ACCOUNT_LOCKED:
        failed = error.get("u8sFailedUser")
        name = failed if isinstance(failed, str) and failed else "?"
        raise AccountLocked(name, f"{response.method} {response.url}")


# --- bytes -> JSON ---------------------------------------------------------------------------


def unwrap_jsonp(text: str, callback: str, what: str) -> str:
    """The JSON inside ``callback(<json>);``; strict: the wrapper must name our callback.

    Only surrounding whitespace is tolerated: no missing semicolon, no ``/**/`` prefix, no
    other function name. ``what`` names the call for the violation message.
    """
    match = re.fullmatch(rf"\s*{re.escape(callback)}\((.*)\);\s*", text, re.DOTALL)
    if match is None:
        raise ConformanceViolation(
            f"{what}: expected a JSONP body {callback}(<json>); for callback={callback!r}, "
            f"got {preview(text)}"
        )
    return match.group(1)


# --- the response ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpResponse:
    """One HTTP response as received, plus what is needed to name it in a message.

    ``url`` is already redacted. ``callback`` is the JSONP callback we sent, if any.
    """

    operation: str
    method: str
    url: str
    status: int
    reason: str
    headers: Mapping[str, str]
    content: bytes
    elapsed: float
    callback: str | None = None
    scrub: Callable[[str], str] = str

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    @property
    def content_type(self) -> str | None:
        """The media type without parameters, lower-case; None if the header is missing."""
        value = self.headers.get("Content-Type")
        return value.split(";", 1)[0].strip().lower() if value else None

    @property
    def what(self) -> str:
        """``asnGetUserToken (POST /ws/direct/asnGetUserToken?...)`` for messages."""
        return f"{self.operation} ({self.method} {self.url})"

    def violation(self, expected: str, found: str | None = None) -> ConformanceViolation:
        came = found if found is not None else f"HTTP {self.status}: {preview(self.text)}"
        return ConformanceViolation(self.scrub(f"{self.what}: expected {expected}, got {came}"))

    def json(self, *, strict: bool = True) -> Any:
        """The decoded body: JSON content type required, JSONP unwrapped strictly, UTF-8.

        ``strict=False`` (a successful call, where the document names no content type) takes
        any labelled or unlabelled body that decodes as JSON.
        """
        media = self.content_type
        allowed = _JSON_TYPES + (_JSONP_TYPES if self.callback else ())
        if strict and media is None:
            raise self.violation(
                f"a JSON body with Content-Type {' or '.join(allowed)}",
                f"HTTP {self.status} without a Content-Type header: {preview(self.text)}",
            )
        if strict and media is not None and media not in allowed and not media.endswith("+json"):
            raise self.violation(
                f"Content-Type {' or '.join(allowed)}",
                f"HTTP {self.status} with Content-Type {media!r}: {preview(self.text)}",
            )
        try:
            text = self.content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.violation("a UTF-8 JSON body", f"invalid UTF-8 ({exc})") from None
        if self.callback is not None:
            text = unwrap_jsonp(text, self.callback, self.scrub(self.what))
        try:
            return loads_json(text)
        except ValueError as exc:
            raise self.violation(
                "a JSON body", f"HTTP {self.status}, not JSON ({exc}): {preview(text)}"
            ) from None


# --- outcomes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpOutcome:
    """The decoded answer of one HTTP call.

    ``payload`` is the result object (result), the error object (error: ``AsnRequestError``,
    ``AsnLogonError`` ...), the WsError object (ws-error), or None. ``message`` is the ROSE view
    where the body carried one (ids, reject problem); a bare result has none.
    """

    operation: str
    kind: OutcomeKind
    response: HttpResponse
    payload: JsonObject | list[Any] | None
    form: BodyForm | None = None
    message: Result | Error | Reject | None = None

    @property
    def ok(self) -> bool:
        return self.kind is OutcomeKind.RESULT

    @property
    def not_implemented(self) -> bool:
        return isinstance(self.message, Reject) and _unrecognised(self.message)

    @property
    def status(self) -> int:
        return self.response.status

    @property
    def challenge(self) -> str | None:
        """The ``WWW-Authenticate`` header of a 401 (several headers joined by ", ")."""
        return self.response.headers.get("WWW-Authenticate")

    @property
    def challenge_schemes(self) -> list[str]:
        """The auth schemes the 401 offers, lower-case, in order."""
        return challenge_schemes(self.challenge or "")

    def describe(self) -> str:
        head = f"HTTP {self.status} {self.kind.value}"
        if isinstance(self.message, Reject):
            return f"{head} {self.message.problem.kind} {self.message.problem.name}"
        if self.kind is OutcomeKind.UNAUTHORIZED:
            return f"{head} (WWW-Authenticate: {self.challenge})"
        body = "" if self.payload is None else " " + json.dumps(self.payload, ensure_ascii=False)
        return self.response.scrub(head + body)[: PREVIEW + len(head)]

    def expect_result(self) -> Any:
        """The result (an object; a list for the two array-typed results); raises if the call
        did not succeed."""
        return _expect(self, OutcomeKind.RESULT)

    def expect_error(self) -> JsonObject:
        """The error object; raises if the outcome is not an (operation) error."""
        return cast(JsonObject, _expect(self, OutcomeKind.ERROR))

    def expect_reject(self) -> Reject:
        if not isinstance(self.message, Reject):
            raise UnexpectedOutcome(f"{self.operation}: expected a reject, got {self.describe()}")
        return self.message


@dataclass(frozen=True)
class Outcome:
    """The answer to one invoke on the event channel."""

    operation: str
    message: Result | Error | Reject
    elapsed: float
    """Seconds from sending the invoke to receiving its answer."""
    scrub: Callable[[str], str] = field(default=str, repr=False, compare=False)
    """Masks secrets in :meth:`describe` (and so in every message built from it)."""

    @property
    def invoke_id(self) -> int | None:
        return self.message.invoke_id

    @property
    def kind(self) -> OutcomeKind:
        if isinstance(self.message, Result):
            return OutcomeKind.RESULT
        return OutcomeKind.ERROR if isinstance(self.message, Error) else OutcomeKind.REJECT

    @property
    def ok(self) -> bool:
        return isinstance(self.message, Result)

    @property
    def not_implemented(self) -> bool:
        return isinstance(self.message, Reject) and _unrecognised(self.message)

    @property
    def payload(self) -> JsonObject | list[Any] | None:
        if isinstance(self.message, Result):
            return self.message.result
        return self.message.error if isinstance(self.message, Error) else None

    def describe(self) -> str:
        msg = self.message
        if isinstance(msg, Reject):
            extra = f" ({msg.details})" if msg.details else ""
            return f"reject {msg.problem.kind} {msg.problem.name}{extra}"
        if isinstance(msg, Error):
            text = f"error {msg.error_value} {json.dumps(msg.error, ensure_ascii=False)}"
        else:
            text = f"result {json.dumps(msg.result, ensure_ascii=False)}"
        return self.scrub(text)[:PREVIEW]

    def expect_result(self) -> Any:
        """The result payload (an object; a list for the two array-typed results)."""
        return _expect(self, OutcomeKind.RESULT)

    def expect_error(self) -> JsonObject:
        return cast(JsonObject, _expect(self, OutcomeKind.ERROR))

    def expect_reject(self) -> Reject:
        if not isinstance(self.message, Reject):
            raise UnexpectedOutcome(f"{self.operation}: expected a reject, got {self.describe()}")
        return self.message


def _unrecognised(reject: Reject) -> bool:
    return reject.problem == InvokeProblem.UNRECOGNISED_OPERATION


def _expect(outcome: HttpOutcome | Outcome, kind: OutcomeKind) -> Any:
    """The payload: an object, or a list for the two operations with array results."""
    if outcome.kind is kind:
        return outcome.payload if outcome.payload is not None else {}
    if outcome.not_implemented and isinstance(outcome.message, Reject):
        raise OperationNotImplemented(outcome.operation, outcome.message.details)
    raise UnexpectedOutcome(
        f"{outcome.operation}: expected {'a' if kind is OutcomeKind.RESULT else 'an'} "
        f"{kind.value}, got {outcome.describe()}"
    )


# --- decoding an HTTP response ---------------------------------------------------------------

Validate = Callable[[Any], None]


def decode_http(
    response: HttpResponse,
    *,
    validate_result: Validate | None = None,
    validate_error: Validate | None = None,
    validate_ws_error: Validate | None = None,
    result_has_member: Callable[[str], bool] = lambda name: False,
    strict: bool = False,
) -> HttpOutcome:
    """Classify a response into an :class:`HttpOutcome`, validating the payload on the way.

    ``result_has_member(name)`` tells whether the operation's result type itself defines a
    member ``name``; ``{"result": {...}}`` is then read as a bare result, not an envelope.
    Validators raise ``SchemaViolation``.
    """
    status = response.status
    if 200 <= status < 300:
        status = 200  # the document names no status for a successful call (X-c)
    if status == 401:
        if not response.headers.get("WWW-Authenticate"):
            raise response.violation("a WWW-Authenticate challenge with HTTP 401")
        return HttpOutcome(response.operation, OutcomeKind.UNAUTHORIZED, response, None)
    if status not in (200, 400, 502):
        raise response.violation("HTTP 200, 400, 401 or 502")
    # A failure status comes with the document's JSON bodies; a success's content type is not
    # named anywhere (N21), so only strict mode insists on a JSON one.
    body = response.json(strict=strict or status != 200)
    if status == 200 and isinstance(body, list):
        # The two array-typed results (asnMgmtGetMeshNode*) come as a bare JSON array.
        outcome = HttpOutcome(response.operation, OutcomeKind.RESULT, response, body, BodyForm.BARE)
        if validate_result is not None:
            validate_result(body)
        return outcome
    if not isinstance(body, dict):
        raise response.violation(
            "a JSON object", f"HTTP {status} with a JSON {type(body).__name__}"
        )
    if status == 200:
        outcome = _decode_result(response, body, result_has_member)
        if validate_result is not None:
            validate_result(outcome.payload if outcome.payload is not None else {})
        return outcome
    if status == 502:
        if validate_ws_error is not None:
            validate_ws_error(body)
        error = body.get("error")
        if not isinstance(error, dict):
            raise response.violation('a WsError body {"error": {...}} with HTTP 502')
        return HttpOutcome(response.operation, OutcomeKind.WS_ERROR, response, error)
    outcome = _decode_failure(response, body)
    if outcome.kind is OutcomeKind.ERROR and validate_error is not None:
        validate_error(outcome.payload if outcome.payload is not None else {})
    return outcome


def _parse(response: HttpResponse, kind: str, body: JsonObject) -> Result | Error | Reject:
    try:
        message = parse_message({kind: body})
    except RemoteProtocolError as exc:
        raise response.violation(f"a well-formed ROSE {kind}", f"{exc}") from None
    if not isinstance(message, Result | Error | Reject):  # an invoke cannot come from {kind: ..}
        raise response.violation(f"a ROSE {kind}")
    return message


def _decode_result(
    response: HttpResponse, body: JsonObject, result_has_member: Callable[[str], bool]
) -> HttpOutcome:
    op = response.operation
    if "invokeID" in body and isinstance(body.get("result"), dict):
        message = _parse(response, "result", body)
        form = BodyForm.ROSE_BODY
    elif set(body) - {"_type"} <= {"result", "sessionID"} and isinstance(body.get("result"), dict):
        inner: JsonObject = body["result"]
        if "invokeID" in inner:
            message = _parse(response, "result", inner)
            form = BodyForm.ROSE_MESSAGE
        elif result_has_member("result"):
            return HttpOutcome(op, OutcomeKind.RESULT, response, body, BodyForm.BARE)
        else:
            payload = inner
            if "resultValue" in inner and set(inner) - {"_type"} <= {"resultValue", "result"}:
                payload = inner.get("result") or {}  # ROSE ResultSeq without the invokeID
            if not isinstance(payload, dict):
                raise response.violation("a result object", f"result {preview(str(payload))}")
            return HttpOutcome(op, OutcomeKind.RESULT, response, payload, BodyForm.RESULT_MEMBER)
    else:
        return HttpOutcome(op, OutcomeKind.RESULT, response, body, BodyForm.BARE)
    assert isinstance(message, Result)
    return HttpOutcome(op, OutcomeKind.RESULT, response, message.result, form, message)


def _decode_failure(response: HttpResponse, body: JsonObject) -> HttpOutcome:
    op = response.operation
    inner_reject = body.get("reject")
    inner_error = body.get("error")
    if isinstance(inner_reject, dict) and "invokedID" not in body and "reject" in inner_reject:
        message, form = _parse(response, "reject", inner_reject), BodyForm.ROSE_MESSAGE
    elif "reject" in body:
        message, form = _parse(response, "reject", body), BodyForm.ROSE_BODY
    elif "error_value" in body or "invokedID" in body:
        message, form = _parse(response, "error", body), BodyForm.ROSE_BODY
    elif (
        isinstance(inner_error, dict)
        and set(body) - {"_type"} == {"error"}
        and "error_value" in inner_error
    ):
        message, form = _parse(response, "error", inner_error), BodyForm.ROSE_MESSAGE
    else:
        raise response.violation(
            'with HTTP 400 an error {"invokedID", "error_value", "error"} or a reject '
            '{"invokedID", "reject"}'
        )
    if isinstance(message, Reject):
        return HttpOutcome(op, OutcomeKind.REJECT, response, None, form, message)
    assert isinstance(message, Error)
    return HttpOutcome(op, OutcomeKind.ERROR, response, message.error, form, message)
