"""The documented errors of the CTI operations: an unknown monitor cross reference, a line the
user has no access to, and answering a call that is not offering. The client validates every
error against the operation's error type (AsnCtiLineMonitorStopError 27.1.26,
AsnCtiLineMonitorStartError 27.1.23, AsnRequestError 25.1.20) as it arrives."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import pytest

from conformance.profile import Profile

if TYPE_CHECKING:
    from conftest import Cti, Party

pytestmark = pytest.mark.module("CTI")

MONITOR_START = "asnCtiLineMonitorStart"
MONITOR_STOP = "asnCtiLineMonitorStop"
ANSWER_CALL = "asnCtiAnswerCall"
USER_MONITOR_LINES = 1  # own lines plus lines with special access rights (27.1.2, L26971)
STOP_ERRORS = {1: "generalerror", 2: "accessdenied", 3: "invalidline"}  # 27.1.9, L27271-L27287
NO_ACCESS_ERRORS = {2: "accessdenied", 3: "invalidline"}  # 27.1.8, L27267-L27269


@pytest.mark.requires("cti.lines>=1")
@pytest.mark.spec("26.1.4", line=24744)
@pytest.mark.spec("27.1.9", line=27271)
@pytest.mark.sends("asnCtiLineMonitorStop")
def test_stopping_an_unknown_cross_reference_is_refused(cti: Cti, caller: Party) -> None:
    """26.1.4 (L24744-L24746): asnCtiLineMonitorStop takes the cross reference "the client got
    from the corresponding asnCtiLineMonitorStart". One the server never issued is refused
    with AsnCtiLineMonitorStopError, ``iErrorDetail`` an error value of
    AsnCtiLineMonitorStopErrorEnum (27.1.9, L27271-L27287): the enumeration names none for an
    unknown monitor, so any of generalerror 1, accessdenied 2, invalidline 3 is accepted."""
    phone = cti.phone(caller)
    cross_ref = f"ucconf-no-such-monitor-{secrets.token_hex(8)}"
    error = phone.invoke(MONITOR_STOP, {"u8sMonitorCrossRefID": cross_ref}).expect_error()
    assert error["iErrorDetail"] in STOP_ERRORS, (
        f"{MONITOR_STOP} of an unknown cross reference failed with iErrorDetail "
        f"{error['iErrorDetail']!r}, no error of AsnCtiLineMonitorStopErrorEnum {STOP_ERRORS}"
    )


@pytest.mark.requires("cti.lines>=2")
@pytest.mark.spec("26.1.3", line=24664)
@pytest.mark.spec("27.1.8", line=27253)
@pytest.mark.sends("asnCtiEnumPhoneLines", "asnCtiLineMonitorStart")
def test_monitoring_a_line_without_access_is_refused(
    cti: Cti, caller: Party, profile: Profile
) -> None:
    """26 (L24459): a client has access to the lines the user owns and those "she has access
    to". Monitoring another line of the server (one of another profile user that the
    caller's asnCtiEnumPhoneLines with userMonitorLines does not list) is refused with
    AsnCtiLineMonitorStartError, ``iErrorDetail`` accessdenied 2 ("no access rights",
    L27267) or invalidline 3 ("The line given in the argument is not known", L27269). The
    document does not say which of the two; to the user a line beyond their rights may well
    count as unknown, so either is accepted."""
    phone = cti.phone(caller)
    accessible = {line["u8sLinePhoneNumber"] for line in phone.own_lines(USER_MONITOR_LINES)}
    foreign = [
        line
        for line in profile.cti.lines
        if line not in caller.user.lines and line not in accessible
    ]
    if not foreign:
        pytest.skip(f"{caller.user.name!r} has access to every line of the profile's [cti] lines")
    outcome = phone.invoke(MONITOR_START, {"u8sLinePhoneNumber": foreign[0]})
    error = outcome.expect_error()
    assert error["iErrorDetail"] in NO_ACCESS_ERRORS, (
        f"{MONITOR_START} of {foreign[0]}, a line {caller.user.name!r} has no access to, failed "
        f"with iErrorDetail {error['iErrorDetail']!r}; expected one of {NO_ACCESS_ERRORS}"
    )


@pytest.mark.requires("cti.lines>=2")
@pytest.mark.spec("26.1.13", line=25174)
@pytest.mark.sends(
    "asnCtiAnswerCall",
    "asnCtiDropCall",
    "asnCtiEnumPhoneLines",
    "asnCtiLineMonitorStart",
    "asnCtiMakeCall",
)
def test_answering_a_call_that_is_not_offering_is_refused(
    cti: Cti, caller: Party, spare: Party
) -> None:
    """26.1.13 (L25174-L25175): only a call in OFFERING ("incoming call ringing") can be
    accepted. Answering the caller's own outgoing call, which is dialling or ringing back but
    never offering, is refused with the operation's documented error, an AsnRequestError.
    The result's ``bSuccess`` ("false/0 otherwise", L25193) is not taken as the refusal: the
    suite reads a result as "the operation was executed" (as L24966-L24967 say of
    asnCtiMakeCall), and here there is nothing the server could execute."""
    phone = cti.phone(caller)
    monitor = phone.monitor(caller.line)
    with cti.placed(phone, caller.line, spare, cti.number_of(spare)) as connection_id:
        monitor.change_of(connection_id)  # the call is on the line
        phone.invoke(ANSWER_CALL, {"u8sConnectionID": connection_id}).expect_error()
