"""Handlers of the ChatV2 module (document chapter 16, L17487-L18830; types chapter 17,
L18831-L20520) over the chat store of :mod:`conformance.reference.chat_store`.

Modelled: asnChatSubscribeEvents (16.1.1), asnChatTextMessage (16.1.5), asnChatGetEvents
(16.1.10, deprecated), asnChatFindEvents (16.1.11), asnChatGetEventsRange (16.1.12) and
asnChatGetConversationID (16.1.15); the other ChatV2 operations are still synthesised.

Results and errors
------------------
Every ChatV2 result carries ``iResult``, an AsnChatResultEnum (17.1.1, L19139-L19167), and the
server reports chat failures there, in the result, not as an AsnRequestError: forbidden (1) for
a conversation the caller takes no part in, invalidconversationid (2) for an id that names no
conversation, unknownrecipient (5) for a recipient or contact the directory does not know,
invalidcrossrefid (7) for a cross-reference id the sender already used, requestfail (9) for a
value the server cannot use (a negative count, a cross-reference id over 80 characters,
L17914-L17918, chatting with oneself). A failed read delivers no events.

Addressing a conversation
-------------------------
AsnConversationIDChoice (17.1.27, L19707-L19715) names a conversation by ``u8sConversationID``
or, for a one-to-one chat, by ``u8sPartnerURI``. Every pair of users has one one-to-one
conversation; asnChatGetConversationID (L18532-L18570), a message to one recipient without a
conversation id (L17908-L17922) and the partner choice all make it on first use, so they always
agree. A partner the directory does not know names no conversation (2).

Event lists
-----------
The operations that read a list of events (asnChatGetEventsRange, asnChatGetEvents, the
differential update of asnChatSubscribeEvents) answer only ``iResult``; the events go to the
caller's own session as asnChatEvent (16.2.1, L18784-L18810) carrying the request's
``u8sEventListCrossRefID``, in segments of at most :data:`SEGMENT_SIZE` events, oldest first;
each segment has ``bLastSegment``, true on the last one only. An empty list is one segment with
no events and ``bLastSegment`` true, so a client always learns that the list is complete. The
events are queued before the result, on the same channel. No subscription is needed to receive
the answer to one's own request; asnChatSubscribeEvents decides only who is told of new
messages.

asnChatGetEventsRange (L18319-L18431): ``iSequenceID`` S defaults to the newest id + 1
(L18342-L18373); the events returned are the up to ``iNumLessThanSeqID`` (default 100,
L18375-L18383) newest before S and the up to ``iNumGreaterThanOrEqualSeqID`` (default 0, and
ignored without iSequenceID, L18385-L18403) oldest from S on: the ids [S - less, S + greater).
asnChatGetEvents (L18205-L18258): the up to ``iMaxEvents`` (default all) newest before
``iLastKnownSequenceID`` (default newest + 1). asnChatFindEvents (L18260-L18317) answers in its
result: the text messages containing the search string (casefolded), in the order they were
stored, ``iOffset`` (default 0) skipped and at most ``iMaxEvents`` returned, with
``iNumTotalResults`` counting every match.

New messages
------------
asnChatTextMessage stores the message as the conversation's next event and sends it as
asnChatEvent (without ``u8sEventListCrossRefID``) to every subscribed session of every party,
the sender's own sessions included; the event's ``u8sEventCrossRefID`` is the sender's, so the
sending client can match it (L17914-L17918).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from conformance.reference.chat_store import ChatRecord, ChatStore, Conversation, bare_uri
from conformance.reference.dispatch import Call, operation
from conformance.reference.hooks import HookPoint
from conformance.reference.sessions import Session
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = [
    "DEFAULT_LESS",
    "EVENT_LIST_SEGMENTS",
    "FIND_PAGE",
    "GET_EVENTS_WINDOW",
    "GREETS_UNWRITTEN",
    "HISTORY_ACCESS",
    "HISTORY_VIEW",
    "PARTNER_CONVERSATION",
    "RANGE_WINDOW",
    "SEGMENT_SIZE",
    "TYPING_RECIPIENTS",
    "UNKNOWN_CONVERSATION",
    "UNSUBSCRIBE_STOPS",
    "HistoryView",
    "RangeWindow",
    "store_of",
    "subscribed",
]

CHAT_EVENT = "asnChatEvent"
USER_STATUS = "asnChatUserStatus"
SEGMENT_SIZE = 40
"""Events per asnChatEvent segment of a requested list (the document sets no size; the
deprecated ``iMaxChatEventsPerEvent``, L17670-L17672, once let the client choose)."""
DEFAULT_LESS = 100
"""iNumLessThanSeqID when absent (L18375-L18383)."""
DEFAULT_SUBSCRIBE_MAX = 100
"""iMaxEvents of asnChatSubscribeEvents when absent (L17664-L17668)."""
MAX_CROSS_REF = 80
"""Longest u8sEventCrossRefID (L17914-L17918)."""

# AsnChatResultEnum (17.1.1, L19139-L19167)
NOERROR = 0
FORBIDDEN = 1
INVALID_CONVERSATION = 2
UNKNOWN_RECIPIENT = 5
INVALID_CROSS_REF = 7
REQUEST_FAIL = 9

_SUBSCRIBED = "chat.subscribed"
"""``session.data`` key: present (True) while the session receives new chat messages."""


def store_of(state: ServerState) -> ChatStore:
    """The chat store of one server (made on first use)."""
    return state.part(ChatStore)


# --- hook points (faults: conformance.reference.faults) -------------------------------------


@dataclass(frozen=True)
class RangeWindow:
    """The ids asnChatGetEventsRange returns: [start - less, start + greater)."""

    start: int
    less: int
    greater: int
    start_given: bool
    """Whether the request named iSequenceID (else start is the newest id + 1)."""
    less_given: bool
    """Whether the request named iNumLessThanSeqID (else less is the default 100)."""
    greater_requested: int
    """iNumGreaterThanOrEqualSeqID as requested (0 when absent), even where it is ignored."""


@dataclass(frozen=True)
class HistoryView:
    """The events of a read before they are delivered, and who reads them."""

    reader: str
    records: tuple[ChatRecord, ...]


RANGE_WINDOW: HookPoint[RangeWindow] = HookPoint(
    "chat.range-window", "the sequence-id window asnChatGetEventsRange reads"
)
GET_EVENTS_WINDOW: HookPoint[tuple[int, int]] = HookPoint(
    "chat.get-events-window", "the ids [low, high) the deprecated asnChatGetEvents reads"
)
EVENT_LIST_SEGMENTS: HookPoint[tuple[JsonObject, ...]] = HookPoint(
    "chat.event-list-segments", "the asnChatEvent arguments that deliver one requested list"
)
HISTORY_ACCESS: HookPoint[bool] = HookPoint(
    "chat.history-access", "whether a caller who is no party may read a conversation"
)
HISTORY_VIEW: HookPoint[HistoryView] = HookPoint(
    "chat.history-view", "the events a read delivers to the reader"
)
PARTNER_CONVERSATION: HookPoint[Conversation | None] = HookPoint(
    "chat.partner-conversation", "the conversation the u8sPartnerURI choice addresses"
)
UNKNOWN_CONVERSATION: HookPoint[int] = HookPoint(
    "chat.unknown-conversation", "iResult for a conversation id that names no conversation"
)
FIND_PAGE: HookPoint[tuple[int, int]] = HookPoint(
    "chat.find-page", "(offset, max) of the asnChatFindEvents page"
)
UNSUBSCRIBE_STOPS: HookPoint[bool] = HookPoint(
    "chat.unsubscribe-stops",
    "whether asnChatSubscribeEvents with bReceiveChatEvents false stops new-message events",
)
TYPING_RECIPIENTS: HookPoint[tuple[Session, ...]] = HookPoint(
    "chat.typing-recipients", "the sessions an asnChatUserStatus from a client is sent on to"
)
GREETS_UNWRITTEN: HookPoint[bool] = HookPoint(
    "chat.greets-unwritten",
    "whether asnChatGetConversationID makes (and names) a one-to-one conversation nobody has "
    "written to yet",
)


# --- reading -------------------------------------------------------------------------------


class _Refused(Exception):
    """A read or write answered with an AsnChatResultEnum value other than noerror."""

    def __init__(self, result: int) -> None:
        super().__init__(result)
        self.result = result


def _caller(call: Call) -> str:
    return bare_uri(call.user.sip_uri)


def _resolve(call: Call, choice: JsonObject) -> Conversation | None:
    """The conversation an AsnConversationIDChoice names and the caller may read; None when an
    unknown id is (wrongly) answered as an empty conversation."""
    store = store_of(call.state)
    caller = _caller(call)
    if "u8sConversationID" in choice:
        conversation = store.get(choice["u8sConversationID"])
        if conversation is None:
            result = call.state.faults.apply(UNKNOWN_CONVERSATION, INVALID_CONVERSATION)
            if result != NOERROR:
                raise _Refused(result)
            return None
    else:
        partner = bare_uri(choice["u8sPartnerURI"])
        known = call.state.directory.by_sip(partner) is not None and partner != caller
        found = store.one_to_one(caller, partner) if known else None
        conversation = call.state.faults.apply(PARTNER_CONVERSATION, found)
        if conversation is None:
            raise _Refused(INVALID_CONVERSATION)
    if not conversation.has_party(caller) and not call.state.faults.apply(HISTORY_ACCESS, False):
        raise _Refused(FORBIDDEN)
    return conversation


def _count(argument: JsonObject, member: str, default: int) -> int:
    value: int = argument.get(member, default)
    if value < 0:
        raise _Refused(REQUEST_FAIL)
    return value


def _deliver(call: Call, records: Sequence[ChatRecord], cross_ref: str | None) -> None:
    """Send a requested event list to the caller's session in segments (module docstring)."""
    view = call.state.faults.apply(HISTORY_VIEW, HistoryView(_caller(call), tuple(records)))
    chunks = [view.records[i : i + SEGMENT_SIZE] for i in range(0, len(view.records), SEGMENT_SIZE)]
    if not chunks:
        chunks = [()]
    segments: list[JsonObject] = []
    for number, chunk in enumerate(chunks, 1):
        segment: JsonObject = {"asnChatEventList": [record.wire() for record in chunk]}
        if cross_ref is not None:
            segment["u8sEventListCrossRefID"] = cross_ref
        segment["bLastSegment"] = number == len(chunks)
        segments.append(segment)
    for segment in call.state.faults.apply(EVENT_LIST_SEGMENTS, tuple(segments)):
        call.send_event(CHAT_EVENT, segment)


