"""The raw inbox of a session: answers to hand-made frames, apart from invoke correlation.

Robustness tests send frames the client core would never build (:meth:`Session.send_raw`).
Their answers must reach the test, not the :class:`~conformance.client.dispatch.Dispatcher`,
which would report a reply to an id it did not hand out as unsolicited and a reject naming no
invoke as the failure of whatever invoke is pending. The session's reader hands every parsed
message to :meth:`RawInbox.take` first: replies addressed to a *claimed* invoke id, and (once
claimed) rejects naming no invoke, stay here; everything else goes on to the dispatcher.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from conformance.client.exceptions import ConnectionDropped, InvokeTimeout
from conformance.rose import Error, Message, Reject, Result

__all__ = ["RawInbox", "RawReply"]


@dataclass(frozen=True)
class RawReply:
    """A reply that went to the raw inbox: the answer to a hand-made frame."""

    seq: int
    """Arrival number in the raw inbox, from 1."""
    message: Result | Error | Reject


class RawInbox:
    """Replies to hand-made frames, kept apart from the invoke correlation (thread-safe)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._ids: set[int] = set()
        self._anonymous = False
        self._replies: list[RawReply] = []
        self._closed: str | None = None

    def claim(self, invoke_id: int) -> None:
        with self._cond:
            self._ids.add(invoke_id)

    def claim_anonymous(self) -> None:
        with self._cond:
            self._anonymous = True

    def take(self, messages: list[Message]) -> list[Message]:
        """Keep the replies this inbox claims; return the others."""
        others: list[Message] = []
        with self._cond:
            for message in messages:
                if isinstance(message, Result | Error | Reject) and self._claims(message):
                    self._replies.append(RawReply(len(self._replies) + 1, message))
                    self._cond.notify_all()
                else:
                    others.append(message)
        return others

    def _claims(self, message: Result | Error | Reject) -> bool:
        if message.invoke_id is None:
            return self._anonymous
        return message.invoke_id in self._ids

    def close(self, reason: str) -> None:
        with self._cond:
            if self._closed is None:
                self._closed = reason
            self._cond.notify_all()

    def mark(self) -> int:
        with self._cond:
            return len(self._replies)

    def replies(self, since: int) -> list[RawReply]:
        with self._cond:
            return [r for r in self._replies if r.seq > since]

    def wait(self, invoke_ids: frozenset[int | None], since: int, limit: float) -> RawReply:
        whom = " or ".join(
            "naming no invoke" if n is None else f"to invokeID {n}"
            for n in sorted(invoke_ids, key=lambda n: -1 if n is None else n)
        )
        deadline = time.monotonic() + limit
        with self._cond:
            while True:
                for reply in self._replies:
                    if reply.seq > since and reply.message.invoke_id in invoke_ids:
                        return reply
                if self._closed is not None:
                    raise ConnectionDropped(
                        f"the server closed the event channel while a reply {whom} was "
                        f"awaited: {self._closed}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise InvokeTimeout(f"no reply {whom} within {limit:g} s")
                self._cond.wait(remaining)
