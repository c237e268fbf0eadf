"""Fixtures of the AudioVideo suite (document chapter 12, L15291-L16353; types chapter 13).

Two clients signal an audio/video call through the server: the *caller* (a session of the
profile's first enabled user) places it with asnAVMakeCall (12.1.1) to the SIP identity of the
*callee* (the second enabled user), whose session gets asnAVNewCall (12.2.1). From then on the
two exchange the events of 12.2 that name the receiving endpoint (``endpointIDTo``, "ID des
Message Empfaengers", L15640): each side learns the other's endpoint ID from the call set-up
(the caller's is ``endpointIDFrom`` of asnAVNewCall, L15513-L15515; the callee's is the
``u8sEndpointID`` of its ``callAndConnectionID``, "IDs fuer den Angerufenen", L15489).

Every test tells its call apart from any other (tests may run at once) by the call ID
(``u8sCallID``, "Die CallID identifiziert den Call", L15552), which every AV event carries, and
drops the call it placed when it ends (asnAVDropCall, 12.2.6), pass or fail; the sessions log
off with the test.

The document gives no values for ``callType`` and ``messageType`` beyond the names of a header
file (EDataStructuresAVMessages.h); the suite sends the few numbers it names (L15593-L15605)
and treats the others as opaque, since the server only carries them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from conformance.client import Session, Where
from conformance.profile import Profile, User
from conformance.rose import JsonObject

MAKE_CALL = "asnAVMakeCall"
NEW_CALL = "asnAVNewCall"
DROP_CALL = "asnAVDropCall"

CALL_TYPE = 1
"""``callType`` (EDataStructuresAVMessages.h, not in the document): opaque to the server."""
NORMAL_CALL_CLEARING = 0  # iAvDropReason "to hang up an active call" (L17034)
SDP_OFFER = "v=0\r\no=caller 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n"
SDP_ANSWER = "v=0\r\no=callee 2 2 IN IP4 192.0.2.2\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n"
"""Session descriptions (RFC 4566) on documentation addresses (RFC 5737): the server carries
them; nothing dials them."""


def of_call(call_id: str) -> Where:
    """``where=`` for AV events about one call (every 12.2 call event carries u8sCallID)."""
    return Where(lambda a: a.get("u8sCallID") == call_id, f"u8sCallID == {call_id!r}")


def names_call(call_id: str) -> Where:
    """``where=`` for asnAVNewCall / asnAVDropCall, which name the call inside an ID object."""

    def test(argument: JsonObject) -> bool:
        for holder in ("callAndConnectionID", "dropTarget"):
            value = argument.get(holder)
            if isinstance(value, dict):
                inner = value.get("connectionID")
                ids = inner if isinstance(inner, dict) else value
                if ids.get("u8sCallID") == call_id:
                    return True
        return False

    return Where(test, f"names call {call_id!r}")


def carries(received: object, sent: object) -> bool:
    """Whether ``received`` holds ``sent`` unchanged: objects member by member (a server, or
    a dialect's ``_type``, may add members), everything else equal."""
    if isinstance(sent, dict):
        return isinstance(received, dict) and all(
            carries(received.get(key), value) for key, value in sent.items()
        )
    if isinstance(sent, list):
        return (
            isinstance(received, list)
            and len(received) == len(sent)
            and all(carries(r, s) for r, s in zip(received, sent, strict=True))
        )
    return received == sent


@dataclass(frozen=True)
class Side:
    """One party of a call: a session and the endpoint ID the server gave it."""

    user: User
    session: Session
    endpoint: str

    def send(self, event: str, argument: JsonObject) -> None:
        self.session.send_event(event, argument)


@dataclass(frozen=True)
class AvCall:
    call_id: str
    caller: Side
    callee: Side
    new_call: JsonObject
    """The asnAVNewCall argument the callee received."""

    def message(self, sender: Side, **members: object) -> JsonObject:
        """The members the end-to-end events (AsnAVCallMessageArgument, AsnAVAlertArgument,
        ...) share, from ``sender`` to the other side."""
        receiver = self.callee if sender is self.caller else self.caller
        return {
            "u8sCallID": self.call_id,
            "endpointIDTo": receiver.endpoint,
            "endpointIDFrom": sender.endpoint,
            "u8sUriTo": _sip(receiver.user),
            **members,
        }


def _sip(user: User) -> str:
    assert user.sip_uri is not None  # the fixtures skip users without one
    return user.sip_uri


def offer(caller: User, callee: User) -> JsonObject:
    """An asnAVMakeCall argument (AsnAVMakeCallArgument, 13.1.5)."""
    return {
        "callType": CALL_TYPE,
        "u8sUriFrom": _sip(caller),
        "u8sUriTo": _sip(callee),
        "u8sContentType": "application/sdp",
        "u8sBody": SDP_OFFER,
    }


@pytest.fixture
def parties(profile: Profile) -> tuple[User, User, User]:
    """Caller, callee and an outsider: three enabled users with SIP identities."""
    users = [u for u in profile.enabled_users() if u.sip_uri]
    if len(users) < 3:
        pytest.skip("the AudioVideo suite needs three enabled profile users with a sip_uri")
    return users[0], users[1], users[2]


class Switchboard:
    """The suite's side of AV calls: place them, drop them, check what passes."""

    CALL_TYPE = CALL_TYPE
    SDP_OFFER = SDP_OFFER
    SDP_ANSWER = SDP_ANSWER
    of_call = staticmethod(of_call)
    names_call = staticmethod(names_call)
    carries = staticmethod(carries)

    def __init__(
        self, session_factory: Callable[..., Session], parties: tuple[User, User, User]
    ) -> None:
        self.session_factory = session_factory
        self.caller_user, self.callee_user, self.outsider = parties
        self.placed: list[AvCall] = []

    def place(self, callee: Session | None = None) -> AvCall:
        """A callee session (``callee``, or a new one) and a new caller session, and a call
        from the caller to it, once the callee's session has its asnAVNewCall."""
        ringing = callee or self.session_factory(self.callee_user.alias)
        caller = self.session_factory(self.caller_user.alias)
        argument = offer(self.caller_user, self.callee_user)
        result = caller.invoke(MAKE_CALL, argument).expect_result()
        call_id = result["callAndConnectionID"]["u8sCallID"]
        new_call = ringing.wait_for(NEW_CALL, names_call(call_id)).argument or {}
        call = AvCall(
            call_id,
            # the caller's endpoint as the callee learns it: "EndpointIDs des Anrufenden"
            # (L15513-L15515); the callee's: "IDs fuer den Angerufenen" (L15489)
            Side(self.caller_user, caller, new_call["endpointIDFrom"]),
            Side(self.callee_user, ringing, new_call["callAndConnectionID"]["u8sEndpointID"]),
            new_call,
        )
        self.placed.append(call)
        return call

    def drop(self, call: AvCall, by: Side) -> JsonObject:
        """asnAVDropCall of the whole call (dropTarget u8sCallID, L15707-L15709)."""
        argument: JsonObject = {
            "dropTarget": {"u8sCallID": call.call_id},
            "u8sCause": "normal call clearing",
            "iAvDropReason": NORMAL_CALL_CLEARING,
        }
        by.send(DROP_CALL, argument)
        return argument

    @staticmethod
    def passes(receiver: Side, event: str, sent: JsonObject, call: AvCall) -> JsonObject:
        """Wait at ``receiver`` for ``event`` of ``call``; it must hold every member ``sent``
        with the value sent (a server may add members)."""
        argument = receiver.session.wait_for(event, of_call(call.call_id)).argument or {}
        changed = {
            key: (value, argument.get(key, "<missing>"))
            for key, value in sent.items()
            if not carries(argument.get(key), value)
        }
        assert not changed, f"{event} arrived changed, member: (sent, received): {changed}"
        return argument

    def hang_up_all(self) -> None:
        for call in self.placed:
            if not call.caller.session.closed:
                self.drop(call, call.caller)


@pytest.fixture
def av(
    session_factory: Callable[..., Session], parties: tuple[User, User, User]
) -> Iterator[Switchboard]:
    """The test's :class:`Switchboard`; every call it placed is dropped when the test ends."""
    board = Switchboard(session_factory, parties)
    try:
        yield board
    finally:
        board.hang_up_all()
