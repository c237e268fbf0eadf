"""Fixtures of the PresenceV2 suite (document chapter 36, L45982-L46488; types chapter 37).

PresenceV2 only reports presence; a user changes their own with General's absent state
(asnAbsentStateSetUser 2.1.18, L1591-L1623; asnAbsentStateReset 2.1.19, L1624-L1663), the
"Manually changing Status" source of L46030-L46046 (CONFORMANCE-NOTES.md N26). A contact id is
the user's SIP URI, the profile's ``sip_uri`` (N27).

Tests that change a user's presence must not disturb each other, also when xdist workers run
them at once against one real server. :func:`change_presence` therefore

* holds an exclusive lock on that user of that target for the whole test (a lock file in the
  temporary directory, so it also serialises two runs on one machine). The embedded server
  needs none: each xdist worker starts its own, and a worker runs one test at a time;
* starts from a known state: the absent state reset (before the test subscribes to anything);
* puts the user's original absent state back at the end, pass or fail, over ``/ws/direct``
  with the user's credentials, so that it does not depend on the test's session surviving.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest

from conformance.client import Basic, HttpClient, OperationNotImplemented, Session, Target
from conformance.client.dispatch import Where
from conformance.leases import lease
from conformance.plugin import Settings
from conformance.profile import Profile, User
from conformance.rose import JsonObject

LEASE_WAIT = 120.0
"""How long (scaled) another test may hold a user's presence before the suite gives up."""

T = TypeVar("T")

NOT_ABSENT = 0  # eABSENTSTATENOTABSENT (AsnAbsentStateEnum 3.1.27, L4736)
IMPLIED_PRESENCE = {0: 1, 1: 3, 2: 2, 3: 4, 4: 1}
"""AsnAbsentStateEnum (L4736-L4744) -> the AsnPresenceStateEnum (3.1.8, L4301-L4309) it stands
for ("Kontaktstatus aufgrund dieser Meldung", L5558): present or not set eAVAILABLE, out of office
eABSENT, meeting eBUSY, do not disturb eDONOTDISTURB (N26)."""
UPDATE = "asnUpdatePresence"
PRESENCE_STATE_MASK = 0xFF  # ePresenceStateMask (3.1.10, L4344)
QUIET_SECONDS = 0.5
"""How long (scaled) an asnUpdatePresence sent in error may still take to arrive after a round
trip on the same channel; the embedded server has sent everything by then."""


class OwnPresence:
    """A user changing their own presence in their own session."""

    def __init__(self, user: User, contact_id: str, session: Session) -> None:
        self.user = user
        self.contact_id = contact_id
        self.session = session

    @property
    def about(self) -> dict[str, object]:
        """``where=`` for asnUpdatePresence events about this contact (AsnPresence.u8sContactId,
        "Wen betrifft das Update", L47501-L47506)."""
        return {"presence": {"u8sContactId": self.contact_id}}

    def showing(self, presence_state: int) -> Where:
        """``where=`` for an asnUpdatePresence about this contact whose presence carries
        ``presence_state`` in its discrete part (ePresenceStateMask, L4344). A server may tell
        a change in several updates, one per area (the flags name "welcher Bereich den Event
        ausgeloest hat", L46459-L46465), and other sources may update first (L46033-L46036),
        so a test waits for the update that shows the state, not for the first one."""

        def shows(argument: JsonObject) -> bool:
            presence = argument.get("presence", {})
            state = presence.get("iPresenceState")
            return (
                presence.get("u8sContactId") == self.contact_id
                and isinstance(state, int)
                and state & PRESENCE_STATE_MASK == presence_state
            )

        return Where(shows, f"an update about {self.contact_id} showing state {presence_state}")

    def absent_state(self, state: int) -> JsonObject:
        """An AsnAbsentState (3.1.79, L5537-L5560) of this user, valid from an hour ago to an
        hour from now (so a server that schedules absences applies it at once)."""
        now = datetime.now(UTC).replace(microsecond=0)
        return {
            "u8sContactId": self.contact_id,
            "u8sUsername": self.user.name,
            "stTimeFrom": _system_time(now - timedelta(hours=1)),
            "stTimeTo": _system_time(now + timedelta(hours=1)),
            "iAbsentState": state,
            "u8sMessage": "set by ucserver-conformance",
            "u8sAbsentReason": "",
            "iPresenceState": IMPLIED_PRESENCE.get(state, 0),
        }

    def set_absent(self, state: int) -> None:
        """asnAbsentStateSetUser (2.1.18, L1591-L1623) in the user's session; must succeed."""
        argument = {"absentstate": self.absent_state(state)}
        self.session.invoke("asnAbsentStateSetUser", argument).expect_result()

    def reset(self) -> None:
        """asnAbsentStateReset (2.1.19, L1624-L1663) in the user's session; must succeed."""
        argument = {"u8sContactId": self.contact_id}
        self.session.invoke("asnAbsentStateReset", argument).expect_result()

    def assert_no_update(self, session: Session, since: int) -> None:
        """``session`` got no asnUpdatePresence about this contact after ``since`` (a
        ``session.mark()``): first a round trip on its channel (asnCheckConnection, 44.1.6), so
        that whatever a server sending in order queued before has arrived, then a short window
        (:data:`QUIET_SECONDS`, scaled) for a server that does not."""
        session.invoke("asnCheckConnection", {}).expect_result()
        session.assert_quiet(UPDATE, QUIET_SECONDS, where=self.about, since=since)

    def original(self) -> JsonObject | None:
        """asnAbsentStateGetUser (2.1.20, L1665-L1698): the absent state before the test, or
        None where the target does not offer the operation (then a reset restores)."""
        try:
            outcome = self.session.invoke("asnAbsentStateGetUser", {"contactId": self.contact_id})
            result: JsonObject = outcome.expect_result()
        except OperationNotImplemented:
            return None
        absent: JsonObject = result["absentstate"]
        return absent


