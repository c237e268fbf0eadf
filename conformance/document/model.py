"""The typed model of the protocol document: what the parser produces and the generator reads.

Everything is a frozen dataclass and keeps the 1-based line of the document it came from, so a
schema, a catalogue entry or a test failure can always be traced back to the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class TypeKind(StrEnum):
    OBJECT = "object"
    ENUMERATION = "enumeration"
    ARRAY = "array"
    CHOICE = "choice"
    ALIAS = "alias"


class OperationKind(StrEnum):
    OPERATION = "operation"
    EVENT = "event"


@dataclass(frozen=True, slots=True)
class Member:
    """A row of an object or choice table: a member (or alternative) and its document type.

    ``type_name`` is the document's Type column as written once repaired: ``string``,
    ``number``, ``boolean`` or the name of another Asn type.
    """

    name: str
    type_name: str
    optional: bool
    comment: str
    line: int


@dataclass(frozen=True, slots=True)
class EnumValue:
    name: str
    value: int
    comment: str
    line: int


@dataclass(frozen=True, slots=True)
class TypeDef:
    """One type section of a types chapter (``3.1.x``, ``5.1.x``, ..., ``49.1.x``)."""

    name: str
    kind: TypeKind
    module: str
    section: str
    line: int
    description: str
    members: tuple[Member, ...] = ()
    values: tuple[EnumValue, ...] = ()
    element_type: str | None = None

    def member(self, name: str) -> Member:
        for member in self.members:
            if member.name == name:
                return member
        raise KeyError(f"{self.name} has no member {name!r}")


@dataclass(frozen=True, slots=True)
class Operation:
    """An operation (``N.1.x``) or an event (``N.2.x``) of an operations chapter."""

    name: str
    module: str
    kind: OperationKind
    section: str
    line: int
    argument: str | None
    result: str | None
    error: str | None
    deprecated: bool
    description: str
    # The numeric operation id where the chapter lists one (``OPID_asnLogon 1000``).
    opid: int | None = None


@dataclass(frozen=True, slots=True)
class Module:
    """A protocol module: an operations chapter and the types chapter after it."""

    name: str
    chapter: int
    types_chapter: int
    line: int
    description: str
    operation_ids: str
    operations: tuple[str, ...] = ()
    types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    protocol: str
    modules: tuple[Module, ...]
    operations: tuple[Operation, ...]
    types: tuple[TypeDef, ...]
    unmatched_operation_ids: dict[str, int] = field(default_factory=dict)
    """Names in the ``OPID_`` lists that no operation section defines, with their numbers."""
    _types_by_name: dict[str, TypeDef] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._types_by_name.update((t.name, t) for t in self.types)

    def type(self, name: str) -> TypeDef:
        try:
            return self._types_by_name[name]
        except KeyError:
            raise KeyError(f"the document defines no type {name!r}") from None

    def operation(self, name: str) -> Operation:
        for operation in self.operations:
            if operation.name == name:
                return operation
        raise KeyError(f"the document defines no operation or event {name!r}")
