"""/ws/client/createsession: a user session from a login (document 1.3, L164-L217).

The session id's form is not tested: the document shows one example (L187) and states no
format (N17). Every createsession validates the body against CreateSessionResponse, which in
strict mode (``--strict-schemas``) also wants the example's 32 upper-case hex digits.

Logins with a login token (L200-L209) are in ``suites/tokens/test_token_login.py``.
"""

from __future__ import annotations

import pytest

from conformance.client import Auth, Basic, HttpClient, QueryCredentials
from conformance.profile import User

pytestmark = [pytest.mark.module("Authentication"), pytest.mark.requires("users>=1")]


def _password_auth(mode: str, user: User) -> Auth:
    if mode == "basic":
        return Basic(user.name, user.password)
    return QueryCredentials(user.name, user.password)


@pytest.mark.spec("1.3", line=191)
@pytest.mark.parametrize("mode", ["basic", "query"])
@pytest.mark.sends()
def test_createsession_accepts_the_users_password(
    direct: HttpClient, user: User, mode: str
) -> None:
    """1.3 (L191-L198, L211-L217): createsession authenticates with HTTP Basic or with
    ``user``/``pass`` in the query and answers 200 ``{"sessionid": ...}`` (L183-L189)."""
    outcome = direct.createsession(_password_auth(mode, user))
    assert outcome.status == 200, outcome.describe()
    assert outcome.expect_result()["sessionid"]


@pytest.mark.spec("10.1.6", line=14443)
@pytest.mark.spec("1.3", line=494)
@pytest.mark.sends("asnGetLoggedInContact")
def test_session_id_authenticates_calls_on_the_client_route(direct: HttpClient, user: User) -> None:
    """1.1 (L39-L40), 1.3 (L494-L500): the session "authenticates the further function calls"
    sent with ``X-ucsessionid``; asnGetLoggedInContact (10.1.6, L14443-L14475) in it names the
    user who created the session."""
    session_id = direct.new_session_id(Basic(user.name, user.password))
    contact = direct.client(session_id, "asnGetLoggedInContact", {}).expect_result()
    assert contact["u8sLoggedInUser"] == user.name
