"""Tests of the transport-free ROSE core (protocol-notes.md §2-§3)."""

from __future__ import annotations

import dataclasses
import json
import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.errors import LocalProtocolError, RemoteProtocolError
from conformance.rose import (
    EVENT_INVOKE_ID,
    PROBLEM_KINDS,
    Error,
    GeneralProblem,
    Invoke,
    InvokeIdAllocator,
    InvokeProblem,
    Message,
    Reject,
    RejectProblem,
    Result,
    ReturnErrorProblem,
    ReturnResultProblem,
    encode_frame,
    encode_message,
    is_event,
    parse_frame,
    parse_message,
    to_json_obj,
)

SID = "0123456789ABCDEF0123456789ABCDEF"

SAMPLES: list[Message] = [
    Invoke(1, "asnGetLogons", {"_type": "AsnGetLogonsArgument"}),
    Invoke(2, "asnLogoff", None, session_id=SID),
    Invoke(3, "asnSomething", {"u8sText": "Grüße ☎"}, operation_id=4711),
    Invoke.event("asnChatMessageChanged", {"iSequenceID": 5}),
    Invoke.event("asnUpdateMyPresence", None, session_id=SID),
    Result(1, {"_type": "AsnGetLogonsResult", "iCount": 2}),
    Result(2, None, session_id=SID),
    Result(3, {}, result_value=7),
    Error(4, 0, {"_type": "AsnRequestError", "iErrorDetail": 1, "u8sErrorString": "x"}),
    Error(5, -3, {}, session_id=SID),
    Reject(6, InvokeProblem.UNRECOGNISED_OPERATION),
    Reject(None, GeneralProblem.BADLY_STRUCTURED_APDU, "Expecting value: line 1 column 1"),
    Reject(EVENT_INVOKE_ID, ReturnResultProblem.MISTYPED_RESULT, session_id=SID),
    Reject(0, ReturnErrorProblem.MISTYPED_PARAMETER, ""),
]


# --- wire shapes (protocol-notes.md §3) ---------------------------------------------------------


def test_invoke_wire_shape() -> None:
    msg = Invoke(12, "asnGetLogons", {"iFlags": 1}, session_id=SID)
    assert to_json_obj(msg) == {
        "invoke": {
            "invokeID": 12,
            "operationID": 0,
            "operationName": "asnGetLogons",
            "argument": {"iFlags": 1},
            "sessionID": SID,
        }
    }


def test_invoke_without_argument_or_session_omits_them() -> None:
    assert to_json_obj(Invoke(1, "asnLogoff")) == {
        "invoke": {"invokeID": 1, "operationID": 0, "operationName": "asnLogoff"}
    }


def test_event_wire_shape() -> None:
    msg = Invoke.event("asnChatMessageChanged", {"iSequenceID": 1})
    assert to_json_obj(msg) == {
        "invoke": {
            "invokeID": 99999,
            "operationID": 0,
            "operationName": "asnChatMessageChanged",
            "argument": {"iSequenceID": 1},
        }
    }
    assert msg.is_event and is_event(msg)
    assert not is_event(Invoke(1, "asnX")) and not Invoke(1, "asnX").is_event
    assert not is_event(Reject(EVENT_INVOKE_ID, GeneralProblem.MISTYPED_APDU))


def test_result_wire_shape() -> None:
    msg = Result(7, {"iCount": 0, "_type": "AsnXxxResult"}, session_id=SID)
    assert to_json_obj(msg) == {
        "result": {
            "invokeID": 7,
            "result": {"resultValue": 0, "result": {"iCount": 0, "_type": "AsnXxxResult"}},
            "sessionID": SID,
        }
    }
    assert to_json_obj(Result(8, None)) == {"result": {"invokeID": 8, "result": {"resultValue": 0}}}


def test_error_wire_shape() -> None:
    msg = Error(3, 0, {"_type": "AsnRequestError", "iErrorDetail": 5}, session_id=SID)
    assert to_json_obj(msg) == {
        "error": {
            "invokedID": 3,
            "error_value": 0,
            "error": {"_type": "AsnRequestError", "iErrorDetail": 5},
            "sessionID": SID,
        }
    }


def test_reject_wire_shape_with_id() -> None:
    msg = Reject(9, InvokeProblem.UNRECOGNISED_OPERATION, "no such operation")
    assert to_json_obj(msg) == {
        "reject": {
            "invokedID": {"invokedID": 9},
            "reject": {"invokeProblem": 1},
            "details": "no such operation",
        }
    }


