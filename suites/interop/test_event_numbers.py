"""Events carry numbers a vendor client can route (protocol-notes §3).

estos' generated client dispatches what the server invokes on it by ``operationID`` alone: a
number that names another operation sends the event to the wrong handler, and 0 drops it.
The client's event check (conformance/client/checks.py) judges every event of every suite so:
a contradicting number fails, 0 where the number is known is an interoperability warning in
the summary (strict mode: a failure). This test provokes one numbered event on purpose: the
asnChatEvent list that asnChatGetEventsRange (16.1.12, L18319-L18431) sends to the caller.
"""

from __future__ import annotations

import secrets

import pytest

from conformance.client import Session
from conformance.client.exceptions import EventTimeout
from conformance.errors import ConformanceViolation
from conformance.plugin import Settings

pytestmark = [pytest.mark.module("ChatV2"), pytest.mark.requires("users>=2")]

CHAT_EVENT = "asnChatEvent"


@pytest.mark.spec("16.2.1", line=18784)
@pytest.mark.sends("asnChatGetConversationID", "asnChatGetEventsRange")
def test_events_carry_numbers_a_vendor_client_can_route(
    sessions: dict[str, Session], conformance_settings: Settings
) -> None:
    session = sessions["vendor"]
    partner = conformance_settings.profile.enabled_users()[1]
    if not partner.sip_uri:
        pytest.skip(f"the profile gives no sip_uri for user {partner.alias!r}")
    found = session.invoke("asnChatGetConversationID", {"u8sContactURI": partner.sip_uri})
    conversation = found.payload.get("u8sConversationID") if found.ok and found.payload else None
    if not conversation or not isinstance(found.payload, dict):
        pytest.skip(f"no conversation with {partner.sip_uri} to read: {found.describe()}")
    cross_ref = f"ucconf-interop-{secrets.token_hex(4)}"
    argument = {
        "asnConversationIDChoice": {"u8sConversationID": conversation},
        "iNumLessThanSeqID": 1,
        "u8sEventListCrossRefID": cross_ref,
    }
    session.invoke("asnChatGetEventsRange", argument).expect_result()
    try:
        event = session.wait_for(CHAT_EVENT, {"u8sEventListCrossRefID": cross_ref})
    except EventTimeout:
        pytest.skip("the target sent no asnChatEvent for the range request: nothing to judge")
    expected = session.client.checks.numbers.number_of(CHAT_EVENT)
    if event.operation_id == 0 and conformance_settings.strict_schemas:
        raise ConformanceViolation(
            f"{CHAT_EVENT} came with operationID 0 (strict: its number is {expected}; a vendor "
            "client routing by number drops it)"
        )
    # A contradicting number already failed in the event check; 0 is a warning in the summary.
    assert event.operation_id in (0, expected)
