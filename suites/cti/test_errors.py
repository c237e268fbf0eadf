"""Refusals of the CTI operations: an unknown monitor cross reference, a line the user has no
access to, and answering a call that is not offering. The client validates every error against
the operation's error type (AsnCtiLineMonitorStopError 27.1.26, AsnCtiLineMonitorStartError
27.1.23, AsnRequestError 25.1.20) as it arrives."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import pytest

from conformance.lineids import line_key
from conformance.profile import Profile
from conformance.rose import Error

if TYPE_CHECKING:
    from conftest import Cti, Party

pytestmark = pytest.mark.module("CTI")

MONITOR_START = "asnCtiLineMonitorStart"
MONITOR_STOP = "asnCtiLineMonitorStop"
ANSWER_CALL = "asnCtiAnswerCall"
CALL_CHANGED = "asnCtiNotifyLineCallInformationChanged"
CONNECTED = 32  # eCALLSTATECONNECTED (3.1.11, L4371)
# EnumCallState (3.1.11): an outgoing call not (yet) connected: DIALING (L4364), RINGBACK
# (L4365, "abgehend, Gegenstelle klingelt"), PREPARECALL (L4379). A callback-style MakeCall
# may first ring and connect the calling phone; the test waits until the call is outgoing.
OUTGOING_UNCONNECTED = frozenset({4, 8, 512})
USER_MONITOR_LINES = 1  # own lines plus lines with special access rights (27.1.2, L26971)
NO_ACCESS_ERRORS = {2: "accessdenied", 3: "invalidline"}  # 27.1.8, L27267-L27269


@pytest.mark.requires("cti.lines>=2")
@pytest.mark.spec("26.1.4", line=24743)
@pytest.mark.spec("27.1.9", line=27279)
@pytest.mark.sends(
    "asnCtiDropCall",
    "asnCtiEnumPhoneLines",
    "asnCtiLineMonitorStart",
    "asnCtiLineMonitorStop",
    "asnCtiMakeCall",
)
def test_stopping_an_unknown_cross_reference_ends_no_monitor(
    cti: Cti, caller: Party, spare: Party
) -> None:
    """26.1.4 (L24734-L24735, L24743-L24745): asnCtiLineMonitorStop stops the monitor of "the
    corresponding monitor cross reference ID", one "the client got from the corresponding
    asnCtiLineMonitorStart". For one the server never issued the document names no outcome:
    AsnCtiLineMonitorStopErrorEnum (27.1.9, L27279-L27287) has no value for an unknown monitor
    (generalerror is "not used in this case"), so an idempotent stop answering the empty result
    is as conformant as an AsnCtiLineMonitorStopError. Either way the session's own monitor
    keeps running: a call placed afterwards still reaches it."""
    phone = cti.phone(caller)
    monitor = phone.monitor(caller.line)
    cross_ref = f"ucconf-no-such-monitor-{secrets.token_hex(8)}"
    outcome = phone.invoke(MONITOR_STOP, {"u8sMonitorCrossRefID": cross_ref})
    if not isinstance(outcome.message, Error):
        outcome.expect_result()  # a reject is neither: it fails here
    with cti.placed(phone, caller.line, spare, cti.number_of(spare)) as connection_id:
        monitor.change_of(connection_id)  # a lost monitor times out here


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
    listed = phone.own_lines(USER_MONITOR_LINES)
    accessible = {line_key(line["u8sLinePhoneNumber"]) for line in listed}
    own = {line_key(line) for line in caller.user.lines}
    foreign = [
        line
        for line in profile.cti.lines
        if line_key(line) not in own and line_key(line) not in accessible
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
@pytest.mark.spec("26.1.13", line=25193)
@pytest.mark.sends(
    "asnCtiAnswerCall",
    "asnCtiDropCall",
    "asnCtiEnumPhoneLines",
    "asnCtiLineMonitorStart",
    "asnCtiMakeCall",
)
def test_answering_a_call_that_is_not_offering_does_not_connect_it(
    cti: Cti, caller: Party, spare: Party
) -> None:
    """26.1.13 (L25174-L25175): only a call in OFFERING ("incoming call ringing") can be
    accepted. Answering the caller's own outgoing call, which is dialling or ringing back but
    never offering, is not done: the server answers the operation's error (AsnRequestError) or
    the result with ``bSuccess`` false ("true/1 if the call was accepted, false/0 otherwise",
    L25193), never ``bSuccess`` true; and the call does not become CONNECTED afterwards. The
    answer is sent once the call reports an outgoing state (DIALING, RINGBACK or PREPARECALL):
    before that, a callback-style PBX may be ringing the calling phone itself (N30)."""
    phone = cti.phone(caller)
    monitor = phone.monitor(caller.line)
    with cti.placed(phone, caller.line, spare, cti.number_of(spare)) as connection_id:
        outgoing = monitor.change_of(connection_id, OUTGOING_UNCONNECTED)
        outcome = phone.invoke(ANSWER_CALL, {"u8sConnectionID": connection_id})
        if not isinstance(outcome.message, Error):
            answered = outcome.expect_result()
            assert answered["bSuccess"] is False, (
                f"{ANSWER_CALL} of the caller's own outgoing call {connection_id!r}, never "
                f"OFFERING, answered {answered}: it cannot be accepted (L25174-L25175)"
            )
        events = [e.argument or {} for e in phone.session.events(CALL_CHANGED)]
        later = events[next(i for i, e in enumerate(events) if e is outgoing) + 1 :]
        since = [
            e.get("callinformation", {}).get("iCallState")
            for e in later
            if e.get("callinformation", {}).get("u8sConnectionID") == connection_id
        ]
    assert CONNECTED not in since, (
        f"the outgoing call {connection_id!r} became CONNECTED ({CONNECTED}) after "
        f"{ANSWER_CALL} of the caller's side: the states were {since}"
    )
