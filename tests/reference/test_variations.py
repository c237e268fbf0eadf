"""The variation registry and its place beside the faults (conformance/reference/variations)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
import requests
from websockets.exceptions import ConnectionClosed

from conformance.reference import ReferenceServer
from conformance.reference.faults import FAULTS
from conformance.reference.hooks import Fault, FaultSet, HookPoint
from conformance.reference.variations import VARIATIONS, chosen, variation
from conformance.schemagen import ROOT, SOURCE

if TYPE_CHECKING:
    from conftest import Api, Channel

DOCUMENT_LINES = len((ROOT / SOURCE).read_text(encoding="utf-8").splitlines())

POINT: HookPoint[int] = HookPoint("test.number", "a number some decision yields")


@pytest.fixture
def doubled() -> Iterator[str]:
    """A throwaway variation on POINT, removed from the registry afterwards."""
    variation("test.doubled", "the number doubled", POINT, lines=(1,))(lambda n: n * 2)
    try:
        yield "test.doubled"
    finally:
        del VARIATIONS["test.doubled"]


def test_variations_are_documented_and_cite_lines_of_the_document() -> None:
    for name, found in VARIATIONS.items():
        assert found.name == name
        assert found.description and "\n" not in found.description
        assert found.hooks
        assert found.lines or found.source.startswith("protocol-notes")
        assert all(1 <= line <= DOCUMENT_LINES for line in found.lines), name
        assert name not in FAULTS, f"{name} is both a fault and a variation"


def test_a_variation_must_cite_what_allows_it() -> None:
    with pytest.raises(ValueError, match="cites no document line"):
        variation("test.uncited", "nothing allows it", POINT, lines=())


def test_unknown_variation_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match=r"unknown variation 'nope'"):
        chosen(["nope"])
    with pytest.raises(ValueError, match=r"unknown variation 'nope'"):
        ReferenceServer(variations=["nope"])


def test_variations_apply_before_faults(doubled: str) -> None:
    plus_one = Fault("test.plus-one", "one more", hooks=((POINT, lambda n: n + 1),))
    bends = FaultSet([plus_one], chosen([doubled]))
    assert bends.apply(POINT, 5) == 11  # (5 * 2) + 1: the fault bends the varied answer
    assert bends.names == {"test.plus-one"}
    assert bends.variation_names == {doubled}


def test_server_reports_its_variations(doubled: str) -> None:
    server = ReferenceServer(variations=[doubled])
    assert server.variations == {doubled}
    assert server.faults == frozenset()
    assert doubled in repr(server)


@pytest.mark.parametrize(
    ("name", "form"),
    [("session.lower-case-ids", r"[0-9a-f]{32}"), ("session.guid-ids", r"\{[0-9A-F-]{36}\}")],
)
def test_session_id_variations_issue_working_ids_of_their_form(name: str, form: str) -> None:
    import re

    import requests

    with ReferenceServer(variations=[name]) as server:
        user = server.profile.user("alice")
        created = requests.post(
            f"{server.url}/ws/client/createsession",
            json={},
            auth=(user.name, user.password),
            timeout=5,
        )
        session_id = created.json()["sessionid"]
        assert re.fullmatch(form, session_id)
        answer = requests.post(
            f"{server.url}/ws/client/asnGetLoggedInContact",
            json={},
            headers={"X-ucsessionid": session_id},
            timeout=5,
        )
        assert answer.json()["u8sLoggedInUser"] == "alice"
        assert not server.internal_errors


def test_session_routed_variation_ignores_the_ucsid_only_in_live_sessions() -> None:
    import requests

    with ReferenceServer(variations=["ucsid.session-routed"]) as server:
        user = server.profile.user("alice")
        other = {"X-ucsid": "elsewhere"}
        auth = (user.name, user.password)
        refused = requests.post(
            f"{server.url}/ws/client/createsession", json={}, auth=auth, headers=other, timeout=5
        )
        assert refused.status_code == 502
        session_id = requests.post(
            f"{server.url}/ws/client/createsession", json={}, auth=auth, timeout=5
        ).json()["sessionid"]
        served = requests.post(
            f"{server.url}/ws/client/asnGetLoggedInContact",
            json={},
            headers={**other, "X-ucsessionid": session_id},
            timeout=5,
        )
        assert served.status_code == 200


# --- each variation of the CTI, agent and robustness areas changes what the server does -----

A1 = "tel:+4930100101"  # alice's first line (profiles/embedded.toml)
SUPPORT = "sip:support@groups.reference.invalid"


def _over_websocket(api: Api, *steps: Any) -> Any:
    with api.websocket(api.create_session("alice")) as channel:
        return [step(channel) for step in steps][-1]


def _stop_unknown(api: Api) -> Any:
    stop = {"u8sMonitorCrossRefID": "nope"}
    return _over_websocket(api, lambda c: list(c.call(1, "asnCtiLineMonitorStop", stop)))


def _answer_own_call(api: Api) -> Any:
    dial = {"u8sPhoneNumberFrom": A1, "u8sPhoneNumberTo": "+4930100201", "iNumberFormat": 1}

    def answer(channel: Channel) -> Any:
        connection = channel.call(1, "asnCtiMakeCall", dial)["result"]["result"]["result"]
        channel.invoke(2, "asnCtiAnswerCall", {"u8sConnectionID": connection["u8sConnectionID"]})
        while True:
            message = channel.receive()
            if "invoke" not in message:
                return message.get("result", {}).get("result", {}).get("result", "error")

    return _over_websocket(api, answer)


def _own_lines(api: Api) -> Any:
    argument = {"typeofLines": 0, "attachChangeNotify": 0}
    result = api.direct("asnCtiEnumPhoneLines", argument).json()
    return result["seqLines"][0]["u8sLinePhoneNumber"], "u8sUcconfNewerMember" in result


def _agent_uri(api: Api) -> Any:
    result = api.direct("asnAgentMonitorStart", {"u8sAgentURI": ""}).json()
    return result["listGroups"][0]["u8sAgentURI"]


def _open_after_the_ttl(api: Api) -> Any:
    create = {"listu8sGroupIDs": [SUPPORT], "iBroadcastType": 1, "data": "x", "iTTL": 3}
    broadcast_id = api.direct("asnAgentBroadcastCreate", create).json()["u8sBroadcastID"]
    api.server.clock.advance(3.5)
    try:
        check = {"u8sBroadcastID": broadcast_id}
        return api.direct("asnAgentBroadcastCheck", check).json()["bExists"]
    finally:
        api.server.clock.advance(-3.5)


def _bad_body(api: Api) -> Any:
    response = requests.post(
        f"{api.url}/ws/direct/asnGetLoggedInContact",
        data=b"no json",
        params=api.query_auth("alice"),
        timeout=5,
    )
    return response.status_code


def _outside_the_api(api: Api) -> Any:
    response = requests.post(f"{api.url}/ucconf", timeout=5)
    return response.status_code, response.headers["Content-Type"].split(";")[0]


def _trailing_garbage(api: Api) -> Any:
    frame = '{"invoke": {"invokeID": 7, "operationName": "x"}} }'
    return _over_websocket(api, lambda c: (c.send(frame), c.receive()["reject"]["reject"])[1])


def _no_rose(api: Api) -> Any:
    def send(channel: Channel) -> Any:
        channel.send("4711")
        return next(iter(channel.call(1, "asnCheckConnection")))

    return _over_websocket(api, send)


def _big_frame(api: Api) -> Any:
    padding = {"u8sUcconfPadding": "x" * 100_000}

    def send(channel: Channel) -> Any:
        try:
            return next(iter(channel.call(1, "asnCheckConnection", padding)))
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None

    return _over_websocket(api, send)


def _reply_order(api: Api) -> Any:
    def pipeline(channel: Channel) -> Any:
        channel.invoke(1, "asnCheckConnection")
        channel.invoke(2, "asnCheckConnection")
        return [channel.receive()["result"]["invokeID"] for _ in range(2)]

    return _over_websocket(api, pipeline)


def _slow_reply(api: Api) -> Any:
    def timed(channel: Channel) -> Any:
        started = time.monotonic()
        channel.call(1, "asnCheckConnection")
        return time.monotonic() - started >= 0.04

    return _over_websocket(api, timed)


PROBES: dict[str, tuple[Callable[[Api], Any], Any]] = {
    # variation name: (probe, what the server shows without it)
    "cti.idempotent-monitor-stop": (_stop_unknown, ["error"]),
    "cti.answer-refused-with-bsuccess-false": (_answer_own_call, "error"),
    "cti.lines-named-by-number": (_own_lines, (A1, False)),
    "agent.line-uri-agents": (_agent_uri, "sip:alice@reference.invalid"),
    "agent.broadcasts-purged-periodically": (_open_after_the_ttl, False),
    "robustness.unused-body-ignored": (_bad_body, 400),
    "robustness.html-404-outside-the-api": (_outside_the_api, (404, "application/json")),
    "robustness.lenient-json-reader": (_trailing_garbage, {"generalProblem": 2}),
    "robustness.non-invokes-ignored": (_no_rose, "reject"),
    "robustness.frame-limit": (_big_frame, "result"),
    "robustness.replies-out-of-order": (_reply_order, [1, 2]),
    "robustness.wan-latency": (_slow_reply, False),
}
"""robustness.upgrade-accepted-then-closed: tests/client/test_session_raw.py."""


@pytest.mark.parametrize("name", sorted(PROBES))
def test_variation_changes_what_the_server_does(
    name: str,
    make_server: Callable[..., ReferenceServer],
    api_for: Callable[[ReferenceServer], Api],
) -> None:
    probe, default = PROBES[name]
    assert probe(api_for(make_server())) == default
    varied = probe(api_for(make_server(variations=[name])))
    assert varied != default, f"{name} changed nothing"
