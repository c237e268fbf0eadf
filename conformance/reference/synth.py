"""Schema-valid results for the catalogued operations the reference server does not model.

The server must answer all 391 operations of the catalogue, but it models only some of them.
For the others it synthesises a result from the result type's JSON Schema: the smallest value
the schema accepts, made deterministic per (operation, argument) so that the same call always
gets the same answer and GET and POST of one call agree. Rules, per schema node:

* ``$ref``: the referenced type; ``const``: that value; a type list with ``null``: ``null``
  (the ``dummy`` placeholders, CONFORMANCE-NOTES N6).
* enumeration (``anyOf`` of consts): its first value.
* object: the required members only; a CHOICE (``oneOf`` of ``required``): its first
  alternative.
* array: empty. string: ``<member>-<8 hex digits>`` where the digits hash the operation, the
  argument and the member's path, so strings vary with the argument; ``date-time``: a time in
  2024 chosen by the same hash; base64: the hash's bytes, base64-encoded.
* integer: 0, or the schema's ``minimum`` if higher; number: 0.0; boolean: ``true`` (most result
  booleans report success, e.g. ``bSuccess``).

A schema the rules cannot satisfy, or a cycle of required members, raises :class:`SynthError`;
the project's tests synthesise and validate the result of every catalogued operation.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from conformance.catalog import Catalog
from conformance.rose import JsonObject

__all__ = ["SynthError", "Synthesiser"]

_MAX_DEPTH = 64
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
_YEAR_SECONDS = 365 * 24 * 3600


class SynthError(Exception):
    """The schema of a type cannot be satisfied by the synthesiser's rules (a project bug)."""


class Synthesiser:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._schemas: dict[str, Any] = {}

    def result(self, operation: str, argument: JsonObject | None) -> Any:
        """The synthesised result of ``operation`` called with ``argument``: an object, or an
        array for the two operations whose result type is one (asnMgmtGetMeshNodeConfigs,
        asnMgmtGetMeshNodeStatuses)."""
        info = self._catalog.operation(operation)
        if info.result is None:
            raise SynthError(f"{operation} is {info.kind} without a result type")
        canonical = json.dumps(argument or {}, sort_keys=True, separators=(",", ":"), default=str)
        return self.instance(info.result, f"{operation}:{canonical}")

    def instance(self, type_name: str, seed: str = "") -> Any:
        """A schema-valid instance of ``type_name``; equal seeds give equal instances."""
        return self._value(self._schema(type_name), type_name, seed, 0)

    def _schema(self, type_name: str) -> Any:
        if type_name not in self._schemas:
            self._schemas[type_name] = self._catalog.schema_of(type_name)
        return self._schemas[type_name]

    def _value(self, node: Any, hint: str, seed: str, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise SynthError(f"required members nest deeper than {_MAX_DEPTH} at {seed!r}")
        if not isinstance(node, dict):
            raise SynthError(f"not a schema at {seed!r}: {node!r}")
        if "$ref" in node:
            ref = str(node["$ref"])
            if ref.startswith("#"):
                raise SynthError(f"local $ref {ref!r} not supported at {seed!r}")
            target = ref.rsplit("/", 1)[-1].removesuffix(".json")
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
            return True
        if kind == "null":
            return None
        raise SynthError(f"cannot synthesise schema {node!r} at {seed!r}")

    def _object(self, node: dict[str, Any], seed: str, depth: int) -> JsonObject:
        properties: dict[str, Any] = node.get("properties", {})
        if "oneOf" in node:  # a CHOICE: exactly one alternative, the first
            members = [node["oneOf"][0]["required"][0]]
        else:
            members = list(node.get("required", []))
        out: JsonObject = {}
        for member in members:
            if member not in properties:
                raise SynthError(f"required member {member!r} has no schema at {seed!r}")
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
        raise SynthError(f"no rule for pattern {node['pattern']!r} at {seed!r}")
    return f"{hint or 'text'}-{digest[:4].hex()}"
