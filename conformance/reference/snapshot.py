"""The reference server's state as comparable data, and the readable difference of two.

"Leave nothing behind" (issue 12) is proven on the embedded server: ``ucconf run`` takes a
snapshot before the suites and one after, and the difference must be empty. A snapshot holds
everything a test can change apart from logs and chat history: sessions (and with them their
presence and chat subscriptions, kept per session), locked accounts, each user's presence,
absent state and note, agent states and monitors, open broadcasts, line monitors and calls in
progress, tasks, appointments, and journal entries whose read flag, memo or subject a client
changed (the entries themselves are call history). Tokens are not state: a JWT lives on its
own until it expires.
"""

from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff

from conformance.reference import (
    agent,
    appointments,
    audiovideo,
    broadcast,
    contacts_list,
    cti,
    general,
    journal,
    management,
    persistence,
    tasks,
)
from conformance.reference.state import ServerState

__all__ = ["difference", "snapshot"]


def snapshot(state: ServerState) -> dict[str, Any]:
    """Everything a test can change, apart from logs and chat history, as plain sorted data."""
    sessions = sorted(
        f"{s.user} ({', '.join(sorted(s.data)) or 'no subscriptions'})"
        for s in state.sessions.all()
    )
    return {
        "sessions": sessions,
        "locked accounts": state.auth.locked_accounts(),
        "users": state.directory.snapshot(),
        "agents": agent.snapshot(state),
        "broadcasts": broadcast.snapshot(state),
        "cti": cti.snapshot(state),
        "journal entries edited": journal.snapshot(state),
        "tasks": tasks.snapshot(state),
        "appointments": appointments.snapshot(state),
        "general": general.snapshot(state),
        "client persistence": persistence.snapshot(state),
        "client contacts lists": contacts_list.snapshot(state),
        "audiovideo calls": audiovideo.snapshot(state),
        "management line subscriptions": management.snapshot(state),
    }


def difference(before: dict[str, Any], after: dict[str, Any]) -> str:
    """What changed from ``before`` to ``after``, one change a line; "" when nothing did."""
    diff = DeepDiff(before, after, ignore_order=True, verbose_level=2)
    return str(diff.pretty()).strip() if diff else ""
