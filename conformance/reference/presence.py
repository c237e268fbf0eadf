"""Handlers of the PresenceV2 module (document chapter 36, L45982-L46488; types chapter 37,
L46489-L47864) and of the General operations through which a user changes their own presence.

Contacts and their ids
----------------------
A contact id is the user's SIP URI: the ``u8sContactId`` of the AsnContact that
asnGetLoggedInContact returns as ``ownContact`` (and the key of /ws/public/contacts), compared
exactly. Every user of the directory is a contact the server manages, disabled ones included.

Changing one's presence
-----------------------
PresenceV2 has no operation that sets a presence: the module only reports it, "driven from
various sources", one of them "Manually changing Status" (L46030-L46046). The manual status is
the absent state of General: asnAbsentStateSetUser (2.1.18, L1591-L1623) sets an AsnAbsentState
(3.1.79, L5537-L5560) whose ``iAbsentState`` (AsnAbsentStateEnum, L4730-L4745) determines the
presence ("iPresenceState: Kontaktstatus aufgrund dieser Meldung", L5558): out of office is
eABSENT, a meeting eBUSY, do not disturb eDONOTDISTURB, present or not set eAVAILABLE (the
mapping lives with :class:`~conformance.reference.directory.AbsentState`). The discrete part of
the user's presence (ePresenceStateMask, L4344) becomes that value; its flag bits are kept. The
``iPresenceState`` a client sends inside the AsnAbsentState is output, not input: ignored.
asnAbsentStateReset (2.1.19, L1624-L1663) returns to the initial state (present), asnCustomNoteSet
(2.1.22, L1736-L1766) sets the note ("The user can change status and notice", L46044) and
asnAbsentStateGetUser (2.1.20, L1665-L1698) reads any contact's absent state. A user may set only
their own state: the contact id must be the caller's, or empty for the caller (as an empty
agent URI stands for the logged-in user, L11654-L11656); another user's contact is refused with
an AsnRequestError, since the reference server grants nobody eCONTACTFEATURESETABSENT (L4728).
The absent times are stored and reported, not scheduled: a state holds until it is changed.

Subscriptions and events
------------------------
asnGetAndSubscribePresence (36.1.1, L46074-L46144) answers the requested contacts, each once,
in request order, with the members of the areas ``iContactDetailsReturnFilter`` asks for ("The
unwanted attributes will be delivered blank", L46691-L46694, i.e. omitted), and stores per
session which AsnPresenceSubscriptionFlags (37.1.2, L46682-L46888) the session wants for each
contact; both default to all flags. A later subscription to the same contact replaces its
flags; unknown bits are ignored. An id the server does not manage is no error: the result is
"Kontakte die angefordert wurden" (L46130) and bOpenOnlyInternalContacts (L46107-L46115) implies
that contacts of other servers are opened too, so such an id is answered with its id and
eUNCONTROLLED (0), or left out when ``bOpenOnlyInternalContacts`` is true; it never gets events.
An empty list subscribes nothing ("wenn liste leer dann alle" is said of asnOpenContacts only,
L1162-L1163). On /ws/direct (no session, no events, L32-L36) the presences are returned and
nothing is subscribed.

When a contact's presence changes, the areas whose members changed are the change's flags
("welcher Bereich den Event ausgeloest hat", L46457-L46461). Every session subscribed to the
contact with at least one of those flags gets asnUpdatePresence (36.2.1) with ``iChangedFlags``
= changed & subscribed and a presence holding ``u8sContactId`` plus the members of exactly
those areas ("notify only the changes (which are subscribed) with as little data volume as
possible", L46002; "weil der Server danach die Felder befuellt", L46459-L46461). A session that
did not subscribe gets nothing, even one of the changing user (a client subscribes to its own
contact, "ME", L47103, to see its own changes); a change that changes nothing sends nothing.

asnUnsubscribePresence (36.1.2, L46146-L46185) drops the named contacts from the session's
subscriptions and answers ``iResult`` 0, also for ids that were not subscribed (the document
gives no iResult values). Subscriptions end with the session. asnRemovePresence (36.2.2,
L46471-L46488) signals a contact that no longer exists; the directory never loses a user, so
it is never sent.

Other modules that change what a presence shows (a call making a user busy) take a snapshot
first and announce afterwards::

    before = presence.snapshot(state, user)
    ... change the directory ...
    presence.announce(state, user, before)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.reference.directory import AbsentState, DirectoryUser
from conformance.reference.dispatch import INVALID_ARGUMENT, Call, operation, request_error
from conformance.reference.hooks import HookPoint
from conformance.reference.sessions import Session
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = [
    "ALL_FLAGS",
    "OWN_STATE_LISTENERS",
    "PRESENCE_ANNOUNCED",
    "PRESENCE_AUDIENCE",
    "PRESENCE_REPORTED",
    "PRESENCE_SPLIT",
    "PRESENCE_UNSUBSCRIBED",
    "SUBSCRIBE_GREETING",
    "UPDATE_EVENT",
    "Audience",
    "PresenceChange",
    "announce",
    "snapshot",
    "subscribed_contacts",
    "unsubscribed_from",
]

# AsnPresenceSubscriptionFlags (37.1.2, L46682-L46888); 4 (DataIncludeImage) has no member:
# the directory holds no photos, so with or without it nothing more is sent.
PRESENCE = 1
DATA = 2
CONFIGURATION = 8
ABSENTSTATE = 16
NOTE = 32
APPOINTMENT = 64
PHONE_LINES = 128
PHONE_CALLS = 256
PHONE_FORWARDS = 512
CONTACT_CAPABILITIES = 16384
ALL_FLAGS = 0x7FFF
"""Every AsnPresenceSubscriptionFlags bit (1 to 16384): the server's default, "alle"."""