def test_reject_wire_shape_without_id() -> None:
    msg = Reject(None, GeneralProblem.UNRECOGNISED_APDU, session_id=SID)
    assert to_json_obj(msg) == {
        "reject": {
            "invokedID": {"invokednull": None},
            "reject": {"generalProblem": 0},
            "sessionID": SID,
        }
    }


def test_encode_message_is_compact_utf8_text() -> None:
    text = encode_message(Invoke(1, "asnX", {"u8s": "Grüße"}))
    assert text == (
        '{"invoke":{"invokeID":1,"operationID":0,"operationName":"asnX","argument":{"u8s":"Grüße"}}}'
    )


def test_encode_frame_is_an_array() -> None:
    text = encode_frame(SAMPLES[:2])
    assert json.loads(text) == [to_json_obj(SAMPLES[0]), to_json_obj(SAMPLES[1])]
    assert encode_frame([]) == "[]"


# --- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("msg", SAMPLES, ids=repr)
def test_round_trip_single_object(msg: Message) -> None:
    assert parse_frame(encode_message(msg)) == [msg]
    assert parse_message(to_json_obj(msg)) == msg


def test_round_trip_frame_of_several_messages() -> None:
    assert parse_frame(encode_frame(SAMPLES)) == SAMPLES
    assert parse_frame(encode_frame(SAMPLES).encode("utf-8")) == SAMPLES


def test_parsed_event_is_an_event() -> None:
    (msg,) = parse_frame('[{"invoke":{"invokeID":99999,"operationName":"asnEv","argument":{}}}]')
    assert isinstance(msg, Invoke) and msg.is_event


def test_empty_array_is_a_frame_without_messages() -> None:
    assert parse_frame("[]") == []
    assert parse_frame(" [ ] ") == []


# Two levels of nesting are enough for framing; st.recursive costs more time than it finds bugs.
_leaf = st.none() | st.booleans() | st.integers() | st.text(max_size=6)
_value = (
    _leaf | st.lists(_leaf, max_size=2) | st.dictionaries(st.text(max_size=4), _leaf, max_size=2)
)
_objects = st.dictionaries(st.text(max_size=5), _value, max_size=3)
_ids = st.integers(min_value=0, max_value=2**40).filter(lambda n: n != EVENT_INVOKE_ID)
_sessions = st.none() | st.text(max_size=8)
_names = st.text(min_size=1, max_size=8)
_problems = st.sampled_from(
    [
        p
        for cls in (GeneralProblem, InvokeProblem, ReturnResultProblem, ReturnErrorProblem)
        for p in cls
    ]
)
_messages: st.SearchStrategy[Message] = st.one_of(
    st.builds(Invoke, _ids, _names, st.none() | _objects, st.integers(0, 2**31), _sessions),
    st.builds(Invoke.event, _names, st.none() | _objects, st.integers(0, 2**31), _sessions),
    st.builds(Result, _ids, st.none() | _objects, st.integers(-(2**31), 2**31), _sessions),
    st.builds(Error, _ids, st.integers(-(2**31), 2**31), _objects, _sessions),
    st.builds(
        Reject,
        st.none() | st.integers(min_value=0),
        _problems,
        st.none() | st.text(max_size=8),
        _sessions,
    ),
)


@settings(max_examples=200, deadline=None, database=None)
@given(_messages)
def test_round_trip_property(msg: Message) -> None:
    assert parse_frame(encode_frame([msg, msg])) == [msg, msg]
    assert parse_frame(encode_message(msg)) == [msg]


# --- liberal parsing ----------------------------------------------------------------------------


