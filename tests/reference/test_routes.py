"""HTTP routes: UCSID, createsession, /ws/client and /ws/direct outcomes, JSONP, public contacts.

Document sections 1.1-1.4 (L9-L566); protocol-notes §1.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
import requests

from conformance.catalog import Catalog
from conformance.reference import ReferenceServer

if TYPE_CHECKING:
    from conftest import Api

MakeApi = Callable[[ReferenceServer], "Api"]
HEX32 = re.compile(r"[0-9A-F]{32}")


def reject_of(response: requests.Response) -> tuple[dict[str, int], str]:
    """(problem, details) of an HTTP reject body; asserts its shape."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["invokedID"] == {"invokednull": None}
    assert isinstance(body["details"], str) and body["details"]
    return body["reject"], body["details"]


# --- UCSID (L231-L244) ---------------------------------------------------------------------


def assert_502(catalog: Catalog, response: requests.Response, ucsid: str) -> None:
    assert response.status_code == 502, response.text
    body = response.json()
    catalog.validate_webservice("WsErrorResponse", body)
    assert body == {
        "error": {
            "_type": "WsError",
            "iErrorDetail": 119,
            "u8sErrorString": "UCServer is not connected here",
            "details": f"server not connected here: [{ucsid}]",
        }
    }


UCSID_ROUTES = [
    ("POST", "/ws/direct/asnGetLoggedInContact"),
    ("GET", "/ws/direct/asnGetLoggedInContact"),
    ("POST", "/ws/client/createsession"),
    ("POST", "/ws/client/asnGetLoggedInContact"),
    ("GET", "/ws/public/contacts"),
    ("GET", "/ws/client/websocket"),
    ("GET", "/ws/nowhere"),
]


@pytest.mark.parametrize(("method", "route"), UCSID_ROUTES)
@pytest.mark.parametrize("where", ["header", "query"])
def test_foreign_ucsid_is_502_before_anything_else(
    api: Api, catalog: Catalog, method: str, route: str, where: str
) -> None:
    kwargs: dict[str, Any] = {"params": api.query_auth("alice")}
    if where == "header":
        kwargs["headers"] = {"X-ucsid": "local1"}
    else:
        kwargs["params"]["ucsid"] = "local1"
    response = requests.request(method, f"{api.url}{route}", timeout=5, **kwargs)
    assert_502(catalog, response, "local1")


@pytest.mark.parametrize("ucsid", ["local", '"local"', ""], ids=["own", "quoted", "empty"])
def test_own_or_empty_ucsid_is_served(api: Api, ucsid: str) -> None:
    response = api.direct("asnGetLoggedInContact", {}, headers={"X-ucsid": ucsid})
    assert response.status_code == 200


def test_ucsid_in_query_and_header_must_both_be_ours(api: Api, catalog: Catalog) -> None:
    response = api.direct(
        "asnCheckConnection",
        {},
        headers={"X-ucsid": "local"},
        params={**api.query_auth("alice"), "ucsid": "elsewhere"},
    )
    assert_502(catalog, response, "elsewhere")


# --- createsession (L164-L219) -------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"json": {"negotiate": {"iClientProtocolVersion": 70}}},
        {"json": {"negotiate": {"iClientProtocolVersion": 61}}},
        {"json": {}},
        {"data": b""},
        {"data": b"{ }", "headers": {"X-no401": "1", "X-ucsid": "local", "X-simple": "1"}},
    ],
    ids=["negotiate-70", "negotiate-61", "empty-object", "no-body", "document-example"],
)
def test_createsession_post(api: Api, catalog: Catalog, body: dict[str, Any]) -> None:
    response = requests.post(
        f"{api.url}/ws/client/createsession",
        auth=("alice", api.password("alice")),
        timeout=5,
        **body,
    )
    assert response.status_code == 200, response.text
    catalog.validate_webservice("CreateSessionResponse", response.json())
    assert HEX32.fullmatch(response.json()["sessionid"])


