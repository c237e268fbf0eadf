"""Fixtures of the reference server's tests: servers, sessions and a raw WebSocket helper.

These tests talk to the server over real loopback HTTP (requests) and WebSockets (the
websockets sync client), on purpose without the suite's own client library, so that the server
is checked independently of it. Every server a test uses is checked afterwards: anything in
``server.internal_errors`` (a schema violation in what it sent, a handler crash) fails the test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from websockets.sync.client import ClientConnection, connect

from conformance.catalog import Catalog, default_catalog
from conformance.reference import ReferenceServer

Json = Any


class Api:
    """Thin helpers over one running server; tests still see raw statuses and bodies."""

    def __init__(self, server: ReferenceServer) -> None:
        self.server = server
        self.url = server.url
        self.ws_url = "ws" + server.url.removeprefix("http")

    def password(self, alias: str) -> str:
        return self.server.profile.user(alias).password

    def name(self, alias: str) -> str:
        return self.server.profile.user(alias).name

    def query_auth(self, alias: str) -> dict[str, str]:
        return {"user": self.name(alias), "pass": self.password(alias)}

    def direct(self, operation: str, body: Json = None, **kwargs: Any) -> requests.Response:
        """POST /ws/direct/<operation> as alice unless credentials are given."""
        kwargs.setdefault("params", self.query_auth("alice"))
        return requests.post(f"{self.url}/ws/direct/{operation}", json=body, timeout=5, **kwargs)

    def create_session(self, alias: str = "alice") -> str:
        response = requests.post(
            f"{self.url}/ws/client/createsession",
            params={"clientappid": "15"},
            json={"negotiate": {"iClientProtocolVersion": 70}},
            auth=(self.name(alias), self.password(alias)),
            timeout=5,
        )
        assert response.status_code == 200, response.text
        session_id: str = response.json()["sessionid"]
        return session_id

    def client(self, session_id: str, operation: str, body: Json = None) -> requests.Response:
        return requests.post(
            f"{self.url}/ws/client/{operation}",
            json=body,
            headers={"X-ucsessionid": session_id},
            timeout=5,
        )

    def token(self, alias: str = "alice", **argument: Any) -> str:
        response = self.direct("asnGetUserToken", argument, params=self.query_auth(alias))
        assert response.status_code == 200, response.text
        token: str = response.json()["sToken"]
        return token

    def websocket(self, session_id: str, path: str = "/ws/client/websocket") -> Channel:
        return Channel(connect(f"{self.ws_url}{path}?x-ucsessionid={session_id}", open_timeout=5))


GENERAL_OWN_STATE_EVENTS = frozenset(
    {
        "asnMyUpdateConnectedClientList",
        "asnUpdateMyAbsentState",
        "asnUpdateMyCustomNote",
        "asnUpdateMyPhoneForwardState",
        "asnUpdateMyContactConfiguration",
        "asnUpdateMyCallInformation",
    }
)
"""General events the server sends to every session of a user when the user's sessions, own
state or calls change (conformance.reference.general): tests of other modules read past them."""


class Channel:
    """A raw WebSocket with a few reading helpers (every wait bounded)."""

    def __init__(
        self, connection: ClientConnection, skipped: frozenset[str] = GENERAL_OWN_STATE_EVENTS
    ) -> None:
        self.connection = connection
        self.skipped = skipped
        """Events :meth:`receive` reads past."""

    def __enter__(self) -> Channel:
        # websockets >= 17.1 wants its connection used as a context manager
        self.connection.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.connection.__exit__(*exc)

    def send(self, message: Json) -> None:
        self.connection.send(message if isinstance(message, str) else json.dumps(message))

    def invoke(self, invoke_id: int, operation: str, argument: Json = None) -> None:
        body: dict[str, Any] = {"invokeID": invoke_id, "operationID": 0, "operationName": operation}
        if argument is not None:
            body["argument"] = argument
        self.send({"invoke": body})

    def receive(self, timeout: float = 5) -> dict[str, Any]:
        """The next message not in :attr:`skipped`; asserts each frame is a JSON array of
        exactly one message."""
        while True:
            frame = json.loads(self.connection.recv(timeout=timeout))
            assert isinstance(frame, list) and len(frame) == 1, frame
            message: dict[str, Any] = frame[0]
            if message.get("invoke", {}).get("operationName") not in self.skipped:
                return message

    def call(self, invoke_id: int, operation: str, argument: Json = None) -> dict[str, Any]:
        self.invoke(invoke_id, operation, argument)
        return self.receive()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()


@pytest.fixture(scope="session")
def _shared_server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as server:
        yield server


def _assert_no_internal_errors(server: ReferenceServer) -> None:
    errors = list(server.internal_errors)
    server.internal_errors.clear()
    assert not errors, "reference server bugs:\n" + "\n".join(errors)


@pytest.fixture
def server(_shared_server: ReferenceServer) -> Iterator[ReferenceServer]:
    """The embedded reference server, shared by the tests that do not change it."""
    yield _shared_server
    _assert_no_internal_errors(_shared_server)


@pytest.fixture
def make_server() -> Iterator[Callable[..., ReferenceServer]]:
    """Start a private server (for faults or swapped handlers); stopped and checked after."""
    started: list[ReferenceServer] = []

    def make(*args: Any, **kwargs: Any) -> ReferenceServer:
        server = ReferenceServer(*args, **kwargs)
        server.start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
    for server in started:
        _assert_no_internal_errors(server)


@pytest.fixture
def api(server: ReferenceServer) -> Api:
    return Api(server)


@pytest.fixture
def api_for() -> Callable[[ReferenceServer], Api]:
    return Api
