"""Tests of conformance/client/outcome.py: JSONP, strict JSON, and decoding every body shape."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from conformance.catalog import default_catalog
from conformance.client.exceptions import OperationNotImplemented, UnexpectedOutcome
from conformance.client.outcome import (
    BodyForm,
    HttpOutcome,
    HttpResponse,
    Outcome,
    OutcomeKind,
    decode_http,
    unwrap_jsonp,
)
from conformance.errors import ConformanceViolation, SchemaViolation
from conformance.rose import Error, InvokeProblem, Reject, Result, loads_json

JSON = "application/json;charset=utf-8"


def response(
    status: int,
    body: Any = None,
    *,
    text: str | None = None,
    content_type: str | None = JSON,
    headers: dict[str, str] | None = None,
    callback: str | None = None,
    operation: str = "asnGetUserToken",
) -> HttpResponse:
    raw = text if text is not None else ("" if body is None else json.dumps(body))
    all_headers = dict(headers or {})
    if content_type is not None:
        all_headers["Content-Type"] = content_type
    return HttpResponse(
        operation=operation,
        method="POST",
        url=f"http://t/ws/direct/{operation}",
        status=status,
        reason="",
        headers=all_headers,
        content=raw.encode("utf-8"),
        elapsed=0.01,
        callback=callback,
    )


# --- JSONP -----------------------------------------------------------------------------------


def test_jsonp_unwraps_the_named_callback() -> None:
    assert unwrap_jsonp('cb({"a": 1});', "cb", "op") == '{"a": 1}'
    assert unwrap_jsonp('  cb({"a": 1});\n', "cb", "op") == '{"a": 1}'
    assert unwrap_jsonp("jQuery.x_1([1,2]);", "jQuery.x_1", "op") == "[1,2]"


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',  # not wrapped at all
        'other({"a": 1});',  # a different callback
        'cb({"a": 1})',  # no semicolon
        '/**/cb({"a": 1});',  # a prefix
        'cbx({"a": 1});',
    ],
)
def test_jsonp_is_strict(text: str) -> None:
    with pytest.raises(ConformanceViolation, match=r"op: expected a JSONP body cb\(<json>\);"):
        unwrap_jsonp(text, "cb", "op")


def test_jsonp_violation_shows_what_came() -> None:
    with pytest.raises(ConformanceViolation, match="other"):
        unwrap_jsonp('other({"a": 1});', "cb", "op")


def test_json_of_a_jsonp_response() -> None:
    res = response(200, text='cb({"sToken": "x"});', content_type="application/javascript")
    assert HttpResponse(**{**res.__dict__, "callback": "cb"}).json() == {"sToken": "x"}


def test_jsonp_content_type_only_with_a_callback() -> None:
    res = response(200, {"a": 1}, content_type="application/javascript")
    with pytest.raises(ConformanceViolation, match="Content-Type 'application/javascript'"):
        res.json()


# --- strict JSON -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ['{"a": NaN}', '{"a": 1, "a": 2}', "{", "[1,]", ""])
def test_strict_json_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        loads_json(text)


def test_missing_content_type_is_a_violation() -> None:
    with pytest.raises(ConformanceViolation, match="without a Content-Type header") as info:
        response(200, {"sToken": "x"}, content_type=None).json()
    assert "asnGetUserToken" in str(info.value)


def test_wrong_content_type_is_a_violation() -> None:
    with pytest.raises(ConformanceViolation, match="'text/html'"):
        response(200, text="<html>", content_type="text/html").json()


def test_json_suffix_types_are_json() -> None:
    assert response(200, {"a": 1}, content_type="application/problem+json").json() == {"a": 1}


def test_malformed_json_names_operation_expectation_and_preview() -> None:
    res = response(200, text='{"sToken": ' + "x" * 500, operation="asnGetUserToken")
    with pytest.raises(ConformanceViolation) as info:
        res.json()
    text = str(info.value)
    assert text.startswith("asnGetUserToken (POST http://t/ws/direct/asnGetUserToken)")
    assert "expected a JSON body" in text
    assert "x" * 150 in text and "x" * 400 not in text  # a preview, not the whole body


def test_invalid_utf8_is_a_violation() -> None:
    res = response(200)
    bad = HttpResponse(**{**res.__dict__, "content": b'{"a": "\xff"}'})
    with pytest.raises(ConformanceViolation, match="UTF-8"):
        bad.json()


# --- results ---------------------------------------------------------------------------------


def test_bare_result() -> None:
    out = decode_http(response(200, {"sToken": "abc"}))
    assert (out.kind, out.form, out.payload, out.message) == (
        OutcomeKind.RESULT,
        BodyForm.BARE,
        {"sToken": "abc"},
        None,
    )
    assert out.ok and out.expect_result() == {"sToken": "abc"}


def test_result_member_envelope() -> None:
    out = decode_http(response(200, {"result": {"sToken": "abc"}}))
    assert (out.form, out.payload) == (BodyForm.RESULT_MEMBER, {"sToken": "abc"})


def test_result_member_with_result_seq() -> None:
    body = {"result": {"resultValue": 0, "result": {"sToken": "abc"}}}
    out = decode_http(response(200, body))
    assert (out.form, out.payload) == (BodyForm.RESULT_MEMBER, {"sToken": "abc"})


def test_rose_body_envelope() -> None:
    body = {"invokeID": 7, "result": {"resultValue": 0, "result": {"sToken": "abc"}}}
    out = decode_http(response(200, body))
    assert (out.form, out.payload) == (BodyForm.ROSE_BODY, {"sToken": "abc"})
    assert out.message == Result(7, {"sToken": "abc"})


def test_rose_message_envelope() -> None:
    body = {"result": {"invokeID": 7, "result": {"resultValue": 0, "result": {"sToken": "a"}}}}
    out = decode_http(response(200, body))
    assert (out.form, out.payload) == (BodyForm.ROSE_MESSAGE, {"sToken": "a"})


def test_a_result_type_with_a_member_named_result_stays_bare() -> None:
    out = decode_http(response(200, {"result": {"x": 1}}), result_has_member=lambda n: True)
    assert (out.form, out.payload) == (BodyForm.BARE, {"result": {"x": 1}})


def test_result_is_validated() -> None:
    seen: list[Any] = []
    decode_http(response(200, {"result": {"sToken": "a"}}), validate_result=seen.append)
    assert seen == [{"sToken": "a"}]


def test_an_array_result_is_checked_by_the_result_schema() -> None:
    """Two result types are arrays (asnMgmtGetMeshNode*); for any other, the schema objects."""
    catalog = default_catalog()

    def contact(value: object) -> None:
        catalog.validate("AsnGetLoggedInContactResult", value)

    def mesh(value: object) -> None:
        catalog.validate("AsnMgmtMeshNodeConfigs", value)

    with pytest.raises(ConformanceViolation, match="expected object"):
        decode_http(response(200, [1, 2]), validate_result=contact)
    assert decode_http(response(200, []), validate_result=mesh).payload == []


def test_a_scalar_result_is_a_violation() -> None:
    with pytest.raises(ConformanceViolation, match="expected a JSON object, got HTTP 200"):
        decode_http(response(200, 7))


def test_malformed_rose_result_is_a_violation() -> None:
    body = {"invokeID": "7", "result": {"resultValue": 0}}
    with pytest.raises(ConformanceViolation, match="well-formed ROSE result"):
        decode_http(response(200, body))


# --- errors and rejects ----------------------------------------------------------------------

LOGON_ERROR = {
    "error": {
        "_type": "AsnLogonError",
        "iErrorDetail": 102,
        "u8sErrorString": "Invalid password",
        "u8sFailedUser": "user1",
        "sAuthCredetials": "",
    },
    "error_value": 0,
    "invokedID": 47,
    "sessionID": "F157",
}


def test_logon_error_body() -> None:
    seen: list[Any] = []
    out = decode_http(response(400, LOGON_ERROR), validate_error=seen.append)
    assert (out.kind, out.form) == (OutcomeKind.ERROR, BodyForm.ROSE_BODY)
    assert out.payload == LOGON_ERROR["error"] and seen == [LOGON_ERROR["error"]]
    assert isinstance(out.message, Error) and out.message.invoke_id == 47
    assert out.expect_error()["iErrorDetail"] == 102
    with pytest.raises(UnexpectedOutcome, match="expected a result, got HTTP 400 error"):
        out.expect_result()


def test_error_as_a_whole_rose_message() -> None:
    body = {"error": {"invokedID": 3, "error_value": 0, "error": {"iErrorDetail": 1}}}
    out = decode_http(response(400, body))
    assert (out.kind, out.form, out.payload) == (
        OutcomeKind.ERROR,
        BodyForm.ROSE_MESSAGE,
        {"iErrorDetail": 1},
    )


def test_reject_body() -> None:
    body = {"invokedID": {"invokedID": 5}, "reject": {"invokeProblem": 8}, "details": "no session"}
    out = decode_http(response(400, body))
    assert (out.kind, out.form) == (OutcomeKind.REJECT, BodyForm.ROSE_BODY)
    reject = out.expect_reject()
    assert reject.problem == InvokeProblem.INVALID_SESSION_ID and reject.details == "no session"
    assert not out.not_implemented


def test_reject_as_a_whole_rose_message_and_not_implemented() -> None:
    body = {"reject": {"invokedID": {"invokednull": None}, "reject": {"invokeProblem": 1}}}
    out = decode_http(response(400, body, operation="asnNoSuchThing"))
    assert (out.kind, out.form) == (OutcomeKind.REJECT, BodyForm.ROSE_MESSAGE)
    assert out.not_implemented
    with pytest.raises(OperationNotImplemented, match="asnNoSuchThing: not implemented"):
        out.expect_result()


def test_malformed_reject_is_a_violation() -> None:
    body = {"invokedID": {"invokedID": 5}, "reject": {"invokeProblem": 99}}
    with pytest.raises(ConformanceViolation, match="unknown reject problem"):
        decode_http(response(400, body))


def test_400_of_neither_shape_is_a_violation() -> None:
    with pytest.raises(
        ConformanceViolation, match=re.escape('with HTTP 400 an error {"invokedID"')
    ):
        decode_http(response(400, {"message": "bad request"}))


def test_error_validation_failure_propagates() -> None:
    def reject_all(payload: Any) -> None:
        raise SchemaViolation("AsnRequestError", "", "required member 'x'", payload)

    with pytest.raises(SchemaViolation):
        decode_http(response(400, LOGON_ERROR), validate_error=reject_all)


# --- 401, 502, others ------------------------------------------------------------------------


def test_401_with_challenge() -> None:
    res = response(401, text="<html>login</html>", content_type="text/html",
                   headers={"WWW-Authenticate": 'Basic realm="UCServer"'})  # fmt: skip
    out = decode_http(res)
    assert out.kind is OutcomeKind.UNAUTHORIZED and out.challenge == 'Basic realm="UCServer"'
    assert "WWW-Authenticate" in out.describe()


def test_401_without_challenge_is_a_violation() -> None:
    with pytest.raises(ConformanceViolation, match="WWW-Authenticate"):
        decode_http(response(401, text="", content_type=None))


def test_502_ws_error() -> None:
    body = {"error": {"_type": "WsError", "iErrorDetail": 119, "u8sErrorString": "x"}}
    seen: list[Any] = []
    out = decode_http(response(502, body), validate_ws_error=seen.append)
    assert out.kind is OutcomeKind.WS_ERROR and out.payload == body["error"] and seen == [body]


@pytest.mark.parametrize("status", [200, 201, 203])
@pytest.mark.parametrize("content_type", [JSON, "text/plain", "text/html", None])
def test_any_success_status_and_content_type_with_a_json_body(
    status: int, content_type: str | None
) -> None:
    """X-c: the document names no status and no content type for a successful call."""
    out = decode_http(response(status, {"sToken": "x"}, content_type=content_type))
    assert out.kind is OutcomeKind.RESULT and out.payload == {"sToken": "x"}


def test_strict_mode_reports_a_success_that_is_not_labelled_json() -> None:
    decode_http(response(201, {"sToken": "x"}), strict=True)
    with pytest.raises(ConformanceViolation, match="Content-Type 'text/plain'"):
        decode_http(response(200, {"sToken": "x"}, content_type="text/plain"), strict=True)


@pytest.mark.parametrize("status", [302, 404, 500])
def test_other_statuses_are_violations(status: int) -> None:
    with pytest.raises(
        ConformanceViolation, match=f"expected HTTP 200, 400, 401 or 502, got HTTP {status}"
    ):
        decode_http(response(status, text="nope", content_type="text/plain"))


def test_violation_messages_are_scrubbed() -> None:
    res = response(500, text='{"sToken": "eyJhbGciOi.eyJzdWIiOi.sig"}')
    scrubbed = HttpResponse(**{**res.__dict__, "scrub": lambda t: t.replace("eyJ", "***")})
    with pytest.raises(ConformanceViolation) as info:
        decode_http(scrubbed)
    assert "eyJ" not in str(info.value)


# --- session outcomes ------------------------------------------------------------------------


def test_session_outcome_views() -> None:
    ok = Outcome("asnX", Result(1, {"a": 1}), 0.1)
    assert ok.ok and ok.kind is OutcomeKind.RESULT and ok.expect_result() == {"a": 1}
    assert Outcome("asnX", Result(1, None), 0.1).expect_result() == {}
    err = Outcome("asnX", Error(2, 0, {"iErrorDetail": 3}), 0.1)
    assert err.expect_error() == {"iErrorDetail": 3} and err.invoke_id == 2
    with pytest.raises(UnexpectedOutcome, match="asnX: expected a result, got error 0"):
        err.expect_result()
    rej = Outcome("asnX", Reject(3, InvokeProblem.UNRECOGNISED_OPERATION), 0.1)
    assert rej.not_implemented and rej.expect_reject().invoke_id == 3
    with pytest.raises(OperationNotImplemented):
        rej.expect_result()
    with pytest.raises(UnexpectedOutcome, match="expected a reject, got result"):
        ok.expect_reject()


def test_http_outcome_is_frozen() -> None:
    out = decode_http(response(200, {}))
    assert isinstance(out, HttpOutcome)
    with pytest.raises(AttributeError):
        out.kind = OutcomeKind.ERROR  # type: ignore[misc]
