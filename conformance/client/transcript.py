"""A readable record of every exchange with the target, scrubbed of secrets before it is kept.

Reports attach transcripts (Allure, later), and reports travel, so a transcript must never hold
a credential: not in the rendered text and not in memory either. Everything is therefore
redacted on the way *in*; the entries store only the redacted strings.

What counts as a secret (:class:`Redactor`):

* the values of headers ``Authorization``, ``Proxy-Authorization``, ``x-uctoken``, ``Cookie``,
  ``Set-Cookie``, and of any header whose name looks like a password or token;
* query values of ``token``, ``pass``, ``password`` and of any parameter whose name looks like a
  secret member (``u8sPassword`` sent by GET), in URLs and in any text;
* JSON string members whose name looks like one: ``sToken``, ``u8sPassword``, ``u8sNewPasswd``,
  ``u8sClientSecret``, ``sAuthCredetials``, ``u8sProjectPin`` ... (camelCase words
  pass/password/passwd/pwd/token/secret/credential/pin, so ``bUserTyping`` stays readable);
* anything shaped like a JWT (``eyJ...``.``...``.``...``), wherever it appears;
* ``Basic``/``Bearer`` credentials inside any text;
* every explicitly registered secret (the profile's passwords, tokens an auth mode carries), in
  its plain, percent-encoded and JSON-escaped spellings.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit, urlunsplit

from conformance.errors import SchemaViolation

__all__ = ["MASK", "Entry", "Redactor", "Transcript", "is_secret_name", "redact_logging"]

MASK = "***"

_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-uctoken", "cookie", "set-cookie"}
)
_SECRET_QUERY_KEYS = frozenset({"token", "pass", "password", "passwd", "pwd", "x-uctoken"})

# A candidate word, matched case-insensitively; _is_word() then checks camelCase boundaries.
_SECRET_WORD = re.compile(r"pass(?:word|wd)?|pwd|token|secret|crede?n?tials?|pin", re.IGNORECASE)

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")
# The value as an unrolled loop (runs of plain characters between escapes): the alternation
# ``(?:[^"\\]|\\.)*`` took a quarter of a second per megabyte.
_JSON_MEMBER = re.compile(r'"([A-Za-z0-9_.\-]{1,100})"(\s*:\s*)"([^"\\]*(?:\\.[^"\\]*)*)"')
_QUERY_PAIR = re.compile(r"(?<![A-Za-z0-9_.\-])([A-Za-z0-9_.\-]{1,100})=([^&\s#\"'<>]*)")
_AUTH_SCHEME = re.compile(r"\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+", re.IGNORECASE)


def _is_word(name: str, start: int, end: int) -> bool:
    """True if ``name[start:end]`` is a whole camelCase word (``u8sPassword``, ``sToken``)."""
    begins = start == 0 or name[start].isupper() or not name[start - 1].isalpha()
    after = name[end] if end < len(name) else ""
    ends = not ("a" <= after <= "z")
    return begins and ends


def is_secret_name(name: str) -> bool:
    """Whether a member, parameter or header name denotes a secret value."""
    if name.lower() in _SECRET_QUERY_KEYS or name.lower() in _SECRET_HEADERS:
        return True
    return any(_is_word(name, m.start(), m.end()) for m in _SECRET_WORD.finditer(name))


class Redactor:
    """Scrubs secrets from text, URLs and headers; thread-safe; secrets can be added later."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(*secrets)

    def add(self, *secrets: str) -> None:
        """Register explicit secrets; empty strings are ignored (they would mask everything)."""
        spellings: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            spellings |= {
                secret,
                quote(secret, safe=""),
                quote_plus(secret, safe=""),
                json.dumps(secret, ensure_ascii=False)[1:-1],
                json.dumps(secret)[1:-1],
            }
        with self._lock:
            if spellings - self._secrets:
                self._secrets |= spellings
                # Longest first, so that a secret containing another is masked whole.
                ordered = sorted(self._secrets, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def text(self, text: str) -> str:
        """Any text (a body, a frame, a message) with every secret masked."""
        with self._lock:
            pattern = self._pattern
        if pattern is not None:
            text = pattern.sub(MASK, text)
        text = _JWT.sub(MASK, text)
        text = _JSON_MEMBER.sub(_mask_member, text)
        text = _QUERY_PAIR.sub(_mask_pair, text)
        return _AUTH_SCHEME.sub(lambda m: f"{m.group(1)} {MASK}", text)

    def url(self, url: str) -> str:
        """A URL with secret query values and userinfo masked, the rest readable (decoded)."""
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = "&".join(
            f"{quote(k, safe='')}={MASK if is_secret_name(k) else _readable(self.text(v))}"
            for k, v in pairs
        )
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))

    def value(self, value: Any) -> Any:
        """A deep copy of a JSON value with secrets masked (for values shown in messages)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {
                key: MASK
                if is_secret_name(str(key)) and isinstance(item, str)
                else self.value(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.value(item) for item in value]
        return value

    def violation(self, violation: SchemaViolation) -> SchemaViolation:
        """The same schema violation with secrets masked in the value and context it shows."""
        return SchemaViolation(
            violation.type_name,
            violation.pointer,
            violation.expected,
            self.value(violation.found),
            violation.section,
            self.text(violation.context) if violation.context else violation.context,
        )

    def headers(self, headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        return tuple(
            (name, MASK if is_secret_name(name) else self.text(value))
            for name, value in headers.items()
        )


def _readable(value: str) -> str:
    # Keep JSON-encoded arguments legible in the request line; escape only what would be
    # ambiguous in a query string.
    return quote(value, safe="{}[]\":,@$'()*!/~ ")


def _mask_member(match: re.Match[str]) -> str:
    name = match.group(1)
    if not is_secret_name(name) or match.group(3) == "":
        return match.group(0)
    return f'"{name}"{match.group(2)}"{MASK}"'


def _mask_pair(match: re.Match[str]) -> str:
    name = match.group(1)
    if not is_secret_name(name) or match.group(2) in ("", MASK):
        return match.group(0)
    return f"{name}={MASK}"


@dataclass(frozen=True)
class Entry:
    """One recorded step; every string in it is already redacted."""

    at: datetime
    channel: str
    """``HTTP``, ``WS`` or ``NOTE``."""
    direction: str
    """``>`` sent by us, ``<`` received, ``-`` a note of the suite's."""
    label: str
    """Request line, status line, or the operation(s) a frame carries."""
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""

    def render(self) -> str:
        stamp = self.at.strftime("%H:%M:%S.%f")[:-3]
        lines = [f"{stamp} {self.channel} {self.direction} {self.label}"]
        lines += [f"    {name}: {value}" for name, value in self.headers]
        if self.body:
            if self.headers:
                lines.append("")
            lines += ["    " + line for line in self.body.splitlines() or [""]]
        return "\n".join(lines)


