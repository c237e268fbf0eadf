"""Variations: user tokens (suites/tokens)."""

from __future__ import annotations

from conformance.reference.authentication import TOKEN_REQUEST
from conformance.reference.tokens import EXPIRY_LEEWAY
from conformance.reference.transport import TOKEN_VERIFY_FOR_USERS
from conformance.reference.variations.registry import variation
from conformance.rose import JsonObject

TTL_FLOOR = 30
"""Seconds: the shortest time to live the varied server grants."""
LEEWAY = 10.0
"""Seconds of clock skew the varied server allows an expired token."""


@variation(
    "tokens.ttl-floor",
    f"asnGetUserToken grants at least {TTL_FLOOR} s: a shorter iTTL is raised to that",
    TOKEN_REQUEST,
    lines=(14373,),  # "Desired Time to live in seconds"
)
def _ttl_floor(argument: JsonObject) -> JsonObject:
    ttl = argument.get("iTTL")
    if isinstance(ttl, int) and 0 < ttl < TTL_FLOOR:
        return {**argument, "iTTL": TTL_FLOOR}
    return argument


@variation(
    "tokens.expiry-leeway",
    f"a token still logs in (and verifies) up to {LEEWAY:g} s after it expired (clock skew)",
    EXPIRY_LEEWAY,
    lines=(14373,),
)
def _expiry_leeway(leeway: float) -> float:
    return leeway + LEEWAY


@variation(
    "tokens.verify-external-only",
    "asnTokenVerify is refused (AsnRequestError) to a user's own call: it is for external servers",
    TOKEN_VERIFY_FOR_USERS,
    lines=(49426,),  # "This function allows an external Server to check if a User token is valid"
    removes=("tokens.verify",),
)
def _verify_external_only(open_to_users: bool) -> bool:
    return False
