"""Transport-free ROSE core shared by the client and the reference server.

Theory of operation
-------------------
The event channel is a WebSocket carrying ROSE (Remote Operations Service Element) messages as
JSON text (protocol-notes.md §2-§3). This module knows the messages and their JSON spelling and
nothing else: no sockets, no event loop, no correlation state. Adapters feed it text and get
frozen dataclasses back, or hand it dataclasses and get text to send.

Message kinds. A message is a JSON object with exactly one member naming its kind (a CHOICE;
an additional ``_type`` member is tolerated):

* ``invoke``: ``{"invoke": {"invokeID": n, "operationID": 0, "operationName": "asnXxx",
  "argument": {...}, "sessionID"?: "..."}}``, see :class:`Invoke`.
* ``result``: ``{"result": {"invokeID": n, "result": {"resultValue": 0, "result": {...}},
  "sessionID"?: "..."}}``, see :class:`Result`.
* ``error``: ``{"error": {"invokedID": n, "error_value": n, "error": {...},
  "sessionID"?: "..."}}``, see :class:`Error`.
* ``reject``: ``{"reject": {"invokedID": {"invokedID": n} | {"invokednull": null},
  "reject": {"<problem kind>": code}, "details"?: "..."}}``, see :class:`Reject`.

Mind the spellings: ``invokeID`` in invoke and result, ``invokedID`` (with a d) in error and
reject, ``error_value`` with an underscore.

Events are invokes sent by the server with invokeID ``EVENT_INVOKE_ID`` (99999); nobody answers
them. :class:`Invoke` refuses that id unless built with :meth:`Invoke.event`, so an ordinary
request can never be mistaken for an event, and :class:`InvokeIdAllocator` never hands it out.

Frames. A server frame holds a JSON array of messages (:func:`encode_frame`); a client sends one
message object per frame (:func:`encode_message`). :func:`parse_frame` accepts both forms, and an
empty array yields no messages.

Errors. Whatever the peer sent wrong raises ``RemoteProtocolError`` carrying the raw text; a
message our own code should not build raises ``LocalProtocolError``. Parsing is liberal where
servers vary without changing the meaning: ``_type`` and unknown members inside a message are
ignored, an optional member that is ``null`` counts as absent (§4 says senders omit it; flagging
that is the schema layer's job, not framing's), ``operationID`` defaults to 0, and a result
without payload is an empty result. It is strict where a deviation changes the meaning: ids must
be non-negative JSON integers (not strings, floats or booleans), the top-level CHOICE must have
exactly one member, and object keys must be unique.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import KW_ONLY, InitVar, dataclass
from enum import IntEnum
from typing import Any, TypeAlias, TypeGuard

from conformance.errors import LocalProtocolError, RemoteProtocolError

__all__ = [
    "EVENT_INVOKE_ID",
    "PROBLEM_KINDS",
    "Error",
    "GeneralProblem",
    "Invoke",
    "InvokeIdAllocator",
    "InvokeProblem",
    "JsonObject",
    "Message",
    "Reject",
    "RejectProblem",
    "Result",
    "ReturnErrorProblem",
    "ReturnResultProblem",
    "encode_frame",
    "encode_json",
    "encode_message",
    "is_event",
    "loads_json",
    "parse_frame",
    "parse_message",
    "to_json_obj",
]

EVENT_INVOKE_ID = 99999
"""The invokeID of every server event (an invoke that expects no reply)."""

JsonObject: TypeAlias = dict[str, Any]


class RejectProblem(IntEnum):
    """Base of the four reject problem enums; a member knows its wire kind via :attr:`kind`."""

    @property
    def kind(self) -> str:
        """The problem kind name used as the member key on the wire, e.g. ``invokeProblem``."""
        return _KIND_OF[type(self)]

    # Codes repeat across kinds (0 is both unrecognisedAPDU and duplicateInvocation), so a
    # problem equals another problem only of the same kind; against plain ints it is an int.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, RejectProblem):
            return type(self) is type(other) and int(self) == int(other)
        return int(self) == other

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return int.__hash__(self)

    @staticmethod
    def from_wire(kind: str, code: int) -> RejectProblem:
        """The member for a wire kind name and code; ``KeyError``/``ValueError`` if unknown."""
        return PROBLEM_KINDS[kind](code)


class GeneralProblem(RejectProblem):
    UNRECOGNISED_APDU = 0
    MISTYPED_APDU = 1
    BADLY_STRUCTURED_APDU = 2


class InvokeProblem(RejectProblem):
    DUPLICATE_INVOCATION = 0
    UNRECOGNISED_OPERATION = 1
    MISTYPED_ARGUMENT = 2
    RESOURCE_LIMITATION = 3
    INITIATOR_RELEASING = 4
    UNRECOGNISED_LINKED_ID = 5
    LINKED_RESPONSE_UNEXPECTED = 6
    UNEXPECTED_CHILD_OPERATION = 7
    INVALID_SESSION_ID = 8
    AUTHENTICATION_INCOMPLETE = 9
    AUTHENTICATION_FAILED = 10


class ReturnResultProblem(RejectProblem):
    UNRECOGNISED_INVOCATION = 0
    RESULT_RESPONSE_UNEXPECTED = 1
    MISTYPED_RESULT = 2


class ReturnErrorProblem(RejectProblem):
    UNRECOGNISED_INVOCATION = 0
    ERROR_RESPONSE_UNEXPECTED = 1
    UNRECOGNISED_ERROR = 2
    UNEXPECTED_ERROR = 3
    MISTYPED_PARAMETER = 4


PROBLEM_KINDS: Mapping[str, type[RejectProblem]] = {
    "generalProblem": GeneralProblem,
    "invokeProblem": InvokeProblem,
    "returnResultProblem": ReturnResultProblem,
    "returnErrorProblem": ReturnErrorProblem,
}

_KIND_OF: Mapping[type[RejectProblem], str] = {cls: kind for kind, cls in PROBLEM_KINDS.items()}


def _is_int(value: object) -> TypeGuard[int]:
    # bool is an int subclass, but true/false is not an integer on the wire.
    return isinstance(value, int) and not isinstance(value, bool)


def _check(ok: bool, what: str, expected: str, value: object) -> None:
    if not ok:
        raise LocalProtocolError(f"{what} must be {expected}, got {value!r}")


def _check_id(value: object, what: str) -> None:
    _check(_is_int(value) and value >= 0, what, "a non-negative int", value)


def _check_optional(value: object, cls: type | tuple[type, ...], what: str) -> None:
    names = " or ".join(c.__name__ for c in (cls if isinstance(cls, tuple) else (cls,)))
    _check(value is None or isinstance(value, cls), what, f"{names} or None", value)


@dataclass(frozen=True)
class Invoke:
    """A request to run an operation; an event when ``invoke_id`` is ``EVENT_INVOKE_ID``.

    Build events with :meth:`Invoke.event`; the plain constructor refuses the event id so that
    an ordinary request cannot be mistaken for one (``dataclasses.replace`` on an event needs
    ``_event=True`` for the same reason).
    """

    invoke_id: int
    operation_name: str
    argument: JsonObject | list[Any] | None = None
    """An object, or an array for the one array-typed argument (asnMgmtSetMeshNodeConfigs)."""
    operation_id: int = 0
    session_id: str | None = None
    _: KW_ONLY
    _event: InitVar[bool] = False

    def __post_init__(self, _event: bool) -> None:
        _check_id(self.invoke_id, "invoke_id")
        if self.invoke_id == EVENT_INVOKE_ID and not _event:
            raise LocalProtocolError(
                f"invoke_id {EVENT_INVOKE_ID} is reserved for events; use Invoke.event()"
            )
        _check_id(self.operation_id, "operation_id")
        name = self.operation_name
        # The name may be left out ("") when the number says which operation (protocol-notes §3).
        named = isinstance(name, str) and (name != "" or self.operation_id > 0)
        _check(named, "operation_name", "a non-empty str (or '' with an operation_id)", name)
        _check_optional(self.argument, (dict, list), "argument")
        _check_optional(self.session_id, str, "session_id")

    @classmethod
    def event(
        cls,
        operation_name: str,
        argument: JsonObject | None = None,
        operation_id: int = 0,
        session_id: str | None = None,
    ) -> Invoke:
        """An event: an invoke with ``EVENT_INVOKE_ID`` that expects no reply."""
        return cls(EVENT_INVOKE_ID, operation_name, argument, operation_id, session_id, _event=True)

    @property
    def is_event(self) -> bool:
        return self.invoke_id == EVENT_INVOKE_ID


def _check_reply_id(invoke_id: object) -> None:
    _check_id(invoke_id, "invoke_id")
    if invoke_id == EVENT_INVOKE_ID:
        raise LocalProtocolError(f"events (invoke_id {EVENT_INVOKE_ID}) expect no result or error")


@dataclass(frozen=True)
class Result:
    """The successful answer to an invoke; ``result`` is the payload, or None if empty.

    The payload is an object, except for the two operations whose result type is an array
    (asnMgmtGetMeshNodeConfigs, asnMgmtGetMeshNodeStatuses).
    """

    invoke_id: int
    result: JsonObject | list[Any] | None
    result_value: int = 0
    session_id: str | None = None

    def __post_init__(self) -> None:
        _check_reply_id(self.invoke_id)
        _check_optional(self.result, (dict, list), "result")
        _check(_is_int(self.result_value), "result_value", "an int", self.result_value)
        _check_optional(self.session_id, str, "session_id")

    @classmethod
    def for_invoke(
        cls, invoke: Invoke, result: JsonObject | list[Any] | None, result_value: int = 0
    ) -> Result:
        """The result answering ``invoke``, echoing its id and session id."""
        return cls(invoke.invoke_id, result, result_value, invoke.session_id)


@dataclass(frozen=True)
class Error:
    """An operation-specific failure answering an invoke (e.g. an ``AsnRequestError``)."""

    invoke_id: int
    error_value: int
    error: JsonObject
    session_id: str | None = None

    def __post_init__(self) -> None:
        _check_reply_id(self.invoke_id)
        _check(_is_int(self.error_value), "error_value", "an int", self.error_value)
        _check(isinstance(self.error, dict), "error", "a dict", self.error)
        _check_optional(self.session_id, str, "session_id")

    @classmethod
    def for_invoke(cls, invoke: Invoke, error_value: int, error: JsonObject) -> Error:
        """The error answering ``invoke``, echoing its id and session id."""
        return cls(invoke.invoke_id, error_value, error, invoke.session_id)


@dataclass(frozen=True)
class Reject:
    """A refusal at the ROSE level; ``invoke_id`` is None when the culprit had no usable id.

    Unlike a result or error, a reject may name the event id: a receiver may reject an event
    it cannot decode.
    """

    invoke_id: int | None
    problem: RejectProblem
    details: str | None = None
    session_id: str | None = None

    def __post_init__(self) -> None:
        if self.invoke_id is not None:
            _check_id(self.invoke_id, "invoke_id")
        problem = self.problem
        _check(isinstance(problem, RejectProblem), "problem", "a RejectProblem", problem)
        _check_optional(self.details, str, "details")
        _check_optional(self.session_id, str, "session_id")

    @classmethod
    def for_invoke(
        cls, invoke: Invoke, problem: RejectProblem, details: str | None = None
    ) -> Reject:
        """The reject answering ``invoke``, echoing its id and session id."""
        return cls(invoke.invoke_id, problem, details, invoke.session_id)

    @classmethod
    def for_unparseable(
        cls, details: str, problem: RejectProblem = GeneralProblem.BADLY_STRUCTURED_APDU
    ) -> Reject:
        """The reject for a frame that could not be decoded, so has no invoke id to echo."""
        return cls(None, problem, details)


Message: TypeAlias = Invoke | Result | Error | Reject


def is_event(msg: Message) -> bool:
    """True for a server event (an invoke with ``EVENT_INVOKE_ID``)."""
    return isinstance(msg, Invoke) and msg.is_event


# --- serialising -----------------------------------------------------------------------------


def _with_session(body: JsonObject, session_id: str | None) -> JsonObject:
    # An absent optional member is omitted, never null (protocol-notes.md §4).
    if session_id is not None:
        body["sessionID"] = session_id
    return body


def to_json_obj(msg: Message) -> JsonObject:
    """The JSON object (before text encoding) for one message."""
    if isinstance(msg, Invoke):
        body: JsonObject = {"invokeID": msg.invoke_id, "operationID": msg.operation_id}
        if msg.operation_name:
            body["operationName"] = msg.operation_name
        if msg.argument is not None:
            body["argument"] = msg.argument
        return {"invoke": _with_session(body, msg.session_id)}
    if isinstance(msg, Result):
        inner: JsonObject = {"resultValue": msg.result_value}
        if msg.result is not None:
            inner["result"] = msg.result
        return {
            "result": _with_session({"invokeID": msg.invoke_id, "result": inner}, msg.session_id)
        }
    if isinstance(msg, Error):
        body = {"invokedID": msg.invoke_id, "error_value": msg.error_value, "error": msg.error}
        return {"error": _with_session(body, msg.session_id)}
    if isinstance(msg, Reject):
        invoked: JsonObject = (
            {"invokednull": None} if msg.invoke_id is None else {"invokedID": msg.invoke_id}
        )
        body = {"invokedID": invoked, "reject": {msg.problem.kind: int(msg.problem)}}
        if msg.details is not None:
            body["details"] = msg.details
        return {"reject": _with_session(body, msg.session_id)}
    raise LocalProtocolError(f"not a ROSE message: {msg!r}")


def encode_json(value: object) -> str:
    """Compact JSON text of any value (LocalProtocolError if it is not JSON)."""
    return _dumps(value)


def _dumps(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise LocalProtocolError(f"payload is not JSON-serialisable: {exc}") from exc


def encode_message(msg: Message) -> str:
    """Compact JSON text for one message: what a client sends in one frame."""
    return _dumps(to_json_obj(msg))


def encode_frame(messages: Iterable[Message]) -> str:
    """Compact JSON array of messages: what a server sends in one frame."""
    return _dumps([to_json_obj(m) for m in messages])


# --- parsing ---------------------------------------------------------------------------------


class _Malformed(Exception):
    """Internal: a parse failure before the raw text is attached."""


def _member(obj: Mapping[str, Any], key: str) -> Any:
    if key not in obj:
        raise _Malformed(f"missing member {key!r}")
    return obj[key]


def _optional(obj: Mapping[str, Any], key: str, default: object = None) -> Any:
    value = obj.get(key)
    return default if value is None else value


def _choice(obj: object, what: str) -> tuple[str, Any]:
    """The single chosen member of a JSON CHOICE, ignoring ``_type``."""
    if not isinstance(obj, dict):
        raise _Malformed(f"{what} must be an object, got {obj!r}")
    members = [(k, v) for k, v in obj.items() if k != "_type"]
    if len(members) != 1:
        raise _Malformed(f"{what} must have exactly one member, got {sorted(obj)}")
    return members[0]


# Parsers only pick members out; the constructors check their types, and _parse turns their
# LocalProtocolError into a complaint about the peer.


def _parse_invoke(body: JsonObject) -> Invoke:
    invoke_id = _member(body, "invokeID")
    args = (
        _optional(body, "operationName", ""),  # "": the number alone names the operation
        _optional(body, "argument"),
        _optional(body, "operationID", 0),  # plain JSON clients send 0 and the name
        _optional(body, "sessionID"),
    )
    if invoke_id == EVENT_INVOKE_ID and _is_int(invoke_id):
        return Invoke.event(*args)
    return Invoke(invoke_id, *args)


def _parse_result(body: JsonObject) -> Result:
    inner = _optional(body, "result", {})  # no ResultSeq at all: an empty result
    if not isinstance(inner, dict):
        raise _Malformed(f"result 'result' must be an object, got {inner!r}")
    return Result(
        _member(body, "invokeID"),
        _optional(inner, "result"),
        _optional(inner, "resultValue", 0),
        _optional(body, "sessionID"),
    )


def _parse_error(body: JsonObject) -> Error:
    return Error(
        _member(body, "invokedID"),
        _member(body, "error_value"),
        _member(body, "error"),
        _optional(body, "sessionID"),
    )


def _parse_reject(body: JsonObject) -> Reject:
    form, value = _choice(_member(body, "invokedID"), "reject 'invokedID'")
    if form == "invokedID" and _is_int(value) and value >= 0:
        invoke_id: int | None = value
    elif form == "invokednull" and value is None:
        invoke_id = None
    else:
        raise _Malformed("reject 'invokedID' must be {'invokedID': n} or {'invokednull': null}")
    kind, code = _choice(_member(body, "reject"), "reject problem")
    try:
        if not _is_int(code):
            raise ValueError(code)
        problem = RejectProblem.from_wire(kind, code)
    except (KeyError, ValueError):
        raise _Malformed(f"unknown reject problem {kind!r}: {code!r}") from None
    return Reject(invoke_id, problem, _optional(body, "details"), _optional(body, "sessionID"))


_PARSERS: Mapping[str, Callable[[JsonObject], Message]] = {
    "invoke": _parse_invoke,
    "result": _parse_result,
    "error": _parse_error,
    "reject": _parse_reject,
}


def _parse(obj: object) -> Message:
    if not isinstance(obj, dict):
        raise _Malformed(f"a ROSE message must be a JSON object, got {type(obj).__name__}")
    kind, body = _choice(obj, "a ROSE message")
    if kind not in _PARSERS:
        raise _Malformed(f"unknown message kind {kind!r}; expected one of {', '.join(_PARSERS)}")
    if not isinstance(body, dict):
        raise _Malformed(f"{kind!r} must be an object, got {body!r}")
    try:
        return _PARSERS[kind](body)
    except LocalProtocolError as exc:  # a constructor refused a value the peer sent
        raise _Malformed(f"{kind}: {exc}") from None


def parse_message(obj: object, raw: str | bytes | None = None) -> Message:
    """One message from an already decoded JSON value.

    ``raw`` is the text the value came from, attached to any ``RemoteProtocolError``; without it
    the value is re-encoded for the report.
    """
    try:
        return _parse(obj)
    except _Malformed as exc:
        if raw is None:
            raw = json.dumps(obj, ensure_ascii=False, default=repr)
        raise RemoteProtocolError(str(exc), raw=raw) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> JsonObject:
    # json keeps the last of duplicate keys silently; two "invoke" members would hide a message.
    obj = dict(pairs)
    if len(obj) != len(pairs):
        dupes = sorted(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
        raise ValueError(f"duplicate object keys {dupes}")
    return obj


def loads_json(text: str | bytes) -> Any:
    """RFC 8259 JSON as the wire carries it, strictly: UTF-8, no NaN/Infinity, no duplicate
    keys; anything else (nesting too deep included) is a ``ValueError``. Client and reference
    server both decode with this, so they cannot disagree on what is JSON."""
    try:
        decoded = text.decode("utf-8") if isinstance(text, bytes) else text
        return json.loads(decoded, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise ValueError("nesting too deep") from exc


def parse_frame(text: str | bytes) -> list[Message]:
    """All messages of one received frame: a JSON array of messages, or a single message object.

    An empty array is a frame without messages and yields ``[]``.
    """
    try:
        value = loads_json(text)
        items = value if isinstance(value, list) else [value]
        return [_parse(item) for item in items]
    # ValueError covers bad UTF-8, bad JSON and integers beyond Python's digit limit.
    except ValueError as exc:
        raise RemoteProtocolError(f"frame is not JSON text: {exc}", raw=text) from None
    except _Malformed as exc:
        raise RemoteProtocolError(str(exc), raw=text) from None


# --- invoke ids ------------------------------------------------------------------------------


class InvokeIdAllocator:
    """Thread-safe source of invoke ids: ``first``, ``first + 1``, ... ``maximum``, then ``first``.

    ``first`` must be at least 1: 0 is avoided because loosely typed peers treat it as "no id".
    ``EVENT_INVOKE_ID`` is always skipped. Ids repeat after wrapping, so a caller with
    long-outstanding invokes passes them as ``busy`` to :meth:`allocate`.
    """

    def __init__(self, first: int = 1, maximum: int = EVENT_INVOKE_ID - 1) -> None:
        _check_id(first, "first")
        _check_id(maximum, "maximum")
        if first < 1 or maximum < first or (first == maximum == EVENT_INVOKE_ID):
            raise LocalProtocolError(f"invalid invoke id range {first}..{maximum}")
        self._first = first
        self._maximum = maximum
        self._next = first
        self._lock = threading.Lock()

    def allocate(self, busy: Container[int] = ()) -> int:
        """The next id that is neither the event id nor in ``busy``."""
        with self._lock:
            for _ in range(self._maximum - self._first + 1):
                candidate = self._next
                self._next = self._first if candidate >= self._maximum else candidate + 1
                if candidate != EVENT_INVOKE_ID and candidate not in busy:
                    return candidate
        raise LocalProtocolError(f"all invoke ids {self._first}..{self._maximum} are in use")
