"""Tests of conformance/client/http.py, target.py and auth.py against a local stub server."""

from __future__ import annotations

import base64
import json
import time
from typing import TYPE_CHECKING

import pytest

from conformance.client import (
    AccountLocked,
    Anonymous,
    ArgumentInvalid,
    Basic,
    BodyForm,
    HttpClient,
    OutcomeKind,
    QueryCredentials,
    Target,
    TokenHeader,
    TokenQuery,
    UcsidPlacement,
    UnknownOperation,
    challenge_schemes,
)
from conformance.client.http import query_arguments
from conformance.errors import ConformanceViolation, SchemaViolation, SuiteError, TargetUnreachable

if TYPE_CHECKING:
    from conftest import Certificate, HttpStub

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"
TOKEN_RESULT = {"sToken": JWT}


def client_for(stub: HttpStub, **target: object) -> HttpClient:
    return HttpClient(Target(stub.url, **target), secrets=["profile-password"])  # type: ignore[arg-type]


# --- target ----------------------------------------------------------------------------------


def test_target_derivations() -> None:
    t = Target("https://ucs.example:7225/prefix/", timeout=2, timeout_factor=3)
    assert t.base == "https://ucs.example:7225/prefix"
    assert t.websocket_base == "wss://ucs.example:7225/prefix"
    assert t.http_timeout == 6 and t.scale(1.5) == 4.5
    assert Target("http://h:7224").websocket_base == "ws://h:7224"
    assert Target("http://h", ucsid_in="query").ucsid_in is UcsidPlacement.QUERY  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"url": "ftp://h"},
        {"url": "http://"},
        {"url": "http://h?x=1"},
        {"url": "http://h", "timeout": 0},
        {"url": "http://h", "timeout_factor": -1},
        {"url": "http://h", "verify": "/no/such/bundle.pem"},
    ],
)
def test_target_refuses_bad_configuration(kwargs: dict[str, object]) -> None:
    with pytest.raises(SuiteError):
        Target(**kwargs)  # type: ignore[arg-type]


def test_auth_reprs_hide_secrets() -> None:
    for auth in (Basic("u", "pw-x"), QueryCredentials("u", "pw-x"), TokenQuery("pw-x")):
        assert "pw-x" not in repr(auth)
    assert "pw-x" not in repr(TokenHeader("pw-x"))


# --- what goes on the wire -------------------------------------------------------------------


def test_direct_post(http_stub: HttpStub) -> None:
    http_stub.answer(body=TOKEN_RESULT)
    with client_for(http_stub) as http:
        out = http.direct("asnGetUserToken", {"iType": 1}, auth=Basic("Jörg", "pässword"))
    seen = http_stub.last
    assert (seen.method, seen.path) == ("POST", "/ws/direct/asnGetUserToken")
    assert seen.header("Content-Type") == "application/json;charset=utf-8"
    assert json.loads(seen.body) == {"iType": 1}
    assert seen.header("X-ucsid") == "local" and "ucsid" not in seen.params
    expected = base64.b64encode("Jörg:pässword".encode()).decode()
    assert seen.header("Authorization") == f"Basic {expected}"
    assert out.ok and out.form is BodyForm.BARE and out.expect_result() == TOKEN_RESULT


def test_direct_get_encodes_arguments_as_query(http_stub: HttpStub) -> None:
    http_stub.answer(body=TOKEN_RESULT)
    argument = {"iType": 1, "iTTL": 60, "lstServiceType": ["a", "b"]}
    with client_for(http_stub, ucsid_in="query") as http:
        http.direct("asnGetUserToken", argument, auth=QueryCredentials("bob", "pw"), method="GET")
    seen = http_stub.last
    assert seen.method == "GET" and seen.body == b"" and seen.header("Content-Type") is None
    assert seen.params == {
        "ucsid": "local",
        "user": "bob",
        "pass": "pw",
        "iType": "1",
        "iTTL": "60",
        "lstServiceType": '["a", "b"]',
    }
    assert seen.header("X-ucsid") is None


