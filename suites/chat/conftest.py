"""Fixtures of the ChatV2 suite (document chapter 16, L17487-L18830; types chapter 17).

Set-up (once per run): the profile's first two enabled users, the *sender* and the
*recipient*, open sessions and subscribe with asnChatSubscribeEvents (16.1.1). The sender
starts their one-to-one chat the way the document describes it, asnChatTextMessage (16.1.5) to
the recipient with an empty conversation id ("kann leer sein wenn es eine 1:1 Chat ist und der
recipient genannt ist", L17920-L17922), learns the conversation id from that result, and sends
the rest of :data:`MESSAGES` messages into it. (asnChatGetConversationID, 16.1.15, may answer no
id for a pair that never chatted, so the set-up does not ask it first.) :data:`MESSAGES` is the
least the paging tests need: more than two pages of :data:`PAGE` events. Every message carries
a token unique to this set-up, so searches find exactly these messages. The tests only read the
conversation afterwards, each from sessions of its own, and tell the event lists they asked for
apart by a fresh ``u8sEventListCrossRefID``; so they are independent of each other and of their
order. The document states no order for the events of a list, so the tests sort them by id.

Under pytest-xdist against one real server the workers share that one set-up: the first worker
to get there sends the messages, the others wait for it (bounded) and read what it recorded. An
embedded reference server belongs to one worker, so each worker sets up its own. A real
server's conversation may hold older messages from earlier runs; the tests allow for them, but
nobody else may write into the conversation of those two users while the suite runs. The
messages stay: the document offers no way to delete a chat message.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass

import pytest

from conformance.client import Basic, HttpClient, Session, Target
from conformance.client.dispatch import Where
from conformance.client.exceptions import EventTimeout
from conformance.client.outcome import Outcome
from conformance.errors import ConformanceViolation
from conformance.leases import lease
from conformance.plugin import SessionFactory, Settings
from conformance.profile import Profile, User
from conformance.rose import JsonObject

CHAT_EVENT = "asnChatEvent"
PAGE = 10
"""Events per page of the paging tests."""
MESSAGES = 2 * PAGE + PAGE // 2
"""Messages the set-up sends: two full pages and a part page, the least that shows a walk
joins full pages and ends on a short one."""
MAX_SEGMENTS = 1000
"""More segments than any list of this suite can need: a server that never ends a list."""
SETUP_WAIT = 300.0
"""Seconds (before scaling) an xdist worker waits for another worker's set-up."""

ReadList = Callable[..., "EventList"]
"""``read_list(session, operation, argument)``: invoke with a fresh u8sEventListCrossRefID,
require iResult 0, collect the asnChatEvent segments carrying it up to the one with
bLastSegment true."""
AssertWalk = Callable[[list["EventList"], "ChatHistory", int], None]
"""``assert_walk(pages, history, page_size)``: see :func:`assert_walk`."""
ChatResult = Callable[[Outcome], int]
"""``chat_result(outcome)``: the AsnChatResultEnum an invoke answered (result or error)."""
ChatSession = Callable[[str], Session]
"""``chat_session(role)``: a fresh session of the role's user ("sender", "recipient",
"outsider"), subscribed to chat events."""


@dataclass(frozen=True)
class ChatHistory:
    """What the set-up sent, as the tests need it."""

    conversation_id: str
    sender: str
    """Profile alias of the sender."""
    recipient: str
    sender_uri: str
    recipient_uri: str
    token: str
    """Unique text inside every message of this set-up."""
    sequence_ids: tuple[int, ...]
    """iConvSequenceID of each message, in sending order."""
    texts: tuple[str, ...]

    @property
    def first(self) -> int:
        return self.sequence_ids[0]

    @property
    def last(self) -> int:
        return self.sequence_ids[-1]

    def text_of(self, sequence_id: int) -> str | None:
        """The text the set-up sent as ``sequence_id``; None for an id it did not send."""
        for sent, text in zip(self.sequence_ids, self.texts, strict=True):
            if sent == sequence_id:
                return text
        return None


def list_cross_ref() -> str:
    """A fresh u8sEventListCrossRefID (at most 80 characters, L17914-L17918)."""
    return f"ucconf-list-{secrets.token_hex(8)}"


def carrying(cross_ref: str) -> Where:
    return Where(
        lambda argument: argument.get("u8sEventListCrossRefID") == cross_ref,
        f"u8sEventListCrossRefID == {cross_ref!r}",
    )


def chat_result(outcome: Outcome) -> int:
    """The AsnChatResultEnum a ChatV2 invoke answered: ``iResult`` of its result, or the
    ``iErrorDetail`` of an AsnRequestError (the document allows both channels: every result has
    ``iResult``, L19139-L19167, and every operation names AsnRequestError as its error)."""
    if outcome.ok:
        result = outcome.expect_result()
        return int(result["iResult"])
    return int(outcome.expect_error()["iErrorDetail"])