PRESENCE_STATE_MASK = 0xFF
"""ePresenceStateMask (AsnPresenceStateMasks 3.1.10, L4344): the discrete AsnPresenceStateEnum."""
UNCONTROLLED = 0
"""eUNCONTROLLED (3.1.8): the presence of a contact this server does not manage."""
ABSENT_STATES = range(5)
"""AsnAbsentStateEnum 0..4 (3.1.27, L4730-L4745)."""

_AREAS: dict[int, tuple[str, ...]] = {
    # flag: the AsnPresence members (37.1.27, L47488-L47631) that carry that area
    PRESENCE: ("iPresenceState",),
    DATA: ("asnRemoteContact", "asnUserPropertyBag"),
    CONFIGURATION: ("iContactFeatureSet", "iStaticRights", "iMonitorAccessRights"),
    ABSENTSTATE: ("asnAbsentState",),
    NOTE: ("asnCustomNote",),
    APPOINTMENT: ("seqActualAppointments", "asnNextAppointment"),
    PHONE_LINES: ("seqPhoneLines",),
    PHONE_CALLS: ("seqCalls",),
    PHONE_FORWARDS: ("seqLineForwards",),
    CONTACT_CAPABILITIES: ("asnContactCapabilities",),
}
_KEY = "presence"
"""``session.data`` key: contact id to the AsnPresenceSubscriptionFlags subscribed."""
_DROPPED = "presence.dropped"
"""``session.data`` key: the contact ids the session unsubscribed from (for variations)."""

UPDATE_EVENT = "asnUpdatePresence"


# --- hook points (faults: conformance.reference.faults) -------------------------------------


@dataclass(frozen=True)
class PresenceChange:
    """A change of a contact's presence: full AsnPresence snapshots before and after it."""

    contact_id: str
    before: JsonObject
    after: JsonObject
    changed: int
    """The AsnPresenceSubscriptionFlags of the areas that differ."""


@dataclass(frozen=True)
class Audience:
    """The open sessions, split into subscribers of one contact (with their flags) and others."""

    subscribers: tuple[tuple[Session, int], ...]
    others: tuple[Session, ...]
    contact_id: str = ""
    """Whose presence changed."""


PRESENCE_ANNOUNCED: HookPoint[bool] = HookPoint(
    "presence.announced", "whether a change of a contact's presence is sent to its subscribers"
)
PRESENCE_REPORTED: HookPoint[PresenceChange] = HookPoint(
    "presence.reported", "the change an asnUpdatePresence reports; the event carries .after"
)
PRESENCE_AUDIENCE: HookPoint[Audience] = HookPoint(
    "presence.audience", "the sessions asnUpdatePresence goes to: .subscribers, not .others"
)
PRESENCE_SPLIT: HookPoint[tuple[int, ...]] = HookPoint(
    "presence.split",
    "the flag groups of one change, one asnUpdatePresence each, in order (default: one group)",
)
SUBSCRIBE_GREETING: HookPoint[int] = HookPoint(
    "presence.subscribe-greeting",
    "the flags of an asnUpdatePresence sent about every newly subscribed contact right away "
    "(0: none)",
)
PRESENCE_UNSUBSCRIBED: HookPoint[frozenset[str]] = HookPoint(
    "presence.unsubscribed", "the contact ids asnUnsubscribePresence drops from the session"
)


# --- presence as the wire shows it ----------------------------------------------------------


