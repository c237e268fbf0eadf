"""The reference server's chat store: conversations, their parties and their timelines.

The document sketches the server's chat database (chapter 16 intro, L17496-L17570): an event
table in which every conversation numbers its events ("iSequenceInConversation (Chat basierte
NachrichtenID, wird mit jedem Event um eins erhoeht)", L17517) and every change gets a global
transaction id ("iGlobTransactionID (Globale TransactionsID fuer jede Aenderung und jeden
Datensatz +1)", L17518), and a conversation table with the users of each conversation and its
type (L17560-L17565). This module is that database, in memory, and nothing else: which
operation reads or writes it, and who may, is :mod:`conformance.reference.chat`.

* Sequence ids start at 1 in every conversation and rise by one per stored event, so a
  conversation's timeline is dense: event ``n`` sits at index ``n - 1``. 0 is never a timeline
  id ("Ist iConvSequenceID = 0, so wird mit dem Event eine Aenderung einer Conversation
  mitgeteilt, die aber nicht im zeitlichen Ablauf der Conversation sichtbar sein soll",
  L20318-L20330).
* Global transaction ids start at 1 per server and rise by one per stored event.
* Every pair of users has exactly one one-to-one conversation (AsnConversationType
  one_to_one 1, L19204-L19214); it comes into being the first time it is addressed.
* Parties are contact URIs compared without their parameters: "jan@estos.de;display=Jan
  Riewenherm" (L19284-L19290) names the same party as "jan@estos.de".

All access happens on the server's event loop, so the store needs no lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from conformance.rose import JsonObject

__all__ = [
    "MULTI_USER",
    "ONE_TO_ONE",
    "ChatRecord",
    "ChatStore",
    "Conversation",
    "bare_uri",
]

ONE_TO_ONE = 1
"""AsnConversationType one_to_one (17.1.5, L19204-L19214)."""
MULTI_USER = 2
"""AsnConversationType multi_user."""


def bare_uri(uri: str) -> str:
    """A contact URI without its ``;parameters`` (``;display=...``, L19284-L19290)."""
    return uri.split(";", 1)[0].strip()


@dataclass(frozen=True)
class ChatRecord:
    """One stored timeline event: a text message (the only kind the server stores so far)."""

    conversation_id: str
    sequence_id: int
    glob_id: int
    sender: str
    """The sender's bare contact URI."""
    cross_ref: str
    """The ``u8sEventCrossRefID`` the sender gave the message."""
    message: str
    created: str
    """AsnSystemTime of the moment the server stored the message."""

    def wire(self) -> JsonObject:
        """The event as AsnChatEvent (17.1.54, L20304-L20367): a new record, not an update."""
        return {
            "u8sEventCrossRefID": self.cross_ref,
            "u8sConversationID": self.conversation_id,
            "iConvSequenceID": self.sequence_id,
            "iGlobTransactionID": self.glob_id,
            "bUpdate": False,
            "u8sSenderURI": self.sender,
            "asnCreateTime": self.created,
            "asnChatMessage": {"u8sMessage": self.message},
        }


@dataclass
class Conversation:
    """A conversation (the document's "Raum"): id, type, parties and timeline."""

    id: str
    kind: int
    """An AsnConversationType value."""
    parties: tuple[str, ...]
    """Bare contact URIs, in the order they joined."""
    name: str = ""
    events: list[ChatRecord] = field(default_factory=list)

    @property
    def newest(self) -> int:
        """The highest sequence id in the timeline; 0 while it is empty."""
        return len(self.events)

    def has_party(self, uri: str) -> bool:
        return bare_uri(uri) in self.parties

    def between(self, low: int, high: int) -> list[ChatRecord]:
        """The events with ``low <= iConvSequenceID < high``, oldest first."""
        low = max(low, 1)
        high = min(high, self.newest + 1)
        if high <= low:
            return []
        return self.events[low - 1 : high - 1]


class ChatStore:
    """Every conversation of one server."""

    def __init__(self) -> None:
        self._conversations: dict[str, Conversation] = {}
        self._one_to_one: dict[frozenset[str], str] = {}
        self._cross_refs: set[tuple[str, str]] = set()
        self._glob = 0

    # --- conversations -----------------------------------------------------------------------

    def get(self, conversation_id: str) -> Conversation | None:
        return self._conversations.get(conversation_id)

    def one_to_one(self, first: str, second: str, *, create: bool = True) -> Conversation | None:
        """The one-to-one conversation of two parties, made on first use unless ``create`` is
        false."""
        pair = (bare_uri(first), bare_uri(second))
        key = frozenset(pair)
        existing = self._one_to_one.get(key)
        if existing is not None:
            return self._conversations[existing]
        if not create:
            return None
        conversation = self._add(ONE_TO_ONE, pair)
        self._one_to_one[key] = conversation.id
        return conversation

    def multi_user(self, parties: Iterable[str], name: str = "") -> Conversation:
        """A new multi-user conversation of ``parties`` (each named once)."""
        unique = tuple(dict.fromkeys(bare_uri(p) for p in parties))
        return self._add(MULTI_USER, unique, name)

    def of_party(self, uri: str) -> list[Conversation]:
        """The conversations ``uri`` takes part in, oldest first."""
        return [c for c in self._conversations.values() if c.has_party(uri)]

    def _add(self, kind: int, parties: tuple[str, ...], name: str = "") -> Conversation:
        conversation_id = uuid.uuid4().hex.upper()
        conversation = Conversation(conversation_id, kind, parties, name)
        self._conversations[conversation_id] = conversation
        return conversation

    # --- events ------------------------------------------------------------------------------

    def cross_ref_used(self, sender: str, cross_ref: str) -> bool:
        """Whether ``sender`` already stored an event under ``cross_ref`` (invalidcrossrefid,
        "eine bereits in der Datenbank existierende CrossRefID", L19157-L19159)."""
        return (bare_uri(sender), cross_ref) in self._cross_refs

    def append(
        self, conversation: Conversation, sender: str, cross_ref: str, message: str, created: str
    ) -> ChatRecord:
        """Store a text message as the conversation's next event."""
        self._glob += 1
        record = ChatRecord(
            conversation_id=conversation.id,
            sequence_id=conversation.newest + 1,
            glob_id=self._glob,
            sender=bare_uri(sender),
            cross_ref=cross_ref,
            message=message,
            created=created,
        )
        conversation.events.append(record)
        self._cross_refs.add((record.sender, cross_ref))
        return record

    def since(self, uri: str, glob_id: int) -> list[ChatRecord]:
        """The events of ``uri``'s conversations with a global id above ``glob_id``, in global
        order (the differential update of asnChatSubscribeEvents, L17651-L17657)."""
        found = [
            record
            for conversation in self.of_party(uri)
            for record in conversation.events
            if record.glob_id > glob_id
        ]
        return sorted(found, key=lambda record: record.glob_id)

    def find(self, text: str, conversations: Iterable[Conversation]) -> list[ChatRecord]:
        """The text messages of ``conversations`` containing ``text`` (compared casefolded),
        in global order."""
        needle = text.casefold()
        found = [
            record
            for conversation in conversations
            for record in conversation.events
            if needle in record.message.casefold()
        ]
        return sorted(found, key=lambda record: record.glob_id)