def test_createsession_get_and_sessions_are_distinct(api: Api, catalog: Catalog) -> None:
    ids = set()
    for _ in range(3):
        response = requests.get(
            f"{api.url}/ws/client/createsession",
            params={**api.query_auth("alice"), "clientappid": "15"},
            timeout=5,
        )
        assert response.status_code == 200
        catalog.validate_webservice("CreateSessionResponse", response.json())
        ids.add(response.json()["sessionid"])
    assert len(ids) == 3


def test_createsession_get_with_negotiate_in_the_query(api: Api) -> None:
    params = {**api.query_auth("alice"), "negotiate": '{"iClientProtocolVersion": 70}'}
    response = requests.get(f"{api.url}/ws/client/createsession", params=params, timeout=5)
    assert response.status_code == 200


@pytest.mark.parametrize("version", [59, 71, 0, -1])
def test_createsession_with_an_unsupported_version(
    api: Api, catalog: Catalog, version: int
) -> None:
    response = requests.post(
        f"{api.url}/ws/client/createsession",
        params=api.query_auth("alice"),
        json={"negotiate": {"iClientProtocolVersion": version}},
        timeout=5,
    )
    assert response.status_code == 400
    body = response.json()
    catalog.validate("AsnCreateUserSessionError", body["error"])
    assert body["error"]["negotiateerror"]["iErrorDetail"] == 1  # invalidProtocolVersion
    catalog.validate("AsnNegotiateServerConnectionError", body["error"]["negotiateerror"])


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"{not json", {"generalProblem": 2}),
        (b"[1, 2]", {"generalProblem": 1}),
        (b'"text"', {"generalProblem": 1}),
        (b'{"negotiate": {"iClientProtocolVersion": "70"}}', {"invokeProblem": 2}),
    ],
    ids=["not-json", "array", "string", "mistyped-version"],
)
def test_createsession_bad_body(api: Api, data: bytes, problem: dict[str, int]) -> None:
    response = requests.post(
        f"{api.url}/ws/client/createsession",
        params=api.query_auth("alice"),
        data=data,
        timeout=5,
    )
    assert reject_of(response)[0] == problem


# --- /ws/client/<operation> ----------------------------------------------------------------


def test_client_operation_by_header_and_by_query(api: Api, catalog: Catalog) -> None:
    session = api.create_session("bob")
    by_header = api.client(session, "asnGetLoggedInContact", {})
    by_query = requests.get(
        f"{api.url}/ws/client/asnGetLoggedInContact",
        params={"x-ucsessionid": session},
        timeout=5,
    )
    for response in (by_header, by_query):
        assert response.status_code == 200
        catalog.validate("AsnGetLoggedInContactResult", response.json())
        assert response.json()["u8sLoggedInUser"] == "bob"


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-ucsessionid": "0" * 32}, {"X-ucsessionid": "not-a-session"}],
    ids=["missing", "unknown", "malformed"],
)
def test_client_operation_without_a_valid_session(api: Api, headers: dict[str, str]) -> None:
    response = requests.post(
        f"{api.url}/ws/client/asnGetLoggedInContact", json={}, headers=headers, timeout=5
    )
    assert reject_of(response)[0] == {"invokeProblem": 8}


def test_credentials_do_not_replace_the_session(api: Api) -> None:
    response = requests.post(
        f"{api.url}/ws/client/asnGetLoggedInContact",
        params=api.query_auth("alice"),
        json={},
        timeout=5,
    )
    assert reject_of(response)[0] == {"invokeProblem": 8}


def test_logoff_over_http_ends_the_session(api: Api) -> None:
    session = api.create_session()
    response = api.client(session, "asnLogoff", {})
    assert (response.status_code, response.json()) == (200, {})
    assert reject_of(api.client(session, "asnGetLoggedInContact", {}))[0] == {"invokeProblem": 8}


