"""Handlers of the ClientContactsList module (document chapter 18, L20515-L21000; types chapter
19) and General's contact lookup (asnFindContacts, 2.1.29, L2012-L2046).

A user's client contacts list ("Favoriten", L20616-L20620) is a list of AsnNetDatabaseContacts
with a revision counter ("TransactionCounter", L20705), and a list of tagged ids. A session
subscribes with asnSubscribeClientContent (18.1.2) and gets the changes as
asnClientContentChanged ("Server verschickt Aenderungen als Events", L20534); asnChangeClientContent
(18.1.4) adds, replaces and removes contacts. The originator of a change gets the event only if
it asks with the optional parameter ``iSendEventToOriginator`` (L20802): every other subscribed
session of the user gets it. asnClientContentSaveTags (18.1.6) stores the tagged ids, and every
other session of the user that called asnClientContentSubscribeToTags (18.1.5) gets
asnClientContentTaggedIDsChanged (18.2.2, "event vom server an clients", L20991).

A contact is identified by its entry id triple (u8sEntryIDDB, u8sEntryIDStore, u8sEntryID;
AsnNetDatabaseContactID 25.1.16); decisions in CONFORMANCE-NOTES N54.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.reference.dispatch import Call, operation
from conformance.reference.hooks import HookPoint
from conformance.reference.sessions import Session
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = ["CONTENT_EVENT", "snapshot"]

_SUBSCRIBED = "contacts-list.subscribed"
_TAGS = "contacts-list.tags"
_FULL_UPDATE = 1  # iFlags: discard everything and take what is sent (L20790-L20800)

CONTENT_EVENT: HookPoint[tuple[str, JsonObject] | None] = HookPoint(
    "contacts-list.event",
    "(event name, argument) of an asnClientContentChanged or asnClientContentTaggedIDsChanged "
    "about to go to a session; None drops it",
)


@dataclass
class ContactsList:
    contacts: dict[tuple[str, str, str], JsonObject] = field(default_factory=dict)
    revision: int = 0
    tags: list[str] = field(default_factory=list)


@dataclass
class Lists:
    by_user: dict[str, ContactsList] = field(default_factory=dict)


def _list(state: ServerState, user: str) -> ContactsList:
    return state.part(Lists).by_user.setdefault(user, ContactsList())


def snapshot(state: ServerState) -> JsonObject:
    """Every user's non-empty list and tags (revisions are a log, not state)."""
    return {
        user: {"contacts": sorted(map(repr, kept.contacts)), "tags": kept.tags}
        for user, kept in sorted(state.part(Lists).by_user.items())
        if kept.contacts or kept.tags
    }


def _key(contact: JsonObject) -> tuple[str, str, str]:
    return (
        str(contact.get("u8sEntryIDDB", "")),
        str(contact.get("u8sEntryIDStore", "")),
        str(contact.get("u8sEntryID", "")),
    )


def _send(state: ServerState, session: Session, event: str, argument: JsonObject) -> None:
    bent = state.faults.apply(CONTENT_EVENT, (event, argument))
    if bent is not None and not session.closed:
        session.send_event(*bent)


def _optional_int(argument: JsonObject, key: str) -> int:
    params = argument.get("optionalParams")
    if isinstance(params, dict) and isinstance(params.get(key), int):
        return int(params[key])
    for param in params if isinstance(params, list) else ():
        if isinstance(param, dict) and param.get("key") == key:
            value = param.get("value", {}).get("integerdata")
            return value if isinstance(value, int) else 0
    return 0


@operation("asnGetClientContent")
async def get_client_content(call: Call, argument: JsonObject) -> JsonObject:
    kept = _list(call.state, call.user.name)
    return {
        "u8sContentRevision": str(kept.revision),
        "contactList": list(kept.contacts.values()),
        "contentstructure": {
            "iIsEditable": 1,
            "u8sVersion": "1",
            "u8sRevision": str(kept.revision),
            "u8sLastWriter": "",
            "listGroupClusters": [],
        },
    }


@operation("asnSubscribeClientContent")
async def subscribe_client_content(call: Call, argument: JsonObject) -> JsonObject:
    if call.session is not None:
        call.session.data[_SUBSCRIBED] = True
    return {"iRevision": _list(call.state, call.user.name).revision}


@operation("asnUnsubscribeClientContent")
async def unsubscribe_client_content(call: Call, argument: JsonObject) -> JsonObject:
    if call.session is not None:
        call.session.data.pop(_SUBSCRIBED, None)
    return {}


@operation("asnChangeClientContent")
async def change_client_content(call: Call, argument: JsonObject) -> JsonObject:
    kept = _list(call.state, call.user.name)
    if argument["iFlags"] == _FULL_UPDATE:
        kept.contacts.clear()
    added = argument.get("addedOrChangedContacts", [])
    removed = argument.get("removedContacts", [])
    for contact in added:
        kept.contacts[_key(contact)] = contact
    for contact_id in removed:
        kept.contacts.pop(_key(contact_id), None)
    kept.revision += 1
    changed: JsonObject = {"iRevision": kept.revision, "iFlags": argument["iFlags"]}
    if added:
        changed["addedOrChangedContacts"] = added
    if removed:
        changed["removedContacts"] = removed
    to_originator = _optional_int(argument, "iSendEventToOriginator") == 1
    for session in call.state.sessions.of_user(call.user.name):
        if session.data.get(_SUBSCRIBED) and (session is not call.session or to_originator):
            _send(call.state, session, "asnClientContentChanged", changed)
    return {"iRevision": kept.revision}


@operation("asnClientContentSubscribeToTags")
async def subscribe_to_tags(call: Call, argument: JsonObject) -> JsonObject:
    if call.session is not None:
        call.session.data[_TAGS] = argument["iSubscribe"] != 0
    return {}


@operation("asnClientContentSaveTags")
async def save_tags(call: Call, argument: JsonObject) -> JsonObject:
    kept = _list(call.state, call.user.name)
    kept.tags = list(argument["u8sTaggedIDs"])
    kept.revision += 1
    changed = {"u8sTaggedIDs": kept.tags, "iRevision": kept.revision}
    for session in call.state.sessions.of_user(call.user.name):
        if session.data.get(_TAGS) and session is not call.session:
            _send(call.state, session, "asnClientContentTaggedIDsChanged", changed)
    return {"iRevision": kept.revision}


# --- contact lookup (General 2.1.29) ----------------------------------------------------------

_SEARCHED = {
    # AsnNetDatabaseFindOptions member: the AsnNetDatabaseContact member it is matched against
    "u8sFirstName": "u8sFirstName",
    "u8sLastName": "u8sLastName",
    "u8sPhoneNo": "u8sPhoneBusiness",
    "u8sUsername": "u8sCtiServerUserName",
}


@operation("asnFindContacts")
async def find_contacts(call: Call, argument: JsonObject) -> JsonObject:
    """Users of the directory whose members start with every non-empty search text (case
    ignored); ``iMaxNumEntries`` 0 or less is no limit."""
    options = argument["findOptions"]
    wanted = {member: options[key].casefold() for key, member in _SEARCHED.items() if options[key]}
    found: list[JsonObject] = []
    if wanted:
        for user in call.state.directory.users():
            contact = call.state.directory.net_contact(user)
            if all(str(contact.get(m, "")).casefold().startswith(v) for m, v in wanted.items()):
                found.append(contact)
    limit = options["iMaxNumEntries"]
    return {"contactList": found[:limit] if limit > 0 else found, "phonebookList": []}
