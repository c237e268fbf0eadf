"""The envelopes of the event channel: sessionID on results, invokeID 99999 on events, and
errors addressed to their invoke (changelog L654-L655 and L3614-L3615; protocol-notes.md §3).

One test per rule. Each provokes the cheapest message that must wear the envelope: a call every
server answers (asnGetLoggedInContact, 10.1.6, L14443), an asnUpdatePresence (36.2.1) about the
user's own contact after the user changed their note, and an AsnRequestError from
asnGetUserToken (10.1.4, L14359-L14402) where the profile says a negative iTTL is refused.
(asnUserSessionDestroyed, 48.2.1, is a WebServiceConnection event, UCServer to web service,
L52740: nothing says it reaches a client, so no test waits for it.)
"""

from __future__ import annotations

import secrets

import pytest

from conformance.client import Session
from conformance.client.exceptions import InvokeTimeout
from conformance.plugin import SessionFactory
from conformance.profile import Profile, User
from conformance.rose import EVENT_INVOKE_ID, Error, Result

pytestmark = [pytest.mark.module("General"), pytest.mark.requires("users>=1")]

PROBE = "asnGetLoggedInContact"
UPDATE = "asnUpdatePresence"
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
@pytest.mark.spec("37.1.12", line=47103)
@pytest.mark.spec("2.1.22", line=1736)
@pytest.mark.sends("asnGetLoggedInContact", "asnGetAndSubscribePresence", "asnCustomNoteSet")
def test_event_carries_invoke_id_99999(session_factory: SessionFactory, user: User) -> None:
    """Changelog (L654-L655, L3614-L3615): "Events haben nun alle InvokeID 99999". The session
    subscribes to its own contact ("the logged in Contact (ME)", L47103) and the user changes
    their note (asnCustomNoteSet, 2.1.22; "The user can change status and notice", L46044): the
    asnUpdatePresence that tells of it (36.2.1) arrives as an invoke with invokeID 99999. The
    note is put back afterwards."""
    session = session_factory(user.alias)
    try:
        own = session.invoke(PROBE, {}).expect_result()["ownContact"]["u8sContactId"]
        subscribed = session.invoke("asnGetAndSubscribePresence", {"seqContactIDs": [own]})
        presences = subscribed.expect_result()["seqSubscribedPresence"]
        note = next((p.get("asnCustomNote") for p in presences if p["u8sContactId"] == own), None)
        original = note.get("u8sNote", "") if isinstance(note, dict) else ""

        def set_note(text: str) -> None:
            note = {"u8sContactID": own, "u8sUsername": user.name, "u8sNote": text}
            session.invoke("asnCustomNoteSet", {"customnote": note}).expect_result()

        set_note(f"ucserver-conformance {secrets.token_hex(4)}")
        try:
            event = session.wait_for(UPDATE, where={"presence": {"u8sContactId": own}})
        finally:
            set_note(original)
    finally:
        session.close()
        # The reader records every invoke from the server with another invokeID as a
        # violation; take them all here, so that the fixture's teardown does not report them
        # again.
        findings = _drain(session)
    if findings:
        raise findings[0]
    assert event.invoke_id == EVENT_INVOKE_ID, f"{UPDATE} arrived with invokeID {event.invoke_id}"


def _drain(session: Session) -> list[Exception]:
    """Every violation the session's reader recorded and no call raised yet."""
    found: list[Exception] = []
    while True:
        try:
            session.raise_fault()
        except Exception as violation:
            found.append(violation)
        else:
            return found


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
