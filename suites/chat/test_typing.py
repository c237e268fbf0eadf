"""Typing notifications: asnChatUserStatus (16.2.2, L18812-L18829), "Neuer UserStatus in einem
Chat (Typing Notification)", with ``bUserTyping`` "Nutzer tippt eine nachricht oder eben nicht"
(L18827). A client "has to refresh the server that the user is typing" (AsnChatTypingTime,
17.1.7, L19237-L19239): it tells the server with that event, and the server sends it on. The
document names no recipients; ours are the subscribed sessions of the conversation's other
parties (capability ``chat.typing_relay``, CONFORMANCE-NOTES N58)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import ChatHistory, ChatSession

from conformance.client.dispatch import Where
from conformance.rose import JsonObject

pytestmark = [
    pytest.mark.module("ChatV2"),
    pytest.mark.requires("users>=2"),
    pytest.mark.requires("capability:chat.typing_relay"),
    pytest.mark.sends(
        "asnChatSubscribeEvents", "asnChatTextMessage", "asnGetLoggedInContact"
    ),  # the set-up (conftest.chat_history) opens the conversation
]

USER_STATUS = "asnChatUserStatus"


@pytest.mark.spec("16.2.2", line=18812)
@pytest.mark.spec("17.1.7", line=19237)
@pytest.mark.sends(USER_STATUS)
def test_typing_reaches_the_other_party(
    chat_session: ChatSession, chat_history: ChatHistory
) -> None:
    """16.2.2: the sender says it is typing in the set-up's conversation, then that it stopped;
    the recipient's subscribed session gets both as asnChatUserStatus, naming that conversation
    (``u8sConversationID``, "ID des Chats", L18824), the sender (``u8sSenderURI``, "Kontakt URI
    des Absenders", L18825) and ``bUserTyping`` as sent (L18827), stop after start."""
    recipient = chat_session("recipient")
    sender = chat_session("sender")
    for typing in (True, False):
        sender.send_event(
            USER_STATUS,
            {
                "u8sConversationID": chat_history.conversation_id,
                "u8sSenderURI": chat_history.sender_uri,
                "bUserTyping": typing,
            },
        )

        def about_this_chat(argument: JsonObject) -> bool:
            return argument.get("u8sConversationID") == chat_history.conversation_id

        where = Where(about_this_chat, f"u8sConversationID {chat_history.conversation_id!r}")
        status = recipient.wait_for(USER_STATUS, where).argument or {}
        assert status.get("u8sSenderURI") == chat_history.sender_uri, (
            f"asnChatUserStatus names the typing user as u8sSenderURI "
            f"{chat_history.sender_uri!r} (L18825): {status}"
        )
        assert status.get("bUserTyping") is typing, (
            f"asnChatUserStatus carries bUserTyping {typing} as the sender sent it (L18827): "
            f"{status}"
        )
