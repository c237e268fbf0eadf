"""Two calls on one line: the held call's features (asnCtiNotifyLineCallFeaturesChanged, 26.2.13)
and asnCtiSwapHold (26.1.20).

The caller calls B, holds it and calls C, the way 26.1.26 sets up two calls on a line
("asnCtiMakeCall => asnCtiHold => asnCtiMakeCall, so you have one call on hold and one active",
L25919-L25920); the called parties answer by asnCtiAnswerCall (profile capability
``cti.remote_answer``). What a call offers is its ``iFeatures`` (EnumCallFeatures 27.1.4).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from conformance.client import Where
from conformance.lineids import same_line
from conformance.profile import Profile

if TYPE_CHECKING:
    from conftest import Cti, Monitor, Party, Phone

pytestmark = [
    pytest.mark.module("CTI"),
    pytest.mark.requires("cti.lines>=3"),
    pytest.mark.requires("capability:cti.remote_answer"),
    pytest.mark.sends(
        "asnCtiEnumPhoneLines",
        "asnCtiLineMonitorStart",
        "asnCtiLineMonitorStop",
        "asnCtiMakeCall",
        "asnCtiDropCall",
        "asnCtiAnswerCall",
        "asnCtiHold",
        "asnCtiSnapshotPhoneLine",
    ),
]

CALL_CHANGED = "asnCtiNotifyLineCallInformationChanged"
FEATURES_CHANGED = "asnCtiNotifyLineCallFeaturesChanged"
SNAPSHOT = "asnCtiSnapshotPhoneLine"
SWAP_HOLD = "asnCtiSwapHold"
OFFERING, CONNECTED, HELD = 2, 32, 128  # EnumCallState (3.1.11, L4352-L4379)
FEATURE_HOLD, FEATURE_SWAP_HOLD = 8192, 4096  # EnumCallFeatures (27.1.4)


class TwoCalls:
    """The caller's phone and line monitor, and an answering phone and monitor per partner."""

    def __init__(self, cti: Cti, caller: Party, partners: tuple[Party, ...], stack: ExitStack):
        for partner in partners:
            stack.enter_context(cti.lease(partner.line))
        self.cti, self.caller, self.stack, self.partners = cti, caller, stack, partners
        self.phone: Phone = cti.phone(caller)
        self.monitor: Monitor = self.phone.monitor(caller.line)
        self.answering = {}
        for partner in partners:
            phone = cti.phone(partner)
            self.answering[partner.line] = (phone, phone.monitor(partner.line))

    def connect(self, partner: Party) -> dict[str, Any]:
        """A call to ``partner``, answered there: the caller's connected call information."""
        connection_id = self.stack.enter_context(
            self.cti.placed(self.phone, self.caller.line, partner, self.cti.number_of(partner))
        )
        phone, monitor = self.answering[partner.line]
        incoming = monitor.next_change(
            Where(
                lambda e: (
                    same_line(e.get("u8sLinePhoneNumber"), partner.line)
                    and e.get("callinformation", {}).get("iCallState") == OFFERING
                ),
                f"an incoming call offered on {partner.line}",
            )
        )
        # a callback-style PBX connects the calling line before it dials (N30): only a
        # CONNECTED after the answer counts; the round trip brings in what came before it
        self.phone.invoke(SNAPSHOT, {"u8sLinePhoneNumber": self.caller.line}).expect_result()
        earlier = {id(e.argument) for e in self.phone.session.events(CALL_CHANGED)}
        answer = {"u8sConnectionID": incoming["callinformation"]["u8sConnectionID"]}
        phone.invoke("asnCtiAnswerCall", answer).expect_result()
        connected = self.monitor.next_change(
            Where(
                lambda e: (
                    id(e) not in earlier
                    and e.get("callinformation", {}).get("u8sConnectionID") == connection_id
                    and e.get("callinformation", {}).get("iCallState") == CONNECTED
                ),
                f"{connection_id!r} CONNECTED after the answer",
            )
        )
        information: dict[str, Any] = connected["callinformation"]
        return information

    def hold(self, connection_id: str) -> None:
        result = self.phone.invoke("asnCtiHold", {"bHold": True, "u8sConnectionID": connection_id})
        assert result.expect_result()["bSuccess"] is True, result
        self.monitor.change_of(connection_id, frozenset({HELD}))

    def one_on_hold_one_active(self) -> tuple[str, str]:
        """Call B, hold it, call C: the held and the active connection ids."""
        b, c = self.partners
        first = self.connect(b)
        if not first.get("iFeatures", 0) & FEATURE_HOLD:
            pytest.skip(f"the call does not offer hold (iFeatures {first.get('iFeatures')})")
        self.hold(first["u8sConnectionID"])
        return first["u8sConnectionID"], self.connect(c)["u8sConnectionID"]

    def features_now(self, connection_id: str) -> int:
        """The connection's ``iFeatures`` as asnCtiSnapshotPhoneLine answers them."""
        snapshot = self.phone.invoke(SNAPSHOT, {"u8sLinePhoneNumber": self.caller.line})
        calls = snapshot.expect_result()["seqCalls"]
        features = [c["iFeatures"] for c in calls if c.get("u8sConnectionID") == connection_id]
        assert features, f"{SNAPSHOT} does not list the call {connection_id!r}: {calls}"
        return int(features[0])