@dataclass(frozen=True)
class EventList:
    """A requested event list as it arrived."""

    cross_ref: str
    result: JsonObject
    segments: tuple[JsonObject, ...]
    """The asnChatEvent arguments carrying ``cross_ref``, in arrival order."""

    @property
    def events(self) -> list[JsonObject]:
        return [event for segment in self.segments for event in segment["asnChatEventList"]]

    @property
    def ids(self) -> list[int]:
        """The events' sequence ids, ascending (the document states no order for a list)."""
        return sorted(sequence_ids(self.events))


def read_list(session: Session, operation: str, argument: JsonObject) -> EventList:
    cross_ref = list_cross_ref()
    outcome = session.invoke(operation, {**argument, "u8sEventListCrossRefID": cross_ref})
    result: JsonObject = outcome.expect_result()
    assert result["iResult"] == 0, f"{operation}: expected iResult 0 (noerror), got {result}"
    segments: list[JsonObject] = []
    for _ in range(MAX_SEGMENTS):
        try:
            # the session's event timeout (the profile's, scaled), not a shorter one of ours
            event = session.wait_for(CHAT_EVENT, carrying(cross_ref))
        except EventTimeout as timeout:
            if not segments:
                raise
            flags = [segment.get("bLastSegment") for segment in segments]
            raise ConformanceViolation(
                f"{operation}: {len(segments)} asnChatEvent segment(s) for {cross_ref!r} "
                f"arrived (bLastSegment: {flags}), then none: the list never ended with "
                "bLastSegment true (16.2.1, L18800-L18804)"
            ) from timeout
        segment = event.argument
        segments.append(segment)
        if segment.get("bLastSegment") is True:
            listing = EventList(cross_ref, result, tuple(segments))
            ids = listing.ids
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            assert not repeated, (
                f"{operation}: the list {cross_ref!r} holds event(s) {repeated} more than once "
                "(one sequence id per event, L17517)"
            )
            return listing
    raise ConformanceViolation(
        f"{operation}: {MAX_SEGMENTS} asnChatEvent segments for {cross_ref!r}, none with "
        "bLastSegment true (16.2.1, L18800-L18804)"
    )


def assert_walk(pages: list[EventList], history: ChatHistory, page_size: int) -> None:
    """The pages of a backward walk from the newest event, each asked for with up to
    ``page_size`` events before the oldest id of the page before it, cover the whole history:
    full pages, then one with the rest, then an empty one; every page, sorted, a run of ids
    rising by one (L17517) that ends right below the page before it (no gap, no overlap); the
    first page ends at the set-up's newest message and the walk reaches back past its oldest.
    When the conversation held nothing before the set-up, 25 messages in pages of 10 are 10,
    10, 5, then 0."""
    counts = [len(page.ids) for page in pages]
    assert counts[-1] == 0, f"the walk did not end after pages of {counts}"
    walked = pages[:-1]
    assert walked, "the first page is empty"
    assert all(count == page_size for count in counts[:-2]), f"page sizes {counts}"
    assert 0 < counts[-2] <= page_size, f"page sizes {counts}"
    for page in walked:
        assert page.ids == list(range(page.ids[0], page.ids[0] + len(page.ids))), (
            f"ids do not rise by one: {page.ids}"
        )
    for newer, older in itertools.pairwise(walked):
        assert older.ids[-1] == newer.ids[0] - 1, f"gap or overlap: {older.ids} then {newer.ids}"
    assert walked[0].ids[-1] == history.last, f"the first page ends at {walked[0].ids[-1]}"
    oldest = walked[-1].ids[0]
    assert oldest <= history.first, f"the walk stopped at id {oldest}"
    if oldest == history.first:  # the conversation holds only the set-up's messages
        full, rest = divmod(len(history.sequence_ids), page_size)
        assert counts == [page_size] * full + [rest] * bool(rest) + [0], f"page sizes {counts}"


def sequence_ids(events: list[JsonObject]) -> list[int]:
    return [int(event["iConvSequenceID"]) for event in events]


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(name="read_list")
def read_list_fixture() -> ReadList:
    return read_list


@pytest.fixture(name="assert_walk")
def assert_walk_fixture() -> AssertWalk:
    return assert_walk


@pytest.fixture(name="chat_result")
def chat_result_fixture() -> ChatResult:
    return chat_result


@pytest.fixture
def chat_session(session_factory: SessionFactory, chat_history: ChatHistory) -> ChatSession:
    roles = {"sender": chat_history.sender, "recipient": chat_history.recipient}

    def open_session(role: str) -> Session:
        alias = roles.get(role, role)
        session = session_factory(alias)
        subscribe(session)
        return session

    return open_session


