"""Named, deliberate faults of the reference server, for checking that the suite notices.

``ReferenceServer(faults=["logon.wrong-status"])`` switches faults on by name. Each fault is
one small function registered on one hook point (:mod:`conformance.reference.hooks`); the hook
points sit where the correct server makes the decision the fault bends. ``breaks`` names the
conformance tests that must fail while the fault is on (and so, by omission, those that must
still pass); :mod:`conformance.faultcheck` (``ucconf faults check``, and the project test
``tests/suites/test_fault_catalogue.py``) runs the suites with each fault and asserts exactly
that. A fault's set stays empty until the suites it breaks are written.

To add a fault: pick (or declare, next to the decision) a hook point, then::

    @fault("area.what-goes-wrong", "one line: what the server does wrong", SOME_POINT)
    def _what_goes_wrong(value: T) -> T:
        return <the wrong value>
"""

from __future__ import annotations

import json
import math
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, TypeVar

from aiohttp import web

from conformance.catalog import default_catalog
from conformance.instances import InstanceBuilder
from conformance.reference.agent import (
    GROUPS_LISTED,
    MONITOR_ENDS,
    STATE_AUDIENCE,
    GroupListing,
    Monitor,
)
from conformance.reference.auth import LOGON_FAILURE, TOKEN_CHECKS, LogonDetail, LogonFailure
from conformance.reference.authentication import LOGOFF_ENDS_SESSION, TOKEN_REQUEST
from conformance.reference.broadcast import (
    BROADCAST_AUDIENCE,
    BROADCAST_EXISTS,
    BROADCAST_RETENTION,
    CONFIRM_REMOVES,
    ITEMS_LISTED,
    MAX_TTL,
    REPEATED_CONFIRM,
    BroadcastAudience,
    Listing,
    Retention,
)
from conformance.reference.chat import (
    EVENT_LIST_SEGMENTS,
    FIND_PAGE,
    GET_EVENTS_WINDOW,
    HISTORY_ACCESS,
    HISTORY_VIEW,
    PARTNER_CONVERSATION,
    RANGE_WINDOW,
    UNKNOWN_CONVERSATION,
    HistoryView,
    RangeWindow,
)
from conformance.reference.chat_store import Conversation
from conformance.reference.cti import (
    ANSWER_ALLOWED,
    CALL_STATE_REPORTED,
    CHANGE_NOTIFY_ATTACHED,
    EVENT_CROSS_REFERENCES,
    LINE_ACCESS,
    LINE_CALLS_REPORTED,
    LINE_SCOPE,
    MAKE_CALL_RESULT_SENT,
    MONITOR_STOPPED,
    UNKNOWN_MONITOR_REFUSED,
    LineScope,
)
from conformance.reference.dispatch import (
    INVALID_ARGUMENT,
    OPERATION_RESULT,
    OperationError,
    Success,
    request_error,
)
from conformance.reference.hooks import Fault, FaultSet, HookPoint
from conformance.reference.pbx import CallState
from conformance.reference.presence import (
    ALL_FLAGS,
    PRESENCE_ANNOUNCED,
    PRESENCE_AUDIENCE,
    PRESENCE_REPORTED,
    PRESENCE_UNSUBSCRIBED,
    Audience,
    PresenceChange,
)
from conformance.reference.routes import (
    HTTP_RESPONSE,
    JSONP_CALLBACK,
    METHODS_SERVED,
    SESSION_ID_SENT,
    SESSION_OF_REQUEST,
    UCSID_ACCEPTED,
)
from conformance.reference.sessions import Session
from conformance.reference.state import OUTGOING_EVENT
from conformance.reference.websocket import BAD_FRAME_ACTION, INVOKE_ANSWER, OUTGOING_REPLY
from conformance.rose import Error, GeneralProblem, Invoke, InvokeProblem, JsonObject, Reject

__all__ = ["FAULTS", "activate", "fault"]

T = TypeVar("T")

FAULTS: dict[str, Fault] = {}
"""Every known fault by name."""


def fault(
    name: str, description: str, point: HookPoint[T], breaks: Iterable[str] = ()
) -> Callable[[Callable[[T], T]], Callable[[T], T]]:
    """Register the decorated transform as fault ``name`` on ``point``."""

    def register(transform: Callable[[T], T]) -> Callable[[T], T]:
        known = FAULTS.get(name)
        # Re-importing this module (pytester drops imported modules between in-process runs)
        # registers the same function again; only a second, different definition is an error.
        if known is not None and known.hooks[0][1].__qualname__ != transform.__qualname__:
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


# --- the conformance tests a fault must break (ids relative to the repository root) -------

_BASIC = "suites/auth/test_basic_challenge.py"
_CREATESESSION = "suites/auth/test_createsession.py"
_DIRECT = "suites/auth/test_direct_route.py"
_LOGON = "suites/auth/test_logon_errors.py"
_SESSION_IDS = "suites/auth/test_session_ids.py"
_UCSID = "suites/auth/test_ucsid.py"
_GET_TOKEN = "suites/tokens/test_get_user_token.py"
_LIFETIME = "suites/tokens/test_token_lifetime.py"
_TOKEN_LOGIN = "suites/tokens/test_token_login.py"
_VERIFY = "suites/tokens/test_token_verify.py"
_BOTH_ROUTES = ("createsession", "direct")


def _tests(path: str, name: str, *params: str) -> tuple[str, ...]:
    """The ids of test ``name`` in ``path``: one per parameter id given, else the test's own."""
    if not params:
        return (f"{path}::{name}",)
    return tuple(f"{path}::{name}[{param}]" for param in params)


_TOKEN_LOGINS = _tests(
    _TOKEN_LOGIN,
    "test_login_token_logs_in",
    "createsession-header",
    "createsession-query",
    "direct-header",
    "direct-query",
)
_EXPIRY = _tests(_LIFETIME, "test_token_is_refused_with_130_once_its_ttl_has_passed")
_GET_LOGIN_TOKEN = _tests(_GET_TOKEN, "test_get_with_itype_1_in_the_query_gives_a_login_token")
_POST_LOGIN_TOKEN = _tests(_GET_TOKEN, "test_post_with_itype_1_in_the_body_gives_a_login_token")
_LOGGED_OFF = _tests(_SESSION_IDS, "test_session_id_is_refused_after_logoff")


# --- logon ---------------------------------------------------------------------------------


