"""Variations: chat (suites/chat)."""

from __future__ import annotations

from dataclasses import replace

from conformance.reference.chat import GREETS_UNWRITTEN, HISTORY_VIEW, HistoryView
from conformance.reference.variations.registry import variation


@variation(
    "chat.conversation-id-after-first-message",
    "asnChatGetConversationID answers invalidconversationid (2) and no id for a pair that never "
    "chatted; the first asnChatTextMessage with an empty id starts the one-to-one chat",
    GREETS_UNWRITTEN,
    lines=(17920, 17921, 17922, 19145, 19147),
)
def _conversation_id_after_first_message(greets: bool) -> bool:
    return False


@variation(
    "chat.lists-newest-first",
    "requested chat event lists (asnChatGetEventsRange, asnChatGetEvents) arrive newest first",
    HISTORY_VIEW,
    # what a list holds is stated, its order is not (L18375-L18403, L18221-L18233)
    lines=(18375, 18385, 18221, 18227, 18800),
)
def _lists_newest_first(view: HistoryView) -> HistoryView:
    return replace(view, records=view.records[::-1])


@variation(
    "chat.lists-unordered",
    "requested chat event lists arrive in no order: every other event first, then the rest",
    HISTORY_VIEW,
    lines=(18375, 18385, 18221, 18227, 18800),
)
def _lists_unordered(view: HistoryView) -> HistoryView:
    return replace(view, records=view.records[::2] + view.records[1::2])
