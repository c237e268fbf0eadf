"""Fixtures of the envelope suite: the ROSE envelope every message of the event channel wears.

The document's changelog (L654-L655, repeated in chapter 3 General at L3614-L3615) says
"Events haben nun alle InvokeID 99999 und Results tragen sessionid"; protocol-notes.md §3 spells
the envelopes out (results echo ``invokeID``, errors ``invokedID``). The suite opens its own
session as the profile's first enabled user, through the plugin's fixtures only, so it runs
against the embedded reference server and a real UCServer alike.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.client import Basic, HttpClient, Session
from conformance.profile import Profile, User


@pytest.fixture
def user(profile: Profile) -> User:
    """The account the suite logs in with: the profile's first enabled user."""
    return profile.enabled_users()[0]


@pytest.fixture
def session(direct: HttpClient, user: User) -> Iterator[Session]:
    """A session for one envelope rule other than the events' (one test per rule).

    At the end it reports what the reader found wrong during the test, then logs off *without*
    judging what arrives while the session ends: a wrong event envelope must fail
    :func:`test_envelopes.test_event_carries_invoke_id_99999`, not every test of the suite at
    teardown."""
    opened = Session.open(direct, Basic(user.name, user.password))
    try:
        yield opened
        opened.raise_fault()
    finally:
        opened.close()
