"""An audio/video call signalled between two clients through the server (12.1.1, 12.2.1-12.2.6,
12.2.14-12.2.21).

The server carries the end-to-end events of a call from one side to the endpoint they name
(``endpointIDTo``, "ID des Message Empfaengers", L15640, L15672, L16249): each test sends one
step, waits (with the profile's timeout) for it at the other side, and checks it arrived with
every member it was sent with, unchanged (a server may add members; the document describes no
member a server would rewrite). The steps follow each other as a client's call control would
send them (L16649: "sofort nach Erhalt einen neuen Rufes sollte Alert oder Drop geschickt
werden"), so no test depends on an order the server would have to keep between sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from conformance.client import Session

if TYPE_CHECKING:
    from conftest import Switchboard

pytestmark = [
    pytest.mark.module("AudioVideo"),
    pytest.mark.requires("users>=3"),
    pytest.mark.spec("12.1.1", line=15329),
    pytest.mark.spec("12.2.1", line=15473),
]

ALERT = "asnAVAlert"
CONNECT = "asnAVConnect"
MESSAGE = "asnAVCallMessage"
HOLD = "asnAVCallHold"
HOLD_ACK = "asnAVCallHoldAck"
RETRIEVE = "asnAVCallRetrieve"
RETRIEVE_ACK = "asnAVCallRetrieveAck"
RENEGOTIATE_OFFER = 6  # EAV_MESSTYPE_RENEGOTIATE_OFFER (L15593)
RENEGOTIATE_ANSWER = 7  # EAV_MESSTYPE_RENEGOTIATE_ANSWER (L15595)
DROP_CALL = "asnAVDropCall"
SENDS = ("asnAVMakeCall", DROP_CALL)


@pytest.mark.sends(*SENDS)
def test_new_call_carries_the_offer_to_the_callee(av: Switchboard) -> None:
    """12.2.1 (L15473-L15540): the called user's session gets asnAVNewCall with the caller's
    and the callee's SIP identities (L15509, L15516), the type, content type and body of the
    asnAVMakeCall (12.1.1; "siehe AsnAVMakeCallArgument", L15520-L15526), the call ID of the
    asnAVMakeCall result, and an endpoint of its own, another than the caller's
    (L15485-L15515)."""
    call = av.place()
    new_call = call.new_call
    assert new_call["u8sUriFrom"] == call.caller.user.sip_uri, new_call
    assert new_call["u8sUriTo"] == call.callee.user.sip_uri, new_call
    assert new_call["callType"] == av.CALL_TYPE, new_call
    assert new_call["u8sContentType"] == "application/sdp", new_call
    assert new_call["u8sBody"] == av.SDP_OFFER, new_call
    assert call.callee.endpoint != call.caller.endpoint, new_call


@pytest.mark.spec("12.2.5", line=15662)
@pytest.mark.spec("12.2.4", line=15631)
@pytest.mark.sends(*SENDS, ALERT, CONNECT)
def test_alert_then_connect_reach_the_caller(av: Switchboard) -> None:
    """12.2.5 and 12.2.4: the callee alerts ("Indicate a remote ringing device", L16648) and
    then accepts with its SDP answer (L15654-L15656); the caller's session gets each, intact."""
    call = av.place()
    alert = call.message(call.callee, u8sContentType="", u8sBody="")
    call.callee.send(ALERT, alert)
    av.passes(call.caller, ALERT, alert, call)
    connect = call.message(
        call.callee,
        connectedEndPointID=call.callee.endpoint,
        callType=av.CALL_TYPE,
        u8sContentType="application/sdp",
        u8sBody=av.SDP_ANSWER,
    )
    del connect["endpointIDFrom"]  # AsnAVConnectArgument names the sender connectedEndPointID
    call.callee.send(CONNECT, connect)
    av.passes(call.caller, CONNECT, connect, call)


