"""Runtime view of ``schemas/``: operation lookup and schema validation with readable errors.

``catalog.json`` names every module, operation and type of the document; ``types/`` and
``webservice/`` hold one JSON Schema 2020-12 document each. All schema files go into ONE
:class:`referencing.Registry` keyed by ``$id`` (built on first use), so the relative ``$ref``s
between files resolve offline. A compiled validator per type is cached. Strict mode uses a
second registry, built only when first asked for, from copies of the schemas in which every
schema with ``properties`` also says ``"additionalProperties": false``: members the document
does not define are then reported instead of tolerated.

A failed validation raises :class:`~conformance.errors.SchemaViolation` for the most relevant
error (``jsonschema.exceptions.best_match``), with an RFC 6901 pointer into the instance, a
sentence saying what the schema expected there and the value found. Unknown operation or type
names raise :class:`UnknownName` (a ``KeyError``): naming something the catalogue lacks is a
suite bug, not a verdict on the server.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache, cached_property
from pathlib import Path
from typing import Any, TypeVar

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError, best_match  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from conformance.errors import SchemaViolation, SuiteError
from conformance.schema_ids import (
    STRICT_KEYWORD,
    TYPES_DIR,
    WEBSERVICE_DIR,
    type_id,
    webservice_id,
)

__all__ = [
    "SCHEMAS_DIR",
    "Catalog",
    "ModuleInfo",
    "OperationInfo",
    "TypeInfo",
    "UnknownName",
    "default_catalog",
    "format_checker",
    "is_iso8601_date_time",
    "is_rfc3339_date_time",
]

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
"""The checked-in schemas of this checkout (the package is installed editable)."""
_FOLDERS: dict[str, tuple[Callable[[str], str], str]] = {
    TYPES_DIR: (type_id, "type"),
    WEBSERVICE_DIR: (webservice_id, "webservice body"),
}

Schema = dict[str, Any]
_T = TypeVar("_T")


class UnknownName(KeyError):
    """The suite named an operation, module or type the catalogue does not have."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0])


@dataclass(frozen=True)
class ModuleInfo:
    name: str
    chapter: int | str
    operation_ids: str
    """As the module chapter writes it, e.g. ``"1000 - 1099 zusätzlich: 1101, 1102"``."""
    description: str


@dataclass(frozen=True)
class OperationInfo:
    name: str
    module: str
    kind: str
    """``"operation"`` or ``"event"`` (an invoke from the server; no result, no error)."""
    section: str
    argument: str | None
    result: str | None
    error: str | None
    deprecated: bool
    description: str
    effect: str
    """``read``, ``own``, ``shared`` or ``destructive`` (:mod:`conformance.effects`)."""
    audience: dict[str, Any]
    """``{"kind", "line", "quote"}``: whom the document says the entry is for."""
    operation_id: int | None = None
    """The number the document's ``OPID_`` lists give, if any."""
    interface_operation_id: int | None = None
    """The number of the vendor's interface version 8 (schemas/source/operation-ids.tsv)."""

    @property
    def is_event(self) -> bool:
        return self.kind == "event"

    @property
    def number(self) -> int | None:
        """The ``operationID`` to send: the document's number first, then interface 8's
        (protocol-notes §3)."""
        return self.operation_id if self.operation_id is not None else self.interface_operation_id


@dataclass(frozen=True)
class TypeInfo:
    name: str
    module: str
    kind: str
    section: str


# --- formats -----------------------------------------------------------------------------
# jsonschema checks "date-time" only when the optional rfc3339-validator is installed, and
# silently accepts anything otherwise. A verdict must not depend on what happens to be
# installed, so the suite checks exactly the formats the generator emits, with its own code.
# The schemas' "date-time" is AsnSystemTime, "ein ISO8601 String" (L23720): by default any ISO
# 8601 date and time of day (basic or extended, with or without fraction and offset); strict
# mode asks for RFC 3339, the profile of ISO 8601 that JSON Schema's "date-time" names.

_ISO8601 = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2}|\d{8})[T ]"
    r"(?P<time>\d{2}(?::?\d{2}(?::?\d{2})?)?)(?:[.,]\d+)?"
    r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII | re.IGNORECASE,
)

_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)",
    re.ASCII | re.IGNORECASE,
)


