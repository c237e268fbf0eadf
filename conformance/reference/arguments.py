"""The argument of an HTTP call: the JSON body of a POST, or the query parameters of a GET.

"All API endpoints may be called with GET or POST" (L28, L49): a POST carries the argument as
its JSON body (L143-L145, L156-L157; an empty body is the empty argument ``{}``), a GET as query
parameters (``?iType=1``, L588-L590). Query values are text, so each is converted by the type
its member has in the operation's argument schema: integer, number, boolean (``true``/``false``
or ``1``/``0``), string as is, and JSON text for objects and arrays. Members the schema does not
define stay strings (schemas allow unknown members). The route's own parameters are not
arguments: user, pass, token, ucsid, callback, no401 and x-ucsessionid.

A POST with an empty body falls back to the query parameters, so ``curl -X POST '...?iType=1'``
means what it says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.catalog import Catalog, UnknownName
from conformance.rose import GeneralProblem, InvokeProblem, JsonObject, RejectProblem, loads_json

__all__ = ["RESERVED_QUERY_NAMES", "ArgumentProblem", "parse_body", "parse_query"]

RESERVED_QUERY_NAMES = frozenset(
    {"user", "pass", "token", "ucsid", "callback", "no401", "x-ucsessionid"}
)


class ArgumentProblem(Exception):
    """The request's argument cannot be used; answered with a reject of ``problem``."""

    def __init__(self, problem: RejectProblem, details: str) -> None:
        super().__init__(details)
        self.problem = problem
        self.details = details


def parse_body(text: str) -> JsonObject | None:
    """The JSON object of a request body; None for an empty body."""
    if not text.strip():
        return None
    try:
        value = loads_json(text)  # the same strict JSON as the WebSocket
    except ValueError as exc:
        raise ArgumentProblem(
            GeneralProblem.BADLY_STRUCTURED_APDU, f"request body is not JSON text: {exc}"
        ) from None
    if not isinstance(value, dict):
        raise ArgumentProblem(
            GeneralProblem.MISTYPED_APDU,
            f"request body must be a JSON object, got {type(value).__name__}",
        )
    return value


def parse_query(query: Mapping[str, str], catalog: Catalog, type_name: str | None) -> JsonObject:
    """The argument carried by query parameters, typed by ``type_name``'s members."""
    members = _member_types(catalog, type_name)
    argument: JsonObject = {}
    for name, text in query.items():
        if name.lower() in RESERVED_QUERY_NAMES or name in argument:
            continue
        argument[name] = _convert(name, text, members.get(name))
    return argument


def _member_types(catalog: Catalog, type_name: str | None) -> dict[str, str]:
    """Member name to JSON type (after following ``$ref``) of an object type's schema."""
    if type_name is None:
        return {}
    try:
        schema = catalog.schema_of(type_name)
    except UnknownName:
        return {}
    types: dict[str, str] = {}
    for member, node in schema.get("properties", {}).items():
        kind = _json_type(catalog, node)
        if kind is not None:
            types[member] = kind
    return types


def _json_type(catalog: Catalog, node: Any, depth: int = 0) -> str | None:
    if not isinstance(node, dict) or depth > 8:
        return None
    if "$ref" in node:
        target = str(node["$ref"]).rsplit("/", 1)[-1].removesuffix(".json")
        try:
            return _json_type(catalog, catalog.schema_of(target), depth + 1)
        except UnknownName:
            return None
    kind = node.get("type")
    if isinstance(kind, list):  # ["object", "null"]: the dummy placeholders
        kind = kind[0]
    return kind if isinstance(kind, str) else None


def _convert(name: str, text: str, kind: str | None) -> Any:
    def bad(expected: str) -> ArgumentProblem:
        return ArgumentProblem(
            InvokeProblem.MISTYPED_ARGUMENT,
            f"query parameter {name}: expected {expected}, got {text!r}",
        )

    if kind == "integer":
        try:
            return int(text.strip())
        except ValueError:
            raise bad("an integer") from None
    if kind == "number":
        try:
            return float(text.strip())
        except ValueError:
            raise bad("a number") from None
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise bad("true or false")
    if kind in ("object", "array"):
        try:
            value = loads_json(text)
        except ValueError:
            raise bad(f"JSON text of an {kind}") from None
        return value
    return text
