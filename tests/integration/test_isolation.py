"""Many sessions at once: every reply reaches the session that asked, no event strays."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from conformance.client import Basic, HttpClient, Session
from conformance.reference import ReferenceServer

SESSIONS = 50
INVOKES = 100


def test_fifty_concurrent_sessions_get_only_their_own_replies_and_events(
    server: ReferenceServer, http: HttpClient
) -> None:
    users = server.profile.enabled_users()

    def run(index: int) -> tuple[str, str, list[str], list[str]]:
        user = users[index % len(users)]
        session = Session.open(http, Basic(user.name, user.password))
        with session:
            seen = [
                session.invoke("asnGetLoggedInContact", {}).expect_result()["u8sLoggedInUser"]
                for _ in range(INVOKES)
            ]
        destroyed = [
            event.argument["u8sSessionID"]
            for event in session.events("asnUserSessionDestroyed")
            if event.argument is not None
        ]
        return user.name, session.session_id, seen, destroyed

    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        outcomes = list(pool.map(run, range(SESSIONS)))

    assert len({session_id for _, session_id, _, _ in outcomes}) == SESSIONS
    for name, session_id, seen, destroyed in outcomes:
        assert seen == [name] * INVOKES
        # The only event a session gets here is its own end; another session's would show.
        assert destroyed == [session_id]
