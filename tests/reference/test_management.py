"""The Management module for the administrator's sessions (conformance/reference/management.py,
CONFORMANCE-NOTES N60). End to end: suites/management."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import requests

from conformance.reference import ReferenceServer

if TYPE_CHECKING:
    from conftest import Api, Channel


def _admin_session(api: Api) -> str:
    admin = api.server.profile.administrator
    assert admin is not None
    response = requests.post(
        f"{api.url}/ws/client/createsession",
        json={"negotiate": {"iClientProtocolVersion": 70}},
        auth=(admin.name, admin.password),
        timeout=5,
    )
    assert response.status_code == 200, response.text
    session_id: str = response.json()["sessionid"]
    return session_id


def _until_result(channel: Channel, invoke_id: int) -> tuple[list[dict[str, Any]], Any]:
    """The events before the result of ``invoke_id``, and that result."""
    events = []
    while "result" not in (message := channel.receive()):
        events.append(message["invoke"])
    assert message["result"]["invokeID"] == invoke_id
    return events, message["result"]["result"]["result"]


def test_a_user_is_refused_what_the_administrator_is_answered(
    make_server: Callable[..., ReferenceServer], api_for: Callable[[ReferenceServer], Api]
) -> None:
    api = api_for(make_server())
    with api.websocket(api.create_session("alice")) as user:
        refused = user.call(1, "asnMgmtGetUsers", {})
        assert refused["reject"]["reject"] == {"invokeProblem": 9}, refused
    with api.websocket(_admin_session(api)) as admin:
        admin.invoke(2, "asnMgmtGetUsers", {})
        events, result = _until_result(admin, 2)
    names = [e["argument"]["userProfile"]["u8sUserName"] for e in events]
    assert result == {"iNumberOfUsers": 4} and names == ["alice", "bob", "carol", "dave"]
    assert all(e["argument"]["userProfile"]["u8sPassword"] == "" for e in events)


def test_user_profiles_are_one_last_segment_filtered_by_online_state(
    make_server: Callable[..., ReferenceServer], api_for: Callable[[ReferenceServer], Api]
) -> None:
    api = api_for(make_server())
    api.create_session("bob")
    with api.websocket(_admin_session(api)) as admin:
        argument = {"iActiveUsersOnly": 1, "iFilterOnlineState": 1, "u8sCrossRefId": "x-1"}
        admin.invoke(3, "asnMgmtGetUserProfiles", argument)
        events, _ = _until_result(admin, 3)
    [segment] = [e["argument"] for e in events]
    assert (segment["u8sCrossRefID"], segment["bLastSegment"]) == ("x-1", True)
    assert [p["u8sUserName"] for p in segment["listUserProfiles"]] == ["bob"]


def test_line_subscriptions_are_in_the_snapshot_until_unsubscribed(
    make_server: Callable[..., ReferenceServer], api_for: Callable[[ReferenceServer], Api]
) -> None:
    server = make_server()
    api = api_for(server)
    admin = _admin_session(api)
    line = {"u8sTAPILineID": "tel:+4930100101"}
    assert api.client(admin, "asnMgmtSubscribeLineEvents", line).ok
    assert server.snapshot()["management line subscriptions"] == ["admin: tel:+4930100101"]
    assert api.client(admin, "asnMgmtUnsubscribeLineEvents", {}).ok
    assert server.snapshot()["management line subscriptions"] == []