def test_type_members_and_unknown_envelope_members_are_tolerated() -> None:
    frame = json.dumps(
        [
            {"_type": "ROSEMessage", "invoke": {"invokeID": 1, "operationName": "asnX", "x": 1}},
            {
                "result": {
                    "_type": "ROSEResult",
                    "invokeID": 2,
                    "result": {"_type": "R", "resultValue": 0},
                }
            },
            {"error": {"invokedID": 3, "error_value": 1, "error": {}, "extra": [1]}},
            {
                "reject": {
                    "_type": "ROSEReject",
                    "invokedID": {"_type": "ROSERejectChoice", "invokedID": 4},
                    "reject": {"_type": "ROSERejectProblem", "generalProblem": 1},
                }
            },
        ]
    )
    assert parse_frame(frame) == [
        Invoke(1, "asnX", None),
        Result(2, None),
        Error(3, 1, {}),
        Reject(4, GeneralProblem.MISTYPED_APDU),
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"invokeID": 5},
        {"invokeID": 5, "result": None},
        {"invokeID": 5, "result": {"resultValue": 0}},
        {"invokeID": 5, "result": {"resultValue": 0, "result": None}},
        {"invokeID": 5, "result": {"result": None}},
    ],
)
def test_result_without_payload_is_an_empty_result(body: dict[str, Any]) -> None:
    assert parse_message({"result": body}) == Result(5, None)


def test_null_optional_members_count_as_absent() -> None:
    body = {"invokeID": 1, "operationName": "asnX", "operationID": None, "sessionID": None}
    assert parse_message({"invoke": body}) == Invoke(1, "asnX")
    reject = {"invokedID": {"invokednull": None}, "reject": {"invokeProblem": 8}, "details": None}
    assert parse_message({"reject": reject}) == Reject(None, InvokeProblem.INVALID_SESSION_ID)


# --- malformed input from the peer --------------------------------------------------------------

# Frames that are broken as text, or whose array holds something other than messages.
MALFORMED_TEXT: list[str | bytes] = [
    "",
    "not json",
    '{"invoke": ',
    b"\xff\xfe{}",
    '{"invoke":{"invokeID":NaN,"operationName":"asnX"}}',
    '{"invoke":{"invokeID":1,"operationName":"a"},"invoke":{"invokeID":2,"operationName":"b"}}',
    '{"invoke":{"invokeID":1,"operationName":"a","invokeID":2}}',
    "[1]",
    "[[]]",
    '[{"invoke":{"invokeID":1,"operationName":"asnX"}}, 7]',
]

# Well-formed JSON that is not a valid ROSE message.
MALFORMED_MESSAGES: list[str] = [
    "42",
    '"invoke"',
    "null",
    "{}",
    '{"_type": "ROSEMessage"}',
    '{"bogus": {}}',
    '{"invoke":{"invokeID":1,"operationName":"a"},"result":{"invokeID":1}}',
    '{"invoke":{"invokeID":1,"operationName":"a"},"extra":1}',
    '{"invoke": []}',
    '{"invoke": null}',
    # invoke
    '{"invoke":{"operationName":"asnX"}}',
    '{"invoke":{"invokeID":"1","operationName":"asnX"}}',
    '{"invoke":{"invokeID":1.0,"operationName":"asnX"}}',
    '{"invoke":{"invokeID":true,"operationName":"asnX"}}',
    '{"invoke":{"invokeID":-1,"operationName":"asnX"}}',
    '{"invoke":{"invokeID":1}}',
    '{"invoke":{"invokeID":1,"operationName":""}}',
    '{"invoke":{"invokeID":1,"operationName":7}}',
    '{"invoke":{"invokeID":1,"operationName":"asnX","argument":5}}',
    '{"invoke":{"invokeID":1,"operationName":"asnX","argument":"x"}}',
    '{"invoke":{"invokeID":1,"operationName":"asnX","operationID":"0"}}',
    '{"invoke":{"invokeID":1,"operationName":"asnX","sessionID":5}}',
    # result
    '{"result":{"result":{"resultValue":0}}}',
    '{"result":{"invokeID":"2","result":{"resultValue":0}}}',
    '{"result":{"invokeID":2,"result":[]}}',
    '{"result":{"invokeID":2,"result":0}}',
    '{"result":{"invokeID":2,"result":{"resultValue":"0"}}}',
    '{"result":{"invokeID":2,"result":{"resultValue":0,"result":"ok"}}}',
    '{"result":{"invokeID":99999,"result":{"resultValue":0}}}',
    # error
    '{"error":{"invokeID":3,"error_value":0,"error":{}}}',
    '{"error":{"invokedID":3,"errorValue":0,"error":{}}}',
    '{"error":{"invokedID":3,"error_value":0}}',
    '{"error":{"invokedID":3,"error_value":0,"error":null}}',
    '{"error":{"invokedID":3,"error_value":0,"error":"bad"}}',
    '{"error":{"invokedID":3,"error_value":false,"error":{}}}',
    '{"error":{"invokedID":{"invokedID":3},"error_value":0,"error":{}}}',
    # reject
    '{"reject":{"reject":{"generalProblem":0}}}',
    '{"reject":{"invokedID":4,"reject":{"generalProblem":0}}}',
    '{"reject":{"invokedID":{},"reject":{"generalProblem":0}}}',
    '{"reject":{"invokedID":{"invokedID":4,"invokednull":null},"reject":{"generalProblem":0}}}',
    '{"reject":{"invokedID":{"invokedID":"4"},"reject":{"generalProblem":0}}}',
    '{"reject":{"invokedID":{"invokedID":-4},"reject":{"generalProblem":0}}}',
    '{"reject":{"invokedID":{"invokednull":0},"reject":{"generalProblem":0}}}',
    '{"reject":{"invokedID":{"invokeID":4},"reject":{"generalProblem":0}}}',
    '{"reject":{"invokedID":{"invokedID":4}}}',
    '{"reject":{"invokedID":{"invokedID":4},"reject":{}}}',
    '{"reject":{"invokedID":{"invokedID":4},"reject":1}}',
    '{"reject":{"invokedID":{"invokedID":4},"reject":{"fooProblem":0}}}',
    '{"reject":{"invokedID":{"invokedID":4},"reject":{"generalProblem":3}}}',
    '{"reject":{"invokedID":{"invokedID":4},"reject":{"invokeProblem":11}}}',
    '{"reject":{"invokedID":{"invokedID":4},"reject":{"returnResultProblem":3}}}',
    '{"reject":{"invokedID":{"invokedID":4},"reject":{"returnErrorProblem":5}}}',
    '{"reject":{"invokedID":{"invokedID":4},"reject":{"invokeProblem":"1"}}}',
    '{"reject":{"invokedID":{"invokedID":4},"reject":{"invokeProblem":true}}}',
    '{"reject":{"invokedID":{"invokedID":4},"reject":{"invokeProblem":1,"generalProblem":0}}}',
    '{"reject":{"invokedID":{"invokedID":4},"reject":{"invokeProblem":1},"details":3}}',
]


