"""Faults: presence and public contacts (suites/presence)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from aiohttp import web

from conformance.reference.dispatch import (
    OPERATION_RESULT,
)
from conformance.reference.faults.registry import fault
from conformance.reference.faults.robustness import Exchange
from conformance.reference.faults.targets import (
    _tests,
)
from conformance.reference.presence import (
    ALL_FLAGS,
    PRESENCE_ANNOUNCED,
    PRESENCE_AUDIENCE,
    PRESENCE_REPORTED,
    PRESENCE_UNSUBSCRIBED,
    Audience,
    PresenceChange,
)
from conformance.reference.routes import (
    HTTP_RESPONSE,
)

# --- presence ------------------------------------------------------------------------------

_PRESENCE_SUBSCRIBE = "suites/presence/test_subscribe.py"
_PRESENCE_UPDATE = "suites/presence/test_update.py"
_PRESENCE_UNSUBSCRIBE = "suites/presence/test_unsubscribe.py"
_SUBSCRIBE_RESULT = _tests(_PRESENCE_SUBSCRIBE, "test_result_holds_the_contacts_current_presence")
_NEW_STATE = _tests(
    _PRESENCE_UPDATE,
    "test_subscriber_receives_the_new_state",
    "out-of-office",
    "meeting",
    "do-not-disturb",
)
_UNSUBSCRIBED = _tests(_PRESENCE_UNSUBSCRIBE, "test_no_update_after_unsubscribe")


@fault(
    "presence.update-after-unsubscribe",
    "asnUnsubscribePresence answers iResult 0 but the session keeps getting asnUpdatePresence",
    PRESENCE_UNSUBSCRIBED,
    breaks=_UNSUBSCRIBED,
)
def _update_after_unsubscribe(contact_ids: frozenset[str]) -> frozenset[str]:
    return frozenset()


@fault(
    "presence.no-update",
    "a change of a subscribed contact's presence sends no asnUpdatePresence",
    PRESENCE_ANNOUNCED,
    # the unsubscribe test first sees the subscriber told of a change
    breaks=(*_NEW_STATE, *_UNSUBSCRIBED),
)
def _no_update(announced: bool) -> bool:
    return False


@fault(
    "presence.wrong-state",
    "asnUpdatePresence carries the presence from before the change instead of the new one",
    PRESENCE_REPORTED,
    breaks=(*_NEW_STATE, *_UNSUBSCRIBED),  # it waits for the first change to show
)
def _wrong_state(change: PresenceChange) -> PresenceChange:
    return replace(change, after=change.before)


@fault(
    "presence.event-to-other-session",
    "asnUpdatePresence also goes to every open session that did not subscribe to the contact",
    PRESENCE_AUDIENCE,
    breaks=_UNSUBSCRIBED,  # an unsubscribed session is one of them
)
def _event_to_other_session(audience: Audience) -> Audience:
    strays = tuple((session, ALL_FLAGS) for session in audience.others)
    return Audience(audience.subscribers + strays, ())


@fault(
    "presence.subscribe-shows-available",
    "asnGetAndSubscribePresence reports every contact it manages as available (eAVAILABLE), "
    "whatever its presence",
    OPERATION_RESULT,
    breaks=_SUBSCRIBE_RESULT,
)
def _subscribe_shows_available(outcome: tuple[str, Any]) -> tuple[str, Any]:
    name, result = outcome
    if name != "asnGetAndSubscribePresence":
        return outcome
    discrete, uncontrolled, available = 0xFF, 0, 1  # ePresenceStateMask; AsnPresenceStateEnum
    presences = []
    for presence in result["seqSubscribedPresence"]:
        state = presence.get("iPresenceState")
        if state is not None and state & discrete != uncontrolled:
            presence = {**presence, "iPresenceState": state & ~discrete | available}
        presences.append(presence)
    return name, {**result, "seqSubscribedPresence": presences}


# --- /ws/public (suites/presence) ------------------------------------------------------------


@fault(
    "presence.public-contacts-stale",
    "/ws/public/contacts shows every public user as available (eAVAILABLE), whatever the "
    "user's presence (the flag bits kept)",
    HTTP_RESPONSE,
    breaks=_tests(
        "suites/presence/test_public_contacts.py",
        "test_public_contacts_show_the_current_presence",
    ),
)
def _public_contacts_stale(exchange: Exchange) -> Exchange:
    request, response = exchange
    if request.path.rstrip("/") != "/ws/public/contacts" or response.status != 200:
        return exchange
    if not isinstance(response, web.Response) or not isinstance(response.body, bytes):
        return exchange
    body = json.loads(response.body)
    available = 1  # AsnPresenceStateEnum eAVAILABLE; the low byte is the state (0xFF mask)
    for contact in body.get("contacts", {}).values():
        contact["iPresenceState"] = contact["iPresenceState"] & ~0xFF | available
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    stale = web.Response(status=200, text=text, content_type="application/json", charset="utf-8")
    return request, stale
