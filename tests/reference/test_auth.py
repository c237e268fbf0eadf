"""Authentication modes and logon failures on /ws/direct and /ws/client/createsession.

Document L63-L85 and L191-L279; protocol-notes §1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
import requests

from conformance.catalog import Catalog
from conformance.reference import ReferenceServer

if TYPE_CHECKING:  # conftest is not importable at run time (--import-mode=importlib)
    from conftest import Api

MakeApi = Callable[[ReferenceServer], "Api"]

ROUTES = ["/ws/direct/asnGetLoggedInContact", "/ws/client/createsession"]
HEX32 = re.compile(r"[0-9A-F]{32}")


def call(api: Api, route: str, **kwargs: Any) -> requests.Response:
    return requests.post(f"{api.url}{route}", json={}, timeout=5, **kwargs)


def assert_logon_error(
    catalog: Catalog, response: requests.Response, status: int, detail: int, failed_user: str
) -> None:
    """The logon error body of L245-L279, with the given status and iErrorDetail."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    catalog.validate_webservice("LogonErrorResponse", body)
    assert body["error"]["_type"] == "AsnLogonError"
    assert body["error"]["iErrorDetail"] == detail
    assert body["error"]["u8sFailedUser"] == failed_user
    assert body["error"]["sAuthCredetials"] == ""
    assert body["error_value"] == 0
    assert isinstance(body["invokedID"], int)
    assert HEX32.fullmatch(body["sessionID"])
    if status == 401:
        assert response.headers["WWW-Authenticate"] == 'Basic realm="UCServer"'
    else:
        assert "WWW-Authenticate" not in response.headers


def assert_logged_in(catalog: Catalog, response: requests.Response, route: str, name: str) -> None:
    assert response.status_code == 200, response.text
    if route.endswith("createsession"):
        catalog.validate_webservice("CreateSessionResponse", response.json())
    else:
        catalog.validate("AsnGetLoggedInContactResult", response.json())
        assert response.json()["u8sLoggedInUser"] == name


# --- successful logons ---------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_basic_authentication(api: Api, catalog: Catalog, route: str) -> None:
    response = call(api, route, auth=("alice", api.password("alice")))
    assert_logged_in(catalog, response, route, "alice")


@pytest.mark.parametrize("route", ROUTES)
def test_query_credentials(api: Api, catalog: Catalog, route: str) -> None:
    response = call(api, route, params=api.query_auth("bob"))
    assert_logged_in(catalog, response, route, "bob")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("where", ["query", "header"])
def test_login_token(api: Api, catalog: Catalog, route: str, where: str) -> None:
    token = api.token("carol", iType=1)
    kwargs: dict[str, Any] = (
        {"params": {"token": token}} if where == "query" else {"headers": {"x-uctoken": token}}
    )
    assert_logged_in(catalog, call(api, route, **kwargs), route, "carol")


def test_token_takes_precedence_over_basic(api: Api, catalog: Catalog) -> None:
    token = api.token("bob", iType=1)
    route = ROUTES[0]
    response = call(api, route, params={"token": token}, auth=("alice", "wrong"))
    assert_logged_in(catalog, response, route, "bob")


def test_get_works_like_post(api: Api, catalog: Catalog) -> None:
    response = requests.get(f"{api.url}{ROUTES[0]}", params=api.query_auth("alice"), timeout=5)
    assert_logged_in(catalog, response, ROUTES[0], "alice")


# --- Basic: 401 unless no401 ---------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_basic_without_credentials_is_challenged(api: Api, catalog: Catalog, route: str) -> None:
    assert_logon_error(catalog, call(api, route), 401, 101, "")


@pytest.mark.parametrize("route", ROUTES)
def test_basic_wrong_password_is_challenged(api: Api, catalog: Catalog, route: str) -> None:
    response = call(api, route, auth=("alice", "wrong"))
    assert_logon_error(catalog, response, 401, 102, "alice")


