"""asnSendSMS (2.1.44) and the status events that follow it (asnSMSStatusNotify 2.2.32).

On a real server the operation sends text messages, so it is ``shared`` and gated: a run against
a target sends it only with explicit opt-in. The messages go to the owner's own first line (the
tester's account), and their text says where they come from.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.client import Session
from conformance.profile import User

pytestmark = pytest.mark.module("General")

SMS_STATUSES = (0, 1, 2)
"""eSMSSTATUSSUCCESS, eSMSSTATUSERROR, eSMSSTATUSDELAYED (AsnSMSStatus 3.1.35, L4915-L4925)."""


def _message(receiver: str, text: str) -> dict[str, object]:
    """An AsnSMSMessage (3.1.125, L6523ff): ``u8sRefId`` and the sender left empty ("Beim
    Versenden einfach leer lassen"; "leer lassen, dann ergaenzt der Server")."""
    return {
        "u8sRefId": "",
        "u8sSenderNumberSC": "",
        "u8sReceiverNumberSC": receiver,
        "u8sMessage": text,
        "iContentIsPrivate": 0,
    }


@pytest.mark.spec("2.1.44", line=2703)
@pytest.mark.spec("2.2.32", line=3546)
@pytest.mark.sends("asnSendSMS")
def test_each_sms_sent_gets_its_status(
    session_factory: Callable[..., Session], owner: User
) -> None:
    """asnSendSMS answers one reference id per message, in the order sent ("nur generierten
    ReferenzIDs fuer jede SMS", L2704; ``u8sCrossRefIDs`` "in der gleichen Reihenfolge"), and
    "the server sends the client status messages for the SMS sent" (L4916): each id comes back
    in an asnSMSStatusNotify (``u8sMonitorCrossRefID``) to the session that sent it, with a
    status of AsnSMSStatus. Any status passes: a server without an SMS gateway reports
    eSMSSTATUSERROR."""
    if not owner.lines:
        pytest.skip("the owner has no line to send the SMS to")
    receiver = owner.lines[0].removeprefix("tel:")
    session = session_factory(owner.alias)
    texts = ("ucserver-conformance SMS test 1 of 2", "ucserver-conformance SMS test 2 of 2")
    messages = [_message(receiver, text) for text in texts]
    result = session.invoke("asnSendSMS", {"messages": messages}).expect_result()
    ids = result["u8sCrossRefIDs"]
    assert len(ids) == len(messages), f"{len(messages)} messages sent, ids answered: {ids}"
    assert len(set(ids)) == len(ids), f"the messages share a reference id: {ids}"
    for ref in ids:
        status = session.wait_for("asnSMSStatusNotify", where={"u8sMonitorCrossRefID": ref})
        assert status.argument["status"] in SMS_STATUSES, status.argument
