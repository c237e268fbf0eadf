"""conformance.client.dialect: the plain and the vendor spelling of what the client sends."""

from __future__ import annotations

import pytest

from conformance.catalog import default_catalog
from conformance.client.dialect import Dialect, to_iso_string
from conformance.opnumbers import OperationNumbers
from conformance.rose import Invoke


def dialect(name: str) -> Dialect:
    catalog = default_catalog()
    return Dialect(name, catalog, OperationNumbers(catalog))


CHOICE = "AsnOptionalParamChoice"
ARGUMENT = {
    "findOptions": {
        "stStartTimeFrom": "2024-01-01T01:00:00+01:00",
        "stStartTimeTo": "2024-01-02T00:00:00",
        "u8slistLineUserNames": [],
        "u8slistPhoneNumber": [],
        "u8sContactName": "",
        "u8sCompanyName": "",
        "u8sFilterText": "",
        "bsFlags": 0,
        "iMaxNumEntries": 1,
        "optionalParams": {"s": "x", "n": 2, "b": {"binarydata": "AA=="}},
    },
    "u8sUnknownMember": {"kept": "as is"},
}


def test_plain_writes_what_it_was_given() -> None:
    plain = dialect("plain")
    assert plain.argument("AsnGetJournalEntriesCountArgument", ARGUMENT) is ARGUMENT
    assert plain.operation_id("asnGetLoggedInContact") == 0
    assert plain.message(Invoke(1, "asnX", {})) == {
        "invoke": {"invokeID": 1, "operationID": 0, "operationName": "asnX", "argument": {}}
    }


def test_vendor_writes_as_the_generated_typescript_client() -> None:
    vendor = dialect("vendor")
    written = vendor.argument("AsnGetJournalEntriesCountArgument", ARGUMENT)
    options = written["findOptions"]
    assert written["_type"] == "AsnGetJournalEntriesCountArgument"
    assert options["_type"] == "AsnNetDatabaseJournalFindOptions"
    assert options["stStartTimeFrom"] == "2024-01-01T00:00:00.000Z"
    assert options["stStartTimeTo"] == "2024-01-02T00:00:00.000Z"
    assert options["optionalParams"] == [
        {"_type": "AsnOptionalParam", "key": "s", "value": {"stringdata": "x", "_type": CHOICE}},
        {"_type": "AsnOptionalParam", "key": "n", "value": {"integerdata": 2, "_type": CHOICE}},
        {"_type": "AsnOptionalParam", "key": "b", "value": {"binarydata": "AA", "_type": CHOICE}},
    ]
    assert written["u8sUnknownMember"] == {"kept": "as is"}
    default_catalog().validate("AsnGetJournalEntriesCountArgument", written)
    assert vendor.operation_id("asnGetLoggedInContact") == 1004
    message = vendor.message(Invoke(1, "asnGetLoggedInContact", {}, 1004))
    assert message["_type"] == "ROSEMessage" and message["invoke"]["_type"] == "ROSEInvoke"


def test_binary_members_lose_their_padding() -> None:
    argument = {
        "u8sConversationID": "c",
        "iConvSequenceID": 1,
        "binData": "AAECAw==",
        "bLastChunk": True,
    }
    written = dialect("vendor").argument("AsnChatPutBinaryChunkArgument", argument)
    assert written["binData"] == "AAECAw"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05T17:03:12.345678Z", "2026-12-05T17:03:12.345Z"),
        ("2026-12-05T18:03:12+01:00", "2026-12-05T17:03:12.000Z"),
        ("2026-12-05T17:03:12", "2026-12-05T17:03:12.000Z"),
        ("not a time", "not a time"),
    ],
)
def test_to_iso_string(text: str, expected: str) -> None:
    assert to_iso_string(text) == expected
