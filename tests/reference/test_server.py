"""ReferenceServer life cycle, its self-check, and the parts below it (directory, sessions)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests
from websockets.exceptions import ConnectionClosed

from conformance.profile import EMBEDDED_PROFILE, load_profile
from conformance.reference import Call, ReferenceServer
from conformance.reference.directory import Directory
from conformance.reference.sessions import BACKLOG_LIMIT, SessionRegistry
from conformance.rose import Invoke

if TYPE_CHECKING:
    from conftest import Api

MakeApi = Callable[[ReferenceServer], "Api"]


# --- life cycle ----------------------------------------------------------------------------


def test_start_stop_and_properties() -> None:
    server = ReferenceServer()
    assert server.ucsid == "local"
    assert server.profile.path == EMBEDDED_PROFILE
    with pytest.raises(RuntimeError, match="not been started"):
        _ = server.url
    server.start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        assert server.port > 0
        assert requests.get(f"{server.url}/ws/public/contacts", timeout=5).status_code == 200
        with pytest.raises(RuntimeError, match="only once"):
            server.start()
    finally:
        started = time.monotonic()
        server.stop()
        server.stop()  # idempotent
        assert time.monotonic() - started < 5
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/ws/public/contacts", timeout=2)
    assert server.internal_errors == []


def test_stop_without_start() -> None:
    ReferenceServer().stop()


def test_port_in_use_is_raised_by_start(make_server: Callable[..., ReferenceServer]) -> None:
    first = make_server()
    with pytest.raises(OSError):
        ReferenceServer(port=first.port).start()


def test_stop_ends_sessions_and_closes_channels(api_for: MakeApi) -> None:
    with ReferenceServer() as server:
        api = api_for(server)
        session = api.create_session()
        with api.websocket(session) as channel:
            server.stop()
            event = channel.receive()
            assert event["invoke"]["operationName"] == "asnUserSessionDestroyed"
            with pytest.raises(ConnectionClosed):
                channel.connection.recv(timeout=5)
        assert server.internal_errors == []


def test_latency_holds_every_request_and_every_frame_in_order(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    latency = 0.05
    api = api_for(make_server(latency=latency))
    started = time.monotonic()
    session = api.create_session()
    assert time.monotonic() - started >= latency  # the HTTP request
    with api.websocket(session) as channel:
        started = time.monotonic()
        channel.invoke(1, "asnCheckConnection", {})
        channel.invoke(2, "asnLogoff", {})  # the server answers with an event, then closes
        reply, event = channel.receive(), channel.receive()
        assert time.monotonic() - started >= latency
        assert reply["result"]["invokeID"] == 1
        assert event["invoke"]["operationName"] == "asnUserSessionDestroyed"
        with pytest.raises(ConnectionClosed):
            channel.connection.recv(timeout=5)


def test_negative_latency_is_refused() -> None:
    with pytest.raises(ValueError, match="latency"):
        ReferenceServer(latency=-0.01)


def test_own_profile(tmp_path: Path, make_server: Callable[..., ReferenceServer]) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[target]\nurl = "http://127.0.0.1:1"\nucsid = "lab"\n'
        '[users.x]\nname = "xavier"\npassword = "pw"\npublic = true\n',
        encoding="utf-8",
    )
    server = make_server(load_profile(path))
    assert server.ucsid == "lab"
    response = requests.get(
        f"{server.url}/ws/direct/asnGetLoggedInContact",
        params={"user": "xavier", "pass": "pw", "ucsid": "lab"},
        timeout=5,
    )
    assert response.status_code == 200
    contact = response.json()["ownContact"]
    assert contact["u8sContactId"] == "sip:xavier@reference.invalid"
    assert contact["seqPhoneLines"] == []
    local = requests.get(f"{server.url}/ws/public/contacts?ucsid=local", timeout=5)
    assert local.status_code == 502


# --- self-check: internal errors -----------------------------------------------------------


def test_handler_crash_is_recorded_never_hidden(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    server = make_server()

    async def crash(call: Call, argument: dict[str, Any]) -> None:
        raise ZeroDivisionError("on purpose")

    server.state.handlers["asnStartTLS"] = crash
    api = api_for(server)
    response = api.direct("asnStartTLS", {})
    assert response.status_code == 500
    assert response.json()["error"]["_type"] == "WsError"
    session = api.create_session()
    with api.websocket(session) as channel:
        message = channel.call(1, "asnStartTLS", {})
        assert message["reject"]["reject"] == {"invokeProblem": 3}
        assert channel.call(2, "asnCheckConnection", {})["result"]["invokeID"] == 2
    assert len(server.internal_errors) == 2
    assert all("ZeroDivisionError" in e for e in server.internal_errors)
    server.internal_errors.clear()


@pytest.mark.parametrize("validate", [True, False])
def test_outgoing_results_are_validated(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi, validate: bool
) -> None:
    server = make_server(validate_outgoing=validate)

    async def wrong(call: Call, argument: dict[str, Any]) -> dict[str, Any]:
        return {"u8sServerVersion": 6}  # wrong type, four required members missing

    server.state.handlers["asnCheckConnection"] = wrong
    response = api_for(server).direct("asnCheckConnection", {})
    assert response.status_code == 200  # sent anyway, so the bug shows where it happens
    if validate:
        assert len(server.internal_errors) == 1
        assert "AsnCheckConnectionResult" in server.internal_errors[0]
        server.internal_errors.clear()
    else:
        assert server.internal_errors == []


def test_outgoing_events_are_validated(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    server = make_server()
    session = server.state.sessions.create("alice")
    session.send_event("asnKeepAlive", {})  # dummy missing
    session.send_event("asnCheckConnection", {})  # not an event
    assert len(server.internal_errors) == 2
    server.internal_errors.clear()


def test_background_tasks_are_tracked(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    server = make_server()
    done = threading.Event()

    async def later(call: Call, argument: dict[str, Any]) -> dict[str, Any]:
        async def push() -> None:
            call.send_event("asnKeepAlive", {"dummy": None})
            done.set()

        call.state.spawn(push())
        return {}

    server.state.handlers["asnStartTLS"] = later
    api = api_for(server)
    session = api.create_session()
    with api.websocket(session) as channel:
        channel.invoke(1, "asnStartTLS", {})
        kinds = sorted(next(iter(channel.receive())) for _ in range(2))
        assert kinds == ["invoke", "result"]
    assert done.wait(5)


# --- directory -----------------------------------------------------------------------------


def test_directory_from_the_embedded_profile() -> None:
    directory = Directory.from_profile(load_profile(EMBEDDED_PROFILE))
    assert directory.groups["support"] == ("alice", "bob")
    assert directory.groups["sales"] == ("carol",)
    owner = directory.line_owner("tel:+4930100202")
    assert owner is not None and owner.name == "bob"
    alice = directory.by_sip("sip:alice@reference.invalid")
    assert alice is not None and alice.name == "alice"
    assert "alice-pw" not in repr(alice)
    assert [u.name for u in directory.public_users()] == ["alice", "bob"]
    assert directory.user("Alice") is None  # login names are case-sensitive


# --- sessions ------------------------------------------------------------------------------


def _registry() -> tuple[SessionRegistry, list[tuple[str, str]]]:
    prepared: list[tuple[str, str]] = []

    def prepare(session: Any, operation: str, argument: dict[str, Any]) -> Invoke:
        prepared.append((session.id, operation))
        return Invoke.event(operation, argument)

    return SessionRegistry(prepare, time.time), prepared


class Sink:
    def __init__(self) -> None:
        self.events: list[Invoke] = []
        self.closed = False

    def deliver(self, event: Invoke) -> None:
        self.events.append(event)

    def close_soon(self) -> None:
        self.closed = True


def test_session_ids_are_unique_upper_hex_from_many_threads() -> None:
    registry, _ = _registry()
    ids: list[str] = []
    lock = threading.Lock()

    def create() -> None:
        for _ in range(200):
            session = registry.create("alice")
            with lock:
                ids.append(session.id)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(set(ids)) == len(ids) == 1600
    assert all(re.fullmatch(r"[0-9A-F]{32}", i) for i in ids)
    assert len(registry.of_user("alice")) == 1600


def test_session_events_backlog_attach_and_close() -> None:
    registry, _ = _registry()
    session = registry.create("bob", "15")
    closed: list[str] = []
    session.on_close(lambda s: closed.append(s.id))
    for n in range(BACKLOG_LIMIT + 5):
        session.send_event("asnKeepAlive", {"dummy": None, "optionalParams": {"n": n}})
    sink = Sink()
    assert session.attach(sink)
    assert len(sink.events) == BACKLOG_LIMIT
    assert sink.events[0].argument == {"dummy": None, "optionalParams": {"n": 5}}  # oldest dropped
    assert registry.destroy(session.id)
    assert not registry.destroy(session.id)
    assert sink.closed and closed == [session.id]
    assert sink.events[-1].operation_name == "asnUserSessionDestroyed"
    assert registry.get(session.id) is None
    assert not session.attach(Sink())
    session.send_event("asnKeepAlive", {"dummy": None})  # after the end: dropped quietly
    assert sink.events[-1].operation_name == "asnUserSessionDestroyed"


def test_websocket_refusal_body_is_json(api: Api) -> None:
    response = requests.get(
        f"{api.url}/ws/client/websocket",
        params={"x-ucsessionid": "F" * 32},
        headers={"Connection": "Upgrade", "Upgrade": "websocket"},
        timeout=5,
    )
    assert response.status_code == 400
    assert json.loads(response.text)["reject"] == {"invokeProblem": 8}


def test_each_server_keeps_its_own_module_state() -> None:
    """ServerState.part: one instance per server and kind, made on first use."""
    from conformance.profile import EMBEDDED_PROFILE, load_profile
    from conformance.reference.chat_store import ChatStore
    from conformance.reference.hooks import FaultSet
    from conformance.reference.state import ServerState

    profile = load_profile(EMBEDDED_PROFILE)
    one, two = ServerState(profile, FaultSet([])), ServerState(profile, FaultSet([]))
    assert one.part(ChatStore) is one.part(ChatStore)
    assert one.part(ChatStore) is not two.part(ChatStore)
    made: list[int] = []
    assert one.part(list, lambda: made) is one.part(list, lambda: [1])
