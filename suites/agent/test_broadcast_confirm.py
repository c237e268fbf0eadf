"""Confirming a broadcast: asnAgentBroadcastConfirm (6.1.10, L12026-L12062)."""

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

TTL = 60
"""Long enough that the broadcast cannot expire during the test."""


@pytest.mark.spec("6.1.10", line=12026)
@pytest.mark.spec("7.1.19", line=12858)
@pytest.mark.sends(
    "asnAgentBroadcastCheck",
    "asnAgentBroadcastConfirm",
    "asnAgentBroadcastCreate",
    "asnAgentBroadcastGetItemsForGroups",
)
def test_confirm_before_expiry_removes_the_broadcast_for_everyone(team: Team) -> None:
    """6.1.10 (L12030-L12032): if the TTL has not expired, a confirm removes the item from the
    server's list of open items; "Sobald ein Agent diesen Broadcast bestätigt, gilt er für das
    System (UCServer) als erledigt" (7.1.19, L12858). An iTTL 60 broadcast, open and listed for
    both agents, is confirmed by the second agent: asnAgentBroadcastCheck answers ``bExists``
    false to each of the three users and neither agent's GetItemsForGroups lists it."""
    sent = team.broadcast(TTL)
    for desk in (team.first, team.second):
        assert desk.has_item(team.group_uri, sent.broadcast_id), (
            f"broadcast {sent.broadcast_id} (iTTL {TTL}) not listed for {desk.user.name!r} "
            "before the confirm"
        )
    team.confirm(sent, by=team.second)
    for desk in (team.first, team.second, team.outsider):
        assert not team.exists(sent, by=desk), (
            f"confirmed broadcast {sent.broadcast_id}: bExists true for {desk.user.name!r}"
        )
    for desk in (team.first, team.second):
        assert not desk.has_item(team.group_uri, sent.broadcast_id), (
            f"confirmed broadcast {sent.broadcast_id} still listed for {desk.user.name!r}"
        )


@pytest.mark.spec("6.1.10", line=12040)
@pytest.mark.sends("asnAgentBroadcastCheck", "asnAgentBroadcastConfirm", "asnAgentBroadcastCreate")
def test_a_second_confirm_is_ignored_without_error(team: Team) -> None:
    """6.1.10 (L12040-L12042): "Der Server ignoriert Doppel-Bestätigungen!" Both agents
    confirm the same broadcast, one after the other: the second confirm is answered with the
    (empty) result, not an error, and the broadcast stays confirmed."""
    sent = team.broadcast(TTL)
    team.confirm(sent, by=team.first)
    team.confirm(sent, by=team.second)
    assert not team.exists(sent), f"broadcast {sent.broadcast_id}: bExists after two confirms"