@fault(
    "logon.wrong-status",
    "a failed logon that is due a 400 logon error body (token, query credentials, no401) "
    "gets 401 with a Basic challenge",
    LOGON_FAILURE,
    breaks=(
        *_tests(_BASIC, "test_x_no401_header_turns_the_challenge_into_the_logon_error_body"),
        *_tests(_BASIC, "test_no401_query_parameter_turns_the_challenge_into_the_logon_error_body"),
        *_tests(_LOGON, "test_wrong_password_is_logon_error_102_naming_the_user", *_BOTH_ROUTES),
        *_tests(_LOGON, "test_unknown_user_is_logon_error_101_without_failed_user", *_BOTH_ROUTES),
        *_tests(_LOGON, "test_disabled_user_is_logon_error_107", *_BOTH_ROUTES),
        *_EXPIRY,
        *_tests(_TOKEN_LOGIN, "test_identification_token_never_logs_in", "default-type", "itype-0"),
        *_tests(_TOKEN_LOGIN, "test_garbage_token_is_refused_with_400"),
    ),
)
def _logon_wrong_status(failure: LogonFailure) -> LogonFailure:
    return replace(failure, challenge=True)


@fault(
    "logon.wrong-detail",
    "an unknown user name is reported as iErrorDetail 102 (invalid password) instead of 101",
    LOGON_FAILURE,
    breaks=_tests(
        _LOGON, "test_unknown_user_is_logon_error_101_without_failed_user", *_BOTH_ROUTES
    ),
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
    breaks=_tests(
        _UCSID,
        "test_unknown_ucsid_is_502_ws_error_119_naming_it",
        *(
            f"{route}-{where}"
            for route in ("direct", "createsession", "client")
            for where in ("header", "query")
        ),
    ),
)
def _ucsid_not_checked(accepted: bool) -> bool:
    return True


@fault(
    "jsonp.ignored",
    "the JSONP callback parameter is ignored: plain JSON comes back",
    JSONP_CALLBACK,
    breaks=_tests(_DIRECT, "test_jsonp_callback_wraps_the_same_body"),
)
def _jsonp_ignored(callback: str | None) -> str | None:
    return None


# --- tokens --------------------------------------------------------------------------------


@fault(
    "token.identification-logs-in",
    "an identification token (iType 0, eUserTokenExternal) logs in like a login token",
    TOKEN_CHECKS,
    breaks=_tests(
        _TOKEN_LOGIN, "test_identification_token_never_logs_in", "default-type", "itype-0"
    ),
)
def _identification_logs_in(checks: frozenset[str]) -> frozenset[str]:
    return checks - {"type"}


@fault(
    "token.expiry-ignored",
    "expired tokens still log in and still verify",
    TOKEN_CHECKS,
    breaks=_EXPIRY,
)
def _expiry_ignored(checks: frozenset[str]) -> frozenset[str]:
    return checks - {"expiry"}


# --- envelopes -----------------------------------------------------------------------------


_ENVELOPES = "suites/envelope/test_envelopes.py"


@fault(
    "envelope.no-session-id",
    "WebSocket results carry no sessionID",
    OUTGOING_REPLY,
    breaks=_tests(_ENVELOPES, "test_result_carries_the_sessions_id_as_session_id"),
)
def _no_session_id(reply: Success | Error | Reject) -> Success | Error | Reject:
    if isinstance(reply, Success):
        return replace(reply, session_id=None)
    return reply


@fault(
    "envelope.event-invoke-id",
    "events are sent with invokeID 0 instead of 99999",
    OUTGOING_EVENT,
    breaks=_tests(_ENVELOPES, "test_event_carries_invoke_id_99999"),
)
def _event_invoke_id(event: Invoke) -> Invoke:
    return Invoke(0, event.operation_name, event.argument, event.operation_id, event.session_id)


@fault(
    "envelope.error-invoke-id",
    "WebSocket errors carry invokedID 0 instead of the id of the invoke they answer",
    OUTGOING_REPLY,
    breaks=_tests(_ENVELOPES, "test_error_reply_carries_the_invokes_id_as_invoked_id"),
)
def _error_invoke_id(reply: Success | Error | Reject) -> Success | Error | Reject:
    if isinstance(reply, Error):
        return replace(reply, invoke_id=0)
    return reply


# --- robustness ----------------------------------------------------------------------------


@fault(
    "robustness.drop-on-bad-frame",
    "an undecodable WebSocket frame closes the connection instead of being rejected",
    BAD_FRAME_ACTION,
    breaks=(
        *_tests(
            "suites/robustness/test_frames.py",
            "test_malformed_json_frame_gets_a_general_problem_reject",
            "truncated",
            "not-json",
            "trailing-garbage",
        ),
        *_tests(
            "suites/robustness/test_frames.py",
            "test_json_that_is_no_rose_message_gets_a_general_problem_reject",
            "object-without-kind",
            "number",
            "string",
        ),
        *_tests(
            "suites/robustness/test_frames.py", "test_invoke_without_operation_name_is_rejected"
        ),
    ),
)
def _drop_on_bad_frame(action: str) -> str:
    return "close"


# --- presence ------------------------------------------------------------------------------

_PRESENCE_SUBSCRIBE = "suites/presence/test_subscribe.py"
_PRESENCE_UPDATE = "suites/presence/test_update.py"
_PRESENCE_UNSUBSCRIBE = "suites/presence/test_unsubscribe.py"
_SUBSCRIBE_RESULT = _tests(_PRESENCE_SUBSCRIBE, "test_result_holds_the_contacts_current_presence")
_NEW_STATE = _tests(
    _PRESENCE_UPDATE,
    "test_subscriber_receives_the_new_state",
    "out-of-office",
    "meeting",
    "do-not-disturb",
)
_NOT_SUBSCRIBED = _tests(_PRESENCE_UPDATE, "test_session_that_did_not_subscribe_gets_no_update")
_UNSUBSCRIBED = _tests(_PRESENCE_UNSUBSCRIBE, "test_no_update_after_unsubscribe")


@fault(
    "presence.update-after-unsubscribe",
    "asnUnsubscribePresence answers iResult 0 but the session keeps getting asnUpdatePresence",
    PRESENCE_UNSUBSCRIBED,
    breaks=_UNSUBSCRIBED,
)
def _update_after_unsubscribe(contact_ids: frozenset[str]) -> frozenset[str]:
    return frozenset()


@fault(
    "presence.no-update",
    "a change of a subscribed contact's presence sends no asnUpdatePresence",
    PRESENCE_ANNOUNCED,
    # the unsubscribe and isolation tests first see the subscriber told of a change
    breaks=(*_NEW_STATE, *_NOT_SUBSCRIBED, *_UNSUBSCRIBED),
)
def _no_update(announced: bool) -> bool:
    return False


@fault(
    "presence.wrong-state",
    "asnUpdatePresence carries the presence from before the change instead of the new one",
    PRESENCE_REPORTED,
    breaks=_NEW_STATE,
)
def _wrong_state(change: PresenceChange) -> PresenceChange:
    return replace(change, after=change.before)


