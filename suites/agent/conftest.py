"""Fixtures of the Agent suite (document chapter 6, L11514-L12175; types chapter 7).

Set-up (the issue's): two agents logged in to one agent group (asnAgentMonitorStart 6.1.1,
asnAgentLogin 6.1.3) and one user who is not in the group. The profile names the parts: the
group is the first of ``[agent] groups`` with two enabled members and an enabled user outside
it (the embedded profile: "support" with alice and bob; carol, an agent of "sales" only). The
suite finds the group's URI and each agent's URI in the groups asnAgentMonitorStart answers
("Die Information erhält man aus der GroupInfo", L11737, L11746), matching the profile's
group by display name or URI.

An agent's login state belongs to the user on the server, not to a session, so tests of this
suite would disturb each other when xdist workers run them at once against one real server
(one logs an agent off while another expects a broadcast to reach it). :func:`team` therefore
holds an exclusive lock on the group of that target for the whole test (a lock file in the
temporary directory, as the presence suite does; each embedded server has its own URL and so
its own lock), starts from both agents logged in (logging in only an agent that is not), and
at the end puts every agent back in the state asnAgentMonitorStart reported before the test
(issue 12 part 5: restored, not blindly logged off). Broadcasts are still told apart by their
id, and events filtered by it, so that other clients of a real server cannot confuse a test.

Time: :class:`Timeline` lets protocol time pass. Against the embedded server it advances the
server's injectable clock (and turns it back after the test); against any other target it
sleeps. TTLs themselves are never scaled by ``--timeout-factor``; only the margins after an
expiry are.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, Protocol

import pytest

from conformance.client import OperationNotImplemented, Session, Target, Where
from conformance.errors import ConformanceViolation, SuiteError
from conformance.leases import lease
from conformance.plugin import SessionFactory, in_parallel
from conformance.profile import Profile, User
from conformance.rose import JsonObject

BROADCAST_EVENT = "asnAgentBroadcastEvent"
STATE_EVENT = "asnAgentNotifyStateChanged"
GENERAL = 1  # AsnAgentBroadcastTypeEnum general (7.1.5, L12609)
LOCK_WAIT = 120.0
"""Seconds (scaled) to wait for another worker's agent test to finish with the group."""

NO_AGENT = 0  # eAGENTSTATENOAGENT (7.1.3, L12457-L12459)
QUIET_SECONDS = 0.5
"""The window (scaled) in which an event sent in error would still arrive, once the events
the server did owe have arrived."""


# --- who plays which part -------------------------------------------------------------------


@dataclass(frozen=True)
class Roles:
    group: str
    """The profile's name of the agent group."""
    agents: tuple[User, User]
    outsider: User
    test_groups: tuple[str, ...] = ()
    """The profile's ``[agent] groups``: the only groups the suite logs agents in to."""


@pytest.fixture(scope="session")
def roles(profile: Profile) -> Roles:
    """The group, its two agents and the outsider, from the profile."""
    enabled = profile.enabled_users()
    for group in profile.agent.groups:
        members = [u for u in enabled if group in u.groups]
        outsiders = [u for u in enabled if group not in u.groups]
        if len(members) >= 2 and outsiders:
            return Roles(group, (members[0], members[1]), outsiders[0], profile.agent.groups)
    pytest.skip(
        "the profile has no [agent] group with two enabled members and an enabled user outside it"
    )


# --- an agent's desk: a session with a running monitor --------------------------------------


def group_entry(groups: list[JsonObject], group: str) -> JsonObject | None:
    """The AsnAgentGroupInfo of ``groups`` for the profile's ``group`` (display name or URI)."""
    for entry in groups:
        if group in (entry.get("u8sDisplayName"), entry.get("u8sGroupURI")):
            return entry
    return None


def carries(broadcast_id: str) -> Where:
    """``where=`` for asnAgentBroadcastEvent: its ``items`` hold the broadcast."""
    return Where(
        lambda argument: any(
            item.get("u8sBroadcastID") == broadcast_id for item in argument.get("items", [])
        ),
        f"items hold broadcast {broadcast_id}",
    )