@pytest.mark.parametrize("route", ROUTES)
def test_basic_unknown_user_is_challenged(api: Api, catalog: Catalog, route: str) -> None:
    response = call(api, route, auth=("nobody", "x"))
    assert_logon_error(catalog, response, 401, 101, "")


def test_undecodable_basic_header_is_challenged(api: Api, catalog: Catalog) -> None:
    response = call(api, ROUTES[0], headers={"Authorization": "Basic %%%not-base64"})
    assert_logon_error(catalog, response, 401, 101, "")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    "no401",
    [{"headers": {"X-no401": "1"}}, {"params": {"no401": ""}}, {"headers": {"X-no401": '"1"'}}],
    ids=["header", "query", "quoted-header"],
)
def test_no401_turns_the_challenge_into_the_logon_error(
    api: Api, catalog: Catalog, route: str, no401: dict[str, Any]
) -> None:
    response = call(api, route, auth=("alice", "wrong"), **no401)
    assert_logon_error(catalog, response, 400, 102, "alice")
    response = call(api, route, **no401)
    assert_logon_error(catalog, response, 400, 101, "")


def test_no401_false_values_keep_the_challenge(api: Api, catalog: Catalog) -> None:
    response = call(api, ROUTES[0], auth=("alice", "wrong"), headers={"X-no401": "0"})
    assert_logon_error(catalog, response, 401, 102, "alice")


def test_disabled_account_gets_the_logon_error_even_under_basic(api: Api, catalog: Catalog) -> None:
    response = call(api, ROUTES[0], auth=("dave", api.password("dave")))
    assert_logon_error(catalog, response, 400, 107, "dave")


# --- token and query credentials: never 401 -------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("user", "password", "detail", "failed_user"),
    [
        ("nobody", "x", 101, ""),
        ("alice", "wrong", 102, "alice"),
        ("dave", None, 107, "dave"),
        ("dave", "wrong", 102, "dave"),  # a wrong password never reveals "disabled"
        ("", "", 101, ""),
    ],
    ids=["unknown-user", "wrong-password", "disabled", "disabled-wrong-password", "empty"],
)
def test_query_credential_failures(
    api: Api,
    catalog: Catalog,
    route: str,
    user: str,
    password: str | None,
    detail: int,
    failed_user: str,
) -> None:
    password = api.password("dave") if password is None else password
    response = call(api, route, params={"user": user, "pass": password})
    assert_logon_error(catalog, response, 400, detail, failed_user)


def test_query_user_without_pass_is_a_wrong_password(api: Api, catalog: Catalog) -> None:
    response = call(api, ROUTES[0], params={"user": "alice"})
    assert_logon_error(catalog, response, 400, 102, "alice")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("token", ["garbage", "a.b.c", ""], ids=["garbage", "three-dots", "empty"])
def test_garbage_token(api: Api, catalog: Catalog, route: str, token: str) -> None:
    response = call(api, route, headers={"x-uctoken": token} if token else {}, params={"no401": ""})
    if token:
        assert_logon_error(catalog, response, 400, 102, "")
    else:  # an empty token is no token: no credentials at all
        assert_logon_error(catalog, response, 400, 101, "")


