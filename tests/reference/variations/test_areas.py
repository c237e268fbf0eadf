"""What the chat, presence, token and result variations change in the reference server
(conformance/reference/variations/chat.py, presence.py, tokens.py, envelope.py), seen over
/ws/direct. The suites passing under each variation (``--variation``) is the real proof; these
check that each one bends what it claims to, and nothing without it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest

from conformance.reference import ReferenceServer
from conformance.reference.variations.envelope import EXTRA_MEMBER
from conformance.reference.variations.tokens import TTL_FLOOR

if TYPE_CHECKING:
    from conftest import Api

MakeApi = Callable[[ReferenceServer], "Api"]
BOB = "sip:bob@reference.invalid"
INVALID_CONVERSATION = 2


def _api(make_server: Callable[..., ReferenceServer], api_for: MakeApi, *names: str) -> Api:
    return api_for(make_server(variations=list(names)))


def _result(api: Api, operation: str, body: Any) -> Any:
    response = api.direct(operation, body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("varied", [False, True])
def test_conversation_id_only_after_the_first_message(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi, varied: bool
) -> None:
    names = ["chat.conversation-id-after-first-message"] if varied else []
    api = _api(make_server, api_for, *names)
    asked = _result(api, "asnChatGetConversationID", {"u8sContactURI": BOB})
    message = {"u8sRecipientURIs": [BOB], "u8sMessage": "hi", "u8sEventCrossRefID": "x-1"}
    sent = _result(api, "asnChatTextMessage", {**message, "u8sConversationID": ""})
    if varied:
        assert asked == {"iResult": INVALID_CONVERSATION, "u8sConversationID": ""}
    else:
        assert asked["u8sConversationID"] == sent["u8sConversationID"]
    again = _result(api, "asnChatGetConversationID", {"u8sContactURI": BOB})
    assert again == {"iResult": 0, "u8sConversationID": sent["u8sConversationID"]}


def test_absent_state_withheld(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    body = {"seqContactIDs": [BOB]}
    plain = _result(_api(make_server, api_for), "asnGetAndSubscribePresence", body)
    varied = _result(
        _api(make_server, api_for, "presence.absent-state-withheld"),
        "asnGetAndSubscribePresence",
        body,
    )
    assert "asnAbsentState" in plain["seqSubscribedPresence"][0]
    assert "asnAbsentState" not in varied["seqSubscribedPresence"][0]
    assert varied["seqSubscribedPresence"][0]["iPresenceState"]


def test_ttl_floor_and_verify_for_users(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    api = _api(make_server, api_for, "tokens.ttl-floor")
    verified = _result(api, "asnTokenVerify", {"sToken": api.token(iType=1, iTTL=2)})
    issued_now = datetime.now(datetime.fromisoformat(verified["stValidTo"]).tzinfo)
    left = (datetime.fromisoformat(verified["stValidTo"]) - issued_now).total_seconds()
    assert TTL_FLOOR - 2 <= left <= TTL_FLOOR + 1, verified
    closed = _api(make_server, api_for, "tokens.verify-external-only")
    refused = closed.direct("asnTokenVerify", {"sToken": closed.token(iType=1)})
    assert refused.status_code != 200, refused.text


def test_extra_member_in_every_result(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    api = _api(make_server, api_for, "results.extra-member")
    assert EXTRA_MEMBER in _result(api, "asnGetLoggedInContact", {})
    assert EXTRA_MEMBER not in _result(_api(make_server, api_for), "asnGetLoggedInContact", {})
