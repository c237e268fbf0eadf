"""The ways a request may carry credentials (protocol-notes.md §1), as small value types.

Each mode knows how to put itself on a request (:meth:`apply`) and which of its values are
secrets (:attr:`secrets`), so the transcript can scrub them wherever they appear. Secret fields
are left out of ``repr`` so that an assertion message showing an auth object cannot leak them.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import TypeAlias

__all__ = [
    "Anonymous",
    "Auth",
    "Basic",
    "QueryCredentials",
    "TokenHeader",
    "TokenQuery",
]

Params: TypeAlias = list[tuple[str, str]]
Headers: TypeAlias = dict[str, str]


@dataclass(frozen=True)
class Basic:
    """HTTP Basic; without ``X-no401`` a missing or wrong login answers 401 with a challenge."""

    user: str
    password: str = field(repr=False)

    def apply(self, headers: Headers, params: Params) -> None:
        # RFC 7617: the server may announce charset=UTF-8; UTF-8 is what every modern client
        # sends, and the document's users have non-ASCII names.
        pair = f"{self.user}:{self.password}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset({self.password})


@dataclass(frozen=True)
class TokenQuery:
    """A login token as ``?token=``; a failed login is a 400, never a 401."""

    token: str = field(repr=False)

    def apply(self, headers: Headers, params: Params) -> None:
        params.append(("token", self.token))

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset({self.token})


@dataclass(frozen=True)
class TokenHeader:
    """A login token in the ``x-uctoken`` header; a failed login is a 400, never a 401."""

    token: str = field(repr=False)

    def apply(self, headers: Headers, params: Params) -> None:
        headers["x-uctoken"] = self.token

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset({self.token})


@dataclass(frozen=True)
class QueryCredentials:
    """``?user=&pass=``; a failed login is a 400, never a 401."""

    user: str
    password: str = field(repr=False)

    def apply(self, headers: Headers, params: Params) -> None:
        params.extend([("user", self.user), ("pass", self.password)])

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset({self.password})


@dataclass(frozen=True)
class Anonymous:
    """No credentials at all (``/ws/public``, or a test of what an anonymous call gets)."""

    def apply(self, headers: Headers, params: Params) -> None:
        return None

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset()


Auth: TypeAlias = Basic | TokenQuery | TokenHeader | QueryCredentials | Anonymous