@pytest.mark.parametrize("raw", [*MALFORMED_TEXT, *MALFORMED_MESSAGES], ids=repr)
def test_malformed_frame_raises_remote_protocol_error_with_raw(raw: str | bytes) -> None:
    with pytest.raises(RemoteProtocolError) as info:
        parse_frame(raw)
    assert info.value.raw == raw
    assert isinstance(info.value, AssertionError)  # reported as a failed check, not broken


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"invoke":{"invokeID":' + "1" * 5000 + ',"operationName":"a"}}',
    ],
    ids=["deeply nested", "huge integer"],
)
def test_pathological_frame_raises_remote_protocol_error(raw: str) -> None:
    with pytest.raises(RemoteProtocolError) as info:
        parse_frame(raw)
    assert info.value.raw == raw


@pytest.mark.parametrize("text", MALFORMED_MESSAGES)
def test_malformed_value_raises_remote_protocol_error(text: str) -> None:
    with pytest.raises(RemoteProtocolError) as info:
        parse_message(json.loads(text), raw=text)
    assert info.value.raw == text


def test_parse_message_reports_the_value_when_no_raw_is_given() -> None:
    with pytest.raises(RemoteProtocolError) as info:
        parse_message({"invoke": {"invokeID": "1", "operationName": "asnX"}})
    assert info.value.raw == '{"invoke": {"invokeID": "1", "operationName": "asnX"}}'
    with pytest.raises(RemoteProtocolError):
        parse_message([{"invoke": {"invokeID": 1, "operationName": "asnX"}}])


