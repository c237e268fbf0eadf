"""Line features in the reference server (conformance/reference/cti_features.py, pbx.py):
each change reaches every monitor of the line, a monitor start reports the features as they
are, another user's line is refused, and each cti-line fault flips what it names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import pytest

from conformance.reference import FAULTS, ReferenceServer
from conformance.reference.cti import cti_of

if TYPE_CHECKING:
    from conftest import Api, Channel

Json = dict[str, Any]
A1, B1 = "tel:+4930100101", "tel:+4930100201"
MakeApi = Callable[[ReferenceServer], "Api"]


def _monitor(channel: Channel, invoke_id: int) -> tuple[str, Json]:
    reply = channel.call(invoke_id, "asnCtiLineMonitorStart", {"u8sLinePhoneNumber": A1})
    result: Json = reply["result"]["result"]["result"]
    return result["u8sMonitorCrossRefID"], result


def _drain(channel: Channel, invoke_id: int) -> list[Json]:
    """What ``channel`` receives before a round trip (a snapshot) answered as ``invoke_id``:
    the handler of an earlier invoke queued its reply and events before that reply."""
    channel.invoke(invoke_id, "asnCtiSnapshotPhoneLine", {"u8sLinePhoneNumber": A1})
    events: list[Json] = []
    while True:
        message = channel.receive()
        if "invoke" in message:
            events.append(message["invoke"])
        elif message.get("result", {}).get("invokeID") == invoke_id:
            return events
        else:
            events.append(message)  # an earlier invoke's reply, kept in its place


def _changes(server: ReferenceServer, api_for: MakeApi) -> Iterator[Json]:
    """DnD on, a forward set, remote office on, in alice's session with two monitors: yields
    each result and then the events of both sessions, in order, then puts everything back."""
    api = api_for(server)
    with ExitStack() as stack:
        first = stack.enter_context(api.websocket(api.create_session("alice")))
        second = stack.enter_context(api.websocket(api.create_session("alice")))
        refs = [_monitor(first, 1)[0], _monitor(second, 1)[0]]
        steps = [
            ("asnCtiLineSetDoNotDisturb", {"u8sLinePhoneNumber": A1, "bDoNotDisturb": True}),
            ("asnCtiSetForward", {"u8sPhoneNumberFrom": A1, "u8sPhoneNumberTo": "+4930100202"}),
            (
                "asnCtiLineSetRemoteOffice",
                {
                    "u8sLinePhoneNumber": A1,
                    "remoteOfficeState": {
                        "u8sController": "",
                        "iEnabled": 1,
                        "u8sDestination": "+4930100202",
                    },
                },
            ),
            ("asnCtiSetActiveLineAddress", {"u8sLinePhoneNumber": A1, "iAddressID": 1}),
        ]
        for number, (operation, argument) in enumerate(steps, start=2):
            first.invoke(number, operation, argument)
            for channel, ref in zip((first, second), refs, strict=True):
                for message in _drain(channel, 100 + number):
                    if "result" in message:
                        yield message["result"]["result"]["result"]
                        continue
                    assert message["argument"]["u8sMonitorCrossRefID"] == ref
                    yield message
        yield _monitor(first, 9)[1]
        off = {"u8sLinePhoneNumber": A1, "bDoNotDisturb": False}
        reset = {"u8sController": "", "iEnabled": 0, "u8sDestination": ""}
        first.call(10, "asnCtiLineSetDoNotDisturb", off)
        first.call(11, "asnCtiRemoveForward", {"u8sPhoneNumberFrom": A1})
        first.call(
            12, "asnCtiLineSetRemoteOffice", {"u8sLinePhoneNumber": A1, "remoteOfficeState": reset}
        )
        first.call(13, "asnCtiSetActiveLineAddress", {"u8sLinePhoneNumber": A1, "iAddressID": 0})


def test_changes_reach_both_monitors_and_the_next_monitor_start(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    server = make_server()
    seen = list(_changes(server, api_for))
    names = [s.get("operationName") for s in seen if "operationName" in s]
    dnd, forwarding, remote_office = (
        "asnCtiNotifyLineDoNotDisturbChanged",
        "asnCtiNotifyLineForwardingChanged",
        "asnCtiNotifyLineRemoteOfficeChanged",
    )
    address = "asnCtiNotifyLineActiveAddressChanged"
    assert names == [
        dnd,
        dnd,
        forwarding,
        forwarding,
        remote_office,
        remote_office,
        address,
        address,
    ]
    forward = next(s for s in seen if "bExistingForwardingChanged" in s)
    assert forward == {"bSuccess": True, "bExistingForwardingChanged": True}
    started = seen[-1]
    assert started["iDoNotDisturb"] == 1
    assert [f["u8sDestination"] for f in started["seqLineForwards"]] == ["+4930100202"]
    assert started["remoteOfficeState"]["iEnabled"] == 1
    assert cti_of(server.state).pbx.changed_features() == []


def test_another_users_line_is_refused(api: Api) -> None:
    with api.websocket(api.create_session("alice")) as alice:
        reply = alice.call(
            1, "asnCtiLineSetDoNotDisturb", {"u8sLinePhoneNumber": B1, "bDoNotDisturb": True}
        )
    assert reply["error"]["error"]["iErrorDetail"] == 2, reply  # accessdenied


@pytest.mark.parametrize("name", sorted(n for n in FAULTS if n.startswith("cti-line.")))
def test_each_fault_changes_what_the_monitors_see(
    name: str, make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    clean = list(_changes(make_server(), api_for))
    faulty = list(_changes(make_server(faults=[name]), api_for))
    assert _comparable(faulty) != _comparable(clean)


def _comparable(seen: list[Json]) -> list[Json]:
    """What two servers' runs share: the cross references differ from server to server."""
    return [
        {**s, "argument": {k: v for k, v in s["argument"].items() if k != "u8sMonitorCrossRefID"}}
        if "argument" in s
        else s
        for s in seen
        if "u8sMonitorCrossRefID" not in s  # the final monitor start result
    ]


def test_held_call_features_follow_the_other_call_on_its_line(
    make_server: Callable[..., ReferenceServer],
) -> None:
    """A held call offers eCFEATURESWAPHOLD while another call on its line is active; the PBX
    reports such a change of features alone once (pbx.features_changed, N59)."""
    pbx = cti_of(make_server().state).pbx
    swap = 4096

    def connected(destination: str) -> Any:
        call, _ = pbx.dial(A1, destination, destination)
        pbx.alert(call, destination)
        pbx.answer(call.connections[1])
        return call.connections[0]

    first = connected(B1)
    pbx.hold(first, True)
    assert not pbx.call_features(first) & swap
    assert pbx.features_changed(A1) == []
    second = connected("tel:+4930100301")
    assert pbx.call_features(first) & swap
    assert pbx.features_changed(A1) == [first]
    assert pbx.features_changed(A1) == []
    pbx.drop(second)
    assert pbx.features_changed(A1) == [first]
    assert not pbx.call_features(first) & swap
    pbx.drop(first)
    assert pbx.live_connections() == []
