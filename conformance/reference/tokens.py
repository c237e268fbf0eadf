"""User tokens: real JWTs (HS256) signed with a secret drawn when the server starts.

asnGetUserToken (10.1.4, L14359-L14402) issues them; a login token (``iType`` 1,
eUserTokenLogin) logs in like a password, an identification token (``iType`` 0,
eUserTokenExternal, the default) "does not allow to login to UCServer" (L14785-L14789) and only
proves who the user is, through asnTokenVerify (44.1.5, L49424-L49483).

Claims: ``sub`` (login name), ``iat``, ``exp``, ``jti``, ``iss`` (``ucserver-reference:<ucsid>``),
``iType``, ``lstServiceType`` when given, and each requested profile attribute as a public
claim ``"<service type>/<element name>": <value>`` (L14379-L14383).

Expiry is checked against the server's :class:`~conformance.reference.clock.Clock`, not by
PyJWT against the wall clock, so tests can expire a token by advancing the clock.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

import jwt

from conformance.reference.clock import Clock
from conformance.reference.hooks import HookPoint

__all__ = ["EXPIRY_LEEWAY", "TokenClaims", "TokenInvalid", "TokenIssuer", "TokenType"]

_ALGORITHM = "HS256"


class TokenType(IntEnum):
    """AsnUserTokenType (11.1.5, L14779-L14789)."""

    EXTERNAL = 0  # identification token: never logs in
    LOGIN = 1


EXPIRY_LEEWAY: HookPoint[float] = HookPoint(
    "token.expiry-leeway", "seconds a token is still accepted after it expired (clock skew)"
)


class TokenInvalid(Exception):
    """Not a token this server issued: undecodable, badly signed, or missing claims."""


@dataclass(frozen=True)
class TokenClaims:
    user: str
    token_type: TokenType
    issued_at: float
    valid_to: float
    service_types: tuple[str, ...]

    def expired(self, now: float, leeway: float = 0.0) -> bool:
        """Whether the token has expired at ``now``, allowing ``leeway`` seconds of clock skew."""
        return now >= self.valid_to + leeway


class TokenIssuer:
    """Issues and checks this server's tokens; one random secret per instance."""

    def __init__(self, ucsid: str, clock: Clock) -> None:
        self._issuer = f"ucserver-reference:{ucsid}"
        self._clock = clock
        self._secret = secrets.token_bytes(32)

    def issue(
        self,
        user: str,
        token_type: TokenType,
        ttl: int,
        service_types: tuple[str, ...] = (),
        attributes: Mapping[str, str] | None = None,
    ) -> str:
        now = self._clock.now()
        claims: dict[str, object] = dict(attributes or {})
        claims.update(
            {
                "iss": self._issuer,
                "sub": user,
                "iat": math.floor(now),
                # NumericDates are whole seconds here; rounding exp up keeps the promise that
                # the token lives at least iTTL seconds (at most one more).
                "exp": math.ceil(now + ttl),
                "jti": secrets.token_hex(8),
                "iType": int(token_type),
            }
        )
        if service_types:
            claims["lstServiceType"] = list(service_types)
        return jwt.encode(claims, self._secret, algorithm=_ALGORITHM)

    def decode(self, token: str) -> TokenClaims:
        """The claims of a token this server signed, expired or not; else :class:`TokenInvalid`."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                issuer=self._issuer,
                # Expiry is judged by the caller against the server clock.
                options={"verify_exp": False, "verify_iat": False, "require": ["exp", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise TokenInvalid(str(exc)) from None
        try:
            services = claims.get("lstServiceType", [])
            return TokenClaims(
                user=_str(claims["sub"]),
                token_type=TokenType(claims.get("iType", TokenType.EXTERNAL)),
                issued_at=float(claims.get("iat", 0)),
                valid_to=float(claims["exp"]),
                service_types=tuple(str(s) for s in services),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise TokenInvalid(f"malformed claims: {exc}") from None


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string claim, got {value!r}")
    return value
