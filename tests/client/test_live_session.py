"""Sessions against the reference server: the WebSocket channel, correlation, events, close."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from conformance.client import (
    Basic,
    EventTimeout,
    HttpClient,
    OperationNotImplemented,
    Outcome,
    QueryCredentials,
    Session,
    SessionClosed,
    TokenQuery,
    UnwantedEvent,
)
from conformance.reference import ReferenceServer
from conformance.rose import InvokeProblem

DESTROYED = "asnUserSessionDestroyed"


def login(server: ReferenceServer, alias: str = "alice") -> Basic:
    user = server.profile.user(alias)
    return Basic(user.name, user.password)


@pytest.fixture
def session(live_http: HttpClient, reference: ReferenceServer) -> Iterator[Session]:
    with Session.open(live_http, login(reference)) as s:
        yield s


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_invoke_over_the_websocket(
    live_http: HttpClient, reference: ReferenceServer, method: str
) -> None:
    with Session.open(live_http, login(reference, "bob"), method=method) as s:
        out = s.invoke("asnGetLoggedInContact")
        assert out.ok and out.expect_result()["u8sLoggedInUser"] == "bob"
        assert out.elapsed < 5


def test_session_from_a_login_token(live_http: HttpClient, reference: ReferenceServer) -> None:
    user = reference.profile.user("carol")
    token = live_http.direct(
        "asnGetUserToken", {"iType": 1}, auth=QueryCredentials(user.name, user.password)
    ).expect_result()["sToken"]
    with Session.open(live_http, TokenQuery(token)) as s:
        assert s.invoke("asnGetLoggedInContact").expect_result()["u8sLoggedInUser"] == "carol"
        assert token not in s.transcript.render()


def test_the_websocket_path_with_a_trailing_slash(
    live_http: HttpClient, reference: ReferenceServer
) -> None:
    with Session.open(live_http, login(reference), websocket_path="/ws/client/websocket/") as s:
        assert s.invoke("asnGetLoggedInContact").ok


def test_many_concurrent_invokes_from_several_threads(session: Session) -> None:
    """Correlation by invoke id only: 6 threads x 15 invokes, known and unknown operations."""
    outcomes: list[tuple[str, Outcome]] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            for round_ in range(15):
                name = (
                    "asnNoSuchOperation" if (index + round_) % 4 == 0 else "asnGetLoggedInContact"
                )
                out = session.invoke(name, {}, check_argument=name != "asnNoSuchOperation")
                with lock:
                    outcomes.append((name, out))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    assert not errors, errors
    assert len(outcomes) == 90
    for name, out in outcomes:
        assert out.operation == name
        if name == "asnNoSuchOperation":
            assert out.not_implemented
        else:
            assert out.expect_result()["u8sLoggedInUser"] == "alice"
    assert len({out.invoke_id for _, out in outcomes}) == 90


def test_unknown_operation_is_not_implemented(session: Session) -> None:
    out = session.invoke("asnNoSuchOperation", {"x": 1}, check_argument=False)
    assert out.not_implemented
    assert out.expect_reject().problem == InvokeProblem.UNRECOGNISED_OPERATION
    with pytest.raises(OperationNotImplemented, match="asnNoSuchOperation"):
        out.expect_result()


def test_wait_for_times_out_with_a_useful_message(session: Session) -> None:
    started = time.monotonic()
    with pytest.raises(EventTimeout, match=r"no asnChatEvent event where .* within 0\.2 s"):
        session.wait_for("asnChatEvent", {"u8sEventListCrossRefID": "x"}, timeout=0.2)
    assert 0.19 <= time.monotonic() - started < 2


def test_assert_quiet_passes_on_silence(session: Session) -> None:
    started = time.monotonic()
    session.assert_quiet("asnChatEvent", 0.2)
    assert time.monotonic() - started >= 0.19


def test_clean_close(live_http: HttpClient, reference: ReferenceServer) -> None:
    s = Session.open(live_http, login(reference))
    session_id = s.session_id
    assert s.invoke("asnGetLoggedInContact").ok
    mark = s.mark()
    started = time.monotonic()
    s.close()
    assert time.monotonic() - started < 2
    destroyed = s.events(DESTROYED)
    assert [e.argument for e in destroyed] == [{"u8sSessionID": session_id}]
    with pytest.raises(UnwantedEvent):  # the destroyed event arrived after the mark
        s.assert_quiet(DESTROYED, 0.01, since=mark)
    assert s.wait_for(DESTROYED, {"u8sSessionID": session_id}).is_event
    # Its reader thread has ended (sessions other tests of the process share may still run).
    reader = f"ucsession-{session_id[:8]}"
    assert not any(t.name == reader and t.is_alive() for t in threading.enumerate())
    s.close()  # idempotent
    with pytest.raises(SessionClosed):
        s.invoke("asnGetLoggedInContact")
    # asnLogoff ended the session on the server too
    gone = live_http.client(session_id, "asnGetLoggedInContact", {})
    assert gone.expect_reject().problem == InvokeProblem.INVALID_SESSION_ID


def test_http_call_inside_a_session(session: Session) -> None:
    out = session.call_http("asnGetLoggedInContact", {})
    assert out.expect_result()["u8sLoggedInUser"] == "alice"
    assert "X-ucsessionid: " + session.session_id in session.transcript.render()


def test_session_transcript_has_no_secrets(
    live_http: HttpClient, reference: ReferenceServer
) -> None:
    with Session.open(live_http, login(reference)) as s:
        s.invoke("asnGetLoggedInContact")
    text = s.transcript.render()
    assert "WS > invoke asnGetLoggedInContact" in text and "createsession" in text
    for secret in reference.profile.secrets():
        assert secret not in text
