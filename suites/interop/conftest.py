"""Fixtures of the interop suite: the same calls written in both client dialects.

Vendors test their own clients against a server, and estos' generated TypeScript client writes
differently from a plain JSON client (protocol-notes §3-§4; conformance/client/dialect.py).
Both spellings are allowed, so a target must answer both alike. Each test opens one session
per dialect as the profile's first enabled user and sends the same valid argument in each.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.client import HttpClient, Session, Target
from conformance.plugin import CLIENTS, TRANSCRIPTS, SessionFactory, Settings
from conformance.profile import DIALECTS


@pytest.fixture
def sessions(
    target: Target, conformance_settings: Settings, request: pytest.FixtureRequest
) -> Iterator[dict[str, Session]]:
    """A session per dialect (``plain``, ``vendor``), as the profile's first enabled user."""
    profile = conformance_settings.profile
    users = profile.enabled_users()
    if not users:
        pytest.skip("the interop suite needs an enabled user in the profile")
    node: pytest.Item = request.node
    factories: list[SessionFactory] = []
    opened: dict[str, Session] = {}
    try:
        for dialect in DIALECTS:
            client = HttpClient(
                target,
                secrets=profile.secrets(),
                strict=conformance_settings.strict_schemas,
                dialect=dialect,
                operation_ids=profile.operation_ids,
            )
            node.stash.setdefault(CLIENTS, []).append(client)
            factory = SessionFactory(client, profile, node.stash.setdefault(TRANSCRIPTS, []))
            factories.append(factory)
            opened[dialect] = factory(users[0].alias)
        yield opened
    finally:
        for factory in factories:
            factory.close_all()
