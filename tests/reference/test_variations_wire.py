"""conformance.reference.variations.wire: each vendor spelling, on a sample and on the wire."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.client import Basic, HttpClient, Session, Target
from conformance.reference import ReferenceServer
from conformance.reference.state import OUTGOING_EVENT, OUTGOING_JSON
from conformance.reference.variations import VARIATIONS
from conformance.rose import Invoke


def bend(name: str, value: Any) -> Any:
    ((point, transform),) = VARIATIONS[name].hooks
    assert point in (OUTGOING_JSON, OUTGOING_EVENT)
    return transform(value)


SAMPLE = [
    {
        "result": {
            "invokeID": 1,
            "result": {
                "resultValue": 0,
                "result": {
                    "_type": "AsnX",
                    "binData": "AA==",
                    "stTime": "2024-05-17T09:30:00Z",
                    "optionalParams": {"n": 1, "s": "x", "b": {"binarydata": "AAE="}},
                },
            },
        }
    }
]


def test_each_spelling() -> None:
    inner = bend("wire.base64-unpadded", SAMPLE)[0]["result"]["result"]["result"]
    assert inner["binData"] == "AA" and inner["optionalParams"]["b"] == {"binarydata": "AAE"}
    inner = bend("wire.date-times-with-milliseconds", SAMPLE)[0]["result"]["result"]["result"]
    assert inner["stTime"] == "2024-05-17T09:30:00.000Z"
    inner = bend("wire.date-times-with-offset", SAMPLE)[0]["result"]["result"]["result"]
    assert inner["stTime"] == "2024-05-17T10:30:00+01:00"
    typed = bend("wire.type-everywhere", SAMPLE)[0]
    assert typed["_type"] == "ROSEMessage" and typed["result"]["_type"] == "ROSEResult"
    assert typed["result"]["result"]["result"]["_type"] == "AsnXV8"
    assert "_type" not in typed["result"]["result"]["result"]["optionalParams"]
    inner = bend("wire.optional-params-as-array", SAMPLE)[0]["result"]["result"]["result"]
    assert inner["optionalParams"] == [
        {"key": "n", "value": {"integerdata": 1}},
        {"key": "s", "value": {"stringdata": "x"}},
        {"key": "b", "value": {"binarydata": "AAE="}},
    ]
    error = [{"error": {"invokedID": 1, "error_value": 0, "error": {"_type": "AsnXError"}}}]
    assert bend("wire.errors-as-request-error", error)[0]["error"]["error"]["_type"] == (
        "AsnRequestError"
    )
    assert bend("event.operation-id-zero", Invoke.event("asnKeepAlive", {}, 100)).operation_id == 0


@pytest.mark.parametrize("name", ["wire.type-everywhere", "wire.optional-params-as-array"])
def test_the_client_takes_every_spelling(name: str) -> None:
    with ReferenceServer(variations=[name]) as server:
        user = server.profile.enabled_users()[0]
        http = HttpClient(Target(server.url, server.ucsid))
        with Session.open(http, Basic(user.name, user.password)) as session:
            assert session.invoke("asnGetLoggedInContact", {}).ok
            assert session.call_http("asnGetLoggedInContact", {}).ok
        assert server.state.internal_errors == []
