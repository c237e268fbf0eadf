"""asnTokenVerify: an external server checks a user token (document 44.1.5, L49424-L49483;
AsnUserTokenType 11.1.5, L14779-L14789)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.client import HttpClient, QueryCredentials
from conformance.profile import User

pytestmark = [
    pytest.mark.module("Transport"),
    pytest.mark.requires("users>=1"),
    # "allows an external Server to check if a User token is valid" (L49426): a server need
    # not answer a user's own call; the profile says whether it does
    pytest.mark.requires("capability:tokens.verify"),
]

IssueToken = Callable[..., str]
TOKEN_TYPES = {"identification": 0, "login": 1}  # eUserTokenExternal, eUserTokenLogin


@pytest.mark.spec("44.1.5", line=49444)
@pytest.mark.parametrize("kind", sorted(TOKEN_TYPES))
@pytest.mark.sends("asnGetUserToken", "asnTokenVerify")
def test_token_verify_reports_the_token_type(
    direct: HttpClient, user: User, issue_token: IssueToken, kind: str
) -> None:
    """44.1.5 (L49426, L49444-L49448): asnTokenVerify reports the ``iType`` the token was
    issued with (AsnUserTokenType: eUserTokenExternal 0 or eUserTokenLogin 1)."""
    token = issue_token(iType=TOKEN_TYPES[kind])
    verified = direct.direct(
        "asnTokenVerify", {"sToken": token}, auth=QueryCredentials(user.name, user.password)
    ).expect_result()
    assert verified["iType"] == TOKEN_TYPES[kind], verified