def test_query_arguments() -> None:
    assert query_arguments({"s": "x y", "b": True, "n": None, "o": {"k": 1}}) == [
        ("s", "x y"),
        ("b", "true"),
        ("n", "null"),
        ("o", '{"k": 1}'),
    ]
    assert query_arguments(None) == []


@pytest.mark.parametrize(
    ("auth", "param", "header"),
    [
        (TokenQuery("tq"), ("token", "tq"), None),
        (TokenHeader("th"), None, ("x-uctoken", "th")),
        (Anonymous(), None, None),
    ],
)
def test_token_modes(
    http_stub: HttpStub,
    auth: TokenQuery | TokenHeader | Anonymous,
    param: tuple[str, str] | None,
    header: tuple[str, str] | None,
) -> None:
    http_stub.answer(body=TOKEN_RESULT)
    with client_for(http_stub) as http:
        http.direct("asnGetUserToken", {}, auth=auth)
    seen = http_stub.last
    assert seen.header("Authorization") is None
    if param:
        assert seen.params[param[0]] == param[1]
    if header:
        assert seen.header(header[0]) == header[1]
    if not param and not header:
        assert set(seen.params) == set() and seen.header("x-uctoken") is None


def test_ucsid_override_and_omission(http_stub: HttpStub) -> None:
    http_stub.answer(body=TOKEN_RESULT)
    with client_for(http_stub) as http:
        http.direct("asnGetUserToken", {}, auth=Anonymous(), ucsid="local1")
        assert http_stub.last.header("X-ucsid") == "local1"
        http.direct("asnGetUserToken", {}, auth=Anonymous(), ucsid_in=UcsidPlacement.OMIT)
        assert http_stub.last.header("X-ucsid") is None and "ucsid" not in http_stub.last.params


def test_createsession_post(http_stub: HttpStub) -> None:
    http_stub.answer(body={"sessionid": "0123456789ABCDEF0123456789ABCDEF"})
    with client_for(http_stub) as http:
        sid = http.new_session_id(Basic("u", "p"))
    seen = http_stub.last
    assert sid == "0123456789ABCDEF0123456789ABCDEF"
    assert (seen.method, seen.path, seen.params) == (
        "POST",
        "/ws/client/createsession",
        {"clientappid": "15"},
    )
    assert json.loads(seen.body) == {"negotiate": {"iClientProtocolVersion": 70}}
    assert seen.header("X-no401") == "1" and seen.header("X-simple") == "1"
    assert seen.header("X-ucsid") == "local"


def test_createsession_negotiates_the_profiles_protocol_version(http_stub: HttpStub) -> None:
    http_stub.answer(body={"sessionid": "0123456789ABCDEF0123456789ABCDEF"})
    target = Target(http_stub.url, "local")
    with HttpClient(target, protocol_version=60) as http:
        http.new_session_id(Basic("u", "p"))
    assert json.loads(http_stub.last.body) == {"negotiate": {"iClientProtocolVersion": 60}}


def test_createsession_get_and_options(http_stub: HttpStub) -> None:
    http_stub.answer(body={"sessionid": "0123456789ABCDEF0123456789ABCDEF"})
    with client_for(http_stub) as http:
        http.createsession(Basic("u", "p"), method="GET", no401=False, simple=False)
        seen = http_stub.last
        assert seen.method == "GET" and seen.header("X-no401") is None
        assert seen.header("X-simple") is None
        assert json.loads(seen.params["negotiate"]) == {"iClientProtocolVersion": 70}
        http.createsession(Basic("u", "p"), negotiate=None, clientappid=None)
        assert http_stub.last.body == b"{}" and http_stub.last.params == {}


def test_createsession_response_is_validated(http_stub: HttpStub) -> None:
    http_stub.answer(body={"sessionid": ""})
    with client_for(http_stub) as http, pytest.raises(SchemaViolation, match="CreateSession"):
        http.createsession(Basic("u", "p"))


