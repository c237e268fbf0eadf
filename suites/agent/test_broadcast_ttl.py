"""How long a broadcast stays open: asnAgentBroadcastCreate's iTTL (6.1.9, L11984-L11997),
observed with asnAgentBroadcastCheck (6.1.11, L12064-L12095) and
asnAgentBroadcastGetItemsForGroups (6.1.8, L11918-L11950).

Time passes on :class:`conftest.Timeline`: the embedded server's clock, else the wall clock.
The TTLs are protocol time and never scaled; the margin after an expiry is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conformance.errors import SuiteError
from conformance.profile import Profile

if TYPE_CHECKING:
    from conftest import Sent, Team, Timeline

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

SHORT_TTL = 3
STILL_THERE_AT = 2.0
LATE_LOGIN_AT = 1.5
EXPIRY_MARGIN = 1.0
"""Seconds (scaled) after the TTL at which the suite first looks whether it is gone."""
PURGE_WAIT = 5.0
"""Seconds (scaled) more a server may take to purge an expired broadcast: the document does
not say how often it looks (a periodic purge is as good as an exact one)."""
POLL = 0.25
"""Seconds (scaled) between two looks while waiting for the purge."""
WELL_PAST = 2 * (SHORT_TTL + EXPIRY_MARGIN)
"""How long an iTTL -1 broadcast is watched: twice what a short TTL needs to expire."""
MAX_TTL = 604800  # "Maximalwert ist hier 7 Tage (= 604800sec)", L11992-L11993
ABOVE_MAX = 2 * MAX_TTL
ABOVE_MAX_CAPABILITY = "agent.ttl_above_max"


def _wait_until_gone(team: Team, timeline: Timeline, sent: Sent, ttl: float) -> None:
    """Let time pass to ``ttl`` and a margin, then up to the purge wait more until
    asnAgentBroadcastCheck answers ``bExists`` false; a violation if it never does."""
    timeline.wait_until(ttl + timeline.margin(EXPIRY_MARGIN))
    deadline = ttl + timeline.margin(EXPIRY_MARGIN + PURGE_WAIT)
    while team.exists(sent) and timeline.elapsed() < deadline:
        timeline.wait_until(timeline.elapsed() + timeline.margin(POLL))
    assert not team.exists(sent), (
        f"broadcast {sent.broadcast_id} with an expiry at {ttl:g} s: bExists still true "
        f"{timeline.elapsed():.1f} s after its creation"
    )


@pytest.mark.spec("6.1.9", line=11989)
@pytest.mark.spec("6.1.11", line=12064)
@pytest.mark.spec("6.1.8", line=11918)
@pytest.mark.sends(
    "asnAgentBroadcastCheck",
    "asnAgentBroadcastConfirm",
    "asnAgentBroadcastCreate",
    "asnAgentBroadcastGetItemsForGroups",
)
def test_ttl_3_is_open_at_once(team: Team, timeline: Timeline) -> None:
    """6.1.9 (L11989-L11991): with iTTL N the broadcast "am Server verfügbar bleibt" for N
    seconds. Right after a create with iTTL 3, asnAgentBroadcastCheck answers ``bExists`` true
    and asnAgentBroadcastGetItemsForGroups lists it for a logged-in agent of the group."""
    timeline.start()
    sent = team.broadcast(SHORT_TTL)
    assert team.exists(sent), f"iTTL 3 broadcast {sent.broadcast_id}: bExists false at once"
    assert team.first.has_item(team.group_uri, sent.broadcast_id), (
        f"iTTL 3 broadcast {sent.broadcast_id} not listed at once"
    )
    timeline.require_before(SHORT_TTL, "checking the new broadcast")


@pytest.mark.spec("6.1.9", line=11989)
@pytest.mark.spec("6.1.11", line=12064)
@pytest.mark.spec("6.1.8", line=11918)
@pytest.mark.sends(
    "asnAgentBroadcastCheck",
    "asnAgentBroadcastConfirm",
    "asnAgentBroadcastCreate",
    "asnAgentBroadcastGetItemsForGroups",
)
def test_ttl_3_is_still_open_at_2_seconds(team: Team, timeline: Timeline) -> None:
    """6.1.9 (L11989-L11991): an iTTL 3 broadcast is available for 3 seconds, so 2 seconds
    after its creation ``bExists`` is still true and GetItemsForGroups still lists it."""
    timeline.start()
    sent = team.broadcast(SHORT_TTL)
    timeline.wait_until(STILL_THERE_AT)
    assert team.exists(sent), f"iTTL 3 broadcast {sent.broadcast_id}: bExists false at 2 s"
    assert team.first.has_item(team.group_uri, sent.broadcast_id), (
        f"iTTL 3 broadcast {sent.broadcast_id} no longer listed at 2 s"
    )
    timeline.require_before(SHORT_TTL, "checking the broadcast at 2 s")


@pytest.mark.spec("6.1.9", line=11989)
@pytest.mark.spec("6.1.11", line=12064)
@pytest.mark.spec("6.1.8", line=11918)
@pytest.mark.sends(
    "asnAgentBroadcastCheck",
    "asnAgentBroadcastConfirm",
    "asnAgentBroadcastCreate",
    "asnAgentBroadcastGetItemsForGroups",
)
def test_ttl_3_is_gone_once_it_expired(team: Team, timeline: Timeline) -> None:
    """6.1.9 (L11989-L11993): the broadcast is available for iTTL seconds, not for good. After
    3 seconds asnAgentBroadcastCheck comes to answer ``bExists`` false ("ob eine bestimmte
    BroadcastID noch im System vorhanden ist", L12066) within the purge wait (a margin of 1 s
    plus 5 s, scaled by ``--timeout-factor``: how often a server purges is not documented),
    and then GetItemsForGroups no longer lists it."""
    timeline.start()
    sent = team.broadcast(SHORT_TTL)
    _wait_until_gone(team, timeline, sent, SHORT_TTL)
    assert not team.first.has_item(team.group_uri, sent.broadcast_id), (
        f"iTTL 3 broadcast {sent.broadcast_id} still listed after expiry"
    )


@pytest.mark.spec("6.1.9", line=11989)
@pytest.mark.spec("6.1.8", line=11918)
@pytest.mark.sends(
    "asnAgentBroadcastConfirm", "asnAgentBroadcastCreate", "asnAgentBroadcastGetItemsForGroups"
)
def test_agent_who_logs_in_during_the_ttl_finds_the_broadcast(
    team: Team, timeline: Timeline
) -> None:
    """6.1.9 (L11989-L11991): "So können sich auch nachträglich Agenten erkundigen, ob noch
    Broadcasts vorhanden sind." The second agent is logged off when the iTTL 3 broadcast is
    created, logs in 1.5 s later and finds it with asnAgentBroadcastGetItemsForGroups (6.1.8:
    "noch nicht bestätigten Broadcast-Items", L11922)."""
    team.second.logoff(team.group)
    timeline.start()
    sent = team.broadcast(SHORT_TTL)
    timeline.wait_until(LATE_LOGIN_AT)
    team.second.login(team.group)
    assert team.second.has_item(team.group_uri, sent.broadcast_id), (
        f"an agent logged in after the create does not find iTTL 3 broadcast {sent.broadcast_id}"
    )
    timeline.require_before(SHORT_TTL, "logging in and listing the broadcast")


@pytest.mark.spec("6.1.9", line=11994)
@pytest.mark.spec("6.1.10", line=12026)
@pytest.mark.sends(
    "asnAgentBroadcastCheck",
    "asnAgentBroadcastConfirm",
    "asnAgentBroadcastCreate",
    "asnAgentBroadcastGetItemsForGroups",
)
def test_ttl_minus_1_stays_open_until_confirmed(team: Team, timeline: Timeline) -> None:
    """6.1.9 (L11994-L11997): with iTTL -1 the broadcast "so lange erhalten bleibt, bis der
    Server herunterfährt oder der Broadcast bestätigt wurde". Well past any short TTL (8 s) it
    still exists and is listed; once an agent confirms it (6.1.10), it is gone."""
    timeline.start()
    sent = team.broadcast(-1)
    timeline.wait_until(WELL_PAST)
    assert team.exists(sent), f"iTTL -1 broadcast {sent.broadcast_id}: bExists false at 8 s"
    assert team.first.has_item(team.group_uri, sent.broadcast_id), (
        f"iTTL -1 broadcast {sent.broadcast_id} no longer listed at 8 s"
    )
    team.confirm(sent, by=team.second)
    assert not team.exists(sent), f"iTTL -1 broadcast {sent.broadcast_id}: bExists after confirm"


@pytest.mark.spec("6.1.9", line=11992)
@pytest.mark.requires(f"capability:{ABOVE_MAX_CAPABILITY}")
@pytest.mark.sends("asnAgentBroadcastCheck", "asnAgentBroadcastConfirm", "asnAgentBroadcastCreate")
def test_ttl_above_the_maximum_follows_the_profile(
    team: Team, timeline: Timeline, profile: Profile
) -> None:
    """6.1.9 (L11992-L11993): the maximum iTTL is "7 Tage (= 604800sec)"; what a server does
    with more is not said. The profile's ``agent.ttl_above_max`` names the target's choice
    (the reference server's is recorded in CONFORMANCE-NOTES.md): ``"reject"``, an
    AsnRequestError for iTTL 1209600; or ``"clamp"``, the broadcast is created and open, and
    (where the run owns the server's clock, since nobody waits a week) still open shortly
    before 604800 s and gone after 604800 s (within the purge wait)."""
    choice = profile.capability(ABOVE_MAX_CAPABILITY)
    if choice == "reject":
        argument = {
            "listu8sGroupIDs": [team.group_uri],
            "iBroadcastType": 1,
            "data": "ucserver-conformance above the maximum",
            "iTTL": ABOVE_MAX,
        }
        team.outsider.session.invoke("asnAgentBroadcastCreate", argument).expect_error()
        return
    if choice != "clamp":
        raise SuiteError(f"capability {ABOVE_MAX_CAPABILITY} is {choice!r}, not clamp or reject")
    timeline.start()
    sent = team.broadcast(ABOVE_MAX)
    assert team.exists(sent), f"iTTL {ABOVE_MAX} broadcast {sent.broadcast_id}: bExists false"
    if not timeline.controls_clock:
        return
    timeline.wait_until(MAX_TTL - 60)
    assert team.exists(sent), f"clamped broadcast {sent.broadcast_id} gone before 604800 s"
    _wait_until_gone(team, timeline, sent, MAX_TTL)
