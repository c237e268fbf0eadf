"""Variations: presence (suites/presence)."""

from __future__ import annotations

from typing import Any

from conformance.reference.dispatch import OPERATION_RESULT
from conformance.reference.presence import (
    ALL_FLAGS,
    PRESENCE_AUDIENCE,
    PRESENCE_SPLIT,
    SUBSCRIBE_GREETING,
    Audience,
    unsubscribed_from,
)
from conformance.reference.variations.registry import variation

CONTACT_CAPABILITIES = 16384  # ePresenceSubscriptionContactCapabilities (37.1.2)


@variation(
    "presence.updates-per-area",
    "a change of presence is one asnUpdatePresence per changed area, the highest flag first "
    "(the absent state, 16, before the computed presence, 1)",
    PRESENCE_SPLIT,
    lines=(46459, 46461, 46463),  # the flags name "welcher Bereich den Event ausgeloest hat"
)
def _updates_per_area(groups: tuple[int, ...]) -> tuple[int, ...]:
    bits = [1 << n for n in range(15) for group in groups if group & (1 << n)]
    return tuple(sorted(bits, reverse=True))


@variation(
    "presence.update-on-subscribe",
    "right after asnGetAndSubscribePresence each subscribed contact's client capabilities come "
    "as an asnUpdatePresence (as a login of the contact's client would send them)",
    SUBSCRIBE_GREETING,
    lines=(46033, 46035, 46036),  # presence "driven from ... Computer system(login/logout)"
)
def _update_on_subscribe(flags: int) -> int:
    return flags | CONTACT_CAPABILITIES


@variation(
    "presence.updates-in-touch",
    "asnUpdatePresence also goes to every open session that never unsubscribed from the "
    "contact, subscribed or not (clients 'in touch with this client')",
    PRESENCE_AUDIENCE,
    lines=(46056, 46057),
)
def _updates_in_touch(audience: Audience) -> Audience:
    in_touch = tuple(
        (session, ALL_FLAGS)
        for session in audience.others
        if not unsubscribed_from(session, audience.contact_id)
    )
    others = tuple(s for s in audience.others if unsubscribed_from(s, audience.contact_id))
    return Audience(audience.subscribers + in_touch, others, audience.contact_id)


@variation(
    "presence.absent-state-withheld",
    "asnGetAndSubscribePresence leaves asnAbsentState out of every presence (no rights were "
    "granted to see it)",
    OPERATION_RESULT,
    # "Every Attribute here may not be filled out" (L46691-L46694); permission requests
    # (bDontRequestPermissions, L46116)
    lines=(46691, 46694, 46116),
)
def _absent_state_withheld(outcome: tuple[str, Any]) -> tuple[str, Any]:
    name, result = outcome
    if name != "asnGetAndSubscribePresence":
        return outcome
    presences = [
        {member: value for member, value in presence.items() if member != "asnAbsentState"}
        for presence in result["seqSubscribedPresence"]
    ]
    return name, {**result, "seqSubscribedPresence": presences}
