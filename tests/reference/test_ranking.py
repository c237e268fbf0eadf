"""Session agents of the reference server (conformance/reference/ranking.py). End to end:
suites/ranking."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from conformance.reference import ReferenceServer

if TYPE_CHECKING:
    from conftest import Api

ALICE, BOB, DAVE = "sip:alice@reference.invalid", "sip:bob@reference.invalid", "sip:nobody@x"


def test_points_sum_over_sessions_and_end_with_them(
    make_server: Callable[..., ReferenceServer], api_for: Callable[[ReferenceServer], Api]
) -> None:
    api = api_for(make_server())
    one, two = api.create_session(), api.create_session("bob")
    for session, points in ((one, 3), (two, 4)):
        register = {"iRegisterType": 1, "u8sAgentURI": ALICE}
        assert api.client(session, "asnRankingRegisterSessionAgent", register).ok
        ranked = api.client(session, "asnRankingRankSessionAgent", {"iPoints": points}).json()
        assert (ranked["u8sSessionAgentURI"], ranked["iCurrentPoints"]) == (ALICE, points)
    assert ranked["iCumulatedAgentPoints"] == 7
    api.client(two, "asnRankingRegisterSessionAgent", {"iRegisterType": 2})
    ranked = api.client(one, "asnRankingRankSessionAgent", {"iPoints": 3}).json()
    assert ranked["iCumulatedAgentPoints"] == 3


def test_an_unknown_agent_and_no_agent_are_refused(
    make_server: Callable[..., ReferenceServer], api_for: Callable[[ReferenceServer], Api]
) -> None:
    api = api_for(make_server())
    session = api.create_session()
    register = {"iRegisterType": 1, "u8sAgentURI": DAVE}
    refused = api.client(session, "asnRankingRegisterSessionAgent", register).json()
    assert refused["error"]["iErrorDetail"] == 2  # parametermismatch
    refused = api.client(session, "asnRankingRankSessionAgent", {"iPoints": 1}).json()
    assert refused["error"]["iErrorDetail"] == 1  # noagentfound
    register["u8sAgentURI"] = BOB
    assert api.client(session, "asnRankingRegisterSessionAgent", register).ok
