"""Turn the document model into JSON Schemas and the operation catalogue under ``schemas/``.

The JSON encoding rules of the protocol live here and nowhere else (protocol-notes.md section 4,
spec-digest.md section 9):

- SEQUENCE is an object whose optional members may be absent; unknown members are allowed
  (servers add members over versions) and ``_type`` may name the type;
- CHOICE is an object with exactly one of its alternatives;
- ENUMERATED and INTEGER are JSON integers, REAL a JSON number: the document only says "number",
  so the hungarian prefix decides (``r...`` is real, everything else integer);
- ``st...`` strings are AsnSystemTime, an ISO 8601 date-time (format ``date-time``, which the
  suite's format checker reads as ISO 8601, and as RFC 3339 only in strict mode); ``bin...``
  strings are base64, with or without ``=`` padding (the vendor's encoder omits it);
- ``_type`` is any string; ``x-names`` lists the names strict mode expects (the type's own, and
  AsnRequestError for error types, which the document itself calls so, L27255);
- ``AsnOptionalParameters`` is, on the wire, one object mapping keys to an integer, a string or
  ``{"binarydata": base64}``, or the array of key/value pairs the document draws (what the
  vendor's client sends); the array branch is marked ``x-strict: false``: strict mode reports it;
- ``Object`` (the type of the ``dummy`` members) is an ASN.1 NULL or an empty SEQUENCE, so both
  ``null`` and an object are accepted.

Output is deterministic: sorted keys, two-space indent, a final newline; building twice gives
identical bytes, which ``ucconf schemas check`` relies on.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conformance.document.model import Document, Member, Operation, OperationKind, TypeDef, TypeKind
from conformance.document.parse import parse_file
from conformance.effects import audience_of, effect_of
from conformance.schema_ids import SCHEMA_DIALECT, TYPES_DIR, WEBSERVICE_DIR, type_id
from conformance.webservice import webservice_schemas

Schema = dict[str, Any]

ROOT = Path(__file__).resolve().parent.parent / "schemas"
SOURCE = Path("source") / "UCServer_Client_Access_Protocol_6.1.0.339.txt"
INTERFACE_IDS = Path("source") / "operation-ids.tsv"
"""Operation numbers of the vendor's interface version 8 (a vendor fact, not in the document;
see schemas/source/README.md): the number a server sends where the document lists none."""
CATALOG = "catalog.json"

# "(?![\s\S])" rather than "$": in Python's re "$" also matches before a final newline.
BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?(?![\s\S])"
REQUEST_ERROR = "AsnRequestError"
_DATE_TIME_MEMBER = re.compile(r"st[A-Z]")
_BINARY_MEMBER = re.compile(r"bin[A-Z]|binarydata$")
_REAL_MEMBER = re.compile(r"r[A-Z]")

# The four sections with a heading and no table; what each is, from its text and its uses.
ALIASES: dict[str, Schema] = {
    # "Als JSON Encoding wird ein ISO8601 String verwendet" (25.1.1).
    "AsnSystemTime": {"type": "string", "format": "date-time"},
    # Only used as the element of AsnContactIDs; contact ids are UTF-8 strings everywhere else.
    "AsnContactID": {"type": "string"},
    # The bsFlags members using these are described as "Bitfeld": a set of bits, an integer.
    "AsnNetDatabaseJournalFilterFlags": {"type": "integer", "minimum": 0},
    "AsnNetDatabaseTaskFindFlags": {"type": "integer", "minimum": 0},
}

OPTIONAL_PARAMETERS = "AsnOptionalParameters"
OPTIONAL_PARAMETERS_OBJECT: Schema = {
    "type": "object",
    "additionalProperties": {
        "anyOf": [
            {"type": "integer"},
            {"type": "string"},
            {
                "type": "object",
                "properties": {
                    "binarydata": {
                        "type": "string",
                        "contentEncoding": "base64",
                        "pattern": BASE64_PATTERN,
                    }
                },
                "required": ["binarydata"],
            },
        ]
    },
}
OPTIONAL_PARAMETERS_WIRE: Schema = {
    "anyOf": [
        OPTIONAL_PARAMETERS_OBJECT,
        {"type": "array", "items": {"$ref": "AsnOptionalParam.json"}, "x-strict": False},
    ]
}


def value_schema(type_name: str, member_name: str = "") -> Schema:
    """The schema of a value of a document type; the member name's prefix refines primitives.

    Array elements have no member name: a "number" element is an integer (``SEQInteger``).
    """
    if type_name == "string":
        if _DATE_TIME_MEMBER.match(member_name):
            return {"type": "string", "format": "date-time"}
        if _BINARY_MEMBER.match(member_name):
            return {"type": "string", "contentEncoding": "base64", "pattern": BASE64_PATTERN}
        return {"type": "string"}
    if type_name == "number":
        return {"type": "number" if _REAL_MEMBER.match(member_name) else "integer"}
    if type_name == "boolean":
        return {"type": "boolean"}
    if type_name == "Object":
        return {"type": ["object", "null"]}
    return {"$ref": f"{type_name}.json"}


def member_schema(member: Member) -> Schema:
    """The schema of one member, from its document type and its hungarian prefix."""
    schema = value_schema(member.type_name, member.name)
    if member.comment:
        schema["description"] = member.comment
    return schema


def _members(typedef: TypeDef, names: list[str]) -> Schema:
    properties: Schema = {"_type": {"type": "string", "x-names": names}}
    for member in typedef.members:
        properties[member.name] = member_schema(member)
    return {"type": "object", "properties": properties}


def type_schema(typedef: TypeDef, *, error_type: bool = False) -> Schema:
    """The complete schema document of one type section (``error_type``: some operation's
    ErrorType, which a server may also label AsnRequestError)."""
    body: Schema
    names = [typedef.name, REQUEST_ERROR] if error_type else [typedef.name]
    if typedef.name == OPTIONAL_PARAMETERS:
        body = dict(OPTIONAL_PARAMETERS_WIRE)
    elif typedef.kind is TypeKind.OBJECT:
        body = _members(typedef, names)
        required = [m.name for m in typedef.members if not m.optional]
        if required:
            body["required"] = required
    elif typedef.kind is TypeKind.CHOICE:
        body = _members(typedef, names)
        body["oneOf"] = [{"required": [m.name]} for m in typedef.members]
    elif typedef.kind is TypeKind.ENUMERATION:
        values: list[Schema] = []
        for value in typedef.values:
            entry: Schema = {"const": value.value, "title": value.name}
            if value.comment:
                entry["description"] = value.comment
            values.append(entry)
        body = {"type": "integer", "anyOf": values}
    elif typedef.kind is TypeKind.ARRAY:
        body = {"type": "array", "items": value_schema(str(typedef.element_type))}
    else:
        body = dict(ALIASES[typedef.name])
    asn: Schema = {
        "kind": typedef.kind.value,
        "module": typedef.module,
        "section": typedef.section,
        "line": typedef.line,
    }
    if typedef.name == OPTIONAL_PARAMETERS:
        asn["document-form"] = f"array of {typedef.element_type}"
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": type_id(typedef.name),
        "title": typedef.name,
        "description": typedef.description,
        "x-asn": asn,
        **body,
    }


def _operation_entry(operation: Operation, interface_id: int | None) -> Schema:
    is_event = operation.kind is OperationKind.EVENT
    return {
        "interfaceOperationId": interface_id,
        "name": operation.name,
        "module": operation.module,
        "kind": operation.kind.value,
        "section": operation.section,
        "line": operation.line,
        "operationId": operation.opid,
        "argument": operation.argument,
        "result": None if is_event else operation.result,
        "error": None if is_event else operation.error,
        "deprecated": operation.deprecated,
        "description": operation.description,
        "effect": effect_of(operation.name, operation.module, operation.kind.value).value,
        "audience": audience_of(operation.name, operation.module, operation.line).as_json(),
    }


def catalog(document: Document, interface_ids: dict[str, int] | None = None) -> Schema:
    """The operation catalogue (design.md, "catalog.json")."""
    numbers = interface_ids or {}
    return {
        "protocol": document.protocol,
        "modules": [
            {
                "name": module.name,
                "chapter": module.chapter,
                "typesChapter": module.types_chapter,
                "operationIds": module.operation_ids,
                "description": module.description,
            }
            for module in document.modules
        ],
        "operations": [_operation_entry(op, numbers.get(op.name)) for op in document.operations],
        "unmatchedOperationIds": dict(sorted(document.unmatched_operation_ids.items())),
        "types": {
            t.name: {"module": t.module, "kind": t.kind.value, "section": t.section}
            for t in document.types
        },
    }


def dump(value: object) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def render(
    document: Document, interface_ids: dict[str, int] | None = None
) -> Iterator[tuple[str, bytes]]:
    """Every generated file as (path relative to ``schemas/``, content)."""
    yield CATALOG, dump(catalog(document, interface_ids))
    errors = {op.error for op in document.operations if op.error}
    for typedef in document.types:
        schema = type_schema(typedef, error_type=typedef.name in errors)
        yield f"{TYPES_DIR}/{typedef.name}.json", dump(schema)
    for name, schema in webservice_schemas().items():
        yield f"{WEBSERVICE_DIR}/{name}.json", dump(schema)


def read_interface_ids(path: Path) -> dict[str, int]:
    """``operation -> interface8_id`` from the tab-separated table (empty cells skipped)."""
    with path.open(encoding="utf-8", newline="") as table:
        rows = csv.DictReader(table, delimiter="\t")
        return {row["operation"]: int(row["interface8_id"]) for row in rows if row["interface8_id"]}


def generated_files(root: Path = ROOT) -> dict[str, bytes]:
    return dict(render(parse_file(root / SOURCE), read_interface_ids(root / INTERFACE_IDS)))


def build(root: Path = ROOT) -> list[str]:
    """Write every generated file and remove stale ones; return what changed."""
    files = generated_files(root)
    changed = differences(root, files)
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != content:
            path.write_bytes(content)
    for stale in _existing(root) - files.keys():
        (root / stale).unlink()
    return changed


def differences(root: Path = ROOT, files: dict[str, bytes] | None = None) -> list[str]:
    """Lines naming every file that differs from, is missing from or is extra to a build."""
    expected = generated_files(root) if files is None else files
    found: list[str] = []
    for relative, content in sorted(expected.items()):
        path = root / relative
        if not path.exists():
            found.append(f"missing: schemas/{relative}")
        elif path.read_bytes() != content:
            found.append(f"differs: schemas/{relative}")
    for stale in sorted(_existing(root) - expected.keys()):
        found.append(f"not generated: schemas/{stale}")
    return found


def _existing(root: Path) -> set[str]:
    names = {CATALOG} if (root / CATALOG).exists() else set()
    for folder in (TYPES_DIR, WEBSERVICE_DIR):
        names |= {f"{folder}/{p.name}" for p in (root / folder).glob("*.json")}
    return names
