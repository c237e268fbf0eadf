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
from conformance.plugin import CLIENTS, TRANSCRIPTS, SessionFactory, Settings, in_parallel
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
    for dialect in DIALECTS:
        client = HttpClient(
            target,
            secrets=profile.secrets(),
            strict=conformance_settings.strict_schemas,
            dialect=dialect,
            operation_ids=profile.operation_ids,
        )
        node.stash.setdefault(CLIENTS, []).append(client)
        factories.append(SessionFactory(client, profile, node.stash.setdefault(TRANSCRIPTS, [])))
    try:  # the dialects' sessions are opened and closed side by side
        opened = in_parallel(lambda factory: factory(users[0].alias), factories)
        yield dict(zip(DIALECTS, opened, strict=True))
    finally:
        in_parallel(SessionFactory.close_all, factories)
