"""Fixtures of the management suite (document chapter 34, L31918ff): the administrator's
session.

The Management module "contains Functions for the UCServer Admin" (L31920); the suite sends
only its reads, in a session of the profile's ``[administrator]`` account, which logs on like a
user (CONFORMANCE-NOTES N60). Without that account every test here is skipped.
"""

from __future__ import annotations

import pytest

from conformance.client import Basic, Session
from conformance.plugin import SessionFactory
from conformance.profile import Profile, User


@pytest.fixture
def administrator(profile: Profile) -> User:
    if profile.administrator is None:
        pytest.skip("the profile has no [administrator] account (the management suite needs one)")
    return profile.administrator


@pytest.fixture
def admin_session(session_factory: SessionFactory, administrator: User) -> Session:
    """A session of the administrator, closed when the test ends."""
    return session_factory(auth=Basic(administrator.name, administrator.password))
