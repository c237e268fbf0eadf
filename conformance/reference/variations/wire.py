"""Variations of how the server writes JSON: the vendor's spellings (protocol-notes §3-§4).

Each rewrites the JSON value of every frame and operation body just before it goes out
(``wire.outgoing``), or an event (``event.outgoing``). All are allowed: the document says only
"ein ISO8601 String" for date-times (L23720) and draws optionalParams as an array (L23777-
L23781); protocol-notes §3-§4 record that receivers must take unpadded base64 and any ``_type``,
and that events may come with operationID 0 (plain JSON servers).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from conformance.reference.state import OUTGOING_EVENT, OUTGOING_JSON
from conformance.reference.variations.registry import variation
from conformance.rose import Invoke

_BINARY = re.compile(r"bin[A-Z]|binarydata$")
_DATE_TIME = re.compile(r"st[A-Z]")
_ROSE_NAMES = {
    "invoke": "ROSEInvoke",
    "result": "ROSEResult",
    "error": "ROSEError",
    "reject": "ROSEReject",
}


def _strings(match: re.Pattern[str], change: Callable[[str], str]) -> Callable[[Any], Any]:
    """A rewrite of every string member whose name matches, anywhere in a JSON value."""

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, dict):
            return {
                key: change(item) if isinstance(item, str) and match.match(key) else walk(item)
                for key, item in value.items()
            }
        return value

    return walk


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _milliseconds(text: str) -> str:
    moment = _moment(text)
    if moment is None:
        return text
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _offset(text: str) -> str:
    moment = _moment(text)
    if moment is None:
        return text
    return moment.astimezone(timezone(timedelta(hours=1))).isoformat()


variation(
    "wire.base64-unpadded",
    "binary members (bin..., binarydata) without '=' padding, as the vendor's encoder writes",
    OUTGOING_JSON,
    lines=(),
    source="protocol-notes §4",
)(_strings(_BINARY, lambda text: text.rstrip("=")))

variation(
    "wire.date-times-with-milliseconds",
    "date-times as JavaScript's toISOString() writes them: UTC with milliseconds",
    OUTGOING_JSON,
    lines=(23720,),
)(_strings(_DATE_TIME, _milliseconds))

variation(
    "wire.date-times-with-offset",
    "date-times as the same instant at UTC+01:00 ('2024-05-17T10:30:00+01:00')",
    OUTGOING_JSON,
    lines=(23720,),
)(_strings(_DATE_TIME, _offset))


def _typed(value: Any, name: str) -> Any:
    if isinstance(value, list):
        return [_typed(item, name) for item in value]
    if not isinstance(value, dict):
        return value
    # optionalParams in the object form is a map of parameters, not an object with members.
    out = {
        key: item if key == "optionalParams" else _typed(item, _name_for(key))
        for key, item in value.items()
    }
    declared = out.get("_type")
    out["_type"] = f"{declared}V8" if isinstance(declared, str) else name
    return out


variation(
    "wire.type-everywhere",
    "'_type' on every object, the ROSE envelope included, with the vendor's other names "
    "(an existing name gets a version suffix)",
    OUTGOING_JSON,
    lines=(),
    source="protocol-notes §4",
)(lambda value: _typed(value, "ROSEMessage"))


def _name_for(member: str) -> str:
    return _ROSE_NAMES.get(member, f"Asn{member[:1].upper()}{member[1:]}")


@variation(
    "wire.errors-as-request-error",
    "every operation error labelled '_type': 'AsnRequestError'",
    OUTGOING_JSON,
    lines=(27255, 27238, 27273),
)
def _request_errors(value: Any) -> Any:
    if isinstance(value, list):
        return [_request_errors(item) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: _request_errors(item) for key, item in value.items()}
    if "error_value" in out and isinstance(out.get("error"), dict):
        out["error"] = {**out["error"], "_type": "AsnRequestError"}
    return out


@variation(
    "wire.optional-params-as-array",
    "optionalParams in the document's array form [{key, value: {stringdata|integerdata|"
    "binarydata}}], not the object real servers send",
    OUTGOING_JSON,
    lines=(23777, 23781),
)
def _params_as_array(value: Any) -> Any:
    if isinstance(value, list):
        return [_params_as_array(item) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: _params_as_array(item) for key, item in value.items()}
    params = out.get("optionalParams")
    if isinstance(params, dict):
        out["optionalParams"] = [{"key": k, "value": _choice(v)} for k, v in params.items()]
    return out


def _choice(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value  # {"binarydata": ...} already
    if isinstance(value, int) and not isinstance(value, bool):
        return {"integerdata": value}
    return {"stringdata": str(value)}


@variation(
    "event.operation-id-zero",
    "events with operationID 0, as a plain JSON server may send them (the name says which)",
    OUTGOING_EVENT,
    lines=(),
    source="protocol-notes §3",
)
def _operation_id_zero(event: Invoke) -> Invoke:
    return dataclasses.replace(event, operation_id=0, _event=True)
