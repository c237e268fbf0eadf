"""/ws/public/contacts: the public users and their presence, anonymously (1.4, L514-L566)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from conformance.client import HttpClient
from conformance.profile import Profile, User

if TYPE_CHECKING:
    from conftest import ChangePresence

    from conformance.plugin import Eventually

pytestmark = pytest.mark.module("PresenceV2")

PRESENCE_STATE_MASK = 0xFF  # ePresenceStateMask (3.1.10, L4344)
ABSENT = 3  # eABSENT (AsnPresenceStateEnum 3.1.8, L4307)
OUT_OF_OFFICE = 1  # eABSENTSTATEOUTOFOFFICE (AsnAbsentStateEnum 3.1.27, L4738)


@pytest.fixture
def public_user(profile: Profile) -> User:
    """The first enabled user the profile lists as public, with a contact id."""
    for user in profile.enabled_users():
        if user.public and user.sip_uri:
            return user
    pytest.skip("the profile names no enabled user with public = true and a sip_uri")


@pytest.mark.spec("1.4", line=514)
@pytest.mark.spec("2.1.18", line=1591)
@pytest.mark.sends("asnAbsentStateGetUser", "asnAbsentStateReset", "asnAbsentStateSetUser")
def test_public_contacts_show_the_current_presence(
    direct: HttpClient,
    profile: Profile,
    change_presence: ChangePresence,
    eventually: Eventually[Any],
    public_user: User,
) -> None:
    """1.4 (L514-L566): ``GET /ws/public/contacts`` serves anonymous clients "presence
    information" (L516): ``contacts`` keyed by SIP URI (L533), each with its ``iPresenceState``
    (L560; the example's 1610612739 is eABSENT 3 in the discrete part, L4344, plus flag bits).
    The profile's public users are listed, its other users are not, and a public user's change
    of absent state (2.1.18; out of office is eABSENT, L5558) shows there, as does its reset
    (2.1.19)."""
    own = change_presence(public_user)

    def contacts() -> dict[str, Any]:
        listed: dict[str, Any] = direct.public_contacts().expect_result()["contacts"]
        return listed

    def state() -> int:
        listed = contacts()
        assert own.contact_id in listed, f"{own.contact_id} left /ws/public/contacts: {listed}"
        return int(listed[own.contact_id]["iPresenceState"]) & PRESENCE_STATE_MASK

    listed = contacts()
    users = [u for u in profile.users.values() if u.sip_uri and not u.disabled]
    missing = [u.sip_uri for u in users if u.public and u.sip_uri not in listed]
    assert not missing, f"public users missing from /ws/public/contacts: {missing}"
    private = [u.sip_uri for u in users if not u.public and u.sip_uri in listed]
    assert not private, f"users the profile does not make public are listed: {private}"
    before = state()
    assert before != ABSENT, "precondition: the reset user must not be eABSENT"
    own.set_absent(OUT_OF_OFFICE)
    eventually(state, lambda now: now == ABSENT, f"{own.contact_id} eABSENT after out of office")
    own.reset()
    eventually(state, lambda now: now == before, f"{own.contact_id} back to {before} after reset")