def test_token_of_another_server_instance_is_garbage(
    api: Api, catalog: Catalog, make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    foreign = make_server()
    token = api_for(foreign).token("alice", iType=1)
    assert_logon_error(catalog, call(api, ROUTES[0], params={"token": token}), 400, 102, "")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("itype", [None, 0], ids=["default-type", "type-0"])
def test_identification_token_never_logs_in(
    api: Api, catalog: Catalog, route: str, itype: int | None
) -> None:
    """L580-L582: an identification token "can not be used to login to the server"."""
    token = api.token("alice") if itype is None else api.token("alice", iType=itype)
    response = call(api, route, params={"token": token})
    assert_logon_error(catalog, response, 400, 106, "alice")


@pytest.mark.parametrize("route", ROUTES)
def test_expired_login_token(
    catalog: Catalog, make_server: Callable[..., ReferenceServer], api_for: MakeApi, route: str
) -> None:
    server = make_server()
    api = api_for(server)
    token = api.token("alice", iType=1, iTTL=1)
    assert call(api, route, params={"token": token}).status_code == 200
    server.clock.advance(0.9)
    assert call(api, route, params={"token": token}).status_code == 200  # lives >= iTTL
    server.clock.advance(1.2)
    assert_logon_error(catalog, call(api, route, params={"token": token}), 400, 130, "alice")
    assert_logon_error(catalog, call(api, route, headers={"x-uctoken": token}), 400, 130, "alice")


# --- lockout policy (variation auth.lockout-policy) ----------------------------------------


def test_lockout_policy_locks_after_three_wrong_passwords_for_a_minute(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi, catalog: Catalog
) -> None:
    server = make_server(variations=["auth.lockout-policy"])
    api = api_for(server)
    wrong = {"user": "alice", "pass": "wrong", "no401": "1"}
    right = api.query_auth("alice")
    for _ in range(2):
        assert_logon_error(catalog, call(api, ROUTES[0], params=wrong), 400, 102, "alice")
    assert_logged_in(catalog, call(api, ROUTES[0], params=right), ROUTES[0], "alice")
    for _ in range(3):  # the correct login reset the count: three more are needed
        assert_logon_error(catalog, call(api, ROUTES[0], params=wrong), 400, 102, "alice")
    for route in ROUTES:  # locked: even the right password is refused, on both routes
        assert_logon_error(catalog, call(api, route, params=right), 400, 129, "alice")
    assert server.state.auth.locked_accounts() == ["alice"]
    server.clock.advance(61)
    assert_logged_in(catalog, call(api, ROUTES[0], params=right), ROUTES[0], "alice")


def test_a_wrong_old_password_of_a_password_change_counts_as_a_wrong_login(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi, catalog: Catalog
) -> None:
    """asnUserChangePassword checks the old password as a login does (Active Directory counts
    it): three wrong ones in one session lock the account; the right one changes nothing."""
    server = make_server(variations=["auth.lockout-policy"])
    api = api_for(server)
    session = api.create_session("alice")
    right = {"u8sOldPassword": api.password("alice"), "u8sNewPassword": "new"}
    refused = api.client(session, "asnUserChangePassword", right).json()["error"]
    assert refused["iErrorDetail"] == 1  # INVALID_ARGUMENT: no password is changed
    wrong = {"u8sOldPassword": "wrong", "u8sNewPassword": "new"}
    for _ in range(3):
        error = api.client(session, "asnUserChangePassword", wrong).json()["error"]
        assert error["iErrorDetail"] == 102, error
    assert server.state.auth.locked_accounts() == ["alice"]
    login = call(api, ROUTES[0], params=api.query_auth("alice"))
    assert_logon_error(catalog, login, 400, 129, "alice")


def test_without_the_policy_no_account_locks(api: Api, catalog: Catalog) -> None:
    wrong = {"user": "bob", "pass": "wrong", "no401": "1"}
    for _ in range(4):
        assert_logon_error(catalog, call(api, ROUTES[0], params=wrong), 400, 102, "bob")
    assert_logged_in(catalog, call(api, ROUTES[0], params=api.query_auth("bob")), ROUTES[0], "bob")


def test_negotiate_first_variation_sends_two_challenges(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    api = api_for(make_server(variations=["auth.negotiate-first"]))
    for callback in (None, "cb"):  # a JSONP 401 keeps both
        params = {"callback": callback} if callback else {}
        response = call(api, ROUTES[1], auth=("alice", "wrong"), params=params)
        assert response.status_code == 401
        assert response.raw.headers.getlist("WWW-Authenticate") == [
            "Negotiate",
            'Basic realm="UCServer"',
        ]