@operation("asnChatGetEventsRange")
async def get_events_range(call: Call, argument: JsonObject) -> JsonObject:
    try:
        conversation = _resolve(call, argument["asnConversationIDChoice"])
        start_given = "iSequenceID" in argument
        newest = conversation.newest if conversation is not None else 0
        requested = _count(argument, "iNumGreaterThanOrEqualSeqID", 0)
        window = RangeWindow(
            start=argument["iSequenceID"] if start_given else newest + 1,
            less=_count(argument, "iNumLessThanSeqID", DEFAULT_LESS),
            greater=requested if start_given else 0,
            start_given=start_given,
            less_given="iNumLessThanSeqID" in argument,
            greater_requested=requested,
        )
    except _Refused as refused:
        return {"iResult": refused.result}
    window = call.state.faults.apply(RANGE_WINDOW, window)
    records = (
        conversation.between(window.start - window.less, window.start + window.greater)
        if conversation is not None
        else []
    )
    _deliver(call, records, argument.get("u8sEventListCrossRefID"))
    return {"iResult": NOERROR}


@operation("asnChatGetEvents")
async def get_events(call: Call, argument: JsonObject) -> JsonObject:
    try:
        conversation = _resolve(call, argument["asnConversationIDChoice"])
        newest = conversation.newest if conversation is not None else 0
        high = argument.get("iLastKnownSequenceID", newest + 1)
        count = _count(argument, "iMaxEvents", high)  # absent: "alles holen", L18227-L18233
    except _Refused as refused:
        return {"iResult": refused.result}
    low, high = call.state.faults.apply(GET_EVENTS_WINDOW, (high - count, high))
    records = conversation.between(low, high) if conversation is not None else []
    _deliver(call, records, argument.get("u8sEventListCrossRefID"))
    return {"iResult": NOERROR}


