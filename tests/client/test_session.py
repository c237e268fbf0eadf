"""Tests of conformance/client/session.py against a scripted WebSocket stub.

The stub can misbehave in ways the reference server never does (garbage frames, dropped
connections, schema-violating events), which is exactly what these tests need.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from websockets.sync.server import ServerConnection

from conformance.client import (
    ArgumentInvalid,
    Basic,
    ConnectionDropped,
    EventTimeout,
    HttpClient,
    InvokeTimeout,
    Session,
    SessionClosed,
    Target,
)
from conformance.client.transcript import Transcript
from conformance.errors import (
    ConformanceViolation,
    RemoteProtocolError,
    SchemaViolation,
    SuiteError,
    TargetUnreachable,
)

if TYPE_CHECKING:
    from conftest import WsStub

EMPTY_OP = "asnUnsubscribeClientContent"  # argument and result without required members
DESTROYED = "asnUserSessionDestroyed"


@pytest.fixture
def session(ws_stub: WsStub) -> Iterator[Session]:
    http = HttpClient(Target(ws_stub.url, timeout=2), secrets=["pw-profile"])
    with Session.open(http, Basic("alice", "pw-profile"), method="GET", close_timeout=0.5) as s:
        yield s


def invokes(conn: ServerConnection, count: int) -> list[dict[str, Any]]:
    return [WsStubHelpers.invoke_of(conn.recv()) for _ in range(count)]


class WsStubHelpers:
    """The frame helpers of the stub (conftest cannot be imported under importlib mode)."""

    @staticmethod
    def invoke_of(text: str | bytes) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(text)["invoke"]
        return body

    @staticmethod
    def result(invoke_id: int, result: dict[str, Any] | None = None) -> str:
        inner: dict[str, Any] = {"resultValue": 0, "result": result or {}}
        return json.dumps([{"result": {"invokeID": invoke_id, "result": inner}}])

    @staticmethod
    def event(name: str, argument: dict[str, Any]) -> str:
        body = {"invokeID": 99999, "operationID": 0, "operationName": name, "argument": argument}
        return json.dumps([{"invoke": body}])


H = WsStubHelpers


def test_open_invoke_close(ws_stub: WsStub, session: Session) -> None:
    out = session.invoke(EMPTY_OP, {})
    assert out.ok and out.expect_result() == {} and out.elapsed >= 0
    upgrade = ws_stub.requests[-1]
    assert upgrade.path == f"/ws/client/websocket?x-ucsessionid={ws_stub.session_id}"
    create = ws_stub.requests[0]
    assert create.path.startswith("/ws/client/createsession?clientappid=15")
    session.close()
    assert session.events(DESTROYED) and not session._reader.is_alive()  # type: ignore[union-attr]
    text = session.transcript.render()
    assert "invoke asnLogoff" in text and f"event {DESTROYED}" in text
    assert "pw-profile" not in text
    session.close()  # idempotent
    with pytest.raises(SessionClosed):
        session.invoke(EMPTY_OP, {})


def test_out_of_order_results(ws_stub: WsStub, session: Session) -> None:
    def reversed_answers(conn: ServerConnection) -> None:
        batch = invokes(conn, 8)
        for body in reversed(batch):
            conn.send(H.result(body["invokeID"], {"_type": "AsnUnsubscribeClientContentResult"}))
        ws_stub.answer_all(conn)

    ws_stub.script = reversed_answers
    # The session fixture already connected with the default script: reconnect with this one.
    http = session.client
    with Session.open(http, Basic("alice", "pw-profile"), method="GET") as s:
        results: list[int | None] = []
        threads = [
            threading.Thread(target=lambda: results.append(s.invoke(EMPTY_OP, {}).invoke_id))
            for _ in range(8)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(5)
        assert sorted(r for r in results if r is not None) == list(range(1, 9))


def test_invokes_sent_ahead_are_collected_in_any_order(ws_stub: WsStub) -> None:
    def reversed_answers(conn: ServerConnection) -> None:
        batch = invokes(conn, 3)  # every invoke is in before any reply goes out
        for body in reversed(batch):
            conn.send(H.result(body["invokeID"]))
        ws_stub.answer_all(conn)

    ws_stub.script = reversed_answers
    http = HttpClient(Target(ws_stub.url, timeout=2))
    own = HttpClient(Target(ws_stub.url, timeout=2))  # a test's client on a shared session
    with Session.open(http, Basic("a", "b"), method="GET") as s:
        record = Transcript()
        sent = [s.send_invoke(EMPTY_OP, {}, checks=own.checks, transcript=record)]
        sent += [s.send_invoke(EMPTY_OP, {}) for _ in range(2)]
        first = s.await_reply(sent[0], checks=own.checks, transcript=record)
        assert [first.invoke_id, *(s.await_reply(x).invoke_id for x in sent[1:])] == [1, 2, 3]
    assert own.checks.coverage.operations[EMPTY_OP] == 1 and own.checks.coverage.validations == 1
    rendered = record.render()
    assert f"invoke {EMPTY_OP} #1" in rendered and f"reply WebSocket {EMPTY_OP} #1" in rendered
    assert "#2" not in rendered


def test_events_are_validated(ws_stub: WsStub) -> None:
    def events(conn: ServerConnection) -> None:
        conn.send(H.event(DESTROYED, {"u8sSessionID": "A"}))
        conn.send(H.result(H.invoke_of(conn.recv())["invokeID"]))  # then the bad ones:
        conn.send(H.event(DESTROYED, {}))  # misses u8sSessionID
        conn.send(H.event("asnNoSuchEvent", {}))  # a newer server's: not a violation (X-d)
        conn.send(H.event("asnGetLoggedInContact", {}))  # an operation, not an event
        ws_stub.answer_all(conn)

    ws_stub.script = events
    http = HttpClient(Target(ws_stub.url, timeout=2))
    s = Session.open(http, Basic("a", "b"), method="GET")
    try:
        assert s.wait_for(DESTROYED, {"u8sSessionID": "A"}).argument == {"u8sSessionID": "A"}
        assert s.invoke(EMPTY_OP, {}).ok
        deadline = time.monotonic() + 5
        while len(s.events()) < 4 and time.monotonic() < deadline:  # all three bad ones in
            time.sleep(0.01)
        with pytest.raises(SchemaViolation, match=r"event asnUserSessionDestroyed: .*u8sSessionID"):
            s.wait_for(DESTROYED)
        with pytest.raises(ConformanceViolation, match="defines it as an operation"):
            s.wait_for(DESTROYED)
        assert s.wait_for(DESTROYED).argument == {}  # still delivered after being reported
    finally:
        s.close()


def test_result_and_argument_validation(ws_stub: WsStub, session: Session) -> None:
    with pytest.raises(SchemaViolation, match="result: AsnGetLoggedInContactResult"):
        session.invoke("asnGetLoggedInContact", {})  # the stub answers {}
    with pytest.raises(ArgumentInvalid):
        session.invoke(EMPTY_OP, {"optionalParams": 5})


def test_unparseable_frame_fails_the_pending_invoke_at_once(ws_stub: WsStub) -> None:
    def garbage(conn: ServerConnection) -> None:
        conn.recv()
        conn.send("[{not json")
        ws_stub.answer_all(conn)

    ws_stub.script = garbage
    http = HttpClient(Target(ws_stub.url, timeout=2))
    with Session.open(http, Basic("a", "b"), method="GET") as s:
        started = time.monotonic()
        with pytest.raises(RemoteProtocolError, match="frame is not JSON"):
            s.invoke(EMPTY_OP, {}, timeout=5)
        assert time.monotonic() - started < 2
        assert s.invoke(EMPTY_OP, {}).ok  # the reader survived


def test_unparseable_frame_while_idle_fails_the_next_call(ws_stub: WsStub) -> None:
    def garbage(conn: ServerConnection) -> None:
        conn.send('{"bogus": {}}')
        ws_stub.answer_all(conn)

    ws_stub.script = garbage
    http = HttpClient(Target(ws_stub.url, timeout=2))
    with Session.open(http, Basic("a", "b"), method="GET") as s:
        with pytest.raises(RemoteProtocolError, match="unknown message kind 'bogus'"):
            s.wait_for(DESTROYED, timeout=2)
        assert s.invoke(EMPTY_OP, {}).ok


def test_binary_frame_is_a_violation(ws_stub: WsStub) -> None:
    def binary(conn: ServerConnection) -> None:
        conn.send(b"[]")
        ws_stub.answer_all(conn)

    ws_stub.script = binary
    http = HttpClient(Target(ws_stub.url, timeout=2))
    with (
        Session.open(http, Basic("a", "b"), method="GET") as s,
        pytest.raises(RemoteProtocolError, match="binary WebSocket frame"),
    ):
        s.wait_for(DESTROYED, timeout=2)


def test_dropped_connection_fails_pending_invokes_at_once(ws_stub: WsStub) -> None:
    def drop(conn: ServerConnection) -> None:
        conn.recv()
        conn.close(1011, "going away")

    ws_stub.script = drop
    http = HttpClient(Target(ws_stub.url, timeout=2))
    s = Session.open(http, Basic("a", "b"), method="GET")
    started = time.monotonic()
    with pytest.raises(ConnectionDropped, match=f"connection dropped while waiting for {EMPTY_OP}"):
        s.invoke(EMPTY_OP, {}, timeout=10)
    assert time.monotonic() - started < 2
    with pytest.raises(ConnectionDropped):
        s.wait_for(DESTROYED, timeout=10)
    s.close()


def test_unanswered_invoke_times_out_scaled(ws_stub: WsStub) -> None:
    def silent(conn: ServerConnection) -> None:
        for _ in conn:
            pass

    ws_stub.script = silent
    http = HttpClient(Target(ws_stub.url, timeout=2, timeout_factor=2))
    with Session.open(http, Basic("a", "b"), method="GET", close_timeout=0.1) as s:
        started = time.monotonic()
        with pytest.raises(InvokeTimeout, match=r"within 0\.2 s"):
            s.invoke(EMPTY_OP, {}, timeout=0.1)
        assert time.monotonic() - started >= 0.19
        with pytest.raises(EventTimeout, match=r"no asnX event where any argument within 0\.1 s"):
            s.wait_for("asnX", timeout=0.05)
        s.assert_quiet(DESTROYED, 0.05)
    # close: no destroyed event and no close from the server; bounded by close_timeout
    assert "neither asnUserSessionDestroyed nor a close" in s.transcript.render()


def test_unsent_faults_surface_when_the_block_ends(ws_stub: WsStub) -> None:
    def bad_event(conn: ServerConnection) -> None:
        conn.send(H.event(DESTROYED, {}))
        ws_stub.answer_all(conn)

    ws_stub.script = bad_event
    http = HttpClient(Target(ws_stub.url, timeout=2))
    with (
        pytest.raises(SchemaViolation),
        Session.open(http, Basic("a", "b"), method="GET") as s,
    ):
        s.dispatcher.settle(DESTROYED, 2)


def test_unreachable_websocket(closed_port: int) -> None:
    http = HttpClient(Target(f"http://127.0.0.1:{closed_port}", timeout=1))
    s = Session(http, "0" * 32)
    with pytest.raises(TargetUnreachable, match="connection refused"):
        s.connect()
    s.close()


def test_refused_upgrade_is_a_violation(ws_stub: WsStub) -> None:
    http = HttpClient(Target(ws_stub.url, timeout=1))
    s = Session(http, "0" * 32, websocket_path="/ws/client/createsession")
    with pytest.raises(
        ConformanceViolation, match=r"expected the upgrade \(HTTP 101\), got HTTP 200"
    ):
        s.connect()
    s.close()


def test_single_object_frames_are_tolerated_but_visible(ws_stub: WsStub) -> None:
    def bare(conn: ServerConnection) -> None:
        body = H.invoke_of(conn.recv())
        frame = json.loads(H.result(body["invokeID"]))[0]
        conn.send(json.dumps(frame))  # an object, not an array
        ws_stub.answer_all(conn)

    ws_stub.script = bare
    http = HttpClient(Target(ws_stub.url, timeout=2))
    # A realistic password: explicit secrets are masked wherever they occur, even inside words.
    with Session.open(http, Basic("alice", "pw-profile"), method="GET") as s:
        assert s.invoke(EMPTY_OP, {}).ok
    assert "result #1 (a bare object, not an array)" in s.transcript.render()


def test_outcome_descriptions_are_scrubbed(ws_stub: WsStub) -> None:
    def error(conn: ServerConnection) -> None:
        body = H.invoke_of(conn.recv())
        err = {"iErrorDetail": 1, "u8sErrorString": "wrong pw-profile"}
        frame = {"error": {"invokedID": body["invokeID"], "error_value": 0, "error": err}}
        conn.send(json.dumps([frame]))
        ws_stub.answer_all(conn)

    ws_stub.script = error
    http = HttpClient(Target(ws_stub.url, timeout=2), secrets=["pw-profile"])
    with Session.open(http, Basic("a", "b"), method="GET") as s:
        out = s.invoke(EMPTY_OP, {})
        assert out.kind.value == "error" and "pw-profile" not in out.describe()


def test_send_event_sends_an_event_and_refuses_an_operation(ws_stub: WsStub) -> None:
    """Session.send_event: an event invoke (invokeID 99999) with the catalogue's argument check; an
    operation name is a suite bug, not a frame."""
    received: list[dict[str, Any]] = []

    def record(conn: ServerConnection) -> None:
        received.extend(invokes(conn, 1))  # an event: no reply
        ws_stub.answer_all(conn)

    ws_stub.script = record
    http = HttpClient(Target(ws_stub.url, timeout=2), secrets=["pw-profile"])
    with Session.open(http, Basic("alice", "pw-profile"), method="GET", close_timeout=0.5) as s:
        s.send_event("asnSetClientCapabilities", {"osXMLContent": "<caps/>"})
        deadline = time.monotonic() + 2
        while not received and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(ArgumentInvalid):
            s.send_event("asnSetClientCapabilities", {})
        with pytest.raises(SuiteError, match="is an operation"):
            s.send_event(EMPTY_OP, {})
    assert received and received[0]["invokeID"] == 99999
    assert received[0]["operationName"] == "asnSetClientCapabilities"
    assert received[0]["argument"] == {"osXMLContent": "<caps/>"}
