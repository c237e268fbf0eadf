"""Handlers of the ClientPersistence module (document chapter 20, L22013-L22348; types chapter
21): a CRUD item store with eventing.

Every operation but asnClientPersistenceGetDatabaseID answers asynchronously: the result is
empty and "Die Antwort des Servers erfolgt ueber den Event asnClientPersistenceEvent mit der
korrespondierenden u8sCrossRefID" (L22039-L22040, L22084-L22085). The reference server sends
that event to the calling session, with ``iResult`` from AsnClientPersistenceResultDetailsEnum
(21.1.1, L22403-L22442). A change (create, update, delete) also goes, with an empty
``u8sCrossRefID`` ("sonst ein server-generierter Event", L22320-L22324), to every other session
subscribed to the item store (asnClientPersistenceSubscribe, "Registrieren auf Aenderungen eines
ItemStore", L22225-L22227).

Decisions where the document is silent (CONFORMANCE-NOTES N53): item stores are per user (a
store name names a different store for each user, so a test never sees another user's items);
a request on a store the session has not subscribed to is answered ``invalidsubscription`` (3)
("Der Client muss sich fuer diesen ItemStore subscribed haben", L22036); a cross-reference id
used before in the session is ``invalidcrossrefid`` (4); an existing id on create or a missing
one on update or delete is ``invalidkey`` (5). Revisions count per server
(``iGlobalRevision``, "vom Server verwaltete TransaktionsID", L22326-L22328).
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field

from conformance.reference.dispatch import Call, operation
from conformance.reference.hooks import HookPoint
from conformance.reference.sessions import Session
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = ["PERSISTENCE_EVENT", "PersistenceEvent", "snapshot"]

EVENT = "asnClientPersistenceEvent"
NO_ERROR = 0
INVALID_SUBSCRIPTION = 3
INVALID_CROSS_REF = 4
INVALID_KEY = 5
SUBSCRIBE, UNSUBSCRIBE = 1, 2  # AsnClientPersistenceSubscribeTypeEnum (21.1.2, L22449-L22451)

_SUBSCRIBED = "persistence.stores"
_CROSS_REFS = "persistence.cross-refs"


@dataclass(frozen=True)
class PersistenceEvent:
    """One asnClientPersistenceEvent about to go to one session."""

    operation: str
    """The request that caused the event."""
    argument: JsonObject
    answer: bool
    """True for the answer to the session's own request, False for another session's change."""


PERSISTENCE_EVENT: HookPoint[PersistenceEvent | None] = HookPoint(
    "persistence.event", "an asnClientPersistenceEvent about to go to a session; None drops it"
)


@dataclass
class Stores:
    """Every user's item stores: (user, store) to item id to AsnClientPersistenceItem."""

    items: dict[tuple[str, str], dict[str, JsonObject]] = field(default_factory=dict)
    revisions: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    database_id: str = field(default_factory=lambda: secrets.token_hex(16))


def _stores(state: ServerState) -> Stores:
    return state.part(Stores)


def snapshot(state: ServerState) -> JsonObject:
    """Every stored item, by user and store."""
    return {
        f"{user}/{store}": dict(sorted(items.items()))
        for (user, store), items in sorted(_stores(state).items.items())
        if items
    }


def _send(state: ServerState, session: Session, event: PersistenceEvent) -> None:
    bent = state.faults.apply(PERSISTENCE_EVENT, event)
    if bent is not None:
        session.send_event(EVENT, bent.argument)


def _answer(call: Call, cross_ref: str, result: int, **members: object) -> None:
    if call.session is not None:
        argument: JsonObject = {"iResult": result, "u8sCrossRefID": cross_ref, **members}
        event = PersistenceEvent(call.operation.name, argument, answer=True)
        _send(call.state, call.session, event)


def _admitted(call: Call, argument: JsonObject) -> bool:
    """Whether the request may proceed; if not, its answer has been sent."""
    session, cross_ref = call.session, argument["u8sCrossRefID"]
    if session is None:
        return False  # /ws/direct: no session, no events, nothing to answer in
    used: set[str] = session.data.setdefault(_CROSS_REFS, set())
    if not cross_ref or cross_ref in used:
        _answer(call, cross_ref, INVALID_CROSS_REF)
        return False
    used.add(cross_ref)
    subscribed = argument["u8sItemStore"] in session.data.get(_SUBSCRIBED, ())
    if call.operation.name != "asnClientPersistenceSubscribe" and not subscribed:
        _answer(call, cross_ref, INVALID_SUBSCRIPTION)
        return False
    return True


