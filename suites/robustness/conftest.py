"""Fixtures of the robustness suite: bad input must be answered, never punished.

protocol-notes.md §3: "An invoke whose argument cannot be decoded, or whose operation the
server does not know, gets a reject, never a silent drop and never a dropped connection";
chapter 1 of the document (L221-L279) answers the HTTP routes' failures with JSON bodies. Each
test sends something broken, requires the documented kind of answer within the (scaled)
timeout, and then requires that the session (or route) still answers a well-formed call.

Frames are sent with the session's raw-frame facility (:meth:`Session.send_raw`): replies to
invoke ids taken with :meth:`Session.reserve_invoke_id`, and rejects naming no invoke, are read
back with :meth:`Session.wait_raw`, so a broken frame's answer is the test's to judge.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

from conformance.catalog import default_catalog
from conformance.client import Basic, HttpClient, Session
from conformance.client.raw import RawReply
from conformance.errors import ConformanceViolation
from conformance.plugin import SessionFactory
from conformance.profile import Profile, User
from conformance.rose import Error, Reject, Result

PROBE = "asnGetLoggedInContact"
"""A call every server answers (10.1.6, L14443-L14475): the "still works" check after abuse."""
ANSWER_TIMEOUT = 10.0
"""Seconds (scaled) a bad frame or invoke may take to be answered."""
ID = "__ID__"
"""Placeholder for a reserved invoke id in a frame template."""


class Robust:
    """A session under abuse: raw frames out, their answers in, then the health check."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.catalog = default_catalog()

    def frame(self, template: str) -> tuple[int, str]:
        """A reserved invoke id and the template with :data:`ID` replaced by it."""
        invoke_id = self.session.reserve_invoke_id()
        return invoke_id, template.replace(ID, str(invoke_id))

    def invoke_frame(self, invoke_id: int, operation: str, argument: Any) -> str:
        """A well-formed invoke frame, written by hand."""
        body = {
            "invokeID": invoke_id,
            "operationID": 0,
            "operationName": operation,
            "argument": argument,
        }
        return json.dumps({"invoke": body}, ensure_ascii=False)

    def answer(self, *frames: str | bytes, to: int | None = None, label: str = "raw") -> RawReply:
        """Send ``frames`` in one write and wait for the answer addressed to ``to`` or naming
        no invoke."""
        mark = self.session.send_raw(*frames, label=label)
        ids = (None,) if to is None else (to, None)
        return self.session.wait_raw(*ids, since=mark, timeout=ANSWER_TIMEOUT)

    def check_reply(self, operation: str, message: Result | Error | Reject) -> None:
        """Validate a raw reply like the client validates its own: result and error types."""
        checks = self.session.client.checks
        checks.reply(self.catalog.operation(operation), message, f"raw {operation}")

    def reject_to(self, *frames: str | bytes, to: int | None, what: str) -> Reject:
        """Send ``frames`` and require a reject as their answer (see :meth:`answer`)."""
        message = self.answer(*frames, to=to, label=what).message
        if not isinstance(message, Reject):
            raise ConformanceViolation(f"{what}: expected a reject, got {message!r}")
        return message

    def still_answers(self) -> None:
        """The session answers a well-formed invoke afterwards (any answer, schema-valid),
        and nothing the server sent meanwhile was malformed."""
        self.session.invoke(PROBE, {}, timeout=ANSWER_TIMEOUT)
        self.session.raise_fault()


@pytest.fixture
def robust_user(profile: Profile) -> User:
    users = profile.enabled_users()
    if not users:
        pytest.skip("the profile has no enabled user")
    return users[-1]


@pytest.fixture
def robust(session_factory: SessionFactory, robust_user: User) -> Robust:
    """A fresh session of the profile's last enabled user, ready to be abused."""
    return Robust(session_factory(robust_user.alias, invoke_timeout=ANSWER_TIMEOUT))


@pytest.fixture
def basic(robust_user: User) -> Basic:
    return Basic(robust_user.name, robust_user.password)


@pytest.fixture
def session_id(direct: HttpClient, basic: Basic) -> Iterator[str]:
    """A session created over HTTP only (no event channel), logged off afterwards."""
    created = direct.new_session_id(basic)
    yield created
    with contextlib.suppress(Exception):  # best effort: the test's verdict is made
        direct.client(created, "asnLogoff", {})
