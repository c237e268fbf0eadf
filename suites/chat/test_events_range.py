"""asnChatGetEventsRange (16.1.12, L18319-L18431): which events a range request returns and how
they arrive (asnChatEvent 16.2.1, L18784-L18810).

The conversation is the set-up's (conftest.py): 25 messages from the sender to the recipient,
possibly after older messages of earlier runs against a real server. Sequence ids count a
conversation's events one by one ("wird mit jedem Event um eins erhoeht", L17517). The document
states no order for the events of a list, so every check sorts them by id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import AssertWalk, ChatHistory, ChatSession, EventList, ReadList

pytestmark = [
    pytest.mark.module("ChatV2"),
    pytest.mark.requires("users>=2"),
    pytest.mark.sends(
        "asnChatSubscribeEvents", "asnChatTextMessage", "asnGetLoggedInContact"
    ),  # the set-up (conftest.chat_history) opens the conversation
]

RANGE = "asnChatGetEventsRange"
PAGE = 10
"""Page size of the walk (the set-up sends two pages and a half)."""
DEFAULT_LESS = 100
"""iNumLessThanSeqID when absent: "Wird auf 100 beschraenkt, falls nicht angegeben" (L18379)."""


def _by_id(history: ChatHistory) -> dict[str, object]:
    return {"u8sConversationID": history.conversation_id}


def _assert_ours(history: ChatHistory, events: list[dict[str, object]]) -> None:
    """Every event is of the conversation, and those from the set-up's first message on are the
    set-up's messages, as sent (older ones are earlier runs' on a real server)."""
    for event in events:
        assert event["u8sConversationID"] == history.conversation_id, event
        sequence_id = int(str(event["iConvSequenceID"]))
        if sequence_id < history.first:
            continue
        sent = history.text_of(sequence_id)
        message = event.get("asnChatMessage")
        text = message.get("u8sMessage") if isinstance(message, dict) else None
        assert text == sent, f"event {event['iConvSequenceID']}: text {text!r}, sent {sent!r}"


@pytest.mark.spec("16.1.12", line=18342)
@pytest.mark.spec("16.2.1", line=18784)
@pytest.mark.sends("asnChatGetConversationID", "asnChatGetEventsRange")
def test_range_without_sequence_id_delivers_the_100_newest(
    chat_session: ChatSession, chat_history: ChatHistory, read_list: ReadList
) -> None:
    """16.1.12 asnChatGetEventsRange: without iSequenceID the start is the newest id + 1
    (L18342-L18373) and without iNumLessThanSeqID at most 100 events before it are returned
    (L18375-L18383), so the request gives the newest events, up to 100: here all of the set-up's
    messages, and 100 in all where older ones exist. The result holds iResult 0 (L18413-L18419;
    members the document does not name are allowed); the events arrive as asnChatEvent (16.2.1)
    segments carrying the request's u8sEventListCrossRefID (L18798), and the last segment, and
    only it, has bLastSegment true (L18800-L18804)."""
    session = chat_session("sender")
    listing: EventList = read_list(
        session, RANGE, {"asnConversationIDChoice": _by_id(chat_history)}
    )
    flags = [segment.get("bLastSegment") for segment in listing.segments]
    assert all(flag is not True for flag in flags[:-1]), f"bLastSegment per segment: {flags}"
    ids, newest = listing.ids, chat_history.last
    assert ids and len(ids) <= DEFAULT_LESS, f"{len(ids)} events: {ids}"
    assert ids == list(range(newest - len(ids) + 1, newest + 1)), (
        f"expected a run of ids ending at {newest}, got {ids}"
    )
    assert ids[0] <= chat_history.first, (
        f"the {len(ids)} events start at {ids[0]}, after the set-up's first {chat_history.first}"
    )
    if ids[0] < chat_history.first:  # older events exist: the 100 must be full
        assert len(ids) == DEFAULT_LESS, f"{len(ids)} events although older ones exist"
    _assert_ours(chat_history, listing.events)
    session.assert_quiet(
        "asnChatEvent",
        0.2,
        where=lambda argument: argument.get("u8sEventListCrossRefID") == listing.cross_ref,
    )


@pytest.mark.spec("16.1.12", line=18375)
@pytest.mark.sends("asnChatGetConversationID", "asnChatGetEventsRange")
def test_paging_backwards_walks_the_whole_history(
    chat_session: ChatSession,
    chat_history: ChatHistory,
    read_list: ReadList,
    assert_walk: AssertWalk,
) -> None:
    """16.1.12: iNumLessThanSeqID returns up to that many events before iSequenceID
    (L18375-L18383). Paging back from the newest with iSequenceID = the oldest id seen and
    iNumLessThanSeqID = 10 walks the whole history: for the set-up's 25 messages in a fresh
    conversation 10, 10, 5, then nothing; every page, sorted, a run of ids rising by one
    (L17517) that ends right below the page after it, so nothing is skipped or repeated."""
    session = chat_session("sender")
    choice = _by_id(chat_history)
    pages = [
        read_list(session, RANGE, {"asnConversationIDChoice": choice, "iNumLessThanSeqID": PAGE})
    ]
    for _ in range(chat_history.last // PAGE + 2):
        if not pages[-1].ids:
            break
        oldest = pages[-1].ids[0]  # ids are sorted
        pages.append(
            read_list(
                session,
                RANGE,
                {
                    "asnConversationIDChoice": choice,
                    "iSequenceID": oldest,
                    "iNumLessThanSeqID": PAGE,
                },
            )
        )
    assert_walk(pages, chat_history, PAGE)


@pytest.mark.spec("16.1.12", line=18385)
@pytest.mark.sends("asnChatGetConversationID", "asnChatGetEventsRange")
def test_forward_range_from_sequence_id_is_inclusive(
    chat_session: ChatSession, chat_history: ChatHistory, read_list: ReadList
) -> None:
    """16.1.12: iNumGreaterThanOrEqualSeqID returns up to that many events from iSequenceID on
    (L18385-L18403), iSequenceID itself included as the member's name says; with
    iNumLessThanSeqID 0 none before it. iSequenceID = X with 10 gives exactly X .. X+9, in
    whatever order."""
    start = chat_history.first + 7
    listing: EventList = read_list(
        chat_session("sender"),
        RANGE,
        {
            "asnConversationIDChoice": _by_id(chat_history),
            "iSequenceID": start,
            "iNumGreaterThanOrEqualSeqID": 10,
            "iNumLessThanSeqID": 0,
        },
    )
    expected = list(range(start, start + 10))
    assert listing.ids == expected, f"expected ids {start}..{start + 9}, got {listing.ids}"
    _assert_ours(chat_history, listing.events)


@pytest.mark.spec("16.1.12", line=18393)
@pytest.mark.sends("asnChatGetConversationID", "asnChatGetEventsRange")
def test_greater_or_equal_is_ignored_without_sequence_id(
    chat_session: ChatSession, chat_history: ChatHistory, read_list: ReadList
) -> None:
    """16.1.12: "Falls keine iSequenceID angegeben wurde, wird iNumGreaterThanOrEqualSeqID
    ignoriert" (L18393-L18403). Without iSequenceID, iNumLessThanSeqID 5 and
    iNumGreaterThanOrEqualSeqID 10 give exactly the 5 newest messages, in whatever order."""
    listing: EventList = read_list(
        chat_session("sender"),
        RANGE,
        {
            "asnConversationIDChoice": _by_id(chat_history),
            "iNumLessThanSeqID": 5,
            "iNumGreaterThanOrEqualSeqID": 10,
        },
    )
    newest = chat_history.last
    expected = list(range(newest - 4, newest + 1))
    assert listing.ids == expected, f"expected ids {newest - 4}..{newest}, got {listing.ids}"
    _assert_ours(chat_history, listing.events)
