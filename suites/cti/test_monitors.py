"""Line monitors: asnCtiLineMonitorStart (26.1.3, L24664-L24728), asnCtiLineMonitorStop
(26.1.4, L24730-L24766) and the cross reference every monitor event carries (26.2.6,
L26222-L26255; "to distinguish between events for different line monitors", L24518-L24521)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conformance.client import Where
from conformance.lineids import same_line

if TYPE_CHECKING:
    from conftest import Cti, Party

pytestmark = [pytest.mark.module("CTI"), pytest.mark.requires("cti.lines>=2")]

MONITOR_STOP = "asnCtiLineMonitorStop"
CALL_CHANGED = "asnCtiNotifyLineCallInformationChanged"
# a connection's end: DESTROYED (L4360) or DISCONNECTED (L4377); a PBX may report either
# alone (N30)
ENDED = frozenset({1, 256})
QUIET_SECONDS = 0.5
MONITOR_EVENTS = (
    # the events of 26.2 that carry a line monitor's cross reference (26.2.1-26.2.15)
    "asnCtiNotifyLineInfoChanged",
    "asnCtiNotifyLineDoNotDisturbChanged",
    "asnCtiNotifyLineRemoteOfficeChanged",
    "asnCtiNotifyLineInvalidPasswordChanged",
    "asnCtiNotifyLineForwardingChanged",
    "asnCtiNotifyConferenceCreated",
    "asnCtiNotifyConferenceDestroyed",
    "asnCtiNotifyConferencePartyAdded",
    "asnCtiNotifyConferencePartyRemoved",
    "asnCtiNotifyLineCallFeaturesChanged",
    "asnCtiNotifyLineProjectSettingsChanged",
    "asnCtiNotifyLineActiveAddressChanged",
)


def carrying(cross_ref: str) -> Where:
    """An event naming ``cross_ref``; the Conference* and CallFeaturesChanged events spell
    the member ``u8sLineMonitorCrossRefID`` (L29509ff, L29641ff)."""
    return Where(
        lambda event: (
            cross_ref in (event.get("u8sMonitorCrossRefID"), event.get("u8sLineMonitorCrossRefID"))
        ),
        f"the event carries cross reference {cross_ref!r}",
    )


@pytest.mark.spec("26.1.3", line=24690)
@pytest.mark.sends(
    "asnCtiDropCall", "asnCtiEnumPhoneLines", "asnCtiLineMonitorStart", "asnCtiMakeCall"
)
def test_monitor_start_returns_a_cross_reference_and_the_line_state(
    cti: Cti, caller: Party, spare: Party
) -> None:
    """26.1.3 (L24690-L24698): asnCtiLineMonitorStart answers a ``u8sMonitorCrossRefID`` and
    the line's current state: ``lineInfo`` of the monitored line and ``seqCalls``, "Current
    calls on the line". A second monitor started on the line while a call is on it gets its
    own cross reference, and the call among ``seqCalls``."""
    phone = cti.phone(caller)
    first = phone.monitor(caller.line)
    assert first.cross_ref, f"u8sMonitorCrossRefID is empty: {first.started}"
    assert same_line(first.started["lineInfo"]["u8sLinePhoneNumber"], caller.line), first.started
    with cti.placed(phone, caller.line, spare, cti.number_of(spare)) as connection_id:
        first.change_of(connection_id)  # the server has the call on the line now
        second = phone.monitor(caller.line)
        assert second.cross_ref and second.cross_ref != first.cross_ref, (
            f"two monitors of {caller.line} got cross references {first.cross_ref!r} and "
            f"{second.cross_ref!r}; each monitor needs its own (L24518-L24521)"
        )
        assert same_line(second.started["lineInfo"]["u8sLinePhoneNumber"], caller.line), (
            second.started
        )
        calls = [call["u8sConnectionID"] for call in second.started["seqCalls"]]
        assert connection_id in calls, (
            f"seqCalls of the second monitor lists {calls}, not the call {connection_id!r} "
            f"that is on {caller.line}"
        )


@pytest.mark.spec("26.2.6", line=26227)
@pytest.mark.spec("26", line=24518)
@pytest.mark.sends(
    "asnCtiDropCall",
    "asnCtiEnumPhoneLines",
    "asnCtiLineMonitorStart",
    "asnCtiLineMonitorStop",
    "asnCtiMakeCall",
)
def test_two_monitors_of_a_line_both_get_every_event_with_their_own_cross_reference(
    cti: Cti, caller: Party, spare: Party
) -> None:
    """26.2.6 (L26227-L26229): call events go "to all client, which are attached to updates
    via asnCtiLineMonitorStart on the corresponding lines"; a line may be monitored several
    times and the cross reference tells the monitors apart (L24518-L24521). Two sessions of
    the line's owner monitor the line; for one call, placed and dropped, each session gets
    the same events (reason and state, in order, up to DESTROYED or DISCONNECTED), each event
    carrying that session's own cross reference."""
    first_phone, second_phone = cti.phone(caller), cti.phone(caller)
    monitors = (first_phone.monitor(caller.line), second_phone.monitor(caller.line))
    with cti.placed(first_phone, caller.line, spare, cti.number_of(spare)) as connection_id:
        for monitor in monitors:
            monitor.change_of(connection_id)
        first_phone.drop(connection_id)
        for monitor in monitors:
            monitor.change_of(connection_id, ENDED)
    seen = []
    for monitor in monitors:
        events = [
            event.argument or {}
            for event in monitor.session.events(CALL_CHANGED)
            if (event.argument or {})["callinformation"]["u8sConnectionID"] == connection_id
        ]
        labels = {event["u8sMonitorCrossRefID"] for event in events}
        assert labels == {monitor.cross_ref}, (
            f"the session monitoring {caller.line} as {monitor.cross_ref!r} got events of "
            f"the call labelled {sorted(labels)}"
        )
        seen.append([(e["reason"], e["callinformation"]["iCallState"]) for e in events])
    assert seen[0] == seen[1], (
        f"the two monitors of {caller.line} saw different events (reason, iCallState) of "
        f"one call: {seen[0]} and {seen[1]}"
    )


