"""Dispatching a broadcast: asnAgentBroadcastCreate with iTTL 0 (6.1.9, L11952-L12025) and
asnAgentBroadcastEvent (6.2.1, L12131-L12139)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Team

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

BROADCAST_EVENT = "asnAgentBroadcastEvent"
GENERAL = 1  # AsnAgentBroadcastTypeEnum general (7.1.5, L12609)
QUIET_SECONDS = 0.5
"""The window (scaled) in which a stray event would still arrive, once the agents have theirs."""


@pytest.mark.spec("6.1.9", line=11952)
@pytest.mark.spec("6.2.1", line=12131)
@pytest.mark.spec("7.1.19", line=12852)
@pytest.mark.sends("asnAgentBroadcastCreate")
def test_ttl_0_reaches_every_logged_in_agent_of_the_group(team: Team) -> None:
    """6.1.9 (L11956-L11957): "Alle Agenten, die in einer der angegebenen Gruppen angemeldet
    sind, erhalten vom Server das Broadcast-Item per Event geliefert"; iTTL 0 is "dispatch nur
    an aktuell angemeldete Agenten" (L11986). Both logged-in agents get asnAgentBroadcastEvent
    whose ``items`` (L12139) hold the item (7.1.19): the id the create answered, the group among
    the recipients, the type and the ``data`` passed through unchanged (L11980-L11982)."""
    sent = team.broadcast(0)
    for desk in (team.first, team.second):
        item = sent.item(desk.session.wait_for(BROADCAST_EVENT, where=sent.event).argument)
        assert team.group_uri in item["listu8sGroupURIs"], item
        assert (item["iBroadcastType"], item["data"]) == (GENERAL, sent.data), item


@pytest.mark.spec("6.1.9", line=11952)
@pytest.mark.spec("6.2.1", line=12131)
@pytest.mark.sends("asnAgentBroadcastCreate")
def test_ttl_0_does_not_reach_a_user_outside_the_group(team: Team) -> None:
    """6.1.9 (L11956-L11957): only agents logged in to one of the listed groups receive the
    broadcast. The outsider, who created it and is logged in as an agent of their own groups
    (if any), gets no asnAgentBroadcastEvent for it, while an agent of the group does."""
    mark = team.outsider.session.mark()
    sent = team.broadcast(0)
    team.first.session.wait_for(BROADCAST_EVENT, where=sent.event)
    team.outsider.session.assert_quiet(BROADCAST_EVENT, QUIET_SECONDS, sent.event, since=mark)


@pytest.mark.spec("6.1.9", line=11984)
@pytest.mark.spec("6.1.11", line=12064)
@pytest.mark.spec("6.1.8", line=11918)
@pytest.mark.sends(
    "asnAgentBroadcastCheck", "asnAgentBroadcastCreate", "asnAgentBroadcastGetItemsForGroups"
)
def test_ttl_0_is_not_kept(team: Team) -> None:
    """6.1.9 (L11984-L11988): iTTL 0 dispatches "nur an aktuell angemeldete Agenten"; only
    another iTTL keeps the broadcast on the server (L11989-L11991). Right after the create,
    asnAgentBroadcastCheck (6.1.11) answers ``bExists`` false and
    asnAgentBroadcastGetItemsForGroups (6.1.8) does not list it for a logged-in agent."""
    sent = team.broadcast(0)
    assert not team.exists(sent), f"iTTL 0 broadcast {sent.broadcast_id}: bExists true"
    assert not team.first.has_item(team.group_uri, sent.broadcast_id), (
        f"iTTL 0 broadcast {sent.broadcast_id} listed by asnAgentBroadcastGetItemsForGroups"
    )