def snapshot(state: ServerState, user: DirectoryUser) -> JsonObject:
    """The user's full AsnPresence (every area), built from the directory's AsnContact."""
    contact = state.directory.contact(user)
    presence: JsonObject = {"u8sContactId": contact["u8sContactId"]}
    for members in _AREAS.values():
        for member in members:
            if member in contact:
                presence[member] = contact[member]
    presence["seqPhoneLines"] = [
        {  # AsnPresenceLine (37.1.6) from the AsnContactPhoneLine the directory builds
            "u8sLinePhoneNumber": line["u8sLinePhoneNumber"],
            "u8sLineNumber": line["u8sNumber"],
            "iState": line["iState"],
            "iDoNotDisturb": 1 if line["bDoNotDisturb"] else 0,
        }
        for line in contact["seqPhoneLines"]
    ]
    presence["seqCalls"] = []  # no calls are modelled yet
    presence["seqLineForwards"] = [
        {  # AsnPresenceForward (37.1.8) from the line's AsnLineForward
            "u8sLinePhoneNumber": line["u8sLinePhoneNumber"],
            "u8sLineNumber": line["u8sNumber"],
            "iInternalID": forward["iInternalID"],
            "u8sDestination": forward["u8sDestination"],
            "iForwardMode": forward["iForwardMode"],
        }
        for line in contact["seqPhoneLines"]
        for forward in line["seqLineForwards"]
    ]
    # "Summe aller Capabilities der angemeldeten Clients" (L47600-L47606): the reference
    # server's clients announce none.
    presence["asnContactCapabilities"] = {
        "bAudio": False,
        "bVideo": False,
        "bScreenShare": False,
        "bExchangeCalendar": False,
        "bNotesCalendar": False,
        "bCamControl": False,
    }
    return presence


def restrict(presence: JsonObject, flags: int) -> JsonObject:
    """``presence`` with ``u8sContactId`` and the members of the areas in ``flags`` only."""
    kept: JsonObject = {"u8sContactId": presence["u8sContactId"]}
    for flag, members in _AREAS.items():
        if flags & flag:
            kept.update((m, presence[m]) for m in members if m in presence)
    return kept


def changed_areas(before: JsonObject, after: JsonObject) -> int:
    changed = 0
    for flag, members in _AREAS.items():
        if any(before.get(m) != after.get(m) for m in members):
            changed |= flag
    return changed


# --- subscriptions and events ---------------------------------------------------------------


def _subscriptions(session: Session) -> dict[str, int]:
    subscriptions: dict[str, int] | None = session.data.get(_KEY)
    if subscriptions is None:
        subscriptions = session.data[_KEY] = {}
        session.on_close(_forget)
    return subscriptions


def _forget(session: Session) -> None:
    session.data.pop(_KEY, None)


def _audience(state: ServerState, contact_id: str) -> Audience:
    subscribers: list[tuple[Session, int]] = []
    others: list[Session] = []
    for session in state.sessions.all():
        if session.closed:
            continue
        flags = session.data.get(_KEY, {}).get(contact_id)
        if flags is None:
            others.append(session)
        else:
            subscribers.append((session, flags))
    return Audience(tuple(subscribers), tuple(others), contact_id)


OwnStateListener = Callable[[ServerState, DirectoryUser, PresenceChange], None]
OWN_STATE_LISTENERS: list[OwnStateListener] = []
"""Called with every change of a user's presence, whoever subscribed: General's own-state
events (conformance.reference.general) register here."""


def announce(state: ServerState, user: DirectoryUser, before: JsonObject) -> None:
    """Send asnUpdatePresence for what changed since ``before`` (a :func:`snapshot`)."""
    after = snapshot(state, user)
    change = PresenceChange(user.sip_uri, before, after, changed_areas(before, after))
    if change.changed:
        for listener in OWN_STATE_LISTENERS:
            listener(state, user, change)
    if not change.changed or not state.faults.apply(PRESENCE_ANNOUNCED, True):
        return
    reported = state.faults.apply(PRESENCE_REPORTED, change)
    audience = state.faults.apply(PRESENCE_AUDIENCE, _audience(state, change.contact_id))
    groups = state.faults.apply(PRESENCE_SPLIT, (change.changed,))
    for session, subscribed in audience.subscribers:
        for group in groups:
            flags = group & subscribed
            if flags:
                update = {"presence": restrict(reported.after, flags), "iChangedFlags": flags}
                session.send_event(UPDATE_EVENT, update)


def _flags(argument: JsonObject, member: str) -> int:
    value: int = argument.get(member, ALL_FLAGS)
    return value & ALL_FLAGS


