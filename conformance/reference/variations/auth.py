"""Variations of logon, sessions and routing (what suites/auth must accept)."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from conformance.reference.auth import CHALLENGES, LOCKOUT_POLICY, LockoutPolicy
from conformance.reference.dispatch import OPERATION_RESULT
from conformance.reference.routes import SESSION_CALLS_CHECK_UCSID
from conformance.reference.sessions import NEW_SESSION_ID
from conformance.reference.variations.registry import variation

_PRESENCE_AVAILABLE, _PRESENCE_BUSY = 1, 2  # AsnPresenceStateEnum
_calls = itertools.count()


@variation(
    "auth.lockout-policy",
    "3 wrong passwords in a row lock an account for 60 s of the server's clock: every login "
    "of it is then refused with logon error 129",
    LOCKOUT_POLICY,
    lines=(14775, 14776, 14777),
)
def _lockout_policy(policy: LockoutPolicy | None) -> LockoutPolicy | None:
    return LockoutPolicy(attempts=3, seconds=60)


@variation(
    "auth.negotiate-first",
    "a 401 offers Negotiate before Basic (two WWW-Authenticate headers)",
    CHALLENGES,
    lines=(195, 67),  # "HTTP Authentication", "a prompt will ask the user": no scheme order
)
def _negotiate_first(challenges: tuple[str, ...]) -> tuple[str, ...]:
    return ("Negotiate", *challenges)


@variation(
    "session.lower-case-ids",
    "session ids are 32 lower-case hex digits",
    NEW_SESSION_ID,
    lines=(183, 187),  # the id is shown by one example only; no format is stated (N17)
)
def _lower_case_ids(session_id: str) -> str:
    return session_id.lower()


@variation(
    "session.guid-ids",
    "session ids are braced GUIDs, {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}",
    NEW_SESSION_ID,
    lines=(183, 187),
)
def _guid_ids(session_id: str) -> str:
    return "{" + str(uuid.UUID(hex=session_id)).upper() + "}"


@variation(
    "ucsid.session-routed",
    "/ws/client/<operation> in a live session is routed by X-ucsessionid alone: the UCSID is "
    "not checked again",
    SESSION_CALLS_CHECK_UCSID,
    lines=(40, 231),  # the session authenticates further calls; the 502 is not tied to them
)
def _session_routed(check: bool) -> bool:
    return False


@variation(
    "contact.live-presence",
    "asnGetLoggedInContact's ownContact changes between calls (its presence alternates "
    "between available and busy, as calls and logins of other clients change it)",
    OPERATION_RESULT,
    lines=(46033, 46034, 46035, 46036),
)
def _live_presence(outcome: tuple[str, Any]) -> tuple[str, Any]:
    name, result = outcome
    if name != "asnGetLoggedInContact":
        return outcome
    state = _PRESENCE_BUSY if next(_calls) % 2 else _PRESENCE_AVAILABLE
    return name, {**result, "ownContact": {**result["ownContact"], "iPresenceState": state}}
