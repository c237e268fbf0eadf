"""Well-formed frames with troublesome invokes are answered, and the session lives on.

protocol-notes.md §2-§3: every invoke gets its answer, correlated by invokeID only (the server
is multi-threaded, replies may come in any order); an invoke whose operation the server does
not know or whose argument it cannot decode gets a reject (invokeProblem unrecognisedOperation
1, mistypedArgument 2), a duplicate invokeID the reject duplicateInvocation (0). None of it may
drop the connection or go unanswered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conformance.client.exceptions import ConnectionDropped, OperationNotImplemented
from conformance.errors import ConformanceViolation
from conformance.plugin import SessionFactory
from conformance.profile import User
from conformance.rose import InvokeProblem, Reject

if TYPE_CHECKING:
    from conftest import Robust

pytestmark = [
    pytest.mark.module("Robustness"),
    pytest.mark.spec("1.1", line=39),
    pytest.mark.requires("users>=1"),
]

PROBE = "asnGetLoggedInContact"
UNKNOWN_OPERATION = "asnUcconfNoSuchOperation"
PIPELINED = 200
MEGABYTE = 1024 * 1024
MESSAGE_TOO_BIG = 1009  # RFC 6455 7.4.1: "a message that is too big for it to process"
ANSWER_TIMEOUT = 10.0
"""Seconds (scaled) each of the pipelined or duplicate invokes may take to be answered."""


@pytest.mark.sends("asnGetLoggedInContact")
def test_unknown_operation_is_rejected_as_unrecognised(robust: Robust) -> None:
    """protocol-notes §3: "whose operation the server does not know, gets a reject": an invoke
    of an operation the document does not define is answered with invokeProblem
    unrecognisedOperation addressed to its invokeID."""
    outcome = robust.session.invoke(UNKNOWN_OPERATION, {}, check_argument=False)
    reject = outcome.expect_reject()
    assert reject.problem == InvokeProblem.UNRECOGNISED_OPERATION, (
        f"{UNKNOWN_OPERATION}: expected invokeProblem unrecognisedOperation, got "
        f"{reject.problem.kind} {reject.problem.name}"
    )
    robust.still_answers()


@pytest.mark.spec("10.1.4", line=14359)
@pytest.mark.sends("asnGetLoggedInContact", "asnGetUserToken")
def test_argument_with_wrong_member_types_is_rejected_as_mistyped(robust: Robust) -> None:
    """protocol-notes §3: an argument the server cannot decode gets a reject: asnGetUserToken
    (10.1.4, L14359-L14402) with the integers iType and iTTL sent as strings is answered with
    invokeProblem mistypedArgument (a server without the operation: unrecognisedOperation)."""
    argument = {"iType": "login", "iTTL": "one day"}
    outcome = robust.session.invoke("asnGetUserToken", argument, check_argument=False)
    reject = outcome.expect_reject()
    if reject.problem == InvokeProblem.UNRECOGNISED_OPERATION:
        raise OperationNotImplemented("asnGetUserToken", reject.details)
    assert reject.problem == InvokeProblem.MISTYPED_ARGUMENT, (
        "asnGetUserToken with string iType/iTTL: expected invokeProblem mistypedArgument, got "
        f"{reject.problem.kind} {reject.problem.name}"
    )
    robust.still_answers()


@pytest.mark.sends("asnGetLoggedInContact")
def test_megabyte_string_member_is_answered_or_refused_as_too_big(
    robust: Robust, session_factory: SessionFactory, robust_user: User
) -> None:
    """protocol-notes §4: objects may carry members the document does not define; an invoke
    with a 1 MiB string member is answered (result, error or reject) within the timeout and
    the connection survives it, or, since the document sets no frame size and a WebSocket
    endpoint may refuse a message too big to process, the server closes the connection with
    1009 (RFC 6455 7.4.1), after which a new session of the user works."""
    argument = {"u8sUcconfPadding": "x" * MEGABYTE}
    try:
        robust.session.invoke(PROBE, argument, check_argument=False)
    except ConnectionDropped:
        if robust.session.close_code != MESSAGE_TOO_BIG:
            raise
        session_factory(robust_user.alias).invoke(PROBE, {}).expect_result()
        return
    robust.still_answers()


@pytest.mark.sends("asnGetLoggedInContact")
def test_pipelined_invokes_are_all_answered(robust: Robust) -> None:
    """protocol-notes §2: "results may arrive in a different order than the invokes were sent
    ... Correlate by invoke id only": 200 invokes written back to back without waiting each
    get exactly their own answer (schema-valid), and the session still works."""
    ids = [robust.session.reserve_invoke_id() for _ in range(PIPELINED)]
    frames = [robust.invoke_frame(invoke_id, PROBE, {}) for invoke_id in ids]
    mark = robust.session.send_raw(*frames, label=f"{PIPELINED} pipelined invokes")
    for invoke_id in ids:
        reply = robust.session.wait_raw(invoke_id, since=mark, timeout=ANSWER_TIMEOUT)
        robust.check_reply(PROBE, reply.message)
    robust.still_answers()


@pytest.mark.sends("asnGetLoggedInContact")
def test_duplicate_invoke_id_is_rejected_or_answered_twice(robust: Robust) -> None:
    """protocol-notes §3 (invokeProblem duplicateInvocation 0): two invokes with one invokeID,
    written back to back, get two answers addressed to that id: a result and the reject
    duplicateInvocation (the second arrived while the first ran), or two results (the first
    was done before the second was read); never one answer, never a dropped connection."""
    invoke_id = robust.session.reserve_invoke_id()
    frame = robust.invoke_frame(invoke_id, PROBE, {})
    mark = robust.session.send_raw(frame, frame, label="two invokes with one invokeID")
    first = robust.session.wait_raw(invoke_id, since=mark, timeout=ANSWER_TIMEOUT)
    second = robust.session.wait_raw(invoke_id, since=first.seq, timeout=ANSWER_TIMEOUT)
    answers = [first.message, second.message]
    rejects = [m for m in answers if isinstance(m, Reject)]
    if any(m.problem != InvokeProblem.DUPLICATE_INVOCATION for m in rejects) or len(rejects) > 1:
        raise ConformanceViolation(
            f"two invokes with invokeID {invoke_id}: expected a result and a reject "
            f"duplicateInvocation, or two results; got {answers!r}"
        )
    for message in answers:
        robust.check_reply(PROBE, message)
    robust.still_answers()
