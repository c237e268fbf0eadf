"""ChatV2 in the reference server (document chapter 16/17; conformance/reference/chat.py and
chat_store.py).

Every test runs on a private server, so conversations never leak between tests. The server
queues the events a request causes before its reply, so the messages a session receives up to
a reply are exactly the events that request produced (and nothing else was going on).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from conformance.catalog import Catalog
from conformance.reference import ReferenceServer
from conformance.reference.chat import SEGMENT_SIZE, store_of, subscribed
from conformance.reference.chat_store import ChatStore, bare_uri

if TYPE_CHECKING:
    from conftest import Api, Channel

ALICE = "sip:alice@reference.invalid"
BOB = "sip:bob@reference.invalid"
CAROL = "sip:carol@reference.invalid"
DAVE = "sip:dave@reference.invalid"
NOBODY = "sip:nobody@elsewhere.invalid"
NOERROR, FORBIDDEN, INVALID_CONVERSATION = 0, 1, 2
UNKNOWN_RECIPIENT, INVALID_CROSS_REF, REQUEST_FAIL = 5, 7, 9


class User:
    """One logged-in user: a session and its open event channel."""

    def __init__(self, api: Api, channel: Channel, session: str, catalog: Catalog) -> None:
        self.api = api
        self.channel = channel
        self.session = session
        self.catalog = catalog
        self._ids = iter(range(1, 100_000))
        self._sent = 0

    def call(self, operation: str, argument: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Invoke over the WebSocket: (result payload, arguments of the events before it)."""
        invoke_id = next(self._ids)
        self.channel.invoke(invoke_id, operation, argument)
        events: list[dict[str, Any]] = []
        while True:
            message = self.channel.receive(timeout=5)
            if "invoke" in message:
                assert message["invoke"]["invokeID"] == 99999
                assert message["invoke"]["operationName"] == "asnChatEvent"
                argument = message["invoke"]["argument"]
                self.catalog.validate("AsnChatEventArgument", argument)
                events.append(argument)
                continue
            assert list(message) == ["result"], message
            assert message["result"]["invokeID"] == invoke_id
            result: dict[str, Any] = message["result"]["result"]["result"]
            info = self.catalog.operation(operation)
            self.catalog.validate(info.result or "", result)
            return result, events

    def subscribe(self, **argument: Any) -> list[dict[str, Any]]:
        result, events = self.call(
            "asnChatSubscribeEvents", {"bReceiveChatEvents": True, **argument}
        )
        assert result == {"iResult": NOERROR}
        return events

    def send(self, text: str = "hello", *, to: str = BOB, **argument: Any) -> dict[str, Any]:
        self._sent += 1
        body = {
            "u8sRecipientURIs": [to],
            "u8sMessage": text,
            "u8sEventCrossRefID": f"{self.session[:6]}-{self._sent}",
            **argument,
        }
        result, _ = self.call("asnChatTextMessage", body)
        return result

    def conversation_id(self, contact: str) -> str:
        result, _ = self.call("asnChatGetConversationID", {"u8sContactURI": contact})
        assert result["iResult"] == NOERROR, result
        conversation: str = result["u8sConversationID"]
        return conversation

    def read(self, operation: str, **argument: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A list request with cross reference ``L``: (result, the segments)."""
        return self.call(operation, {"u8sEventListCrossRefID": "L", **argument})

    def assert_quiet(self) -> None:
        message = self.channel.call(424242, "asnCheckConnection", {})
        assert list(message) == ["result"], f"unexpected message: {message}"


def ids(segments: list[dict[str, Any]]) -> list[int]:
    return [event["iConvSequenceID"] for s in segments for event in s["asnChatEventList"]]


@pytest.fixture
def fresh(make_server: Callable[..., ReferenceServer], api_for: Callable[..., Api]) -> Api:
    return api_for(make_server())


@contextmanager
def logged_in(api: Api, catalog: Catalog, *aliases: str) -> Iterator[list[User]]:
    with ExitStack() as stack:
        users = []
        for alias in aliases:
            session = api.create_session(alias)
            channel = stack.enter_context(api.websocket(session))
            users.append(User(api, channel, session, catalog))
        yield users


def by_id(conversation: str) -> dict[str, Any]:
    return {"asnConversationIDChoice": {"u8sConversationID": conversation}}


# --- the store -----------------------------------------------------------------------------


def test_store_numbers_events_per_conversation_and_globally() -> None:
    store = ChatStore()
    pair = store.one_to_one(ALICE, BOB)
    assert pair is not None and store.one_to_one(f"{BOB};display=Bob", ALICE) is pair
    assert store.one_to_one(ALICE, CAROL, create=False) is None
    group = store.multi_user([ALICE, BOB, CAROL, ALICE])
    assert group.parties == (ALICE, BOB, CAROL) and group.kind == 2 and pair.kind == 1
    a = store.append(pair, ALICE, "x1", "one", "t")
    b = store.append(group, BOB, "x1", "two", "t")
    c = store.append(pair, f"{BOB};display=Bob", "x2", "three", "t")
    assert [(r.sequence_id, r.glob_id) for r in (a, b, c)] == [(1, 1), (1, 2), (2, 3)]
    assert c.sender == BOB and pair.newest == 2
    assert pair.between(0, 99) == [a, c] and pair.between(2, 3) == [c] and pair.between(3, 9) == []
    assert store.cross_ref_used(ALICE, "x1") and not store.cross_ref_used(CAROL, "x1")
    assert store.since(BOB, 1) == [b, c] and store.since(ALICE, 2) == [c]
    assert store.find("O", [pair, group]) == [a, b] and store.of_party(CAROL) == [group]
    assert bare_uri(" sip:a@b;display=A ") == "sip:a@b"


# --- messages, conversations and pushes ----------------------------------------------------


def test_messages_number_from_one_and_reach_subscribers(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, catalog, "alice", "bob", "bob", "carol") as (alice, bob, bob2, carol):
        alice.subscribe()
        bob.subscribe()
        carol.subscribe()
        conversation = alice.conversation_id(BOB)
        assert bob.conversation_id(ALICE) == conversation
        first, pushed = alice.call(
            "asnChatTextMessage",
            {"u8sRecipientURIs": [BOB], "u8sMessage": "hi", "u8sEventCrossRefID": "m1"},
        )
        assert first == {"iResult": 0, "iConvSequenceID": 1, "u8sConversationID": conversation}
        (own,) = pushed  # the sender's own subscribed session is told too
        event = own["asnChatEventList"][0]
        assert set(own) == {"asnChatEventList"}
        assert (event["u8sEventCrossRefID"], event["iConvSequenceID"]) == ("m1", 1)
        assert (event["u8sSenderURI"], event["bUpdate"]) == (ALICE, False)
        assert event["asnChatMessage"] == {"u8sMessage": "hi"}
        second = alice.send("again", u8sConversationID=conversation, to=NOBODY)
        assert second["iConvSequenceID"] == 2  # recipients are ignored with an id
        for number in (1, 2):
            message = bob.channel.receive()
            assert message["invoke"]["argument"]["asnChatEventList"][0]["iConvSequenceID"] == number
        bob2.assert_quiet()  # not subscribed
        carol.assert_quiet()  # no party


def test_unsubscribe_stops_pushes(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, catalog, "alice", "bob") as (alice, bob):
        bob.subscribe()
        session = fresh.server.state.sessions.get(bob.session)
        assert session is not None and subscribed(session)
        result, _ = bob.call("asnChatSubscribeEvents", {"bReceiveChatEvents": False})
        assert result == {"iResult": 0} and not subscribed(session)
        alice.send()
        bob.assert_quiet()


def test_more_recipients_make_a_new_multi_user_conversation(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, catalog, "alice", "carol") as (alice, carol):
        carol.subscribe()
        one = alice.send(u8sRecipientURIs=[BOB, CAROL, ALICE], u8sConversationName="team")
        two = alice.send(u8sRecipientURIs=[BOB, CAROL])
        assert one["u8sConversationID"] != two["u8sConversationID"]
        assert (one["iConvSequenceID"], two["iConvSequenceID"]) == (1, 1)
        assert carol.channel.receive()["invoke"]["operationName"] == "asnChatEvent"
        conversation = store_of(fresh.server.state).get(one["u8sConversationID"])
        assert conversation is not None
        assert (conversation.parties, conversation.name) == ((ALICE, BOB, CAROL), "team")


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ({"u8sRecipientURIs": [NOBODY]}, UNKNOWN_RECIPIENT),
        ({"u8sRecipientURIs": [ALICE]}, REQUEST_FAIL),
        ({"u8sRecipientURIs": []}, REQUEST_FAIL),
        ({"u8sConversationID": "no-such-id"}, INVALID_CONVERSATION),
        ({"u8sEventCrossRefID": "x" * 81}, REQUEST_FAIL),
        ({"u8sEventCrossRefID": "used"}, INVALID_CROSS_REF),
    ],
)
def test_refused_messages(
    fresh: Api, catalog: Catalog, argument: dict[str, Any], expected: int
) -> None:
    with logged_in(fresh, catalog, "alice") as (alice,):
        assert alice.send(u8sEventCrossRefID="used")["iResult"] == NOERROR
        refused = alice.send(**argument)
    assert refused["iResult"] == expected
    assert refused["iConvSequenceID"] == 0
    assert store_of(fresh.server.state).one_to_one(ALICE, BOB, create=False).newest == 1  # type: ignore[union-attr]


def test_a_non_party_may_not_write(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, catalog, "alice", "carol") as (alice, carol):
        conversation = alice.send()["u8sConversationID"]
        refused = carol.send(u8sConversationID=conversation)
    assert (refused["iResult"], refused["u8sConversationID"]) == (FORBIDDEN, conversation)


@pytest.mark.parametrize(
    ("contact", "expected"),
    [(NOBODY, UNKNOWN_RECIPIENT), (ALICE, REQUEST_FAIL), (f"{DAVE};display=D", NOERROR)],
)
def test_get_conversation_id_answers(
    fresh: Api, catalog: Catalog, contact: str, expected: int
) -> None:
    with logged_in(fresh, catalog, "alice") as (alice,):
        result, _ = alice.call("asnChatGetConversationID", {"u8sContactURI": contact})
    assert result["iResult"] == expected
    assert bool(result["u8sConversationID"]) == (expected == NOERROR)


# --- asnChatGetEventsRange -----------------------------------------------------------------


def _history(alice: User, count: int) -> str:
    conversation = alice.conversation_id(BOB)
    for number in range(count):
        alice.send(f"message {number}", u8sConversationID=conversation)
    return conversation


def test_range_windows(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, catalog, "alice") as (alice,):
        conversation = _history(alice, 120)
        result, segments = alice.read("asnChatGetEventsRange", **by_id(conversation))
        assert result == {"iResult": 0}
        assert ids(segments) == list(range(21, 121))
        assert [len(s["asnChatEventList"]) for s in segments] == [SEGMENT_SIZE] * 2 + [20]
        assert [s["bLastSegment"] for s in segments] == [False, False, True]
        assert {s["u8sEventListCrossRefID"] for s in segments} == {"L"}

        def window(**argument: Any) -> list[int]:
            return ids(alice.read("asnChatGetEventsRange", **by_id(conversation), **argument)[1])

        assert window(iSequenceID=50, iNumLessThanSeqID=3) == [47, 48, 49]
        assert window(iSequenceID=50, iNumLessThanSeqID=2, iNumGreaterThanOrEqualSeqID=2) == [
            48,
            49,
            50,
            51,
        ]
        assert window(iSequenceID=3, iNumLessThanSeqID=10) == [1, 2]
        assert window(iSequenceID=119, iNumLessThanSeqID=0, iNumGreaterThanOrEqualSeqID=9) == [
            119,
            120,
        ]
        assert window(iNumLessThanSeqID=2, iNumGreaterThanOrEqualSeqID=50) == [119, 120]
        assert window(iSequenceID=1, iNumLessThanSeqID=100) == []
        assert window(iNumLessThanSeqID=500) == list(range(1, 121))


def test_an_empty_list_is_one_last_segment(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, catalog, "alice") as (alice,):
        conversation = alice.conversation_id(CAROL)
        result, segments = alice.read("asnChatGetEventsRange", **by_id(conversation))
        assert result == {"iResult": 0}
        assert segments == [
            {"asnChatEventList": [], "u8sEventListCrossRefID": "L", "bLastSegment": True}
        ]
        result, segments = alice.call(
            "asnChatGetEventsRange", {"asnConversationIDChoice": {"u8sPartnerURI": BOB}}
        )
        assert segments == [{"asnChatEventList": [], "bLastSegment": True}]  # no cross ref given


def test_range_refusals(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, catalog, "alice", "carol") as (alice, carol):
        conversation = _history(alice, 3)
        cases = [
            (carol, by_id(conversation), FORBIDDEN),
            (alice, by_id("no-such-id"), INVALID_CONVERSATION),
            (alice, {"asnConversationIDChoice": {"u8sPartnerURI": NOBODY}}, INVALID_CONVERSATION),
            (alice, {"asnConversationIDChoice": {"u8sPartnerURI": ALICE}}, INVALID_CONVERSATION),
            (alice, {**by_id(conversation), "iNumLessThanSeqID": -1, "iMaxEvents": -1}, 9),
        ]
        for user, argument, expected in cases:
            for operation in ("asnChatGetEventsRange", "asnChatGetEvents"):
                result, segments = user.read(operation, **argument)
                assert (result, segments) == ({"iResult": expected}, []), (operation, argument)


def test_partner_choice_and_recipient_see_the_same(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, catalog, "alice", "bob") as (alice, bob):
        conversation = _history(alice, 5)
        mine = alice.read("asnChatGetEventsRange", **by_id(conversation))[1]
        partner = alice.read(
            "asnChatGetEventsRange", asnConversationIDChoice={"u8sPartnerURI": BOB}
        )
        theirs = bob.read("asnChatGetEventsRange", asnConversationIDChoice={"u8sPartnerURI": ALICE})
    assert ids(mine) == [1, 2, 3, 4, 5]
    assert partner[1] == mine and theirs[1] == mine


def test_direct_route_has_no_event_channel(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, catalog, "alice") as (alice,):
        conversation = _history(alice, 2)
    response = fresh.direct("asnChatGetEventsRange", by_id(conversation))
    assert (response.status_code, response.json()) == (200, {"iResult": 0})
    response = fresh.direct("asnChatSubscribeEvents", {"bReceiveChatEvents": True})
    assert (response.status_code, response.json()) == (200, {"iResult": 0})


# --- asnChatGetEvents, asnChatFindEvents, the differential update ---------------------------


def test_get_events_pages_backwards(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, catalog, "alice") as (alice,):
        conversation = _history(alice, 45)

        def page(**argument: Any) -> list[int]:
            return ids(alice.read("asnChatGetEvents", **by_id(conversation), **argument)[1])

        assert page() == list(range(1, 46))  # neither member: everything
        assert page(iMaxEvents=5) == [41, 42, 43, 44, 45]
        assert page(iLastKnownSequenceID=41, iMaxEvents=3) == [38, 39, 40]
        assert page(iLastKnownSequenceID=4) == [1, 2, 3]
        assert page(iLastKnownSequenceID=1, iMaxEvents=3) == []


def test_find_events(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, catalog, "alice", "bob", "carol") as (alice, bob, carol):
        conversation = _history(alice, 12)
        carol.send("Message to alice", to=ALICE)
        bob.send("no match here", to=CAROL)

        def find(user: User = alice, **argument: Any) -> tuple[int, int, list[int]]:
            result, events = user.call(
                "asnChatFindEvents", {"u8sSearchString": "MESSAGE", "iMaxEvents": 5, **argument}
            )
            assert events == []
            found = [
                (e["u8sConversationID"], e["iConvSequenceID"]) for e in result["asnChatEventList"]
            ]
            return result["iResult"], result["iNumTotalResults"], [n for _, n in found]

        assert find() == (0, 13, [1, 2, 3, 4, 5])  # every conversation of alice, stored order
        assert find(iOffset=10) == (0, 13, [11, 12, 1])  # the last is carol's
        assert find(u8sConversationID=conversation, iOffset=10) == (0, 12, [11, 12])
        assert find(u8sConversationID=conversation, iMaxEvents=0) == (0, 12, [])
        assert find(u8sSearchString="message 1") == (0, 3, [2, 11, 12])
        assert find(carol, u8sConversationID=conversation) == (FORBIDDEN, 0, [])
        assert find(u8sConversationID="no-such-id") == (INVALID_CONVERSATION, 0, [])
        assert find(iOffset=-1) == (REQUEST_FAIL, 0, [])


def test_subscribe_delivers_the_difference(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, catalog, "alice", "bob") as (alice, bob):
        _history(alice, 5)
        carol_chat = alice.send("to carol", to=CAROL)
        assert bob.subscribe() == []  # no last known id: no events
        segments = bob.subscribe(iLastKnownGlobTransactionID=2, u8sEventListCrossRefID="D")
        assert ids(segments) == [3, 4, 5] and segments[-1]["u8sEventListCrossRefID"] == "D"
        segments = alice.subscribe(iLastKnownGlobTransactionID=2, iMaxEvents=2)
        assert [e["iGlobTransactionID"] for s in segments for e in s["asnChatEventList"]] == [3, 4]
    assert carol_chat["iConvSequenceID"] == 1


# --- typing notifications ------------------------------------------------------------------


def test_typing_goes_to_the_other_parties_subscribed_sessions(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, catalog, "alice", "bob", "bob", "carol") as users:
        alice, bob, bob2, carol = users
        for subscriber in (alice, bob, carol):
            subscriber.subscribe()
        conversation = alice.conversation_id(BOB)
        typing = {"u8sConversationID": conversation, "u8sSenderURI": CAROL, "bUserTyping": True}
        alice.channel.invoke(99999, "asnChatUserStatus", typing)
        alice.assert_quiet()  # no reply, and not back to the sender
        message = bob.channel.receive()["invoke"]
        assert message["operationName"] == "asnChatUserStatus"
        catalog.validate("AsnChatUserStatusArgument", message["argument"])
        assert message["argument"] == {**typing, "u8sSenderURI": ALICE}  # not in another's name
        bob2.assert_quiet()  # not subscribed
        carol.assert_quiet()  # no party
        # a non-party, and an unknown conversation: nothing is sent on
        carol.channel.invoke(99999, "asnChatUserStatus", typing)
        alice.channel.invoke(99999, "asnChatUserStatus", {**typing, "u8sConversationID": "x"})
        for user in (carol, alice, bob):
            user.assert_quiet()
