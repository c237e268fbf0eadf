"""A reference server shared by the end-to-end tests of the client against it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.client import HttpClient, Target
from conformance.reference import ReferenceServer


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as running:
        yield running
        assert running.internal_errors == []


@pytest.fixture
def http(server: ReferenceServer) -> HttpClient:
    return HttpClient(Target(server.url, server.ucsid), secrets=server.profile.secrets())