class Desk:
    """A user's session with an agent monitor: asnAgentMonitorStart with an empty agent URI,
    which the server fills in with the logged-in user (L11654-L11656)."""

    def __init__(self, user: User, session: Session) -> None:
        self.user = user
        self.session = session
        started = session.invoke("asnAgentMonitorStart", {"u8sAgentURI": ""}).expect_result()
        self.cross_ref: str = started["u8sMonitorCrossRefID"]
        self.groups: list[JsonObject] = started["listGroups"]
        self.before: dict[str, int] = {
            str(entry.get("u8sGroupURI")): int(entry.get("iAgentState", NO_AGENT))
            for entry in self.groups
        }
        """The agent's state per group URI when the monitor started (AsnAgentGroupInfo)."""

    def entry(self, group: str) -> JsonObject:
        """This user's AsnAgentGroupInfo for ``group``; a violation if the monitor lacks it."""
        found = group_entry(self.groups, group)
        if found is None:
            listed = [g.get("u8sDisplayName") for g in self.groups]
            raise ConformanceViolation(
                f"asnAgentMonitorStart for {self.user.name!r} lists no group {group!r} (it lists "
                f"{listed}), but the profile makes the user an agent there"
            )
        return found

    def lists(self, group: str) -> bool:
        """Whether asnAgentMonitorStart listed ``group`` (display name or URI)."""
        return group_entry(self.groups, group) is not None

    def _agent(self, group: str) -> JsonObject:
        entry = self.entry(group)
        return {"u8sAgentURI": entry["u8sAgentURI"], "u8sGroupURI": entry["u8sGroupURI"]}

    def login(self, group: str) -> None:
        """asnAgentLogin (6.1.3) with the URIs of the group info; must succeed."""
        self.session.invoke("asnAgentLogin", self._agent(group)).expect_result()

    def logoff(self, group: str) -> None:
        """asnAgentLogoff (6.1.4) with the URIs of the group info; must succeed."""
        self.session.invoke("asnAgentLogoff", self._agent(group)).expect_result()

    def was_logged_in(self, group: str) -> bool:
        return self.before.get(str(self.entry(group)["u8sGroupURI"]), NO_AGENT) != NO_AGENT

    def items(self, group_uri: str) -> list[JsonObject]:
        """asnAgentBroadcastGetItemsForGroups (6.1.8) for one group."""
        argument = {"listu8sGroupURIs": [group_uri]}
        result = self.session.invoke("asnAgentBroadcastGetItemsForGroups", argument)
        items: list[JsonObject] = result.expect_result()["items"]
        return items

    def has_item(self, group_uri: str, broadcast_id: str) -> bool:
        """Whether GetItemsForGroups for ``group_uri`` lists the broadcast."""
        return any(item["u8sBroadcastID"] == broadcast_id for item in self.items(group_uri))

    def stop(self) -> None:
        """asnAgentMonitorStop (6.1.2) of this desk's monitor, best effort at the end (a test
        may have stopped it already)."""
        if self.session.closed:
            return
        try:
            self.session.invoke("asnAgentMonitorStop", {"u8sMonitorCrossRefID": self.cross_ref})
        except (ConformanceViolation, OperationNotImplemented) as exc:
            self.session.transcript.note(f"stopping the agent monitor failed: {exc}")

    def restore(self, group: str) -> None:
        """Put the agent back in the state of :attr:`before` in ``group``: logged off
        (asnAgentLogoff), or logged in (asnAgentLogin) in that state (asnAgentSetState 6.1.5).
        Best effort: the verdict is already made."""
        agent = self._agent(group)
        was = self.before.get(str(agent["u8sGroupURI"]), NO_AGENT)
        steps = (
            [("asnAgentLogoff", agent)]
            if was == NO_AGENT
            else [("asnAgentLogin", agent), ("asnAgentSetState", {**agent, "iAgentState": was})]
        )
        for operation, argument in steps:
            try:
                self.session.invoke(operation, argument)
            except (ConformanceViolation, OperationNotImplemented) as exc:
                self.session.transcript.note(f"restoring the agent state failed: {exc}")


# --- the set-up -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """A broadcast the test created."""

    broadcast_id: str
    data: str

    @property
    def event(self) -> Where:
        """``where=`` for the asnAgentBroadcastEvent that carries this broadcast."""
        return carries(self.broadcast_id)

    def item(self, argument: JsonObject) -> JsonObject:
        """This broadcast's item in an asnAgentBroadcastEvent argument."""
        items = [i for i in argument["items"] if i.get("u8sBroadcastID") == self.broadcast_id]
        assert len(items) == 1, f"broadcast {self.broadcast_id} in {len(items)} items: {argument}"
        return items[0]


@dataclass
class Team:
    """Two agents of the group logged in, and an outsider with a session of their own."""

    group: str
    """The profile's name of the group."""
    group_uri: str
    first: Desk
    second: Desk
    outsider: Desk
    created: list[str] = field(default_factory=list)
    """Broadcasts the server keeps (iTTL other than 0), confirmed after the test so that none
    is left for real agents (a real server keeps a TTL -1 broadcast until it stops)."""

    def broadcast(self, ttl: int) -> Sent:
        """asnAgentBroadcastCreate (6.1.9) by the outsider (anybody may, L12887) to the group,
        with fresh ``data``; must succeed."""
        data = f"ucserver-conformance {secrets.token_hex(8)}"
        argument = {
            "listu8sGroupIDs": [self.group_uri],
            "iBroadcastType": GENERAL,
            "data": data,
            "iTTL": ttl,
        }
        result = self.outsider.session.invoke("asnAgentBroadcastCreate", argument)
        broadcast_id: str = result.expect_result()["u8sBroadcastID"]
        if ttl != 0:  # kept: confirmed after the test (a second confirm is ignored, L12040)
            self.created.append(broadcast_id)
        return Sent(broadcast_id, data)

    def exists(self, sent: Sent, by: Desk | None = None) -> bool:
        """asnAgentBroadcastCheck (6.1.11) in ``by``'s session (default: the outsider's;
        anybody may ask, L12959): ``bExists``."""
        session = (by or self.outsider).session
        argument = {"u8sBroadcastID": sent.broadcast_id}
        return bool(session.invoke("asnAgentBroadcastCheck", argument).expect_result()["bExists"])

    def confirm(self, sent: Sent, by: Desk) -> None:
        """asnAgentBroadcastConfirm (6.1.10) in ``by``'s session; must succeed."""
        argument = {"u8sBroadcastID": sent.broadcast_id}
        by.session.invoke("asnAgentBroadcastConfirm", argument).expect_result()

    touched: list[tuple[Desk, str]] = field(default_factory=list)
    """(desk, group) whose agent state the test may change, restored afterwards."""

    def clean_up(self) -> None:
        for broadcast_id in self.created:
            try:
                self.outsider.session.invoke(
                    "asnAgentBroadcastConfirm", {"u8sBroadcastID": broadcast_id}
                )
            except (ConformanceViolation, OperationNotImplemented) as exc:
                self.outsider.session.transcript.note(f"clean-up confirm failed: {exc}")

        def tidy(desk: Desk) -> None:
            for touched, group in self.touched:
                if touched is desk:
                    desk.restore(group)
            desk.stop()

        in_parallel(tidy, [self.first, self.second, self.outsider])  # each desk its own


