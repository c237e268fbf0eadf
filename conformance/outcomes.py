"""The outcome classes every report distinguishes (design.md, "Outcomes").

passed; failed (the target is not conformant); not implemented (the target rejects the
operation as unrecognisedOperation); skipped (the profile lacks a capability); error (the
suite, the profile or the network broke). Only "failed" means the server is wrong.
"""

from __future__ import annotations

PASSED = "passed"
FAILED = "failed"
NOT_IMPLEMENTED = "not implemented"
SKIPPED = "skipped"
ERROR = "error"
OUTCOMES = (PASSED, FAILED, NOT_IMPLEMENTED, SKIPPED, ERROR)

OUTCOME_PROPERTY = "conformance_outcome"
"""The JUnit/pytest user property carrying a test's outcome class."""

SWEEP_PROPERTY = "conformance_sweep"
"""The sweep's verdict on one operation (empty until the operation was judged)."""
RESULT = "result"
"""Answered, and the result validates."""
SCHEMA_VALID_ERROR = "error"
"""A schema-valid error: the argument was understood."""
RIGHTS = "rights"
"""Refused for missing rights, where the document restricts the operation."""
NOT_SENT = "not sent"
"""Gated: the run does not allow the operation's effect class."""
BROKEN = "broken"
"""The sweep's name for the outcome *error* (the suite broke), apart from a schema-valid error."""
SWEEP_VERDICTS = (
    RESULT,
    SCHEMA_VALID_ERROR,
    RIGHTS,
    NOT_SENT,
    NOT_IMPLEMENTED,
    SKIPPED,
    FAILED,
    BROKEN,
)
"""What the summary counts for the sweep, one per operation; from "not implemented" on these
are the test's outcome classes."""
