"""Instances of the catalogue's types made from their JSON Schemas, for senders of any kind.

Two jobs, both reading only ``schemas/`` through :class:`~conformance.catalog.Catalog`:

**Minimal instances** (:class:`InstanceBuilder`): the smallest value a schema accepts, made
deterministic by a seed, so that equal seeds give equal instances. The reference server
synthesises the results of the operations it does not model with it (seeded by operation and
argument, so results vary with the argument); the sweep suite builds the minimal valid
argument of every operation with it (seeded by the operation's name). Rules, per schema node:

* ``$ref``: the referenced type; ``const``: that value; a type list with ``null``: ``null``
  (the ``dummy`` placeholders, CONFORMANCE-NOTES N6).
* enumeration (``anyOf`` of consts): its first value.
* object: the required members only; a CHOICE (``oneOf`` of ``required``): its first
  alternative.
* array: empty. string: ``<member>-<8 hex digits>`` where the digits hash the seed and the
  member's path, so strings vary with the seed; ``date-time``: a time in 2024 chosen by the
  same hash; base64: the hash's bytes, base64-encoded.
* integer: 0, or the schema's ``minimum`` if higher; number: 0.0; boolean: the builder's
  ``boolean`` (``True`` for results, where most booleans report success such as
  ``bSuccess``; ``False`` for arguments, where a flag asks for something to be done, such as
  ``bDisconnectClients``).

A schema the rules cannot satisfy, or a cycle of required members, raises
:class:`InstanceError`; the project's tests build and validate an instance of every type.

**Self-contained schemas** (:func:`self_contained_schema`): property-based generators
(hypothesis-jsonschema) cannot follow ``$ref`` across files, so the type's schema is inlined
into one document. It describes a *subset* of the valid instances, small enough to generate
quickly: objects are closed to their defined members, members whose ``$ref`` nests deeper than
``depth`` are left out unless required, arrays hold at most ``max_items`` elements, strings
and integers are bounded, base64 strings come from a short list of literals, enumerations
become ``enum``, and each CHOICE becomes one closed object per alternative.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from conformance.catalog import Catalog

__all__ = [
    "InstanceBuilder",
    "InstanceError",
    "canonical_seed",
    "self_contained_schema",
    "type_of_ref",
]

_MAX_DEPTH = 64
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
_YEAR_SECONDS = 365 * 24 * 3600
_INT64 = 2**63
_BASE64_LITERALS = ["", "AA==", "3q2+7w==", "dWNjb25m"]


class InstanceError(Exception):
    """A schema cannot be satisfied by the builder's rules (a project bug)."""


def type_of_ref(ref: str) -> str:
    """The type a cross-file ``$ref`` names: ``AsnFoo.json`` -> ``AsnFoo``."""
    if ref.startswith("#"):
        raise InstanceError(f"local $ref {ref!r} is not supported")
    return ref.rsplit("/", 1)[-1].removesuffix(".json")


