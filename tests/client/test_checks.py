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
    with pytest.raises(ConformanceViolation, match=r"defines it as an operation \(section 10"):
        checks.event(Invoke.event("asnGetLoggedInContact", {}))


def test_an_event_the_document_lacks_is_reported_in_strict_mode_only(checks: Checks) -> None:
    """X-d: a newer server may send events 6.1 does not define."""
    checks.event(Invoke.event("asnNoSuchEvent", {"anything": 1}))
    assert checks.coverage.events["asnNoSuchEvent"] == 1
    strict = Checks(default_catalog(), Redactor(), strict=True)
    with pytest.raises(ConformanceViolation, match="defines no operation or event"):
        strict.event(Invoke.event("asnNoSuchEvent", {}))


def test_event_numbers_route_or_warn(checks: Checks) -> None:
    """protocol-notes §3: the vendor client routes events by operationID alone."""
    note = {"u8sContactID": "c", "u8sUsername": "u", "u8sNote": "n"}
    name, argument = "asnUpdateMyCustomNote", {"customnote": note}
    number = checks.numbers.number_of(name)
    assert number == 1511  # interface 8's: the document has none
    checks.event(Invoke.event(name, argument, number))
    checks.event(Invoke.event("", argument, number))  # the number alone names it
    assert not checks.coverage.warnings
    with pytest.raises(ConformanceViolation, match="misroutes"):
        checks.event(Invoke.event(name, argument, number + 1))
    checks.event(Invoke.event(name, argument))  # 0: allowed, but a vendor client drops it
    (warning,) = checks.coverage.warnings
    assert "operationID 0" in warning and f"{name} ({number})" in warning
