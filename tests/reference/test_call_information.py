"""The General events of CTI calls in the reference server (conformance/reference/
call_information.py): asnUpdateMyCallInformation to every session of the line's owner,
asnContactCallInformationChanged to the owner's presence subscribers only."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from conformance.reference import ReferenceServer

if TYPE_CHECKING:
    from conftest import Api, Channel

Json = dict[str, Any]
A1, A2 = "tel:+4930100101", "tel:+4930100102"
ALICE = "sip:alice@reference.invalid"


def _events_until_reply(channel: Channel, invoke_id: int) -> list[Json]:
    events: list[Json] = []
    while "invoke" in (message := channel.receive()):
        events.append(message["invoke"])
    assert message.get("result", {}).get("invokeID") == invoke_id, message
    return events


def test_owner_and_watcher_hear_of_the_call(
    make_server: Callable[..., ReferenceServer], api_for: Callable[[ReferenceServer], Api]
) -> None:
    api = api_for(make_server())
    with (
        api.websocket(api.create_session("alice")) as alice,
        api.websocket(api.create_session("bob")) as bob,
        api.websocket(api.create_session("carol")) as carol,
    ):
        bob.call(1, "asnGetAndSubscribePresence", {"seqContactIDs": [ALICE]})
        argument = {"u8sPhoneNumberFrom": A1, "u8sPhoneNumberTo": "+4930100102", "iNumberFormat": 1}
        alice.invoke(2, "asnCtiMakeCall", argument)
        mine = [
            e
            for e in _events_until_reply(alice, 2)
            if e["operationName"] == "asnUpdateMyCallInformation"
        ]
        alice.invoke(3, "asnCheckConnection", {})
        mine += [
            e
            for e in _events_until_reply(alice, 3)
            if e["operationName"] == "asnUpdateMyCallInformation"
        ]
        assert mine and all(e["argument"]["u8sContactChangedId"] == ALICE for e in mine)
        bob.invoke(4, "asnCheckConnection", {})
        told = [
            e
            for e in _events_until_reply(bob, 4)
            if e["operationName"] == "asnContactCallInformationChanged"
        ]
        assert told and all(e["argument"]["contactID"] == ALICE for e in told)
        carol.invoke(5, "asnCheckConnection", {})
        assert _events_until_reply(carol, 5) == []
