"""Faults: results that do not match their schema (suites/sweep)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conformance.reference.dispatch import (
    OPERATION_RESULT,
)
from conformance.reference.faults.registry import fault

# --- schema: a result that does not match its schema --------------------------------------
# Each bends one operation's result after the server's own schema check, so only the client's
# validation can notice; the sweep validates every operation's result.

_SWEEP = "suites/sweep/test_every_operation.py::test_operation_answers_its_minimal_valid_argument"


def _result_of(
    operation: str, change: Callable[[dict[str, Any]], dict[str, Any]]
) -> Callable[[tuple[str, Any]], tuple[str, Any]]:
    def transform(outcome: tuple[str, Any]) -> tuple[str, Any]:
        name, result = outcome
        return (name, change(dict(result))) if name == operation else outcome

    return transform


fault(
    "schema.drop-required-member",
    "asnGetLicensedFeatureCount answers without its required licensedFeatures",
    OPERATION_RESULT,
    breaks=(f"{_SWEEP}[asnGetLicensedFeatureCount]",),
)(_result_of("asnGetLicensedFeatureCount", lambda r: {"optionalParams": {}}))

fault(
    "schema.wrong-member-type",
    "asnGetLocationIDs answers locationIDMD5ChecksumList as a string instead of an array",
    OPERATION_RESULT,
    breaks=(f"{_SWEEP}[asnGetLocationIDs]",),
)(_result_of("asnGetLocationIDs", lambda r: {**r, "locationIDMD5ChecksumList": "none"}))

fault(
    "schema.enum-out-of-range",
    "asnJournalGetSettings answers ePrivacyLevel 99, a value AsnJournalPrivateCallOptions lacks",
    OPERATION_RESULT,
    breaks=(f"{_SWEEP}[asnJournalGetSettings]",),
)(_result_of("asnJournalGetSettings", lambda r: {**r, "ePrivacyLevel": 99}))
