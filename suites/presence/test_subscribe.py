"""asnGetAndSubscribePresence: what the result holds (36.1.1, L46074-L46144)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from conformance.client import Session
from conformance.profile import User

if TYPE_CHECKING:
    from conftest import ChangePresence

    from conformance.plugin import Eventually

pytestmark = [pytest.mark.module("PresenceV2"), pytest.mark.requires("users>=2")]

PRESENCE_STATE_MASK = 0xFF  # ePresenceStateMask (3.1.10, L4344)
ABSENT = 3  # eABSENT (AsnPresenceStateEnum 3.1.8, L4307)
OUT_OF_OFFICE = 1  # eABSENTSTATEOUTOFOFFICE (AsnAbsentStateEnum 3.1.27, L4738)


@pytest.mark.spec("36.1.1", line=46074)
@pytest.mark.spec("37.1.27", line=47488)
@pytest.mark.sends(
    "asnAbsentStateGetUser",
    "asnAbsentStateReset",
    "asnAbsentStateSetUser",
    "asnGetAndSubscribePresence",
)
def test_result_holds_the_contacts_current_presence(
    session_factory: Callable[..., Session],
    change_presence: ChangePresence,
    eventually: Eventually[Any],
    watcher: User,
    changer: User,
) -> None:
    """36.1.1 (L46074-L46144): subscribing to another user's contact id answers
    ``seqSubscribedPresence``, "Kontakte die angefordert wurden" (L46130): that contact's
    AsnPresence (37.1.27, L47488-L47631), its ``u8sContactId`` the id asked for and, the return
    filter defaulting to all areas (L46099-L46105), its current presence: after the user set
    out of office (2.1.18), ``iPresenceState`` is eABSENT in the discrete part (ePresenceStateMask,
    L4344); ``asnAbsentState`` (area 16, L46739-L46745), where the server fills it in, is that
    out of office. "Every Attribute here may not be filled out" (L46691-L46694) and presence
    details are subject to permissions (``bDontRequestPermissions``, L46116): a server may
    withhold another user's absent state from a session that was granted no rights."""
    own = change_presence(changer)
    own.set_absent(OUT_OF_OFFICE)
    session = session_factory(watcher.alias)

    def subscribe() -> list[dict[str, Any]]:
        argument = {"seqContactIDs": [own.contact_id]}
        result = session.invoke("asnGetAndSubscribePresence", argument).expect_result()
        presences: list[dict[str, Any]] = result["seqSubscribedPresence"]
        return presences

    presences = eventually(
        subscribe,
        lambda found: len(found) == 1 and _state(found[0]) == ABSENT,
        f"one presence of {own.contact_id}, eABSENT after out of office",
    )
    (presence,) = presences
    assert presence["u8sContactId"] == own.contact_id
    absent = presence.get("asnAbsentState")
    if absent is not None:
        assert absent["iAbsentState"] == OUT_OF_OFFICE, absent


def _state(presence: dict[str, Any]) -> int | None:
    state = presence.get("iPresenceState")
    return None if state is None else int(state) & PRESENCE_STATE_MASK