@operation("asnGetAndSubscribePresence")
async def get_and_subscribe_presence(call: Call, argument: JsonObject) -> JsonObject:
    state = call.state
    subscribe = _flags(argument, "iEventFlagsToSubscribe")
    details = _flags(argument, "iContactDetailsReturnFilter")
    internal_only = argument.get("bOpenOnlyInternalContacts", False)
    opened: dict[str, JsonObject] = {}
    for contact_id in argument["seqContactIDs"]:
        if contact_id in opened:
            continue
        user = state.directory.by_sip(contact_id)
        if user is not None:
            presence = snapshot(state, user)
        elif internal_only:
            continue
        else:
            presence = {"u8sContactId": contact_id, "iPresenceState": UNCONTROLLED}
        opened[contact_id] = restrict(presence, details)
    if call.session is not None:
        subscriptions = _subscriptions(call.session)
        greeting = state.faults.apply(SUBSCRIBE_GREETING, 0) & subscribe
        for contact_id in opened:
            subscriptions[contact_id] = subscribe
            user = state.directory.by_sip(contact_id)
            if greeting and user is not None:
                update = {"presence": restrict(snapshot(state, user), greeting)}
                call.session.send_event(UPDATE_EVENT, {**update, "iChangedFlags": greeting})
    return {"seqSubscribedPresence": list(opened.values())}


@operation("asnUnsubscribePresence")
async def unsubscribe_presence(call: Call, argument: JsonObject) -> JsonObject:
    dropped = call.state.faults.apply(PRESENCE_UNSUBSCRIBED, frozenset(argument["seqContactIDs"]))
    if call.session is not None:
        subscriptions: dict[str, int] = call.session.data.get(_KEY, {})
        for contact_id in dropped:
            subscriptions.pop(contact_id, None)
        call.session.data.setdefault(_DROPPED, set()).update(dropped)
    return {"iResult": 0}


# --- changing one's own presence (General, chapter 2) ---------------------------------------


def _contact(call: Call, contact_id: str, member: str) -> DirectoryUser:
    """The user a contact id names; "" is the caller."""
    if contact_id == "":
        return call.user
    user = call.state.directory.by_sip(contact_id)
    if user is None:
        raise request_error(INVALID_ARGUMENT, f"{member} {contact_id!r} names no contact")
    return user


def _own_contact(call: Call, contact_id: str, member: str) -> DirectoryUser:
    user = _contact(call, contact_id, member)
    if user.name != call.user.name:
        raise request_error(
            INVALID_ARGUMENT,
            f"{member} {contact_id!r} is not the caller's contact; a user may change only "
            "their own presence",
        )
    return user


def _set_absent(state: ServerState, user: DirectoryUser, absent: AbsentState) -> None:
    before = snapshot(state, user)
    directory = state.directory
    directory.set_absent(user, absent)
    flags = directory.presence(user) & ~PRESENCE_STATE_MASK
    directory.set_presence(user, flags | absent.presence)
    announce(state, user, before)


@operation("asnAbsentStateSetUser")
async def absent_state_set_user(call: Call, argument: JsonObject) -> JsonObject:
    absent = argument["absentstate"]
    user = _own_contact(call, absent["u8sContactId"], "absentstate.u8sContactId")
    if absent["iAbsentState"] not in ABSENT_STATES:
        raise request_error(
            INVALID_ARGUMENT, f"iAbsentState {absent['iAbsentState']} is not an AsnAbsentStateEnum"
        )
    record = AbsentState(
        state=absent["iAbsentState"],
        time_from=absent["stTimeFrom"],
        time_to=absent["stTimeTo"],
        message=absent["u8sMessage"],
        reason=absent["u8sAbsentReason"],
    )
    _set_absent(call.state, user, record)
    return {"bSuccess": True}


@operation("asnAbsentStateReset")
async def absent_state_reset(call: Call, argument: JsonObject) -> JsonObject:
    user = _own_contact(call, argument["u8sContactId"], "u8sContactId")
    _set_absent(call.state, user, AbsentState())
    return {}


@operation("asnAbsentStateGetUser")
async def absent_state_get_user(call: Call, argument: JsonObject) -> JsonObject:
    user = _contact(call, argument["contactId"], "contactId")
    absent: Any = call.state.directory.contact(user)["asnAbsentState"]
    return {"absentstate": absent}


@operation("asnCustomNoteSet")
async def custom_note_set(call: Call, argument: JsonObject) -> JsonObject:
    note = argument["customnote"]
    user = _own_contact(call, note["u8sContactID"], "customnote.u8sContactID")
    before = snapshot(call.state, user)
    call.state.directory.set_note(user, note["u8sNote"])
    announce(call.state, user, before)
    return {}


def unsubscribed_from(session: Session, contact_id: str) -> bool:
    """Whether ``session`` unsubscribed from ``contact_id`` with asnUnsubscribePresence."""
    return contact_id in session.data.get(_DROPPED, ())


def subscribed_contacts(session: Session) -> tuple[str, ...]:
    """The contact ids ``session`` is subscribed to (for tests and diagnostics)."""
    return tuple(session.data.get(_KEY, {}))