@pytest.fixture
def two_calls(cti: Cti, caller: Party, callee: Party, profile: Profile) -> Iterator[TwoCalls]:
    """B is the callee's line, C another user's line of the profile's ``[cti] lines``."""
    owners = {line: u for u in profile.enabled_users() for line in u.lines}
    third = [
        line
        for line in profile.cti.lines
        if line in owners and line != callee.line and line not in caller.user.lines
    ]
    if not third:
        pytest.skip("the profile lists no third line of another user")
    c = replace(callee, user=owners[third[0]], line=third[0])
    with ExitStack() as stack:
        yield TwoCalls(cti, caller, (callee, c), stack)


@pytest.mark.spec("26.2.13", line=26465)
@pytest.mark.requires("capability:cti.swap_hold_feature")
def test_held_call_is_told_its_new_features(two_calls: TwoCalls) -> None:
    """Holding B and connecting C changes no state of B, but B can now be swapped with the
    active call (eCFEATURESWAPHOLD, "The active call will be swapped with a call on hold on the
    same line", L27083; capability ``cti.swap_hold_feature``, N59): the monitor of the line gets
    asnCtiNotifyLineCallFeaturesChanged, "sent if only the call features have changed"
    (L26471-L26473), with its own cross reference, the line, and B's "actual features"
    (L26488-L26490): those a snapshot then shows."""
    on = two_calls
    held, _active = on.one_on_hold_one_active()
    monitor = on.monitor

    def about_held(argument: Any) -> bool:
        return argument.get("u8sLineMonitorCrossRefID") == monitor.cross_ref and any(
            f.get("u8sConnectionID") == held for f in argument.get("callFeaturesList", [])
        )

    event = on.phone.session.wait_for(FEATURES_CHANGED, where=about_held).argument or {}
    assert same_line(event["u8sLinePhoneNumber"], on.caller.line), event
    told = [f["iFeatures"] for f in event["callFeaturesList"] if f["u8sConnectionID"] == held]
    assert told[0] & FEATURE_SWAP_HOLD, f"the held call may be swapped now (N59): {event}"
    assert told[0] == on.features_now(held), f"{FEATURES_CHANGED} told {told[0]}: {event}"


@pytest.mark.spec("26.1.20", line=25570)
@pytest.mark.sends(SWAP_HOLD)
def test_swap_hold_takes_back_the_held_call(two_calls: TwoCalls) -> None:
    """With B on hold and C active, asnCtiSwapHold with B's connection ("the call, which is on
    hold to swap with the current active call", L25584-L25586) answers ``bSuccess`` true and
    "the held one will get active" (L25572): the monitor sees B CONNECTED and C on HOLD. Runs
    where B offers eCFEATURESWAPHOLD."""
    on = two_calls
    held, active = on.one_on_hold_one_active()
    if not on.features_now(held) & FEATURE_SWAP_HOLD:
        pytest.skip("the held call does not offer eCFEATURESWAPHOLD")
    result = on.phone.invoke(SWAP_HOLD, {"u8sConnectionID": held}).expect_result()
    assert result["bSuccess"] is True, f"{SWAP_HOLD} answered {result} (L25596)"
    on.monitor.change_of(held, frozenset({CONNECTED}))
    on.monitor.change_of(active, frozenset({HELD}))
