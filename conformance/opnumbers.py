"""Operation numbers: the ``operationID`` of an invoke, both ways (protocol-notes §3).

An invoke names its operation by ``operationName``, by ``operationID``, or both. The number of
an operation is the document's (its ``OPID_`` lists), else the vendor's interface version 8
(``schemas/source/operation-ids.tsv``); a profile's ``[operation_ids]`` table adds or overrides
numbers. Where a document number and an interface-8 number collide (2653-2655 are document
numbers of three Admin operations and interface-8 numbers of their Mgmt twins), the document's
wins; a profile's number wins over both.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from conformance.catalog import Catalog

__all__ = ["OperationNumbers", "operation_numbers"]


class OperationNumbers:
    """Numbers by operation name and names by number, for one catalogue and profile."""

    def __init__(self, catalog: Catalog, overrides: Mapping[str, int] | None = None) -> None:
        operations = catalog.operations()
        profile = dict(overrides or {})
        self._numbers: dict[str, int] = {op.name: op.number for op in operations if op.number}
        self._numbers.update(profile)
        self._known: dict[str, set[int]] = {}
        for op in operations:
            own = {op.operation_id, op.interface_operation_id, profile.get(op.name)}
            self._known[op.name] = {n for n in own if n}
        interface = {
            op.interface_operation_id: op.name for op in operations if op.interface_operation_id
        }
        document = {op.operation_id: op.name for op in operations if op.operation_id}
        self._names = interface | document | {n: name for name, n in profile.items()}

    def number_of(self, name: str) -> int | None:
        """The number to send with ``name``; None where neither source has one."""
        return self._numbers.get(name)

    def name_of(self, number: int) -> str | None:
        """The operation a number alone names; None for 0 and unknown numbers."""
        return self._names.get(number)

    def contradicts(self, name: str, number: int) -> bool:
        """Whether a nonzero ``number`` sent with ``name`` is none of the name's numbers (the
        document's, interface 8's, the profile's) but one that names another operation, or
        any other number where the name has numbers of its own."""
        if number == 0:
            return False
        known = self._known.get(name, set())
        if number in known:
            return False
        return bool(known) or self.name_of(number) not in (None, name)


def operation_numbers(
    catalog: Catalog, overrides: Mapping[str, int] | None = None
) -> OperationNumbers:
    """The table for ``catalog`` and ``overrides``, built once per process: every client of a
    run asks for it, and building it walks the whole catalogue."""
    return _cached(catalog, tuple(sorted((overrides or {}).items())))


@lru_cache(maxsize=8)
def _cached(catalog: Catalog, overrides: tuple[tuple[str, int], ...]) -> OperationNumbers:
    return OperationNumbers(catalog, dict(overrides))
