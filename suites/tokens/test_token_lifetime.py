"""A token's time to live: iTTL (10.1.4, L14373-L14375), expiry (eNETLOGINTOKENEXIRED 130,
L14767-L14773) and asnTokenVerify's ``stValidTo`` (44.1.5, L49442).

iTTL is the "Desired Time to live" (L14373): a server may grant more (a minimum time to live)
and, like most JWT validators, accept a token some seconds after it expired (clock skew). So
the expiry test does not wait a fixed time: it lets time pass in growing steps until the token
is refused, and fails only if it still logs in :data:`EXPIRY_WITHIN` seconds after its iTTL
(the profile's ``tokens.expiry_within`` where it names another bound)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from conformance.client import HttpClient, HttpOutcome, QueryCredentials, Target, TokenQuery
from conformance.profile import Profile, User

pytestmark = pytest.mark.requires("users>=1")

IssueToken = Callable[..., str]
LetTimePass = Callable[[float], None]
LOGIN_TOKEN = 1  # eUserTokenLogin, L14789
TOKEN_EXPIRED = 130  # eNETLOGINTOKENEXIRED, L14767-L14773
EXPIRY_WITHIN = 120
"""Seconds after its iTTL by which a token must be refused, unless the profile says otherwise:
room for a minimum time to live and for clock-skew leeway."""


@pytest.mark.module("Authentication")
@pytest.mark.spec("11.1.4", line=14767)
@pytest.mark.spec("10.1.4", line=14373)
@pytest.mark.sends("asnGetLoggedInContact", "asnGetUserToken")
def test_token_is_refused_with_130_once_its_ttl_has_passed(
    direct: HttpClient, issue_token: IssueToken, let_time_pass: LetTimePass, profile: Profile
) -> None:
    """10.1.4 (L14373-L14375): a token lives about ``iTTL`` seconds. A login token with iTTL 2
    logs in at once; once it expired, logging in with it is the 400 logon error 130,
    eNETLOGINTOKENEXIRED (L14767-L14773). The "desired" TTL may be raised and expiry may allow
    leeway (module docstring): the token must be refused within the bound, not at 2 s."""
    ttl = 2
    bound = float(str(profile.capability("tokens.expiry_within", EXPIRY_WITHIN)))
    token = issue_token(iType=LOGIN_TOKEN, iTTL=ttl)
    direct.direct("asnGetLoggedInContact", {}, auth=TokenQuery(token)).expect_result()
    waited, step = 0.0, float(ttl + 1)
    outcome: HttpOutcome | None = None
    while waited < ttl + bound:
        step = min(step, ttl + bound - waited)
        let_time_pass(step)
        waited += step
        outcome = direct.direct("asnGetLoggedInContact", {}, auth=TokenQuery(token))
        if not outcome.ok:
            break
        step *= 2
    assert outcome is not None and not outcome.ok, (
        f"a token with iTTL {ttl} still logs in {waited:g} s later"
    )
    assert outcome.status == 400, outcome.describe()
    assert outcome.expect_error()["iErrorDetail"] == TOKEN_EXPIRED, outcome.describe()


def _valid_to(direct: HttpClient, user: User, token: str) -> datetime:
    verified = direct.direct(
        "asnTokenVerify", {"sToken": token}, auth=QueryCredentials(user.name, user.password)
    ).expect_result()
    return datetime.fromisoformat(verified["stValidTo"])


@pytest.mark.module("Transport")
@pytest.mark.requires("capability:tokens.verify")
@pytest.mark.spec("44.1.5", line=49442)
@pytest.mark.spec("10.1.4", line=14373)
@pytest.mark.sends("asnGetUserToken", "asnTokenVerify")
def test_token_verify_valid_to_follows_the_ttl(
    direct: HttpClient, target: Target, user: User, issue_token: IssueToken
) -> None:
    """44.1.5 (L49442): ``stValidTo`` is when the token stops being valid, so it follows the
    requested ``iTTL`` (L14373). asnTokenVerify is meant for external servers (L49426): the
    test runs where the profile says the server also answers a user (``tokens.verify``). Two
    tokens asked for one after the other with iTTL 600 and
    3600 are valid to times 3000 s apart, within a few seconds (the time between the two
    requests and whole-second rounding, scaled by the timeout factor); comparing the two keeps
    the check free of any offset between our clock and the server's."""
    short = _valid_to(direct, user, issue_token(iType=LOGIN_TOKEN, iTTL=600))
    long = _valid_to(direct, user, issue_token(iType=LOGIN_TOKEN, iTTL=3600))
    apart = (long - short).total_seconds()
    assert abs(apart - 3000) <= 2 + target.scale(2), f"stValidTo {short} and {long}"
