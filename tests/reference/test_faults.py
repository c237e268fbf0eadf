"""Every named fault flips exactly the behaviour it names; the correct server does not."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
import requests
from websockets.exceptions import ConnectionClosed

from conformance.reference import FAULTS, ReferenceServer
from conformance.reference.faults import activate

if TYPE_CHECKING:
    from conftest import Api

MakeApi = Callable[[ReferenceServer], "Api"]
Probe = Callable[[ReferenceServer, "Api"], Any]


def _logon_status(server: ReferenceServer, api: Api) -> Any:
    query = requests.post(
        f"{api.url}/ws/direct/asnGetLoggedInContact",
        params={"user": "alice", "pass": "wrong"},
        timeout=5,
    )
    token = requests.post(
        f"{api.url}/ws/direct/asnGetLoggedInContact", params={"token": "junk"}, timeout=5
    )
    no401 = requests.post(
        f"{api.url}/ws/direct/asnGetLoggedInContact",
        auth=("alice", "wrong"),
        headers={"X-no401": "1"},
        timeout=5,
    )
    return [r.status_code for r in (query, token, no401)]


def _logon_detail(server: ReferenceServer, api: Api) -> Any:
    unknown = requests.post(
        f"{api.url}/ws/direct/asnGetLoggedInContact",
        params={"user": "nobody", "pass": "x"},
        timeout=5,
    )
    wrong = requests.post(
        f"{api.url}/ws/direct/asnGetLoggedInContact",
        params={"user": "alice", "pass": "x"},
        timeout=5,
    )
    return [r.json()["error"]["iErrorDetail"] for r in (unknown, wrong)]


def _ucsid(server: ReferenceServer, api: Api) -> Any:
    session = api.create_session()
    return [
        api.direct("asnCheckConnection", {}, headers={"X-ucsid": "other"}).status_code,
        requests.get(
            f"{api.url}/ws/client/asnCheckConnection",
            params={"x-ucsessionid": session, "ucsid": "other"},
            timeout=5,
        ).status_code,
        requests.get(f"{api.url}/ws/public/contacts?ucsid=other", timeout=5).status_code,
    ]


def _jsonp(server: ReferenceServer, api: Api) -> Any:
    response = requests.get(f"{api.url}/ws/public/contacts", params={"callback": "cb"}, timeout=5)
    return response.headers["Content-Type"].split(";")[0], response.text[:3]


def _identification_token(server: ReferenceServer, api: Api) -> Any:
    token = api.token("alice", iType=0)
    return api.direct("asnGetLoggedInContact", {}, params={"token": token}).status_code


def _expiry(server: ReferenceServer, api: Api) -> Any:
    token = api.token("alice", iType=1, iTTL=1)
    server.clock.advance(5)
    login = api.direct("asnGetLoggedInContact", {}, params={"token": token}).status_code
    verify = api.direct("asnTokenVerify", {"sToken": token}).status_code
    return login, verify


def _result_session_id(server: ReferenceServer, api: Api) -> Any:
    session = api.create_session()
    with api.websocket(session) as channel:
        return "sessionID" in channel.call(1, "asnCheckConnection", {})["result"]


def _event_invoke_id(server: ReferenceServer, api: Api) -> Any:
    session = api.create_session()
    with api.websocket(session) as channel:
        channel.invoke(1, "asnLogoff", {})
        return channel.receive()["invoke"]["invokeID"]


def _bad_frame(server: ReferenceServer, api: Api) -> Any:
    session = api.create_session()
    with api.websocket(session) as channel:
        channel.send("not json")
        try:
            return next(iter(json.loads(channel.connection.recv(timeout=5))[0]))
        except ConnectionClosed:
            return "closed"


PROBES: dict[str, tuple[Probe, Any]] = {
    # fault name: (probe, what the correct server shows)
    "logon.wrong-status": (_logon_status, [400, 400, 400]),
    "logon.wrong-detail": (_logon_detail, [101, 102]),
    "ucsid.not-checked": (_ucsid, [502, 502, 502]),
    "jsonp.ignored": (_jsonp, ("application/javascript", "cb(")),
    "token.identification-logs-in": (_identification_token, 400),
    "token.expiry-ignored": (_expiry, (400, 400)),
    "envelope.no-session-id": (_result_session_id, True),
    "envelope.event-invoke-id": (_event_invoke_id, 99999),
    "robustness.drop-on-bad-frame": (_bad_frame, "reject"),
}


def test_every_fault_is_probed_somewhere() -> None:
    """Here, in the module's own tests (presence.*), or by the suites it must break."""
    assert set(PROBES) <= set(FAULTS)
    unprobed = {
        name
        for name, fault in FAULTS.items()
        if name not in PROBES and not name.startswith("presence.") and not fault.breaks
    }
    assert unprobed == set()


@pytest.mark.parametrize("name", sorted(PROBES))
def test_correct_server(
    name: str, make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    probe, correct = PROBES[name]
    server = make_server()
    assert probe(server, api_for(server)) == correct


@pytest.mark.parametrize("name", sorted(PROBES))
def test_fault_flips_its_behaviour(
    name: str, make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    probe, correct = PROBES[name]
    server = make_server(faults=[name])
    assert server.faults == {name}
    observed = probe(server, api_for(server))
    assert observed != correct, f"{name} changed nothing"


def test_faults_are_documented() -> None:
    for name, fault in FAULTS.items():
        assert fault.name == name
        assert fault.description and "\n" not in fault.description
        assert isinstance(fault.breaks, frozenset)
        assert fault.hooks


def test_unknown_fault_lists_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match=r"unknown fault 'nope'; known faults: .*logon\.wrong-status"
    ):
        ReferenceServer(faults=["nope"])
    with pytest.raises(ValueError, match=r"ucsid\.not-checked"):
        activate(["logon.wrong-status", "bogus"])


def test_faults_combine(make_server: Callable[..., ReferenceServer], api_for: MakeApi) -> None:
    server = make_server(faults=["logon.wrong-status", "logon.wrong-detail"])
    response = requests.post(
        f"{server.url}/ws/direct/asnGetLoggedInContact",
        params={"user": "nobody", "pass": "x"},
        timeout=5,
    )
    assert response.status_code == 401
    assert response.json()["error"]["iErrorDetail"] == 102
