"""The catalogue checks of everything the client sends and receives, on either transport.

Two directions, two trees (conformance.errors):

* what *we* send is checked before it leaves: a violation is a suite bug, ``ArgumentInvalid``
  (a ``LocalProtocolError``), and an operation name the catalogue lacks is ``UnknownOperation``;
* what the *target* sends is checked on arrival: a violation is a ``SchemaViolation`` (a
  ``ConformanceViolation``), re-built with secrets masked in the value and context it shows,
  because violation messages end up in reports.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from conformance.catalog import Catalog, OperationInfo, UnknownName
from conformance.client.exceptions import ArgumentInvalid, UnknownOperation
from conformance.client.transcript import Redactor
from conformance.errors import ConformanceViolation, SchemaViolation
from conformance.opnumbers import OperationNumbers, operation_numbers
from conformance.rose import Error, Invoke, JsonObject, Reject, Result

__all__ = ["LOGON_ERROR", "Checks", "Coverage"]

LOGON_ERROR = "AsnLogonError"
"""Any authenticated call can fail its login; its error is then this type (document §1.3)."""


@dataclass
class Coverage:
    """What a client exercised: operations sent, events received, validations made.

    Reports build spec coverage from it (operations and events seen out of the catalogue's).
    """

    operations: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    validations: int = 0
    warnings: Counter[str] = field(default_factory=Counter)
    """Interoperability warnings: allowed, but a vendor client would stumble (summary.md)."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def sent(self, operation: str) -> None:
        with self._lock:
            self.operations[operation] += 1

    def received(self, event: str) -> None:
        with self._lock:
            self.events[event] += 1

    def validated(self) -> None:
        with self._lock:
            self.validations += 1

    def warn(self, text: str) -> None:
        with self._lock:
            self.warnings[text] += 1

    def take_events(self) -> Counter[str]:
        """The events received so far, forgotten here (handed to whoever reports them)."""
        with self._lock:
            taken, self.events = self.events, Counter()
            return taken


Guard = Callable[[OperationInfo], None]
"""Raises (a SuiteError) when an operation may not be sent; see conformance.gate."""


class Checks:
    """Schema checks against one catalogue; ``strict`` also reports undefined members."""

    run_guard: ClassVar[Guard | None] = None
    """Consulted before every operation any client of the process sends (the run's gate)."""

    def __init__(
        self,
        catalog: Catalog,
        redactor: Redactor,
        *,
        strict: bool = False,
        numbers: OperationNumbers | None = None,
    ) -> None:
        self.catalog = catalog
        self.redactor = redactor
        self.strict = strict
        self.numbers = numbers if numbers is not None else operation_numbers(catalog)
        self.coverage = Coverage()
        self.guard: Guard | None = None
        """Consulted before every operation this client sends (the test's declaration)."""

    # --- what we send -----------------------------------------------------------------------

    def outgoing(
        self, operation: str, argument: JsonObject | None, check_argument: bool = True
    ) -> OperationInfo | None:
        """The catalogue entry of an operation about to be sent, its argument checked.

        With ``check_argument=False`` nothing is checked and an unknown name gives None (to
        provoke unrecognisedOperation or mistypedArgument on purpose).
        """
        try:
            info = self.catalog.operation(operation)
        except UnknownName as exc:
            if check_argument:
                raise UnknownOperation(str(exc)) from None
            return None
        for guard in (Checks.run_guard, self.guard):
            if guard is not None:
                guard(info)
        if check_argument and info.argument is not None:
            self.argument(operation, info.argument, argument or {})
        self.coverage.sent(operation)
        return info

    def argument(self, operation: str, type_name: str, argument: object) -> None:
        try:
            self.catalog.validate(type_name, argument, context=f"argument of {operation}")
        except SchemaViolation as exc:
            raise ArgumentInvalid(
                f"the suite's own {operation} argument is invalid (a suite bug): {exc}"
            ) from None

    # --- what the target sends --------------------------------------------------------------

    def incoming(
        self, type_name: str, instance: object, context: str, *, webservice: bool = False
    ) -> None:
        """Validate something the target sent (a type, or a chapter-1 webservice body)."""
        self.coverage.validated()
        try:
            if webservice:
                self.catalog.validate_webservice(
                    type_name, instance, strict=self.strict, context=context
                )
            else:
                self.catalog.validate(type_name, instance, strict=self.strict, context=context)
        except SchemaViolation as exc:
            raise self.redactor.violation(exc) from None

    def error(self, info: OperationInfo | None, payload: JsonObject, context: str) -> None:
        """An error object is the operation's error type, or an AsnLogonError from the login
        every authenticated call makes; ``_type``, where present, says which."""
        allowed = [t for t in (info.error if info else None, LOGON_ERROR) if t]
        declared = payload.get("_type")
        if isinstance(declared, str) and declared in allowed:
            allowed = [declared]
        first: SchemaViolation | None = None
        for type_name in allowed:
            try:
                self.incoming(type_name, payload, context)
                return
            except SchemaViolation as exc:
                first = first or exc
        if first is not None:
            raise first

    def reply(
        self, info: OperationInfo | None, message: Result | Error | Reject, context: str
    ) -> None:
        """A WebSocket reply against the operation's result or error type (rejects have none)."""
        if info is None:
            return
        if isinstance(message, Result) and info.result is not None:
            payload = message.result if message.result is not None else {}
            self.incoming(info.result, payload, f"{context}: result")
        elif isinstance(message, Error):
            self.error(info, message.error, f"{context}: error")

    def event(self, event: Invoke) -> None:
        """An event: its number routable, a name the document defines as an event, an argument
        of its type.

        The vendor's client routes events by ``operationID`` alone (protocol-notes §3): a
        nonzero number naming another operation misroutes the event (a violation); 0 where
        the number is known drops it there (an interoperability warning). An event the 6.1
        document does not define may come from a newer server: reported in strict mode only.
        """
        number = event.operation_id
        name = event.operation_name or self.numbers.name_of(number) or f"operationID {number}"
        if self.numbers.contradicts(name, number):
            raise ConformanceViolation(
                f"event {name} carries operationID {number}, which is not its number "
                f"({self.numbers.number_of(name)}): a client routing by number misroutes it"
            )
        known = self.numbers.number_of(name)
        if number == 0 and known is not None:
            self.coverage.warn(
                f"events sent with operationID 0 (a vendor client routing by number drops "
                f"them; protocol-notes §3): {name} ({known})"
            )
        try:
            info = self.catalog.operation(name)
        except UnknownName:
            if self.strict:
                raise ConformanceViolation(
                    f"event {name}: the 6.1 document defines no operation or event of that name "
                    "(strict: a newer server may send it)"
                ) from None
            self.coverage.received(name)
            return
        if not info.is_event:
            raise ConformanceViolation(
                f"{name} arrived as an event (invokeID 99999), but the document defines it as an "
                f"operation (section {info.section})"
            )
        self.coverage.received(name)
        if info.argument is not None:
            argument = event.argument if event.argument is not None else {}
            self.incoming(info.argument, argument, f"event {name}")

    def has_result_member(self, info: OperationInfo | None, name: str) -> bool:
        """Whether the operation's result type itself defines a member ``name``."""
        if info is None or info.result is None:
            return False
        return name in self.catalog.schema_of(info.result).get("properties", {})