class InstanceBuilder:
    """Deterministic minimal instances of catalogue types."""

    def __init__(self, catalog: Catalog, *, boolean: bool = True) -> None:
        self.catalog = catalog
        self.boolean = boolean
        self._schemas: dict[str, Any] = {}

    def instance(self, type_name: str, seed: str = "") -> Any:
        """A schema-valid instance of ``type_name``; equal seeds give equal instances."""
        return self._value(self._schema(type_name), type_name, seed, 0)

    def argument(self, operation: str) -> Any:
        """The minimal valid argument of ``operation``, seeded by its name (``{}`` for an
        operation without an argument type); an object, except for array-typed arguments."""
        info = self.catalog.operation(operation)
        if info.argument is None:
            return {}
        return self.instance(info.argument, operation)

    def _schema(self, type_name: str) -> Any:
        if type_name not in self._schemas:
            self._schemas[type_name] = self.catalog.schema_of(type_name)
        return self._schemas[type_name]

    def _value(self, node: Any, hint: str, seed: str, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise InstanceError(f"required members nest deeper than {_MAX_DEPTH} at {seed!r}")
        if not isinstance(node, dict):
            raise InstanceError(f"not a schema at {seed!r}: {node!r}")
        if "$ref" in node:
            target = type_of_ref(str(node["$ref"]))
            return self._value(self._schema(target), hint, seed, depth + 1)
        if "const" in node:
            return node["const"]
        kind = node.get("type")
        if isinstance(kind, list):
            if "null" in kind:
                return None
            kind = kind[0]
        if "anyOf" in node and kind != "object":  # an enumeration: anyOf of consts
            return self._value({"type": kind, **node["anyOf"][0]}, hint, seed, depth + 1)
        if kind == "object":
            return self._object(node, seed, depth)
        if kind == "array":
            return []
        if kind == "string":
            return _string(node, hint, seed)
        if kind == "integer":
            return max(0, int(node.get("minimum", 0)))
        if kind == "number":
            return 0.0
        if kind == "boolean":
            return self.boolean
        if kind == "null":
            return None
        raise InstanceError(f"cannot build an instance of schema {node!r} at {seed!r}")

    def _object(self, node: dict[str, Any], seed: str, depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = node.get("properties", {})
        if "oneOf" in node:  # a CHOICE: exactly one alternative, the first
            members = [node["oneOf"][0]["required"][0]]
        else:
            members = list(node.get("required", []))
        out: dict[str, Any] = {}
        for member in members:
            if member not in properties:
                raise InstanceError(f"required member {member!r} has no schema at {seed!r}")
            out[member] = self._value(properties[member], member, f"{seed}/{member}", depth + 1)
        return out


def _digest(seed: str) -> bytes:
    return hashlib.sha256(seed.encode("utf-8")).digest()


def _string(node: dict[str, Any], hint: str, seed: str) -> str:
    digest = _digest(seed)
    if node.get("format") == "date-time":
        offset = int.from_bytes(digest[:4], "big") % _YEAR_SECONDS
        return (_EPOCH + timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%SZ")
    if node.get("contentEncoding") == "base64":
        return base64.b64encode(digest[:6]).decode("ascii")
    if "pattern" in node:
        raise InstanceError(f"no rule for pattern {node['pattern']!r} at {seed!r}")
    return f"{hint or 'text'}-{digest[:4].hex()}"


def canonical_seed(operation: str, argument: Any) -> str:
    """``operation`` plus the argument's canonical JSON: the seed of a synthesised result."""
    canonical = json.dumps(argument or {}, sort_keys=True, separators=(",", ":"), default=str)
    return f"{operation}:{canonical}"


# --- self-contained schemas for property-based generators -----------------------------------


def self_contained_schema(
    catalog: Catalog,
    type_name: str,
    *,
    depth: int = 3,
    max_items: int = 2,
    max_length: int = 24,
) -> dict[str, Any]:
    """One JSON Schema, without ``$ref``, describing a bounded subset of ``type_name``'s valid
    instances (see the module docstring); for hypothesis-jsonschema."""
    return _Inliner(catalog, depth, max_items, max_length).type_schema(type_name, 0)


class _Inliner:
    def __init__(self, catalog: Catalog, depth: int, max_items: int, max_length: int) -> None:
        self.catalog = catalog
        self.depth = depth
        self.max_items = max_items
        self.max_length = max_length

    def type_schema(self, type_name: str, level: int) -> dict[str, Any]:
        if level > _MAX_DEPTH:
            raise InstanceError(f"required members of {type_name} nest deeper than {_MAX_DEPTH}")
        return self.node(self.catalog.schema_of(type_name), level)

    def node(self, node: Any, level: int) -> dict[str, Any]:
        if not isinstance(node, dict):
            raise InstanceError(f"not a schema: {node!r}")
        if "$ref" in node:
            return self.type_schema(type_of_ref(str(node["$ref"])), level + 1)
        if "const" in node:
            return {"const": node["const"]}
        kind = node.get("type")
        if isinstance(kind, list):  # ["object", "null"]: the dummy placeholders
            return {"anyOf": [{"type": "null"}, {"type": "object", "maxProperties": 0}]}
        if "anyOf" in node and kind != "object":
            branches = node["anyOf"]
            if all(isinstance(b, dict) and "const" in b for b in branches):  # an enumeration
                return {"enum": [branch["const"] for branch in branches]}
            return {"anyOf": [self.node(branch, level) for branch in branches]}
        if kind == "object":
            return self.object(node, level)
        if kind == "array":
            items = self.node(node["items"], level)
            return {"type": "array", "items": items, "maxItems": self.max_items}
        if kind == "string":
            return self.string(node)
        if kind == "integer":
            low = max(-_INT64, int(node.get("minimum", -_INT64)))
            return {"type": "integer", "minimum": low, "maximum": _INT64 - 1}
        if kind in ("number", "boolean", "null"):
            return {"type": kind}
        raise InstanceError(f"cannot inline schema {node!r}")

    def string(self, node: dict[str, Any]) -> dict[str, Any]:
        if node.get("contentEncoding") == "base64":
            return {"enum": list(_BASE64_LITERALS)}
        if "pattern" in node:
            raise InstanceError(f"no rule for pattern {node['pattern']!r}")
        out: dict[str, Any] = {"type": "string", "maxLength": self.max_length}
        if "format" in node:
            out["format"] = node["format"]
        return out

    def object(self, node: dict[str, Any], level: int) -> dict[str, Any]:
        properties: dict[str, Any] = node.get("properties", {})
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):  # AsnOptionalParameters: a map of scalar values
            return {
                "type": "object",
                "additionalProperties": self.node(extra, level),
                "maxProperties": self.max_items,
            }
        if "oneOf" in node:  # a CHOICE: one closed object per alternative
            alternatives = [branch["required"][0] for branch in node["oneOf"]]
            return {
                "anyOf": [
                    {
                        "type": "object",
                        "properties": {name: self.node(properties[name], level)},
                        "required": [name],
                        "additionalProperties": False,
                    }
                    for name in alternatives
                ]
            }
        required = [name for name in node.get("required", []) if name in properties]
        kept: dict[str, Any] = {}
        for name, member in properties.items():
            nested = isinstance(member, dict) and "$ref" in member
            if name in required or not nested or level < self.depth:
                kept[name] = self.node(member, level)
        return {
            "type": "object",
            "properties": kept,
            "required": required,
            "additionalProperties": False,
        }
