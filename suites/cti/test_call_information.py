"""The General events a CTI call causes: asnUpdateMyCallInformation (2.2.15, L3230-L3290) to
the sessions of the user whose line the call is on, and asnContactCallInformationChanged
(2.2.10, L3109-L3128, "Invoked (Event) if PhoneState (CallInformation) has changed") to the
sessions watching that user's presence.

The document names neither event's recipients. A server that sends them to the line owner's
sessions and to its presence subscribers declares the profile capability
``cti.call_information_events`` (CONFORMANCE-NOTES); without it these tests are skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from conformance.client import Where
from conformance.lineids import same_line

if TYPE_CHECKING:
    from conftest import Cti, Party

pytestmark = [
    pytest.mark.module("CTI"),
    pytest.mark.requires("cti.lines>=2"),
    pytest.mark.requires("capability:cti.call_information_events"),
]

MY_CALL = "asnUpdateMyCallInformation"
CONTACT_CALL = "asnContactCallInformationChanged"
SUBSCRIBE = "asnGetAndSubscribePresence"


def _about(connection_id: str, holder: str | None = None) -> Where:
    """``where=`` for call information about ``connection_id`` (inside ``holder``, if given)."""

    def test(argument: dict[str, Any]) -> bool:
        info = argument.get(holder, {}) if holder else argument
        return isinstance(info, dict) and info.get("u8sConnectionID") == connection_id

    return Where(test, f"{holder + '.' if holder else ''}u8sConnectionID == {connection_id!r}")


@pytest.mark.spec("2.2.15", line=3230)
@pytest.mark.spec("2.2.10", line=3109)
@pytest.mark.spec("3.1.160", line=7411)
@pytest.mark.sends("asnCtiEnumPhoneLines", "asnCtiMakeCall", "asnCtiDropCall", SUBSCRIBE)
def test_a_call_is_told_to_the_owner_and_to_watchers(
    cti: Cti, caller: Party, callee: Party, spare: Party
) -> None:
    """The caller places a call. Another session of the caller gets asnUpdateMyCallInformation
    about the calling connection: "ContactID: wessen status ändert sich" the caller
    (L3238), the connection "auf welcher Verbindung ... ändert sich was" (L3242-L3244) on the
    caller's line (L3246-L3250), outbound ("abgehender ... Ruf", 3.1.160). A session of another
    user subscribed to the caller's presence gets asnContactCallInformationChanged whose
    ``contactID`` is the caller ("KontaktID des Kontaktes, der diese Nachricht versendet",
    L3118-L3120) and whose ``callinfo`` is about the same connection."""
    contact_id = caller.user.sip_uri
    if not contact_id:
        pytest.skip(f"the profile gives {caller.user.alias} no sip_uri (the contact id, N27)")
    own = cti.phone(caller)
    watcher = cti.phone(callee)
    watcher.invoke(SUBSCRIBE, {"seqContactIDs": [contact_id]}).expect_result()
    phone = cti.phone(caller)
    with cti.placed(phone, caller.line, spare, cti.number_of(spare)) as connection_id:
        mine = own.session.wait_for(MY_CALL, _about(connection_id)).argument or {}
        assert mine["u8sContactChangedId"] == contact_id, mine
        assert same_line(mine["u8sLinePhoneNumber"], caller.line), mine
        assert mine["bOutbound"] is True, mine
        told = watcher.session.wait_for(CONTACT_CALL, _about(connection_id, "callinfo"))
        argument = told.argument or {}
        assert argument["contactID"] == contact_id, argument