@operation("asnChatFindEvents")
async def find_events(call: Call, argument: JsonObject) -> JsonObject:
    store = store_of(call.state)
    try:
        if "u8sConversationID" in argument:
            conversation = _resolve(call, {"u8sConversationID": argument["u8sConversationID"]})
            scope = [conversation] if conversation is not None else []
        else:
            scope = store.of_party(_caller(call))
        offset = _count(argument, "iOffset", 0)
        limit = _count(argument, "iMaxEvents", 0)
    except _Refused as refused:
        return {"iResult": refused.result, "iNumTotalResults": 0, "asnChatEventList": []}
    found = store.find(argument["u8sSearchString"], scope)
    offset, limit = call.state.faults.apply(FIND_PAGE, (offset, limit))
    page = found[offset : offset + limit]
    return {
        "iResult": NOERROR,
        "iNumTotalResults": len(found),
        "asnChatEventList": [record.wire() for record in page],
    }


# --- conversations and messages ------------------------------------------------------------


@operation("asnChatGetConversationID")
async def get_conversation_id(call: Call, argument: JsonObject) -> JsonObject:
    contact = bare_uri(argument["u8sContactURI"])
    caller = _caller(call)
    if call.state.directory.by_sip(contact) is None:
        return {"iResult": UNKNOWN_RECIPIENT, "u8sConversationID": ""}
    if contact == caller:
        return {"iResult": REQUEST_FAIL, "u8sConversationID": ""}
    create = call.state.faults.apply(GREETS_UNWRITTEN, True)
    conversation = store_of(call.state).one_to_one(caller, contact, create=create)
    if conversation is None or not (create or conversation.events):
        return {"iResult": INVALID_CONVERSATION, "u8sConversationID": ""}
    return {"iResult": NOERROR, "u8sConversationID": conversation.id}


