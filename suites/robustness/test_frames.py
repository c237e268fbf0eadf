"""Frames that are no well-formed ROSE invoke get a reject, and the session lives on.

protocol-notes.md §2-§3: the event channel carries JSON text, one ROSE message object per
client frame; a message the server cannot decode "gets a reject, never a silent drop and never
a dropped connection", the reject naming the invoke (``{"invokedID": n}``) or, when no id can be
read, none (``{"invokednull": null}``), with the decoder's message in ``details``. The document
itself defines ROSE only as "ROSEInvoke ANY Parameters" (L691-L693); its client route carries
the event channel (1.3, L39-L42).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conformance.rose import InvokeProblem

if TYPE_CHECKING:
    from conftest import Robust

pytestmark = [
    pytest.mark.module("Robustness"),
    pytest.mark.spec("1.3", line=39),
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


@pytest.mark.parametrize("frame", MALFORMED.values(), ids=list(MALFORMED))
@pytest.mark.sends("asnGetLoggedInContact")
def test_malformed_json_frame_gets_a_general_problem_reject(robust: Robust, frame: str) -> None:
    """protocol-notes §3: a frame that is not JSON text cannot be decoded; it is answered with
    a reject (generalProblem, the decoder's message in details), the connection stays open."""
    invoke_id, text = robust.frame(frame)
    reject = robust.reject_to(text, to=invoke_id, what="a malformed JSON frame")
    assert reject.problem.kind == "generalProblem", (
        f"a malformed JSON frame: expected a generalProblem reject, got {reject.problem!r}"
    )
    robust.still_answers()


@pytest.mark.parametrize("frame", NOT_ROSE.values(), ids=list(NOT_ROSE))
@pytest.mark.sends("asnGetLoggedInContact")
def test_json_that_is_no_rose_message_gets_a_general_problem_reject(
    robust: Robust, frame: str
) -> None:
    """protocol-notes §3: a ROSE message is an object with exactly one member naming its kind
    (invoke, result, error, reject); other JSON is answered with a generalProblem reject."""
    invoke_id, text = robust.frame(frame)
    reject = robust.reject_to(text, to=invoke_id, what="JSON that is no ROSE message")
    assert reject.problem.kind == "generalProblem", (
        f"JSON that is no ROSE message: expected a generalProblem reject, got {reject.problem!r}"
    )
    robust.still_answers()


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