def _system_time(moment: datetime) -> str:
    """AsnSystemTime as the JSON encoding writes it: an ISO 8601 string (L23715-L23720)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _restore(direct: HttpClient, own: OwnPresence, original: JsonObject | None) -> None:
    auth = Basic(own.user.name, own.user.password)
    if original is None or original.get("iAbsentState") == NOT_ABSENT:
        argument: JsonObject = {"u8sContactId": own.contact_id}
        direct.direct("asnAbsentStateReset", argument, auth=auth).expect_result()
    else:
        argument = {"absentstate": original}
        direct.direct("asnAbsentStateSetUser", argument, auth=auth).expect_result()


ChangePresence = Callable[[User], OwnPresence]


@pytest.fixture
def change_presence(
    session_factory: Callable[..., Session],
    direct: HttpClient,
    target: Target,
    conformance_settings: Settings,
) -> Iterator[ChangePresence]:
    """``change_presence(user)``: the user's session for changing their presence, with the
    presence locked for this test, reset to start with and restored afterwards."""
    with ExitStack() as stack:

        def take(user: User) -> OwnPresence:
            if not user.sip_uri:
                pytest.skip(f"the profile gives no sip_uri (contact id) for user {user.alias!r}")
            if not conformance_settings.embedded:
                stack.enter_context(_presence_lease(target, user))
            own = OwnPresence(user, user.sip_uri, session_factory(user.alias))
            original = own.original()
            own.reset()
            stack.callback(_restore, direct, own, original)
            return own

        yield take


# --- who plays which part ---------------------------------------------------------------------


def _with_contact_ids(profile: Profile) -> list[User]:
    return [user for user in profile.enabled_users() if user.sip_uri]


def _nth(profile: Profile, index: int, part: str) -> User:
    users = _with_contact_ids(profile)
    if len(users) <= index:
        pytest.skip(
            f"the {part} needs {index + 1} enabled users with a sip_uri; the profile has "
            f"{len(users)}"
        )
    return users[index]


@pytest.fixture
def watcher(profile: Profile) -> User:
    """The user who subscribes: the first enabled user with a contact id."""
    return _nth(profile, 0, "watcher")


@pytest.fixture
def changer(profile: Profile) -> User:
    """The user whose presence changes: the second enabled user with a contact id."""
    return _nth(profile, 1, "changer")


@pytest.fixture
def bystander(profile: Profile) -> User:
    """A third user, who subscribes to nothing."""
    return _nth(profile, 2, "bystander")


def _presence_lease(target: Target, user: User) -> AbstractContextManager[None]:
    """An exclusive lease on ``user``'s presence on ``target`` (conformance.leases)."""
    return lease(target, f"presence of {user.name}", LEASE_WAIT)
