"""Fixtures of the management suite (document chapter 34, L31918ff): the administrator's
sessions.

The Management module "contains Functions for the UCServer Admin" (L31920); the suite sends
only its reads (and, where a test says so, a subscription and a user's change), in sessions of
the profile's ``[administrator]`` account, which logs on like a user (CONFORMANCE-NOTES N60).
Without that account every test here is skipped (``requires("administrator")``).

Tests that only read share one administrator session per process (``admin_reads``): opening a
session costs round trips that a distant server makes dear. A test that subscribes or waits
for a change opens its own (``admin_session``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.client import Basic, HttpClient, Outcome, Session, Transcript
from conformance.client.dispatch import WhereLike
from conformance.plugin import SessionFactory, WorkerSessions, add_transcripts
from conformance.profile import Profile, User
from conformance.rose import JsonObject, encode_json, to_json_obj


@pytest.fixture
def administrator(profile: Profile) -> User:
    if profile.administrator is None:
        pytest.skip("the profile has no [administrator] account (the management suite needs one)")
    return profile.administrator


@pytest.fixture
def admin_session(session_factory: SessionFactory, administrator: User) -> Session:
    """A session of the administrator, closed when the test ends."""
    return session_factory(auth=Basic(administrator.name, administrator.password))


class SharedAdminSession:
    """The administrator's session of this process; reopened when the server ended it."""

    def __init__(self, client: HttpClient, administrator: User) -> None:
        self._client = client
        self._auth = Basic(administrator.name, administrator.password)
        self._session: Session | None = None

    def get(self) -> Session:
        session = self._session
        if session is None or session.closed or session.dispatcher.closed:
            if session is not None:
                session.close()
            session = self._session = Session.open(self._client, self._auth)
        return session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


@pytest.fixture(scope="session")
def _shared_admin(
    worker_sessions: WorkerSessions, profile: Profile
) -> Iterator[SharedAdminSession | None]:
    if profile.administrator is None:
        yield None
        return
    shared = SharedAdminSession(worker_sessions.client, profile.administrator)
    try:
        yield shared
    finally:
        shared.close()


class AdminReads:
    """One test's use of the shared administrator session: what it sends passes the test's
    own checks (its declared operations, the gate), and what it sends and receives goes into
    the test's transcript."""

    def __init__(self, session: Session, direct: HttpClient, transcript: Transcript) -> None:
        self.session = session
        self._checks = direct.checks
        self._transcript = transcript

    def invoke(self, operation: str, argument: JsonObject) -> Outcome:
        sent = self.session.send_invoke(
            operation, argument, checks=self._checks, transcript=self._transcript
        )
        return self.session.await_reply(sent, checks=self._checks, transcript=self._transcript)

    def wait_for(self, operation: str, where: WhereLike = None) -> JsonObject:
        """The argument of the first unconsumed ``operation`` event matching ``where``."""
        event = self.session.wait_for(operation, where)
        self._transcript.frame("<", encode_json(to_json_obj(event)), f"event {operation}")
        assert isinstance(event.argument, dict)  # the client validated it as an object
        return event.argument


@pytest.fixture
def admin_reads(
    _shared_admin: SharedAdminSession | None,
    administrator: User,
    direct: HttpClient,
    request: pytest.FixtureRequest,
) -> AdminReads:
    """The administrator's session shared by the tests of this process, for reads only."""
    assert _shared_admin is not None  # the administrator fixture skipped otherwise
    transcript = Transcript(redactor=direct.redactor)
    transcript.note("sent on the administrator's session shared by this process's reads")
    add_transcripts(request.node).append(("administrator transcript", transcript.render))
    return AdminReads(_shared_admin.get(), direct, transcript)
