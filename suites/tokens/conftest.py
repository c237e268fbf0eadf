"""Fixtures of the token suite: asnGetUserToken (10.1.4, L14359-L14402), token logins
(1.2-1.3, L70-L78, L200-L209; 1.5, L568-L609) and asnTokenVerify (44.1.5, L49424-L49483)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conformance.client import Auth, HttpClient, HttpOutcome, QueryCredentials, Target
from conformance.errors import ConformanceViolation, SuiteError
from conformance.profile import Profile, User

IssueToken = Callable[..., str]
"""``issue_token(iType=1, iTTL=60)``: a token from asnGetUserToken with that argument."""
LetTimePass = Callable[[float], None]
LogIn = Callable[[str, Auth], HttpOutcome]
"""``log_in("createsession" | "direct", auth)``: one login attempt on that route."""

LOGIN_ROUTES = ("createsession", "direct")


@pytest.fixture
def user(profile: Profile) -> User:
    """The account whose tokens the suite asks for: the profile's first enabled user."""
    return profile.enabled_users()[0]


@pytest.fixture
def issue_token(direct: HttpClient, user: User) -> IssueToken:
    """asnGetUserToken on /ws/direct (POST, the argument as the body, L593-L601), with the
    user's password in the query (L571: "the user must authenticate using username and
    password")."""

    def issue(**argument: Any) -> str:
        auth = QueryCredentials(user.name, user.password)
        outcome = direct.direct("asnGetUserToken", argument, auth=auth)
        return str(outcome.expect_result()["sToken"])

    return issue


@pytest.fixture
def log_in(direct: HttpClient) -> Iterator[LogIn]:
    """A login with ``auth`` on createsession (L200-L209) or on /ws/direct with
    asnGetLoggedInContact (L70-L78), never asking for no401: a token is never challenged.
    Sessions createsession opened are logged off at the end (asnLogoff, 10.2.1, on
    /ws/client), best effort: the test has judged what it needed."""
    opened: list[str] = []

    def attempt(route: str, auth: Auth) -> HttpOutcome:
        if route == "createsession":
            outcome = direct.createsession(auth, no401=False)
            if outcome.ok:
                opened.append(str(outcome.expect_result()["sessionid"]))
            return outcome
        return direct.direct("asnGetLoggedInContact", {}, auth=auth)

    yield attempt
    for session_id in opened:
        with contextlib.suppress(ConformanceViolation, SuiteError):
            direct.client(session_id, "asnLogoff", {})


@pytest.fixture
def let_time_pass(reference_server: Any, target: Target) -> Iterator[LetTimePass]:
    """Let ``seconds`` pass for the target: advance the embedded server's clock when this run
    owns it (and turn it back afterwards), else sleep, scaled by the run's timeout factor."""
    clock = getattr(reference_server, "clock", None)
    advanced = 0.0

    def let(seconds: float) -> None:
        nonlocal advanced
        if clock is not None:
            clock.advance(seconds)
            advanced += seconds
        else:
            time.sleep(target.scale(seconds))

    yield let
    if clock is not None and advanced:
        clock.advance(-advanced)