# --- misuse by our own code ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: Invoke(EVENT_INVOKE_ID, "asnX"),
        lambda: Invoke(-1, "asnX"),
        lambda: Invoke("1", "asnX"),  # type: ignore[arg-type]
        lambda: Invoke(True, "asnX"),
        lambda: Invoke(1, ""),
        lambda: Invoke(1, None),  # type: ignore[arg-type]
        lambda: Invoke(1, "asnX", "x"),  # type: ignore[arg-type]
        lambda: Invoke(1, "asnX", operation_id=-1),
        lambda: Invoke(1, "asnX", session_id=1),  # type: ignore[arg-type]
        lambda: Invoke.event(""),
        lambda: Result(EVENT_INVOKE_ID, {}),
        lambda: Result(-1, {}),
        lambda: Result(1, "x"),  # type: ignore[arg-type]
        lambda: Result(1, {}, result_value=1.5),  # type: ignore[arg-type]
        lambda: Error(EVENT_INVOKE_ID, 0, {}),
        lambda: Error(1, "0", {}),  # type: ignore[arg-type]
        lambda: Error(1, 0, None),  # type: ignore[arg-type]
        lambda: Reject(-1, GeneralProblem.MISTYPED_APDU),
        lambda: Reject(1, 1),  # type: ignore[arg-type]
        lambda: Reject(1, GeneralProblem.MISTYPED_APDU, details=5),  # type: ignore[arg-type]
    ],
)
def test_misuse_raises_local_protocol_error(build: Any) -> None:
    with pytest.raises(LocalProtocolError):
        build()


def test_replace_keeps_validating() -> None:
    with pytest.raises(LocalProtocolError):
        dataclasses.replace(Invoke(1, "asnX"), invoke_id=EVENT_INVOKE_ID)
    assert dataclasses.replace(Invoke(1, "asnX"), invoke_id=2) == Invoke(2, "asnX")


def test_messages_are_frozen() -> None:
    msg = Invoke(1, "asnX")
    with pytest.raises(dataclasses.FrozenInstanceError):
        msg.invoke_id = 2  # type: ignore[misc]


def test_unserialisable_payload_raises_local_protocol_error() -> None:
    with pytest.raises(LocalProtocolError):
        encode_message(Invoke(1, "asnX", {"when": object()}))
    with pytest.raises(LocalProtocolError):
        encode_frame([Result(1, {"r": float("nan")})])


def test_to_json_obj_refuses_non_messages() -> None:
    with pytest.raises(LocalProtocolError):
        to_json_obj("invoke")  # type: ignore[arg-type]


# --- helpers -------------------------------------------------------------------------------------


def test_replies_echo_the_invoke() -> None:
    inv = Invoke(42, "asnX", {}, session_id=SID)
    assert Result.for_invoke(inv, {"a": 1}) == Result(42, {"a": 1}, 0, SID)
    assert Error.for_invoke(inv, 2, {"iErrorDetail": 3}) == Error(42, 2, {"iErrorDetail": 3}, SID)
    reject = Reject.for_invoke(inv, InvokeProblem.MISTYPED_ARGUMENT, "bad")
    assert reject == Reject(42, InvokeProblem.MISTYPED_ARGUMENT, "bad", SID)
    event = Invoke.event("asnEv")
    assert Reject.for_invoke(event, InvokeProblem.MISTYPED_ARGUMENT).invoke_id == EVENT_INVOKE_ID
    with pytest.raises(LocalProtocolError):
        Result.for_invoke(event, {})


def test_reject_for_unparseable() -> None:
    reject = Reject.for_unparseable("Expecting value")
    assert reject == Reject(None, GeneralProblem.BADLY_STRUCTURED_APDU, "Expecting value")
    assert to_json_obj(reject)["reject"]["invokedID"] == {"invokednull": None}


# --- reject problem codes (protocol-notes.md §3) ------------------------------------------------


def test_problem_codes_match_the_notes() -> None:
    assert {p.name: int(p) for p in GeneralProblem} == {
        "UNRECOGNISED_APDU": 0,
        "MISTYPED_APDU": 1,
        "BADLY_STRUCTURED_APDU": 2,
    }
    assert {p.name: int(p) for p in InvokeProblem} == {
        "DUPLICATE_INVOCATION": 0,
        "UNRECOGNISED_OPERATION": 1,
        "MISTYPED_ARGUMENT": 2,
        "RESOURCE_LIMITATION": 3,
        "INITIATOR_RELEASING": 4,
        "UNRECOGNISED_LINKED_ID": 5,
        "LINKED_RESPONSE_UNEXPECTED": 6,
        "UNEXPECTED_CHILD_OPERATION": 7,
        "INVALID_SESSION_ID": 8,
        "AUTHENTICATION_INCOMPLETE": 9,
        "AUTHENTICATION_FAILED": 10,
    }
    assert {p.name: int(p) for p in ReturnResultProblem} == {
        "UNRECOGNISED_INVOCATION": 0,
        "RESULT_RESPONSE_UNEXPECTED": 1,
        "MISTYPED_RESULT": 2,
    }
    assert {p.name: int(p) for p in ReturnErrorProblem} == {
        "UNRECOGNISED_INVOCATION": 0,
        "ERROR_RESPONSE_UNEXPECTED": 1,
        "UNRECOGNISED_ERROR": 2,
        "UNEXPECTED_ERROR": 3,
        "MISTYPED_PARAMETER": 4,
    }


