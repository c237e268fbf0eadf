"""/ws/direct: one authenticated call, by GET or POST, plain or as JSONP (document 1.2,
L28, L49, L51-L162), with asnGetLoggedInContact (10.1.6, L14443-L14475), the document's own
first example (L61)."""

from __future__ import annotations

import pytest

from conformance.client import HttpClient, QueryCredentials
from conformance.profile import User

pytestmark = [pytest.mark.module("Authentication"), pytest.mark.requires("users>=1")]

OPERATION = "asnGetLoggedInContact"
CALLBACK = "ucconfCallback_1"


@pytest.mark.spec("1.2", line=155)
@pytest.mark.spec("1.1", line=28)
@pytest.mark.sends("asnGetLoggedInContact")
def test_get_and_post_give_the_same_result(direct: HttpClient, user: User) -> None:
    """1.1 (L28) "All API endpoints may be called with GET or POST", shown for /ws/direct in
    L155-L160: both methods give a (schema-valid) AsnGetLoggedInContactResult for the same
    user. Only the login name is compared: ``ownContact`` is live (presence, lines, absent
    state change with calls and other clients' logins, L46033-L46036)."""
    auth = QueryCredentials(user.name, user.password)
    by_post = direct.direct(OPERATION, {}, auth=auth, method="POST").expect_result()
    by_get = direct.direct(OPERATION, {}, auth=auth, method="GET").expect_result()
    assert by_get["u8sLoggedInUser"] == by_post["u8sLoggedInUser"], (by_get, by_post)


@pytest.mark.spec("10.1.6", line=14443)
@pytest.mark.sends("asnGetLoggedInContact")
def test_logged_in_contact_is_the_authenticated_user(direct: HttpClient, user: User) -> None:
    """10.1.6 (L14443-L14464): asnGetLoggedInContact returns "information about himself":
    ``u8sLoggedInUser`` is the login name the call authenticated with."""
    auth = QueryCredentials(user.name, user.password)
    contact = direct.direct(OPERATION, {}, auth=auth).expect_result()
    assert contact["u8sLoggedInUser"] == user.name


@pytest.mark.spec("1.2", line=162)
@pytest.mark.spec("1.1", line=49)
@pytest.mark.sends("asnGetLoggedInContact")
def test_jsonp_callback_wraps_the_same_body(direct: HttpClient, user: User) -> None:
    """1.1 (L49), 1.2 (L162) "Jsonp is supported": with ``callback=<name>`` the body comes back
    as ``<name>(<json>);`` around a (schema-valid) result for the same user (the parameter name
    is protocol-notes §1's; the client unwraps strictly and fails on a plain JSON body). The
    live ``ownContact`` is not compared (see the GET/POST test)."""
    auth = QueryCredentials(user.name, user.password)
    plain = direct.direct(OPERATION, {}, auth=auth, method="GET").expect_result()
    wrapped = direct.direct(OPERATION, {}, auth=auth, method="GET", callback=CALLBACK)
    assert wrapped.response.text.lstrip().startswith(f"{CALLBACK}(")
    assert wrapped.expect_result()["u8sLoggedInUser"] == plain["u8sLoggedInUser"]
