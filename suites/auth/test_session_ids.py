"""Only a live session id authenticates /ws/client calls (document 1.1, L39-L40; 1.3, L494-L500;
asnLogoff 10.2.1, L14478-L14486; asnUserSessionDestroyed 48.2.1, L52944-L52957).

The document leaves the answer to a bad session id open (spec-digest §1): these tests require
only that the call is refused with a client error (HTTP 4xx): never a result, never a 5xx.
"""

from __future__ import annotations

import time

import pytest

from conformance.client import HttpClient, HttpResponse
from conformance.plugin import SessionFactory
from conformance.profile import User

pytestmark = [pytest.mark.module("Authentication"), pytest.mark.requires("users>=1")]

OPERATION = "asnGetLoggedInContact"
LOGOFF_TIMEOUT = 5.0
"""Seconds (scaled) a server may take to end a session after asnLogoff: the document does not
say the session ends before the next request."""
NEVER_ISSUED = {
    "unknown": "0123456789ABCDEF0123456789ABCDEF",
    "malformed": "ucconf-not-a-session-id",
}


def _call(direct: HttpClient, session_id: str) -> HttpResponse:
    """POST /ws/client/asnGetLoggedInContact in the session ``session_id`` (L494-L500)."""
    return direct.request(
        "POST",
        f"/ws/client/{OPERATION}",
        operation=OPERATION,
        headers={"X-ucsessionid": session_id},
        body=b"{}",
    )


def _assert_refused(response: HttpResponse) -> None:
    assert 400 <= response.status < 500, response.scrub(
        f"{response.what}: expected a refusal (HTTP 4xx), got HTTP {response.status}: "
        f"{response.text[:200]!r}"
    )


@pytest.mark.spec("1.1", line=39)
@pytest.mark.parametrize("session_id", sorted(NEVER_ISSUED))
@pytest.mark.sends()
def test_session_id_never_issued_is_refused(direct: HttpClient, session_id: str) -> None:
    """1.1 (L39-L40): "it is always required to create a user session"; a /ws/client call
    with a session id the server never issued (well-formed or not) is refused."""
    _assert_refused(_call(direct, NEVER_ISSUED[session_id]))


@pytest.mark.spec("10.2.1", line=14478)
@pytest.mark.spec("48.2.1", line=52944)
@pytest.mark.sends("asnGetLoggedInContact")
def test_session_id_is_refused_after_logoff(
    direct: HttpClient, session_factory: SessionFactory, user: User
) -> None:
    """10.2.1 (L14478), 48.2.1 (L52946-L52949): asnLogoff destroys the user session; a
    /ws/client call with its id afterwards is refused."""
    session = session_factory(user.alias)
    direct.client(session.session_id, OPERATION, {}).expect_result()
    session.close()  # sends asnLogoff and waits (bounded) for the session to end
    deadline = time.monotonic() + direct.target.scale(LOGOFF_TIMEOUT)
    response = _call(direct, session.session_id)
    while response.status < 400 and time.monotonic() < deadline:
        time.sleep(0.1)  # polling with a deadline: the server may end the session later
        response = _call(direct, session.session_id)
    _assert_refused(response)
