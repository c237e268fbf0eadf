"""The three HTTP routes of the web service (protocol-notes.md §1), through ``requests``.

:class:`HttpClient` sends, records (redacted) and decodes; it judges nothing beyond the wire
contract: a body that fits no documented shape or violates its schema raises a
``ConformanceViolation``, while a target that cannot be reached raises ``TargetUnreachable``
with one readable line. Every request has a timeout (the target's, scaled by its factor).

Deliberate choices, each for reproducible verdicts:

* ``trust_env`` is off: no proxy variables, no ``.netrc`` (which would silently add Basic
  credentials to an "anonymous" request), no CA bundle from the environment; the profile says.
* Cookies are never stored: a server cookie must not turn a later anonymous call into an
  authenticated one.
* Redirects are not followed: the document defines none, so a 3xx is reported, not chased.
* GET arguments: strings go as they are, every other value (numbers, booleans, objects, arrays)
  as its JSON text, e.g. ``iType=1&seqContactIDs=["a","b"]``.
"""

from __future__ import annotations

import http.cookiejar
import json
import socket
import ssl
import threading
import time
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any

import requests
from urllib3.exceptions import InsecureRequestWarning

from conformance.catalog import Catalog, OperationInfo, default_catalog
from conformance.client.auth import Anonymous, Auth
from conformance.client.checks import Checks
from conformance.client.dialect import Dialect
from conformance.client.outcome import (
    BodyForm,
    HttpOutcome,
    HttpResponse,
    OutcomeKind,
    decode_http,
    raise_if_locked,
)
from conformance.client.target import Target, UcsidPlacement
from conformance.client.transcript import Transcript, redact_logging
from conformance.errors import TargetUnreachable
from conformance.opnumbers import operation_numbers
from conformance.rose import JsonObject

__all__ = [
    "CLIENT_APP_ID",
    "DEFAULT_NEGOTIATE",
    "JSON_CONTENT_TYPE",
    "HttpClient",
    "connection_pool",
    "query_arguments",
]

DEFAULT_NEGOTIATE: JsonObject = {"negotiate": {"iClientProtocolVersion": 70}}
"""The createsession body since protocol version 7 (protocol-notes.md §1)."""
CLIENT_APP_ID = 15
"""``clientappid`` of an SDK/web client."""
JSON_CONTENT_TYPE = "application/json;charset=utf-8"

_ANONYMOUS = Anonymous()


