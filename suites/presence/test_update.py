"""asnUpdatePresence: who is told about a change of presence, and what (36.2.1, L46437-L46470)."""

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
PRESENCE_STATE_MASK = 0xFF  # ePresenceStateMask (3.1.10, L4344)
SUBSCRIPTION_PRESENCE = 1  # ePresenceSubscriptionPresence (37.1.2, L46700-L46706)
OUT_OF_OFFICE = 1  # eABSENTSTATEOUTOFOFFICE (AsnAbsentStateEnum 3.1.27, L4738)

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
    stands for ("Kontaktstatus aufgrund dieser Meldung", L5558) in its discrete part (L4344),
    and ``iChangedFlags`` naming the areas that changed (L46459-L46461), among them the
    computed presence, ePresenceSubscriptionPresence 1 (L46700-L46706)."""
    own = change_presence(changer)
    session = session_factory(watcher.alias)
    _subscribe(session, own.contact_id)
    own.set_absent(absent_state)
    argument = session.wait_for(UPDATE, where=own.about).argument
    assert isinstance(argument, dict), argument  # AsnUpdatePresenceArgument, validated
    flags = argument["iChangedFlags"]
    assert flags & SUBSCRIPTION_PRESENCE, f"iChangedFlags {flags} lacks the presence bit 1"
    state = argument["presence"].get("iPresenceState")
    assert state is not None, f"the update carries no iPresenceState: {argument}"
    assert state & PRESENCE_STATE_MASK == presence_state, (
        f"iPresenceState {state} (discrete part {state & PRESENCE_STATE_MASK}) after absent "
        f"state {absent_state}; expected {presence_state}"
    )


@pytest.mark.spec("36.2.1", line=46437)
@pytest.mark.spec("36.1.1", line=46074)
@pytest.mark.requires("users>=3")
@pytest.mark.sends(
    "asnAbsentStateGetUser",
    "asnAbsentStateReset",
    "asnAbsentStateSetUser",
    "asnCheckConnection",
    "asnGetAndSubscribePresence",
)
def test_session_that_did_not_subscribe_gets_no_update(
    session_factory: Callable[..., Session],
    change_presence: ChangePresence,
    watcher: User,
    changer: User,
    bystander: User,
) -> None:
    """36.2.1 with 36.1.1: the module notifies "only the changes (which are subscribed)"
    (L46002), asnUpdatePresence "as per Client request" (L46051); "clients who are in touch
    with this client" (L46056) are those subscribed to it (CONFORMANCE-NOTES.md N27). A session
    of a third user that subscribed to nothing gets no asnUpdatePresence about a change that a
    subscriber is told about."""
    own = change_presence(changer)
    session = session_factory(watcher.alias)
    other = session_factory(bystander.alias)
    _subscribe(session, own.contact_id)
    since = other.mark()
    own.set_absent(OUT_OF_OFFICE)
    session.wait_for(UPDATE, where=own.about)  # the change was announced
    own.assert_no_update(other, since)
