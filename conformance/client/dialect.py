"""How the client writes what it sends: ``plain`` JSON, or the ``vendor`` dialect.

Both are what the document and protocol-notes §3-§4 allow; a conformant server accepts both.
``vendor`` writes exactly as estos' generated TypeScript client (the base of their own web and
node clients) does:

- ``operationID`` carries the operation's number next to ``operationName`` (plain: 0);
- every object has a ``_type``, the ROSE envelope objects included (``ROSEMessage``,
  ``ROSEInvoke``), the others named after their schema's type;
- ``optionalParams`` in the document's array form, ``[{"key", "value": {"stringdata" |
  "integerdata" | "binarydata": ...}}]`` (its default ``bUCServerOptionalParams: false``);
- base64 without ``=`` padding;
- date-times as JavaScript's ``toISOString()``: UTC with milliseconds.

The rewrite follows the argument's schema, so only members the schema says are binary, date-times
or optional parameters change; members it does not define pass unchanged. Arguments a test
builds wrong on purpose (``check_argument=False``) are sent as they are, in either dialect.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from conformance.catalog import Catalog, UnknownName
from conformance.opnumbers import OperationNumbers
from conformance.profile import DIALECTS
from conformance.rose import Invoke, JsonObject, to_json_obj

__all__ = ["Dialect", "to_iso_string"]

_OPTIONAL_PARAMETERS = "AsnOptionalParameters"


def to_iso_string(text: str) -> str:
    """An ISO 8601 date-time as JavaScript's ``Date.prototype.toISOString()`` writes it
    (``2026-12-05T17:03:12.345Z``); a time without offset counts as UTC (L23717)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text  # not ours to repair: the schema check reports it
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Dialect:
    """One way of writing invokes and arguments."""

    def __init__(self, name: str, catalog: Catalog, numbers: OperationNumbers) -> None:
        if name not in DIALECTS:
            raise ValueError(f"unknown dialect {name!r}; known: {', '.join(DIALECTS)}")
        self.name = name
        self.catalog = catalog
        self.numbers = numbers
        self._schema = cache(self._load)

    @property
    def vendor(self) -> bool:
        return self.name == "vendor"

    def operation_id(self, operation: str) -> int:
        """The ``operationID`` to send with ``operation`` (plain clients send 0)."""
        return (self.numbers.number_of(operation) or 0) if self.vendor else 0

    def argument(self, type_name: str | None, argument: Any) -> Any:
        """``argument`` of type ``type_name`` as this dialect writes it."""
        if not self.vendor or type_name is None:
            return argument
        return self._encode({"$ref": f"{type_name}.json"}, argument)

    def message(self, invoke: Invoke) -> JsonObject:
        """The JSON object of an invoke (its argument already in this dialect)."""
        obj = to_json_obj(invoke)
        if self.vendor:
            obj["invoke"]["_type"] = "ROSEInvoke"
            obj["_type"] = "ROSEMessage"
        return obj

    # --- the vendor's rewrite -------------------------------------------------------------

    def _load(self, type_name: str) -> dict[str, Any]:
        try:
            return self.catalog.schema_of(type_name)
        except UnknownName:
            return {}

    def _encode(self, node: dict[str, Any], value: Any, title: str | None = None) -> Any:
        while "$ref" in node:
            title = str(node["$ref"]).removesuffix(".json")
            node = self._schema(title)
        if title == _OPTIONAL_PARAMETERS and isinstance(value, dict):
            return [_optional_param(key, item) for key, item in value.items()]
        if isinstance(value, dict) and "properties" in node:
            members = node["properties"]
            out = {
                key: self._encode(members[key], item) if key in members else item
                for key, item in value.items()
            }
            if title is not None:
                out.setdefault("_type", title)
            return out
        if isinstance(value, list) and isinstance(node.get("items"), dict):
            return [self._encode(node["items"], item) for item in value]
        if isinstance(value, str) and node.get("contentEncoding") == "base64":
            return value.rstrip("=")
        if isinstance(value, str) and node.get("format") == "date-time":
            return to_iso_string(value)
        return value


def _optional_param(key: str, value: Any) -> JsonObject:
    if isinstance(value, dict) and isinstance(value.get("binarydata"), str):
        choice: JsonObject = {"binarydata": value["binarydata"].rstrip("=")}
    elif isinstance(value, int) and not isinstance(value, bool):
        choice = {"integerdata": value}
    elif isinstance(value, str):
        choice = {"stringdata": value}
    else:
        choice = {"stringdata": str(value)}
    choice["_type"] = "AsnOptionalParamChoice"
    return {"_type": "AsnOptionalParam", "key": key, "value": choice}