def test_session_ids_of_any_form_pass_but_not_in_strict_mode(http_stub: HttpStub) -> None:
    """The document states no session id format (N17); strict mode wants the example's."""
    http_stub.answer(body={"sessionid": "{lower-case-guid}"})
    with client_for(http_stub) as http:
        assert http.new_session_id(Basic("u", "p")) == "{lower-case-guid}"
    http_stub.answer(body={"sessionid": "{lower-case-guid}"})
    strict = HttpClient(Target(http_stub.url), strict=True)
    with strict, pytest.raises(SchemaViolation, match="CreateSession"):
        strict.createsession(Basic("u", "p"))


def test_sessions_created_are_logged_off_once(http_stub: HttpStub) -> None:
    with client_for(http_stub) as http:
        http_stub.answer(body={"sessionid": "S1"})
        http.createsession(Basic("u", "p"))
        http_stub.answer(body={"sessionid": "S2"})
        http.createsession(Basic("u", "p"))
        http.forget_session("S2")  # a WebSocket session logged it off itself
        assert http.open_sessions == ["S1"]
        http_stub.answer(body={})
        http.logoff_all()
        assert http.open_sessions == []
    assert http_stub.last.path == "/ws/client/asnLogoff"
    assert http_stub.last.header("X-ucsessionid") == "S1"


def test_logon_error_129_raises_account_locked(http_stub: HttpStub) -> None:
    locked = {
        "_type": "AsnLogonError",
        "iErrorDetail": 129,
        "u8sErrorString": "locked",
        "u8sFailedUser": "alice",
        "sAuthCredetials": "",
    }
    body = {"error": locked, "error_value": 0, "invokedID": 1}
    for send in (
        lambda http: http.createsession(Basic("alice", "p")),
        lambda http: http.direct("asnGetLoggedInContact", {}, auth=Basic("alice", "p")),
    ):
        http_stub.answer(400, body)
        with client_for(http_stub) as http, pytest.raises(AccountLocked, match="'alice' is locked"):
            send(http)


@pytest.mark.parametrize(
    ("header", "schemes"),
    [
        ('Basic realm="UCServer"', ["basic"]),
        ('Negotiate, Basic realm="UCServer"', ["negotiate", "basic"]),
        ('Negotiate abc==, Basic realm="a, b", charset="UTF-8"', ["negotiate", "basic"]),
        ('Digest realm="x", qop="auth", nonce="1", Basic realm="y"', ["digest", "basic"]),
        ("", []),
    ],
)
def test_challenge_schemes(header: str, schemes: list[str]) -> None:
    assert challenge_schemes(header) == schemes


def test_client_route_sends_the_session_id(http_stub: HttpStub) -> None:
    http_stub.answer(400, {"invokedID": {"invokedID": 0}, "reject": {"invokeProblem": 8}})
    with client_for(http_stub) as http:
        out = http.client("SID", "asnGetLoggedInContact", {})
    assert out.expect_reject().problem == 8
    assert http_stub.last.path == "/ws/client/asnGetLoggedInContact"
    assert http_stub.last.header("X-ucsessionid") == "SID"


def test_public_contacts(http_stub: HttpStub) -> None:
    http_stub.answer(body={"contacts": {}})
    with client_for(http_stub) as http:
        out = http.public_contacts(ucsid_in=UcsidPlacement.QUERY)
    assert out.ok and http_stub.last.method == "GET" and http_stub.last.params == {"ucsid": "local"}
    assert http_stub.last.header("Authorization") is None


def test_jsonp_round_trip(http_stub: HttpStub) -> None:
    http_stub.answer(body='cb_1({"contacts": {}});', content_type="application/javascript")
    with client_for(http_stub) as http:
        out = http.public_contacts(callback="cb_1")
    assert http_stub.last.params["callback"] == "cb_1" and out.payload == {"contacts": {}}


def test_jsonp_wrong_wrapper(http_stub: HttpStub) -> None:
    http_stub.answer(body='{"contacts": {}}')
    with client_for(http_stub) as http, pytest.raises(ConformanceViolation, match="JSONP"):
        http.public_contacts(callback="cb_1")


# --- our own mistakes are suite errors -------------------------------------------------------


