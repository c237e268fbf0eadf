"""Both client dialects are answered alike (protocol-notes §3-§4; conformance/client/dialect.py):
optionalParams as the document's array (L23777-L23781) or the object servers send, date-times
in any ISO 8601 form (L23720) such as JavaScript's ``toISOString()``, base64 without padding,
``_type`` on every object including the ROSE envelope, and the operation's number next to its
name. Each call is read-only or refers to nothing that exists, so it changes nothing.
"""

from __future__ import annotations

import pytest

from conformance.client import Session
from conformance.client.outcome import HttpOutcome, Outcome
from conformance.errors import ConformanceViolation
from conformance.rose import JsonObject, Reject

pytestmark = [pytest.mark.requires("users>=1")]

TRANSPORTS = ["websocket", "http"]
AnyOutcome = Outcome | HttpOutcome


def call(session: Session, transport: str, operation: str, argument: JsonObject) -> AnyOutcome:
    if transport == "websocket":
        return session.invoke(operation, argument)
    return session.call_http(operation, argument)


def assert_answered_alike(operation: str, plain: AnyOutcome, vendor: AnyOutcome) -> None:
    """The vendor's spelling of a valid argument gets the answer the plain one got: no reject
    the plain one did not get, and a result wherever the plain one got a result."""
    plain_reject = plain.message if isinstance(plain.message, Reject) else None
    vendor_reject = vendor.message if isinstance(vendor.message, Reject) else None
    refused = vendor_reject is not None and (
        plain_reject is None or plain_reject.problem != vendor_reject.problem
    )
    if refused or (plain.ok and not vendor.ok):
        raise ConformanceViolation(
            f"{operation}: the vendor's spelling of the argument got {vendor.describe()}, "
            f"the plain one {plain.describe()}; both are valid (protocol-notes §3-§4)"
        )


@pytest.mark.module("Journal")
@pytest.mark.spec("28.1.8", line=29963)
@pytest.mark.spec("25.1.1", line=23720)
@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.sends("asnGetJournalEntriesCount")
def test_date_times_and_optional_parameters_in_either_dialect(
    sessions: dict[str, Session], transport: str
) -> None:
    """asnGetJournalEntriesCount counts journal entries in a time window: its find options
    carry two AsnSystemTime members and optionalParams (both dialects write them differently)."""
    argument = {
        "findOptions": {
            "stStartTimeFrom": "2024-01-01T00:00:00Z",
            "stStartTimeTo": "2024-01-02T00:00:00Z",
            "u8slistLineUserNames": [],
            "u8slistPhoneNumber": [],
            "u8sContactName": "",
            "u8sCompanyName": "",
            "u8sFilterText": "ucserver-conformance interop",
            "bsFlags": 0,
            "iMaxNumEntries": 1,
            "optionalParams": {"ucconf": "interop"},
        },
        "optionalParams": {"ucconf": 1},
    }
    operation = "asnGetJournalEntriesCount"
    plain = call(sessions["plain"], transport, operation, argument)
    vendor = call(sessions["vendor"], transport, operation, argument)
    assert_answered_alike(operation, plain, vendor)


@pytest.mark.module("ChatV2")
@pytest.mark.spec("16.1.7", line=18042)
@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.sends("asnChatPutBinaryChunk")
def test_binary_data_in_either_dialect(sessions: dict[str, Session], transport: str) -> None:
    """asnChatPutBinaryChunk carries an OCTET STRING (base64; the vendor's without ``=``),
    addressed to a conversation that does not exist, so that nothing is stored."""
    argument = {
        "u8sConversationID": "ucserver-conformance-interop-no-such-conversation",
        "iConvSequenceID": 0,
        "binData": "AAECAw==",
        "bLastChunk": True,
    }
    operation = "asnChatPutBinaryChunk"
    plain = call(sessions["plain"], transport, operation, argument)
    vendor = call(sessions["vendor"], transport, operation, argument)
    assert_answered_alike(operation, plain, vendor)
