"""The two exception trees of the suite.

A conformance report must tell "the server is wrong" from "we could not find out":

    AssertionError
     └── ConformanceViolation        the target is not conformant (reported as *failed*)
          ├── SchemaViolation        a message does not match its schema in schemas/
          └── RemoteProtocolError    the target broke ROSE/HTTP framing

    Exception
     └── SuiteError                  the suite, the profile or the network broke (*broken*)
          ├── LocalProtocolError     our own code misused the protocol core
          ├── ProfileError           a target profile is missing or malformed
          └── TargetUnreachable      the target could not be reached or timed out

Violations derive from ``AssertionError`` so pytest and Allure show them as failures, while a
``SuiteError`` surfaces as an error ("broken"), never as a verdict on the server.
"""

from __future__ import annotations

import json


class ConformanceViolation(AssertionError):
    """The target did something the protocol document or the wire notes forbid."""


class SchemaViolation(ConformanceViolation):
    """An instance does not match the JSON Schema of its protocol type.

    Carries everything a reader needs to find the fault without re-running: the type, the
    document section that defines it, the JSON pointer into the instance, what the schema
    expected there and the value that was found.
    """

    def __init__(
        self,
        type_name: str,
        pointer: str,
        expected: str,
        found: object,
        section: str | None = None,
        context: str | None = None,
    ) -> None:
        self.type_name = type_name
        self.pointer = pointer
        self.expected = expected
        self.found = found
        self.section = section
        self.context = context
        where = f" (document section {section})" if section else ""
        prefix = f"{context}: " if context else ""
        super().__init__(
            f"{prefix}{type_name}{where} at {pointer or '/'}: expected {expected}, "
            f"found {_preview(found)}"
        )


class RemoteProtocolError(ConformanceViolation):
    """The peer sent something that is not a well-formed message; keeps the raw text."""

    def __init__(self, message: str, raw: str | bytes | None = None) -> None:
        self.raw = raw
        suffix = f" (received: {_preview(raw)})" if raw is not None else ""
        super().__init__(message + suffix)


class SuiteError(Exception):
    """The suite, its configuration or the network failed; says nothing about conformance."""


class LocalProtocolError(SuiteError):
    """Our own code tried to build or send something the protocol core does not allow."""


class ProfileError(SuiteError):
    """A target profile file is missing, unreadable or inconsistent."""


class TargetUnreachable(SuiteError):
    """The target did not answer: connection refused, DNS failure, TLS failure or timeout."""


def _preview(value: object, limit: int = 200) -> str:
    """JSON for JSON values (so the string "101" and the number 101 read differently)."""
    if isinstance(value, bytes):
        text = repr(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"
