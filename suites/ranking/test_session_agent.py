"""The session agent of the Ranking module (38.1.2 asnRankingRegisterSessionAgent,
L47924-L47951; 38.1.3 asnRankingRankSessionAgent, L47965-L47991).

A client session registers an agent (by URI: the profile's ``sip_uri`` of a user in an agent
group) and ranks it; the rank's result names the session agent and the points just given
(L47985-L47987). The suite ranks with 0 points, which adds nothing to an agent's points
"kumuliert über alle Connections" (L47908-L47910) that could steer a real server's choice of
best agent, and unregisters the agent at the end (the session's end does it too, L47930). A
server whose ranking is switched off answers ``rankingdisabled`` (9, L48088): the tests skip.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.client import Session
from conformance.plugin import SessionFactory
from conformance.profile import Profile, User
from conformance.rose import JsonObject

pytestmark = [
    pytest.mark.module("Ranking"),
    pytest.mark.sends("asnRankingRankSessionAgent", "asnRankingRegisterSessionAgent"),
]

REGISTER = "asnRankingRegisterSessionAgent"
RANK = "asnRankingRankSessionAgent"
REGISTER_AGENT, UNREGISTER_AGENT = 1, 2  # AsnRankingRegisterSessionAgentTypeEnum, L48096-L48098


def _agents(profile: Profile) -> list[User]:
    return [u for u in profile.enabled_users() if u.groups and u.sip_uri]


def _register(session: Session, agent: User) -> None:
    argument = {"iRegisterType": REGISTER_AGENT, "u8sAgentURI": agent.sip_uri}
    outcome = session.invoke(REGISTER, argument)
    payload = outcome.payload
    if not outcome.ok and isinstance(payload, dict) and payload.get("iErrorDetail") == 9:
        # rankingdisabled (AsnRankingErrorDetailsEnum 9, L48088): nothing to test here
        pytest.skip(f"the server's ranking is not active ({REGISTER}: rankingdisabled, L48088)")
    outcome.expect_result()


def _rank(session: Session) -> JsonObject:
    result: JsonObject = session.invoke(RANK, {"iPoints": 0}).expect_result()
    return result


@pytest.fixture
def ranking_session(session_factory: SessionFactory, profile: Profile) -> Iterator[Session]:
    if not _agents(profile):
        pytest.skip("the profile has no enabled user with agent groups and a sip_uri")
    session = session_factory(profile.enabled_users()[0].alias)
    yield session
    if not session.closed:
        session.invoke(REGISTER, {"iRegisterType": UNREGISTER_AGENT})


@pytest.mark.spec("38.1.3", line=47985)
@pytest.mark.spec("38.1.2", line=47928)
def test_the_ranked_session_agent_is_the_one_registered(
    ranking_session: Session, profile: Profile
) -> None:
    """After asnRankingRegisterSessionAgent (registeragent, L48096) of an agent, the rank's
    result names it (``u8sSessionAgentURI``, "URI des aktuellen Session-Agenten", L47985) and
    reports the points just given (``iCurrentPoints``, L47987)."""
    agent = _agents(profile)[0]
    _register(ranking_session, agent)
    ranked = _rank(ranking_session)
    assert ranked["u8sSessionAgentURI"] == agent.sip_uri, (
        f"{RANK} names session agent {ranked['u8sSessionAgentURI']!r}; the session registered "
        f"{agent.sip_uri!r} (L47985)"
    )
    assert ranked["iCurrentPoints"] == 0, (
        f"{RANK} with iPoints 0 reports iCurrentPoints {ranked['iCurrentPoints']!r} (L47987)"
    )


@pytest.mark.spec("38.1.2", line=47929)
@pytest.mark.requires("users>=2")
def test_a_new_session_agent_replaces_the_old(ranking_session: Session, profile: Profile) -> None:
    """ "Die Angabe eines neuen Agenten verwirft automatisch den bisherigen" (L47929): after
    registering a second agent, the rank names the second."""
    agents = _agents(profile)
    if len(agents) < 2:
        pytest.skip("the profile has fewer than two enabled agents with a sip_uri")
    first, second = agents[:2]
    _register(ranking_session, first)
    _register(ranking_session, second)
    ranked = _rank(ranking_session)
    assert ranked["u8sSessionAgentURI"] == second.sip_uri, (
        f"{RANK} names {ranked['u8sSessionAgentURI']!r} after {second.sip_uri!r} was registered "
        f"in place of {first.sip_uri!r} (L47929)"
    )