def _conversation_for_message(call: Call, argument: JsonObject) -> Conversation:
    """The conversation a message goes to: the named one, or the one the recipients imply."""
    store = store_of(call.state)
    caller = _caller(call)
    conversation_id = argument.get("u8sConversationID", "")
    if conversation_id:
        conversation = store.get(conversation_id)
        if conversation is None:
            raise _Refused(INVALID_CONVERSATION)
        if not conversation.has_party(caller):
            raise _Refused(FORBIDDEN)
        return conversation
    recipients = [u for u in dict.fromkeys(map(bare_uri, argument["u8sRecipientURIs"]))]
    recipients = [u for u in recipients if u != caller]
    if not recipients:
        raise _Refused(REQUEST_FAIL)
    if any(call.state.directory.by_sip(u) is None for u in recipients):
        raise _Refused(UNKNOWN_RECIPIENT)
    if len(recipients) == 1:
        one_to_one = store.one_to_one(caller, recipients[0])
        assert one_to_one is not None  # made on first use
        return one_to_one
    return store.multi_user([caller, *recipients], argument.get("u8sConversationName", ""))


def _subscribers(
    state: ServerState, conversation: Conversation, besides: str = ""
) -> list[Session]:
    """The subscribed sessions of the conversation's parties (but the party ``besides``)."""
    sessions: list[Session] = []
    for party in conversation.parties:
        if party == besides:
            continue
        user = state.directory.by_sip(party)
        if user is None:
            continue
        sessions += [s for s in state.sessions.of_user(user.name) if s.data.get(_SUBSCRIBED)]
    return sessions


@operation("asnChatTextMessage")
async def text_message(call: Call, argument: JsonObject) -> JsonObject:
    store = store_of(call.state)
    caller = _caller(call)
    cross_ref: str = argument["u8sEventCrossRefID"]
    try:
        if len(cross_ref) > MAX_CROSS_REF:
            raise _Refused(REQUEST_FAIL)
        if store.cross_ref_used(caller, cross_ref):
            raise _Refused(INVALID_CROSS_REF)
        conversation = _conversation_for_message(call, argument)
    except _Refused as refused:
        return {
            "iResult": refused.result,
            "iConvSequenceID": 0,
            "u8sConversationID": argument.get("u8sConversationID", ""),
        }
    record = store.append(
        conversation, caller, cross_ref, argument["u8sMessage"], call.state.clock.iso_now()
    )
    for session in _subscribers(call.state, conversation):
        session.send_event(CHAT_EVENT, {"asnChatEventList": [record.wire()]})
    return {
        "iResult": NOERROR,
        "iConvSequenceID": record.sequence_id,
        "u8sConversationID": conversation.id,
    }


@operation(USER_STATUS)
async def user_status(call: Call, argument: JsonObject) -> None:
    """A client's typing notification, sent on to the other parties (module docstring)."""
    caller = _caller(call)
    conversation = store_of(call.state).get(argument["u8sConversationID"])
    if conversation is None or not conversation.has_party(caller):
        return
    sessions = tuple(_subscribers(call.state, conversation, besides=caller))
    relayed: JsonObject = {**argument, "u8sSenderURI": call.user.sip_uri}
    for session in call.state.faults.apply(TYPING_RECIPIENTS, sessions):
        session.send_event(USER_STATUS, relayed)


# --- subscription --------------------------------------------------------------------------


@operation("asnChatSubscribeEvents")
async def subscribe_events(call: Call, argument: JsonObject) -> JsonObject:
    """Subscribe or unsubscribe the caller's session (L17643-L17717). With
    ``iLastKnownGlobTransactionID`` the session also gets, as a requested list, the up to
    ``iMaxEvents`` (default 100) oldest events of its conversations after that id ("erlaubt
    das abholen des Divs der letzten bekannten TransaktionsID", L17647-L17648); without it,
    none. /ws/direct has no session: nothing to subscribe, nothing delivered."""
    session = call.session
    if session is None:
        return {"iResult": NOERROR}
    try:
        limit = _count(argument, "iMaxEvents", DEFAULT_SUBSCRIBE_MAX)
    except _Refused as refused:
        return {"iResult": refused.result}
    if not argument["bReceiveChatEvents"]:
        if call.state.faults.apply(UNSUBSCRIBE_STOPS, True):
            session.data.pop(_SUBSCRIBED, None)
        return {"iResult": NOERROR}
    session.data[_SUBSCRIBED] = True
    if "iLastKnownGlobTransactionID" in argument:
        since = store_of(call.state).since(_caller(call), argument["iLastKnownGlobTransactionID"])
        _deliver(call, since[:limit], argument.get("u8sEventListCrossRefID"))
    return {"iResult": NOERROR}


def subscribed(session: Session) -> bool:
    """Whether ``session`` receives new chat messages (for tests and diagnostics)."""
    return bool(session.data.get(_SUBSCRIBED))
