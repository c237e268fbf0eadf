"""Faults: Ranking (suites/ranking)."""

from __future__ import annotations

from conformance.reference.faults.registry import fault
from conformance.reference.ranking import AGENT_REPLACED, RANKED_POINTS

_AGENT = "suites/ranking/test_session_agent.py::"


@fault(
    "ranking.points-off-by-one",
    "asnRankingRankSessionAgent reports one point more than given",
    RANKED_POINTS,
    breaks=[_AGENT + "test_the_ranked_session_agent_is_the_one_registered"],
)
def _ranking_points_off_by_one(points: int) -> int:
    return points + 1


@fault(
    "ranking.first-agent-kept",
    "registering a second session agent keeps the first",
    AGENT_REPLACED,
    breaks=[_AGENT + "test_a_new_session_agent_replaces_the_old"],
)
def _ranking_first_agent_kept(replaced: bool) -> bool:
    return False
