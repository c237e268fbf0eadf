"""Line features a user sets on their own line, and the line events every monitor of the line
gets for them: Do not Disturb (26.1.5 -> 26.2.2), forwards (26.1.22, 26.1.23 -> 26.2.5),
remote office (26.1.6 -> 26.2.3) and the active address (26.1.28 -> 26.2.15).

"In order to get these events the line must be monitored with asnCtiLineMonitorStart"
(L26131, L26154, L26203): each test monitors the line in two sessions of its owner, and each
monitor must get the event carrying its own cross reference ("CrossrefID for the corresponding
asnCtiLineMonitorStart", L26139-L26141). A test runs only where the line says it has the
feature (AsnCtiLineInfo ``iLineFeatures``, EnumLineFeatures 27.1.5: eCTILINEFEATUREDONOTDISTURB
2, eCTILINEFEATUREREMOTEOFFICE 32; forwards: ``iForwardFeaturesPBX`` or
``iForwardFeaturesSERVER`` not 0), holds the line's lease meanwhile, and puts back what it
changed: the state the monitor start reported, and only the forward it set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from conformance.client import Where
from conformance.lineids import same_line
from conformance.profile import Profile

if TYPE_CHECKING:
    from conftest import Cti, Monitor, Party

pytestmark = [pytest.mark.module("CTI"), pytest.mark.requires("cti.lines>=2")]

MONITOR = ("asnCtiLineMonitorStart", "asnCtiLineMonitorStop", "asnCtiEnumPhoneLines")
SET_DND = "asnCtiLineSetDoNotDisturb"
DND_CHANGED = "asnCtiNotifyLineDoNotDisturbChanged"
SET_FORWARD = "asnCtiSetForward"
REMOVE_FORWARD = "asnCtiRemoveForward"
FORWARDING_CHANGED = "asnCtiNotifyLineForwardingChanged"
SET_REMOTE_OFFICE = "asnCtiLineSetRemoteOffice"
REMOTE_OFFICE_CHANGED = "asnCtiNotifyLineRemoteOfficeChanged"
SNAPSHOT = "asnCtiSnapshotPhoneLine"
SET_ADDRESS = "asnCtiSetActiveLineAddress"
ADDRESS_CHANGED = "asnCtiNotifyLineActiveAddressChanged"

FEATURE_DND = 2  # eCTILINEFEATUREDONOTDISTURB (27.1.5)
FEATURE_REMOTE_OFFICE = 32  # eCTILINEFEATUREREMOTEOFFICE (27.1.5)
FORWARD_IMMEDIATE = 1  # iCTIFORWARDIMMEDIATE (AsnForwardMode 25.1.17): unconditional


def _for(monitor: Monitor, test: Any, description: str) -> Where:
    """``where=`` for a line event of ``monitor`` (its cross reference) that passes ``test``."""
    return Where(
        lambda event: event.get("u8sMonitorCrossRefID") == monitor.cross_ref and test(event),
        f"u8sMonitorCrossRefID == {monitor.cross_ref!r} and {description}",
    )


def _dnd(info: dict[str, Any]) -> bool:
    return bool(info["iLineFeatures"] & FEATURE_DND)


def _remote_office(info: dict[str, Any]) -> bool:
    return bool(info["iLineFeatures"] & FEATURE_REMOTE_OFFICE)


def _any(info: dict[str, Any]) -> bool:
    return True


def _forwards(info: dict[str, Any]) -> bool:
    return bool(info["iForwardFeaturesPBX"] or info["iForwardFeaturesSERVER"])


@contextmanager
def _two_monitors(
    cti: Cti, party: Party, feature: str, has: Callable[[dict[str, Any]], bool]
) -> Iterator[list[Monitor]]:
    """The party's line, leased, monitored in two sessions of its owner; skips unless the
    line information says the line has ``feature`` (``has(lineInfo)``)."""
    with cti.lease(party.line):
        monitors = [cti.phone(party).monitor(party.line) for _ in range(2)]
        if not has(monitors[0].started["lineInfo"]):
            pytest.skip(f"{party.line}: its AsnCtiLineInfo offers no {feature}")
        yield monitors


@pytest.mark.spec("26.1.5", line=24768)
@pytest.mark.spec("26.2.2", line=26128)
@pytest.mark.spec("26.1.2", line=24607)
@pytest.mark.sends(*MONITOR, SET_DND, SNAPSHOT)
def test_do_not_disturb_change_reaches_every_monitor(cti: Cti, caller: Party) -> None:
    """26.1.5 sets or removes DnD on the line (``bDoNotDisturb``, L24788); every monitor of
    the line gets asnCtiNotifyLineDoNotDisturbChanged with ``iDoNotDisturb`` "Actual status of
    DnD - (1) set, (0) not set" (L26147) and the line (L26143), and asnCtiSnapshotPhoneLine
    then answers the new state. Afterwards DnD is put back as the monitor start found it."""
    with _two_monitors(cti, caller, "Do not Disturb (eCTILINEFEATUREDONOTDISTURB)", _dnd) as (
        first,
        second,
    ):
        phone = cti.phones[-1]
        before = first.started["iDoNotDisturb"]
        wanted = 0 if before else 1
        argument = {"u8sLinePhoneNumber": caller.line, "bDoNotDisturb": bool(wanted)}
        try:
            phone.invoke(SET_DND, argument).expect_result()
            for monitor in (first, second):
                event = monitor.session.wait_for(
                    DND_CHANGED,
                    _for(monitor, lambda e: e.get("iDoNotDisturb") == wanted, f"DnD {wanted}"),
                ).argument
                assert same_line(event["u8sLinePhoneNumber"], caller.line), event
            line = {"u8sLinePhoneNumber": caller.line}
            snapshot = phone.invoke(SNAPSHOT, line).expect_result()
            assert snapshot["iDoNotDisturb"] == wanted, (
                f"{SNAPSHOT} after {SET_DND} {bool(wanted)} answers iDoNotDisturb "
                f"{snapshot['iDoNotDisturb']!r}"
            )
        finally:
            restore = {"u8sLinePhoneNumber": caller.line, "bDoNotDisturb": bool(before)}
            phone.invoke(SET_DND, restore).expect_result()


def _forward_params(number: str) -> dict[str, Any]:
    return {"ForwardMode": FORWARD_IMMEDIATE, "ForwardDestination": number}


@pytest.mark.spec("26.1.22", line=25662)
@pytest.mark.spec("26.1.23", line=25738)
@pytest.mark.spec("26.2.5", line=26200)
@pytest.mark.sends(*MONITOR, SET_FORWARD, REMOVE_FORWARD)
def test_forward_set_and_removed_reaches_every_monitor(
    cti: Cti, caller: Party, spare: Party
) -> None:
    """26.1.22 sets an unconditional forward (``ForwardMode`` iCTIFORWARDIMMEDIATE,
    L25690-L25701) to another line's number in long format (L25684-L25688): every monitor gets
    asnCtiNotifyLineForwardingChanged whose "New forwarding settings on the line" (L26218)
    hold a forward to that number. 26.1.23 then removes exactly that forward, named by
    ``ForwardMode`` and ``ForwardDestination`` (L25744-L25745), answered ``bSuccess`` true
    (L25795), and every monitor gets the forwarding settings without it."""
    number = cti.number_of(spare)
    with _two_monitors(cti, caller, "forwarding (iForwardFeatures)", _forwards) as monitors:
        phone = cti.phones[-1]

        def ours(event: dict[str, Any]) -> bool:
            return any(
                same_line(str(f.get("u8sDestination")), number)
                for f in event.get("seqLineForwards", [])
            )

        remove = {"u8sPhoneNumberFrom": caller.line, "optionalParams": _forward_params(number)}
        try:
            argument = {
                "u8sPhoneNumberFrom": caller.line,
                "u8sPhoneNumberTo": number,
                "optionalParams": {"ForwardMode": FORWARD_IMMEDIATE},
            }
            result = phone.invoke(SET_FORWARD, argument).expect_result()
            assert result["bSuccess"] is True, f"{SET_FORWARD} answered {result} (L25709)"
            for monitor in monitors:
                monitor.session.wait_for(
                    FORWARDING_CHANGED, _for(monitor, ours, f"a forward to {number}")
                )
            removed = phone.invoke(REMOVE_FORWARD, remove).expect_result()
            assert removed["bSuccess"] is True, f"{REMOVE_FORWARD} answered {removed} (L25795)"
            for monitor in monitors:
                monitor.session.wait_for(
                    FORWARDING_CHANGED,
                    _for(monitor, lambda e: not ours(e), f"no forward to {number}"),
                )
        finally:
            phone.invoke(REMOVE_FORWARD, remove)  # best effort: gone already when all went well


@pytest.mark.spec("26.1.6", line=24811)
@pytest.mark.spec("26.2.3", line=26151)
@pytest.mark.sends(*MONITOR, SET_REMOTE_OFFICE)
def test_remote_office_change_reaches_every_monitor(cti: Cti, caller: Party, spare: Party) -> None:
    """26.1.6 changes the remote office state (AsnRemoteOfficeState, 25.1.27: iEnabled,
    u8sDestination); every monitor gets asnCtiNotifyLineRemoteOfficeChanged with "The new
    remote office state of the line" (L26169). Afterwards the state is put back as the monitor
    start found it."""
    number = cti.number_of(spare)
    with _two_monitors(cti, caller, "remote office", _remote_office) as monitors:
        phone = cti.phones[-1]
        before = dict(monitors[0].started["remoteOfficeState"])
        before.pop("_type", None)
        enable = 0 if before["iEnabled"] else 1
        wanted = {**before, "iEnabled": enable, "u8sDestination": number if enable else ""}

        def shows(event: dict[str, Any]) -> bool:
            state = event.get("remoteOfficeState", {})
            return bool(state.get("iEnabled")) == bool(enable) and (
                not enable or same_line(str(state.get("u8sDestination")), number)
            )

        try:
            argument = {"u8sLinePhoneNumber": caller.line, "remoteOfficeState": wanted}
            phone.invoke(SET_REMOTE_OFFICE, argument).expect_result()
            for monitor in monitors:
                monitor.session.wait_for(
                    REMOTE_OFFICE_CHANGED, _for(monitor, shows, f"remote office {wanted}")
                )
        finally:
            restore = {"u8sLinePhoneNumber": caller.line, "remoteOfficeState": before}
            phone.invoke(SET_REMOTE_OFFICE, restore).expect_result()


@pytest.mark.requires("capability:cti.line_address.other>=0")
@pytest.mark.spec("26.1.28", line=25999)
@pytest.mark.spec("26.2.15", line=26526)
@pytest.mark.sends(*MONITOR, SET_ADDRESS)
def test_active_address_change_reaches_every_monitor(
    cti: Cti, caller: Party, profile: Profile
) -> None:
    """26.1.28 stores the address "am Client ausgewählt" for the line (L26001); every monitor
    gets asnCtiNotifyLineActiveAddressChanged, "if the active address of a line has been
    changed" (L26528), with that ``iAddressID`` (L26539). No result reads the active address
    back, so the profile names it (``cti.line_address.active``) and another one the suite may
    select for a moment (``cti.line_address.other``); the active one is selected again after."""
    active = profile.capability("cti.line_address.active", 0)
    other = profile.capability("cti.line_address.other")
    with _two_monitors(cti, caller, "address", _any) as monitors:
        phone = cti.phones[-1]
        try:
            argument = {"u8sLinePhoneNumber": caller.line, "iAddressID": other}
            phone.invoke(SET_ADDRESS, argument).expect_result()
            for monitor in monitors:
                monitor.session.wait_for(
                    ADDRESS_CHANGED,
                    _for(monitor, lambda e: e.get("iAddressID") == other, f"address {other}"),
                )
        finally:
            restore = {"u8sLinePhoneNumber": caller.line, "iAddressID": active}
            phone.invoke(SET_ADDRESS, restore).expect_result()
