"""The HTTP client against the reference server: every route, auth mode and answer shape."""

from __future__ import annotations

import re

import pytest

from conformance.client import (
    Anonymous,
    Auth,
    Basic,
    BodyForm,
    HttpClient,
    OperationNotImplemented,
    OutcomeKind,
    QueryCredentials,
    Target,
    TokenHeader,
    TokenQuery,
    UcsidPlacement,
)
from conformance.errors import TargetUnreachable
from conformance.reference import ReferenceServer
from conformance.rose import InvokeProblem

SESSION_ID = re.compile(r"[0-9A-F]{32}")
JWT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def alice(server: ReferenceServer) -> tuple[str, str]:
    user = server.profile.user("alice")
    return user.name, user.password


def login_token(http: HttpClient, server: ReferenceServer) -> str:
    out = http.direct("asnGetUserToken", {"iType": 1}, auth=QueryCredentials(*alice(server)))
    token = str(out.expect_result()["sToken"])
    assert JWT.fullmatch(token)
    return token


def every_auth(http: HttpClient, server: ReferenceServer) -> list[Auth]:
    token = login_token(http, server)
    name, password = alice(server)
    return [
        Basic(name, password),
        QueryCredentials(name, password),
        TokenQuery(token),
        TokenHeader(token),
    ]


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_direct_with_every_auth_mode(
    live_http: HttpClient, reference: ReferenceServer, method: str
) -> None:
    for auth in every_auth(live_http, reference):
        out = live_http.direct("asnGetLoggedInContact", {}, auth=auth, method=method)
        assert out.expect_result()["u8sLoggedInUser"] == "alice", type(auth).__name__
        assert out.form is BodyForm.BARE  # the reference server's documented choice


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_createsession_with_every_auth_mode(
    live_http: HttpClient, reference: ReferenceServer, method: str
) -> None:
    for auth in every_auth(live_http, reference):
        assert SESSION_ID.fullmatch(live_http.new_session_id(auth, method=method))


def test_createsession_with_the_documents_empty_body(
    live_http: HttpClient, reference: ReferenceServer
) -> None:
    out = live_http.createsession(Basic(*alice(reference)), negotiate=None)
    assert out.ok


def test_ucsid_by_query(live_http: HttpClient, reference: ReferenceServer) -> None:
    out = live_http.createsession(Basic(*alice(reference)), ucsid_in=UcsidPlacement.QUERY)
    assert out.ok


def test_client_route_in_a_session(live_http: HttpClient, reference: ReferenceServer) -> None:
    session_id = live_http.new_session_id(Basic(*alice(reference)))
    for method in ("POST", "GET"):
        out = live_http.client(session_id, "asnGetLoggedInContact", {}, method=method)
        assert out.expect_result()["u8sLoggedInUser"] == "alice"


def test_unknown_session_is_rejected(live_http: HttpClient, reference: ReferenceServer) -> None:
    out = live_http.client("0" * 32, "asnGetLoggedInContact", {})
    assert out.status == 400
    assert out.expect_reject().problem == InvokeProblem.INVALID_SESSION_ID


def test_public_contacts_anonymous(live_http: HttpClient, reference: ReferenceServer) -> None:
    for placement in (UcsidPlacement.QUERY, UcsidPlacement.HEADER):
        contacts = live_http.public_contacts(ucsid_in=placement).expect_result()["contacts"]
        public = {u.sip_uri for u in reference.profile.users.values() if u.public}
        assert set(contacts) == public


def test_jsonp_on_every_route(live_http: HttpClient, reference: ReferenceServer) -> None:
    name, password = alice(reference)
    assert live_http.public_contacts(callback="cb_1").ok
    direct = live_http.direct(
        "asnGetLoggedInContact", {}, auth=Basic(name, password), callback="jQuery1_2"
    )
    assert direct.ok and direct.response.callback == "jQuery1_2"
    assert live_http.createsession(Basic(name, password), callback="cb").ok
    failed = live_http.createsession(QueryCredentials(name, "wrong"), callback="cb")
    assert failed.kind is OutcomeKind.ERROR  # error bodies are wrapped too


