"""The reference server: a faithful in-process implementation of the protocol.

It is the suite's embedded default target and, with deliberate faults switched on, the proof
that the suite's tests fail when a server is wrong. See :mod:`conformance.reference.server`
for the life cycle, :mod:`conformance.reference.dispatch` for adding handlers and pushing
events, and :mod:`conformance.reference.faults` for the named faults.
"""

from conformance.reference.dispatch import Call, OperationError, operation, request_error
from conformance.reference.faults import FAULTS
from conformance.reference.hooks import Fault
from conformance.reference.server import ReferenceServer
from conformance.reference.sessions import Session

__all__ = [
    "FAULTS",
    "Call",
    "Fault",
    "OperationError",
    "ReferenceServer",
    "Session",
    "operation",
    "request_error",
]
