"""asnGetUserToken: how a login token is obtained and what it is (document 1.5, L584-L609;
10.1.4, L14359-L14402; AsnUserTokenType 11.1.5, L14779-L14789)."""

from __future__ import annotations

from collections.abc import Callable

import jwt
import pytest

from conformance.client import (
    HttpClient,
    HttpOutcome,
    QueryCredentials,
    TokenQuery,
    UcsidPlacement,
)
from conformance.profile import User

pytestmark = [pytest.mark.module("Authentication"), pytest.mark.requires("users>=1")]

IssueToken = Callable[..., str]
LOGIN_TOKEN = 1  # eUserTokenLogin, L14789


def _logged_in_user(direct: HttpClient, token: str) -> str:
    """Who /ws/direct/asnGetLoggedInContact says is logged in with ``token`` (L73)."""
    contact = direct.direct("asnGetLoggedInContact", {}, auth=TokenQuery(token)).expect_result()
    return str(contact["u8sLoggedInUser"])


def _token_of(outcome: HttpOutcome) -> str:
    token = outcome.expect_result()["sToken"]
    assert isinstance(token, str) and token, outcome.describe()
    return token


@pytest.mark.spec("1.5", line=588)
@pytest.mark.spec("10.1.4", line=14359)
@pytest.mark.sends("asnGetLoggedInContact", "asnGetUserToken")
def test_get_with_itype_1_in_the_query_gives_a_login_token(direct: HttpClient, user: User) -> None:
    """1.5 (L588-L590): ``GET /ws/direct/asnGetUserToken?user=..&pass=..&ucsid=local&iType=1``
    answers ``{"sToken": ...}`` (L603-L609), a login token: it logs the user in (L577-L578)."""
    outcome = direct.direct(
        "asnGetUserToken",
        {"iType": LOGIN_TOKEN},
        auth=QueryCredentials(user.name, user.password),
        method="GET",
        ucsid_in=UcsidPlacement.QUERY,
    )
    assert _logged_in_user(direct, _token_of(outcome)) == user.name


@pytest.mark.spec("1.5", line=593)
@pytest.mark.spec("10.1.4", line=14359)
@pytest.mark.sends("asnGetLoggedInContact", "asnGetUserToken")
def test_post_with_itype_1_in_the_body_gives_a_login_token(direct: HttpClient, user: User) -> None:
    """1.5 (L593-L601): ``POST /ws/direct/asnGetUserToken?user=..&pass=..`` with
    ``x-ucsid: local`` and the body ``{"iType": 1}`` answers a login token that logs the user
    in (L577-L578)."""
    outcome = direct.direct(
        "asnGetUserToken",
        {"iType": LOGIN_TOKEN},
        auth=QueryCredentials(user.name, user.password),
        method="POST",
        ucsid_in=UcsidPlacement.HEADER,
    )
    assert _logged_in_user(direct, _token_of(outcome)) == user.name


@pytest.mark.spec("10.1.4", line=14390)
@pytest.mark.sends("asnGetUserToken")
def test_token_is_a_jwt(issue_token: IssueToken) -> None:
    """10.1.4 (L14390): ``sToken`` is a "JWT Token" (RFC 7519): three base64url parts, a JSON
    header naming its ``alg`` and a JSON object of claims (the signature is the server's)."""
    token = issue_token(iType=LOGIN_TOKEN)
    assert token.count(".") == 2, "a JWT has three dot-separated parts"
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise AssertionError(f"sToken is no decodable JWT: {exc}") from None
    assert "alg" in header, header
    assert isinstance(claims, dict), claims
