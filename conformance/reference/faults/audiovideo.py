"""Faults: AudioVideo (suites/audiovideo)."""

from __future__ import annotations

from dataclasses import replace

from conformance.reference.audiovideo import (
    FORKS_DROPPED,
    FORWARD_ARGUMENT,
    FORWARD_DELAY,
    FORWARD_RECIPIENTS,
    MEDIA_TERMINATED,
    NEW_CALL_RECIPIENTS,
    STUN_ANSWERED,
    Routing,
)
from conformance.reference.faults.registry import fault
from conformance.reference.sessions import Session
from conformance.rose import JsonObject

_SIGNALLING = "suites/audiovideo/test_call_signalling.py::"
_ROUTING = "suites/audiovideo/test_routing.py::"
_EVERY_CALL = [
    f"{_SIGNALLING}test_new_call_carries_the_offer_to_the_callee",
    f"{_SIGNALLING}test_alert_then_connect_reach_the_caller",
    f"{_SIGNALLING}test_hold_and_retrieve_are_acknowledged_by_the_other_side",
    f"{_SIGNALLING}test_drop_reaches_the_other_side",
    f"{_SIGNALLING}test_transfer_messages_pass_both_ways",
    f"{_SIGNALLING}test_connect_drops_the_other_forked_session",
    f"{_ROUTING}test_events_reach_the_addressed_session_only",
    f"{_ROUTING}test_messages_of_one_side_arrive_in_the_order_sent",
]


@fault(
    "av.new-call-not-sent",
    "asnAVMakeCall answers its result but the called user's sessions get no asnAVNewCall",
    NEW_CALL_RECIPIENTS,
    breaks=_EVERY_CALL,
)
def _av_new_call_not_sent(sessions: tuple[Session, ...]) -> tuple[Session, ...]:
    return ()


@fault(
    "av.echo-to-sender",
    "an end-to-end AV event (asnAVAlert, asnAVConnect, ..., asnAVDropCall) goes back to the "
    "session that sent it instead of the endpoint it names",
    FORWARD_RECIPIENTS,
    breaks=[t for t in _EVERY_CALL if not t.endswith("_offer_to_the_callee")],
)
def _av_echo_to_sender(routing: Routing) -> Routing:
    return replace(routing, recipients=(routing.sender,))


@fault(
    "av.every-session-of-the-user",
    "an end-to-end AV event goes to every session of the addressed endpoint's user, not only "
    "to the endpoint it names",
    FORWARD_RECIPIENTS,
    breaks=[f"{_ROUTING}test_events_reach_the_addressed_session_only"],
)
def _av_every_session_of_the_user(routing: Routing) -> Routing:
    users = {s.user for s in routing.recipients}
    return replace(routing, recipients=tuple(s for s in routing.everyone if s.user in users))


@fault(
    "av.body-emptied",
    "end-to-end AV events are forwarded with an empty u8sBody (the SDP is lost)",
    FORWARD_ARGUMENT,
    breaks=[
        f"{_SIGNALLING}test_alert_then_connect_reach_the_caller",
        f"{_SIGNALLING}test_hold_and_retrieve_are_acknowledged_by_the_other_side",
        f"{_SIGNALLING}test_connect_drops_the_other_forked_session",
    ],
)
def _av_body_emptied(value: tuple[str, JsonObject]) -> tuple[str, JsonObject]:
    name, argument = value
    return (name, {**argument, "u8sBody": ""}) if "u8sBody" in argument else value


@fault(
    "av.optional-members-dropped",
    "end-to-end AV events are forwarded without their optional members (u8sTransferTargetID, "
    "iceCandidate, u8sCaps, ...)",
    FORWARD_ARGUMENT,
    breaks=[
        f"{_SIGNALLING}test_transfer_messages_pass_both_ways",
        f"{_ROUTING}test_messages_of_one_side_arrive_in_the_order_sent",
    ],
)
def _av_optional_members_dropped(value: tuple[str, JsonObject]) -> tuple[str, JsonObject]:
    name, argument = value
    optional = {"u8sTransferTargetID", "iceCandidate", "u8sCaps", "u8sContentType", "u8sBody"}
    if name not in ("asnAVCallMessage", "asnAVTransferGetIDResult", "asnAVTransferStart"):
        return value
    return name, {k: v for k, v in argument.items() if k not in optional}


@fault(
    "av.candidates-overtaken",
    "ICE candidate messages wait 50 ms before they are forwarded, so the last-candidate message "
    "(ICE_CANDIDATE_END) overtakes them",
    FORWARD_DELAY,
    breaks=[f"{_ROUTING}test_messages_of_one_side_arrive_in_the_order_sent"],
)
def _av_candidates_overtaken(
    value: tuple[str, JsonObject, float],
) -> tuple[str, JsonObject, float]:
    name, argument, _ = value
    return name, argument, 0.05 if argument.get("messageType") == 2 else 0.0


@fault(
    "av.forks-kept",
    "asnAVConnect connects the call but the called user's other ringing sessions get no "
    'asnAVDropCall (L16612: it "drops forked users")',
    FORKS_DROPPED,
    breaks=[f"{_SIGNALLING}test_connect_drops_the_other_forked_session"],
)
def _av_forks_kept(dropped: bool) -> bool:
    return False


@fault(
    "av.media-forwarded",
    "media change events (asnAVMakeMedia ...) go on to the peer instead of ending at the server "
    "(L16762)",
    MEDIA_TERMINATED,
    breaks=[f"{_ROUTING}test_events_reach_the_addressed_session_only"],
)
def _av_media_forwarded(terminated: bool) -> bool:
    return False


@fault(
    "av.stun-request-ignored",
    "asnRequestSTUNandTURN gets no asnSTUNandTURNConfigChanged",
    STUN_ANSWERED,
    breaks=[
        "suites/audiovideo/test_stun_and_turn.py::test_request_is_answered_with_the_configuration"
    ],
)
def _av_stun_request_ignored(answered: bool) -> bool:
    return False
