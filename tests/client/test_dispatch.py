"""Tests of conformance/client/dispatch.py: reply correlation and the event inbox, no sockets."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

import pytest

from conformance.client.dispatch import Dispatcher, Where
from conformance.client.exceptions import (
    ConnectionDropped,
    EventTimeout,
    InvokeTimeout,
    SessionClosed,
    UnwantedEvent,
)
from conformance.errors import ConformanceViolation, RemoteProtocolError, SuiteError
from conformance.rose import Error, GeneralProblem, Invoke, InvokeProblem, Reject, Result


def event(name: str, **argument: object) -> Invoke:
    return Invoke.event(name, dict(argument))


def later(seconds: float, action: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(seconds), action()), daemon=True)
    thread.start()
    return thread


# --- replies ---------------------------------------------------------------------------------


def test_reply_reaches_its_invoke() -> None:
    d = Dispatcher()
    n = d.register("asnX")
    d.feed([Result(n, {"a": 1})])
    reply, elapsed = d.wait_reply(n, 1.0)
    assert reply == Result(n, {"a": 1}) and elapsed >= 0


def test_out_of_order_replies_from_many_threads() -> None:
    d = Dispatcher()
    ids = [d.register(f"op{i}") for i in range(50)]
    shuffled = ids[:]
    random.Random(7).shuffle(shuffled)
    results: dict[int, object] = {}

    def waiter(n: int) -> None:
        results[n] = d.wait_reply(n, 5.0)[0]

    threads = [threading.Thread(target=waiter, args=(n,)) for n in ids]
    for t in threads:
        t.start()
    for n in shuffled:  # interleave events, errors and results in reverse-ish order
        reply = Error(n, 0, {"n": n}) if n % 3 == 0 else Result(n, {"n": n})
        d.feed([event("asnKeepAlive"), reply])
    for t in threads:
        t.join(5)
    assert all(results[n].invoke_id == n for n in ids)  # type: ignore[attr-defined]
    assert len(d.events("asnKeepAlive")) == 50 and d.faults == []


def test_invoke_timeout_scales_and_late_reply_is_only_noted() -> None:
    notes: list[str] = []
    d = Dispatcher(timeout_factor=4.0, note=notes.append)
    n = d.register("asnSlow")
    started = time.monotonic()
    with pytest.raises(InvokeTimeout, match=r"no reply to asnSlow \(invokeID 1\) within 0.2 s"):
        d.wait_reply(n, 0.05)
    assert time.monotonic() - started >= 0.19
    d.feed([Result(n, None)])
    assert d.faults == [] and notes == ["late result for invokeID 1 ignored (abandoned)"]


def test_abandoned_ids_are_not_reused() -> None:
    d = Dispatcher()
    first = d.register("asnLogoff")
    d.abandon(first)
    assert d.register("asnX") != first


def test_unsolicited_reply_is_a_fault_raised_by_the_next_call() -> None:
    d = Dispatcher()
    d.feed([Result(42, None)])
    with pytest.raises(ConformanceViolation, match="unsolicited result for invokeID 42"):
        d.register("asnX")
    d.register("asnX")  # raised once only


def test_second_reply_is_a_fault() -> None:
    d = Dispatcher()
    n = d.register("asnX")
    d.feed([Result(n, None), Error(n, 0, {})])
    assert d.wait_reply(n, 1)[0] == Result(n, None)
    with pytest.raises(ConformanceViolation, match="second reply"):
        d.raise_fault()


def test_reject_without_id_fails_pending_invokes() -> None:
    d = Dispatcher()
    n = d.register("asnX")
    d.feed([Reject(None, GeneralProblem.BADLY_STRUCTURED_APDU, "bad json")])
    with pytest.raises(ConformanceViolation, match=r"asnX .* without an invoke id: bad json"):
        d.wait_reply(n, 1)


def test_reject_without_id_while_idle_is_kept() -> None:
    d = Dispatcher()
    d.feed([Reject(None, GeneralProblem.UNRECOGNISED_APDU)])
    assert d.rejects_without_id == [Reject(None, GeneralProblem.UNRECOGNISED_APDU)]
    assert d.faults == []


def test_server_invoke_that_is_not_an_event_is_a_fault() -> None:
    d = Dispatcher()
    d.feed([Invoke(5, "asnSomething", {})])
    with pytest.raises(ConformanceViolation, match="invokeID 5; a server sends events"):
        d.raise_fault()


def test_frame_fault_fails_pending_at_once() -> None:
    d = Dispatcher()
    n = d.register("asnX")
    later(0.05, lambda: d.fault(RemoteProtocolError("frame is not JSON"), fail_pending=True))
    started = time.monotonic()
    with pytest.raises(RemoteProtocolError, match="frame is not JSON"):
        d.wait_reply(n, 5)
    assert time.monotonic() - started < 2
    d.raise_fault()  # it was reported through the invoke, not queued again


def test_frame_fault_while_idle_fails_the_next_wait() -> None:
    d = Dispatcher()
    d.fault(RemoteProtocolError("frame is not JSON"), fail_pending=True)
    with pytest.raises(RemoteProtocolError):
        d.wait_for("asnX", timeout=1)


def test_dropped_connection_fails_pending_invokes_at_once() -> None:
    d = Dispatcher()
    n = d.register("asnGetLoggedInContact")
    later(0.05, lambda: d.connection_lost("close code 1011", expected=False))
    started = time.monotonic()
    with pytest.raises(
        ConnectionDropped,
        match=r"connection dropped while waiting for asnGetLoggedInContact \(invokeID 1\)",
    ):
        d.wait_reply(n, 10)
    assert time.monotonic() - started < 2
    with pytest.raises(ConnectionDropped, match="cannot invoke asnY"):
        d.register("asnY")


def test_our_own_close_is_a_suite_condition() -> None:
    d = Dispatcher()
    d.connection_lost("closed by the suite", expected=True)
    with pytest.raises(SessionClosed):
        d.register("asnX")
    assert not issubclass(SessionClosed, AssertionError)


# --- events ----------------------------------------------------------------------------------


def test_wait_for_several_names_takes_the_first_of_any() -> None:
    d = Dispatcher()
    d.feed([event("asnA", i=1), event("asnB", i=2)])
    assert d.wait_for(("asnB", "asnC"), None, 1).operation_name == "asnB"
    assert d.wait_for(("asnC", "asnA"), None, 1).argument == {"i": 1}
    with pytest.raises(EventTimeout, match="asnA or asnB"):
        d.wait_for(("asnA", "asnB"), None, 0.01)


def test_wait_for_consumes_the_first_match() -> None:
    d = Dispatcher()
    d.feed([event("asnA", i=1), event("asnA", i=2), event("asnB", i=3)])
    assert d.wait_for("asnA", {"i": 2}, 1).argument == {"i": 2}
    assert d.wait_for("asnA", None, 1).argument == {"i": 1}
    with pytest.raises(EventTimeout):
        d.wait_for("asnA", None, 0.01)
    assert len(d.events()) == 3 and len(d.events("asnA")) == 2  # history keeps them


def test_wait_for_an_event_that_arrives_later() -> None:
    d = Dispatcher()
    later(0.05, lambda: d.feed([event("asnA", x={"y": 1, "z": 2})]))
    assert d.wait_for("asnA", {"x": {"y": 1}}, 2).argument["x"]["z"] == 2


def test_event_timeout_lists_what_did_arrive_and_scales() -> None:
    d = Dispatcher(timeout_factor=3.0)
    d.feed([event("asnA", i=0)])
    later(0.01, lambda: d.feed([event("asnB", i=1), event("asnA", i=2)]))
    started = time.monotonic()
    with pytest.raises(EventTimeout) as info:
        d.wait_for("asnA", Where(lambda a: a.get("i") == 9, "i is 9"), 0.05)
    assert time.monotonic() - started >= 0.14
    text = str(info.value)
    assert text.startswith("no asnA event where i is 9 within 0.15 s")
    assert 'events received meanwhile: asnB {"i": 1}; asnA {"i": 2}' in text
    assert 'unconsumed earlier events: asnA {"i": 0}' in text


def test_where_descriptions() -> None:
    assert Where.of(None).description == "any argument"
    assert Where.of({"a": 1}).description == 'argument ⊇ {"a": 1}'

    def has_a(argument: dict[str, object]) -> bool:
        """a is present"""
        return "a" in argument

    assert Where.of(has_a).description == "a is present"
    lam = Where.of(lambda argument: argument.get("b") == 2)
    assert 'argument.get("b") == 2' in lam.description


def test_event_check_failure_is_queued_but_event_delivered() -> None:
    def check(invoke: Invoke) -> None:
        if invoke.operation_name == "asnBad":
            raise ConformanceViolation("event asnBad: schema")

    d = Dispatcher(check_event=check)
    d.feed([event("asnBad")])
    with pytest.raises(ConformanceViolation, match="event asnBad: schema"):
        d.wait_for("asnBad", timeout=1)
    assert d.wait_for("asnBad", timeout=1).operation_name == "asnBad"


def test_wait_for_fails_fast_when_the_server_closes() -> None:
    d = Dispatcher()
    later(0.05, lambda: d.connection_lost("closed without a close frame", expected=False))
    started = time.monotonic()
    with pytest.raises(ConnectionDropped, match="while waiting for a asnA event"):
        d.wait_for("asnA", timeout=5)
    assert time.monotonic() - started < 2


def test_assert_quiet_passes_on_silence_for_the_scaled_window() -> None:
    d = Dispatcher(timeout_factor=2.0)
    d.feed([event("asnA")])  # before the window: not counted
    started = time.monotonic()
    d.assert_quiet("asnA", 0.05)
    assert time.monotonic() - started >= 0.09


def test_assert_quiet_fails_on_a_matching_event() -> None:
    d = Dispatcher()
    later(0.05, lambda: d.feed([event("asnA", i=1), event("asnA", i=2)]))
    started = time.monotonic()
    with pytest.raises(UnwantedEvent, match=r'asnA event where argument ⊇ {"i": 2} arrived'):
        d.assert_quiet("asnA", 3, {"i": 2})
    assert time.monotonic() - started < 2  # fails when it arrives, not at the window's end


def test_assert_quiet_ignores_other_events_and_honours_since() -> None:
    d = Dispatcher()
    mark = d.mark()
    d.feed([event("asnA", i=1)])
    d.wait_for("asnA", timeout=1)  # consumed, still counted from the mark
    with pytest.raises(UnwantedEvent):
        d.assert_quiet("asnA", 0.01, since=mark)
    d.feed([event("asnB")])
    d.assert_quiet("asnA", 0.01)


def test_settle() -> None:
    d = Dispatcher()
    assert not d.settle("asnUserSessionDestroyed", 0.01)
    later(0.02, lambda: d.feed([event("asnUserSessionDestroyed", u8sSessionID="S")]))
    assert d.settle("asnUserSessionDestroyed", 2)


def test_factor_must_be_positive() -> None:
    with pytest.raises(SuiteError):
        Dispatcher(timeout_factor=0)


def test_reject_reply_is_delivered() -> None:
    d = Dispatcher()
    n = d.register("asnNope")
    d.feed([Reject(n, InvokeProblem.UNRECOGNISED_OPERATION)])
    assert d.wait_reply(n, 1)[0] == Reject(n, InvokeProblem.UNRECOGNISED_OPERATION)
