"""A call from line A to line B, both monitored: asnCtiMakeCall (26.1.9, L24954-L25050) and
its asnCtiNotifyMakeCallResult (26.2.8, L26309-L26335), the call states each side reports in
asnCtiNotifyLineCallInformationChanged (26.2.6, L26222-L26255; EnumCallState 3.1.11,
L4352-L4379), asnCtiAnswerCall (26.1.13, L25170-L25206) and asnCtiDropCall (26.1.11,
L25089-L25126)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from conformance.lineids import same_line

if TYPE_CHECKING:
    from conftest import Cti, Party, Scene

pytestmark = [pytest.mark.module("CTI"), pytest.mark.requires("cti.lines>=2")]

ANSWER_CALL = "asnCtiAnswerCall"
DROP_CALL = "asnCtiDropCall"
MAKE_CALL_RESULT = "asnCtiNotifyMakeCallResult"
# EnumCallState (3.1.11, L4352-L4379)
DESTROYED, OFFERING, CONNECTED = 1, 2, 32
DISCONNECTED = 256
ENDED = frozenset({DISCONNECTED, DESTROYED})


def _check_labels(event: dict[str, Any], line: str, cross_ref: str, side: str) -> None:
    """A call event on ``side`` names that side's line and that side's monitor."""
    assert same_line(event["u8sLinePhoneNumber"], line), (
        f"{side}: a call event of {line} names line {event['u8sLinePhoneNumber']!r}: {event}"
    )
    assert event["u8sMonitorCrossRefID"] == cross_ref, (
        f"{side}: a call event carries cross reference {event['u8sMonitorCrossRefID']!r}, "
        f"not the one of the monitor of {line} in this session ({cross_ref!r})"
    )


@pytest.mark.spec("26.2.8", line=26309)
@pytest.mark.spec("26.1.9", line=24966)
@pytest.mark.sends(
    "asnCtiDropCall", "asnCtiEnumPhoneLines", "asnCtiLineMonitorStart", "asnCtiMakeCall"
)
def test_make_call_reports_its_outcome_as_make_call_result(
    cti: Cti, caller: Party, spare: Party
) -> None:
    """26.1.9 (L24966-L24969): the result of asnCtiMakeCall only confirms the operation; "the
    corresponding result of the dial command itself ... will be sent as an
    asnCtiNotifyMakeCallResult event" (26.2.8, L26309-L26335): for the line dialled from, with
    the call's connection id, and ``success`` 1 for a call to an idle line. The calling
    session monitors its line: the document does not say whether a session that monitors
    nothing gets the event (N30)."""
    phone = cti.phone(caller)
    phone.monitor(caller.line)
    with cti.placed(phone, caller.line, spare, cti.number_of(spare)) as connection_id:
        event = phone.session.wait_for(MAKE_CALL_RESULT, {"u8sConnectionID": connection_id})
    outcome = event.argument or {}
    assert same_line(outcome["u8sLinePhoneNumber"], caller.line), (
        f"{MAKE_CALL_RESULT} names line {outcome['u8sLinePhoneNumber']!r}; the call was made "
        f"on {caller.line} (L26323)"
    )
    assert outcome["success"] == 1, f"{MAKE_CALL_RESULT} reports success {outcome['success']!r}"


@pytest.mark.spec("26.2.6", line=26222)
@pytest.mark.sends("asnCtiDropCall", "asnCtiLineMonitorStart", "asnCtiMakeCall")
def test_the_calling_line_reports_the_call_on_its_monitor(scene: Scene) -> None:
    """26.2.6 (L26222-L26229, L26236-L26242): the calling line's monitor follows the call
    from its start to its end: every event about A's connection, from placing it until it
    has ended after A drops it (DESTROYED L4360 or DISCONNECTED L4377), names line A and A's
    monitor. Which states come in which order is the PBX's (EnumCallState L4352-L4379 lists
    them, no text orders them: a callback-style MakeCall alerts A first, a PBX may report
    PREPARECALL or DIALING first), so no sequence is checked (CONFORMANCE-NOTES N30)."""
    with scene.call() as connection_id:
        scene.incoming()  # B rings: both lines' monitors now follow the call
        scene.a.drop(connection_id)
        scene.a_monitor.change_of(connection_id, ENDED)
    events = [
        event.argument or {}
        for event in scene.a.session.events("asnCtiNotifyLineCallInformationChanged")
        if (event.argument or {})["callinformation"]["u8sConnectionID"] == connection_id
    ]
    for event in events:
        _check_labels(event, scene.caller.line, scene.a_monitor.cross_ref, "line A")


@pytest.mark.spec("26.2.6", line=26222)
@pytest.mark.spec("27.1.13", line=27347)
@pytest.mark.sends("asnCtiDropCall", "asnCtiLineMonitorStart", "asnCtiMakeCall")
def test_the_called_line_reports_the_call_offering(scene: Scene) -> None:
    """26.2.6 (L26222-L26229): the called line's monitor sees the new incoming call in
    eCALLSTATEOFFERING 2 ("klingelt ankommend", L4362; reasonCallOffering "New incoming
    call", L27347), the event naming line B and B's monitor."""
    with scene.call():
        event = scene.incoming()
    _check_labels(event, scene.callee.line, scene.b_monitor.cross_ref, "line B")
    state = event["callinformation"]["iCallState"]
    assert state == OFFERING, (
        f"the incoming call on B is in state {state}, not OFFERING ({OFFERING})"
    )


@pytest.mark.spec("26.1.13", line=25174)
@pytest.mark.requires("capability:cti.remote_answer")
@pytest.mark.sends("asnCtiAnswerCall", "asnCtiDropCall", "asnCtiLineMonitorStart", "asnCtiMakeCall")
def test_answer_call_connects_both_sides(scene: Scene) -> None:
    """26.1.13 (L25174-L25175): a call in OFFERING "can be accepted with this operation":
    asnCtiAnswerCall on B's connection answers ``bSuccess`` true, and both monitors report
    their side of the call eCALLSTATECONNECTED 32 ("abgehend/ankommend verbunden", L4371)."""
    with scene.call() as caller_id:
        callee_id = scene.incoming()["callinformation"]["u8sConnectionID"]
        answered = scene.b.invoke(ANSWER_CALL, {"u8sConnectionID": callee_id}).expect_result()
        assert answered["bSuccess"] is True, f"{ANSWER_CALL} answered {answered}"
        on_a = scene.a_monitor.change_of(caller_id, frozenset({CONNECTED}))
        on_b = scene.b_monitor.change_of(callee_id, frozenset({CONNECTED}))
    _check_labels(on_a, scene.caller.line, scene.a_monitor.cross_ref, "line A")
    _check_labels(on_b, scene.callee.line, scene.b_monitor.cross_ref, "line B")


@pytest.mark.spec("26.1.11", line=25089)
@pytest.mark.sends("asnCtiDropCall", "asnCtiLineMonitorStart", "asnCtiMakeCall")
def test_drop_call_ends_the_call_on_both_sides(scene: Scene) -> None:
    """26.1.11 (L25089-L25093, L25113): asnCtiDropCall on A's connection of the call ringing
    at B answers ``bSuccess`` true, and both monitors see their side end: DESTROYED (1,
    "Selbst aufgelegt", L4360) or DISCONNECTED (256, "Gegenstelle hat aufgelegt", L4377),
    whichever each side reports. The call is not answered first: answering needs a PBX that
    answers remotely (profile capability ``cti.remote_answer``), dropping does not."""
    with scene.call() as caller_id:
        callee_id = scene.incoming()["callinformation"]["u8sConnectionID"]
        dropped = scene.a.invoke(DROP_CALL, {"u8sConnectionID": caller_id}).expect_result()
        assert dropped["bSuccess"] is True, f"{DROP_CALL} answered {dropped}"
        on_a = scene.a_monitor.change_of(caller_id, ENDED)
        on_b = scene.b_monitor.change_of(callee_id, ENDED)
    _check_labels(on_a, scene.caller.line, scene.a_monitor.cross_ref, "line A")
    _check_labels(on_b, scene.callee.line, scene.b_monitor.cross_ref, "line B")