def is_rfc3339_date_time(instance: object) -> bool:
    """RFC 3339 ``date-time`` (what JSON Schema's format means); non-strings pass."""
    if not isinstance(instance, str):
        return True
    if _RFC3339.fullmatch(instance) is None:
        return False
    text = instance.upper().replace("Z", "+00:00")
    if text[17:19] == "60":  # a leap second is valid RFC 3339; datetime cannot hold it
        text = f"{text[:17]}59{text[19:]}"
    try:
        datetime.fromisoformat(text)
    except ValueError:  # month 13, February 30th, hour 24, ...
        return False
    return True


def is_iso8601_date_time(instance: object) -> bool:
    """An ISO 8601 date and time of day, in any of its forms; non-strings pass."""
    if not isinstance(instance, str):
        return True
    match = _ISO8601.fullmatch(instance)
    if match is None:
        return False
    date, time = match["date"].replace("-", ""), match["time"].replace(":", "")
    offset = (match["offset"] or "Z").upper().replace(":", "")
    try:
        datetime.strptime(date, "%Y%m%d")
    except ValueError:  # month 13, February 30th, ...
        return False
    fields = [int(time[i : i + 2]) for i in range(0, len(time), 2)]
    limits = [23, 59, 60][: len(fields)]  # 60: a leap second
    in_range = all(value <= limit for value, limit in zip(fields, limits, strict=True))
    if offset == "Z":
        return in_range
    return in_range and int(offset[1:3]) < 24 and int(offset[3:5] or 0) < 60


def format_checker(*, strict: bool = False) -> Any:
    """A ``FormatChecker`` for exactly the formats in schemas/: ``date-time``."""
    checker = FormatChecker(formats=())
    checker.checks("date-time")(is_rfc3339_date_time if strict else is_iso8601_date_time)
    return checker


# --- the catalogue -----------------------------------------------------------------------