@pytest.fixture
def team(roles: Roles, session_factory: SessionFactory, target: Target) -> Iterator[Team]:
    """The issue's set-up: both agents monitor (asnAgentMonitorStart) and log in to the group
    (asnAgentLogin); the outsider monitors too and logs in to those of their agent groups that
    ``[agent] groups`` lists (none of them is the group), so that "not a member" also covers a
    logged-in agent of another group."""
    with ExitStack() as stack:
        stack.enter_context(lease(target, f"agent group {roles.group}", LOCK_WAIT))
        first, second, outsider = in_parallel(  # three users' set-ups, one round trip
            lambda user: Desk(user, session_factory(user.alias)), [*roles.agents, roles.outsider]
        )
        entry = first.entry(roles.group)
        built = Team(roles.group, str(entry["u8sGroupURI"]), first, second, outsider)
        stack.callback(built.clean_up)
        chosen = [(first, roles.group), (second, roles.group)]
        chosen += [  # only groups the profile lets the suite use
            (outsider, g)
            for g in roles.outsider.groups
            if g in roles.test_groups and g != roles.group and outsider.lists(g)
        ]
        for desk, group in chosen:
            built.touched.append((desk, group))
            if not desk.was_logged_in(group):  # a logged-in agent stays as it is
                desk.login(group)
        yield built


OpenDesk = Callable[[User], Desk]


@pytest.fixture
def open_desk(session_factory: SessionFactory) -> Iterator[OpenDesk]:
    """``open_desk(user)``: a further session of ``user`` with a monitor of its own (stopped
    after the test)."""
    opened: list[Desk] = []

    def open_one(user: User) -> Desk:
        opened.append(Desk(user, session_factory(user.alias)))
        return opened[-1]

    yield open_one
    for desk in opened:
        desk.stop()


# --- time -----------------------------------------------------------------------------------


class Advanceable(Protocol):
    def advance(self, seconds: float) -> None: ...


class Timeline:
    """Protocol time since :meth:`start`, for the target: real time plus the embedded
    server's clock advances."""

    def __init__(self, clock: Advanceable | None, target: Target) -> None:
        self.clock = clock
        self.target = target
        self.advanced = 0.0
        self._started = time.monotonic()
        self._offset = 0.0

    @property
    def controls_clock(self) -> bool:
        """Whether time passes without waiting (the embedded server's injectable clock)."""
        return self.clock is not None

    def start(self) -> None:
        """Start counting: call right before the request whose time matters."""
        self._started = time.monotonic()
        self._offset = 0.0

    def elapsed(self) -> float:
        return time.monotonic() - self._started + self._offset

    def wait_until(self, seconds: float) -> None:
        """Let time pass until ``seconds`` after :meth:`start` (not scaled: protocol time)."""
        remaining = seconds - self.elapsed()
        if remaining <= 0:
            return
        if self.clock is not None:
            self.clock.advance(remaining)
            self.advanced += remaining
            self._offset += remaining
        else:
            time.sleep(remaining)

    def margin(self, seconds: float) -> float:
        """A margin after an expiry, scaled by ``--timeout-factor``."""
        return self.target.scale(seconds)

    def require_before(self, seconds: float, what: str) -> None:
        """The observation just made counts only if it ended before ``seconds``: a target too
        slow for that cannot be judged (a suite error, not a violation)."""
        if self.elapsed() >= seconds:
            raise SuiteError(
                f"{what} took until {self.elapsed():.2f} s after the broadcast was created; "
                f"it had to be done within {seconds:g} s to tell anything"
            )


@pytest.fixture
def timeline(reference_server: Any, target: Target) -> Iterator[Timeline]:
    """A :class:`Timeline` on the embedded server's clock when this run owns it, else on
    sleeping; the clock is turned back after the test."""
    clock = getattr(reference_server, "clock", None)
    line = Timeline(clock, target)
    yield line
    if clock is not None and line.advanced:
        clock.advance(-line.advanced)