def _publish(
    call: Call, argument: JsonObject, revision: int, changed: str, item: JsonObject
) -> None:
    """Answer the caller, then tell the store's other subscribers (a server-generated event)."""
    members = {"iGlobalRevision": revision, changed: [item]}
    _answer(call, argument["u8sCrossRefID"], NO_ERROR, **members)
    for session in call.state.sessions.of_user(call.user.name):
        if session is call.session or session.closed:
            continue
        if item["u8sItemStore"] in session.data.get(_SUBSCRIBED, ()):
            event: JsonObject = {"iResult": NO_ERROR, "u8sCrossRefID": "", **members}
            _send(call.state, session, PersistenceEvent(call.operation.name, event, answer=False))


@operation("asnClientPersistenceSubscribe")
async def subscribe(call: Call, argument: JsonObject) -> JsonObject:
    if not _admitted(call, argument) or call.session is None:
        return {}
    stores: set[str] = call.session.data.setdefault(_SUBSCRIBED, set())
    kind, store = argument["iSubscribeType"], argument["u8sItemStore"]
    if kind == SUBSCRIBE:
        stores.add(store)
    elif kind == UNSUBSCRIBE and store in stores:
        stores.discard(store)
    else:
        _answer(call, argument["u8sCrossRefID"], INVALID_SUBSCRIPTION)
        return {}
    _answer(call, argument["u8sCrossRefID"], NO_ERROR)
    return {}


def _items(call: Call, store: str) -> dict[str, JsonObject]:
    return _stores(call.state).items.setdefault((call.user.name, store), {})


@operation("asnClientPersistenceCreate")
async def create(call: Call, argument: JsonObject) -> JsonObject:
    if not _admitted(call, argument):
        return {}
    store = argument["u8sItemStore"]
    items = _items(call, store)
    key = argument.get("u8sItemStoreID") or secrets.token_hex(8)
    if key in items:
        _answer(call, argument["u8sCrossRefID"], INVALID_KEY)
        return {}
    revision = next(_stores(call.state).revisions)
    item = {
        "u8sItemStore": store,
        "u8sItemStoreID": key,
        "data": argument["data"],
        "iRevision": revision,
    }
    items[key] = item
    _publish(call, argument, revision, "changedItems", item)
    return {}


@operation("asnClientPersistenceRead")
async def read(call: Call, argument: JsonObject) -> JsonObject:
    if not _admitted(call, argument):
        return {}
    items = _items(call, argument["u8sItemStore"])
    key = argument.get("u8sItemStoreID")
    if key is not None:
        if key not in items:
            _answer(call, argument["u8sCrossRefID"], INVALID_KEY)
            return {}
        found = [items[key]]
    else:
        since = argument.get("iLastKnownGlobalRevision", 0)
        found = [item for item in items.values() if item["iRevision"] > since]
    _answer(call, argument["u8sCrossRefID"], NO_ERROR, changedItems=found)
    return {}


@operation("asnClientPersistenceUpdate")
async def update(call: Call, argument: JsonObject) -> JsonObject:
    if not _admitted(call, argument):
        return {}
    items, key = _items(call, argument["u8sItemStore"]), argument["u8sItemStoreID"]
    if key not in items:
        _answer(call, argument["u8sCrossRefID"], INVALID_KEY)
        return {}
    revision = next(_stores(call.state).revisions)
    item = items[key] = {**items[key], "data": argument["data"], "iRevision": revision}
    _publish(call, argument, revision, "changedItems", item)
    return {}


@operation("asnClientPersistenceDelete")
async def delete(call: Call, argument: JsonObject) -> JsonObject:
    if not _admitted(call, argument):
        return {}
    items, key = _items(call, argument["u8sItemStore"]), argument["u8sItemStoreID"]
    if key not in items:
        _answer(call, argument["u8sCrossRefID"], INVALID_KEY)
        return {}
    revision = next(_stores(call.state).revisions)
    item = {**items.pop(key), "iRevision": revision}
    _publish(call, argument, revision, "deletedItems", item)
    return {}


@operation("asnClientPersistenceGetDatabaseID")
async def get_database_id(call: Call, argument: JsonObject) -> JsonObject:
    return {"u8sDatabaseID": _stores(call.state).database_id}