def test_invalid_argument_is_our_bug(http_stub: HttpStub) -> None:
    with client_for(http_stub) as http:
        with pytest.raises(ArgumentInvalid, match="suite bug") as info:
            http.direct("asnGetUserToken", {"iType": "one"}, auth=Anonymous())
        assert not isinstance(info.value, AssertionError)
        with pytest.raises(UnknownOperation, match="asnGetUserTokn"):
            http.direct("asnGetUserTokn", {}, auth=Anonymous())
    assert http_stub.seen == []  # nothing was sent


def test_unchecked_sends_anything(http_stub: HttpStub) -> None:
    body = {"invokedID": {"invokedID": 0}, "reject": {"invokeProblem": 1}}
    http_stub.answer(400, body)
    with client_for(http_stub) as http:
        out = http.direct("asnNoSuchOperation", {"x": 1}, auth=Anonymous(), check_argument=False)
    assert out.not_implemented


# --- answers -----------------------------------------------------------------------------------


def test_error_is_validated_as_logon_error(http_stub: HttpStub) -> None:
    error = {
        "_type": "AsnLogonError",
        "iErrorDetail": 102,
        "u8sErrorString": "bad",
        "u8sFailedUser": "u",
        "sAuthCredetials": "",
    }
    http_stub.answer(400, {"error": error, "error_value": 0, "invokedID": 1})
    with client_for(http_stub) as http:
        out = http.direct("asnGetUserToken", {}, auth=QueryCredentials("u", "wrong"))
    assert out.kind is OutcomeKind.ERROR and out.expect_error()["iErrorDetail"] == 102


def test_error_of_the_wrong_type_is_a_violation(http_stub: HttpStub) -> None:
    http_stub.answer(400, {"error": {"iErrorDetail": "x"}, "error_value": 0, "invokedID": 1})
    with client_for(http_stub) as http, pytest.raises(SchemaViolation, match="iErrorDetail"):
        http.direct("asnGetUserToken", {}, auth=Anonymous())


def test_result_schema_violation(http_stub: HttpStub) -> None:
    http_stub.answer(body={"sToken": 5})
    with client_for(http_stub) as http, pytest.raises(SchemaViolation, match="sToken"):
        http.direct("asnGetUserToken", {}, auth=Anonymous())


def test_ws_error(http_stub: HttpStub) -> None:
    body = {"error": {"_type": "WsError", "iErrorDetail": 119, "u8sErrorString": "x"}}
    http_stub.answer(502, body)
    with client_for(http_stub) as http:
        out = http.direct("asnGetUserToken", {}, auth=Anonymous(), ucsid="nope")
    assert out.kind is OutcomeKind.WS_ERROR and out.payload is not None
    assert out.payload["iErrorDetail"] == 119


def test_401(http_stub: HttpStub) -> None:
    http_stub.answer(401, "no", content_type="text/plain", headers={"WWW-Authenticate": "Basic"})
    with client_for(http_stub) as http:
        out = http.createsession(Basic("u", "wrong"), no401=False)
    assert out.kind is OutcomeKind.UNAUTHORIZED and out.challenge == "Basic"


def test_redirects_are_not_followed(http_stub: HttpStub) -> None:
    http_stub.answer(302, "", headers={"Location": "/elsewhere"})
    with client_for(http_stub) as http, pytest.raises(ConformanceViolation, match="HTTP 302"):
        http.public_contacts()
    assert len(http_stub.seen) == 1


def test_cookies_are_not_kept(http_stub: HttpStub) -> None:
    http_stub.answer(body={"contacts": {}}, headers={"Set-Cookie": "auth=1; Path=/"})
    with client_for(http_stub) as http:
        http.public_contacts()
        http.public_contacts()
    assert http_stub.last.header("Cookie") is None


# --- transcripts -------------------------------------------------------------------------------


def test_transcript_records_without_secrets(http_stub: HttpStub) -> None:
    http_stub.answer(body=TOKEN_RESULT)
    with client_for(http_stub) as http:
        http.direct("asnGetUserToken", {}, auth=QueryCredentials("bob", "pw-1"), method="GET")
        http.direct("asnGetUserToken", {}, auth=TokenHeader(JWT))
        http.direct("asnGetUserToken", {}, auth=Basic("bob", "profile-password"))
        text = http.transcript.render()
    assert "pw-1" not in text and JWT not in text and "profile-password" not in text
    assert "GET http://127.0.0.1" in text and "user=bob&pass=***" in text
    assert text.count("HTTP < 200 OK") == 3