@fault(
    "presence.event-to-other-session",
    "asnUpdatePresence also goes to every open session that did not subscribe to the contact",
    PRESENCE_AUDIENCE,
    breaks=(*_NOT_SUBSCRIBED, *_UNSUBSCRIBED),  # an unsubscribed session is one of them
)
def _event_to_other_session(audience: Audience) -> Audience:
    strays = tuple((session, ALL_FLAGS) for session in audience.others)
    return Audience(audience.subscribers + strays, ())


@fault(
    "presence.subscribe-shows-available",
    "asnGetAndSubscribePresence reports every contact it manages as available (eAVAILABLE), "
    "whatever its presence",
    OPERATION_RESULT,
    breaks=_SUBSCRIBE_RESULT,
)
def _subscribe_shows_available(outcome: tuple[str, Any]) -> tuple[str, Any]:
    name, result = outcome
    if name != "asnGetAndSubscribePresence":
        return outcome
    discrete, uncontrolled, available = 0xFF, 0, 1  # ePresenceStateMask; AsnPresenceStateEnum
    presences = []
    for presence in result["seqSubscribedPresence"]:
        state = presence.get("iPresenceState")
        if state is not None and state & discrete != uncontrolled:
            presence = {**presence, "iPresenceState": state & ~discrete | available}
        presences.append(presence)
    return name, {**result, "seqSubscribedPresence": presences}


# --- sessions and tokens (suites/auth, suites/tokens) --------------------------------------


@fault(
    "logon.no-challenge",
    "a wrong HTTP Basic login without no401 gets the 400 logon error body instead of a 401 "
    "with a Basic challenge",
    LOGON_FAILURE,
    breaks=_tests(_BASIC, "test_wrong_basic_credentials_are_challenged_with_401", *_BOTH_ROUTES),
)
def _no_challenge(failure: LogonFailure) -> LogonFailure:
    return replace(failure, challenge=False)


@fault(
    "createsession.lowercase-id",
    "createsession answers the session id in lower-case hex digits",
    SESSION_ID_SENT,
    breaks=(
        *_tests(_CREATESESSION, "test_createsession_accepts_the_users_password", "basic", "query"),
        *_tests(_CREATESESSION, "test_session_id_is_32_upper_case_hex_digits"),
        *_tests(_CREATESESSION, "test_session_id_authenticates_calls_on_the_client_route"),
        *_LOGGED_OFF,
        *_tests(
            _UCSID,
            "test_unknown_ucsid_is_502_ws_error_119_naming_it",
            "client-header",
            "client-query",
        ),
        *_tests(
            _TOKEN_LOGIN, "test_login_token_logs_in", "createsession-header", "createsession-query"
        ),
    ),
)
def _lowercase_id(session_id: str) -> str:
    return session_id.lower()


@fault(
    "session.unknown-id-crashes",
    "a /ws/client call naming an unknown session id crashes (HTTP 500) instead of a reject",
    SESSION_OF_REQUEST,
    breaks=(
        *_tests(_SESSION_IDS, "test_session_id_never_issued_is_refused", "malformed", "unknown"),
        *_LOGGED_OFF,
    ),
)
def _unknown_session_crashes(session: Session | None) -> Session | None:
    if session is None:
        raise LookupError("no such session")  # the bug: the session is used unchecked
    return session


@fault(
    "session.survives-logoff",
    "asnLogoff leaves the session alive: its id still authenticates /ws/client calls",
    LOGOFF_ENDS_SESSION,
    breaks=_LOGGED_OFF,
)
def _survives_logoff(ends: bool) -> bool:
    return False


@fault(
    "http.post-only",
    "the /ws/ routes answer GET with 405: only POST is served",
    METHODS_SERVED,
    breaks=(
        *_tests(_DIRECT, "test_get_and_post_give_the_same_result"),
        *_tests(_DIRECT, "test_jsonp_callback_wraps_the_same_body"),
        *_GET_LOGIN_TOKEN,
    ),
)
def _post_only(methods: frozenset[str]) -> frozenset[str]:
    return methods - {"GET"}


@fault(
    "contact.display-name-as-user",
    "asnGetLoggedInContact names the user by display name instead of login name",
    OPERATION_RESULT,
    breaks=(
        *_tests(_CREATESESSION, "test_session_id_authenticates_calls_on_the_client_route"),
        *_tests(_DIRECT, "test_logged_in_contact_is_the_authenticated_user"),
        *_GET_LOGIN_TOKEN,
        *_POST_LOGIN_TOKEN,
        *_TOKEN_LOGINS,
    ),
)
def _display_name_as_user(outcome: tuple[str, Any]) -> tuple[str, Any]:
    name, result = outcome
    if name != "asnGetLoggedInContact":
        return outcome
    display = result["ownContact"]["asnRemoteContact"]["u8sDisplayName"]
    return name, {**result, "u8sLoggedInUser": display}


@fault(
    "token.type-ignored",
    "asnGetUserToken ignores iType: every token is the default identification token",
    TOKEN_REQUEST,
    breaks=(
        *_GET_LOGIN_TOKEN,
        *_POST_LOGIN_TOKEN,
        *_EXPIRY,
        *_TOKEN_LOGINS,
        *_tests(_VERIFY, "test_token_verify_reports_the_token_type", "login"),
    ),
)
def _type_ignored(argument: JsonObject) -> JsonObject:
    return {k: v for k, v in argument.items() if k != "iType"}


@fault(
    "token.ttl-ignored",
    "asnGetUserToken ignores iTTL: every token lives the default 24 hours",
    TOKEN_REQUEST,
    breaks=(*_EXPIRY, *_tests(_LIFETIME, "test_token_verify_valid_to_follows_the_ttl")),
)
def _ttl_ignored(argument: JsonObject) -> JsonObject:
    return {k: v for k, v in argument.items() if k != "iTTL"}


@fault(
    "token.not-a-jwt",
    "asnGetUserToken answers an opaque hex string instead of a JWT (which logs nobody in)",
    OPERATION_RESULT,
    breaks=(
        *_GET_LOGIN_TOKEN,
        *_POST_LOGIN_TOKEN,
        *_tests(_GET_TOKEN, "test_token_is_a_jwt"),
        *_EXPIRY,
        *_tests(_LIFETIME, "test_token_verify_valid_to_follows_the_ttl"),
        *_TOKEN_LOGINS,
        *_tests(_VERIFY, "test_token_verify_reports_the_token_type", "identification", "login"),
    ),
)
def _not_a_jwt(outcome: tuple[str, Any]) -> tuple[str, Any]:
    name, result = outcome
    if name != "asnGetUserToken":
        return outcome
    return name, {**result, "sToken": secrets.token_hex(16).upper()}


