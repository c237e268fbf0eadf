"""Variations: CTI (suites/cti) — what a conformant PBX/UCServer may do that ours does not."""

from __future__ import annotations

from conformance.reference.cti import (
    ANSWER_ALLOWED,
    ANSWER_REFUSAL,
    CALL_STATE_REPORTED,
    CALLER_PRELUDE,
    LINE_NAMED,
    UNKNOWN_MONITOR_REFUSED,
)
from conformance.reference.directory import dialable_number
from conformance.reference.pbx import CallState
from conformance.reference.variations.registry import variation


@variation(
    "cti.idempotent-monitor-stop",
    "asnCtiLineMonitorStop of a cross reference the session does not hold answers the empty "
    "result (no error value fits: generalerror is 'not used in this case')",
    UNKNOWN_MONITOR_REFUSED,
    lines=(27279, 27283, 27285, 27287),
)
def _idempotent_monitor_stop(refused: bool) -> bool:
    return False


@variation(
    "cti.answer-refused-with-bsuccess-false",
    "asnCtiAnswerCall of a call that is not OFFERING answers the result with bSuccess false "
    "instead of an error",
    ANSWER_REFUSAL,
    lines=(25193,),
)
def _answer_refused_with_result(refusal: str) -> str:
    return "result"


@variation(
    "cti.lines-named-by-number",
    "lines are identified by their phone number, not their 'tel:' LineURI, in every line "
    "list, monitor result and event",
    LINE_NAMED,
    lines=(27503, 27505, 27507, 27509),
)
def _lines_named_by_number(line: str) -> str:
    return dialable_number(line)


@variation(
    "cti.callback-make-call",
    "asnCtiMakeCall first rings the calling line (OFFERING, then CONNECTED when it is taken) "
    "and only then dials the far end: the document orders no states (EnumCallState lists them)",
    CALLER_PRELUDE,
    lines=(4362, 4371, 24966, 24967, 24968, 24969),
)
def _callback_make_call(prelude: tuple[CallState, ...]) -> tuple[CallState, ...]:
    return (*prelude, CallState.OFFERING, CallState.CONNECTED)


@variation(
    "cti.prepare-call-first",
    "the calling line reports an extra intermediate state, PREPARECALL ('Anruf in "
    "vorbereitung'), before DIALING",
    CALLER_PRELUDE,
    lines=(4379,),
)
def _prepare_call_first(prelude: tuple[CallState, ...]) -> tuple[CallState, ...]:
    return (*prelude, CallState.PREPARECALL)


@variation(
    "cti.no-remote-answer",
    "the PBX cannot take a call off hook at the called phone: asnCtiAnswerCall never connects "
    "a call (a desk phone without remote control)",
    ANSWER_ALLOWED,
    lines=(25174, 25175, 25193),
    removes=("cti.remote_answer",),
)
def _no_remote_answer(allowed: bool) -> bool:
    return False


@variation(
    "cti.drop-reported-as-destroyed-only",
    "the far side of a dropped call goes straight to DESTROYED, never DISCONNECTED",
    CALL_STATE_REPORTED,
    lines=(4360, 4377),
)
def _drop_destroyed_only(state: int) -> int:
    return int(CallState.DESTROYED) if state == CallState.DISCONNECTED else state


@variation(
    "cti.drop-reported-as-disconnected-only",
    "a dropped call ends as DISCONNECTED on both sides, never DESTROYED",
    CALL_STATE_REPORTED,
    lines=(4360, 4377),
)
def _drop_disconnected_only(state: int) -> int:
    return int(CallState.DISCONNECTED) if state == CallState.DESTROYED else state
