"""Credentials and logon for the HTTP routes (document sections 1.2-1.3, L63-L85, L191-L279).

Three ways to authenticate, taken in this order when a request carries several:

1. a login token: query ``token`` or header ``x-uctoken`` (L70-L78, L200-L209);
2. user name and password in the query: ``user`` and ``pass`` (L80-L85, L211-L219);
3. HTTP Basic: ``Authorization: Basic base64(user:password)`` (L67-L68, L195-L198).

How a failure is answered (protocol-notes §1; L74-L75, L81-L82, L196-L198, L245-L279):

* token or query credentials: never a 401; HTTP 400 with the logon error body.
* Basic, or no credentials at all: 401 with ``WWW-Authenticate: Basic realm="UCServer"`` when the
  credentials are missing or wrong, unless ``no401`` is given (header ``X-no401: 1`` or query
  ``no401``), which turns it into the 400 logon error body. A disabled account with the right
  password is answered with the 400 body (107) even under Basic: prompting for credentials again
  cannot help.

iErrorDetail (AsnLogonErrorEnum, 11.1.4, L14612-L14777): 101 unknown user (u8sFailedUser
empty), 102 wrong password (u8sFailedUser the user), 107 disabled account (checked after the
password, so a wrong password never reveals that an account is disabled), 130 expired token,
106 (eNETLOGININVALIDAUTHENTICATIONMETHOD) for an identification token, which "can not be used
to login" (L580-L582), and 102 for a token this server did not sign or cannot decode: a token
stands in for the password (L577-L578), so a bad one is a bad password.

Account lockout (off by default; the variation ``auth.lockout-policy`` switches it on through
:data:`LOCKOUT_POLICY`): after ``attempts`` wrong passwords in a row an account is locked for
``seconds`` of the server's clock, and every login of it, even with the right password, is
answered 129 (eNETLOGINACCOUNTPASSWORDLOCKED, L14775-L14777) in the 400 body. A correct login
resets the count, as Active Directory does. The old password of asnUserChangePassword is
checked the same way: a wrong one counts as a wrong password (as Active Directory counts it).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Literal

from conformance.reference.clock import Clock
from conformance.reference.directory import Directory, DirectoryUser
from conformance.reference.hooks import FaultSet, HookPoint
from conformance.reference.tokens import EXPIRY_LEEWAY, TokenInvalid, TokenIssuer, TokenType
from conformance.rose import JsonObject

__all__ = [
    "ALL_TOKEN_CHECKS",
    "BASIC_CHALLENGE",
    "CHALLENGES",
    "LOCKOUT_POLICY",
    "LOGON_FAILURE",
    "TOKEN_CHECKS",
    "Authenticator",
    "Credentials",
    "LockoutPolicy",
    "LogonDetail",
    "LogonFailure",
    "extract_credentials",
    "wants_no401",
]

BASIC_CHALLENGE = 'Basic realm="UCServer"'

AuthMode = Literal["token", "query", "basic", "none"]


class LogonDetail(IntEnum):
    """The AsnLogonErrorEnum values the reference server answers with (11.1.4)."""

    INVALID_USER = 101  # eNETLOGININVALUSERNAME
    INVALID_PASSWORD = 102  # eNETLOGININVALIDPASS
    INVALID_AUTHENTICATION_METHOD = 106  # eNETLOGININVALIDAUTHENTICATIONMETHOD
    USER_NOT_ENABLED = 107  # eNETLOGINUSERNOTENABLED
    ACCOUNT_LOCKED = 129  # eNETLOGINACCOUNTPASSWORDLOCKED
    TOKEN_EXPIRED = 130  # eNETLOGINTOKENEXIRED


_MESSAGES = {
    LogonDetail.INVALID_USER: "Invalid user name",  # wording of the example, L255
    LogonDetail.INVALID_PASSWORD: "Invalid password",  # L272
    LogonDetail.INVALID_AUTHENTICATION_METHOD: "Invalid authentication method",
    LogonDetail.USER_NOT_ENABLED: "User not enabled",
    LogonDetail.ACCOUNT_LOCKED: "Account locked",
    LogonDetail.TOKEN_EXPIRED: "Token expired",
}


@dataclass(frozen=True)
class LockoutPolicy:
    attempts: int
    """Wrong passwords in a row that lock the account."""
    seconds: float
    """How long it stays locked (server clock)."""


@dataclass(frozen=True)
class Credentials:
    mode: AuthMode
    user: str = ""
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)


@dataclass(frozen=True)
class LogonFailure:
    detail: LogonDetail
    failed_user: str
    challenge: bool
    """Answer 401 with a Basic challenge instead of the HTTP 400 logon error body."""

    @property
    def message(self) -> str:
        return _MESSAGES.get(self.detail, "Logon failed")

    def error(self) -> JsonObject:
        """The AsnLogonError (11.1.15) of this failure, spelled as the server spells it."""
        return {
            "_type": "AsnLogonError",
            "iErrorDetail": int(self.detail),
            "u8sErrorString": self.message,
            "u8sFailedUser": self.failed_user,
            "sAuthCredetials": "",
        }


LOGON_FAILURE: HookPoint[LogonFailure] = HookPoint(
    "logon.failure", "how a failed logon is answered: its iErrorDetail and 401 vs 400"
)
TOKEN_CHECKS: HookPoint[frozenset[str]] = HookPoint(
    "token.checks",
    'what a token must pass besides its signature: "type" (only a login token logs in) and '
    '"expiry" (not expired; also for asnTokenVerify)',
)
ALL_TOKEN_CHECKS = frozenset({"type", "expiry"})
LOCKOUT_POLICY: HookPoint[LockoutPolicy | None] = HookPoint(
    "logon.lockout-policy", "whether (and after how many wrong passwords) accounts lock"
)
CHALLENGES: HookPoint[tuple[str, ...]] = HookPoint(
    "logon.challenges", "the WWW-Authenticate headers of a 401, in order"
)


def wants_no401(headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
    """``X-no401`` with a true value, or a ``no401`` query parameter with any value (L197)."""
    if "no401" in query:
        return query["no401"].strip().lower() not in ("0", "false", "no")
    value = headers.get("X-no401")
    return value is not None and value.strip().strip('"').lower() not in ("", "0", "false", "no")


def extract_credentials(headers: Mapping[str, str], query: Mapping[str, str]) -> Credentials:
    token = query.get("token") or headers.get("x-uctoken")
    if token:
        return Credentials("token", token=token)
    if "user" in query or "pass" in query:
        return Credentials("query", user=query.get("user", ""), password=query.get("pass", ""))
    authorization = headers.get("Authorization", "")
    scheme, _, encoded = authorization.strip().partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            return Credentials("basic")  # undecodable: nobody, i.e. an invalid user name
        text = decoded.decode("utf-8", errors="replace")
        user, _, password = text.partition(":")
        return Credentials("basic", user=user, password=password)
    return Credentials("none")


class Authenticator:
    def __init__(
        self, directory: Directory, tokens: TokenIssuer, clock: Clock, faults: FaultSet
    ) -> None:
        self._directory = directory
        self._tokens = tokens
        self._clock = clock
        self._faults = faults
        self._wrong_in_a_row: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}

    def login(self, credentials: Credentials, *, no401: bool) -> DirectoryUser | LogonFailure:
        """The authenticated user, or how to answer the failure."""
        outcome = self._check(credentials)
        if isinstance(outcome, DirectoryUser):
            return outcome
        detail, failed_user, wrong_credentials = outcome
        challenge = wrong_credentials and credentials.mode in ("basic", "none") and not no401
        failure = LogonFailure(detail, failed_user, challenge)
        return self._faults.apply(LOGON_FAILURE, failure)

    def _check(self, credentials: Credentials) -> DirectoryUser | tuple[LogonDetail, str, bool]:
        """The user, or (detail, u8sFailedUser, whether the credentials themselves are wrong)."""
        if credentials.mode == "token":
            return self._check_token(credentials.token)
        user = self._directory.user(credentials.user) if credentials.mode != "none" else None
        if user is None:
            return LogonDetail.INVALID_USER, "", True
        refused = self.check_password(user, credentials.password)
        if refused is not None:
            return refused, user.name, refused == LogonDetail.INVALID_PASSWORD
        return self._enabled(user)

    def check_password(self, user: DirectoryUser, password: str) -> LogonDetail | None:
        """None for the right password of an account that is not locked, else why not. A wrong
        password counts towards the lockout (and, under the policy, may lock the account); a
        right one resets the count. Logins use it, and so does anything else that checks a
        password (asnUserChangePassword's old password)."""
        policy = self._faults.apply(LOCKOUT_POLICY, None)
        now = self._clock.now()
        if policy is not None and self._locked_until.get(user.name, 0.0) > now:
            return LogonDetail.ACCOUNT_LOCKED
        if password != user.password:
            wrong = self._wrong_in_a_row.get(user.name, 0) + 1
            self._wrong_in_a_row[user.name] = wrong
            if policy is not None and wrong >= policy.attempts:
                self._locked_until[user.name] = now + policy.seconds
                self._wrong_in_a_row[user.name] = 0
            return LogonDetail.INVALID_PASSWORD
        self._wrong_in_a_row.pop(user.name, None)
        return None

    def locked_accounts(self) -> list[str]:
        """Accounts locked now (for the server's state snapshot)."""
        now = self._clock.now()
        return sorted(name for name, until in self._locked_until.items() if until > now)

    def _check_token(self, token: str) -> DirectoryUser | tuple[LogonDetail, str, bool]:
        try:
            claims = self._tokens.decode(token)
        except TokenInvalid:
            return LogonDetail.INVALID_PASSWORD, "", True
        checks = self._faults.apply(TOKEN_CHECKS, ALL_TOKEN_CHECKS)
        if "type" in checks and claims.token_type != TokenType.LOGIN:
            return LogonDetail.INVALID_AUTHENTICATION_METHOD, claims.user, True
        leeway = self._faults.apply(EXPIRY_LEEWAY, 0.0)
        if "expiry" in checks and claims.expired(self._clock.now(), leeway):
            return LogonDetail.TOKEN_EXPIRED, claims.user, True
        user = self._directory.user(claims.user)
        if user is None:  # the account went away after the token was issued
            return LogonDetail.INVALID_USER, "", True
        return self._enabled(user)

    def _enabled(self, user: DirectoryUser) -> DirectoryUser | tuple[LogonDetail, str, bool]:
        if user.disabled:
            return LogonDetail.USER_NOT_ENABLED, user.name, False
        return user
