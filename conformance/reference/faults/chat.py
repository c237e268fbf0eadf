"""Faults: chat (suites/chat)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from conformance.reference.chat import (
    EVENT_LIST_SEGMENTS,
    FIND_PAGE,
    GET_EVENTS_WINDOW,
    HISTORY_ACCESS,
    HISTORY_VIEW,
    PARTNER_CONVERSATION,
    RANGE_WINDOW,
    TYPING_RECIPIENTS,
    UNKNOWN_CONVERSATION,
    UNSUBSCRIBE_STOPS,
    HistoryView,
    RangeWindow,
)
from conformance.reference.chat_store import Conversation
from conformance.reference.dispatch import OPERATION_RESULT
from conformance.reference.faults.registry import fault
from conformance.reference.sessions import Session

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
    # (not the default window: with fewer than 100 events its top end is past the newest)
    breaks=[
        f"{_CHAT}test_events_range.py::test_paging_backwards_walks_the_whole_history",
        f"{_CHAT}test_events_range.py::test_forward_range_from_sequence_id_is_inclusive",
        f"{_CHAT}test_events_range.py::test_greater_or_equal_is_ignored_without_sequence_id",
    ],
)
def _chat_paging_off_by_one(window: RangeWindow) -> RangeWindow:
    return replace(window, start=window.start + 1)


@fault(
    "chat.default-page-10",
    "asnChatGetEventsRange without iNumLessThanSeqID returns 10 events before the start, not 100",
    RANGE_WINDOW,
    breaks=[
        f"{_CHAT}test_events_range.py::test_range_without_sequence_id_delivers_the_100_newest",
    ],
)
def _chat_default_page_10(window: RangeWindow) -> RangeWindow:
    return window if window.less_given else replace(window, less=10)


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


_CHAT_WALKS = [
    # every test that checks the ids of a list of three events or more run without a gap
    f"{_CHAT}test_events_range.py::test_range_without_sequence_id_delivers_the_100_newest",
    f"{_CHAT}test_events_range.py::test_paging_backwards_walks_the_whole_history",
    f"{_CHAT}test_events_range.py::test_forward_range_from_sequence_id_is_inclusive",
    f"{_CHAT}test_events_range.py::test_greater_or_equal_is_ignored_without_sequence_id",
    f"{_CHAT}test_get_events_deprecated.py::test_deprecated_get_events_still_pages",
]


def _middle_event(segments: tuple[dict[str, Any], ...]) -> tuple[int, int] | None:
    """(segment index, event index) of the middle event of a list of three or more events."""
    places = [(s, e) for s, seg in enumerate(segments) for e in range(len(seg["asnChatEventList"]))]
    return places[len(places) // 2] if len(places) >= 3 else None


@fault(
    "chat.list-loses-an-event",
    "a requested event list of three events or more lacks its middle event",
    EVENT_LIST_SEGMENTS,
    breaks=_CHAT_WALKS,
)
def _chat_list_loses_an_event(
    segments: tuple[dict[str, Any], ...],
) -> tuple[dict[str, Any], ...]:
    middle = _middle_event(segments)
    if middle is None:
        return segments
    at, index = middle
    events = list(segments[at]["asnChatEventList"])
    del events[index]
    return (*segments[:at], {**segments[at], "asnChatEventList": events}, *segments[at + 1 :])


@fault(
    "chat.list-repeats-an-event",
    "a requested event list of three events or more delivers its middle event twice",
    EVENT_LIST_SEGMENTS,
    breaks=[*_CHAT_WALKS, *_CHAT_LISTS[4:6]],  # the compared views: read_list's duplicate check
)
def _chat_list_repeats_an_event(
    segments: tuple[dict[str, Any], ...],
) -> tuple[dict[str, Any], ...]:
    middle = _middle_event(segments)
    if middle is None:
        return segments
    at, index = middle
    events = list(segments[at]["asnChatEventList"])
    events.insert(index, events[index])
    return (*segments[:at], {**segments[at], "asnChatEventList": events}, *segments[at + 1 :])


_UNSUBSCRIBE = f"{_CHAT}test_subscription.py::test_no_new_message_after_unsubscribe"


@fault(
    "chat.message-after-unsubscribe",
    "asnChatSubscribeEvents with bReceiveChatEvents false answers iResult 0 but the session "
    "keeps getting new messages",
    UNSUBSCRIBE_STOPS,
    breaks=[_UNSUBSCRIBE],
)
def _chat_message_after_unsubscribe(stops: bool) -> bool:
    return False


def _failing(operation: str) -> Any:
    """An OPERATION_RESULT transform: ``operation`` does its work but answers iResult 9."""

    def transform(outcome: tuple[str, Any]) -> tuple[str, Any]:
        name, result = outcome
        if name != operation:
            return outcome
        return name, {**result, "iResult": 9}  # requestfail (AsnChatResultEnum, L19163)

    transform.__qualname__ = f"_failing.{operation}"
    return transform


_TYPING = f"{_CHAT}test_typing.py::test_typing_reaches_the_other_party"
_CHAT_ALL = [
    *_CHAT_LISTS,
    *(
        f"{_CHAT}test_conversation_access.py::{name}"
        for name in (
            "test_non_participant_gets_no_history",
            "test_unknown_conversation_id_is_invalid",
            "test_conversation_id_names_the_chat_once_it_exists",
        )
    ),
    f"{_CHAT}test_find_events.py::test_find_events_pages_with_offset_and_max",
    _UNSUBSCRIBE,
    _TYPING,
]
_RESULT_READERS = {
    # the operations whose result code the suite checks, and the tests that then fail
    "asnChatGetEventsRange": [
        *(t for t in _CHAT_LISTS if "deprecated" not in t),
        f"{_CHAT}test_conversation_access.py::test_non_participant_gets_no_history",
        f"{_CHAT}test_conversation_access.py::test_unknown_conversation_id_is_invalid",
    ],
    "asnChatGetEvents": _CHAT_LISTS[-1:],
    "asnChatFindEvents": [
        f"{_CHAT}test_find_events.py::test_find_events_pages_with_offset_and_max"
    ],
    "asnChatGetConversationID": [
        f"{_CHAT}test_conversation_access.py::test_conversation_id_names_the_chat_once_it_exists"
    ],
    # The set-up (conftest.chat_history, a session fixture) subscribes and sends the messages
    # every test reads: its check of iResult fails every test of the suite, as failed (an
    # AssertionError in set-up is a violation, conformance.plugin.classify).
    "asnChatSubscribeEvents": _CHAT_ALL,
    "asnChatTextMessage": _CHAT_ALL,
}
for _operation, _breaks in _RESULT_READERS.items():
    fault(
        f"chat.{_operation.removeprefix('asnChat').lower()}-result-fails",
        f"{_operation} does its work but answers iResult 9 (requestfail) in its result",
        OPERATION_RESULT,
        breaks=_breaks,
    )(_failing(_operation))


@fault(
    "chat.conversation-id-fresh",
    "asnChatGetConversationID answers a new, unknown conversation id every time",
    OPERATION_RESULT,
    breaks=[
        f"{_CHAT}test_conversation_access.py::test_conversation_id_names_the_chat_once_it_exists"
    ],
)
def _chat_conversation_id_fresh(outcome: tuple[str, Any]) -> tuple[str, Any]:
    name, result = outcome
    if name != "asnChatGetConversationID" or not result.get("u8sConversationID"):
        return outcome
    return name, {**result, "u8sConversationID": uuid.uuid4().hex.upper()}


@fault(
    "chat.typing-not-relayed",
    "an asnChatUserStatus a client sends is taken and sent on to nobody",
    TYPING_RECIPIENTS,
    breaks=[_TYPING],
)
def _chat_typing_not_relayed(recipients: tuple[Session, ...]) -> tuple[Session, ...]:
    return ()
