"""Target profiles: which server the suite talks to, as whom, and what it may assume.

A profile is a TOML file (design.md, "Profiles"), read once with :mod:`tomllib` and validated
into frozen dataclasses, so nothing downstream ever looks at raw TOML or the environment::

    [target]                 url, ucsid, verify_tls (true/false, or a CA bundle path)
    [users.<alias>]          name, password | password_env, disabled, display_name, sip_uri,
                             lines, groups, public
    [administrator]          name, password | password_env: an administrator account
                             (optional; the management suite runs only when given, and only
                             reads); not one of the users
    [cti]                    lines = [...]      lines the suite may use
    [agent]                  groups = [...]     agent groups the suite may use
    [safety]                 allow = [...]      effect classes a --target run may send
                             (default ["read", "own"]); max_failed_logins (default 2): wrong
                             logins in a row the suite may make per account;
                             negative_auth_user: the alias of the account wrong-password
                             tests use (default: the first enabled user)
    [client]                 protocol_version   what the client negotiates (default 70);
                             dialect = "plain" | "vendor"   how the suite's client writes
    [operation_ids]          operation name = number: adds to or overrides the catalogue's
                             operation numbers (protocol-notes §3), for client and server
    [capabilities]           free-form optional features: bool / int / float / string values,
                             nested tables flattened to dotted keys ("agent.ttl_above_max")

Every problem (missing file, TOML syntax, a missing, ill-typed or unknown key, an unknown
table, two users with the same name, a line owned by two users, an unset ``password_env``)
raises :class:`~conformance.errors.ProfileError` with one line naming the file, the key and
the problem. Passwords never appear in ``repr()``; :meth:`Profile.secrets` lists them so that
reports can redact them.

Lines are line identifiers as the CTI chapter uses them: "a phone number or (if the line is
monitored by the UCServer) a LineURI beginning with 'tel:'" (document L27503-L27509). Both
forms are accepted; the embedded profile uses LineURIs (``tel:+4930100101``).
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar
from urllib.parse import urlsplit

from conformance.errors import ProfileError

__all__ = [
    "EMBEDDED_PROFILE",
    "AgentSettings",
    "CapabilityValue",
    "ClientSettings",
    "CtiSettings",
    "Profile",
    "SafetySettings",
    "Target",
    "User",
    "load_profile",
]

EMBEDDED_PROFILE = Path(__file__).parent.parent / "profiles/embedded.toml"
"""The profile describing the embedded reference server's directory."""

CapabilityValue = bool | int | float | str

_T = TypeVar("_T")

_TOP_LEVEL = (
    "target", "users", "administrator", "cti", "agent", "safety", "client", "operation_ids",
    "capabilities",
)  # fmt: skip
EFFECT_CLASSES = ("read", "own", "shared", "destructive")
"""The effect classes of conformance.effects, mildest first."""
DIALECTS = ("plain", "vendor")
"""How the client writes: ``plain`` JSON, or as the vendor's generated TypeScript client does
(protocol-notes §3-§4: unpadded base64, ``_type`` everywhere, optionalParams arrays, numeric
operationIDs, ``toISOString()`` date-times)."""
_TARGET_KEYS = ("url", "ucsid", "verify_tls")
_USER_KEYS = (
    "name",
    "password",
    "password_env",
    "disabled",
    "display_name",
    "sip_uri",
    "lines",
    "groups",
    "public",
)
# A LineURI ("tel:" plus anything without blanks) or a dialable number.
_LINE = re.compile(r"tel:\S+|\+?[0-9*#]+")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Target:
    url: str
    """Base URL without a trailing slash, e.g. ``http://127.0.0.1:7224``."""
    ucsid: str
    verify_tls: bool | Path
    """``True``/``False``, or the CA bundle that signs the server's certificate."""


@dataclass(frozen=True)
class User:
    alias: str
    """The profile's name for the account (the ``<alias>`` of ``[users.<alias>]``)."""
    name: str
    """The login name on the server."""
    password: str = field(repr=False)
    disabled: bool = False
    """The account exists but may not log in (logon error 107, eNETLOGINUSERNOTENABLED)."""
    display_name: str | None = None
    sip_uri: str | None = None
    lines: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    """Agent groups the user is a member of."""
    public: bool = False
    """Listed on ``/ws/public/contacts``."""