def query_arguments(argument: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """An argument object as GET query parameters: strings as-is, everything else as JSON."""
    if not argument:
        return []
    return [
        (name, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for name, value in argument.items()
    ]


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False


def connection_pool() -> requests.Session:
    """Kept-alive HTTP connections for one or more :class:`HttpClient` (see the module
    docstring: no environment, no cookies)."""
    pool = requests.Session()
    pool.trust_env = False
    pool.cookies.set_policy(_NoCookies())
    return pool


class HttpClient:
    """Calls ``/ws/direct``, ``/ws/client`` and ``/ws/public`` of one target.

    ``secrets`` (typically every password of the profile) are scrubbed from the transcript in
    addition to whatever the auth modes used carry. ``strict`` validates in strict mode
    (members the document does not define are violations). Thread-safe enough for the suite's
    use: requests from several threads share one connection pool.
    """

    def __init__(
        self,
        target: Target,
        *,
        catalog: Catalog | None = None,
        secrets: Iterable[str] = (),
        strict: bool = False,
        transcript: Transcript | None = None,
        protocol_version: int = 70,
        dialect: str = "plain",
        operation_ids: Mapping[str, int] | None = None,
        connections: requests.Session | None = None,
    ) -> None:
        """``connections`` (from :func:`connection_pool`): kept-alive connections shared with
        other clients of the target, so that a test does not open (TCP, TLS) its own; closed
        by whoever made it. Default: the client's own."""
        self.target = target
        self.negotiate: JsonObject = {"negotiate": {"iClientProtocolVersion": protocol_version}}
        """The createsession body sent where a caller passes :data:`DEFAULT_NEGOTIATE`: the
        profile's ``[client] protocol_version``."""
        self.transcript = transcript if transcript is not None else Transcript()
        self.redactor = self.transcript.redactor
        secrets = tuple(secrets)
        self.redactor.add(*secrets)
        redact_logging(secrets)
        catalog = catalog if catalog is not None else default_catalog()
        numbers = operation_numbers(catalog, operation_ids)
        self.checks = Checks(catalog, self.redactor, strict=strict, numbers=numbers)
        self.dialect = Dialect(dialect, catalog, numbers)
        """How arguments and invokes are written (profile ``[client] dialect``)."""
        self.body_forms: Counter[tuple[OutcomeKind, BodyForm]] = Counter()
        """How the target wrapped each kind of answer so far (protocol-notes.md §5)."""
        self.open_sessions: list[str] = []
        """Ids of the sessions createsession gave this client that nobody has logged off yet
        (:meth:`logoff_all` ends them: a run leaves no session behind)."""
        self._lock = threading.Lock()
        self._owns_http = connections is None
        self._http = connections if connections is not None else connection_pool()

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- the routes -------------------------------------------------------------------------

    def direct(
        self,
        operation: str,
        argument: JsonObject | None = None,
        *,
        auth: Auth,
        method: str = "POST",
        callback: str | None = None,
        check_argument: bool = True,
        params: Iterable[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
        ucsid: str | None = None,
        ucsid_in: UcsidPlacement | None = None,
        transcript: Transcript | None = None,
    ) -> HttpOutcome:
        """``/ws/direct/<operation>``: one authenticated call, no session (§1)."""
        info = self.checks.outgoing(operation, argument, check_argument)
        response = self._call_operation(
            f"/ws/direct/{operation}",
            operation,
            self._written(info, argument, check_argument),
            method=method,
            auth=auth,
            callback=callback,
            params=params,
            headers=headers,
            ucsid=ucsid,
            ucsid_in=ucsid_in,
            transcript=transcript,
        )
        raise_if_locked(response)
        return self._decode(response, info)

    def createsession(
        self,
        auth: Auth,
        *,
        method: str = "POST",
        negotiate: JsonObject | None = DEFAULT_NEGOTIATE,
        no401: bool = True,
        simple: bool = True,
        clientappid: int | None = CLIENT_APP_ID,
        callback: str | None = None,
        check_argument: bool = True,
        params: Iterable[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
        ucsid: str | None = None,
        ucsid_in: UcsidPlacement | None = None,
        transcript: Transcript | None = None,
    ) -> HttpOutcome:
        """``/ws/client/createsession``; ``negotiate=None`` sends ``{}`` as the document does.

        The body is POSTed as JSON; by GET its members become query parameters (objects as
        JSON text, like any GET argument). ``no401=False`` leaves out ``X-no401`` so that a
        Basic login failure may answer 401.
        """
        if negotiate is DEFAULT_NEGOTIATE:
            negotiate = self.negotiate
        body = negotiate if negotiate is not None else {}
        inner = body.get("negotiate")
        if check_argument and isinstance(inner, dict):
            self.checks.argument("createsession", "AsnNegotiateServerConnectionArgument", inner)
        extra_headers = {"X-no401": "1"} if no401 else {}
        if simple:
            extra_headers["X-simple"] = "1"
        extra_headers.update(headers or {})
        query = [("clientappid", str(clientappid))] if clientappid is not None else []
        query += list(params)
        response = self._call_operation(
            "/ws/client/createsession",
            "createsession",
            body,
            method=method,
            auth=auth,
            callback=callback,
            params=query,
            headers=extra_headers,
            ucsid=ucsid,
            ucsid_in=ucsid_in,
            transcript=transcript,
        )
        # createsession is the HTTP face of asnCreateUserSession (48.1.2, "the same argument
        # as asnNegotiateServerConnection"): its errors may be that operation's error type.
        errors_as = self.checks.catalog.operation("asnCreateUserSession")
        raise_if_locked(response)
        outcome = self._decode(
            response, None, webservice_result="CreateSessionResponse", errors_as=errors_as
        )
        if outcome.ok and isinstance(outcome.payload, dict):
            with self._lock:
                self.open_sessions.append(str(outcome.payload["sessionid"]))
        return outcome

    def new_session_id(self, auth: Auth, **kwargs: Any) -> str:
        """createsession that must succeed; the validated session id."""
        outcome = self.createsession(auth, **kwargs)
        return str(outcome.expect_result()["sessionid"])

    def logoff(self, session_id: str) -> HttpResponse:
        """``/ws/client/asnLogoff`` (10.2.1, L14478): end a session that has no event channel.

        Cleanup, not a check: the answer is returned undecoded (an event has no result)."""
        self.forget_session(session_id)
        return self.request(
            "POST",
            "/ws/client/asnLogoff",
            operation="asnLogoff",
            headers={"X-ucsessionid": session_id},
            body=b"{}",
        )

    def forget_session(self, session_id: str) -> None:
        """Someone else (a WebSocket :class:`Session`) logged the session off."""
        with self._lock:
            if session_id in self.open_sessions:
                self.open_sessions.remove(session_id)

    def logoff_all(self) -> None:
        """Log off every session this client created and nobody ended (bounded: one request
        each, with the target's timeout); an unreachable target is noted, not raised."""
        with self._lock:
            pending = list(self.open_sessions)
        for session_id in pending:
            try:
                self.logoff(session_id)
            except TargetUnreachable as exc:
                self.transcript.note(f"logging off a session failed: {exc}")

    def client(
        self,
        session_id: str,
        operation: str,
        argument: JsonObject | None = None,
        *,
        method: str = "POST",
        auth: Auth = _ANONYMOUS,
        callback: str | None = None,
        check_argument: bool = True,
        params: Iterable[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
        ucsid: str | None = None,
        ucsid_in: UcsidPlacement | None = None,
        transcript: Transcript | None = None,
    ) -> HttpOutcome:
        """``/ws/client/<operation>`` in the session named by ``X-ucsessionid``."""
        info = self.checks.outgoing(operation, argument, check_argument)
        if operation == "asnLogoff":  # the caller ends the session itself
            self.forget_session(session_id)
        response = self._call_operation(
            f"/ws/client/{operation}",
            operation,
            self._written(info, argument, check_argument),
            method=method,
            auth=auth,
            callback=callback,
            params=params,
            headers={"X-ucsessionid": session_id, **(headers or {})},
            ucsid=ucsid,
            ucsid_in=ucsid_in,
            transcript=transcript,
        )
        return self._decode(response, info)

    def public_contacts(
        self,
        *,
        method: str = "GET",
        callback: str | None = None,
        params: Iterable[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
        ucsid: str | None = None,
        ucsid_in: UcsidPlacement | None = None,
        transcript: Transcript | None = None,
    ) -> HttpOutcome:
        """``/ws/public/contacts``: anonymous."""
        response = self.request(
            method,
            "/ws/public/contacts",
            operation="contacts",
            params=params,
            headers=headers,
            callback=callback,
            ucsid=ucsid,
            ucsid_in=ucsid_in,
            transcript=transcript,
        )
        return self._decode(response, None, webservice_result="PublicContactsResponse")

    # --- the wire ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        auth: Auth = _ANONYMOUS,
        params: Iterable[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        callback: str | None = None,
        ucsid: str | None = None,
        ucsid_in: UcsidPlacement | None = None,
        transcript: Transcript | None = None,
    ) -> HttpResponse:
        """Send one request and return the response undecoded (for tests of raw behaviour).

        Adds the UCSID (header or query, as the target or ``ucsid_in`` says), the credentials
        and the JSONP ``callback``; records both directions in the transcript(s).
        """
        all_headers: dict[str, str] = {}
        query: list[tuple[str, str]] = []
        placement = ucsid_in if ucsid_in is not None else self.target.ucsid_in
        ucsid_value = ucsid if ucsid is not None else self.target.ucsid
        if placement is UcsidPlacement.HEADER:
            all_headers["X-ucsid"] = ucsid_value
        elif placement is UcsidPlacement.QUERY:
            query.append(("ucsid", ucsid_value))
        self.redactor.add(*auth.secrets)
        auth.apply(all_headers, query)
        query += list(params)
        if callback is not None:
            query.append(("callback", callback))
        if body is not None:
            all_headers["Content-Type"] = JSON_CONTENT_TYPE
        all_headers.update(headers or {})
        prepared = self._http.prepare_request(
            requests.Request(
                method, self.target.base + path, headers=all_headers, data=body, params=query
            )
        )
        url = prepared.url or path
        transcripts = [self.transcript] + ([transcript] if transcript is not None else [])
        for record in transcripts:
            record.http_request(method, url, prepared.headers, body)
        started = time.monotonic()
        raw = self._send(prepared, operation, url)
        elapsed = time.monotonic() - started
        for record in transcripts:
            record.http_response(raw.status_code, raw.reason, raw.headers, raw.content, elapsed)
        return HttpResponse(
            operation=operation,
            method=method,
            url=self.redactor.url(url),
            status=raw.status_code,
            reason=raw.reason or "",
            headers=raw.headers,
            content=raw.content,
            elapsed=elapsed,
            callback=callback,
            scrub=self.redactor.text,
        )

    def _send(self, prepared: requests.PreparedRequest, operation: str, url: str) -> Any:
        verify = self.target.verify
        try:
            with warnings.catch_warnings():
                if verify is False:  # the profile chose it; the warning would only be noise
                    warnings.simplefilter("ignore", InsecureRequestWarning)
                return self._http.send(
                    prepared,
                    timeout=self.target.http_timeout,
                    verify=verify,
                    allow_redirects=False,
                )
        except requests.RequestException as exc:
            reason = _reason(exc, self.target.http_timeout)
            raise TargetUnreachable(
                f"{operation}: cannot reach {self.redactor.url(url)}: {reason}"
            ) from None

    def _call_operation(
        self,
        path: str,
        operation: str,
        argument: JsonObject | None,
        *,
        method: str,
        auth: Auth,
        callback: str | None,
        params: Iterable[tuple[str, str]],
        headers: Mapping[str, str] | None,
        ucsid: str | None,
        ucsid_in: UcsidPlacement | None,
        transcript: Transcript | None,
    ) -> HttpResponse:
        query = list(params)
        body: bytes | None = None
        if method.upper() == "GET":
            query += query_arguments(argument)
        else:
            text = json.dumps(argument if argument is not None else {}, ensure_ascii=False)
            body = text.encode("utf-8")
        return self.request(
            method,
            path,
            operation=operation,
            auth=auth,
            params=query,
            headers=headers,
            body=body,
            callback=callback,
            ucsid=ucsid,
            ucsid_in=ucsid_in,
            transcript=transcript,
        )

    def _written(
        self, info: OperationInfo | None, argument: JsonObject | None, checked: bool
    ) -> JsonObject | None:
        """The argument in the client's dialect; one built wrong on purpose stays as it is."""
        if not checked or info is None or argument is None:
            return argument
        written: JsonObject = self.dialect.argument(info.argument, argument)
        return written

    # --- schemas ----------------------------------------------------------------------------

    def _decode(
        self,
        response: HttpResponse,
        info: OperationInfo | None,
        *,
        webservice_result: str | None = None,
        errors_as: OperationInfo | None = None,
    ) -> HttpOutcome:
        checks, where = self.checks, f"{response.method} {response.url}"
        error_info = errors_as if errors_as is not None else info

        def result(payload: JsonObject) -> None:
            context = f"{where}: result of {response.operation}"
            if webservice_result is not None:
                checks.incoming(webservice_result, payload, context, webservice=True)
            elif info is not None and info.result is not None:
                checks.incoming(info.result, payload, context)

        outcome = decode_http(
            response,
            validate_result=result,
            validate_error=lambda p: checks.error(
                error_info, p, f"{where}: error of {response.operation}"
            ),
            validate_ws_error=lambda b: checks.incoming(
                "WsErrorResponse", b, where, webservice=True
            ),
            result_has_member=lambda name: checks.has_result_member(info, name),
            strict=checks.strict,
        )
        if outcome.form is not None:
            with self._lock:
                self.body_forms[(outcome.kind, outcome.form)] += 1
        return outcome


def _reason(exc: BaseException, timeout: float) -> str:
    """One readable cause for a requests failure, found anywhere in its chain."""
    if isinstance(exc, requests.ConnectTimeout):
        return f"connecting timed out after {timeout:g} s"
    if isinstance(exc, requests.Timeout):
        return f"no response within {timeout:g} s"
    seen: set[int] = set()
    queue: list[BaseException] = [exc]
    while queue:
        current = queue.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, socket.gaierror) or type(current).__name__ == "NameResolutionError":
            return "the host name does not resolve (DNS)"
        if isinstance(current, ConnectionRefusedError):
            return "connection refused"
        if isinstance(current, ssl.SSLCertVerificationError):
            return f"TLS certificate verification failed ({current.verify_message})"
        if isinstance(current, ssl.SSLError):
            return f"TLS handshake failed ({current.reason or current})"
        if isinstance(current, TimeoutError):
            return f"timed out after {timeout:g} s"
        if isinstance(current, ConnectionResetError):
            return "connection reset by the peer"
        nested = [getattr(current, "reason", None), current.__cause__, current.__context__]
        queue += [e for e in [*nested, *current.args] if isinstance(e, BaseException)]
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:200]}"
