"""asnChatSubscribeEvents (16.1.1, L17643-L17717): ``bReceiveChatEvents`` false ends the
subscription ("true = subscribe / false = unsubscribe", L17656-L17658), and a session whose
subscription ended is told of no new message (asnChatEvent, 16.2.1, L18784-L18810)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import ChatHistory, ChatSession

from conformance.client.dispatch import Where
from conformance.rose import JsonObject

pytestmark = [
    pytest.mark.module("ChatV2"),
    pytest.mark.requires("users>=3"),
    pytest.mark.sends(
        "asnChatSubscribeEvents", "asnChatTextMessage", "asnGetLoggedInContact"
    ),  # the set-up (conftest.chat_history) opens the conversation
]

CHAT_EVENT = "asnChatEvent"
QUIET_SECONDS = 0.5
"""How long (scaled) an asnChatEvent sent in error may still take to arrive after a round trip
on the same channel and after a subscribed session of the same user got the message."""


@pytest.mark.spec("16.1.1", line=17656)
@pytest.mark.spec("16.1.5", line=17920)
@pytest.mark.sends("asnChatGetEventsRange", "asnCheckConnection")
def test_no_new_message_after_unsubscribe(
    chat_session: ChatSession, chat_history: ChatHistory, outsider: str, outsider_uri: str
) -> None:
    """16.1.1: two sessions of a third user subscribe, one then unsubscribes (iResult 0,
    AsnChatResultEnum noerror, L19139-L19143). The sender writes that user one message,
    starting their one-to-one chat with an empty conversation id (L17920-L17922, iResult 0):
    the still subscribed session is told of it as asnChatEvent, the other is not. The message
    goes to the third user, not into the set-up's conversation, which the other tests read."""
    listening = chat_session(outsider)
    quitting = chat_session(outsider)
    quit = quitting.invoke("asnChatSubscribeEvents", {"bReceiveChatEvents": False})
    assert quit.expect_result()["iResult"] == 0, f"unsubscribing: {quit.describe()}"
    sender = chat_session("sender")
    since = quitting.mark()
    cross_ref = f"ucconf-{secrets.token_hex(8)}"
    sent = sender.invoke(
        "asnChatTextMessage",
        {
            "u8sRecipientURIs": [outsider_uri],
            "u8sMessage": f"ucconf chat {chat_history.token}: unsubscribe check",
            "u8sEventCrossRefID": cross_ref,
            "u8sConversationID": "",
        },
    )
    assert sent.expect_result()["iResult"] == 0, sent.describe()

    def ours(argument: JsonObject) -> bool:
        events = argument.get("asnChatEventList", [])
        return any(event.get("u8sEventCrossRefID") == cross_ref for event in events)

    where = Where(ours, f"an event with u8sEventCrossRefID {cross_ref!r}")
    listening.wait_for(CHAT_EVENT, where)  # the message was announced
    quitting.invoke("asnCheckConnection", {}).expect_result()
    quitting.assert_quiet(CHAT_EVENT, QUIET_SECONDS, where=where, since=since)
