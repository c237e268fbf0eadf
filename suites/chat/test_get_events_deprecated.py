"""asnChatGetEvents (16.1.10, L18205-L18258), deprecated ("@ deprecated", L18211) and replaced
by asnChatGetEventsRange: it must still page correctly. The plugin marks every test that
exercised a deprecated operation, and the run's summary lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conformance.catalog import default_catalog
from conformance.errors import SuiteError

if TYPE_CHECKING:
    from conftest import AssertWalk, ChatHistory, ChatSession, EventList, ReadList

pytestmark = [
    pytest.mark.module("ChatV2"),
    pytest.mark.requires("users>=2"),
    pytest.mark.sends(
        "asnChatSubscribeEvents", "asnChatTextMessage", "asnGetLoggedInContact"
    ),  # the set-up (conftest.chat_history) opens the conversation
]

GET_EVENTS = "asnChatGetEvents"
PAGE = 10


@pytest.mark.spec("16.1.10", line=18205)
@pytest.mark.sends("asnChatGetConversationID", "asnChatGetEvents")
def test_deprecated_get_events_still_pages(
    chat_session: ChatSession,
    chat_history: ChatHistory,
    read_list: ReadList,
    assert_walk: AssertWalk,
) -> None:
    """16.1.10 asnChatGetEvents (deprecated): without iLastKnownSequenceID the iMaxEvents
    newest (L18221-L18225); with it, up to iMaxEvents events before it (L18227-L18233); the
    events arrive as asnChatEvent with our u8sEventListCrossRefID and the result holds
    iResult (L18240-L18245; members the document does not name are allowed). Paging back with
    iMaxEvents 10 from the oldest id seen walks the history like asnChatGetEventsRange: 10, 10,
    5, then nothing for a fresh conversation, the sorted ids rising by one with no gap and no
    overlap (the document states no order within a list)."""
    if not default_catalog().operation(GET_EVENTS).deprecated:
        raise SuiteError(f"the catalogue no longer marks {GET_EVENTS} deprecated")
    session = chat_session("sender")
    choice = {"u8sConversationID": chat_history.conversation_id}
    pages: list[EventList] = [
        read_list(session, GET_EVENTS, {"asnConversationIDChoice": choice, "iMaxEvents": PAGE})
    ]
    for _ in range(chat_history.last // PAGE + 2):
        if not pages[-1].ids:
            break
        pages.append(
            read_list(
                session,
                GET_EVENTS,
                {
                    "asnConversationIDChoice": choice,
                    "iLastKnownSequenceID": pages[-1].ids[0],
                    "iMaxEvents": PAGE,
                },
            )
        )
    assert_walk(pages, chat_history, PAGE)
