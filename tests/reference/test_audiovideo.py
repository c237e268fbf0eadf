"""AudioVideo in the reference server (document chapter 12/13; conformance/reference/audiovideo.py).

Each test runs on a private server and reads raw WebSockets. "Nothing forwarded" is checked
without sleeping: an event the server forwards is queued before the next invoke on the
sender's channel is answered, and the recipient's frames are read after that round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import pytest

from conformance.reference import ReferenceServer
from conformance.reference.audiovideo import STUN_URI, av_of
from conformance.rose import EVENT_INVOKE_ID

if TYPE_CHECKING:
    from conftest import Api, Channel

Json = dict[str, Any]
ALICE, BOB = "sip:alice@reference.invalid", "sip:bob@reference.invalid"


def _event(channel: Channel) -> Json:
    message = channel.receive()
    assert "invoke" in message and message["invoke"]["invokeID"] == EVENT_INVOKE_ID, message
    invoke: Json = message["invoke"]
    return invoke


def _send(channel: Channel, operation: str, argument: Json) -> None:
    channel.invoke(EVENT_INVOKE_ID, operation, argument)


@pytest.fixture
def channels(
    make_server: Callable[..., ReferenceServer], api_for: Callable[[ReferenceServer], Api]
) -> Iterator[Callable[[str], Channel]]:
    server = make_server()
    api = api_for(server)
    with ExitStack() as stack:

        def open_channel(alias: str) -> Channel:
            return stack.enter_context(api.websocket(api.create_session(alias)))

        yield open_channel


def _call(alice: Channel, bobs: list[Channel]) -> tuple[str, str, list[str]]:
    """alice calls bob: (call id, alice's endpoint, each bob session's endpoint)."""
    argument = {
        "callType": 1,
        "u8sUriFrom": ALICE,
        "u8sUriTo": BOB,
        "u8sContentType": "application/sdp",
        "u8sBody": "v=0",
    }
    reply = alice.call(1, "asnAVMakeCall", argument)
    ids = reply["result"]["result"]["result"]["callAndConnectionID"]
    endpoints = []
    for bob in bobs:
        new_call = _event(bob)
        assert new_call["operationName"] == "asnAVNewCall"
        assert new_call["argument"]["endpointIDFrom"] == ids["u8sEndpointID"]
        assert new_call["argument"]["u8sBody"] == "v=0"
        endpoints.append(new_call["argument"]["callAndConnectionID"]["u8sEndpointID"])
    return ids["u8sCallID"], ids["u8sEndpointID"], endpoints


def test_events_go_to_the_addressed_endpoint_and_connect_drops_the_fork(
    channels: Callable[[str], Channel],
) -> None:
    bob1, bob2 = channels("bob"), channels("bob")
    alice = channels("alice")
    call_id, caller, (first, second) = _call(alice, [bob1, bob2])
    assert first != second
    connect = {
        "u8sCallID": call_id,
        "endpointIDTo": caller,
        "connectedEndPointID": first,
        "callType": 1,
        "u8sUriTo": ALICE,
        "u8sContentType": "application/sdp",
        "u8sBody": "v=0 answer",
    }
    _send(bob1, "asnAVConnect", connect)
    forwarded = _event(alice)
    assert (forwarded["operationName"], forwarded["argument"]) == ("asnAVConnect", connect)
    dropped = _event(bob2)
    assert dropped["operationName"] == "asnAVDropCall"
    target = dropped["argument"]["dropTarget"]["connectionID"]
    assert target == {"u8sCallID": call_id, "u8sEndpointID": second}


def test_media_events_end_at_the_server(channels: Callable[[str], Channel]) -> None:
    bob = channels("bob")
    alice = channels("alice")
    call_id, caller, (callee,) = _call(alice, [bob])
    media = {
        "u8sCallID": call_id,
        "endpointIDTo": callee,
        "connectedEndPointID": caller,
        "iMediaType": 0,
        "u8sUriFrom": ALICE,
        "u8sUriTo": BOB,
        "u8sContentType": "application/sdp",
        "u8sBody": "",
        "u8sMediaID": "m1",
        "iAvFlags": 1,
        "iAvDropReason": 0,
    }
    _send(alice, "asnAVMakeMedia", media)
    _send(
        alice,
        "asnAVDropCall",
        {"dropTarget": {"u8sCallID": call_id}, "u8sCause": "", "iAvDropReason": 0},
    )
    event = _event(bob)  # the media event would come first: the server keeps the order
    assert event["operationName"] == "asnAVDropCall", event


def test_stun_request_is_answered_with_the_configuration(
    channels: Callable[[str], Channel],
) -> None:
    alice = channels("alice")
    _send(alice, "asnRequestSTUNandTURN", {})
    event = _event(alice)
    assert event["operationName"] == "asnSTUNandTURNConfigChanged"
    assert event["argument"]["listConfigSTUNandTURN"][0]["listURIs"] == [STUN_URI]


def test_calls_end_with_their_sessions(
    make_server: Callable[..., ReferenceServer], api_for: Callable[[ReferenceServer], Api]
) -> None:
    server = make_server()
    api = api_for(server)
    with api.websocket(api.create_session("bob")) as bob:
        with api.websocket(api.create_session("alice")) as alice:
            _call(alice, [bob])
            assert av_of(server.state).snapshot() == ["alice -> bob"]
            alice.call(2, "asnLogoff", {})
        assert _event(bob)["operationName"] == "asnAVDropCall"
    assert av_of(server.state).snapshot() == []
