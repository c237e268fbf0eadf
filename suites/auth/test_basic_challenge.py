"""HTTP Basic: a wrong login is challenged with 401 unless ``no401`` asks for the 400 logon
error body instead (document 1.2, L66-L68; 1.3, L174, L195-L198)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from conformance.client import (
    Basic,
    HttpClient,
    HttpOutcome,
    HttpResponse,
    OutcomeKind,
)
from conformance.lockout import LoginBudget
from conformance.profile import User
from conformance.rose import JsonObject

pytestmark = [pytest.mark.module("Authentication"), pytest.mark.requires("users>=1")]

LogonError = Callable[[HttpResponse], JsonObject]
LogOn = Callable[..., HttpOutcome]


def _wrong_basic(user: User) -> Basic:
    return Basic(user.name, user.password + "-wrong")


@pytest.mark.spec("1.3", line=195)
@pytest.mark.spec("1.2", line=67)
@pytest.mark.sends("asnGetLoggedInContact")
def test_wrong_basic_credentials_are_challenged_with_401(
    log_on: LogOn, negative_user: User, failed_logins: LoginBudget
) -> None:
    """1.2 (L66-L68), 1.3 (L195-L198): with HTTP Basic "a prompt will ask the user for
    credentials": a wrong login without ``no401`` answers 401 with a ``WWW-Authenticate``
    challenge that offers Basic. The document says "HTTP Authentication" (L195), not which
    schemes or in which order: Basic may come after others (Negotiate, ...)."""
    with failed_logins.wrong_login(negative_user):
        outcome = log_on(_wrong_basic(negative_user), no401=False)
    assert outcome.kind is OutcomeKind.UNAUTHORIZED, outcome.describe()
    assert "basic" in outcome.challenge_schemes, outcome.challenge


@pytest.mark.spec("1.3", line=174)
@pytest.mark.sends("asnGetLoggedInContact")  # the login budget's correct login
def test_x_no401_header_turns_the_challenge_into_the_logon_error_body(
    direct: HttpClient, negative_user: User, logon_error: LogonError, failed_logins: LoginBudget
) -> None:
    """1.3 (L172-L178, L196-L198): createsession with the header ``X-no401: 1`` answers a wrong
    Basic login with the 400 logon error body, iErrorDetail 102 (L266-L279), not a 401."""
    with failed_logins.wrong_login(negative_user):
        outcome = direct.createsession(_wrong_basic(negative_user), no401=True)
    assert logon_error(outcome.response)["iErrorDetail"] == 102


@pytest.mark.spec("1.3", line=197)
@pytest.mark.sends("asnGetLoggedInContact")  # the login budget's correct login
def test_no401_query_parameter_turns_the_challenge_into_the_logon_error_body(
    direct: HttpClient, negative_user: User, logon_error: LogonError, failed_logins: LoginBudget
) -> None:
    """1.3 (L196-L198): ``/ws/client/createsession?no401`` (the parameter without a value, as
    the document writes it) answers a wrong Basic login with the 400 logon error body,
    iErrorDetail 102 (L266-L279), not a 401."""
    with failed_logins.wrong_login(negative_user):
        response = direct.request(
            "POST",
            "/ws/client/createsession?no401",
            operation="createsession",
            auth=_wrong_basic(negative_user),
            body=json.dumps(direct.negotiate).encode(),
        )
    assert logon_error(response)["iErrorDetail"] == 102
