"""The Agent module in the reference server (document chapter 6/7;
conformance/reference/agent.py and broadcast.py).

Every test runs on a private server: agent states and broadcasts are server-wide. "Quiet" is
checked without sleeping, as in test_presence.py: a change made by an invoke has queued all of
its events by the time its result is sent, and a round trip on a watched channel after it
collects everything queued before.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pytest

from conformance.catalog import Catalog
from conformance.reference import ReferenceServer
from conformance.reference.broadcast import MAX_TTL, open_broadcasts

if TYPE_CHECKING:
    from conftest import Api, Channel

MakeApi = Callable[[ReferenceServer], "Api"]

ALICE = "sip:alice@reference.invalid"
BOB = "sip:bob@reference.invalid"
CAROL = "sip:carol@reference.invalid"
SUPPORT = "sip:support@groups.reference.invalid"
SALES = "sip:sales@groups.reference.invalid"
NO_AGENT, NOT_READY, READY, BUSY = 0, 1, 2, 3  # AsnAgentStateEnum (7.1.3)
STATE_EVENT = "asnAgentNotifyStateChanged"
BROADCAST_EVENT = "asnAgentBroadcastEvent"


class Agent:
    """One logged-in user: a session, its open WebSocket and the events seen on it."""

    def __init__(self, api: Api, alias: str, channel: Channel, session: str) -> None:
        self.api = api
        self.alias = alias
        self.channel = channel
        self.session = session
        self.events: list[dict[str, Any]] = []
        self._ids = iter(range(1, 100_000))

    def call(self, operation: str, argument: Any) -> dict[str, Any]:
        """Invoke over the WebSocket; the reply (events that come first are kept)."""
        invoke_id = next(self._ids)
        self.channel.invoke(invoke_id, operation, argument)
        while True:
            message = self.channel.receive(timeout=5)
            if "invoke" in message:
                assert message["invoke"]["invokeID"] == 99999, message
                self.events.append(message["invoke"])
                continue
            body = next(iter(message.values()))
            assert body.get("invokeID", body.get("invokedID")) == invoke_id, message
            return message

    def result(self, operation: str, argument: Any) -> dict[str, Any]:
        message = self.call(operation, argument)
        assert list(message) == ["result"], message
        result: dict[str, Any] = message["result"]["result"]["result"]
        return result

    def error(self, operation: str, argument: Any) -> dict[str, Any]:
        message = self.call(operation, argument)
        assert list(message) == ["error"], message
        error: dict[str, Any] = message["error"]["error"]
        return error

    def take(self, operation: str) -> list[dict[str, Any]]:
        """The arguments of the ``operation`` events queued so far (removed from the list)."""
        self.call("asnCheckConnection", {})
        taken = [e["argument"] for e in self.events if e["operationName"] == operation]
        self.events = [e for e in self.events if e["operationName"] != operation]
        return taken

    def monitor(self, agent_uri: str = "") -> dict[str, Any]:
        return self.result("asnAgentMonitorStart", {"u8sAgentURI": agent_uri})

    def login(self, agent_uri: str, group_uri: str = SUPPORT) -> None:
        assert (
            self.result("asnAgentLogin", {"u8sAgentURI": agent_uri, "u8sGroupURI": group_uri}) == {}
        )

    def logoff(self, agent_uri: str, group_uri: str = SUPPORT) -> None:
        argument = {"u8sAgentURI": agent_uri, "u8sGroupURI": group_uri}
        assert self.result("asnAgentLogoff", argument) == {}

    def create(self, ttl: int | None = None, groups: tuple[str, ...] = (SUPPORT,)) -> str:
        argument: dict[str, Any] = {"listu8sGroupIDs": list(groups), "iBroadcastType": 1}
        argument["data"] = "payload"
        if ttl is not None:
            argument["iTTL"] = ttl
        broadcast_id: str = self.result("asnAgentBroadcastCreate", argument)["u8sBroadcastID"]
        return broadcast_id

    def exists(self, broadcast_id: str) -> bool:
        result = self.result("asnAgentBroadcastCheck", {"u8sBroadcastID": broadcast_id})
        return bool(result["bExists"])

    def listed(self, *groups: str) -> list[str]:
        argument = {"listu8sGroupURIs": list(groups or (SUPPORT,))}
        items = self.result("asnAgentBroadcastGetItemsForGroups", argument)["items"]
        return [item["u8sBroadcastID"] for item in items]


@contextmanager
def logged_in(api: Api, *aliases: str) -> Iterator[list[Agent]]:
    with ExitStack() as stack:
        agents = []
        for alias in aliases:
            session = api.create_session(alias)
            channel = stack.enter_context(api.websocket(session))
            agents.append(Agent(api, alias, channel, session))
        yield agents


@pytest.fixture
def fresh(make_server: Callable[..., ReferenceServer], api_for: MakeApi) -> Api:
    return api_for(make_server())


@pytest.fixture
def team(fresh: Api) -> Iterator[list[Agent]]:
    """alice and bob monitoring and logged in to "support"; carol monitoring, in "sales"."""
    with logged_in(fresh, "alice", "bob", "carol") as (alice, bob, carol):
        for agent in (alice, bob, carol):
            agent.monitor()
        alice.login(ALICE)
        bob.login(BOB)
        carol.login(CAROL, SALES)
        for agent in (alice, bob, carol):
            agent.take(STATE_EVENT)
        yield [alice, bob, carol]


# --- monitors and groups --------------------------------------------------------------------


def test_monitor_start_lists_the_callers_groups(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, "alice", "carol") as (alice, carol):
        empty = alice.monitor("")
        own = alice.monitor(ALICE)
        catalog.validate("AsnAgentMonitorStartResult", empty)
        (group,) = empty["listGroups"]
        assert group == {
            "u8sAgentURI": ALICE,
            "u8sGroupURI": SUPPORT,
            "u8sDisplayName": "support",
            "iGroupCapabilities": 0x3F,
            "iAgentState": NO_AGENT,
            "optionalParams": {"SupportedAgentStates": 0x1F},
        }
        assert own["listGroups"] == empty["listGroups"]
        assert empty["u8sMonitorCrossRefID"] != own["u8sMonitorCrossRefID"]
        assert [g["u8sDisplayName"] for g in carol.monitor()["listGroups"]] == ["sales"]
        error = alice.error("asnAgentMonitorStart", {"u8sAgentURI": BOB})
        catalog.validate("AsnRequestError", error)
        assert error["iErrorDetail"] == 1


def test_monitor_start_reports_the_current_state(fresh: Api) -> None:
    with logged_in(fresh, "alice") as (alice,):
        alice.login(ALICE)
        assert alice.monitor()["listGroups"][0]["iAgentState"] == READY


def test_login_and_logoff_notify_each_monitor(fresh: Api, catalog: Catalog) -> None:
    with logged_in(fresh, "alice", "alice", "bob") as (first, second, bob):
        one = first.monitor()["u8sMonitorCrossRefID"]
        two = first.monitor()["u8sMonitorCrossRefID"]
        three = second.monitor()["u8sMonitorCrossRefID"]
        bob.monitor()
        first.login(ALICE)
        events = first.take(STATE_EVENT)
        for event in events:
            catalog.validate("AsnAgentNotifyStateChangedArgument", event)
        assert [e["u8sMonitorCrossRefID"] for e in events] == [one, two]
        assert {(e["u8sAgentURI"], e["u8sGroupURI"], e["iAgentState"]) for e in events} == {
            (ALICE, SUPPORT, READY)
        }
        assert [e["u8sMonitorCrossRefID"] for e in second.take(STATE_EVENT)] == [three]
        assert bob.take(STATE_EVENT) == []  # a monitor reports its own user only
        first.login(ALICE)  # already logged in: nothing changes
        assert first.take(STATE_EVENT) == []
        second.logoff(ALICE)
        assert [e["iAgentState"] for e in second.take(STATE_EVENT)] == [NO_AGENT]
        second.logoff(ALICE)  # already logged off: no error, no event
        assert second.take(STATE_EVENT) == []


def test_set_state(fresh: Api) -> None:
    with logged_in(fresh, "alice") as (alice,):
        alice.monitor()
        argument = {"u8sAgentURI": ALICE, "u8sGroupURI": SUPPORT, "iAgentState": BUSY}
        assert alice.result("asnAgentSetState", argument) == {}
        assert [e["iAgentState"] for e in alice.take(STATE_EVENT)] == [BUSY]
        alice.login(ALICE)  # logged in already: the state stays
        assert alice.take(STATE_EVENT) == []
        assert alice.result("asnAgentSetState", {"u8sAgentURI": ALICE, "iAgentState": 0}) == {}
        assert [e["iAgentState"] for e in alice.take(STATE_EVENT)] == [NO_AGENT]
        error = alice.error("asnAgentSetState", {"u8sAgentURI": ALICE, "iAgentState": 7})
        assert "AsnAgentStateEnum" in error["u8sErrorString"]


@pytest.mark.parametrize(
    ("operation", "argument", "fragment"),
    [
        ("asnAgentLogin", {"u8sAgentURI": BOB, "u8sGroupURI": SUPPORT}, "not the caller's"),
        ("asnAgentLogin", {"u8sAgentURI": "", "u8sGroupURI": SUPPORT}, "not the caller's"),
        ("asnAgentLogin", {"u8sAgentURI": ALICE, "u8sGroupURI": SALES}, "none of the caller"),
        ("asnAgentLogin", {"u8sAgentURI": ALICE, "u8sGroupURI": "support"}, "none of the"),
        ("asnAgentLogoff", {"u8sAgentURI": ALICE, "u8sGroupURI": "x"}, "none of the caller"),
        ("asnAgentMonitorStop", {"u8sMonitorCrossRefID": "nope"}, "no monitor of this"),
        ("asnAgentSupervisorMonitorStart", {}, "administrator rights"),
        ("asnAgentSupervisorMonitorStop", {"u8sMonitorCrossRefID": "x"}, "administrator"),
    ],
)
def test_refused_calls(
    fresh: Api, catalog: Catalog, operation: str, argument: Any, fragment: str
) -> None:
    with logged_in(fresh, "alice") as (alice,):
        alice.monitor()
        error = alice.error(operation, argument)
        catalog.validate("AsnRequestError", error)
        assert fragment in error["u8sErrorString"]
        assert alice.take(STATE_EVENT) == []


def test_monitor_stop_ends_only_that_monitor_of_that_session(fresh: Api) -> None:
    with logged_in(fresh, "alice", "alice") as (first, second):
        kept = first.monitor()["u8sMonitorCrossRefID"]
        stopped = first.monitor()["u8sMonitorCrossRefID"]
        other = second.monitor()["u8sMonitorCrossRefID"]
        error = second.error("asnAgentMonitorStop", {"u8sMonitorCrossRefID": stopped})
        assert "no monitor of this session" in error["u8sErrorString"]
        assert first.result("asnAgentMonitorStop", {"u8sMonitorCrossRefID": stopped}) == {}
        assert first.error("asnAgentMonitorStop", {"u8sMonitorCrossRefID": stopped})
        first.login(ALICE)
        assert [e["u8sMonitorCrossRefID"] for e in first.take(STATE_EVENT)] == [kept]
        assert [e["u8sMonitorCrossRefID"] for e in second.take(STATE_EVENT)] == [other]


def test_monitors_end_with_their_session_and_states_survive(fresh: Api) -> None:
    with logged_in(fresh, "alice", "bob") as (alice, bob):
        alice.monitor()
        alice.login(ALICE)
        alice.channel.invoke(1, "asnLogoff", {})
        assert alice.channel.receive()["invoke"]["operationName"] == "asnUserSessionDestroyed"
        bob.create(0)  # no monitor of alice is left to send to; nothing may break
    with logged_in(fresh, "alice") as (again,):
        assert again.monitor()["listGroups"][0]["iAgentState"] == READY


def test_direct_route_monitors_nothing(fresh: Api) -> None:
    response = fresh.direct("asnAgentMonitorStart", {"u8sAgentURI": ""})
    assert response.status_code == 200, response.text
    cross_ref = response.json()["u8sMonitorCrossRefID"]
    assert response.json()["listGroups"][0]["u8sGroupURI"] == SUPPORT
    stop = fresh.direct("asnAgentMonitorStop", {"u8sMonitorCrossRefID": cross_ref})
    assert stop.status_code == 400, stop.text


def test_anonymous_get_agents_lists_the_public_agents(fresh: Api, catalog: Catalog) -> None:
    response = fresh.direct("asnAgentAnonymousGetAgents", {})
    assert response.status_code == 200, response.text
    catalog.validate("AsnAgentAnonymousGetAgentsResult", response.json())
    groups = response.json()["listGroups"]
    assert [(g["u8sAgentURI"], g["u8sGroupURI"]) for g in groups] == [
        (ALICE, SUPPORT),
        (BOB, SUPPORT),
    ]  # carol is not public, dave is disabled


# --- broadcasts: dispatch -------------------------------------------------------------------


def test_broadcast_reaches_the_monitoring_sessions_of_logged_in_agents(
    team: list[Agent], fresh: Api, catalog: Catalog
) -> None:
    alice, bob, carol = team
    with logged_in(fresh, "alice") as (unmonitored,):
        broadcast_id = carol.create(0, groups=("support", SUPPORT, SALES))
        (event,) = alice.take(BROADCAST_EVENT)
        catalog.validate("AsnAgentBroadcastEventArgument", event)
        assert event == {
            "items": [
                {
                    "u8sBroadcastID": broadcast_id,
                    "listu8sGroupURIs": [SUPPORT, SALES],
                    "iBroadcastType": 1,
                    "data": "payload",
                }
            ]
        }
        assert len(bob.take(BROADCAST_EVENT)) == 1
        assert len(carol.take(BROADCAST_EVENT)) == 1  # an agent of sales, one event
        assert unmonitored.take(BROADCAST_EVENT) == []  # no monitor: no agent events
        bob.logoff(BOB)
        alice.create(0)
        assert len(alice.take(BROADCAST_EVENT)) == 1  # the creator is an agent there
        assert bob.take(BROADCAST_EVENT) == []
        assert carol.take(BROADCAST_EVENT) == []


@pytest.mark.parametrize(
    ("argument", "fragment"),
    [
        ({"listu8sGroupIDs": ["nobody"], "iBroadcastType": 1, "data": ""}, "names no agent"),
        ({"listu8sGroupIDs": [], "iBroadcastType": 1, "data": ""}, "names no group"),
        ({"listu8sGroupIDs": ["support"], "iBroadcastType": 3, "data": ""}, "BroadcastTypeEnum"),
        ({"listu8sGroupIDs": ["support"], "iBroadcastType": 1, "data": "", "iTTL": -2}, "-1"),
    ],
)
def test_refused_broadcasts(team: list[Agent], argument: Any, fragment: str) -> None:
    alice = team[0]
    error = alice.error("asnAgentBroadcastCreate", argument)
    assert fragment in error["u8sErrorString"]
    assert alice.take(BROADCAST_EVENT) == []


# --- broadcasts: keeping, listing, confirming ------------------------------------------------


def test_ttl_keeps_a_broadcast_for_its_seconds(team: list[Agent], fresh: Api) -> None:
    alice, _, carol = team
    zero, default = carol.create(0), carol.create()
    short, forever = carol.create(3), carol.create(-1)
    assert [alice.exists(b) for b in (zero, default, short, forever)] == [False, False, True, True]
    assert alice.listed() == [short, forever]
    fresh.server.clock.advance(2.9)
    assert carol.exists(short)
    fresh.server.clock.advance(0.2)
    assert not carol.exists(short)
    assert alice.listed() == [forever]
    fresh.server.clock.advance(30 * 86400)
    assert alice.listed() == [forever]
    assert [b.broadcast_id for b in open_broadcasts(fresh.server.state)] == [forever]


def test_items_are_listed_for_agents_logged_in_to_the_group(team: list[Agent]) -> None:
    alice, bob, carol = team
    broadcast_id = carol.create(60)
    assert alice.listed(SUPPORT) == [broadcast_id]
    assert alice.listed("support", "unknown") == [broadcast_id]  # names work, unknowns do not
    assert carol.listed(SUPPORT) == []  # no agent of support
    assert carol.listed(SALES) == []
    bob.logoff(BOB)
    assert bob.listed() == []
    bob.login(BOB)
    assert bob.listed() == [broadcast_id]


def test_confirm_removes_for_everyone_and_repeats_are_ignored(team: list[Agent]) -> None:
    alice, bob, carol = team
    broadcast_id = carol.create(-1)
    assert bob.result("asnAgentBroadcastConfirm", {"u8sBroadcastID": broadcast_id}) == {}
    assert (alice.listed(), bob.listed(), carol.exists(broadcast_id)) == ([], [], False)
    for agent in (alice, bob, carol):  # repeated, and by a non-agent: ignored
        assert agent.result("asnAgentBroadcastConfirm", {"u8sBroadcastID": broadcast_id}) == {}
    assert carol.result("asnAgentBroadcastConfirm", {"u8sBroadcastID": "unknown"}) == {}


def test_a_confirm_after_expiry_is_ignored(team: list[Agent], fresh: Api) -> None:
    alice, _, carol = team
    broadcast_id = carol.create(1)
    fresh.server.clock.advance(1)
    assert alice.result("asnAgentBroadcastConfirm", {"u8sBroadcastID": broadcast_id}) == {}
    assert not alice.exists(broadcast_id)


@pytest.mark.parametrize(
    ("choice", "kept"), [("clamp", MAX_TTL), (None, MAX_TTL), ("reject", None)]
)
def test_ttl_above_the_maximum(
    make_server: Callable[..., ReferenceServer],
    api_for: MakeApi,
    choice: str | None,
    kept: int | None,
) -> None:
    server = make_server()
    capabilities = dict(server.profile.capabilities)
    capabilities.pop("agent.ttl_above_max", None)
    if choice is not None:
        capabilities["agent.ttl_above_max"] = choice
    profile = dataclasses.replace(server.profile, capabilities=MappingProxyType(capabilities))
    server = make_server(profile)
    with logged_in(api_for(server), "alice") as (alice,):
        argument = {"listu8sGroupIDs": ["support"], "iBroadcastType": 1, "data": ""}
        argument["iTTL"] = MAX_TTL + 1
        if kept is None:
            assert (
                "exceeds the maximum"
                in alice.error("asnAgentBroadcastCreate", argument)["u8sErrorString"]
            )
            assert open_broadcasts(server.state) == []
            return
        alice.result("asnAgentBroadcastCreate", argument)
        (open_one,) = open_broadcasts(server.state)
        remaining = open_one.expires_at - server.clock.now()
        assert kept - 5 < remaining <= kept
        assert not math.isinf(remaining)
