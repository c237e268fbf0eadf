"""Who reads which conversation: AsnConversationIDChoice (17.1.27, L19707-L19715), the parties
of a conversation and the AsnChatResultEnum answers forbidden (1) and invalidconversationid (2)
(17.1.1, L19139-L19167), through asnChatGetEventsRange (16.1.12, L18319-L18431)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import ChatHistory, ChatResult, ChatSession, EventList, ReadList

from conformance.client.dispatch import Where
from conformance.rose import JsonObject

pytestmark = [
    pytest.mark.module("ChatV2"),
    pytest.mark.requires("users>=2"),
    pytest.mark.sends(
        "asnChatSubscribeEvents", "asnChatTextMessage", "asnGetLoggedInContact"
    ),  # the set-up (conftest.chat_history) opens the conversation
]

RANGE = "asnChatGetEventsRange"
FORBIDDEN, INVALID_CONVERSATION = 1, 2
WINDOW = {"iNumLessThanSeqID": 20}
"""The 20 newest events: enough to compare views, small enough to be quick."""


def _view(events: list[JsonObject]) -> list[tuple[object, ...]]:
    """What a reader sees of each event: id, conversation, sender and text, by id (the document
    states no order for the events of a list)."""
    return sorted(
        (
            event["iConvSequenceID"],
            event["u8sConversationID"],
            event.get("u8sSenderURI"),
            (event.get("asnChatMessage") or {}).get("u8sMessage"),
        )
        for event in events
    )  # ids are unique within a list (read_list checks), so the tuples never tie


@pytest.mark.spec("17.1.27", line=19707)
@pytest.mark.spec("16.1.12", line=18336)
@pytest.mark.sends("asnChatGetConversationID", "asnChatGetEventsRange")
def test_partner_uri_addresses_the_same_conversation(
    chat_session: ChatSession, chat_history: ChatHistory, read_list: ReadList
) -> None:
    """17.1.27 AsnConversationIDChoice: ``u8sPartnerURI`` is "ID des anderen Chat Partners bei
    einem One-to-One Chat" (L19713-L19715), so naming the recipient as partner addresses the
    one-to-one conversation the set-up's first message started (L17920-L17922): both choices
    deliver the same events, all of that conversation."""
    session = chat_session("sender")
    by_id: EventList = read_list(
        session,
        RANGE,
        {"asnConversationIDChoice": {"u8sConversationID": chat_history.conversation_id}, **WINDOW},
    )
    by_partner: EventList = read_list(
        session,
        RANGE,
        {"asnConversationIDChoice": {"u8sPartnerURI": chat_history.recipient_uri}, **WINDOW},
    )
    assert by_id.events, "the conversation shows no events"
    assert _view(by_partner.events) == _view(by_id.events)
    assert {e["u8sConversationID"] for e in by_partner.events} == {chat_history.conversation_id}


@pytest.mark.spec("16.1.12", line=18319)
@pytest.mark.spec("16.1.5", line=17908)
@pytest.mark.sends("asnChatGetConversationID", "asnChatGetEventsRange")
def test_recipient_sees_the_same_history(
    chat_session: ChatSession, chat_history: ChatHistory, read_list: ReadList
) -> None:
    """16.1.12 / 16.1.5: "Jede Nachricht und jede Aenderung an einem Chat wird fuer alle
    Empfaenger persistiert" (L17511): the recipient reading the conversation by its id gets the
    same events as the sender, the sender's messages included."""
    argument = {
        "asnConversationIDChoice": {"u8sConversationID": chat_history.conversation_id},
        **WINDOW,
    }
    sender: EventList = read_list(chat_session("sender"), RANGE, argument)
    recipient: EventList = read_list(chat_session("recipient"), RANGE, argument)
    assert sender.events, "the conversation shows no events"
    assert _view(recipient.events) == _view(sender.events)


@pytest.mark.spec("17.1.1", line=19139)
@pytest.mark.spec("16.1.12", line=18319)
@pytest.mark.requires("users>=3")
@pytest.mark.sends("asnChatGetConversationID", "asnChatGetEventsRange")
def test_non_participant_gets_no_history(
    chat_session: ChatSession, chat_history: ChatHistory, chat_result: ChatResult, outsider: str
) -> None:
    """17.1.1 AsnChatResultEnum: a user who is no party of the conversation asking for its
    events is refused, forbidden (1, "Benutzer darf diese Operation nicht ausfuehren") or
    invalidconversationid (2) (L19139-L19167), in the result's iResult or an AsnRequestError,
    and gets no asnChatEvent for the request nor any event of that conversation."""
    session = chat_session(outsider)
    cross_ref = f"ucconf-list-{secrets.token_hex(8)}"
    outcome = session.invoke(
        RANGE,
        {
            "asnConversationIDChoice": {"u8sConversationID": chat_history.conversation_id},
            "u8sEventListCrossRefID": cross_ref,
        },
    )
    assert chat_result(outcome) in (FORBIDDEN, INVALID_CONVERSATION), outcome.describe()

    def leaks(argument: JsonObject) -> bool:
        return argument.get("u8sEventListCrossRefID") == cross_ref or any(
            event.get("u8sConversationID") == chat_history.conversation_id
            for event in argument.get("asnChatEventList", [])
        )

    session.assert_quiet(
        "asnChatEvent",
        0.5,
        where=Where(leaks, "the request's list or an event of the conversation"),
    )


@pytest.mark.spec("17.1.1", line=19139)
@pytest.mark.spec("16.1.12", line=18336)
@pytest.mark.sends("asnChatGetConversationID", "asnChatGetEventsRange")
def test_unknown_conversation_id_is_invalid(
    chat_session: ChatSession, chat_result: ChatResult
) -> None:
    """17.1.1 AsnChatResultEnum: "Conversation ID ist ungueltig" is invalidconversationid (2)
    (L19145-L19147): an id that names no conversation is answered 2."""
    session = chat_session("sender")
    outcome = session.invoke(
        RANGE,
        {
            "asnConversationIDChoice": {
                "u8sConversationID": f"ucconf-no-such-conversation-{secrets.token_hex(8)}"
            },
            "u8sEventListCrossRefID": f"ucconf-list-{secrets.token_hex(8)}",
        },
    )
    assert chat_result(outcome) == INVALID_CONVERSATION, outcome.describe()


@pytest.mark.spec("16.1.15", line=18534)
@pytest.mark.sends("asnChatGetConversationID", "asnChatGetEventsRange")
def test_conversation_id_names_the_chat_once_it_exists(
    chat_session: ChatSession, chat_history: ChatHistory
) -> None:
    """16.1.15 asnChatGetConversationID "Gibt die ConversationID fuer einen One-to-One Chat
    zurueck" (L18534): once the set-up's messages exist, both parties asking for the other's
    URI get noerror (0) and the id of the conversation the first message started. (Before any
    message a server may answer no id: the set-up never asks then.)"""
    for role, partner in (
        ("sender", chat_history.recipient_uri),
        ("recipient", chat_history.sender_uri),
    ):
        outcome = chat_session(role).invoke("asnChatGetConversationID", {"u8sContactURI": partner})
        result = outcome.expect_result()
        assert result["iResult"] == 0, f"{role}: {outcome.describe()}"
        assert result["u8sConversationID"] == chat_history.conversation_id, (
            f"{role} asking for {partner}: {outcome.describe()}"
        )
