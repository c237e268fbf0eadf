"""Tests of conformance/client/checks.py: our mistakes vs the target's."""

from __future__ import annotations

import pytest

from conformance.catalog import default_catalog
from conformance.client.checks import Checks
from conformance.client.exceptions import ArgumentInvalid, UnknownOperation
from conformance.client.transcript import Redactor
from conformance.errors import ConformanceViolation, LocalProtocolError, SchemaViolation
from conformance.rose import Error, Invoke, InvokeProblem, Reject, Result

LOGON_ERROR = {
    "_type": "AsnLogonError",
    "iErrorDetail": 102,
    "u8sErrorString": "Invalid password",
    "u8sFailedUser": "alice",
    "sAuthCredetials": "",
}


@pytest.fixture
def checks() -> Checks:
    return Checks(default_catalog(), Redactor(["pw-secret"]))


def test_outgoing(checks: Checks) -> None:
    info = checks.outgoing("asnGetUserToken", {"iType": 1})
    assert info is not None and info.result == "AsnGetUserTokenResult"
    assert checks.outgoing("asnNoSuch", {"x": 1}, check_argument=False) is None
    with pytest.raises(UnknownOperation, match="asnGetUserTokn"):
        checks.outgoing("asnGetUserTokn", {})
    with pytest.raises(ArgumentInvalid, match="asnGetUserToken argument is invalid") as exc:
        checks.outgoing("asnGetUserToken", {"iType": "1"})
    assert isinstance(exc.value, LocalProtocolError) and not isinstance(exc.value, AssertionError)
    assert checks.outgoing("asnGetUserToken", {"iType": "1"}, check_argument=False) is not None


def test_error_of_either_type(checks: Checks) -> None:
    info = default_catalog().operation("asnGetLoggedInContact")
    checks.error(info, LOGON_ERROR, "ctx")  # the login failed
    checks.error(info, {"iErrorDetail": 1, "u8sErrorString": "x"}, "ctx")  # AsnRequestError
    with pytest.raises(SchemaViolation, match="AsnLogonError"):
        checks.error(info, {**LOGON_ERROR, "u8sFailedUser": 5}, "ctx")
    with pytest.raises(SchemaViolation):
        checks.error(info, {"_type": "AsnSomethingElse", "iErrorDetail": 1}, "ctx")


def test_reply(checks: Checks) -> None:
    info = default_catalog().operation("asnGetUserToken")
    checks.reply(info, Result(1, {"sToken": "a.b.c"}), "ctx")
    checks.reply(info, Reject(1, InvokeProblem.MISTYPED_ARGUMENT), "ctx")
    checks.reply(None, Result(1, {"anything": 1}), "ctx")
    with pytest.raises(SchemaViolation, match="ctx: result: AsnGetUserTokenResult"):
        checks.reply(info, Result(1, None), "ctx")
    with pytest.raises(SchemaViolation, match="ctx: error"):
        checks.reply(info, Error(1, 0, {}), "ctx")


def test_event(checks: Checks) -> None:
    checks.event(Invoke.event("asnUserSessionDestroyed", {"u8sSessionID": "S"}))
    with pytest.raises(SchemaViolation, match="event asnUserSessionDestroyed"):
        checks.event(Invoke.event("asnUserSessionDestroyed", {}))
    with pytest.raises(ConformanceViolation, match="defines no operation or event"):
        checks.event(Invoke.event("asnNoSuchEvent", {}))
    with pytest.raises(ConformanceViolation, match=r"defines it as an operation \(section 10"):
        checks.event(Invoke.event("asnGetLoggedInContact", {}))


def test_incoming_violations_are_scrubbed(checks: Checks) -> None:
    with pytest.raises(SchemaViolation) as exc:
        checks.incoming("AsnGetUserTokenResult", {"u8sOther": "pw-secret"}, "ctx pw-secret")
    assert "pw-secret" not in str(exc.value)


def test_strict_reports_undefined_members() -> None:
    strict = Checks(default_catalog(), Redactor(), strict=True)
    with pytest.raises(SchemaViolation, match="u8sExtra"):
        strict.incoming("AsnGetUserTokenResult", {"sToken": "t", "u8sExtra": 1}, "ctx")
    assert strict.has_result_member(default_catalog().operation("asnGetUserToken"), "sToken")
