"""Frames that are no well-formed ROSE invoke get a reject, and the session lives on.

protocol-notes.md §2-§3: the event channel carries JSON text, one ROSE message object per
client frame; a message the server cannot decode "gets a reject, never a silent drop and never
a dropped connection", the reject naming the invoke (``{"invokedID": n}``) or, when no id can be
read, none (``{"invokednull": null}``), with the decoder's message in ``details``. The document
itself defines ROSE only as "ROSEInvoke ANY Parameters" (L691-L693); the event channel is the
session's (1.1, L39-L42: "it is always required to create a user session").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conformance.errors import ConformanceViolation
from conformance.rose import InvokeProblem, Reject

if TYPE_CHECKING:
    from conftest import Robust

pytestmark = [
    pytest.mark.module("Robustness"),
    pytest.mark.spec("1.1", line=39),
    pytest.mark.requires("users>=1"),
]

MALFORMED = {
    "truncated": '{"invoke": {"invokeID": __ID__, "operationName": "asnGetLoggedInContact"',
    "not-json": "ucconf: this frame is no JSON text",
    "trailing-garbage": '{"invoke": {"invokeID": __ID__, "operationName": "x"}} }',
}
NOT_ROSE = {
    "object-without-kind": '{"ucconf": {"invokeID": __ID__}}',
    "number": "4711",
    "string": '"invoke"',
}


READ_BY_A_LENIENT_READER = frozenset({"trailing-garbage"})
"""Frames whose first complete JSON value is an invoke: a reader that stops there (as many JSON
libraries' streaming readers do) dispatches that invoke, of the unknown operation "x"."""


@pytest.mark.parametrize("name", list(MALFORMED), ids=list(MALFORMED))
@pytest.mark.sends("asnGetLoggedInContact")
def test_malformed_json_frame_gets_a_general_problem_reject(robust: Robust, name: str) -> None:
    """protocol-notes §3: a frame that is not JSON text cannot be decoded; it is answered with
    a reject (generalProblem, the decoder's message in details), the connection stays open. A
    frame holding a complete invoke followed by garbage may also be read as that invoke by a
    lenient reader and then rejected as invokeProblem unrecognisedOperation."""
    invoke_id, text = robust.frame(MALFORMED[name])
    reject = robust.reject_to(text, to=invoke_id, what="a malformed JSON frame")
    lenient = name in READ_BY_A_LENIENT_READER and (
        reject.problem == InvokeProblem.UNRECOGNISED_OPERATION
    )
    assert reject.problem.kind == "generalProblem" or lenient, (
        f"a malformed JSON frame: expected a generalProblem reject, got {reject.problem!r}"
    )
    robust.still_answers()


@pytest.mark.parametrize("frame", NOT_ROSE.values(), ids=list(NOT_ROSE))
@pytest.mark.sends("asnGetLoggedInContact")
def test_json_that_is_no_rose_message_is_rejected_or_ignored(robust: Robust, frame: str) -> None:
    """protocol-notes §3: a ROSE message is an object with exactly one member naming its kind
    (invoke, result, error, reject); the notes promise rejects for invokes the server cannot
    decode, not for frames that are no invoke at all. Such a frame is answered with a
    generalProblem reject or ignored; either way the connection stays open and the session
    answers the next invoke. A reply that did come (before that answer) must be the reject."""
    invoke_id, text = robust.frame(frame)
    mark = robust.session.send_raw(text, label="JSON that is no ROSE message")
    robust.still_answers()
    for reply in robust.session.raw_replies(mark):
        if reply.message.invoke_id not in (invoke_id, None):
            continue
        if not isinstance(reply.message, Reject) or reply.message.problem.kind != "generalProblem":
            raise ConformanceViolation(
                f"JSON that is no ROSE message was answered with {reply.message!r}; expected "
                "a generalProblem reject or nothing"
            )


@pytest.mark.sends("asnGetLoggedInContact")
def test_invoke_without_operation_name_is_rejected(robust: Robust) -> None:
    """protocol-notes §3: an invoke names its operation by ``operationName`` (JSON clients send
    ``operationID`` 0); one without it cannot be dispatched and is rejected, addressed to its
    invokeID or to none: generalProblem, or invokeProblem unrecognisedOperation."""
    invoke_id, text = robust.frame('{"invoke": {"invokeID": __ID__, "argument": {}}}')
    reject = robust.reject_to(text, to=invoke_id, what="an invoke without operationName")
    acceptable = reject.problem.kind == "generalProblem" or (
        reject.problem == InvokeProblem.UNRECOGNISED_OPERATION
    )
    assert acceptable, (
        "an invoke without operationName: expected a generalProblem reject or invokeProblem "
        f"unrecognisedOperation, got {reject.problem!r}"
    )
    robust.still_answers()