@pytest.fixture
def outsider(profile: Profile, chat_history: ChatHistory) -> str:
    """Alias of an enabled user who takes no part in the set-up's conversation."""
    for user in profile.enabled_users():
        if user.alias not in (chat_history.sender, chat_history.recipient):
            return user.alias
    pytest.skip("the profile has no third enabled user to act as a non-participant")


@pytest.fixture
def outsider_uri(chat_session: ChatSession, profile: Profile, outsider: str) -> str:
    """The outsider's chat URI (:func:`contact_uri`)."""
    return contact_uri(chat_session(outsider), profile.user(outsider))


@pytest.fixture(scope="session")
def chat_history(
    request: pytest.FixtureRequest,
    conformance_settings: Settings,
    target: Target,
    tmp_path_factory: pytest.TempPathFactory,
) -> ChatHistory:
    """The conversation of the set-up (module docstring), made once per run."""
    users = conformance_settings.profile.enabled_users()
    if len(users) < 2:
        pytest.skip("the chat suite needs two enabled users in the profile")
    sender, recipient = users[0], users[1]

    def make() -> ChatHistory:
        profile = conformance_settings.profile
        client = HttpClient(
            target,
            secrets=profile.secrets(),
            strict=conformance_settings.strict_schemas,
            protocol_version=profile.client.protocol_version,
            dialect=profile.client.dialect,
            operation_ids=profile.operation_ids,
        )
        return send_history(client, sender, recipient)

    if not hasattr(request.config, "workerinput"):
        return make()
    key = hashlib.sha256(f"{target.url} {target.ucsid}".encode()).hexdigest()[:16]
    shared = tmp_path_factory.getbasetemp().parent / f"ucconf-chat-{key}.json"
    with lease(target, "chat set-up", SETUP_WAIT):
        if shared.exists():
            data = json.loads(shared.read_text(encoding="utf-8"))
            return ChatHistory(
                **{
                    **data,
                    "sequence_ids": tuple(data["sequence_ids"]),
                    "texts": tuple(data["texts"]),
                }
            )
        history = make()
        shared.write_text(json.dumps(asdict(history)), encoding="utf-8")
        return history


def subscribe(session: Session) -> None:
    """asnChatSubscribeEvents with bReceiveChatEvents true (16.1.1, L17643-L17717); its
    iResult (AsnChatResultEnum, L19387) must be noerror (0, L19143)."""
    result = session.invoke("asnChatSubscribeEvents", {"bReceiveChatEvents": True})
    assert result.expect_result()["iResult"] == 0, (
        f"asnChatSubscribeEvents: expected iResult 0 (noerror, L19143): {result.describe()}"
    )


def contact_uri(session: Session, user: User) -> str:
    """The user's chat URI: the profile's SIP URI, else the logged-in contact's id."""
    if user.sip_uri:
        return user.sip_uri
    contact = session.invoke("asnGetLoggedInContact", {}).expect_result()
    return str(contact["ownContact"]["u8sContactId"])


def send_history(client: HttpClient, sender: User, recipient: User) -> ChatHistory:
    """Both users subscribe; the sender sends :data:`MESSAGES` messages to the recipient."""
    token = secrets.token_hex(6)
    with (
        Session.open(client, Basic(sender.name, sender.password)) as sending,
        Session.open(client, Basic(recipient.name, recipient.password)) as receiving,
    ):
        subscribe(sending)
        subscribe(receiving)
        sender_uri = contact_uri(sending, sender)
        recipient_uri = contact_uri(receiving, recipient)
        conversation_id = ""  # the first message starts the 1:1 chat (L17920-L17922)
        ids: list[int] = []
        texts: list[str] = []
        for number in range(1, MESSAGES + 1):
            text = f"ucconf chat {token} message {number:03d} of {MESSAGES}"
            sent = sending.invoke(
                "asnChatTextMessage",
                {
                    "u8sRecipientURIs": [recipient_uri],
                    "u8sMessage": text,
                    "u8sEventCrossRefID": f"ucconf-{token}-{number:03d}",
                    "u8sConversationID": conversation_id,
                },
            )
            result = sent.expect_result()
            assert result["iResult"] == 0, (  # AsnChatResultEnum (L19550), noerror 0 (L19143)
                f"asnChatTextMessage {number}: expected iResult 0 (noerror): {sent.describe()}"
            )
            if not conversation_id:
                conversation_id = str(result["u8sConversationID"])
                assert conversation_id, (
                    f"the first message names no conversation: {sent.describe()}"
                )
            assert result["u8sConversationID"] == conversation_id, (
                f"message {number} went to another conversation: {sent.describe()}"
            )
            ids.append(int(result["iConvSequenceID"]))
            texts.append(text)
    return ChatHistory(
        conversation_id=conversation_id,
        sender=sender.alias,
        recipient=recipient.alias,
        sender_uri=sender_uri,
        recipient_uri=recipient_uri,
        token=token,
        sequence_ids=tuple(ids),
        texts=tuple(texts),
    )
