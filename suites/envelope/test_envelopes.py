"""The envelopes of the event channel: sessionID on results, invokeID 99999 on events, and
errors addressed to their invoke (changelog L654-L655 and L3614-L3615; protocol-notes.md §3).

One test per rule. Each provokes the cheapest message that must wear the envelope: a call every
server answers (asnGetLoggedInContact, 10.1.5, L14443), the event asnLogoff always causes
(asnUserSessionDestroyed, 48.2.1, L52944-L52957), and an AsnRequestError from asnGetUserToken
(10.1.4, L14359-L14402) where the profile says a negative iTTL is refused.
"""

from __future__ import annotations

import pytest

from conformance.client import Session
from conformance.client.exceptions import InvokeTimeout
from conformance.plugin import SessionFactory
from conformance.profile import Profile, User
from conformance.rose import EVENT_INVOKE_ID, Error, Result

pytestmark = [pytest.mark.module("General"), pytest.mark.requires("users>=1")]

PROBE = "asnGetLoggedInContact"
SESSION_DESTROYED = "asnUserSessionDestroyed"
NEGATIVE_TTL_CAPABILITY = "tokens.ttl_negative"


@pytest.mark.spec("3", line=3614)
@pytest.mark.sends("asnGetLoggedInContact")
def test_result_carries_the_sessions_id_as_session_id(session: Session) -> None:
    """Changelog (L654-L655, L3614-L3615): "Results tragen sessionid": a result sent over the
    WebSocket carries the session's id as ``sessionID`` (protocol-notes §3)."""
    outcome = session.invoke(PROBE, {})
    outcome.expect_result()
    message = outcome.message
    assert isinstance(message, Result)
    assert message.session_id is not None, f"the {PROBE} result carries no sessionID"
    assert message.session_id == session.session_id, (
        f"the {PROBE} result carries sessionID {message.session_id!r}, "
        f"not the session's {session.session_id!r}"
    )


@pytest.mark.spec("3", line=3614)
@pytest.mark.spec("48.2.1", line=52944)
@pytest.mark.sends()
def test_event_carries_invoke_id_99999(session_factory: SessionFactory, user: User) -> None:
    """Changelog (L654-L655, L3614-L3615): "Events haben nun alle InvokeID 99999": the event
    asnUserSessionDestroyed that ends a session logged off with asnLogoff (10.2.1, L14478;
    48.2.1, L52944-L52957) arrives as an invoke with invokeID 99999."""
    session = session_factory(user.alias)
    session.close()  # sends asnLogoff and waits (bounded, scaled) for the event or the close
    # The reader records an invoke from the server with any other invokeID as a violation.
    session.raise_fault()
    destroyed = session.events(SESSION_DESTROYED)
    assert destroyed, f"asnLogoff ended the session without {SESSION_DESTROYED}"
    ids = sorted({event.invoke_id for event in destroyed})
    assert ids == [EVENT_INVOKE_ID], f"{SESSION_DESTROYED} arrived with invokeID {ids}"


@pytest.mark.spec("10.1.4", line=14359)
@pytest.mark.sends("asnGetUserToken")
def test_error_reply_carries_the_invokes_id_as_invoked_id(
    session: Session, profile: Profile
) -> None:
    """protocol-notes §3 (and the error bodies of L250-L277): an error answers its invoke with
    ``invokedID`` equal to the invoke's ``invokeID``. asnGetUserToken with a negative iTTL is
    refused with an AsnRequestError where the profile says so (``tokens.ttl_negative``)."""
    if profile.capability(NEGATIVE_TTL_CAPABILITY) != "reject":
        pytest.skip(f"the profile's {NEGATIVE_TTL_CAPABILITY} is not 'reject'")
    try:
        outcome = session.invoke("asnGetUserToken", {"iTTL": -60})
    except InvokeTimeout:
        session.raise_fault()  # an error the reader could not address says why: report it
        raise
    outcome.expect_error()
    message = outcome.message
    assert isinstance(message, Error)
    assert message.invoke_id == outcome.invoke_id