# --- outcomes on /ws/client and /ws/direct -------------------------------------------------


@pytest.fixture(params=["direct", "client"])
def run(request: pytest.FixtureRequest, api: Api) -> Callable[..., requests.Response]:
    """POST an operation on either route."""
    if request.param == "direct":
        return lambda op, body=None, **kw: api.direct(op, body, **kw)
    session = api.create_session()
    return lambda op, body=None, **kw: requests.post(
        f"{api.url}/ws/client/{op}",
        headers={"X-ucsessionid": session},
        timeout=5,
        json=body,
        **kw,
    )


def test_unknown_operation(run: Callable[..., requests.Response]) -> None:
    problem, details = reject_of(run("asnDoesNotExist", {}))
    assert problem == {"invokeProblem": 1}
    assert "asnDoesNotExist" in details


def test_server_events_are_not_operations(run: Callable[..., requests.Response]) -> None:
    problem, details = reject_of(run("asnUserSessionDestroyed", {"u8sSessionID": "x"}))
    assert problem == {"invokeProblem": 1}
    assert "event" in details


def test_argument_failing_its_schema(run: Callable[..., requests.Response]) -> None:
    problem, details = reject_of(run("asnTokenVerify", {"sToken": 42}))
    assert problem == {"invokeProblem": 2}
    assert "AsnTokenVerifyArgument" in details and "/sToken" in details


def test_missing_required_member(run: Callable[..., requests.Response]) -> None:
    problem, details = reject_of(run("asnTokenVerify", {}))
    assert problem == {"invokeProblem": 2}
    assert "sToken" in details


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"{oops", {"generalProblem": 2}),
        (b"[]", {"generalProblem": 1}),
        (b"7", {"generalProblem": 1}),
        (b'{"iType": 1, "iType": 0}', {"generalProblem": 2}),
        (b'{"iTTL": NaN}', {"generalProblem": 2}),
    ],
    ids=["not-json", "array", "number", "duplicate-keys", "nan"],
)
def test_body_that_is_not_a_json_object(
    run: Callable[..., requests.Response], data: bytes, problem: dict[str, int]
) -> None:
    assert reject_of(run("asnGetLoggedInContact", data=data))[0] == problem


def test_operation_error_body(run: Callable[..., requests.Response], catalog: Catalog) -> None:
    response = run("asnNegotiateServerConnection", {"iClientProtocolVersion": 1})
    assert response.status_code == 400
    body = response.json()
    assert set(body) <= {"invokedID", "error_value", "error", "sessionID"}
    assert isinstance(body["invokedID"], int)
    assert body["error_value"] == 0
    catalog.validate("AsnNegotiateServerConnectionError", body["error"])
    assert body["error"]["iErrorDetail"] == 1


def test_success_is_the_bare_result(
    run: Callable[..., requests.Response], catalog: Catalog
) -> None:
    response = run("asnNegotiateServerConnection", {"iClientProtocolVersion": 70})
    assert response.status_code == 200
    result = response.json()
    catalog.validate("AsnNegotiateServerConnectionResult", result)
    assert result["iServerProtocolVersion"] == 70
    assert result["optionalParams"]["ServerProtocolVersion"] == "70"


def test_deprecated_negotiation_differs_only_in_its_error(
    run: Callable[..., requests.Response], catalog: Catalog
) -> None:
    ok = run("asnNegotiateServerConnectionDeprecated", {"iClientProtocolVersion": 60})
    catalog.validate("AsnNegotiateServerConnectionResult", ok.json())
    failed = run("asnNegotiateServerConnectionDeprecated", {"iClientProtocolVersion": 5})
    assert failed.status_code == 400
    catalog.validate("AsnNegotiateServerConnectionErrorDeprecated", failed.json()["error"])
    assert failed.json()["error"]["errorDetail"] == 1


