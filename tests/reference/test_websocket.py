"""The event channel: ROSE over a WebSocket (protocol-notes §2-§3; document L654-L655)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from conformance import schemagen
from conformance.catalog import Catalog
from conformance.reference import Call, ReferenceServer

if TYPE_CHECKING:
    from conftest import Api, Channel

MakeApi = Callable[[ReferenceServer], "Api"]
HEX32 = re.compile(r"[0-9A-F]{32}")


@pytest.fixture
def session(api: Api) -> str:
    return api.create_session("alice")


@pytest.fixture
def channel(api: Api, session: str) -> Iterator[Channel]:
    with api.websocket(session) as channel:
        yield channel


def assert_result(message: dict[str, Any], invoke_id: int, session: str) -> dict[str, Any]:
    assert list(message) == ["result"], message
    body = message["result"]
    assert body["invokeID"] == invoke_id
    assert body["sessionID"] == session
    assert body["result"]["resultValue"] == 0
    result: dict[str, Any] = body["result"]["result"]
    return result


def assert_reject(
    message: dict[str, Any], invoke_id: int | None, problem: dict[str, int], session: str
) -> str:
    assert list(message) == ["reject"], message
    body = message["reject"]
    expected_id = {"invokednull": None} if invoke_id is None else {"invokedID": invoke_id}
    assert body["invokedID"] == expected_id
    assert body["reject"] == problem
    assert body["sessionID"] == session
    details: str = body["details"]
    assert details
    return details


def assert_still_usable(channel: Channel, session: str, invoke_id: int = 777) -> None:
    result = assert_result(channel.call(invoke_id, "asnCheckConnection", {}), invoke_id, session)
    assert result["iProtocolVersion"] == 70


# --- results and the session -------------------------------------------------------------


@pytest.mark.parametrize("path", ["/ws/client/websocket", "/ws/client/websocket/"])
def test_result_carries_invoke_id_and_session_id(
    api: Api, catalog: Catalog, session: str, path: str
) -> None:
    with api.websocket(session, path) as channel:
        message = channel.call(41, "asnGetLoggedInContact", {})
        result = assert_result(message, 41, session)
        catalog.validate("AsnGetLoggedInContactResult", result)
        assert result["u8sLoggedInUser"] == "alice"


def test_absent_argument_is_the_empty_argument(channel: Channel, session: str) -> None:
    assert_result(channel.call(1, "asnGetLoggedInContact"), 1, session)


def test_operation_error_over_the_websocket(
    channel: Channel, session: str, catalog: Catalog
) -> None:
    message = channel.call(5, "asnNegotiateServerConnection", {"iClientProtocolVersion": 3})
    assert list(message) == ["error"]
    body = message["error"]
    assert (body["invokedID"], body["error_value"], body["sessionID"]) == (5, 0, session)
    catalog.validate("AsnNegotiateServerConnectionError", body["error"])


def test_array_results_are_framed_too(
    make_server: Callable[..., ReferenceServer],
    api_for: Callable[[ReferenceServer], Api],
    catalog: Catalog,
) -> None:
    # Both array results are Management operations, which a user session may not run (L31920);
    # the fault lets one through to show the framing.
    api = api_for(make_server(faults=["sweep.administrator-operations-for-users"]))
    session = api.create_session("alice")
    with api.websocket(session) as channel:
        result = assert_result(channel.call(6, "asnMgmtGetMeshNodeConfigs", {}), 6, session)
    catalog.validate("AsnMgmtMeshNodeConfigs", result)


def test_administrator_operations_are_refused_to_a_user_session(
    channel: Channel, session: str
) -> None:
    message = channel.call(7, "asnMgmtRestartServer", {})
    assert "L31920" in assert_reject(message, 7, {"invokeProblem": 9}, session)


@pytest.mark.parametrize(
    "query", ["", "?x-ucsessionid=", "?x-ucsessionid=" + "0" * 32], ids=["none", "empty", "unknown"]
)
def test_invalid_session_refuses_the_upgrade(api: Api, query: str) -> None:
    from websockets.sync.client import connect

    with pytest.raises(InvalidStatus) as caught:
        connect(f"{api.ws_url}/ws/client/websocket{query}", open_timeout=5)
    response = caught.value.response
    assert response.status_code == 400
    body = json.loads(response.body)
    assert body["reject"] == {"invokeProblem": 8}
    assert body["invokedID"] == {"invokednull": None}


# --- asnLogoff and asnUserSessionDestroyed (10.2.1, 48.2.1) --------------------------------


@pytest.mark.parametrize("invoke_id", [3, 99999])
def test_logoff_sends_session_destroyed_then_closes(
    api: Api, catalog: Catalog, session: str, channel: Channel, invoke_id: int
) -> None:
    channel.invoke(invoke_id, "asnLogoff", {})
    event = channel.receive()
    assert list(event) == ["invoke"]
    body = event["invoke"]
    assert body["invokeID"] == 99999
    assert body["operationName"] == "asnUserSessionDestroyed"
    catalog.validate("AsnUserSessionDestroyedArgument", body["argument"])
    assert body["argument"]["u8sSessionID"] == session
    with pytest.raises(ConnectionClosed):
        channel.connection.recv(timeout=5)
    response = api.client(session, "asnGetLoggedInContact", {})
    assert response.json()["reject"] == {"invokeProblem": 8}


def test_logoff_over_http_closes_the_channel(api: Api, session: str, channel: Channel) -> None:
    assert api.client(session, "asnLogoff", {}).status_code == 200
    event = channel.receive()
    assert event["invoke"]["operationName"] == "asnUserSessionDestroyed"
    with pytest.raises(ConnectionClosed):
        channel.connection.recv(timeout=5)


def test_logoff_of_one_session_leaves_the_others(api: Api, channel: Channel, session: str) -> None:
    other = api.create_session("alice")
    with api.websocket(other) as second:
        second.invoke(1, "asnLogoff", {})
        assert second.receive()["invoke"]["argument"]["u8sSessionID"] == other
    assert_still_usable(channel, session)


# --- events ------------------------------------------------------------------------------


def test_events_reach_only_their_session(api: Api, server: ReferenceServer) -> None:
    first, second = api.create_session("alice"), api.create_session("alice")
    with api.websocket(first) as one, api.websocket(second) as two:
        target = server.state.sessions.get(first)
        assert target is not None
        target.send_event("asnKeepAlive", {"dummy": None})  # from the test thread
        event = one.receive()
        assert event == {
            "invoke": {
                "invokeID": 99999,
                "operationID": 100,  # interface 8: a vendor client routes by it
                "operationName": "asnKeepAlive",
                "argument": {"dummy": None},
            }
        }
        assert_still_usable(two, second)  # the next thing on the second channel is its reply


def test_events_wait_for_the_channel(api: Api, server: ReferenceServer) -> None:
    session_id = api.create_session("bob")
    session = server.state.sessions.get(session_id)
    assert session is not None
    for _ in range(3):
        session.send_event("asnKeepAlive", {"dummy": None})
    with api.websocket(session_id) as channel:
        for _ in range(3):
            assert channel.receive()["invoke"]["operationName"] == "asnKeepAlive"
        assert_still_usable(channel, session_id)


def test_handlers_push_events_to_the_callers_session(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    server = make_server()

    async def echo_as_event(call: Call, argument: dict[str, Any]) -> dict[str, Any]:
        call.send_event("asnKeepAlive", {"dummy": None, "optionalParams": {"n": call.invoke_id}})
        return {}

    server.state.handlers["asnStartTLS"] = echo_as_event
    api = api_for(server)
    session = api.create_session()
    with api.websocket(session) as channel:
        channel.invoke(12, "asnStartTLS", {})
        first, second = channel.receive(), channel.receive()
        kinds = {next(iter(first)), next(iter(second))}
        assert kinds == {"invoke", "result"}
        event = first if "invoke" in first else second
        assert event["invoke"]["argument"]["optionalParams"] == {"n": 12}
    # /ws/direct has no event channel: the same handler's event goes nowhere
    assert api.direct("asnStartTLS", {}).json() == {}


# --- client events ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "argument"),
    [("asnKeepAlive", {"dummy": None}), ("asnTransportKeepAlive", {"dummy": {}})],
)
def test_client_keep_alives_get_no_reply(
    channel: Channel, session: str, operation: str, argument: dict[str, Any]
) -> None:
    channel.send({"invoke": {"invokeID": 99999, "operationName": operation, "argument": argument}})
    assert_still_usable(channel, session)  # the next message is the reply to this call


def test_server_events_sent_by_the_client_are_unrecognised(channel: Channel, session: str) -> None:
    message = channel.call(8, "asnUserSessionDestroyed", {"u8sSessionID": session})
    assert "event" in assert_reject(message, 8, {"invokeProblem": 1}, session)


def test_event_id_on_an_operation(channel: Channel, session: str) -> None:
    channel.send({"invoke": {"invokeID": 99999, "operationName": "asnCheckConnection"}})
    details = assert_reject(channel.receive(), 99999, {"generalProblem": 1}, session)
    assert "99999" in details


# --- bad input: answered, never punished ------------------------------------------------------

BAD_FRAMES: dict[str, tuple[str | bytes, int | None, dict[str, int]]] = {
    "not json": ("garbage", None, {"generalProblem": 2}),
    "truncated": ('{"invoke": {"invokeID": 1', None, {"generalProblem": 2}),
    "NaN": ('{"invoke": {"invokeID": NaN, "operationName": "x"}}', None, {"generalProblem": 2}),
    "duplicate keys": ('{"invoke": {}, "invoke": {}}', None, {"generalProblem": 2}),
    "too deep": ("[" * 100000 + "]" * 100000, None, {"generalProblem": 2}),
    "empty array": ("[]", None, {"generalProblem": 2}),
    "number": ("42", None, {"generalProblem": 0}),
    "empty object": ("{}", None, {"generalProblem": 0}),
    "unknown kind": ('{"call": {"invokeID": 1}}', None, {"generalProblem": 0}),
    "two kinds": ('{"invoke": {}, "result": {}}', None, {"generalProblem": 1}),
    "invoke not an object": ('{"invoke": 5}', None, {"generalProblem": 1}),
    "string invoke id": (
        '{"invoke": {"invokeID": "1", "operationName": "asnCheckConnection"}}',
        None,
        {"generalProblem": 1},
    ),
    "negative invoke id": (
        '{"invoke": {"invokeID": -1, "operationName": "asnCheckConnection"}}',
        None,
        {"generalProblem": 1},
    ),
    "no operation name": ('{"invoke": {"invokeID": 7}}', 7, {"generalProblem": 1}),
    "argument an array": (
        '{"invoke": {"invokeID": 9, "operationName": "asnCheckConnection", "argument": [1]}}',
        9,
        {"invokeProblem": 2},
    ),
    "binary garbage": (b"\xff\xfe\x00", None, {"generalProblem": 2}),
}


@pytest.mark.parametrize(
    ("frame", "invoke_id", "problem"), BAD_FRAMES.values(), ids=list(BAD_FRAMES)
)
def test_bad_frames_are_rejected_and_the_connection_survives(
    channel: Channel,
    session: str,
    frame: str | bytes,
    invoke_id: int | None,
    problem: dict[str, int],
) -> None:
    channel.connection.send(frame)
    assert_reject(channel.receive(), invoke_id, problem, session)
    assert_still_usable(channel, session)


def test_binary_frame_with_a_valid_invoke_is_served(channel: Channel, session: str) -> None:
    frame = {"invoke": {"invokeID": 4, "operationName": "asnCheckConnection", "argument": {}}}
    channel.connection.send(json.dumps(frame).encode())
    assert_result(channel.receive(), 4, session)


def test_one_element_array_and_longer_arrays_are_tolerated(channel: Channel, session: str) -> None:
    invoke = {"invokeID": 1, "operationName": "asnCheckConnection", "argument": {}}
    channel.send([{"invoke": invoke}])
    assert_result(channel.receive(), 1, session)
    channel.send([{"invoke": {**invoke, "invokeID": 2}}, {"invoke": {**invoke, "invokeID": 3}}])
    assert {channel.receive()["result"]["invokeID"] for _ in range(2)} == {2, 3}


def test_wrong_member_types(channel: Channel, session: str) -> None:
    message = channel.call(10, "asnGetUserToken", {"iType": "login", "iTTL": 5})
    details = assert_reject(message, 10, {"invokeProblem": 2}, session)
    assert "AsnGetUserTokenArgument" in details and "/iType" in details
    message = channel.call(11, "asnTokenVerify", {})
    assert "sToken" in assert_reject(message, 11, {"invokeProblem": 2}, session)
    assert_still_usable(channel, session)


def test_unknown_operation(channel: Channel, session: str) -> None:
    details = assert_reject(
        channel.call(12, "asnNoSuchThing", {}), 12, {"invokeProblem": 1}, session
    )
    assert "asnNoSuchThing" in details
    assert_still_usable(channel, session)


def test_megabyte_string_member(channel: Channel, session: str, catalog: Catalog) -> None:
    big = "x" * (1024 * 1024)
    message = channel.call(13, "asnTokenVerify", {"sToken": big})
    assert message["error"]["invokedID"] == 13
    catalog.validate("AsnRequestError", message["error"]["error"])
    message = channel.call(14, "asnCheckConnection", {"u8sUnknownMember": big})
    assert_result(message, 14, session)
    assert_still_usable(channel, session)


def test_session_id_of_another_session(api: Api, channel: Channel, session: str) -> None:
    other = api.create_session("bob")
    channel.send(
        {"invoke": {"invokeID": 15, "operationName": "asnCheckConnection", "sessionID": other}}
    )
    assert_reject(channel.receive(), 15, {"invokeProblem": 8}, session)
    channel.send(
        {"invoke": {"invokeID": 16, "operationName": "asnCheckConnection", "sessionID": session}}
    )
    assert_result(channel.receive(), 16, session)


def test_results_and_errors_from_the_client(channel: Channel, session: str) -> None:
    channel.send({"result": {"invokeID": 3, "result": {"resultValue": 0, "result": {}}}})
    assert_reject(channel.receive(), 3, {"returnResultProblem": 0}, session)
    channel.send({"error": {"invokedID": 4, "error_value": 0, "error": {}}})
    assert_reject(channel.receive(), 4, {"returnErrorProblem": 0}, session)
    channel.send({"reject": {"invokedID": {"invokedID": 5}, "reject": {"invokeProblem": 1}}})
    assert_still_usable(channel, session)  # a client's reject gets no answer


# --- concurrency ------------------------------------------------------------------------------


def test_pipelined_invokes_are_all_answered(channel: Channel, session: str) -> None:
    ids = list(range(1, 201))
    for invoke_id in ids:
        operation = "asnCheckConnection" if invoke_id % 2 else "asnGetLoggedInContact"
        channel.invoke(invoke_id, operation, {})
    answered = []
    for _ in ids:
        message = channel.receive()
        assert message["result"]["sessionID"] == session
        answered.append(message["result"]["invokeID"])
    assert sorted(answered) == ids


class Gate:
    """A handler that waits until the test opens the gate (no sleeping)."""

    def __init__(self, server: ReferenceServer) -> None:
        self.server = server
        self.event: asyncio.Event | None = None
        self.entered = 0

    async def handler(self, call: Call, argument: dict[str, Any]) -> dict[str, Any]:
        if self.event is None:
            self.event = asyncio.Event()
        self.entered += 1
        await asyncio.wait_for(self.event.wait(), timeout=10)
        return {}

    def open(self) -> None:
        loop = self.server.state.loop
        assert loop is not None and self.event is not None
        loop.call_soon_threadsafe(self.event.set)


@pytest.fixture
def gated(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> Iterator[tuple[Gate, Api]]:
    server = make_server()
    gate = Gate(server)
    server.state.handlers["asnStartTLS"] = gate.handler  # empty argument, empty result
    yield gate, api_for(server)


def test_a_slow_invoke_blocks_nobody(gated: tuple[Gate, Api]) -> None:
    gate, api = gated
    session = api.create_session()
    with api.websocket(session) as channel:
        channel.invoke(1, "asnStartTLS", {})
        channel.invoke(2, "asnCheckConnection", {})
        assert_result(channel.receive(), 2, session)  # out of order: 2 before 1
        gate.open()
        assert_result(channel.receive(), 1, session)


def test_duplicate_invoke_id_while_running(gated: tuple[Gate, Api]) -> None:
    gate, api = gated
    session = api.create_session()
    with api.websocket(session) as channel:
        channel.invoke(1, "asnStartTLS", {})
        channel.invoke(1, "asnCheckConnection", {})
        details = assert_reject(channel.receive(), 1, {"invokeProblem": 0}, session)
        assert "1" in details
        gate.open()
        assert assert_result(channel.receive(), 1, session) == {}
        # once answered, the id may be used again
        assert_result(channel.call(1, "asnCheckConnection", {}), 1, session)


def test_closing_with_invokes_running(gated: tuple[Gate, Api]) -> None:
    gate, api = gated
    session = api.create_session()
    with api.websocket(session) as channel:
        channel.invoke(1, "asnStartTLS", {})
        assert_result(channel.call(2, "asnCheckConnection", {}), 2, session)
        assert gate.entered == 1  # invoke 1 is running when the socket goes
    # the server cancels the invoke with the socket; the session lives on
    response = api.client(session, "asnCheckConnection", {})
    assert response.status_code == 200


# --- operation numbers (protocol-notes §3) ---------------------------------------------------


def test_invokes_may_name_their_operation_by_number_name_or_both(
    channel: Channel, session: str
) -> None:
    both = {"invokeID": 51, "operationID": 1004, "operationName": "asnGetLoggedInContact"}
    channel.send({"_type": "ROSEMessage", "invoke": {**both, "_type": "ROSEInvoke"}})
    assert_result(channel.receive(), 51, session)
    channel.send({"invoke": {"invokeID": 52, "operationID": 1004, "argument": {}}})
    assert_result(channel.receive(), 52, session)


def test_a_number_contradicting_the_name_is_refused(channel: Channel, session: str) -> None:
    body = {"invokeID": 53, "operationID": 1005, "operationName": "asnGetLoggedInContact"}
    channel.send({"invoke": body})
    details = assert_reject(channel.receive(), 53, {"invokeProblem": 1}, session)
    assert "operationID 1005 is not the number of asnGetLoggedInContact (1004)" in details
    channel.send({"invoke": {"invokeID": 54, "operationID": 987654}})
    assert "names no operation" in assert_reject(
        channel.receive(), 54, {"invokeProblem": 1}, session
    )
    assert_still_usable(channel, session)


def test_every_event_goes_out_with_the_number_the_table_knows(server: ReferenceServer) -> None:
    """Every event with a number in schemas/source/operation-ids.tsv is sent with it (the
    keep-alive test above shows the number on the wire)."""
    table = schemagen.read_interface_ids(schemagen.ROOT / schemagen.INTERFACE_IDS)
    events = server.state.catalog.operations(kind="event")
    sent = {event.name: server.state.numbers.number_of(event.name) for event in events}
    expected = {event.name: event.operation_id or table.get(event.name) for event in events}
    assert sent == expected
    assert sum(1 for number in sent.values() if number) == 77
