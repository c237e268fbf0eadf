"""Named, deliberate faults of the reference server, for checking that the suite notices.

``ReferenceServer(faults=["logon.wrong-status"])`` switches faults on by name. Each fault is
one small function registered on one hook point (:mod:`conformance.reference.hooks`); the hook
points sit where the correct server makes the decision the fault bends. ``breaks`` names the
conformance tests that must fail while the fault is on; the suites are not written yet, so the
sets are empty until they are (the mutation check then asserts them).

To add a fault: pick (or declare, next to the decision) a hook point, then::

    @fault("area.what-goes-wrong", "one line: what the server does wrong", SOME_POINT)
    def _what_goes_wrong(value: T) -> T:
        return <the wrong value>
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, TypeVar

from conformance.reference.auth import LOGON_FAILURE, TOKEN_CHECKS, LogonDetail, LogonFailure
from conformance.reference.dispatch import Success
from conformance.reference.hooks import Fault, FaultSet, HookPoint
from conformance.reference.presence import (
    ALL_FLAGS,
    PRESENCE_ANNOUNCED,
    PRESENCE_AUDIENCE,
    PRESENCE_REPORTED,
    PRESENCE_UNSUBSCRIBED,
    Audience,
    PresenceChange,
)
from conformance.reference.routes import JSONP_CALLBACK, UCSID_ACCEPTED
from conformance.reference.state import OUTGOING_EVENT
from conformance.reference.websocket import BAD_FRAME_ACTION, OUTGOING_REPLY
from conformance.rose import Error, Invoke, Reject

__all__ = ["FAULTS", "activate", "fault"]

T = TypeVar("T")

FAULTS: dict[str, Fault] = {}
"""Every known fault by name."""


def fault(
    name: str, description: str, point: HookPoint[T], breaks: Iterable[str] = ()
) -> Callable[[Callable[[T], T]], Callable[[T], T]]:
    """Register the decorated transform as fault ``name`` on ``point``."""

    def register(transform: Callable[[T], T]) -> Callable[[T], T]:
        if name in FAULTS:
            raise ValueError(f"fault {name!r} is defined twice")
        hooks: tuple[tuple[HookPoint[Any], Callable[[Any], Any]], ...] = ((point, transform),)
        FAULTS[name] = Fault(name, description, frozenset(breaks), hooks)
        return transform

    return register


def activate(names: Iterable[str]) -> FaultSet:
    """The faults named; ``ValueError`` listing the known ones for an unknown name."""
    chosen = []
    for name in names:
        if name not in FAULTS:
            known = ", ".join(sorted(FAULTS))
            raise ValueError(f"unknown fault {name!r}; known faults: {known}")
        chosen.append(FAULTS[name])
    return FaultSet(chosen)


# --- logon ---------------------------------------------------------------------------------


@fault(
    "logon.wrong-status",
    "a failed logon that is due a 400 logon error body (token, query credentials, no401) "
    "gets 401 with a Basic challenge",
    LOGON_FAILURE,
)
def _logon_wrong_status(failure: LogonFailure) -> LogonFailure:
    return replace(failure, challenge=True)


@fault(
    "logon.wrong-detail",
    "an unknown user name is reported as iErrorDetail 102 (invalid password) instead of 101",
    LOGON_FAILURE,
)
def _logon_wrong_detail(failure: LogonFailure) -> LogonFailure:
    if failure.detail == LogonDetail.INVALID_USER:
        return replace(failure, detail=LogonDetail.INVALID_PASSWORD)
    return failure


# --- routing -------------------------------------------------------------------------------


@fault(
    "ucsid.not-checked",
    "a request naming another UCSID is served instead of answered 502 WsError 119",
    UCSID_ACCEPTED,
)
def _ucsid_not_checked(accepted: bool) -> bool:
    return True


@fault(
    "jsonp.ignored",
    "the JSONP callback parameter is ignored: plain JSON comes back",
    JSONP_CALLBACK,
)
def _jsonp_ignored(callback: str | None) -> str | None:
    return None


# --- tokens --------------------------------------------------------------------------------


@fault(
    "token.identification-logs-in",
    "an identification token (iType 0, eUserTokenExternal) logs in like a login token",
    TOKEN_CHECKS,
)
def _identification_logs_in(checks: frozenset[str]) -> frozenset[str]:
    return checks - {"type"}


@fault(
    "token.expiry-ignored",
    "expired tokens still log in and still verify",
    TOKEN_CHECKS,
)
def _expiry_ignored(checks: frozenset[str]) -> frozenset[str]:
    return checks - {"expiry"}


# --- envelopes -----------------------------------------------------------------------------


@fault(
    "envelope.no-session-id",
    "WebSocket results carry no sessionID",
    OUTGOING_REPLY,
)
def _no_session_id(reply: Success | Error | Reject) -> Success | Error | Reject:
    if isinstance(reply, Success):
        return replace(reply, session_id=None)
    return reply


@fault(
    "envelope.event-invoke-id",
    "events are sent with invokeID 0 instead of 99999",
    OUTGOING_EVENT,
)
def _event_invoke_id(event: Invoke) -> Invoke:
    return Invoke(0, event.operation_name, event.argument, event.operation_id, event.session_id)


# --- robustness ----------------------------------------------------------------------------


@fault(
    "robustness.drop-on-bad-frame",
    "an undecodable WebSocket frame closes the connection instead of being rejected",
    BAD_FRAME_ACTION,
)
def _drop_on_bad_frame(action: str) -> str:
    return "close"


# --- presence ------------------------------------------------------------------------------


@fault(
    "presence.update-after-unsubscribe",
    "asnUnsubscribePresence answers iResult 0 but the session keeps getting asnUpdatePresence",
    PRESENCE_UNSUBSCRIBED,
)
def _update_after_unsubscribe(contact_ids: frozenset[str]) -> frozenset[str]:
    return frozenset()


@fault(
    "presence.no-update",
    "a change of a subscribed contact's presence sends no asnUpdatePresence",
    PRESENCE_ANNOUNCED,
)
def _no_update(announced: bool) -> bool:
    return False


@fault(
    "presence.wrong-state",
    "asnUpdatePresence carries the presence from before the change instead of the new one",
    PRESENCE_REPORTED,
)
def _wrong_state(change: PresenceChange) -> PresenceChange:
    return replace(change, after=change.before)


@fault(
    "presence.event-to-other-session",
    "asnUpdatePresence also goes to every open session that did not subscribe to the contact",
    PRESENCE_AUDIENCE,
)
def _event_to_other_session(audience: Audience) -> Audience:
    strays = tuple((session, ALL_FLAGS) for session in audience.others)
    return Audience(audience.subscribers + strays, ())
