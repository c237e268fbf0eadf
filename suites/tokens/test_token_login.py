"""Logging in with a token: ``?token=`` or the ``x-uctoken`` header, on createsession and on
/ws/direct (document 1.2, L70-L78; 1.3, L200-L209; token types 1.5, L573-L582)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.client import Auth, HttpClient, HttpOutcome, OutcomeKind, TokenHeader, TokenQuery
from conformance.profile import User

pytestmark = [pytest.mark.module("Authentication"), pytest.mark.requires("users>=1")]

IssueToken = Callable[..., str]
LogIn = Callable[[str, Auth], HttpOutcome]

ROUTES = ("createsession", "direct")
PLACEMENTS: dict[str, Callable[[str], Auth]] = {"query": TokenQuery, "header": TokenHeader}
IDENTIFICATION_TOKEN = 0  # eUserTokenExternal, L14785-L14787
LOGIN_TOKEN = 1  # eUserTokenLogin, L14789


def _logged_in_user(direct: HttpClient, route: str, outcome: HttpOutcome) -> str:
    """The login name the route's answer stands for: asnGetLoggedInContact in the new session
    (createsession) or the direct call's own result."""
    result = outcome.expect_result()
    if route == "createsession":
        result = direct.client(result["sessionid"], "asnGetLoggedInContact", {}).expect_result()
    return str(result["u8sLoggedInUser"])


def _refused_without_401(outcome: HttpOutcome) -> None:
    """L74-L75, L204-L205: "no 401 response will be given. Failed Authentication will result
    in a 400 response with an json error struct" (the logon error, checked by the client)."""
    assert outcome.status == 400, f"expected HTTP 400, got {outcome.describe()}"
    assert outcome.kind is OutcomeKind.ERROR, outcome.describe()
    outcome.expect_error()


@pytest.mark.spec("1.3", line=200)
@pytest.mark.spec("1.2", line=70)
@pytest.mark.parametrize("placement", sorted(PLACEMENTS))
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.sends("asnGetLoggedInContact", "asnGetUserToken")
def test_login_token_logs_in(
    direct: HttpClient,
    user: User,
    issue_token: IssueToken,
    log_in: LogIn,
    route: str,
    placement: str,
) -> None:
    """1.2 (L70-L78), 1.3 (L200-L209): a login token (iType 1) "can be used instead of
    submitting username and password", as ``?token=`` or as the header ``x-uctoken``, on
    /ws/direct and on createsession; the login is the token's user."""
    auth = PLACEMENTS[placement](issue_token(iType=LOGIN_TOKEN))
    outcome = log_in(route, auth)
    assert _logged_in_user(direct, route, outcome) == user.name


@pytest.mark.spec("10.1.4", line=14367)
@pytest.mark.spec("1.5", line=580)
@pytest.mark.parametrize("requested", ["default-type", "itype-0"])
@pytest.mark.sends("asnGetLoggedInContact", "asnGetUserToken")
def test_identification_token_never_logs_in(
    issue_token: IssueToken, log_in: LogIn, requested: str
) -> None:
    """1.5 (L580-L582), 11.1.5 (L14785-L14787): an identification token (eUserTokenExternal,
    which asnGetUserToken issues when ``iType`` is absent, L14367-L14369, or 0) "can not be
    used to login": every token login with it is refused with a 400, never a 401."""
    argument = {} if requested == "default-type" else {"iType": IDENTIFICATION_TOKEN}
    token = issue_token(**argument)
    for route in ROUTES:
        for placement in PLACEMENTS.values():
            _refused_without_401(log_in(route, placement(token)))


@pytest.mark.spec("1.2", line=74)
@pytest.mark.spec("1.3", line=204)
@pytest.mark.sends("asnGetLoggedInContact")
def test_garbage_token_is_refused_with_400(log_in: LogIn) -> None:
    """1.2 (L74-L75), 1.3 (L204-L205): a token the server never issued is a failed
    authentication: HTTP 400 with the logon error, never a 401."""
    for route in ROUTES:
        for placement in PLACEMENTS.values():
            _refused_without_401(log_in(route, placement("ucconf.not-a.token")))
