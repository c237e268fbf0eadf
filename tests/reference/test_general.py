"""General, ClientPersistence and ClientContactsList in the reference server
(conformance/reference/general.py, persistence.py, contacts_list.py).

Each test runs on a private server. "Quiet" is checked without sleeping, as in test_presence:
a change made over HTTP has queued its events by the time its response arrives, so a round trip
on the watched channel after it proves that nothing was queued for that channel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from conformance.reference import ReferenceServer

if TYPE_CHECKING:
    from conftest import Api, Channel

MakeApi = Callable[[ReferenceServer], "Api"]
ALICE = "sip:alice@reference.invalid"


class Client:
    """One session with its event channel; reads every event (skips nothing)."""

    def __init__(self, api: Api, session: str, channel: Channel) -> None:
        self.api, self.session, self.channel = api, session, channel
        self.channel.skipped = frozenset()
        self._ids = iter(range(1, 10_000))

    def http(self, operation: str, argument: Any) -> Any:
        response = self.api.client(self.session, operation, argument)
        assert response.status_code == 200, response.text
        return response.json()

    def event(self, name: str) -> dict[str, Any]:
        """The next message, which must be the event ``name``: its argument."""
        message = self.channel.receive(timeout=5)
        assert message.get("invoke", {}).get("operationName") == name, message
        argument: dict[str, Any] = message["invoke"]["argument"]
        return argument

    def quiet(self) -> None:
        message = self.channel.call(next(self._ids) + 50_000, "asnCheckConnection", {})
        assert list(message) == ["result"], f"unexpected message: {message}"


@pytest.fixture
def connect(make_server: Callable[..., ReferenceServer], api_for: MakeApi) -> Iterator[Any]:
    server = make_server()
    api = api_for(server)

    @contextmanager
    def session(alias: str) -> Iterator[Client]:
        session_id = api.create_session(alias)
        with api.websocket(session_id) as channel:
            yield Client(api, session_id, channel)

    yield session, server


def test_watchers_get_contact_events_until_they_close_the_contact(connect: Any) -> None:
    session, _ = connect
    with session("bob") as bob, session("alice") as alice:
        bob.http("asnOpenContacts", {"seqContactIDs": [ALICE]})
        note = {"customnote": {"u8sContactID": "", "u8sUsername": "", "u8sNote": "away"}}
        alice.http("asnCustomNoteSet", note)
        assert bob.event("asnContactCustomNoteChanged")["u8sNote"] == "away"
        assert alice.event("asnUpdateMyCustomNote")["customnote"]["u8sNote"] == "away"
        bob.http("asnCloseContacts", {"seqContactIDs": [ALICE]})
        alice.http("asnCustomNoteSet", {"customnote": {**note["customnote"], "u8sNote": ""}})
        bob.quiet()


def test_connected_client_list_marks_the_receivers_own_entry(connect: Any) -> None:
    session, _ = connect
    with session("alice") as first, session("alice"):
        infos = first.event("asnMyUpdateConnectedClientList")["listClientInfos"]
        assert len(infos) == 2
        assert [i["bMyConnectionInfo"] for i in infos].count(True) == 1
        assert {i["iConnectionType"] for i in infos} == {15}  # clientappid=15


def test_persistence_answers_and_refusals(connect: Any) -> None:
    session, server = connect
    with session("alice") as alice, session("alice") as other:
        alice.event("asnMyUpdateConnectedClientList")  # the second session's logon
        store = {"u8sItemStore": "s"}
        alice.http("asnClientPersistenceCreate", {**store, "u8sCrossRefID": "1", "data": "x"})
        assert alice.event("asnClientPersistenceEvent")["iResult"] == 3  # not subscribed
        for session_client, ref in ((alice, "2"), (other, "1")):
            subscribe = {**store, "u8sCrossRefID": ref, "iSubscribeType": 1}
            session_client.http("asnClientPersistenceSubscribe", subscribe)
            assert session_client.event("asnClientPersistenceEvent")["iResult"] == 0
        create = {**store, "u8sCrossRefID": "3", "u8sItemStoreID": "k", "data": "x"}
        alice.http("asnClientPersistenceCreate", create)
        answer = alice.event("asnClientPersistenceEvent")
        assert (answer["u8sCrossRefID"], answer["changedItems"][0]["data"]) == ("3", "x")
        told = other.event("asnClientPersistenceEvent")
        assert (told["u8sCrossRefID"], told["changedItems"][0]["u8sItemStoreID"]) == ("", "k")
        alice.http("asnClientPersistenceCreate", create)  # the cross reference again
        assert alice.event("asnClientPersistenceEvent")["iResult"] == 4
        assert server.snapshot()["client persistence"] == {
            "alice/s": {"k": answer["changedItems"][0]}
        }
        delete = {**store, "u8sCrossRefID": "4", "u8sItemStoreID": "k"}
        alice.http("asnClientPersistenceDelete", delete)
        assert alice.event("asnClientPersistenceEvent")["deletedItems"][0]["u8sItemStoreID"] == "k"
        assert server.snapshot()["client persistence"] == {}


def test_contacts_list_originator_is_told_only_on_request(connect: Any) -> None:
    session, server = connect
    with session("alice") as alice, session("alice") as other:
        alice.event("asnMyUpdateConnectedClientList")
        for client in (alice, other):
            client.http("asnSubscribeClientContent", {})
        contact = {"u8sEntryID": "e", "u8sEntryIDDB": "d", "u8sEntryIDStore": ""}
        change = {"iRevision": 0, "u8sVersion": "1", "iIsEditable": 1, "iFlags": 0}
        assert alice.http("asnChangeClientContent", {**change, "addedOrChangedContacts": [contact]})
        assert other.event("asnClientContentChanged")["addedOrChangedContacts"] == [contact]
        alice.quiet()
        remove = {**change, "removedContacts": [contact]}
        alice.http(
            "asnChangeClientContent", {**remove, "optionalParams": {"iSendEventToOriginator": 1}}
        )
        assert alice.event("asnClientContentChanged")["removedContacts"] == [contact]
        assert server.snapshot()["client contacts lists"] == {}


def test_settings_must_be_xml_and_are_in_the_snapshot(connect: Any) -> None:
    session, server = connect
    with session("alice") as alice:
        response = alice.api.client(
            alice.session,
            "asnSetServerBasedClientSettings",
            {"clientSettings": {"osSettingsData": "no xml"}},
        )
        assert response.status_code != 200 or "error" in response.json(), response.text
        alice.http(
            "asnSetServerBasedClientSettings", {"clientSettings": {"osSettingsData": "<a/>"}}
        )
        assert server.snapshot()["general"]["settings"] == {"alice": "<a/>"}
        alice.http("asnSetServerBasedClientSettings", {"clientSettings": {"osSettingsData": ""}})
        assert server.snapshot()["general"]["settings"] == {}


def test_forward_shows_in_the_snapshot_until_removed(connect: Any) -> None:
    session, server = connect
    with session("alice") as alice:
        line = "tel:+4930100101"
        result = alice.http(
            "asnCtiSetForward", {"u8sPhoneNumberFrom": line, "u8sPhoneNumberTo": "200"}
        )
        assert result["bSuccess"] is True
        assert alice.event("asnUpdateMyPhoneForwardState")["u8sLinenumber"] == line
        assert server.snapshot()["users"]["alice"]["forwards"][line][0]["u8sDestination"] == "200"
        alice.http("asnCtiRemoveForward", {"u8sPhoneNumberFrom": line})
        assert server.snapshot()["users"]["alice"]["forwards"] == {}