class Transcript:
    """An ordered, bounded, thread-safe list of redacted :class:`Entry` objects.

    Transcripts may share one :class:`Redactor`, so a secret registered once (say the password
    of the auth mode a client just used) is scrubbed from all of them from then on.
    """

    def __init__(
        self,
        secrets: Iterable[str] = (),
        *,
        redactor: Redactor | None = None,
        max_entries: int = 5000,
        max_body: int = 20000,
    ) -> None:
        self.redactor = redactor if redactor is not None else Redactor()
        self.redactor.add(*secrets)
        self._entries: deque[Entry] = deque(maxlen=max_entries)
        self._max_body = max_body
        self._lock = threading.Lock()

    # --- recording ----------------------------------------------------------------------------

    def http_request(
        self, method: str, url: str, headers: Mapping[str, str], body: str | bytes | None
    ) -> None:
        label = f"{method} {self.redactor.url(url)}"
        self._add("HTTP", ">", label, self.redactor.headers(headers), self._body(body))

    def http_response(
        self,
        status: int,
        reason: str,
        headers: Mapping[str, str],
        body: str | bytes | None,
        elapsed: float,
    ) -> None:
        label = f"{status} {reason} ({elapsed * 1000:.0f} ms)"
        self._add("HTTP", "<", label, self.redactor.headers(headers), self._body(body))

    def frame(self, direction: str, text: str | bytes, label: str = "") -> None:
        """A WebSocket frame; ``direction`` is ``>`` (sent) or ``<`` (received)."""
        self._add("WS", direction, self.redactor.text(label), (), self._body(text))

    def note(self, text: str) -> None:
        self._add("NOTE", "-", self.redactor.text(text))

    # --- reading ------------------------------------------------------------------------------

    @property
    def entries(self) -> tuple[Entry, ...]:
        with self._lock:
            return tuple(self._entries)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def render(self) -> str:
        """Readable text, one block per entry (what a report attaches)."""
        return "\n\n".join(entry.render() for entry in self.entries) + "\n"

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    # --- internals ----------------------------------------------------------------------------

    def _body(self, body: str | bytes | None) -> str:
        if body is None:
            return ""
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
        text = self.redactor.text(text)  # before truncating, so no half secret survives
        if len(text) > self._max_body:
            text = text[: self._max_body] + f"\n... ({len(text)} characters in all)"
        return text

    def _add(
        self,
        channel: str,
        direction: str,
        label: str,
        headers: tuple[tuple[str, str], ...] = (),
        body: str = "",
    ) -> None:
        entry = Entry(datetime.now(UTC), channel, direction, label, headers, body)
        with self._lock:
            self._entries.append(entry)


_LOG_REDACTOR = Redactor()
_LOG_LOCK = threading.Lock()
_log_factory_installed = False


def redact_logging(secrets: Iterable[str] = ()) -> None:
    """Scrub secrets from every log record made in this process from now on.

    Libraries log what they send: urllib3 the request line with ``?pass=`` or ``?token=``,
    websockets the frames. Reports capture logs, so each record's message is redacted when it
    is made, by the same rules as transcripts plus every secret registered here.
    """
    global _log_factory_installed
    _LOG_REDACTOR.add(*secrets)
    with _LOG_LOCK:
        if _log_factory_installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            try:
                message = record.getMessage()
            except (TypeError, ValueError):  # a malformed format: leave it to logging
                return record
            clean = _LOG_REDACTOR.text(message)
            if clean != message:
                record.msg, record.args = clean, None
            return record

        logging.setLogRecordFactory(factory)
        _log_factory_installed = True
