"""Failed logons with query credentials: HTTP 400 and the logon error body (document 1.2-1.3,
L80-L85, L211-L217, L245-L279; AsnLogonErrorEnum 11.1.4, L14612-L14777).

Each test runs on both authenticated routes (``log_on``): createsession and /ws/direct.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.client import HttpOutcome, HttpResponse, QueryCredentials
from conformance.lockout import LoginBudget
from conformance.profile import Profile, User
from conformance.rose import JsonObject

pytestmark = pytest.mark.module("Authentication")

LogonError = Callable[[HttpResponse], JsonObject]
LogOn = Callable[..., HttpOutcome]


@pytest.mark.spec("1.3", line=266)
@pytest.mark.requires("users>=1")
@pytest.mark.sends("asnGetLoggedInContact")
def test_wrong_password_is_logon_error_102_naming_the_user(
    log_on: LogOn, negative_user: User, logon_error: LogonError, failed_logins: LoginBudget
) -> None:
    """1.3 (L81-L82, L212-L213, L266-L279): a wrong password in the query is never a 401 but
    HTTP 400 with the logon error body: iErrorDetail 102 (eNETLOGININVALIDPASS, L14644-L14650)
    and ``u8sFailedUser`` naming the user (L273)."""
    with failed_logins.wrong_login(negative_user):
        outcome = log_on(QueryCredentials(negative_user.name, negative_user.password + "-wrong"))
    error = logon_error(outcome.response)
    assert error["iErrorDetail"] == 102, error
    assert error["u8sFailedUser"] == negative_user.name, error


@pytest.mark.spec("1.3", line=245)
@pytest.mark.sends("asnGetLoggedInContact")
def test_unknown_user_is_logon_error_101_without_failed_user(
    log_on: LogOn, unknown_user_name: str, logon_error: LogonError
) -> None:
    """1.3 (L245-L262): an unknown user name is HTTP 400 with iErrorDetail 101
    (eNETLOGININVALUSERNAME, L14634-L14640) and an empty ``u8sFailedUser`` (L256)."""
    outcome = log_on(QueryCredentials(unknown_user_name, "ucconf-any-password"))
    error = logon_error(outcome.response)
    assert error["iErrorDetail"] == 101, error
    assert error["u8sFailedUser"] == "", error


@pytest.mark.spec("11.1.4", line=14695)
@pytest.mark.requires("users.disabled>=1")
@pytest.mark.sends("asnGetLoggedInContact")
def test_disabled_user_is_logon_error_107(
    log_on: LogOn, profile: Profile, logon_error: LogonError
) -> None:
    """11.1.4 (L14695-L14701): an account that exists but is not enabled, logging in with its
    right password, is refused with iErrorDetail 107 (eNETLOGINUSERNOTENABLED) in the 400 logon
    error body (L245-L247)."""
    disabled = next(u for u in profile.users.values() if u.disabled)
    outcome = log_on(QueryCredentials(disabled.name, disabled.password))
    error = logon_error(outcome.response)
    assert error["iErrorDetail"] == 107, error
