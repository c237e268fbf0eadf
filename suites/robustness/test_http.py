"""Bad HTTP requests are never answered with a server error (document 1.1-1.4).

Chapter 1 answers the API routes' failures with JSON bodies: 400 with a JSON error struct for a
failed logon (L74-L75, L81-L82, L245-L279), 502 with a WsError for an unknown UCSID
(L231-L244). It says nothing about a body that is no JSON, an unknown operation or path, or an
unknown session id (spec-digest §1: "Status for bad session id / unknown method: unspecified"),
so the suite requires only what any of those answers must be: never a 5xx; where the request
cannot be served on an API route (/ws/...), a client error (HTTP 4xx) whose body is JSON
(``Content-Type: application/json``); outside /ws, where the server serves "the UCWS Web page"
(L15), any client error; and the route still serves a well-formed call afterwards.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from conformance.client import Basic, HttpClient, HttpResponse, Session
from conformance.errors import ConformanceViolation

pytestmark = [pytest.mark.module("Robustness"), pytest.mark.requires("users>=1")]

PROBE = "asnGetLoggedInContact"
BODIES = {"prose": b"ucconf: this body is no JSON", "truncated": b'{"iType": 1, "iTTL":'}
ROUTES = ("direct", "client", "createsession")
UNKNOWN_OPERATION = "asnUcconfNoSuchOperation"
CLOSE_WAIT = 10.0
"""Seconds (scaled) an accepted upgrade naming no session may stay open before the server
closes it."""
SESSION_IDS = {
    "unknown": "0123456789ABCDEF0123456789ABCDEF",
    "malformed": "ucconf-no-session",
    "empty": "",
}


def _assert_client_error_with_json(response: HttpResponse, what: str) -> None:
    assert 400 <= response.status < 500, response.scrub(
        f"{what} ({response.what}): expected a client error (HTTP 4xx) with a JSON body, got "
        f"HTTP {response.status}: {response.text[:200]!r}"
    )
    response.json()  # a violation unless the body is JSON with a JSON content type


def _path_and_headers(route: str, operation: str, session_id: str) -> tuple[str, dict[str, str]]:
    if route == "client":
        return f"/ws/client/{operation}", {"X-ucsessionid": session_id}
    if route == "createsession":
        return "/ws/client/createsession", {"X-no401": "1"}
    return f"/ws/direct/{operation}", {}


def _log_off(direct: HttpClient, session_id: str) -> None:
    """Log off a session the test created (best effort: the verdict is made)."""
    with contextlib.suppress(Exception):
        direct.client(session_id, "asnLogoff", {})


def _assert_no_server_error(response: HttpResponse, what: str) -> None:
    assert response.status < 500, response.scrub(
        f"{what} ({response.what}): a server error, HTTP {response.status}: {response.text[:200]!r}"
    )


@pytest.mark.spec("1.2", line=143)
@pytest.mark.parametrize("body", BODIES.values(), ids=list(BODIES))
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.sends("asnGetLoggedInContact")
def test_post_body_that_is_no_json_is_no_server_error(
    direct: HttpClient, basic: Basic, session_id: str, route: str, body: bytes
) -> None:
    """1.2 (L143-L145, L156-L157): a POST carries its argument as a JSON body. Neither
    createsession (the document's own script posts no body, L425) nor asnGetLoggedInContact
    (no argument members) needs one, so a server may ignore a body that is no JSON and serve
    the call; if it reads the body, it refuses it with a 4xx and a JSON body. Never a 5xx, and
    the route then serves a well-formed call."""
    path, headers = _path_and_headers(route, PROBE, session_id)
    auth: Any = basic if route != "client" else None
    kwargs: dict[str, Any] = {"auth": auth} if auth is not None else {}
    response = direct.request("POST", path, operation=PROBE, headers=headers, body=body, **kwargs)
    what = f"POST {path} with a body that is no JSON"
    _assert_no_server_error(response, what)
    if response.status >= 400:
        _assert_client_error_with_json(response, what)
    elif route == "createsession":
        created = response.json().get("sessionid")
        if isinstance(created, str):
            _log_off(direct, created)
    if route == "client":
        direct.client(session_id, PROBE, {})
    elif route == "createsession":
        _log_off(direct, direct.new_session_id(basic))
    else:
        direct.direct(PROBE, {}, auth=basic)


@pytest.mark.spec("1.2", line=61)
@pytest.mark.parametrize("route", ("direct", "client"))
@pytest.mark.sends()
def test_unknown_operation_on_a_route_is_a_client_error(
    direct: HttpClient, basic: Basic, session_id: str, route: str
) -> None:
    """1.2 (L61), 1.3 (L494-L500): ``/ws/direct/<operation>`` and ``/ws/client/<operation>``
    name an operation of the document; a name it does not define is refused with a 4xx and a
    JSON body (protocol-notes §3: unrecognisedOperation, "never a silent drop")."""
    path, headers = _path_and_headers(route, UNKNOWN_OPERATION, session_id)
    kwargs: dict[str, Any] = {"auth": basic} if route == "direct" else {}
    response = direct.request(
        "POST", path, operation=UNKNOWN_OPERATION, headers=headers, body=b"{}", **kwargs
    )
    _assert_client_error_with_json(response, f"an unknown operation on /ws/{route}")


@pytest.mark.spec("1.1", line=24)
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/ws/ucconf-unknown"), ("GET", "/ws/public/ucconf-unknown"), ("POST", "/ucconf")],
    ids=["ws-route", "public-route", "outside-the-routes"],
)
@pytest.mark.sends()
def test_unknown_path_is_a_client_error(direct: HttpClient, method: str, path: str) -> None:
    """1.1 (L24-L47): the web service offers /ws/direct, /ws/client and /ws/public; a path it
    does not serve is refused with a 4xx: under /ws with a JSON body, like the API routes'
    other failures; outside /ws, where the server serves "the UCWS Web page" (L15), with any
    body (an HTML 404 page is as good)."""
    response = direct.request(method, path, operation="unknown path")
    if path.startswith("/ws/"):
        _assert_client_error_with_json(response, f"{method} {path}")
    else:
        assert 400 <= response.status < 500, response.scrub(
            f"{method} {path} ({response.what}): expected a client error (HTTP 4xx), got HTTP "
            f"{response.status}: {response.text[:200]!r}"
        )


@pytest.mark.spec("1.1", line=39)
@pytest.mark.parametrize("session", SESSION_IDS.values(), ids=list(SESSION_IDS))
@pytest.mark.sends()
def test_websocket_with_an_invalid_session_id_is_not_served(
    direct: HttpClient, session: str
) -> None:
    """1.1 (L39-L41): "it is always required to create a user session", and the session holds
    the event channel; an upgrade naming no live session is not served. The document does not
    say how: the upgrade is refused over HTTP (any 4xx, never a 5xx), or accepted and then
    closed by the server (after a reject, say) within the timeout."""
    what = f"WebSocket upgrade with session id {session!r}"
    attempt = Session.try_upgrade(
        direct, session, transcript=direct.transcript, wait_close=CLOSE_WAIT
    )
    if attempt.refusal is not None:
        response = attempt.refusal
        assert 400 <= response.status < 500, response.scrub(
            f"{what} ({response.what}): expected a refusal (HTTP 4xx), got HTTP "
            f"{response.status}: {response.text[:200]!r}"
        )
    elif not attempt.closed_by_server:
        raise ConformanceViolation(
            f"{what} was accepted and the server kept the socket open for {CLOSE_WAIT:g} s "
            f"(scaled); a session id the server never issued must not be served"
        )