def test_empty_post_body_is_the_empty_argument(run: Callable[..., requests.Response]) -> None:
    response = run("asnGetLoggedInContact", data=b"")
    assert response.status_code == 200


# --- GET and POST are equivalent (L28, L156-L160) ------------------------------------------


@pytest.mark.parametrize(
    ("operation", "query", "body"),
    [
        ("asnGetLoggedInContact", {}, {}),
        ("asnCheckConnection", {}, {}),
        ("asnTokenVerify", {"sToken": "x"}, {"sToken": "x"}),
        (
            "asnChatGetConversationID",
            {"u8sContactURI": "sip:bob@reference.invalid"},
            {"u8sContactURI": "sip:bob@reference.invalid"},
        ),
        (
            "asnGetUserToken",
            {"iType": "1", "lstServiceType": '["FAQ"]'},
            {"iType": 1, "lstServiceType": ["FAQ"]},
        ),
        (
            "asnNegotiateServerConnection",
            {"iClientProtocolVersion": "1"},
            {"iClientProtocolVersion": 1},
        ),
    ],
)
def test_get_and_post_agree(api: Api, operation: str, query: dict[str, str], body: Any) -> None:
    url = f"{api.url}/ws/direct/{operation}"
    get = requests.get(url, params={**api.query_auth("alice"), **query}, timeout=5)
    post = requests.post(url, params=api.query_auth("alice"), json=body, timeout=5)
    assert get.status_code == post.status_code
    if operation == "asnGetUserToken":  # each token is new; compare what it says
        get_claims = json.loads(_payload(get.json()["sToken"]))
        post_claims = json.loads(_payload(post.json()["sToken"]))
        for claim in ("sub", "iType", "lstServiceType"):
            assert get_claims[claim] == post_claims[claim]
    elif "invokedID" in get.json():  # errors carry a fresh invoke id per call
        assert get.json()["error"] == post.json()["error"]
    else:
        assert get.json() == post.json()


def _payload(token: str) -> str:
    import base64

    part = token.split(".")[1]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()


@pytest.mark.parametrize(
    ("query", "member"),
    [
        ({"iType": "one"}, "iType"),
        ({"lstServiceType": "[not json"}, "lstServiceType"),
        ({"iTTL": "1.5"}, "iTTL"),
    ],
)
def test_query_values_of_the_wrong_type(api: Api, query: dict[str, str], member: str) -> None:
    response = requests.get(
        f"{api.url}/ws/direct/asnGetUserToken",
        params={**api.query_auth("alice"), **query},
        timeout=5,
    )
    problem, details = reject_of(response)
    assert problem == {"invokeProblem": 2}
    assert member in details