@fault(
    "token.verify-wrong-type",
    "asnTokenVerify reports every token as a login token (iType 1)",
    OPERATION_RESULT,
    breaks=_tests(_VERIFY, "test_token_verify_reports_the_token_type", "identification"),
)
def _verify_wrong_type(outcome: tuple[str, Any]) -> tuple[str, Any]:
    name, result = outcome
    if name != "asnTokenVerify":
        return outcome
    return name, {**result, "iType": 1}


# --- chat ----------------------------------------------------------------------------------

_CHAT = "suites/chat/"
_CHAT_LISTS = [
    # every test that reads a requested event list to its end
    f"{_CHAT}test_events_range.py::test_range_without_sequence_id_delivers_the_100_newest",
    f"{_CHAT}test_events_range.py::test_paging_backwards_walks_the_whole_history",
    f"{_CHAT}test_events_range.py::test_forward_range_from_sequence_id_is_inclusive",
    f"{_CHAT}test_events_range.py::test_greater_or_equal_is_ignored_without_sequence_id",
    f"{_CHAT}test_conversation_access.py::test_partner_uri_addresses_the_same_conversation",
    f"{_CHAT}test_conversation_access.py::test_recipient_sees_the_same_history",
    f"{_CHAT}test_get_events_deprecated.py::test_deprecated_get_events_still_pages",
]


@fault(
    "chat.paging-off-by-one",
    "asnChatGetEventsRange reads [S - less + 1, S + greater]: iSequenceID itself counts as "
    "before it, so every window is shifted one id up",
    RANGE_WINDOW,
    breaks=[
        f"{_CHAT}test_events_range.py::test_range_without_sequence_id_delivers_the_100_newest",
        f"{_CHAT}test_events_range.py::test_paging_backwards_walks_the_whole_history",
        f"{_CHAT}test_events_range.py::test_forward_range_from_sequence_id_is_inclusive",
        f"{_CHAT}test_events_range.py::test_greater_or_equal_is_ignored_without_sequence_id",
    ],
)
def _chat_paging_off_by_one(window: RangeWindow) -> RangeWindow:
    return replace(window, start=window.start + 1)


@fault(
    "chat.default-page-50",
    "asnChatGetEventsRange without iNumLessThanSeqID returns 50 events before the start, not 100",
    RANGE_WINDOW,
    breaks=[
        f"{_CHAT}test_events_range.py::test_range_without_sequence_id_delivers_the_100_newest",
    ],
)
def _chat_default_page_50(window: RangeWindow) -> RangeWindow:
    return window if window.less_given else replace(window, less=50)


@fault(
    "chat.greater-without-sequence-id",
    "without iSequenceID, iNumGreaterThanOrEqualSeqID is not ignored: the window still ends at "
    "the newest event but holds iNumLessThanSeqID + iNumGreaterThanOrEqualSeqID events",
    RANGE_WINDOW,
    breaks=[
        f"{_CHAT}test_events_range.py::test_greater_or_equal_is_ignored_without_sequence_id",
    ],
)
def _chat_greater_without_sequence_id(window: RangeWindow) -> RangeWindow:
    if window.start_given or not window.greater_requested:
        return window
    extra = window.greater_requested
    return replace(window, start=window.start - extra, greater=extra)


@fault(
    "chat.no-last-segment",
    "no asnChatEvent segment of a requested event list carries bLastSegment true",
    EVENT_LIST_SEGMENTS,
    breaks=_CHAT_LISTS,
)
def _chat_no_last_segment(segments: tuple[dict[str, Any], ...]) -> tuple[dict[str, Any], ...]:
    return tuple({**segment, "bLastSegment": False} for segment in segments)


@fault(
    "chat.wrong-cross-reference",
    "asnChatEvent segments of a requested list carry the first event's u8sEventCrossRefID "
    "instead of the request's u8sEventListCrossRefID",
    EVENT_LIST_SEGMENTS,
    breaks=_CHAT_LISTS,
)
def _chat_wrong_cross_reference(
    segments: tuple[dict[str, Any], ...],
) -> tuple[dict[str, Any], ...]:
    wrong = []
    for segment in segments:
        events = segment["asnChatEventList"]
        cross_ref = events[0]["u8sEventCrossRefID"] if events else ""
        wrong.append({**segment, "u8sEventListCrossRefID": cross_ref})
    return tuple(wrong)


@fault(
    "chat.non-participant-sees-history",
    "a user who is no party of a conversation reads its history like a party",
    HISTORY_ACCESS,
    breaks=[
        f"{_CHAT}test_conversation_access.py::test_non_participant_gets_no_history",
    ],
)
def _chat_non_participant_sees_history(allowed: bool) -> bool:
    return True


@fault(
    "chat.history-only-for-sender",
    "a read of a conversation's history delivers only the events the reader sent",
    HISTORY_VIEW,
    breaks=[
        f"{_CHAT}test_conversation_access.py::test_recipient_sees_the_same_history",
    ],
)
def _chat_history_only_for_sender(view: HistoryView) -> HistoryView:
    return replace(view, records=tuple(r for r in view.records if r.sender == view.reader))


@fault(
    "chat.partner-uri-ignored",
    "the u8sPartnerURI choice of AsnConversationIDChoice is answered invalidconversationid (2)",
    PARTNER_CONVERSATION,
    breaks=[
        f"{_CHAT}test_conversation_access.py::test_partner_uri_addresses_the_same_conversation",
    ],
)
def _chat_partner_uri_ignored(conversation: Conversation | None) -> Conversation | None:
    return None


@fault(
    "chat.unknown-conversation-empty",
    "a conversation id that names no conversation is answered iResult 0 and an empty list",
    UNKNOWN_CONVERSATION,
    breaks=[
        f"{_CHAT}test_conversation_access.py::test_unknown_conversation_id_is_invalid",
    ],
)
def _chat_unknown_conversation_empty(result: int) -> int:
    return 0


@fault(
    "chat.find-offset-ignored",
    "asnChatFindEvents ignores iOffset: every page starts at the first match",
    FIND_PAGE,
    breaks=[
        f"{_CHAT}test_find_events.py::test_find_events_pages_with_offset_and_max",
    ],
)
def _chat_find_offset_ignored(page: tuple[int, int]) -> tuple[int, int]:
    return 0, page[1]


@fault(
    "chat.get-events-includes-last-known",
    "the deprecated asnChatGetEvents reads up to and including iLastKnownSequenceID",
    GET_EVENTS_WINDOW,
    breaks=[
        f"{_CHAT}test_get_events_deprecated.py::test_deprecated_get_events_still_pages",
    ],
)
def _chat_get_events_includes_last_known(window: tuple[int, int]) -> tuple[int, int]:
    low, high = window
    return low + 1, high + 1