class Catalog:
    """catalog.json plus the schema files beside it. Use :meth:`load` or :func:`default_catalog`."""

    def __init__(self, root: Path, raw: bytes) -> None:
        self.root = root
        self._raw = raw
        try:
            data = json.loads(raw)
            self.protocol: str = data["protocol"]
            self._modules = {
                m["name"]: ModuleInfo(m["name"], m["chapter"], m["operationIds"], m["description"])
                for m in data["modules"]
            }
            self._operations = {
                o["name"]: OperationInfo(
                    **{f.name: o[f.name] for f in fields(OperationInfo) if f.name in o},
                    operation_id=o.get("operationId"),
                    interface_operation_id=o.get("interfaceOperationId"),
                )
                for o in data["operations"]
            }
            self.unmatched_operation_ids: dict[str, int] = dict(
                data.get("unmatchedOperationIds", {})
            )
            """Names in the document's ``OPID_`` lists with no operation section."""
            self._types = {name: TypeInfo(name=name, **t) for name, t in data["types"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SuiteError(f"{root / 'catalog.json'} is malformed: {exc!r}") from exc
        self._validators: dict[tuple[str, bool], Any] = {}
        self._accepters: dict[tuple[str, bool], Any] = {}
        self._format_checkers = {mode: format_checker(strict=mode) for mode in (False, True)}

    @classmethod
    def load(cls, root: Path | None = None) -> Catalog:
        root = SCHEMAS_DIR if root is None else root
        path = root / "catalog.json"
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SuiteError(f"cannot read {path} (build it with `ucconf schemas build`)") from exc
        return cls(root, raw)

    @cached_property
    def sha256(self) -> str:
        """Hex SHA-256 of catalog.json as stored; reports cite it."""
        return hashlib.sha256(self._raw).hexdigest()

    # --- lookup ---------------------------------------------------------------------------

    def operation(self, name: str) -> OperationInfo:
        return _lookup(self._operations, name, "operation")

    def operations(self, module: str | None = None, kind: str | None = None) -> list[OperationInfo]:
        """Catalogue order; ``kind`` is ``"operation"`` or ``"event"``."""
        if module is not None:
            _lookup(self._modules, module, "module")
        return [
            op
            for op in self._operations.values()
            if (module is None or op.module == module) and (kind is None or op.kind == kind)
        ]

    def modules(self) -> list[ModuleInfo]:
        return list(self._modules.values())

    def type_info(self, name: str) -> TypeInfo:
        return _lookup(self._types, name, "type")

    def has_type(self, name: str) -> bool:
        return name in self._types

    def type_names(self) -> list[str]:
        return list(self._types)

    def schema_of(self, type_name: str) -> Schema:
        """A copy of the raw schema of ``type_name`` (for reports: the expected fragment)."""
        return copy.deepcopy(self._schemas[self._type_uri(type_name)])

    # --- validation -----------------------------------------------------------------------

    def validator_for(self, type_name: str, *, strict: bool = False) -> Any:
        """The compiled ``Draft202012Validator`` of a type, created once per mode."""
        return self._validator(self._type_uri(type_name), strict)

    def validate(
        self, type_name: str, instance: object, *, strict: bool = False, context: str | None = None
    ) -> None:
        """Raise :class:`SchemaViolation` for the most relevant error, if any."""
        self._raise_best(self._type_uri(type_name), type_name, instance, strict, context)

    def iter_violations(
        self, type_name: str, instance: object, *, strict: bool = False, context: str | None = None
    ) -> Iterator[SchemaViolation]:
        """Every violation, not only the most relevant one (lazily, in schema order)."""
        uri = self._type_uri(type_name)
        return self._violations(uri, type_name, instance, strict, context)

    def validate_webservice(
        self, name: str, instance: object, *, strict: bool = False, context: str | None = None
    ) -> None:
        """Validate a chapter-1 route body against ``schemas/webservice/<name>.json``."""
        self._raise_best(self._type_uri(name, WEBSERVICE_DIR), name, instance, strict, context)

    # --- internals ------------------------------------------------------------------------

    @cached_property
    def _schemas(self) -> dict[str, Schema]:
        schemas: dict[str, Schema] = {}
        for folder, (make_id, _) in _FOLDERS.items():
            for path in sorted((self.root / folder).glob("*.json")):
                try:
                    uri = make_id(path.stem)
                    schema = json.loads(path.read_text(encoding="utf-8"))
                except ValueError as exc:  # includes JSONDecodeError
                    raise SuiteError(f"{path}: {exc}") from exc
                if not isinstance(schema, dict) or schema.get("$id") != uri:
                    raise SuiteError(f"{path}: $id must be {uri!r}")
                schemas[uri] = schema
        return schemas

    @cached_property
    def _registry(self) -> Registry[Any]:
        return _registry_of(self._schemas)

    @cached_property
    def _strict_schemas(self) -> dict[str, Schema]:
        return {uri: _closed(schema) for uri, schema in self._schemas.items()}

    @cached_property
    def _strict_registry(self) -> Registry[Any]:
        return _registry_of(self._strict_schemas)

    def _accepter(self, uri: str, strict: bool) -> Any:
        """A compiled (Rust) validator used only to accept valid instances quickly.

        ``jsonschema`` is the reference: it decides every rejection and words every
        diagnostic; this one answers "valid" in microseconds for the common case, with the
        suite's own date-time check so that both agree on formats.
        """
        key = (uri, strict)
        if key not in self._accepters:
            schemas = self._strict_schemas if strict else self._schemas
            registry = self._fast_strict_registry if strict else self._fast_registry
            self._accepters[key] = jsonschema_rs.validator_for(
                schemas[uri],
                registry=registry,
                validate_formats=True,
                formats={"date-time": is_rfc3339_date_time if strict else is_iso8601_date_time},
            )
        return self._accepters[key]

    @cached_property
    def _fast_registry(self) -> Any:
        return jsonschema_rs.Registry(list(self._schemas.items()))

    @cached_property
    def _fast_strict_registry(self) -> Any:
        return jsonschema_rs.Registry(list(self._strict_schemas.items()))

    def _type_uri(self, name: str, folder: str = TYPES_DIR) -> str:
        make_id, what = _FOLDERS[folder]
        try:
            uri = make_id(name)
        except ValueError:
            uri = ""
        if uri not in self._schemas:
            names = [u.rsplit("/", 1)[-1].removesuffix(".json") for u in self._schemas]
            raise _unknown(what, name, names, f"(no {folder}/{name}.json)")
        return uri

    def _validator(self, uri: str, strict: bool) -> Any:
        key = (uri, strict)
        if key not in self._validators:
            registry = self._strict_registry if strict else self._registry
            self._validators[key] = Draft202012Validator(
                registry.contents(uri),
                registry=registry,
                format_checker=self._format_checkers[strict],
            )
        return self._validators[key]

    def _errors(self, uri: str, instance: object, strict: bool) -> Iterator[Any]:
        try:
            yield from self._validator(uri, strict).iter_errors(instance)
        except Unresolvable as exc:  # a generator bug, not a verdict on the server
            raise SuiteError(f"{uri}: a $ref in schemas/ does not resolve: {exc}") from exc

    def _raise_best(
        self, uri: str, name: str, instance: object, strict: bool, context: str | None
    ) -> None:
        try:
            if self._accepter(uri, strict).is_valid(instance):
                return
        except (ValueError, TypeError, OverflowError):
            pass  # an instance the fast path cannot represent: let jsonschema decide
        error = best_match(self._errors(uri, instance, strict))
        if error is not None:
            raise self._convert(error, uri, name, strict, context)[0]

    def _violations(
        self, uri: str, name: str, instance: object, strict: bool, context: str | None
    ) -> Iterator[SchemaViolation]:
        for error in self._errors(uri, instance, strict):
            yield from self._convert(best_match([error]), uri, name, strict, context)

    def _convert(
        self, error: Any, uri: str, name: str, strict: bool, context: str | None
    ) -> list[SchemaViolation]:
        section = _section_of(self._schemas[uri])
        owner = self._owner(error, uri, strict)
        suffix = ""
        if owner is not None and owner[0] != name:
            suffix = f" ({owner[0]}, section {owner[1]})" if owner[1] else f" ({owner[0]})"
        pointer, instance = _pointer(error.absolute_path), error.instance
        found: list[tuple[str, str, object]] = []  # pointer, expected, value
        if error.validator == "required":
            # One error per missing member; only its message says which one.
            named = [
                m for m in error.validator_value if error.message == f"{m!r} is a required property"
            ]
            for member in named or [m for m in error.validator_value if m not in instance]:
                found.append((pointer, f"required member {member!r}{suffix}", instance))
        elif error.validator == "additionalProperties" and error.validator_value is False:
            defined = error.schema.get("properties", {})
            for extra in sorted(k for k in instance if k not in defined):
                expected = f"no member {extra!r} (strict: the document does not define it){suffix}"
                found.append((f"{pointer}/{_escape(extra)}", expected, instance[extra]))
        if not found:
            found.append((pointer, _expected(error) + suffix, instance))
        return [SchemaViolation(name, p, e, v, section, context) for p, e, v in found]

    def _owner(self, error: Any, uri: str, strict: bool) -> tuple[str, str | None] | None:
        """The innermost Asn type whose schema holds the failing keyword (follows ``$ref``s)."""
        registry = self._strict_registry if strict else self._registry
        resolver = registry.resolver(base_uri=uri)
        node: Any = registry.contents(uri)
        owner = (node.get("title", ""), _section_of(node))
        path = list(error.absolute_schema_path)
        try:
            for index, key in enumerate(path):
                # jsonschema leaves "$ref" out of schema paths: follow it where the key is missing
                while isinstance(node, dict) and key not in node and "$ref" in node:
                    resolved = resolver.lookup(node["$ref"])
                    resolver, node = resolved.resolver, resolved.contents
                    if isinstance(node, dict) and "x-asn" in node:
                        owner = (node.get("title", ""), _section_of(node))
                if index < len(path) - 1:
                    node = node[key]
        except (LookupError, TypeError, Unresolvable):
            return None
        return owner


@cache
def default_catalog() -> Catalog:
    """The catalogue of this checkout, loaded once per process."""
    return Catalog.load()


# --- helpers -----------------------------------------------------------------------------


def _lookup(table: Mapping[str, _T], name: str, what: str) -> _T:
    if name not in table:
        raise _unknown(what, name, table, "in catalog.json")
    return table[name]


def _unknown(what: str, name: str, known: Iterable[str], where: str) -> UnknownName:
    hint = difflib.get_close_matches(name, list(known), n=3)
    also = f" (did you mean {', '.join(hint)}?)" if hint else ""
    return UnknownName(f"unknown {what} {name!r} {where}{also}")


def _registry_of(schemas: Mapping[str, Schema]) -> Registry[Any]:
    resources = [
        (uri, Resource.from_contents(schema, default_specification=DRAFT202012))
        for uri, schema in schemas.items()
    ]
    return Registry().with_resources(resources)


def _closed(schema: Any) -> Any:
    """The strict copy of a schema: every schema with ``properties`` forbids other members, a
    ``_type`` must be one of its ``x-names``, a branch marked ``x-strict: false`` (a form the
    document allows but servers do not send) is refused, and an ``x-strict`` object applies
    its keywords (our preferred form, where the document allows more)."""
    if not isinstance(schema, dict):
        return schema
    if schema.get("x-strict") is False:
        return False
    out = {key: _closed_keyword(key, value) for key, value in schema.items()}
    strict_only = schema.get(STRICT_KEYWORD)
    if isinstance(strict_only, dict):
        out.update(strict_only)  # our preferred form, where the document allows more
    if isinstance(schema.get("x-names"), list):
        out["enum"] = schema["x-names"]
    open_ = {"additionalProperties", "patternProperties", "unevaluatedProperties"}
    if "properties" in schema and not open_ & schema.keys():
        out["additionalProperties"] = False
    return out


_SUBSCHEMA_MAPS = {"properties", "patternProperties", "$defs", "dependentSchemas"}
_SUBSCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "prefixItems"}
_SUBSCHEMAS = {"items", "additionalProperties", "not", "if", "then", "else", "contains"}


def _closed_keyword(key: str, value: Any) -> Any:
    # Walk only keywords that hold schemas, so a member named "properties" stays data.
    if key in _SUBSCHEMA_MAPS and isinstance(value, dict):
        return {k: _closed(v) for k, v in value.items()}
    if key in _SUBSCHEMA_LISTS and isinstance(value, list):
        return [_closed(v) for v in value]
    if key in _SUBSCHEMAS:
        return _closed(value)
    return value


def _section_of(schema: Mapping[str, Any]) -> str | None:
    for key in ("x-asn", "x-source"):
        meta = schema.get(key)
        if isinstance(meta, dict) and meta.get("section"):
            return str(meta["section"])
    return None


def _escape(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def _pointer(path: Iterable[object]) -> str:
    return "".join(f"/{_escape(token)}" for token in path)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


_BOUNDS = {
    "minimum": ">= {}",
    "maximum": "<= {}",
    "exclusiveMinimum": "> {}",
    "exclusiveMaximum": "< {}",
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
    "minItems": "at least {} elements",
    "maxItems": "at most {} elements",
    "pattern": "a string matching {}",
}


def _expected(error: ValidationError) -> str:
    keyword, value = error.validator, error.validator_value
    if keyword == "type":
        return " or ".join(value) if isinstance(value, list) else str(value)
    if keyword == "const":
        return _json(value)
    if keyword == "enum":
        return "one of " + ", ".join(_json(v) for v in value)
    if keyword in ("anyOf", "oneOf"):
        return _alternatives(keyword, value)
    if keyword == "format":
        example = " (ISO 8601, e.g. 2024-05-17T09:30:00Z)" if value == "date-time" else ""
        return f"a {value} string{example}"
    if keyword == "pattern" and error.schema.get("contentEncoding") == "base64":
        return "a base64 string"
    if keyword in _BOUNDS:
        return _BOUNDS[keyword].format(value)
    return str(error.message)


def _alternatives(keyword: str, branches: list[Any]) -> str:
    if all(isinstance(b, dict) and "const" in b for b in branches):
        return "one of " + ", ".join(
            f"{_json(b['const'])} ({b['title']})" if "title" in b else _json(b["const"])
            for b in branches
        )
    if all(isinstance(b, dict) and b.keys() == {"required"} for b in branches):
        return "exactly one of " + ", ".join(", ".join(b["required"]) for b in branches)
    lead = "exactly one of: " if keyword == "oneOf" else "one of: "
    return lead + "; ".join(_summary(b) for b in branches)


def _summary(schema: Any) -> str:
    if isinstance(schema, dict) and "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1].removesuffix(".json")
    if isinstance(schema, dict) and isinstance(schema.get("type"), str):
        members = schema.get("required")
        return f"{schema['type']} with {', '.join(members)}" if members else str(schema["type"])
    return _json(schema)
