"""Fixtures of the General suite (document chapter 2): a user's own state, told to the user's
other sessions and to the sessions that watch the user.

A user changes their own state only (absent state, note, forwarding, settings): every test is
``own``. A test takes the user's presence lease (the same one as the presence suite, so the two
never change one user at once on a real server), notes what it changes and puts it back at the
end, pass or fail, over ``/ws/direct`` with the user's credentials.

Who receives the General events the document does not say for most of them (CONFORMANCE-NOTES
N52); tests that rely on the reference server's reading require a profile capability:

* ``general.own_session_events``: asnUpdateMy... and asnMy... events reach the user's other
  sessions;
* ``general.watcher_events``: asnContact...Changed and asnPresenceStateChanged reach the
  sessions that opened the contact with asnOpenContacts (2.1.11);
* ``general.connected_client_list``: asnMyUpdateConnectedClientList reaches the user's other
  sessions when one logs on or off;
* ``general.location_events``: asnLocationInformationChanged reaches every open session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

import pytest

from conformance.client import Basic, HttpClient, Session, Target
from conformance.leases import lease
from conformance.lineids import same_line
from conformance.plugin import Settings
from conformance.profile import Profile, User
from conformance.rose import JsonObject

LEASE_WAIT = 120.0
"""How long (scaled) another test may hold a user's presence before the suite gives up."""
NOT_ABSENT = 0  # eABSENTSTATENOTABSENT (AsnAbsentStateEnum 3.1.27, L4736)


def system_time(moment: datetime) -> str:
    """AsnSystemTime as the JSON encoding writes it: an ISO 8601 string (L23715-L23720)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Me:
    """A user changing their own state in their own session; restores it at the end."""

    def __init__(self, user: User, session: Session, stack: ExitStack, direct: HttpClient):
        self.user = user
        self.contact_id = user.sip_uri
        self.session = session
        self._stack = stack
        self._direct = direct
        self._auth = Basic(user.name, user.password)

    def own_contact(self, session: Session | None = None) -> JsonObject:
        """asnGetLoggedInContact (10.1.6, L14443-L14475): the caller's own AsnContact."""
        outcome = (session or self.session).invoke("asnGetLoggedInContact", {})
        contact: JsonObject = outcome.expect_result()["ownContact"]
        return contact

    def absent_state(self, state: int, message: str) -> JsonObject:
        """An AsnAbsentState (3.1.79, L5537-L5560) valid from an hour ago to an hour ahead."""
        now = datetime.now(UTC).replace(microsecond=0)
        return {
            "u8sContactId": self.contact_id,
            "u8sUsername": self.user.name,
            "stTimeFrom": system_time(now - timedelta(hours=1)),
            "stTimeTo": system_time(now + timedelta(hours=1)),
            "iAbsentState": state,
            "u8sMessage": message,
            "u8sAbsentReason": "",
            "iPresenceState": 0,
        }

    def set_absent(self, state: int, message: str) -> None:
        """asnAbsentStateSetUser (2.1.18, L1591-L1623); restored to what it was at the end."""
        self._keep_absent_state()
        argument = {"absentstate": self.absent_state(state, message)}
        self.session.invoke("asnAbsentStateSetUser", argument).expect_result()

    def set_note(self, note: str) -> None:
        """asnCustomNoteSet (2.1.22, L1736-L1766); restored to what it was at the end."""
        original = self.own_contact()["asnCustomNote"]["u8sNote"]
        self.restore_with("asnCustomNoteSet", self._note(original))
        self.session.invoke("asnCustomNoteSet", self._note(note)).expect_result()

    def _note(self, note: str) -> JsonObject:
        return {
            "customnote": {
                "u8sContactID": self.contact_id,
                "u8sUsername": self.user.name,
                "u8sNote": note,
            }
        }

    def _keep_absent_state(self) -> None:
        original = self.session.invoke("asnAbsentStateGetUser", {"contactId": self.contact_id})
        absent: JsonObject = original.expect_result()["absentstate"]
        if absent.get("iAbsentState") == NOT_ABSENT:
            argument: JsonObject = {"u8sContactId": self.contact_id}
            self.restore_with("asnAbsentStateReset", argument)
        else:
            self.restore_with("asnAbsentStateSetUser", {"absentstate": absent})

    def _direct_call(self, operation: str, argument: JsonObject) -> None:
        self._direct.direct(operation, argument, auth=self._auth).expect_result()

    def restore_with(self, operation: str, argument: JsonObject) -> None:
        """Send ``operation`` over /ws/direct as this user at the end of the test."""
        self._stack.callback(self._direct_call, operation, argument)

    def forward(self, line: str, destination: str) -> None:
        """asnCtiSetForward (CTI, L25662) of one of the user's lines, removed again at the end
        (asnCtiRemoveForward, L25738). A line forwarded already is left alone: the suite could
        not put that forward back exactly."""
        for phone_line in self.own_contact().get("seqPhoneLines", []):
            forwarded = phone_line.get("seqLineForwards")
            if same_line(phone_line.get("u8sLinePhoneNumber"), line) and forwarded:
                pytest.skip(f"line {line} of {self.user.alias!r} is forwarded already")
        self.restore_with("asnCtiRemoveForward", {"u8sPhoneNumberFrom": line})
        argument = {"u8sPhoneNumberFrom": line, "u8sPhoneNumberTo": destination}
        result = self.session.invoke("asnCtiSetForward", argument).expect_result()
        assert result["bSuccess"] is True, f"asnCtiSetForward answered {result}"

    def watched_from(self, session: Session) -> JsonObject:
        """asnOpenContacts (2.1.11, L1151-L1196) of this user in ``session`` (another user's);
        closed again (asnCloseContacts, 2.1.13) at the end. Returns the result."""
        argument = {"seqContactIDs": [self.contact_id]}
        result: JsonObject = session.invoke("asnOpenContacts", argument).expect_result()
        self._stack.callback(_close_contacts, session, argument)
        return result


def _close_contacts(session: Session, argument: JsonObject) -> None:
    if not session.closed:
        session.invoke("asnCloseContacts", argument).expect_result()


TakeMe = Callable[[User], Me]


@pytest.fixture
def take_me(
    session_factory: Callable[..., Session],
    direct: HttpClient,
    target: Target,
    conformance_settings: Settings,
) -> Iterator[TakeMe]:
    """``take_me(user)``: the user's session, with the user's presence leased for this test and
    everything :class:`Me` changes restored afterwards."""
    with ExitStack() as stack:

        def take(user: User) -> Me:
            if not user.sip_uri:
                pytest.skip(f"the profile gives no sip_uri (contact id) for user {user.alias!r}")
            if not conformance_settings.embedded:
                stack.enter_context(lease(target, f"presence of {user.name}", LEASE_WAIT))
            return Me(user, session_factory(user.alias), stack, direct)

        yield take


def _enabled_with_contact_id(profile: Profile, index: int, part: str) -> User:
    users = [user for user in profile.enabled_users() if user.sip_uri]
    if len(users) <= index:
        pytest.skip(f"the {part} needs {index + 1} enabled users with a sip_uri")
    return users[index]


@pytest.fixture
def owner(profile: Profile) -> User:
    """The user whose state changes: the first enabled user with a contact id."""
    return _enabled_with_contact_id(profile, 0, "owner")


@pytest.fixture
def watcher(profile: Profile) -> User:
    """The user who watches the owner: the second enabled user with a contact id."""
    return _enabled_with_contact_id(profile, 1, "watcher")
