"""Agent monitors: asnAgentMonitorStart (6.1.1, L11640-L11678), asnAgentMonitorStop (6.1.2,
L11680-L11709) and the state events asnAgentLogin (6.1.3) and asnAgentLogoff (6.1.4) cause,
asnAgentNotifyStateChanged (6.2.3, L12160-L12175)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conformance.client import Where
from conformance.profile import Profile

if TYPE_CHECKING:
    from conftest import Desk, OpenDesk, Team

pytestmark = [
    pytest.mark.module("Agent"),
    pytest.mark.requires("agent.groups>=1", "users>=3"),
    pytest.mark.sends(
        "asnAgentLogin",
        "asnAgentLogoff",
        "asnAgentMonitorStart",
        "asnAgentMonitorStop",
        "asnAgentSetState",
    ),  # the set-up (conftest.team) logs agents in and restores them
]

STATE_EVENT = "asnAgentNotifyStateChanged"
NO_AGENT = 0  # eAGENTSTATENOAGENT, "beim AgentLogoff() implizit gesetzt" (7.1.3, L12457-L12459)
LOGGED_IN = (1, 2)
"""eAGENTSTATENOTREADY or eAGENTSTATEREADY: the document says both of asnAgentLogin (L11572-L11573
"ersetzt asnAgentSetState(not ready)"; L12463-L12465 "Ready ... initial vom Server beim
AgentLogin() gesetzt")."""
QUIET_SECONDS = 0.5


def _state_of(desk: Desk, group: str, states: tuple[int, ...]) -> Where:
    """``where=`` for asnAgentNotifyStateChanged about ``desk``'s agent in ``group`` reaching
    one of ``states``."""
    entry = desk.entry(group)
    return Where(
        lambda argument: (
            argument.get("u8sAgentURI") == entry["u8sAgentURI"]
            and argument.get("u8sGroupURI") == entry["u8sGroupURI"]
            and argument.get("iAgentState") in states
        ),
        f"agent {entry['u8sAgentURI']} in {entry['u8sGroupURI']} with iAgentState in {states}",
    )


@pytest.mark.spec("6.1.1", line=11640)
@pytest.mark.spec("7.1.6", line=12612)
def test_monitor_start_returns_the_users_groups(team: Team, profile: Profile) -> None:
    """6.1.1 (L11640-L11678): asnAgentMonitorStart "liefert als Rückgabe die Liste der Gruppen,
    in denen der Benutzer Agent ist" (L11565-L11566), and an empty ``u8sAgentURI`` is filled in
    with the logged-in user (L11654-L11656). For both agents and the outsider, each started
    with an empty agent URI: the monitor has a cross reference, every agent group the profile
    gives the user is listed with an agent URI of the user, and no other group of the
    profile's ``[agent] groups`` is. An agent is "die ContactURI des Benutzers ... oder einer
    LineURI (Cti Leitung, Format "tel:xyz@pbx text")" (L11527-L11528; "tel:" or "sip:",
    L11723-L11725): the user's SIP URI where the profile names it, or a 'tel:' LineURI."""
    known = set(profile.agent.groups)
    for desk in (team.first, team.second, team.outsider):
        user = desk.user
        assert desk.cross_ref, f"asnAgentMonitorStart for {user.name!r}: empty cross reference"
        listed = {name for name in known if desk.lists(name)}
        mine = set(user.groups) & known
        assert listed == mine, (
            f"asnAgentMonitorStart for {user.name!r} lists the profile's groups "
            f"{sorted(listed)}; the user is an agent in {sorted(mine)}"
        )
        for name in mine:
            entry = desk.entry(name)
            uri = entry["u8sAgentURI"]
            line_uri = isinstance(uri, str) and uri[:4].lower() == "tel:"
            if user.sip_uri:
                assert uri == user.sip_uri or line_uri, (
                    f"group {name!r} of {user.name!r}: u8sAgentURI {uri!r} is neither the "
                    f"user's ContactURI {user.sip_uri!r} nor a LineURI (L11527-L11528)"
                )


@pytest.mark.spec("6.2.3", line=12160)
@pytest.mark.spec("6.1.3", line=11711)
@pytest.mark.spec("6.1.4", line=11770)
def test_login_and_logoff_are_reported_with_each_monitors_cross_reference(
    team: Team, open_desk: OpenDesk
) -> None:
    """6.2.3 (L12160-L12175): when the agent's state in a group changes, each monitor gets
    asnAgentNotifyStateChanged with "CrossrefID für die zugehörigen Events" (L12169), the one
    its asnAgentMonitorStart answered (L11664), the agent and group URIs and the new state.
    The first agent watches itself from two further sessions; logging off reports
    eAGENTSTATENOAGENT (L12457) to both, logging in again a logged-in state (L12461-L12465),
    each event with its own monitor's cross reference."""
    watchers = [open_desk(team.first.user) for _ in range(2)]
    assert watchers[0].cross_ref != watchers[1].cross_ref, "two monitors, one cross reference"
    actor = watchers[0]
    for action, states in ((actor.logoff, (NO_AGENT,)), (actor.login, LOGGED_IN)):
        action(team.group)
        for desk in watchers:
            event = desk.session.wait_for(STATE_EVENT, where=_state_of(desk, team.group, states))
            reported = event.argument["u8sMonitorCrossRefID"]
            assert reported == desk.cross_ref, (
                f"{action.__name__}: the monitor {desk.cross_ref!r} got asnAgentNotifyStateChanged "
                f"with cross reference {reported!r}"
            )


@pytest.mark.spec("6.1.2", line=11680)
@pytest.mark.spec("6.2.3", line=12160)
def test_no_state_events_after_monitor_stop(team: Team, open_desk: OpenDesk) -> None:
    """6.1.2 (L11680-L11709): asnAgentMonitorStop "Monitoring für die angegebene CrossRefID
    beenden" (L11684). The first agent watches itself from two further sessions and stops one
    monitor; logging off and on again reaches the other (so the events were sent), the
    stopped one gets no asnAgentNotifyStateChanged at all."""
    running, stopped = (open_desk(team.first.user) for _ in range(2))
    stop = {"u8sMonitorCrossRefID": stopped.cross_ref}
    stopped.session.invoke("asnAgentMonitorStop", stop).expect_result()
    mark = stopped.session.mark()
    running.logoff(team.group)
    running.session.wait_for(STATE_EVENT, where=_state_of(running, team.group, (NO_AGENT,)))
    running.login(team.group)
    running.session.wait_for(STATE_EVENT, where=_state_of(running, team.group, LOGGED_IN))
    stopped.session.assert_quiet(STATE_EVENT, QUIET_SECONDS, since=mark)