@pytest.mark.spec("26.1.4", line=24734)
@pytest.mark.sends(
    "asnCtiDropCall",
    "asnCtiEnumPhoneLines",
    "asnCtiLineMonitorStart",
    "asnCtiLineMonitorStop",
    "asnCtiMakeCall",
)
def test_a_stopped_monitor_gets_no_events_while_the_other_still_does(
    cti: Cti, caller: Party, spare: Party
) -> None:
    """26.1.4 (L24734-L24735): asnCtiLineMonitorStop with a monitor's cross reference stops
    that monitor's events; its result (AsnCtiLineMonitorStopResult, L24750-L24756) carries
    nothing the test needs (a server may add members). One session monitors its line twice and stops
    the first monitor; a call placed and dropped on the line afterwards reaches the second
    monitor, while no event with the first cross reference arrives (nor within a quiet
    window after the call has ended)."""
    phone = cti.phone(caller)
    stopped, kept = phone.monitor(caller.line), phone.monitor(caller.line)
    argument = {"u8sMonitorCrossRefID": stopped.cross_ref}
    phone.invoke(MONITOR_STOP, argument).expect_result()
    since = phone.session.mark()
    with cti.placed(phone, caller.line, spare, cti.number_of(spare)) as connection_id:
        kept.next_change(
            Where(
                lambda event: (
                    event.get("callinformation", {}).get("u8sConnectionID") == connection_id
                    and event.get("u8sMonitorCrossRefID") == kept.cross_ref
                ),
                f"an event of call {connection_id!r} for the monitor still running",
            )
        )
        phone.drop(connection_id)
        kept.change_of(connection_id, ENDED)
    phone.session.assert_quiet(
        CALL_CHANGED, QUIET_SECONDS, carrying(stopped.cross_ref), since=since
    )
    for operation in MONITOR_EVENTS:
        phone.session.assert_quiet(operation, 0, carrying(stopped.cross_ref), since=since)
