"""The client's own exceptions, each placed in the suite's two trees (see conformance.errors).

    ConformanceViolation (AssertionError)        the target is wrong: *failed*
     ├── UnexpectedOutcome        a result where an error was required, or the reverse
     ├── InvokeTimeout            no reply to an invoke within the (scaled) timeout
     ├── EventTimeout             no matching event within the (scaled) timeout
     ├── UnwantedEvent            assert_quiet saw a matching event
     └── ConnectionDropped        the server closed the WebSocket while we waited

    SuiteError                                   the suite broke: *broken*
     ├── LocalProtocolError
     │    ├── ArgumentInvalid     an argument WE were about to send violates its schema
     │    └── UnknownOperation    we named an operation the catalogue lacks
     ├── SessionClosed            our own code used a session after closing it
     └── AccountLocked            the server locked a profile account (logon error 129): the
                                  run must stop sending logins for it

    OperationNotImplemented (Exception)          the target rejected the operation as
                                                 unrecognisedOperation: *not implemented*

``OperationNotImplemented`` is deliberately in neither tree: "not implemented" is its own
verdict in a report (design.md, Outcomes), and the plugin maps it, rather than pytest calling it
a failure or a breakage.
"""

from __future__ import annotations

from conformance.errors import ConformanceViolation, LocalProtocolError, SuiteError

__all__ = [
    "ACCOUNT_LOCKED",
    "AccountLocked",
    "ArgumentInvalid",
    "ConnectionDropped",
    "EventTimeout",
    "InvokeTimeout",
    "OperationNotImplemented",
    "SessionClosed",
    "UnexpectedOutcome",
    "UnknownOperation",
    "UnwantedEvent",
]


class UnexpectedOutcome(ConformanceViolation):
    """The target answered, but not in the way the test required."""


class InvokeTimeout(ConformanceViolation):
    """An invoke got no result, error or reject in time."""


class EventTimeout(ConformanceViolation):
    """No event matched within the timeout; the message lists the events that did arrive."""


class UnwantedEvent(ConformanceViolation):
    """An event arrived inside a window in which the test required silence."""


class ConnectionDropped(ConformanceViolation):
    """The server closed (or broke) the event channel while something was outstanding."""


class ArgumentInvalid(LocalProtocolError):
    """An argument the suite was about to send does not match its schema: a suite bug."""


class UnknownOperation(LocalProtocolError):
    """The suite named an operation that catalog.json does not have (pass
    ``check_argument=False`` to send it anyway, e.g. to provoke unrecognisedOperation)."""


class SessionClosed(SuiteError):
    """The suite used a session after closing it."""


ACCOUNT_LOCKED = 129
"""eNETLOGINACCOUNTPASSWORDLOCKED (AsnLogonErrorEnum, L14775-L14777)."""


class AccountLocked(SuiteError):
    """A logon was refused with 129: the account is locked. Not a verdict on the server (a
    lockout policy is its right) but the end of every test that needs the account."""

    def __init__(self, account: str, where: str) -> None:
        self.account = account
        super().__init__(
            f"broken: the account {account!r} is locked (logon error 129, "
            f"eNETLOGINACCOUNTPASSWORDLOCKED, L14775) at {where}; the run stops so that it "
            "sends no more logins; unlock the account before the next run"
        )


class OperationNotImplemented(Exception):
    """The target rejected the operation with invokeProblem unrecognisedOperation."""

    def __init__(self, operation: str, details: str | None = None) -> None:
        self.operation = operation
        self.details = details
        extra = f" ({details})" if details else ""
        super().__init__(f"{operation}: not implemented by the target{extra}")
