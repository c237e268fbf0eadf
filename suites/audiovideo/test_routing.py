"""Which sessions the end-to-end events of a call reach (12.2.2, 12.2.3, 12.2.9-12.2.13), and in
which order.

An end-to-end event names its receiver (``endpointIDTo``, "ID des Message Empfaengers",
L15554, L15640): it goes to that endpoint, not to another session of the same user and not to
a user outside the call. The media change events are not end-to-end: they "werden im server
terminiert" (L16762), to inform the server "about media changes in existing call (currently to
enable journalling of media switching)" (L16747-L16749), so the peer gets none.
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

MESSAGE = "asnAVCallMessage"
STATE_CHANGED = "asnAVCallStateChanged"
MEDIA = (
    "asnAVMakeMedia",
    "asnAVNewMedia",
    "asnAVConnectMedia",
    "asnAVAlertMedia",
    "asnAVDropMedia",
)
AV_EVENTS = (
    "asnAVNewCall",
    "asnAVAlert",
    "asnAVConnect",
    MESSAGE,
    STATE_CHANGED,
    "asnAVCallHold",
    "asnAVCallHoldAck",
    "asnAVCallRetrieve",
    "asnAVCallRetrieveAck",
    "asnAVDropCall",
    *MEDIA,
)
ICE_CANDIDATE_SDP = 2  # EAV_MESSTYPE_ICE_CANDIDATE_SDP (L15601)
ICE_CANDIDATE_END = 5  # EAV_MESSTYPE_ICE_CANDIDATE_END, "last candidate" (L15603-L15605)
IS_ORIGINATOR = 1  # iAvFlags (L15802-L15804)
JSEP_AV = 0  # iMediaType EAV_CALLTYPE_JSEP_AV: no value in the document, opaque to the server
QUIET_SECONDS = 0.5
"""The window (scaled) in which a stray event would still arrive, once the addressed session
has its own."""
SENDS = ("asnAVMakeCall", "asnAVDropCall")


def _candidate(index: int) -> dict[str, object]:
    """An ICE candidate (AsnAVCallMessageICE, 13.1.8) on a documentation address."""
    return {
        "candidate": f"candidate:{index} 1 udp 2122260223 192.0.2.{index} 5400{index} typ host",
        "sdpMid": "0",
        "sdpMLineIndex": 0,
    }


@pytest.mark.spec("12.2.3", line=15569)
@pytest.mark.spec("12.2.9", line=15763)
@pytest.mark.spec("13.1.17", line=16744)
@pytest.mark.sends(*SENDS, MESSAGE, *MEDIA)
def test_events_reach_the_addressed_session_only(
    av: Switchboard, session_factory: Callable[..., Session]
) -> None:
    """A second session of the callee and a session of a third user are open while the caller
    sends media change events and then an asnAVCallMessage to the callee's endpoint. Once the
    callee's session has the message, and a short window later: the callee's other session has
    no message of the call (it was addressed to another endpoint, L15581), the third user no
    AV event of the call at all (they are no party of it), and the callee no media change
    event (terminated in the server, L16762)."""
    other = session_factory(av.callee_user.alias)
    outsider = session_factory(av.outsider.alias)
    since = {s: s.mark() for s in (other, outsider)}
    call = av.place()
    callee_since = call.callee.session.mark()
    for index, media in enumerate(MEDIA):
        call.caller.send(
            media,
            {
                "u8sCallID": call.call_id,
                "endpointIDTo": call.callee.endpoint,
                "connectedEndPointID": call.caller.endpoint,
                "iMediaType": JSEP_AV,
                "u8sUriFrom": call.caller.user.sip_uri,
                "u8sUriTo": call.callee.user.sip_uri,
                "u8sContentType": "application/sdp",
                "u8sBody": av.SDP_OFFER,
                "u8sMediaID": f"{call.call_id}-media-{index}",
                "iAvFlags": IS_ORIGINATOR,
                "iAvDropReason": 0,
            },
        )
    message = call.message(call.caller, messageType=ICE_CANDIDATE_END)
    call.caller.send(MESSAGE, message)
    av.passes(call.callee, MESSAGE, message, call)
    outsider.assert_quiet(
        "asnAVNewCall", QUIET_SECONDS, av.names_call(call.call_id), since=since[outsider]
    )
    for event in AV_EVENTS:
        where = av.names_call(call.call_id) if event in ("asnAVNewCall", "asnAVDropCall") else None
        outsider.assert_quiet(event, 0, where or av.of_call(call.call_id), since=since[outsider])
    other.assert_quiet(MESSAGE, 0, av.of_call(call.call_id), since=since[other])
    for media in MEDIA:
        call.callee.session.assert_quiet(media, 0, av.of_call(call.call_id), since=callee_since)


@pytest.mark.requires("capability:audiovideo.in_order")
@pytest.mark.spec("12.2.3", line=15569)
@pytest.mark.spec("12.2.2", line=15542)
@pytest.mark.sends(*SENDS, MESSAGE, STATE_CHANGED)
def test_messages_of_one_side_arrive_in_the_order_sent(av: Switchboard) -> None:
    """ICE candidates (EAV_MESSTYPE_ICE_CANDIDATE_SDP, L15601) and then the "last candidate"
    (ICE_CANDIDATE_END, L15603-L15605) go out back to back, followed by an
    asnAVCallStateChanged (12.2.2, with the empty party list it is sent with today,
    L15564-L15566): the callee gets each intact and in the order sent. The document states no
    order of delivery; a server that forwards the events of one session in the order they came
    declares the profile capability ``audiovideo.in_order`` (CONFORMANCE-NOTES)."""
    call = av.place()
    sent = [
        call.message(call.caller, messageType=ICE_CANDIDATE_SDP, iceCandidate=_candidate(i))
        for i in (1, 2, 3)
    ]
    sent.append(call.message(call.caller, messageType=ICE_CANDIDATE_END))
    for message in sent:
        call.caller.send(MESSAGE, message)
    state = call.message(call.caller, callState=0, u8sUriFrom=call.caller.user.sip_uri, parties=[])
    call.caller.send(STATE_CHANGED, state)
    arrived = [
        call.callee.session.wait_for(MESSAGE, av.of_call(call.call_id)).argument or {} for _ in sent
    ]
    order = [_position(av, message, sent) for message in arrived]
    assert order == list(range(len(sent))), (
        f"the call messages arrived as sent number {order} (-1: none sent like it): {arrived}"
    )
    av.passes(call.callee, STATE_CHANGED, state, call)


def _position(av: Switchboard, received: dict[str, object], sent: list[dict[str, object]]) -> int:
    """Which of ``sent`` ``received`` is (every member sent, unchanged), -1 for none."""
    for index, message in enumerate(sent):
        if av.carries(received, message):
            return index
    return -1
