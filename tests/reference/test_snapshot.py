"""Tests of conformance/reference/snapshot.py: every change a test can make shows, and goes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import requests

from conformance.reference import ReferenceServer
from conformance.reference.snapshot import difference

if TYPE_CHECKING:  # conftest is not importable at run time (--import-mode=importlib)
    from conftest import Api

MakeApi = Callable[[ReferenceServer], "Api"]

ALICE = "sip:alice@reference.invalid"
SUPPORT = "sip:support@groups.reference.invalid"
A1 = "tel:+4930100101"


def _ok(response: requests.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def _absent(state: int) -> dict[str, Any]:
    return {
        "absentstate": {
            "u8sContactId": ALICE,
            "u8sUsername": "",
            "stTimeFrom": "2024-05-01T08:00:00Z",
            "stTimeTo": "2024-05-01T17:00:00Z",
            "iAbsentState": state,
            "u8sMessage": "",
            "u8sAbsentReason": "",
            "iPresenceState": 0,
        }
    }


def test_a_fresh_server_equals_itself(server: ReferenceServer) -> None:
    assert difference(server.snapshot(), server.snapshot()) == ""


def test_every_change_shows_in_the_difference_and_undoing_it_empties_it(
    make_server: Callable[..., ReferenceServer], api_for: MakeApi
) -> None:
    server = make_server()
    api = api_for(server)
    before = server.snapshot()
    session = api.create_session("alice")
    _ok(api.client(session, "asnAbsentStateSetUser", _absent(1)))
    _ok(api.client(session, "asnAgentLogin", {"u8sAgentURI": ALICE, "u8sGroupURI": SUPPORT}))
    broadcast = {"listu8sGroupIDs": [SUPPORT], "iBroadcastType": 1, "data": "x", "iTTL": -1}
    broadcast_id = _ok(api.client(session, "asnAgentBroadcastCreate", broadcast))["u8sBroadcastID"]
    _ok(api.client(session, "asnCtiLineMonitorStart", {"u8sLinePhoneNumber": A1}))
    dial = {"u8sPhoneNumberFrom": A1, "u8sPhoneNumberTo": "+4930100201", "iNumberFormat": 1}
    call = _ok(api.client(session, "asnCtiMakeCall", dial))["u8sConnectionID"]
    changed = difference(before, server.snapshot())
    for area in ("sessions", "users", "agents", "broadcasts", "cti"):
        assert f"root['{area}']" in changed, (area, changed)

    _ok(api.client(session, "asnAbsentStateReset", {"u8sContactId": ALICE}))
    _ok(api.client(session, "asnAgentLogoff", {"u8sAgentURI": ALICE, "u8sGroupURI": SUPPORT}))
    _ok(api.client(session, "asnAgentBroadcastConfirm", {"u8sBroadcastID": broadcast_id}))
    _ok(api.client(session, "asnCtiDropCall", {"u8sConnectionID": call}))
    assert api.client(session, "asnLogoff", {}).status_code == 200
    left = difference(before, server.snapshot())
    assert "root['sessions']" not in left and "root['users']" not in left, left
    assert "root['agents']" not in left and "root['broadcasts']" not in left, left
    assert "root['cti']['monitors']" not in left, left  # ended with the session
    assert "root['cti']['calls']" not in left, left