# --- agent ---------------------------------------------------------------------------------

_AGENT_MONITOR = "suites/agent/test_monitor.py"
_AGENT_DISPATCH = "suites/agent/test_broadcast_dispatch.py"
_AGENT_TTL = "suites/agent/test_broadcast_ttl.py"
_AGENT_CONFIRM = "suites/agent/test_broadcast_confirm.py"


@fault(
    "agent.monitor-all-groups",
    "asnAgentMonitorStart lists every agent group of the server, not only the user's",
    GROUPS_LISTED,
    breaks=[f"{_AGENT_MONITOR}::test_monitor_start_returns_the_users_groups"],
)
def _agent_monitor_all_groups(listing: GroupListing) -> GroupListing:
    return replace(listing, mine=listing.every)


@fault(
    "agent.crossref-swapped",
    "asnAgentNotifyStateChanged carries the cross reference of another monitor of the user",
    STATE_AUDIENCE,
    breaks=[
        f"{_AGENT_MONITOR}::test_login_and_logoff_are_reported_with_each_monitors_cross_reference"
    ],
)
def _agent_crossref_swapped(monitors: tuple[Monitor, ...]) -> tuple[Monitor, ...]:
    if len(monitors) < 2:
        return monitors
    return tuple(
        replace(monitor, cross_ref=monitors[(index + 1) % len(monitors)].cross_ref)
        for index, monitor in enumerate(monitors)
    )


@fault(
    "agent.events-after-stop",
    "asnAgentMonitorStop answers but the monitor keeps sending asnAgentNotifyStateChanged",
    MONITOR_ENDS,
    breaks=[f"{_AGENT_MONITOR}::test_no_state_events_after_monitor_stop"],
)
def _agent_events_after_stop(ends: bool) -> bool:
    return False


@fault(
    "agent.broadcast-to-one-agent",
    "asnAgentBroadcastEvent reaches only the first logged-in agent of the groups",
    BROADCAST_AUDIENCE,
    breaks=[f"{_AGENT_DISPATCH}::test_ttl_0_reaches_every_logged_in_agent_of_the_group"],
)
def _agent_broadcast_to_one_agent(audience: BroadcastAudience) -> BroadcastAudience:
    first = audience.agents[:1]
    kept = tuple(s for s in audience.agents if first and s.user == first[0].user)
    return replace(audience, agents=kept)


@fault(
    "agent.broadcast-to-non-members",
    "asnAgentBroadcastEvent also reaches every open session outside the groups' agents",
    BROADCAST_AUDIENCE,
    breaks=[f"{_AGENT_DISPATCH}::test_ttl_0_does_not_reach_a_user_outside_the_group"],
)
def _agent_broadcast_to_non_members(audience: BroadcastAudience) -> BroadcastAudience:
    return BroadcastAudience(audience.agents + audience.others, ())


@fault(
    "agent.ttl-zero-kept",
    "a broadcast with iTTL 0 is kept until confirmed instead of only being dispatched",
    BROADCAST_RETENTION,
    breaks=[f"{_AGENT_DISPATCH}::test_ttl_0_is_not_kept"],
)
def _agent_ttl_zero_kept(retention: Retention) -> Retention:
    return replace(retention, seconds=math.inf) if retention.requested == 0 else retention


@fault(
    "agent.ttl-ignored",
    "a broadcast with iTTL N > 0 never expires",
    BROADCAST_RETENTION,
    breaks=[
        f"{_AGENT_TTL}::test_ttl_3_is_gone_once_it_expired",
        f"{_AGENT_TTL}::test_ttl_above_the_maximum_follows_the_profile",
    ],
)
def _agent_ttl_ignored(retention: Retention) -> Retention:
    return replace(retention, seconds=math.inf) if retention.requested > 0 else retention


@fault(
    "agent.ttl-expires-early",
    "a broadcast with iTTL N > 0 expires after a third of N seconds",
    BROADCAST_RETENTION,
    breaks=[
        f"{_AGENT_TTL}::test_ttl_3_is_still_open_at_2_seconds",
        f"{_AGENT_TTL}::test_agent_who_logs_in_during_the_ttl_finds_the_broadcast",
        f"{_AGENT_TTL}::test_ttl_above_the_maximum_follows_the_profile",
    ],
)
def _agent_ttl_expires_early(retention: Retention) -> Retention:
    if retention.requested > 0:
        return replace(retention, seconds=retention.seconds / 3)
    return retention


@fault(
    "agent.ttl-minus-one-not-kept",
    "a broadcast with iTTL -1 is only dispatched, as with 0, instead of kept until confirmed",
    BROADCAST_RETENTION,
    breaks=[f"{_AGENT_TTL}::test_ttl_minus_1_stays_open_until_confirmed"],
)
def _agent_ttl_minus_one_not_kept(retention: Retention) -> Retention:
    return replace(retention, seconds=0) if retention.requested == -1 else retention


@fault(
    "agent.ttl-above-max-not-clamped",
    "an iTTL above 604800 s is kept as long as asked although the profile says clamp",
    BROADCAST_RETENTION,
    breaks=[f"{_AGENT_TTL}::test_ttl_above_the_maximum_follows_the_profile"],
)
def _agent_ttl_above_max_not_clamped(retention: Retention) -> Retention:
    if retention.requested > MAX_TTL:
        return replace(retention, seconds=retention.requested)
    return retention


@fault(
    "agent.late-agents-miss-items",
    "asnAgentBroadcastGetItemsForGroups lists only items the caller already got by event",
    ITEMS_LISTED,
    breaks=[f"{_AGENT_TTL}::test_agent_who_logs_in_during_the_ttl_finds_the_broadcast"],
)
def _agent_late_agents_miss_items(listing: Listing) -> Listing:
    return replace(
        listing, items=tuple(b for b in listing.items if listing.caller in b.dispatched_to)
    )


@fault(
    "agent.check-says-no",
    "asnAgentBroadcastCheck answers bExists false for every broadcast",
    BROADCAST_EXISTS,
    breaks=[
        f"{_AGENT_TTL}::test_ttl_3_is_open_at_once",
        f"{_AGENT_TTL}::test_ttl_3_is_still_open_at_2_seconds",
        f"{_AGENT_TTL}::test_ttl_minus_1_stays_open_until_confirmed",
        f"{_AGENT_TTL}::test_ttl_above_the_maximum_follows_the_profile",
    ],
)
def _agent_check_says_no(exists: bool) -> bool:
    return False