@pytest.mark.spec("12.2.14", line=15989)
@pytest.mark.spec("12.2.15", line=16054)
@pytest.mark.spec("12.2.16", line=16115)
@pytest.mark.spec("12.2.17", line=16176)
@pytest.mark.sends(*SENDS, HOLD, HOLD_ACK, RETRIEVE, RETRIEVE_ACK)
def test_hold_and_retrieve_are_acknowledged_by_the_other_side(av: Switchboard) -> None:
    """12.2.14-12.2.17: hold and retrieve are requests of one side ("AV Call Hold Request",
    L15995) the other side acknowledges (L16056): each reaches the other side intact, with the
    renegotiation offer and answer it carries (L16013-L16018)."""
    call = av.place()
    for request, ack in ((HOLD, HOLD_ACK), (RETRIEVE, RETRIEVE_ACK)):
        asked = call.message(
            call.caller,
            messageType=RENEGOTIATE_OFFER,
            u8sContentType="application/sdp",
            u8sBody=av.SDP_OFFER,
        )
        call.caller.send(request, asked)
        av.passes(call.callee, request, asked, call)
        answered = call.message(
            call.callee,
            messageType=RENEGOTIATE_ANSWER,
            u8sContentType="application/sdp",
            u8sBody=av.SDP_ANSWER,
        )
        call.callee.send(ack, answered)
        av.passes(call.caller, ack, answered, call)


@pytest.mark.spec("12.2.6", line=15691)
@pytest.mark.sends(*SENDS)
def test_drop_reaches_the_other_side(av: Switchboard) -> None:
    """12.2.6 (L15707-L15709): the caller drops the call by its call ID ("will man alle
    Endpoints ausloesen muss man die CallID schicken"); the callee's session gets
    asnAVDropCall with the drop target, cause and reason as sent."""
    call = av.place()
    sent = av.drop(call, call.caller)
    argument = call.callee.session.wait_for(DROP_CALL, av.names_call(call.call_id)).argument or {}
    assert argument.get("iAvDropReason") == sent["iAvDropReason"], argument
    assert argument.get("u8sCause") == sent["u8sCause"], argument


TRANSFER = (
    "asnAVTransferGetID",
    "asnAVTransferGetIDResult",
    "asnAVTransferStart",
    "asnAVTransferStartResult",
)


@pytest.mark.spec("12.2.18", line=16237)
@pytest.mark.spec("12.2.19", line=16266)
@pytest.mark.spec("12.2.20", line=16296)
@pytest.mark.spec("12.2.21", line=16325)
@pytest.mark.sends(*SENDS, *TRANSFER)
def test_transfer_messages_pass_both_ways(av: Switchboard) -> None:
    """12.2.18-12.2.21: the transfer requests and their results go between the two sides
    with the transfer target ID the consultation partner gives (L16259-L16263), intact."""
    call = av.place()
    target_id = f"transfer-{call.call_id}"
    steps = [
        (call.caller, TRANSFER[0], {}),
        (call.callee, TRANSFER[1], {"u8sTransferTargetID": target_id}),
        (call.caller, TRANSFER[2], {"u8sTransferTargetID": target_id}),
        (call.callee, TRANSFER[3], {"u8sTransferTargetID": target_id}),
    ]
    for sender, event, extra in steps:
        receiver = call.callee if sender is call.caller else call.caller
        sent = call.message(
            sender,
            iTransferResult=0,
            u8sUriTransferTo=call.callee.user.sip_uri,
            u8sUriTransferFrom=call.caller.user.sip_uri,
            **extra,
        )
        del sent["u8sUriTo"]  # AsnAVTransferArgument has no u8sUriTo
        sender.send(event, sent)
        av.passes(receiver, event, sent, call)


@pytest.mark.requires("capability:audiovideo.forking")
@pytest.mark.spec("12.2.4", line=15631)
@pytest.mark.spec("13.1.9", line=16612)
@pytest.mark.sends(*SENDS, CONNECT)
def test_connect_drops_the_other_forked_session(
    av: Switchboard, session_factory: Callable[..., Session]
) -> None:
    """13.1.9 (L16612): asnAVConnect "Connect/accept an AV Connection and drops forked users".
    With the call ringing at two sessions of the callee (profile capability
    ``audiovideo.forking``: the server offers a call to every session of the called user), the
    one that connects is connected to the caller, and the other gets asnAVDropCall for the
    call."""
    other = session_factory(av.callee_user.alias)
    call = av.place()
    other.wait_for("asnAVNewCall", av.names_call(call.call_id))
    connect = call.message(
        call.callee,
        connectedEndPointID=call.callee.endpoint,
        callType=av.CALL_TYPE,
        u8sContentType="application/sdp",
        u8sBody=av.SDP_ANSWER,
    )
    del connect["endpointIDFrom"]
    call.callee.send(CONNECT, connect)
    av.passes(call.caller, CONNECT, connect, call)
    other.wait_for(DROP_CALL, av.names_call(call.call_id))
