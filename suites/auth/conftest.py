"""Fixtures of the Authentication suite (document chapter 1, L28-L280, and chapter 10).

Every test talks to the target through the plugin's ``direct`` client only, so the suite runs
against the embedded reference server and a real UCServer alike.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest

from conformance.catalog import default_catalog
from conformance.client import Auth, HttpClient, HttpOutcome, HttpResponse, raise_if_locked
from conformance.profile import Profile, User
from conformance.rose import JsonObject

LogOn = Callable[..., HttpOutcome]
"""``log_on(auth, no401=False)``: one login attempt through the route under test."""

LOGON_ROUTES = ("createsession", "direct")


@pytest.fixture
def user(profile: Profile) -> User:
    """The account the suite logs in with: the profile's first enabled user."""
    return profile.enabled_users()[0]


@pytest.fixture
def negative_user(profile: Profile) -> User:
    """The account wrong-password tests use (``[safety] negative_auth_user``, else the first
    enabled user); every wrong login goes through ``failed_logins.wrong_login``, so it never
    gets more than ``[safety] max_failed_logins`` in a row (no run locks an account)."""
    return profile.wrong_password_user()


@pytest.fixture
def unknown_user_name(profile: Profile) -> str:
    """A login name no account of the profile has (random, so no server has it either)."""
    taken = {u.name.casefold() for u in profile.users.values()}
    name = f"ucconf-no-such-user-{secrets.token_hex(4)}"
    assert name.casefold() not in taken
    return name


@pytest.fixture(params=LOGON_ROUTES)
def log_on(request: pytest.FixtureRequest, direct: HttpClient) -> LogOn:
    """A login on one of the two authenticated routes: ``/ws/client/createsession`` (1.3,
    L164-L217) or a ``/ws/direct`` call (1.2, L51-L85), asnGetLoggedInContact (L61)."""
    route: str = request.param

    def attempt(auth: Auth, *, no401: bool = False) -> HttpOutcome:
        if route == "createsession":
            return direct.createsession(auth, no401=no401)
        headers = {"X-no401": "1"} if no401 else {}
        return direct.direct("asnGetLoggedInContact", {}, auth=auth, headers=headers)

    return attempt


def _logon_error(response: HttpResponse) -> JsonObject:
    """The AsnLogonError of a failed logon answered as L245-L279 show it: HTTP 400 and the
    envelope ``{"error", "error_value", "invokedID", "sessionID"?}`` (LogonErrorResponse)."""
    assert response.status == 400, response.scrub(
        f"{response.what}: expected HTTP 400 with the logon error body (L245-L279), "
        f"got HTTP {response.status}: {response.text[:200]!r}"
    )
    raise_if_locked(response)  # a locked account is no verdict on the server: stop
    body = response.json()
    default_catalog().validate_webservice("LogonErrorResponse", body, context=response.what)
    assert isinstance(body, dict)
    error: JsonObject = body["error"]
    return error


@pytest.fixture
def logon_error() -> Callable[[HttpResponse], JsonObject]:
    """``logon_error(outcome.response)``: assert the 400 logon error body, return its error."""
    return _logon_error