@fault(
    "agent.confirm-ignored",
    "asnAgentBroadcastConfirm answers but leaves the broadcast open",
    CONFIRM_REMOVES,
    breaks=[
        f"{_AGENT_CONFIRM}::test_confirm_before_expiry_removes_the_broadcast_for_everyone",
        f"{_AGENT_CONFIRM}::test_a_second_confirm_is_ignored_without_error",
        f"{_AGENT_TTL}::test_ttl_minus_1_stays_open_until_confirmed",
    ],
)
def _agent_confirm_ignored(removes: bool) -> bool:
    return False


@fault(
    "agent.second-confirm-errors",
    "confirming a broadcast that is no longer open is answered with AsnRequestError",
    REPEATED_CONFIRM,
    breaks=[f"{_AGENT_CONFIRM}::test_a_second_confirm_is_ignored_without_error"],
)
def _agent_second_confirm_errors(error: OperationError | None) -> OperationError | None:
    return request_error(INVALID_ARGUMENT, "the broadcast is not open (already confirmed?)")


# --- CTI -----------------------------------------------------------------------------------


@fault(
    "cti.events-after-stop",
    "asnCtiLineMonitorStop answers the empty result but the monitor keeps getting events",
    MONITOR_STOPPED,
    breaks=[
        "suites/cti/test_monitors.py::test_a_stopped_monitor_gets_no_events_while_the_other_still_does",
    ],
)
def _cti_events_after_stop(stopped: bool) -> bool:
    return False


@fault(
    "cti.cross-references-swapped",
    "call events carry the cross reference of the next monitor of the call's lines",
    EVENT_CROSS_REFERENCES,
    breaks=[
        "suites/cti/test_calls.py::test_answer_call_connects_both_sides",
        "suites/cti/test_calls.py::test_drop_call_ends_the_call_on_both_sides",
        "suites/cti/test_calls.py::test_the_called_line_reports_the_call_offering",
        "suites/cti/test_calls.py::test_the_calling_line_reports_dialing_then_ringback",
        "suites/cti/test_monitors.py::test_two_monitors_of_a_line_both_get_every_event_with_their_own_cross_reference",
    ],
)
def _cti_cross_references_swapped(cross_refs: tuple[str, ...]) -> tuple[str, ...]:
    return cross_refs[1:] + cross_refs[:1]


@fault(
    "cti.no-make-call-result",
    "asnCtiMakeCall places the call but never sends asnCtiNotifyMakeCallResult",
    MAKE_CALL_RESULT_SENT,
    breaks=[
        "suites/cti/test_calls.py::test_make_call_reports_its_outcome_as_make_call_result",
    ],
)
def _cti_no_make_call_result(sent: bool) -> bool:
    return False


@fault(
    "cti.wrong-call-state",
    "call events report eCALLSTATERINGBACK where the call is OFFERING and the reverse",
    CALL_STATE_REPORTED,
    breaks=[
        "suites/cti/test_calls.py::test_the_called_line_reports_the_call_offering",
        "suites/cti/test_calls.py::test_the_calling_line_reports_dialing_then_ringback",
    ],
)
def _cti_wrong_call_state(state: int) -> int:
    if state == CallState.OFFERING:
        return int(CallState.RINGBACK)
    if state == CallState.RINGBACK:
        return int(CallState.OFFERING)
    return state


@fault(
    "cti.answer-not-offering-accepted",
    "asnCtiAnswerCall connects a call in any state, not only one in OFFERING",
    ANSWER_ALLOWED,
    breaks=[
        "suites/cti/test_errors.py::test_answering_a_call_that_is_not_offering_is_refused",
    ],
)
def _cti_answer_not_offering_accepted(allowed: bool) -> bool:
    return True


@fault(
    "cti.own-lines-lists-all",
    "asnCtiEnumPhoneLines with userOwnLines lists every line of the server",
    LINE_SCOPE,
    breaks=[
        "suites/cti/test_lines.py::test_user_own_lines_lists_the_lines_the_user_owns",
    ],
)
def _cti_own_lines_lists_all(scope: int) -> int:
    return LineScope.SYSTEM_LOCAL_LINES if scope == LineScope.USER_OWN_LINES else scope


@fault(
    "cti.change-notify-ignored",
    "asnCtiEnumPhoneLines with attachChangeNotify 1 answers no u8sLineMonitorCrossRefID",
    CHANGE_NOTIFY_ATTACHED,
    breaks=[
        "suites/cti/test_lines.py::test_change_notify_returns_a_line_monitor_cross_reference",
    ],
)
def _cti_change_notify_ignored(attached: bool) -> bool:
    return False


@fault(
    "cti.monitor-start-without-calls",
    "asnCtiLineMonitorStart reports no calls (seqCalls empty) while the line has some",
    LINE_CALLS_REPORTED,
    breaks=[
        "suites/cti/test_monitors.py::test_monitor_start_returns_a_cross_reference_and_the_line_state",
    ],
)
def _cti_monitor_start_without_calls(calls: list[JsonObject]) -> list[JsonObject]:
    return []


@fault(
    "cti.stop-unknown-accepted",
    "asnCtiLineMonitorStop of a cross reference the session does not hold answers success",
    UNKNOWN_MONITOR_REFUSED,
    breaks=[
        "suites/cti/test_errors.py::test_stopping_an_unknown_cross_reference_is_refused",
    ],
)
def _cti_stop_unknown_accepted(refused: bool) -> bool:
    return False


@fault(
    "cti.foreign-line-access",
    "every user may monitor and control every line of the server, not only their own",
    LINE_ACCESS,
    breaks=[
        "suites/cti/test_errors.py::test_monitoring_a_line_without_access_is_refused",
    ],
)
def _cti_foreign_line_access(allowed: bool) -> bool:
    return True


# --- the every-operation sweep and robustness (suites/sweep, suites/robustness) ------------

_SWEEP = "suites/sweep/test_every_operation.py"
_SWEEP_TEST = "test_operation_answers_its_minimal_valid_argument"
_FRAMES = "suites/robustness/test_frames.py"
_INVOKES = "suites/robustness/test_invokes.py"
_ROBUST_HTTP = "suites/robustness/test_http.py"
_CATALOG = default_catalog()
_SWEPT = tuple(op.name for op in _CATALOG.operations(kind="operation"))
_DEPRECATED = frozenset(op.name for op in _CATALOG.operations(kind="operation") if op.deprecated)
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
_LARGE_ARGUMENT = 64 * 1024
_INVOKE_ID_BITS = 7

Answer = tuple[Invoke, Success | Error | Reject | None]
Exchange = tuple[web.Request, web.StreamResponse]


