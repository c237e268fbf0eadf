"""Tests of conformance/lockout.py against the reference server with a lockout policy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.client import AccountLocked, HttpClient, QueryCredentials, Target
from conformance.lockout import LoginBudget, _counter_path
from conformance.profile import EMBEDDED_PROFILE, User, load_profile
from conformance.reference import ReferenceServer


@pytest.fixture
def client() -> Iterator[HttpClient]:
    with ReferenceServer(variations=["auth.lockout-policy"]) as server:
        target = Target(server.url, ucsid=server.ucsid)
        _counter_path(target.base, target.ucsid, "alice").unlink(missing_ok=True)
        with HttpClient(target) as http:
            yield http


def _wrong(client: HttpClient) -> int:
    auth = QueryCredentials("alice", "wrong")
    error = client.direct("asnGetLoggedInContact", {}, auth=auth).expect_error()
    return int(error["iErrorDetail"])


def test_the_budget_never_lets_an_account_lock(client: HttpClient) -> None:
    budget = LoginBudget(client, limit=2)
    alice = _alice()
    for _ in range(7):
        with budget.wrong_login(alice):
            assert _wrong(client) == 102


def test_without_the_budget_the_third_wrong_login_locks(client: HttpClient) -> None:
    for _ in range(3):
        assert _wrong(client) == 102
    with pytest.raises(AccountLocked, match="'alice' is locked"):
        _wrong(client)


def test_a_budget_of_three_is_too_much_for_a_policy_of_three(client: HttpClient) -> None:
    """The profile's max_failed_logins must stay below the server's lockout threshold."""
    budget = LoginBudget(client, limit=3)
    for _ in range(3):
        with budget.wrong_login(_alice()):
            _wrong(client)
    # The budget's correct login finds the account locked.
    with pytest.raises(AccountLocked), budget.wrong_login(_alice()):
        pass


def _alice() -> User:
    return load_profile(EMBEDDED_PROFILE).user("alice")
