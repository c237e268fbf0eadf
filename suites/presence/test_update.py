"""asnUpdatePresence: a subscriber is told about a change of presence (36.2.1, L46437-L46470).

Whether a session that subscribed nothing may be told too is left open by the document
("notify only the changes (which are subscribed)", L46002, but "also ... to those clients who
are in touch with this client", L46056-L46057): no test here judges it (CONFORMANCE-NOTES N27,
N43)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from conformance.client import Session
from conformance.profile import User

if TYPE_CHECKING:
    from conftest import ChangePresence

pytestmark = pytest.mark.module("PresenceV2")

UPDATE = "asnUpdatePresence"

# AsnAbsentStateEnum (3.1.27, L4736-L4744) -> AsnPresenceStateEnum (3.1.8, L4301-L4309)
CHANGES = [
    pytest.param(1, 3, id="out-of-office"),  # eABSENTSTATEOUTOFOFFICE -> eABSENT
    pytest.param(2, 2, id="meeting"),  # eABSENTSTATEBUSY ("Besprechung") -> eBUSY
    pytest.param(3, 4, id="do-not-disturb"),  # eABSENTSTATEDONOTDISTURB -> eDONOTDISTURB
]


def _subscribe(session: Session, contact_id: str) -> None:
    """asnGetAndSubscribePresence with the default flags: every area (L46093-L46105)."""
    session.invoke("asnGetAndSubscribePresence", {"seqContactIDs": [contact_id]}).expect_result()


@pytest.mark.spec("36.2.1", line=46437)
@pytest.mark.spec("2.1.18", line=1591)
@pytest.mark.spec("3.1.79", line=5537)
@pytest.mark.requires("users>=2")
@pytest.mark.parametrize(("absent_state", "presence_state"), CHANGES)
@pytest.mark.sends(
    "asnAbsentStateGetUser",
    "asnAbsentStateReset",
    "asnAbsentStateSetUser",
    "asnGetAndSubscribePresence",
)
def test_subscriber_receives_the_new_state(
    session_factory: Callable[..., Session],
    change_presence: ChangePresence,
    watcher: User,
    changer: User,
    absent_state: int,
    presence_state: int,
) -> None:
    """36.2.1 (L46437-L46470): when a subscribed contact changes their absent state (2.1.18),
    the subscriber gets asnUpdatePresence with ``presence`` ("Updatedaten fuer die
    Presence-Information", L46457) about that contact holding the presence the absent state
    stands for ("Kontaktstatus aufgrund dieser Meldung", L5558) in its discrete part (L4344).
    The server may tell the change in several updates, one per area, and other updates may
    come first (:meth:`OwnPresence.showing`): the test waits, with the profile's timeout, for
    the one that shows the new state."""
    own = change_presence(changer)
    session = session_factory(watcher.alias)
    _subscribe(session, own.contact_id)
    own.set_absent(absent_state)
    session.wait_for(UPDATE, where=own.showing(presence_state))
