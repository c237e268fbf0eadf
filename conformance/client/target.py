"""Where the target is and how to talk to it: URL, UCSID, TLS verification, timeouts.

A :class:`Target` is validated once on construction and then read everywhere: the HTTP client,
the WebSocket of a session and every wait. ``timeout_factor`` scales *every* timeout and every
quiet window the client uses, including ones a test passes explicitly, so that one CLI option
adapts the whole run to a slow target without editing tests.
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from conformance.errors import SuiteError
from conformance.profile import Target as ProfileTarget

__all__ = ["Target", "UcsidPlacement"]


class UcsidPlacement(StrEnum):
    """Where a request names the target UCServer (protocol-notes.md §1)."""

    HEADER = "header"  # X-ucsid: local (what the vendor's clients send)
    QUERY = "query"  # ?ucsid=local
    OMIT = "omit"  # not at all: for tests of the server's default


@dataclass(frozen=True)
class Target:
    """One UCServer web service endpoint.

    ``url`` is the base URL (``http://host:7224`` or ``https://host:7225``, optionally with a
    path prefix for a reverse proxy). ``verify`` is True (system trust store), False (accept
    any certificate, e.g. the server's self-signed default) or the path of a CA bundle file or
    directory. ``timeout`` is the per-request HTTP timeout in seconds before scaling.
    """

    url: str
    ucsid: str = "local"
    verify: bool | str = True
    timeout: float = 10.0
    timeout_factor: float = 1.0
    ucsid_in: UcsidPlacement = UcsidPlacement.HEADER

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SuiteError(f"target url must be http(s)://host[:port][/prefix], got {self.url!r}")
        if parts.query or parts.fragment:
            raise SuiteError(f"target url must not carry a query or fragment: {self.url!r}")
        for name in ("timeout", "timeout_factor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise SuiteError(f"target {name} must be a positive number, got {value!r}")
        if isinstance(self.verify, str) and not os.path.exists(self.verify):
            raise SuiteError(f"target CA bundle {self.verify!r} does not exist")
        # Accept the plain string from a profile file as well as the enum.
        object.__setattr__(self, "ucsid_in", UcsidPlacement(self.ucsid_in))

    @classmethod
    def from_profile(
        cls, target: ProfileTarget, *, timeout: float = 10.0, timeout_factor: float = 1.0
    ) -> Target:
        """The client's view of a profile's ``[target]`` table."""
        verify = target.verify_tls
        return cls(
            url=target.url,
            ucsid=target.ucsid,
            verify=verify if isinstance(verify, bool) else str(verify),
            timeout=timeout,
            timeout_factor=timeout_factor,
        )

    @property
    def base(self) -> str:
        """The URL without a trailing slash, ready for ``base + "/ws/..."``."""
        return self.url.rstrip("/")

    @property
    def is_tls(self) -> bool:
        return urlsplit(self.url).scheme == "https"

    @property
    def websocket_base(self) -> str:
        """``ws://`` for ``http://``, ``wss://`` for ``https://``; same host, port and prefix."""
        scheme = "wss" if self.is_tls else "ws"
        return scheme + self.base[self.base.index("://") :]

    @property
    def http_timeout(self) -> float:
        return self.scale(self.timeout)

    def scale(self, seconds: float) -> float:
        """``seconds`` times the run's timeout factor."""
        return seconds * self.timeout_factor

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context for the WebSocket: the same verification as the HTTP requests."""
        if not self.is_tls:
            return None
        if self.verify is False:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        if isinstance(self.verify, str):
            if os.path.isdir(self.verify):
                return ssl.create_default_context(capath=self.verify)
            return ssl.create_default_context(cafile=self.verify)
        return ssl.create_default_context()