def test_extra_transcript(http_stub: HttpStub) -> None:
    from conformance.client import Transcript

    http_stub.answer(body={"contacts": {}})
    extra = Transcript()
    with client_for(http_stub) as http:
        http.public_contacts(transcript=extra)
        http.public_contacts()
    assert len(extra) == 2 and len(http.transcript) == 4


# --- the network -------------------------------------------------------------------------------


def test_closed_port_is_unreachable(closed_port: int) -> None:
    http = HttpClient(Target(f"http://127.0.0.1:{closed_port}", timeout=2))
    with pytest.raises(TargetUnreachable) as info:
        http.direct("asnGetUserToken", {}, auth=QueryCredentials("u", "secret-pw"))
    text = str(info.value)
    assert text.startswith("asnGetUserToken: cannot reach http://127.0.0.1:")
    assert text.endswith("connection refused") and "secret-pw" not in text
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_unresolvable_host_is_unreachable() -> None:
    http = HttpClient(Target("http://nonexistent.invalid", timeout=2))
    with pytest.raises(TargetUnreachable, match=r"nonexistent.invalid.*does not resolve"):
        http.public_contacts()


def test_timeout_is_unreachable_and_scaled(http_stub: HttpStub) -> None:
    http_stub.answer(body={"contacts": {}}, delay=1.0)
    http = HttpClient(Target(http_stub.url, timeout=0.1, timeout_factor=2))
    started = time.monotonic()
    with pytest.raises(TargetUnreachable, match=r"no response within 0.2 s"):
        http.public_contacts()
    assert 0.15 < time.monotonic() - started < 0.9


def test_tls_verifies_by_default(https_stub: HttpStub) -> None:
    http = HttpClient(Target(https_stub.url, timeout=2))
    with pytest.raises(TargetUnreachable, match="TLS certificate verification failed"):
        http.public_contacts()


def test_tls_without_verification(https_stub: HttpStub) -> None:
    https_stub.answer(body={"contacts": {}})
    http = HttpClient(Target(https_stub.url, verify=False, timeout=2))
    assert http.public_contacts().ok  # and no InsecureRequestWarning (warnings are errors)


def test_tls_with_a_ca_bundle(https_stub: HttpStub, certificate: Certificate) -> None:
    https_stub.answer(body={"contacts": {}})
    http = HttpClient(Target(https_stub.url, verify=str(certificate.cert), timeout=2))
    assert http.public_contacts().ok


def test_body_forms_are_tallied(http_stub: HttpStub) -> None:
    from collections import Counter

    with client_for(http_stub) as http:
        http_stub.answer(body=TOKEN_RESULT)
        http.direct("asnGetUserToken", {}, auth=Anonymous())
        http_stub.answer(body={"result": TOKEN_RESULT})
        http.direct("asnGetUserToken", {}, auth=Anonymous())
        http_stub.answer(400, {"invokedID": {"invokedID": 0}, "reject": {"invokeProblem": 8}})
        http.direct("asnGetUserToken", {}, auth=Anonymous())
    assert http.body_forms == Counter(
        {
            (OutcomeKind.RESULT, BodyForm.BARE): 1,
            (OutcomeKind.RESULT, BodyForm.RESULT_MEMBER): 1,
            (OutcomeKind.REJECT, BodyForm.ROSE_BODY): 1,
        }
    )


def test_schema_violations_do_not_leak_secrets(http_stub: HttpStub) -> None:
    http_stub.answer(body={"sToken": JWT, "unexpected": "profile-password"})
    http = HttpClient(Target(http_stub.url), secrets=["profile-password"], strict=True)
    with pytest.raises(SchemaViolation) as info:
        http.direct("asnGetUserToken", {}, auth=Anonymous())
    assert "profile-password" not in str(info.value) and "unexpected" in str(info.value)