def test_problem_kinds() -> None:
    assert GeneralProblem.MISTYPED_APDU.kind == "generalProblem"
    assert InvokeProblem.AUTHENTICATION_FAILED.kind == "invokeProblem"
    assert ReturnResultProblem.MISTYPED_RESULT.kind == "returnResultProblem"
    assert ReturnErrorProblem.UNEXPECTED_ERROR.kind == "returnErrorProblem"
    assert dict(PROBLEM_KINDS) == {
        "generalProblem": GeneralProblem,
        "invokeProblem": InvokeProblem,
        "returnResultProblem": ReturnResultProblem,
        "returnErrorProblem": ReturnErrorProblem,
    }
    assert RejectProblem.from_wire("invokeProblem", 8) is InvokeProblem.INVALID_SESSION_ID


def test_same_code_of_another_kind_is_another_problem() -> None:
    assert GeneralProblem.UNRECOGNISED_APDU != InvokeProblem.DUPLICATE_INVOCATION
    assert not GeneralProblem.UNRECOGNISED_APDU == InvokeProblem.DUPLICATE_INVOCATION  # noqa: SIM201
    assert len({GeneralProblem.UNRECOGNISED_APDU, InvokeProblem.DUPLICATE_INVOCATION}) == 2
    assert (
        InvokeProblem.MISTYPED_ARGUMENT == 2 and InvokeProblem(2) is InvokeProblem.MISTYPED_ARGUMENT
    )
    a = Reject(1, ReturnResultProblem.UNRECOGNISED_INVOCATION)
    b = Reject(1, ReturnErrorProblem.UNRECOGNISED_INVOCATION)
    assert a != b
    assert parse_frame(encode_message(a)) != [b]


# --- invoke ids ----------------------------------------------------------------------------------


def test_allocator_starts_at_one_and_increments() -> None:
    ids = InvokeIdAllocator()
    assert [ids.allocate() for _ in range(3)] == [1, 2, 3]


def test_allocator_wraps_at_the_maximum() -> None:
    ids = InvokeIdAllocator(maximum=3)
    assert [ids.allocate() for _ in range(7)] == [1, 2, 3, 1, 2, 3, 1]


def test_allocator_default_range_wraps_before_the_event_id() -> None:
    ids = InvokeIdAllocator(first=99997)
    assert [ids.allocate() for _ in range(3)] == [99997, 99998, 99997]


def test_allocator_never_yields_the_event_id_even_across_it() -> None:
    ids = InvokeIdAllocator(first=99997, maximum=100001)
    got = [ids.allocate() for _ in range(10)]
    assert EVENT_INVOKE_ID not in got
    assert got[:5] == [99997, 99998, 100000, 100001, 99997]


def test_allocator_skips_busy_ids() -> None:
    ids = InvokeIdAllocator(maximum=4)
    assert ids.allocate(busy={1, 2}) == 3
    assert ids.allocate(busy={4, 1}) == 2
    with pytest.raises(LocalProtocolError):
        ids.allocate(busy={1, 2, 3, 4})


@pytest.mark.parametrize(
    ("first", "maximum"),
    [(0, 10), (-1, 10), (5, 4), (EVENT_INVOKE_ID, EVENT_INVOKE_ID), (1.5, 10)],
)
def test_allocator_rejects_bad_ranges(first: Any, maximum: Any) -> None:
    with pytest.raises(LocalProtocolError):
        InvokeIdAllocator(first, maximum)


def test_allocator_is_thread_safe() -> None:
    ids = InvokeIdAllocator()
    per_thread = 2000
    results: list[list[int]] = [[] for _ in range(8)]
    barrier = threading.Barrier(len(results))

    def work(out: list[int]) -> None:
        barrier.wait()
        out.extend(ids.allocate() for _ in range(per_thread))

    threads = [threading.Thread(target=work, args=(out,)) for out in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [n for out in results for n in out]
    assert len(set(everything)) == len(everything) == per_thread * len(results)
    assert set(everything) == set(range(1, per_thread * len(results) + 1))
