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