def test_basic_login_failure_401_or_400(live_http: HttpClient, reference: ReferenceServer) -> None:
    name, _ = alice(reference)
    challenged = live_http.createsession(Basic(name, "wrong"), no401=False)
    assert challenged.kind is OutcomeKind.UNAUTHORIZED
    assert (challenged.challenge or "").lower().startswith("basic")
    plain = live_http.createsession(Basic(name, "wrong"), no401=True)
    assert plain.expect_error()["iErrorDetail"] == 102


@pytest.mark.parametrize(
    ("auth", "detail"),
    [
        (QueryCredentials("nobody", "x"), 101),
        (QueryCredentials("alice", "wrong"), 102),
        (QueryCredentials("dave", "dave-pw-7224"), 107),
    ],
)
def test_logon_errors_are_400_never_401(
    live_http: HttpClient, reference: ReferenceServer, auth: Auth, detail: int
) -> None:
    for call in (
        lambda: live_http.createsession(auth, no401=False),
        lambda: live_http.direct("asnGetLoggedInContact", {}, auth=auth),
    ):
        out = call()
        assert out.status == 400 and out.expect_error()["iErrorDetail"] == detail


def test_invalid_token_is_a_logon_error(live_http: HttpClient, reference: ReferenceServer) -> None:
    for auth in (TokenQuery("not-a-token"), TokenHeader("not-a-token")):
        out = live_http.direct("asnGetLoggedInContact", {}, auth=auth)
        assert out.kind is OutcomeKind.ERROR and out.payload is not None
        assert out.payload.get("_type", "AsnLogonError") == "AsnLogonError"


def test_unknown_ucsid_is_502(live_http: HttpClient, reference: ReferenceServer) -> None:
    out = live_http.direct("asnGetLoggedInContact", {}, auth=Anonymous(), ucsid="local1")
    assert out.kind is OutcomeKind.WS_ERROR and out.payload is not None
    assert out.payload["iErrorDetail"] == 119


def test_unknown_operation_is_not_implemented(
    live_http: HttpClient, reference: ReferenceServer
) -> None:
    out = live_http.direct(
        "asnNoSuchOperation", {}, auth=Basic(*alice(reference)), check_argument=False
    )
    assert out.not_implemented
    with pytest.raises(OperationNotImplemented):
        out.expect_result()


def test_transcript_never_holds_a_secret(live_http: HttpClient, reference: ReferenceServer) -> None:
    token = login_token(live_http, reference)
    every_auth(live_http, reference)
    live_http.direct("asnGetLoggedInContact", {}, auth=TokenQuery(token), method="GET")
    text = live_http.transcript.render()
    assert token not in text
    for secret in reference.profile.secrets():
        assert secret not in text
    assert '"sToken": "***"' in text or '"sToken":"***"' in text


def test_closed_port_is_unreachable(closed_port: int) -> None:
    with (
        HttpClient(Target(f"http://127.0.0.1:{closed_port}", timeout=2)) as http,
        pytest.raises(TargetUnreachable, match=r"createsession: cannot reach .*refused"),
    ):
        http.createsession(Basic("alice", "x"))


def test_unresolvable_host_is_unreachable() -> None:
    with (
        HttpClient(Target("http://nonexistent.invalid", timeout=2)) as http,
        pytest.raises(TargetUnreachable, match=r"nonexistent\.invalid.*DNS"),
    ):
        http.public_contacts()


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_createsession_negotiates_the_version_by_post_and_get(
    live_http: HttpClient, reference: ReferenceServer, method: str
) -> None:
    """The GET form carries ``negotiate`` as a JSON query value; the server reads it too."""
    out = live_http.createsession(
        Basic(*alice(reference)),
        method=method,
        negotiate={"negotiate": {"iClientProtocolVersion": 10}},
    )
    error = out.expect_error()  # validated as AsnCreateUserSessionError or AsnLogonError
    assert error.get("_type") in ("AsnCreateUserSessionError", "AsnLogonError", None)
