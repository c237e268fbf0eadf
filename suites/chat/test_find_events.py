"""asnChatFindEvents (16.1.11, L18260-L18317; result 17.1.58, L20475-L20494): a search that
answers in its result, paged with iOffset and iMaxEvents. The document marks the operation
"test only" (L18264); a target that rejects it as unrecognised reports "not implemented"."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import ChatHistory, ChatSession

pytestmark = [
    pytest.mark.module("ChatV2"),
    pytest.mark.requires("users>=2"),
    pytest.mark.sends(
        "asnChatSubscribeEvents", "asnChatTextMessage", "asnGetLoggedInContact"
    ),  # the set-up (conftest.chat_history) opens the conversation
]

FIND = "asnChatFindEvents"
PAGE = 10


@pytest.mark.spec("16.1.11", line=18260)
@pytest.mark.spec("17.1.58", line=20475)
@pytest.mark.sends("asnChatFindEvents", "asnChatGetConversationID")
def test_find_events_pages_with_offset_and_max(
    chat_session: ChatSession, chat_history: ChatHistory
) -> None:
    """16.1.11 asnChatFindEvents: ``iMaxEvents`` is the number of results (L18274), ``iOffset``
    the paging offset, 0 when absent (L18276), and ``iNumTotalResults`` the number of all
    results while asnChatEventList is limited to iMaxEvents (L18296-L18302). Searching the
    conversation for the set-up's token with iMaxEvents 10 and iOffset 0, 10, 20 and 25 gives
    10, 10, 5 and no events, each answer counting all 25; the pages do not overlap and
    together hold exactly the set-up's messages."""
    session = chat_session("sender")
    pages: list[list[int]] = []
    for offset in (0, PAGE, 2 * PAGE, len(chat_history.sequence_ids)):
        argument = {
            "u8sSearchString": chat_history.token,
            "iMaxEvents": PAGE,
            "u8sConversationID": chat_history.conversation_id,
        }
        if offset:
            argument["iOffset"] = offset
        outcome = session.invoke(FIND, argument)
        result = outcome.expect_result()
        assert result["iResult"] == 0, outcome.describe()
        assert result["iNumTotalResults"] == len(chat_history.sequence_ids), (
            f"iOffset {offset}: {outcome.describe()}"
        )
        events = result["asnChatEventList"]
        for event in events:
            assert chat_history.token in event["asnChatMessage"]["u8sMessage"], event
            assert event["u8sConversationID"] == chat_history.conversation_id, event
        pages.append([int(event["iConvSequenceID"]) for event in events])
    total = len(chat_history.sequence_ids)
    expected = [min(PAGE, max(total - offset, 0)) for offset in (0, PAGE, 2 * PAGE, total)]
    assert [len(page) for page in pages] == expected
    found = [sequence_id for page in pages for sequence_id in page]
    assert len(set(found)) == len(found), "the pages overlap"
    assert sorted(found) == sorted(chat_history.sequence_ids)
