"""Faults: what a vendor's client writes or needs, refused or broken (suites/interop)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from conformance.reference.dispatch import ARGUMENT_REFUSAL
from conformance.reference.faults.registry import fault
from conformance.reference.faults.targets import _tests
from conformance.reference.state import OUTGOING_EVENT
from conformance.rose import Invoke

_DIALECTS = "suites/interop/test_dialects.py"
_NUMBERS = "suites/interop/test_event_numbers.py"
_BINARY = re.compile(r"bin[A-Z]|binarydata$")

Refusal = tuple[Any, str | None]


def _members(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (member name, value) pair anywhere in a JSON value."""
    if isinstance(value, list):
        for item in value:
            yield from _members(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from _members(item)


def _refuse_when(found: Callable[[str, Any], bool], why: str) -> Callable[[Refusal], Refusal]:
    def transform(outcome: Refusal) -> Refusal:
        argument, refusal = outcome
        if refusal is None and any(found(key, item) for key, item in _members(argument)):
            return argument, why
        return outcome

    return transform


fault(
    "interop.padded-base64-only",
    "arguments with base64 without '=' padding are refused as mistypedArgument",
    ARGUMENT_REFUSAL,
    breaks=_tests(_DIALECTS, "test_binary_data_in_either_dialect", "websocket", "http"),
)(
    _refuse_when(
        lambda key, item: bool(_BINARY.match(key)) and isinstance(item, str) and len(item) % 4 > 0,
        "base64 must be padded with '='",
    )
)

fault(
    "interop.object-optional-params-only",
    "arguments with optionalParams in the document's array form are refused",
    ARGUMENT_REFUSAL,
    breaks=_tests(
        _DIALECTS, "test_date_times_and_optional_parameters_in_either_dialect", "websocket", "http"
    ),
)(
    _refuse_when(
        lambda key, item: key == "optionalParams" and isinstance(item, list),
        "optionalParams must be an object",
    )
)


@fault(
    "interop.misrouting-event-number",
    "asnChatEvent goes out with operationID 1441 (asnChatUserStatus's number)",
    OUTGOING_EVENT,
    breaks=_tests(_NUMBERS, "test_events_carry_numbers_a_vendor_client_can_route"),
)
def _misrouting_number(event: Invoke) -> Invoke:
    if event.operation_name != "asnChatEvent":
        return event
    return replace(event, operation_id=1441, _event=True)