@dataclass(frozen=True)
class CtiSettings:
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgentSettings:
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class SafetySettings:
    """What a run against a real target may do to it (issue 12)."""

    allow: tuple[str, ...] = ("read", "own")
    """Effect classes whose operations may be sent; ``destructive`` also needs
    ``--allow-destructive`` on the command line."""
    max_failed_logins: int = 2
    """Wrong logins in a row the suite may make for one account before it logs in correctly
    (an account lockout policy usually locks at 3 or more; no run may lock an account)."""
    negative_auth_user: str | None = None
    """Alias of the account wrong-password tests use; None: the first enabled user."""


@dataclass(frozen=True)
class ClientSettings:
    """How the suite's client presents itself."""

    protocol_version: int = 70
    """``iClientProtocolVersion`` of every negotiation the client sends."""
    dialect: str = "plain"
    """One of :data:`DIALECTS`."""


@dataclass(frozen=True)
class Profile:
    path: Path | None
    target: Target
    users: Mapping[str, User]
    """By alias, in file order."""
    cti: CtiSettings = CtiSettings()
    agent: AgentSettings = AgentSettings()
    safety: SafetySettings = SafetySettings()
    client: ClientSettings = ClientSettings()
    operation_ids: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Operation numbers that add to or override the catalogue's."""
    capabilities: Mapping[str, CapabilityValue] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Dotted keys (``"agent.ttl_above_max"``) to scalar values."""
    administrator: User | None = None
    """The ``[administrator]`` account (alias ``administrator``), for the Management module's
    read operations (CONFORMANCE-NOTES N60); None: the management suite is skipped."""

    def user(self, alias: str) -> User:
        """The user with this alias; ``KeyError`` naming the known aliases otherwise."""
        try:
            return self.users[alias]
        except KeyError:
            raise KeyError(f"profile has no user {alias!r} (known: {sorted(self.users)})") from None

    def enabled_users(self) -> list[User]:
        return [u for u in self.users.values() if not u.disabled]

    def wrong_password_user(self) -> User:
        """The account wrong-password tests use: ``[safety] negative_auth_user``, else the
        first enabled user."""
        alias = self.safety.negative_auth_user
        return self.users[alias] if alias is not None else self.enabled_users()[0]

    def capability(self, name: str, default: _T | None = None) -> CapabilityValue | _T | None:
        return self.capabilities.get(name, default)

    def secrets(self) -> tuple[str, ...]:
        """Every password in the profile (for redacting transcripts and reports)."""
        accounts = [*self.users.values(), *filter(None, [self.administrator])]
        return tuple(u.password for u in accounts if u.password)


# --- loading -------------------------------------------------------------------------------


class _Reader:
    """Typed access to one TOML table; every complaint names the file and the dotted key."""

    def __init__(self, path: Path, prefix: str, table: Mapping[str, Any]) -> None:
        self.path = path
        self.prefix = prefix
        self.table = table

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def fail(self, name: str, problem: str) -> ProfileError:
        return _error(self.path, self.key(name), problem)

    def only(self, allowed: tuple[str, ...]) -> None:
        for name in self.table:
            if name not in allowed:
                hint = difflib.get_close_matches(name, allowed, n=1)
                also = f" (did you mean {hint[0]!r}?)" if hint else ""
                raise self.fail(name, f"unknown key{also}; allowed: {', '.join(allowed)}")

    def _typed(self, name: str, check: Callable[[Any], bool], what: str, default: Any) -> Any:
        if name not in self.table:
            if default is _REQUIRED:
                raise self.fail(name, f"missing (a {what} is required)")
            return default
        value = self.table[name]
        if not check(value):
            raise self.fail(name, f"must be a {what}, got {_type_name(value)} {value!r}")
        return value

    def string(self, name: str, default: Any = None, *, allow_empty: bool = False) -> Any:
        value = self._typed(name, lambda v: isinstance(v, str), "string", default)
        if isinstance(value, str) and not value.strip() and not allow_empty:
            raise self.fail(name, "must not be empty")
        return value

    def integer(self, name: str, default: int, minimum: int) -> int:
        value = self._typed(
            name, lambda v: isinstance(v, int) and not isinstance(v, bool), "integer", default
        )
        if value < minimum:
            raise self.fail(name, f"must be at least {minimum}, got {value}")
        return int(value)

    def boolean(self, name: str, default: bool) -> bool:
        return bool(self._typed(name, lambda v: isinstance(v, bool), "boolean", default))

    def strings(self, name: str) -> tuple[str, ...]:
        value = self._typed(
            name,
            lambda v: isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v),
            "list of non-empty strings",
            [],
        )
        duplicates = sorted({x for x in value if value.count(x) > 1})
        if duplicates:
            raise self.fail(name, f"lists {duplicates[0]!r} more than once")
        return tuple(value)

    def table_at(self, name: str) -> _Reader:
        value = self._typed(name, lambda v: isinstance(v, dict), "table", {})
        return _Reader(self.path, self.key(name), value)


_REQUIRED: Any = object()


def load_profile(path: str | Path, *, passwords: bool = True) -> Profile:
    """Read and validate a profile; raise :class:`ProfileError` on any problem.

    ``passwords=False`` (``ucconf plan``, which logs in nowhere) leaves a ``password_env``
    whose variable is unset as an empty password instead of an error.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _error(path, None, "no such file") from None
    except OSError as exc:
        raise _error(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _error(path, None, f"not UTF-8 text: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise _error(path, None, f"TOML syntax error: {exc}") from None

    root = _Reader(path, "", data)
    root.only(_TOP_LEVEL)
    target = _target(root.table_at("target"), required="target" in data)
    users = _users(root.table_at("users"), passwords)
    cti_table = root.table_at("cti")
    cti_table.only(("lines",))
    cti = CtiSettings(_lines(cti_table, "lines"))
    agent_table = root.table_at("agent")
    agent_table.only(("groups",))
    agent = AgentSettings(agent_table.strings("groups"))
    capabilities = _capabilities(root.table_at("capabilities"))
    client_table = root.table_at("client")
    client_table.only(("protocol_version", "dialect"))
    dialect = client_table.string("dialect", "plain")
    if dialect not in DIALECTS:
        raise client_table.fail("dialect", f"must be one of {', '.join(DIALECTS)}, got {dialect!r}")
    client = ClientSettings(
        protocol_version=client_table.integer("protocol_version", 70, 1), dialect=dialect
    )
    safety = _safety(root.table_at("safety"), users)
    administrator = _administrator(root, users, passwords) if "administrator" in data else None
    return Profile(
        path=path,
        target=target,
        users=MappingProxyType(users),
        cti=cti,
        agent=agent,
        safety=safety,
        client=client,
        operation_ids=MappingProxyType(_operation_ids(root.table_at("operation_ids"))),
        capabilities=MappingProxyType(capabilities),
        administrator=administrator,
    )


def _administrator(root: _Reader, users: Mapping[str, User], passwords: bool) -> User:
    table = root.table_at("administrator")
    table.only(("name", "password", "password_env"))
    administrator = _user(table, "administrator", passwords)
    for alias, user in users.items():
        if user.name.casefold() == administrator.name.casefold():
            # One account cannot be both: the user suites would run as the administrator.
            raise table.fail("name", f"{user.name!r} is also the name of users.{alias}")
    return administrator


def _safety(table: _Reader, users: Mapping[str, User]) -> SafetySettings:
    table.only(("allow", "max_failed_logins", "negative_auth_user"))
    allow = table.strings("allow") if "allow" in table.table else SafetySettings.allow
    for name in allow:
        if name not in EFFECT_CLASSES:
            raise table.fail(
                "allow", f"{name!r} is no effect class; known: {', '.join(EFFECT_CLASSES)}"
            )
    limit = table._typed(
        "max_failed_logins",
        lambda v: type(v) is int and v >= 0,
        "whole number, 0 or more",
        SafetySettings.max_failed_logins,
    )
    alias = table.string("negative_auth_user", None)
    if alias is not None and (alias not in users or users[alias].disabled):
        enabled = sorted(a for a, u in users.items() if not u.disabled)
        raise table.fail("negative_auth_user", f"{alias!r} is no enabled user ({enabled})")
    return SafetySettings(allow=allow, max_failed_logins=limit, negative_auth_user=alias)


def _operation_ids(table: _Reader) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for name, value in table.table.items():
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise table.fail(name, f"must be a positive integer, got {value!r}")
        numbers[name] = value
    return numbers


def _target(table: _Reader, *, required: bool) -> Target:
    if not required:
        raise _error(table.path, "target", "missing (the [target] table is required)")
    table.only(_TARGET_KEYS)
    url = table.string("url", _REQUIRED)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise table.fail("url", f"must be an http:// or https:// URL with a host, got {url!r}")
    if parts.query or parts.fragment or parts.path.strip("/"):
        raise table.fail("url", f"must be the server's base URL (no path or query), got {url!r}")
    ucsid = table.string("ucsid", _REQUIRED)
    verify = table._typed(
        "verify_tls",
        lambda v: isinstance(v, bool) or (isinstance(v, str) and v.strip() != ""),
        "boolean or a CA bundle path",
        True,
    )
    verify_tls: bool | Path = verify
    if isinstance(verify, str):
        bundle = Path(verify).expanduser()
        bundle = bundle if bundle.is_absolute() else table.path.parent / bundle
        if not bundle.is_file():
            raise table.fail("verify_tls", f"CA bundle {str(bundle)!r} does not exist")
        verify_tls = bundle
    return Target(url=url.rstrip("/"), ucsid=ucsid, verify_tls=verify_tls)


def _users(table: _Reader, passwords: bool) -> dict[str, User]:
    users: dict[str, User] = {}
    names: dict[str, str] = {}  # casefolded login name -> alias
    line_owner: dict[str, str] = {}
    for alias in table.table:
        user = _user(table.table_at(alias), alias, passwords)
        folded = user.name.casefold()
        if folded in names:
            # Login names are compared without case: a server that folds them would see one
            # account, and a suite relying on two would report nonsense.
            raise table.fail(
                f"{alias}.name", f"{user.name!r} is also the name of users.{names[folded]}"
            )
        names[folded] = alias
        for line in user.lines:
            if line in line_owner:
                raise table.fail(
                    f"{alias}.lines", f"line {line!r} is also owned by users.{line_owner[line]}"
                )
            line_owner[line] = alias
        users[alias] = user
    return users


def _user(table: _Reader, alias: str, passwords: bool) -> User:
    table.only(_USER_KEYS)
    name = table.string("name", _REQUIRED)
    has_password, has_env = "password" in table.table, "password_env" in table.table
    if has_password and has_env:
        raise table.fail("password_env", "give either password or password_env, not both")
    if has_env:
        variable = table.string("password_env", _REQUIRED)
        if not _ENV_NAME.fullmatch(variable):
            raise table.fail("password_env", f"{variable!r} is not an environment variable name")
        if variable not in os.environ and passwords:
            raise table.fail("password_env", f"environment variable {variable} is not set")
        password = os.environ.get(variable, "")
    elif has_password:
        password = table.string("password", _REQUIRED, allow_empty=True)
    else:
        raise table.fail("password", "missing (give password or password_env)")
    sip_uri = table.string("sip_uri")
    if sip_uri is not None and not sip_uri.startswith("sip:"):
        raise table.fail("sip_uri", f"must start with 'sip:', got {sip_uri!r}")
    return User(
        alias=alias,
        name=name,
        password=password,
        disabled=table.boolean("disabled", False),
        display_name=table.string("display_name"),
        sip_uri=sip_uri,
        lines=_lines(table, "lines"),
        groups=table.strings("groups"),
        public=table.boolean("public", False),
    )


def _lines(table: _Reader, name: str) -> tuple[str, ...]:
    lines = table.strings(name)
    for line in lines:
        if not _LINE.fullmatch(line):
            raise table.fail(
                name, f"{line!r} is neither a 'tel:' LineURI nor a phone number (digits, +, *, #)"
            )
    return lines


def _capabilities(table: _Reader) -> dict[str, CapabilityValue]:
    flat: dict[str, CapabilityValue] = {}
    for name, value in table.table.items():
        if isinstance(value, dict):
            flat.update(_capabilities(table.table_at(name)))
        elif isinstance(value, bool | int | float | str):
            flat[table.key(name)[len("capabilities.") :]] = value
        else:
            raise table.fail(
                name, f"must be a boolean, number or string, got {_type_name(value)} {value!r}"
            )
    return flat


def _type_name(value: object) -> str:
    names = {bool: "boolean", int: "integer", float: "float", str: "string", list: "array"}
    return names.get(type(value), "table" if isinstance(value, dict) else type(value).__name__)


def _error(path: Path, key: str | None, problem: str) -> ProfileError:
    where = f"{path}: {key}: " if key else f"{path}: "
    # One line, always: TOML decode messages and user text may carry newlines.
    return ProfileError(" ".join((where + problem).split()))
