"""Handlers of the Ranking module (document chapter 38, L47843-L48002; types chapter 39).

A session may register one agent as its *session agent* (asnRankingRegisterSessionAgent,
38.1.2, L47924-L47951): "Die Angabe eines neuen Agenten verwirft automatisch den bisherigen"
(L47929), and the agent is unregistered when the session ends (L47930). The session then ranks
it (asnRankingRankSessionAgent, 38.1.3, L47965-L47991): the points are "the current value for
the agent for this session" (``iCurrentPoints``, L47987); ``iCumulatedAgentPoints`` sums the
agent's points over every session ("kumuliert über alle Connections", L47908-L47910). An agent
is named by its SIP URI and must be a directory user in an agent group, else
``parametermismatch`` (2, "AgentenURI falsch", L48086); ranking with no session agent is
``noagentfound`` (1, L48084). asnRankingGetBestAgent is not modelled (synthesised).
"""

from __future__ import annotations

from enum import IntEnum

from conformance.reference.dispatch import Call, operation, request_error
from conformance.reference.hooks import HookPoint
from conformance.reference.sessions import Session
from conformance.reference.state import ServerState
from conformance.rose import JsonObject

__all__ = ["AGENT_REPLACED", "RANKED_POINTS", "RankingError"]

_KEY = "ranking"
"""``session.data`` key: [agent URI, points] of the session's agent."""

AGENT_REPLACED: HookPoint[bool] = HookPoint(
    "ranking.agent-replaced", "whether registering a new session agent replaces the old one"
)
RANKED_POINTS: HookPoint[int] = HookPoint(
    "ranking.points", "the iCurrentPoints asnRankingRankSessionAgent reports"
)


class RankingError(IntEnum):
    """AsnRankingErrorDetailsEnum (39.1.2, L48074-L48088)."""

    NO_AGENT_FOUND = 1
    PARAMETER_MISMATCH = 2


REGISTER, UNREGISTER_AGENT, UNREGISTER_SESSION = 1, 2, 3  # 39.1.3, L48096-L48100


def _cumulated(state: ServerState, agent: str) -> int:
    return sum(
        s.data[_KEY][1] for s in state.sessions.all() if s.data.get(_KEY, [None])[0] == agent
    )


def _session(call: Call) -> Session:
    if call.session is None:  # /ws/direct: nothing lives beyond the call
        raise request_error(RankingError.NO_AGENT_FOUND, "a session agent needs a session")
    return call.session


@operation("asnRankingRegisterSessionAgent")
async def register_session_agent(call: Call, argument: JsonObject) -> JsonObject:
    session = _session(call)
    kind = argument["iRegisterType"]
    if kind != REGISTER:
        session.data.pop(_KEY, None)
        return {}
    agent = argument.get("u8sAgentURI", "")
    user = call.state.directory.by_sip(agent) if agent else None
    if user is None or not user.groups:
        raise request_error(
            RankingError.PARAMETER_MISMATCH, f"u8sAgentURI {agent!r} names no agent"
        )
    if _KEY not in session.data or call.state.faults.apply(AGENT_REPLACED, True):
        session.data[_KEY] = [agent, 0]
    return {"iCumulatedAgentPoints": _cumulated(call.state, agent)}


@operation("asnRankingRankSessionAgent")
async def rank_session_agent(call: Call, argument: JsonObject) -> JsonObject:
    session = _session(call)
    held = session.data.get(_KEY)
    if held is None:
        raise request_error(RankingError.NO_AGENT_FOUND, "this session registered no agent")
    held[1] = argument["iPoints"]
    return {
        "u8sSessionAgentURI": held[0],
        "iCurrentPoints": call.state.faults.apply(RANKED_POINTS, held[1]),
        "iCumulatedAgentPoints": _cumulated(call.state, held[0]),
    }
