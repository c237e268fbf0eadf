"""The session's raw-frame facility against the reference server: hand-made frames out,
their answers read back apart from the invoke correlation, upgrade refusals as responses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest

from conformance.client import Basic, HttpClient, InvokeTimeout, Session
from conformance.reference import ReferenceServer
from conformance.rose import GeneralProblem, InvokeProblem, Reject, Result


@pytest.fixture
def session(live_http: HttpClient, reference: ReferenceServer) -> Iterator[Session]:
    user = reference.profile.user("alice")
    with Session.open(live_http, Basic(user.name, user.password)) as s:
        yield s


def _invoke(invoke_id: int, operation: str = "asnCheckConnection") -> str:
    body = {"invokeID": invoke_id, "operationName": operation, "argument": {}}
    return json.dumps({"invoke": body})


def test_reply_to_a_reserved_id_goes_to_the_raw_inbox(session: Session) -> None:
    invoke_id = session.reserve_invoke_id()
    mark = session.send_raw(_invoke(invoke_id), label="hand-made invoke")
    reply = session.wait_raw(invoke_id, since=mark)
    assert isinstance(reply.message, Result) and reply.seq == mark + 1
    assert session.raw_replies(since=mark) == [reply]
    assert session.invoke("asnCheckConnection").ok  # no unsolicited-reply fault queued
    assert "hand-made invoke" in session.transcript.render()


def test_reserved_ids_are_never_used_by_invoke(session: Session) -> None:
    reserved = {session.reserve_invoke_id() for _ in range(3)}
    outcome = session.invoke("asnCheckConnection")
    assert outcome.invoke_id not in reserved


def test_anonymous_rejects_and_several_frames_in_one_write(session: Session) -> None:
    first, second = session.reserve_invoke_id(), session.reserve_invoke_id()
    mark = session.send_raw("no json", _invoke(first), _invoke(second), label="three frames")
    anonymous = session.wait_raw(None, since=mark).message
    assert isinstance(anonymous, Reject)
    assert anonymous.problem == GeneralProblem.BADLY_STRUCTURED_APDU
    assert isinstance(session.wait_raw(first, since=mark).message, Result)
    assert isinstance(session.wait_raw(second, since=mark).message, Result)
    either = session.wait_raw(first, None, since=mark)
    assert either.message.invoke_id in (first, None)


def test_binary_frames_are_sent_as_such(session: Session) -> None:
    invoke_id = session.reserve_invoke_id()
    mark = session.send_raw(_invoke(invoke_id).encode(), label="binary")
    assert isinstance(session.wait_raw(invoke_id, since=mark).message, Result)


def test_waiting_is_bounded(session: Session) -> None:
    invoke_id = session.reserve_invoke_id()
    with pytest.raises(InvokeTimeout, match=f"invokeID {invoke_id}"):
        session.wait_raw(invoke_id, timeout=0.2)


def test_unknown_operation_in_a_raw_frame(session: Session) -> None:
    invoke_id = session.reserve_invoke_id()
    mark = session.send_raw(_invoke(invoke_id, "asnUcconfNothing"))
    reply = session.wait_raw(invoke_id, since=mark).message
    assert isinstance(reply, Reject) and reply.problem == InvokeProblem.UNRECOGNISED_OPERATION


def test_attempt_upgrade(live_http: HttpClient, session: Session) -> None:
    refused = Session.attempt_upgrade(live_http, "0" * 32, transcript=session.transcript)
    assert refused is not None and refused.status == 400
    assert refused.json()["reject"] == {"invokeProblem": 8}
    assert Session.attempt_upgrade(live_http, session.session_id) is None


def test_try_upgrade_waits_for_the_server_to_close(live_http: HttpClient) -> None:
    refused = Session.try_upgrade(live_http, "0" * 32, wait_close=1.0)
    assert refused.refusal is not None and refused.refusal.status == 400
    with ReferenceServer(variations=["robustness.upgrade-accepted-then-closed"]) as server:
        target = replace(live_http.target, url=server.url)
        with HttpClient(target) as http:
            closed = Session.try_upgrade(http, "0" * 32, wait_close=5.0)
    assert closed.refusal is None and closed.closed_by_server
    (frame,) = closed.frames
    assert json.loads(frame)[0]["reject"]["reject"] == {"invokeProblem": 8}


def test_try_upgrade_of_a_live_session_stays_open_until_the_wait_ends(
    live_http: HttpClient, session: Session
) -> None:
    attempt = Session.try_upgrade(live_http, session.session_id, wait_close=0.2)
    assert attempt.refusal is None and not attempt.closed_by_server