def test_post_with_empty_body_takes_the_query(api: Api) -> None:
    response = requests.post(
        f"{api.url}/ws/direct/asnTokenVerify",
        params={**api.query_auth("alice"), "sToken": "garbage"},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["error"]["iErrorDetail"] == 102  # it read sToken from the query


# --- JSONP (L49, L162, L512) ---------------------------------------------------------------


def unwrap(response: requests.Response, callback: str) -> Any:
    assert response.headers["Content-Type"].startswith("application/javascript")
    text = response.text
    assert text.startswith(f"{callback}(") and text.endswith(");"), text
    return json.loads(text[len(callback) + 1 : -2])


def test_jsonp_wraps_results(api: Api, catalog: Catalog) -> None:
    response = requests.get(
        f"{api.url}/ws/direct/asnGetLoggedInContact",
        params={**api.query_auth("alice"), "callback": "handle_1$"},
        timeout=5,
    )
    assert response.status_code == 200
    catalog.validate("AsnGetLoggedInContactResult", unwrap(response, "handle_1$"))


@pytest.mark.parametrize(
    ("route", "params", "status"),
    [
        ("/ws/direct/asnGetLoggedInContact", {"user": "nobody", "pass": "x"}, 400),
        ("/ws/direct/asnGetLoggedInContact", {}, 401),
        ("/ws/client/createsession", {"user": "alice", "pass": "x"}, 400),
        ("/ws/public/contacts", {"ucsid": "other"}, 502),
        ("/ws/public/contacts", {}, 200),
        ("/ws/client/asnGetLoggedInContact", {}, 400),
        ("/ws/nowhere", {}, 404),
    ],
)
def test_jsonp_wraps_every_json_body(
    api: Api, route: str, params: dict[str, str], status: int
) -> None:
    plain = requests.get(f"{api.url}{route}", params=params, timeout=5)
    wrapped = requests.get(f"{api.url}{route}", params={**params, "callback": "cb"}, timeout=5)
    assert plain.status_code == wrapped.status_code == status
    body = unwrap(wrapped, "cb")
    if "sessionID" in body:  # fresh per failed logon
        assert body["error"] == plain.json()["error"]
    else:
        assert body == plain.json()
    if status == 401:
        assert wrapped.headers["WWW-Authenticate"] == 'Basic realm="UCServer"'


@pytest.mark.parametrize("callback", ["", "1abc", "alert(1)", "a.b", "a b", "x;y"])
def test_jsonp_callback_must_be_an_identifier(api: Api, callback: str) -> None:
    response = requests.get(
        f"{api.url}/ws/direct/asnGetLoggedInContact",
        params={**api.query_auth("alice"), "callback": callback},
        timeout=5,
    )
    assert response.headers["Content-Type"].startswith("application/json")
    problem, details = reject_of(response)
    assert problem == {"generalProblem": 1}
    assert "callback" in details


# --- /ws/public (L514-L566) ----------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_public_contacts(api: Api, catalog: Catalog, method: str) -> None:
    response = requests.request(
        method, f"{api.url}/ws/public/contacts", params={"ucsid": "local"}, timeout=5
    )
    assert response.status_code == 200
    body = response.json()
    catalog.validate_webservice("PublicContactsResponse", body)
    contacts = body["contacts"]
    public = [u for u in api.server.profile.users.values() if u.public and not u.disabled]
    assert sorted(contacts) == sorted(u.sip_uri for u in public)
    alice = contacts["sip:alice@reference.invalid"]
    assert alice["asnRemoteContact"]["u8sDisplayName"] == "Alice Anders"
    assert alice["asnRemoteContact"]["u8sSIPAddress"] == "sip:alice@reference.invalid"
    assert alice["iMonitorAccessRights"] == 1
    assert alice["iPresenceState"] == 1


def test_public_contacts_show_the_current_presence(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    server = make_server()
    directory = server.state.directory
    bob = directory.user("bob")
    assert bob is not None
    directory.set_presence(bob, 3)  # eABSENT
    body = requests.get(f"{server.url}/ws/public/contacts", timeout=5).json()
    assert body["contacts"]["sip:bob@reference.invalid"]["iPresenceState"] == 3


# --- the rest ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "route", ["/", "/ws", "/ws/", "/ws/client/", "/ws/public/other", "/ws/direct/", "/favicon.ico"]
)
def test_unknown_paths_are_404_with_json(api: Api, catalog: Catalog, route: str) -> None:
    response = requests.get(f"{api.url}{route}", timeout=5)
    assert response.status_code == 404
    catalog.validate_webservice("WsErrorResponse", response.json())


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_json(api: Api, catalog: Catalog, method: str) -> None:
    response = requests.request(
        method, f"{api.url}/ws/direct/asnGetLoggedInContact", params=api.query_auth("alice")
    )
    assert response.status_code == 405
    catalog.validate_webservice("WsErrorResponse", response.json())


def test_websocket_route_without_upgrade(api: Api) -> None:
    session = api.create_session()
    response = requests.get(
        f"{api.url}/ws/client/websocket", params={"x-ucsessionid": session}, timeout=5
    )
    assert reject_of(response)[0] == {"generalProblem": 0}
