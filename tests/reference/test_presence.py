"""PresenceV2 in the reference server (document chapter 36/37; conformance/reference/presence.py).

Users change their own presence with asnAbsentStateSetUser (General 2.1.18) and observe others
through asnGetAndSubscribePresence / asnUpdatePresence. Every test runs on a private server, so
presence changes never leak between tests.

"Quiet" is checked without sleeping: a change made over HTTP has queued all of its events by the
time its response arrives, and a session's frames leave in queue order, so a round trip on the
watched channel after the change proves that no event was queued before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

import pytest
import requests

from conformance.catalog import Catalog
from conformance.reference import FAULTS, ReferenceServer
from conformance.reference.presence import ALL_FLAGS, subscribed_contacts

if TYPE_CHECKING:
    from conftest import Api, Channel

MakeApi = Callable[[ReferenceServer], "Api"]

ALICE = "sip:alice@reference.invalid"
BOB = "sip:bob@reference.invalid"
CAROL = "sip:carol@reference.invalid"
PRESENCE, ABSENTSTATE, NOTE = 1, 16, 32  # AsnPresenceSubscriptionFlags (37.1.2)
AVAILABLE, BUSY, ABSENT, DND = 1, 2, 3, 4  # AsnPresenceStateEnum (3.1.8)
OUT_OF_OFFICE, MEETING, DO_NOT_DISTURB = 1, 2, 3  # AsnAbsentStateEnum (3.1.27)
ALL_MEMBERS = {
    "u8sContactId",
    "iPresenceState",
    "asnRemoteContact",
    "asnUserPropertyBag",
    "iContactFeatureSet",
    "iStaticRights",
    "iMonitorAccessRights",
    "asnAbsentState",
    "asnCustomNote",
    "seqActualAppointments",
    "asnNextAppointment",
    "seqPhoneLines",
    "seqCalls",
    "seqLineForwards",
    "asnContactCapabilities",
}


class User:
    """One logged-in user: a session and its open event channel."""

    def __init__(self, api: Api, alias: str, channel: Channel, session: str) -> None:
        self.api = api
        self.alias = alias
        self.channel = channel
        self.session = session
        self._ids = iter(range(1, 10_000))

    def call(self, operation: str, argument: Any) -> dict[str, Any]:
        """Invoke over the WebSocket; the result payload (events must not come first)."""
        invoke_id = next(self._ids)
        message = self.channel.call(invoke_id, operation, argument)
        assert list(message) == ["result"], message
        assert message["result"]["invokeID"] == invoke_id
        result: dict[str, Any] = message["result"]["result"]["result"]
        return result

    def subscribe(self, *contact_ids: str, **argument: Any) -> list[dict[str, Any]]:
        result = self.call(
            "asnGetAndSubscribePresence", {"seqContactIDs": list(contact_ids), **argument}
        )
        presences: list[dict[str, Any]] = result["seqSubscribedPresence"]
        return presences

    def http(self, operation: str, argument: Any) -> requests.Response:
        return self.api.client(self.session, operation, argument)

    def set_absent(self, state: int, contact_id: str | None = None, **members: Any) -> Any:
        response = self.http("asnAbsentStateSetUser", absent_state(contact_id, state, **members))
        assert response.status_code == 200, response.text
        return response.json()

    def next_event(self) -> dict[str, Any]:
        message = self.channel.receive(timeout=5)
        assert list(message) == ["invoke"], message
        invoke: dict[str, Any] = message["invoke"]
        assert invoke["invokeID"] == 99999
        return invoke

    def assert_quiet(self) -> None:
        """No event is queued for this session (see the module docstring)."""
        message = self.channel.call(424242, "asnCheckConnection", {})
        assert list(message) == ["result"], f"unexpected message: {message}"


def absent_state(contact_id: str | None, state: int, **members: Any) -> dict[str, Any]:
    return {
        "absentstate": {
            "u8sContactId": "" if contact_id is None else contact_id,
            "u8sUsername": "",
            "stTimeFrom": "2024-05-01T08:00:00Z",
            "stTimeTo": "2024-05-01T17:00:00Z",
            "iAbsentState": state,
            "u8sMessage": members.get("message", ""),
            "u8sAbsentReason": members.get("reason", ""),
            "iPresenceState": 0,  # output; the server computes it
        }
    }


@pytest.fixture
def fresh(make_server: Callable[..., ReferenceServer], api_for: MakeApi) -> Api:
    return api_for(make_server())


@contextmanager
def logged_in(api: Api, *aliases: str) -> Iterator[list[User]]:
    with ExitStack() as stack:
        users = []
        for alias in aliases:
            session = api.create_session(alias)
            channel = stack.enter_context(api.websocket(session))
            users.append(User(api, alias, channel, session))
        yield users


def update(event: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    assert event["operationName"] == "asnUpdatePresence"
    argument: dict[str, Any] = event["argument"]
    catalog.validate("AsnUpdatePresenceArgument", argument)
    return argument


# --- asnGetAndSubscribePresence: the current presence ---------------------------------------


def test_subscribe_returns_the_current_presence(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, "alice") as (alice,):
        result = alice.call("asnGetAndSubscribePresence", {"seqContactIDs": [BOB, ALICE]})
    catalog.validate("AsnGetAndSubscribePresenceResult", result)
    bob, me = result["seqSubscribedPresence"]
    assert (bob["u8sContactId"], me["u8sContactId"]) == (BOB, ALICE)
    assert set(bob) == ALL_MEMBERS  # the return filter defaults to all
    assert bob["iPresenceState"] == AVAILABLE
    assert bob["asnRemoteContact"]["u8sDisplayName"] == "Bob Berger"
    assert bob["asnRemoteContact"]["u8sSIPAddress"] == BOB
    assert bob["asnAbsentState"]["iAbsentState"] == 0
    assert [line["u8sLinePhoneNumber"] for line in bob["seqPhoneLines"]] == [
        "tel:+4930100201",
        "tel:+4930100202",
    ]
    assert bob["seqPhoneLines"][0]["u8sLineNumber"] == "+4930100201"


@pytest.mark.parametrize(
    ("details", "members"),
    [
        (PRESENCE, {"u8sContactId", "iPresenceState"}),
        (PRESENCE | NOTE, {"u8sContactId", "iPresenceState", "asnCustomNote"}),
        (0, {"u8sContactId"}),
        (ALL_FLAGS, ALL_MEMBERS),
    ],
)
def test_return_filter_selects_the_members(
    fresh: Api, catalog: Catalog, details: int, members: set[str]
) -> None:
    with logged_in(fresh, "alice") as (alice,):
        (bob,) = alice.subscribe(BOB, iContactDetailsReturnFilter=details)
    catalog.validate("AsnPresence", bob)
    assert set(bob) == members


def test_unknown_and_repeated_contact_ids(fresh: Api, catalog: Catalog) -> None:
    nobody = "sip:nobody@elsewhere.invalid"
    with logged_in(fresh, "alice") as (alice,):
        opened = alice.subscribe(nobody, BOB, BOB)
        internal = alice.subscribe(nobody, BOB, bOpenOnlyInternalContacts=True)
        empty = alice.subscribe()
    assert [p["u8sContactId"] for p in opened] == [nobody, BOB]
    assert opened[0] == {"u8sContactId": nobody, "iPresenceState": 0}  # eUNCONTROLLED
    assert [p["u8sContactId"] for p in internal] == [BOB]
    assert empty == []


def test_direct_route_answers_without_subscribing(fresh: Api) -> None:
    response = fresh.direct("asnGetAndSubscribePresence", {"seqContactIDs": [BOB]})
    assert response.status_code == 200, response.text
    assert response.json()["seqSubscribedPresence"][0]["iPresenceState"] == AVAILABLE
    response = fresh.direct("asnUnsubscribePresence", {"seqContactIDs": [BOB]})
    assert (response.status_code, response.json()) == (200, {"iResult": 0})


# --- changes and asnUpdatePresence ----------------------------------------------------------


def test_a_change_reaches_the_subscriber(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, "alice", "bob") as (alice, bob):
        alice.subscribe(BOB)
        assert bob.set_absent(OUT_OF_OFFICE, BOB, message="back at 5", reason="trip") == {
            "bSuccess": True
        }
        argument = update(alice.next_event(), catalog)
    assert argument["iChangedFlags"] == PRESENCE | ABSENTSTATE
    presence = argument["presence"]
    assert set(presence) == {"u8sContactId", "iPresenceState", "asnAbsentState"}
    assert presence["u8sContactId"] == BOB
    assert presence["iPresenceState"] == ABSENT
    absent = presence["asnAbsentState"]
    assert (absent["iAbsentState"], absent["iPresenceState"]) == (OUT_OF_OFFICE, ABSENT)
    assert (absent["u8sMessage"], absent["u8sAbsentReason"]) == ("back at 5", "trip")
    assert (absent["u8sContactId"], absent["u8sUsername"]) == (BOB, "bob")
    assert absent["stTimeFrom"] == "2024-05-01T08:00:00Z"


@pytest.mark.parametrize(
    ("absent", "presence"), [(OUT_OF_OFFICE, ABSENT), (MEETING, BUSY), (DO_NOT_DISTURB, DND)]
)
def test_absent_states_map_to_presence_states(
    fresh: Api, catalog: Catalog, absent: int, presence: int
) -> None:
    with logged_in(fresh, "alice", "bob") as (alice, bob):
        alice.subscribe(BOB, iEventFlagsToSubscribe=PRESENCE)
        bob.set_absent(absent)  # an empty contact id is the caller
        argument = update(alice.next_event(), catalog)
        assert argument == {
            "presence": {"u8sContactId": BOB, "iPresenceState": presence},
            "iChangedFlags": PRESENCE,
        }
        reset = bob.http("asnAbsentStateReset", {"u8sContactId": BOB})
        assert (reset.status_code, reset.json()) == (200, {})
        argument = update(alice.next_event(), catalog)
        assert argument["presence"]["iPresenceState"] == AVAILABLE


def test_only_subscribed_flags_are_reported(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, "alice", "bob") as (alice, bob):
        alice.subscribe(BOB, iEventFlagsToSubscribe=PRESENCE)
        note = {"customnote": {"u8sContactID": BOB, "u8sUsername": "bob", "u8sNote": "lunch"}}
        assert bob.http("asnCustomNoteSet", note).status_code == 200
        alice.assert_quiet()  # a note is not the presence
        alice.subscribe(BOB, iEventFlagsToSubscribe=NOTE)  # replaces the flags
        note["customnote"]["u8sNote"] = "coffee"
        assert bob.http("asnCustomNoteSet", note).status_code == 200
        argument = update(alice.next_event(), catalog)
        assert argument["iChangedFlags"] == NOTE
        assert argument["presence"]["asnCustomNote"]["u8sNote"] == "coffee"
        bob.set_absent(MEETING)
        alice.assert_quiet()


def test_no_change_no_event(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, "alice", "bob") as (alice, bob):
        alice.subscribe(BOB)
        bob.set_absent(DO_NOT_DISTURB)
        update(alice.next_event(), catalog)
        bob.set_absent(DO_NOT_DISTURB)
        alice.assert_quiet()


def test_presence_flag_bits_survive_a_change(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi, catalog: Catalog
) -> None:
    server = make_server()
    bob_user = server.state.directory.user("bob")
    assert bob_user is not None
    server.state.directory.set_presence(bob_user, 0x40000000 | AVAILABLE)  # eMOBILEAVAILABLITY
    with logged_in(api_for(server), "alice", "bob") as (alice, bob):
        alice.subscribe(BOB)
        bob.set_absent(OUT_OF_OFFICE)
        argument = update(alice.next_event(), catalog)
    assert argument["presence"]["iPresenceState"] == 0x40000000 | ABSENT


def test_unsubscribe_stops_the_events(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, "alice", "bob") as (alice, bob):
        alice.subscribe(BOB, CAROL)
        bob.set_absent(OUT_OF_OFFICE)
        update(alice.next_event(), catalog)
        result = alice.call("asnUnsubscribePresence", {"seqContactIDs": [BOB, "sip:x@y.invalid"]})
        catalog.validate("AsnUnsubscribePresenceResult", result)
        assert result == {"iResult": 0}
        bob.set_absent(MEETING)
        alice.assert_quiet()
        session = fresh.server.state.sessions.get(alice.session)
        assert session is not None
        assert subscribed_contacts(session) == (CAROL,)


def test_sessions_that_did_not_subscribe_get_nothing(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, "alice", "bob", "carol", "alice") as (alice, bob, carol, alice2):
        alice.subscribe(BOB)
        bob.set_absent(OUT_OF_OFFICE)
        assert update(alice.next_event(), catalog)["presence"]["u8sContactId"] == BOB
        for other in (bob, carol, alice2):  # the changer's own session, another user, and
            other.assert_quiet()  # another session of the subscribing user


def test_a_user_sees_their_own_change_when_subscribed_to_themselves(
    fresh: Api, catalog: Catalog
) -> None:
    with logged_in(fresh, "bob") as (bob,):
        bob.subscribe(BOB)
        bob.set_absent(MEETING)
        argument = update(bob.next_event(), catalog)
    assert argument["presence"]["iPresenceState"] == BUSY


def test_events_wait_for_the_channel(fresh: Api, catalog: Catalog) -> None:
    """Subscribe over HTTP, change, and only then open the WebSocket: the event is delivered."""
    session = fresh.create_session("alice")
    subscribed = fresh.client(session, "asnGetAndSubscribePresence", {"seqContactIDs": [BOB]})
    assert subscribed.status_code == 200, subscribed.text
    with logged_in(fresh, "bob") as (bob,):
        bob.set_absent(OUT_OF_OFFICE)
    with fresh.websocket(session) as channel:
        argument = update(channel.receive()["invoke"], catalog)
    assert argument["presence"]["iPresenceState"] == ABSENT


def test_subscriptions_end_with_the_session(fresh: Api) -> None:
    with logged_in(fresh, "alice", "bob") as (alice, bob):
        alice.subscribe(BOB)
        session = fresh.server.state.sessions.get(alice.session)
        assert session is not None and subscribed_contacts(session) == (BOB,)
        alice.channel.invoke(1, "asnLogoff", {})
        assert alice.channel.receive()["invoke"]["operationName"] == "asnUserSessionDestroyed"
        assert subscribed_contacts(session) == ()
        bob.set_absent(OUT_OF_OFFICE)  # no subscriber left; nothing may break


# --- what else shows the presence -----------------------------------------------------------


def test_public_contacts_and_own_contact_follow_changes(fresh: Api, catalog: Catalog) -> None:
    def public_state() -> int:
        body = requests.get(f"{fresh.url}/ws/public/contacts", timeout=5).json()
        catalog.validate_webservice("PublicContactsResponse", body)
        state: int = body["contacts"][BOB]["iPresenceState"]
        return state

    with logged_in(fresh, "bob") as (bob,):
        assert public_state() == AVAILABLE
        bob.set_absent(DO_NOT_DISTURB, BOB, message="focus")
        assert public_state() == DND
        own = bob.call("asnGetLoggedInContact", {})["ownContact"]
        assert own["iPresenceState"] == DND
        assert own["asnAbsentState"]["iAbsentState"] == DO_NOT_DISTURB
        assert own["asnAbsentState"]["u8sMessage"] == "focus"
        assert bob.http("asnAbsentStateReset", {"u8sContactId": ""}).status_code == 200
        assert public_state() == AVAILABLE


def test_absent_state_get_user(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, "alice", "bob") as (alice, bob):
        bob.set_absent(MEETING, reason="review")
        result = alice.call("asnAbsentStateGetUser", {"contactId": BOB})
    catalog.validate("AsnAbsentStateGetUserResult", result)
    absent = result["absentstate"]
    assert (absent["iAbsentState"], absent["iPresenceState"]) == (MEETING, BUSY)
    assert absent["u8sAbsentReason"] == "review"


@pytest.mark.parametrize(
    ("operation", "argument", "fragment"),
    [
        ("asnAbsentStateSetUser", absent_state(BOB, OUT_OF_OFFICE), "not the caller's"),
        ("asnAbsentStateSetUser", absent_state("sip:x@y.invalid", 1), "names no contact"),
        ("asnAbsentStateSetUser", absent_state(ALICE, 9), "not an AsnAbsentStateEnum"),
        ("asnAbsentStateReset", {"u8sContactId": BOB}, "not the caller's"),
        (
            "asnCustomNoteSet",
            {"customnote": {"u8sContactID": CAROL, "u8sUsername": "", "u8sNote": "x"}},
            "not the caller's",
        ),
        ("asnAbsentStateGetUser", {"contactId": "sip:x@y.invalid"}, "names no contact"),
    ],
)
def test_refused_changes(
    fresh: Api, catalog: Catalog, operation: str, argument: Any, fragment: str
) -> None:
    with logged_in(fresh, "alice", "bob") as (alice, bob):
        bob.subscribe(BOB)
        response = alice.http(operation, argument)
        assert response.status_code == 400, response.text
        error = response.json()["error"]
        catalog.validate("AsnRequestError", error)
        assert fragment in error["u8sErrorString"]
        bob.assert_quiet()
    directory = fresh.server.state.directory
    assert [directory.presence(user) for user in directory.users()] == [AVAILABLE] * 4


# --- faults ---------------------------------------------------------------------------------


def _probe_unsubscribe(api: Api) -> Any:
    with logged_in(api, "alice", "bob") as (alice, bob):
        alice.subscribe(BOB)
        alice.call("asnUnsubscribePresence", {"seqContactIDs": [BOB]})
        bob.set_absent(OUT_OF_OFFICE)
        try:
            alice.assert_quiet()
        except AssertionError:
            return "event after unsubscribe"
        return "quiet"


def _probe_update(api: Api) -> Any:
    with logged_in(api, "alice", "bob") as (alice, bob):
        alice.subscribe(BOB)
        bob.set_absent(OUT_OF_OFFICE)
        try:
            alice.assert_quiet()
        except AssertionError:
            return "event"
        return "no event"


def _probe_state(api: Api) -> Any:
    with logged_in(api, "alice", "bob") as (alice, bob):
        alice.subscribe(BOB)
        bob.set_absent(OUT_OF_OFFICE)
        return alice.next_event()["argument"]["presence"]["iPresenceState"]


def _probe_isolation(api: Api) -> Any:
    with logged_in(api, "alice", "bob", "carol") as (alice, bob, carol):
        alice.subscribe(BOB)
        bob.set_absent(OUT_OF_OFFICE)
        alice.next_event()
        try:
            carol.assert_quiet()
        except AssertionError:
            return "carol got it"
        return "quiet"


PROBES: dict[str, tuple[Callable[[Api], Any], Any]] = {
    "presence.update-after-unsubscribe": (_probe_unsubscribe, "quiet"),
    "presence.no-update": (_probe_update, "event"),
    "presence.wrong-state": (_probe_state, ABSENT),
    "presence.event-to-other-session": (_probe_isolation, "quiet"),
}


def test_every_presence_fault_is_probed() -> None:
    """Here, or by the suite tests it must break (tests/suites/test_fault_catalogue.py)."""
    presence = {name for name in FAULTS if name.startswith("presence.")}
    assert set(PROBES) <= presence
    assert {name for name in presence - set(PROBES) if not FAULTS[name].breaks} == set()


@pytest.mark.parametrize("name", sorted(PROBES))
def test_presence_fault_flips_its_behaviour(
    name: str, make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    probe, correct = PROBES[name]
    assert probe(api_for(make_server())) == correct
    observed = probe(api_for(make_server(faults=[name])))
    assert observed != correct, f"{name} changed nothing"