def _holds_date_time(value: Any) -> bool:
    if isinstance(value, str):
        return _DATE_TIME.match(value) is not None
    if isinstance(value, dict):
        return any(_holds_date_time(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_date_time(item) for item in value)
    return False


def _swept(*names: str) -> tuple[str, ...]:
    return _tests(_SWEEP, _SWEEP_TEST, *names)


_MINIMAL_ARGUMENTS = InstanceBuilder(_CATALOG, boolean=False)
_SWEPT_WITH_DATE_TIME = tuple(
    name for name in _SWEPT if _holds_date_time(_MINIMAL_ARGUMENTS.argument(name))
)
_ROBUST_WEBSOCKET = (
    *_tests(
        _FRAMES,
        "test_malformed_json_frame_gets_a_general_problem_reject",
        "truncated",
        "not-json",
        "trailing-garbage",
    ),
    *_tests(
        _FRAMES,
        "test_json_that_is_no_rose_message_gets_a_general_problem_reject",
        "object-without-kind",
        "number",
        "string",
    ),
    *_tests(_FRAMES, "test_invoke_without_operation_name_is_rejected"),
    *_tests(_INVOKES, "test_unknown_operation_is_rejected_as_unrecognised"),
    *_tests(_INVOKES, "test_argument_with_wrong_member_types_is_rejected_as_mistyped"),
    *_tests(_INVOKES, "test_megabyte_string_member_is_answered"),
    *_tests(_INVOKES, "test_pipelined_invokes_are_all_answered"),
    *_tests(_INVOKES, "test_duplicate_invoke_id_is_rejected_or_answered_twice"),
)
"""The robustness tests that check a WebSocket result (each ends with a well-formed call)."""


@fault(
    "sweep.invalid-result",
    "results and errors on the WebSocket name the operation in _type instead of their type "
    "(array results come as such an object)",
    INVOKE_ANSWER,
    breaks=(*_swept(*_SWEPT), *_ROBUST_WEBSOCKET),
)
def _invalid_result(answer: Answer) -> Answer:
    invoke, outcome = answer
    label = {"_type": invoke.operation_name}
    if isinstance(outcome, Success):
        result = outcome.result
        return invoke, replace(
            outcome, result={**result, **label} if isinstance(result, dict) else label
        )
    if isinstance(outcome, Error):
        return invoke, replace(outcome, error={**outcome.error, **label})
    return answer


@fault(
    "sweep.mistyped-argument-for-valid-input",
    "an argument holding an ISO 8601 date-time (an AsnSystemTime member) is rejected as "
    "mistypedArgument: the decoder expects the binary encoding's REAL",
    INVOKE_ANSWER,
    breaks=_swept(*_SWEPT_WITH_DATE_TIME),
)
def _mistyped_for_valid_input(answer: Answer) -> Answer:
    invoke, outcome = answer
    if outcome is None or not _holds_date_time(invoke.argument):
        return answer
    details = "AsnSystemTime: expected a REAL (variant time), got a string"
    return invoke, Reject(
        invoke.invoke_id, InvokeProblem.MISTYPED_ARGUMENT, details, outcome.session_id
    )


@fault(
    "sweep.no-answer-for-deprecated",
    "invokes of deprecated operations are never answered (no result, error or reject)",
    INVOKE_ANSWER,
    breaks=_swept(*sorted(_DEPRECATED)),
)
def _no_answer_for_deprecated(answer: Answer) -> Answer:
    invoke, _ = answer
    return (invoke, None) if invoke.operation_name in _DEPRECATED else answer


@fault(
    "robustness.no-reject-on-unknown-operation",
    "an invoke of an operation the server does not know is silently dropped instead of "
    "rejected with unrecognisedOperation",
    INVOKE_ANSWER,
    breaks=_tests(_INVOKES, "test_unknown_operation_is_rejected_as_unrecognised"),
)
def _no_reject_on_unknown_operation(answer: Answer) -> Answer:
    invoke, outcome = answer
    if isinstance(outcome, Reject) and outcome.problem == InvokeProblem.UNRECOGNISED_OPERATION:
        return invoke, None
    return answer


@fault(
    "robustness.mistyped-argument-served",
    "an argument with members of the wrong type is served like a valid one (an empty result) "
    "instead of rejected with mistypedArgument",
    INVOKE_ANSWER,
    breaks=_tests(_INVOKES, "test_argument_with_wrong_member_types_is_rejected_as_mistyped"),
)
def _mistyped_argument_served(answer: Answer) -> Answer:
    invoke, outcome = answer
    if isinstance(outcome, Reject) and outcome.problem == InvokeProblem.MISTYPED_ARGUMENT:
        return invoke, Success(invoke.invoke_id, {}, outcome.session_id)
    return answer


@fault(
    "robustness.large-invoke-dropped",
    f"an invoke whose argument exceeds {_LARGE_ARGUMENT // 1024} KiB is never answered",
    INVOKE_ANSWER,
    breaks=_tests(_INVOKES, "test_megabyte_string_member_is_answered"),
)
def _large_invoke_dropped(answer: Answer) -> Answer:
    invoke, _ = answer
    if len(json.dumps(invoke.argument)) > _LARGE_ARGUMENT:
        return invoke, None
    return answer


@fault(
    "robustness.pipelined-replies-misaddressed",
    f"replies to invoke ids of more than {_INVOKE_ID_BITS} bits carry the id cut to "
    f"{_INVOKE_ID_BITS} bits",
    OUTGOING_REPLY,
    breaks=_tests(_INVOKES, "test_pipelined_invokes_are_all_answered"),
)
def _pipelined_replies_misaddressed(reply: Success | Error | Reject) -> Success | Error | Reject:
    invoke_id = reply.invoke_id
    if invoke_id is None or invoke_id < 2**_INVOKE_ID_BITS:
        return reply
    return replace(reply, invoke_id=invoke_id % 2**_INVOKE_ID_BITS)


_ANSWERED: set[tuple[str, int]] = set()
"""(session id, invoke id) of every invoke answered while ``robustness.duplicate-id-ignored``
is on (which needs the memory)."""


@fault(
    "robustness.duplicate-id-ignored",
    "a second invoke with an invokeID the session already used gets no answer of its own "
    "(a duplicate still running: a reject naming no invoke instead of duplicateInvocation)",
    INVOKE_ANSWER,
    breaks=_tests(_INVOKES, "test_duplicate_invoke_id_is_rejected_or_answered_twice"),
)
def _duplicate_id_ignored(answer: Answer) -> Answer:
    invoke, outcome = answer
    if outcome is None or outcome.session_id is None:
        return answer
    key = (outcome.session_id, invoke.invoke_id)
    if key in _ANSWERED:
        return invoke, None
    _ANSWERED.add(key)
    return answer


def _duplicate_unaddressed(reply: Success | Error | Reject) -> Success | Error | Reject:
    if isinstance(reply, Reject) and reply.problem == InvokeProblem.DUPLICATE_INVOCATION:
        return Reject(None, GeneralProblem.UNRECOGNISED_APDU, reply.details, reply.session_id)
    return reply


# Two hooks: whether the second invoke arrives while the first runs (the duplicate reject) or
# after it ended (a second dispatch) depends on timing; the fault bends both.
FAULTS["robustness.duplicate-id-ignored"] = replace(
    FAULTS["robustness.duplicate-id-ignored"],
    hooks=(
        *FAULTS["robustness.duplicate-id-ignored"].hooks,
        (OUTGOING_REPLY, _duplicate_unaddressed),
    ),
)


def _reject_problem(response: web.StreamResponse) -> tuple[str, int] | None:
    """The (kind, code) of a JSON reject body, if the response carries one."""
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        return None
    try:
        body = json.loads(response.body)
    except ValueError:
        return None
    problem = body.get("reject") if isinstance(body, dict) else None
    if isinstance(problem, dict) and len(problem) == 1:
        ((kind, code),) = problem.items()
        return (str(kind), code) if isinstance(code, int) else None
    return None


def _crash() -> web.Response:
    return web.Response(status=500, text="500 Internal Server Error", content_type="text/plain")


@fault(
    "robustness.500-on-bad-body",
    "a POST body that is no JSON crashes the route: HTTP 500 (text) instead of a 400 reject",
    HTTP_RESPONSE,
    breaks=_tests(
        _ROBUST_HTTP,
        "test_post_body_that_is_no_json_is_a_client_error",
        *(
            f"{route}-{body}"
            for route in ("direct", "client", "createsession")
            for body in ("prose", "truncated")
        ),
    ),
)
def _crash_on_bad_body(exchange: Exchange) -> Exchange:
    request, response = exchange
    if response.status == 400 and _reject_problem(response) == ("generalProblem", 2):
        return request, _crash()
    return exchange


@fault(
    "robustness.html-for-unknown-paths",
    "unknown paths and unknown operations on the HTTP routes get an HTML 404 page instead of "
    "a JSON body",
    HTTP_RESPONSE,
    breaks=(
        *_tests(
            _ROBUST_HTTP, "test_unknown_operation_on_a_route_is_a_client_error", "direct", "client"
        ),
        *_tests(
            _ROBUST_HTTP,
            "test_unknown_path_is_a_client_error",
            "ws-route",
            "public-route",
            "outside-the-routes",
        ),
    ),
)
def _html_for_unknown_paths(exchange: Exchange) -> Exchange:
    request, response = exchange
    unknown_operation = _reject_problem(response) == ("invokeProblem", 1)
    if response.status == 404 or (response.status == 400 and unknown_operation):
        page = "<html><body><h1>404 Not Found</h1></body></html>"
        return request, web.Response(status=404, text=page, content_type="text/html")
    return exchange


@fault(
    "robustness.upgrade-refused-with-500",
    "a WebSocket upgrade naming no live session is answered HTTP 500 instead of a 400 reject",
    HTTP_RESPONSE,
    breaks=_tests(
        _ROBUST_HTTP,
        "test_websocket_with_an_invalid_session_id_is_refused_with_json",
        "unknown",
        "malformed",
        "empty",
    ),
)
def _upgrade_refused_with_500(exchange: Exchange) -> Exchange:
    request, response = exchange
    if request.path.startswith("/ws/client/websocket") and response.status == 400:
        return request, _crash()
    return exchange


# --- /ws/public (suites/presence) ------------------------------------------------------------


@fault(
    "presence.public-contacts-stale",
    "/ws/public/contacts shows every public user as available (eAVAILABLE), whatever the "
    "user's presence (the flag bits kept)",
    HTTP_RESPONSE,
    breaks=_tests(
        "suites/presence/test_public_contacts.py",
        "test_public_contacts_show_the_current_presence",
    ),
)
def _public_contacts_stale(exchange: Exchange) -> Exchange:
    request, response = exchange
    if request.path.rstrip("/") != "/ws/public/contacts" or response.status != 200:
        return exchange
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        return exchange
    body = json.loads(response.body)
    available = 1  # AsnPresenceStateEnum eAVAILABLE; the low byte is the state (0xFF mask)
    for contact in body.get("contacts", {}).values():
        contact["iPresenceState"] = contact["iPresenceState"] & ~0xFF | available
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    stale = web.Response(status=200, text=text, content_type="application/json", charset="utf-8")
    return request, stale


# --- schema: a result that does not match its schema --------------------------------------
# Each bends one operation's result after the server's own schema check, so only the client's
# validation can notice; the sweep validates every operation's result.

_SWEEP = "suites/sweep/test_every_operation.py::test_operation_answers_its_minimal_valid_argument"


def _result_of(
    operation: str, change: Callable[[dict[str, Any]], dict[str, Any]]
) -> Callable[[tuple[str, Any]], tuple[str, Any]]:
    def transform(outcome: tuple[str, Any]) -> tuple[str, Any]:
        name, result = outcome
        return (name, change(dict(result))) if name == operation else outcome

    return transform


def _params_as_array(result: dict[str, Any]) -> dict[str, Any]:
    params = result.get("optionalParams") or {"ServerType": 0}
    result["optionalParams"] = [{"key": k, "value": {"integerdata": 0}} for k in params]
    return result


fault(
    "schema.optional-params-as-array",
    "asnGetLocationInformation sends optionalParams as the document's key/value array, not "
    "the object real servers send",
    OPERATION_RESULT,
    breaks=(f"{_SWEEP}[asnGetLocationInformation]",),
)(_result_of("asnGetLocationInformation", _params_as_array))

fault(
    "schema.drop-required-member",
    "asnGetLicensedFeatureCount answers without its required licensedFeatures",
    OPERATION_RESULT,
    breaks=(f"{_SWEEP}[asnGetLicensedFeatureCount]",),
)(_result_of("asnGetLicensedFeatureCount", lambda r: {"optionalParams": {}}))

fault(
    "schema.wrong-member-type",
    "asnGetLocationIDs answers locationIDMD5ChecksumList as a string instead of an array",
    OPERATION_RESULT,
    breaks=(f"{_SWEEP}[asnGetLocationIDs]",),
)(_result_of("asnGetLocationIDs", lambda r: {**r, "locationIDMD5ChecksumList": "none"}))

fault(
    "schema.enum-out-of-range",
    "asnJournalGetSettings answers ePrivacyLevel 99, a value AsnJournalPrivateCallOptions lacks",
    OPERATION_RESULT,
    breaks=(f"{_SWEEP}[asnJournalGetSettings]",),
)(_result_of("asnJournalGetSettings", lambda r: {**r, "ePrivacyLevel": 99}))
