"""The HTTP side of the reference server: routes, middlewares and response bodies.

Routes (all accept GET and POST, L28, L49; anything else is 405):

=============================  ==========================================================
/ws/client/createsession       authenticate, create a session: 200 ``{"sessionid": ...}``
/ws/client/websocket[/]        the event channel (:mod:`conformance.reference.websocket`)
/ws/client/<operation>         run an operation in the session named by ``X-ucsessionid``
/ws/direct/<operation>         authenticate this call and run the operation, no session
/ws/public/contacts            anonymous: the public users and their presence
anything else                  404 with a JSON body
=============================  ==========================================================

Middlewares, outermost first: a last resort that turns an unexpected exception into a 500 and
records it as a server bug; JSONP (``callback=name`` wraps any JSON body as ``name(<json>);``,
application/javascript; a callback that is not a JavaScript identifier is refused with 400);
the UCSID check (header ``X-ucsid`` or query ``ucsid`` naming another server: 502 WsError 119,
L231-L244), which comes before anything else a /ws/ route does.

HTTP outcomes of an operation (the document shows only the bare result of a success, L603-L609,
and the logon error, L245-L279; the rest is this server's reading, recorded in
CONFORMANCE-NOTES): success 200 with the bare result object; an operation error 400 with
``{"invokedID", "error_value", "error"}`` (plus ``sessionID`` on /ws/client), the inner form of
a ROSE error like the logon error body; a reject 400 with ``{"invokedID": {"invokednull":
null}, "reject": {<kind>: code}, "details"}`` (an HTTP call has no invoke id of its own):
invokeProblem 1 for an unknown operation, 2 for an argument failing its schema, 8 for a missing
or unknown session id, and generalProblem for a body that is not a JSON object.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from conformance.errors import SchemaViolation
from conformance.reference.arguments import ArgumentProblem, parse_body, parse_query
from conformance.reference.auth import (
    BASIC_CHALLENGE,
    CHALLENGES,
    LogonFailure,
    extract_credentials,
)
from conformance.reference.auth import wants_no401 as _wants_no401
from conformance.reference.authentication import negotiate
from conformance.reference.directory import DirectoryUser
from conformance.reference.dispatch import OperationError, Route, Success, dispatch
from conformance.reference.hooks import HookPoint
from conformance.reference.sessions import Session
from conformance.reference.state import ServerState
from conformance.rose import (
    Error,
    GeneralProblem,
    Invoke,
    InvokeProblem,
    JsonObject,
    Reject,
    RejectProblem,
    to_json_obj,
)

__all__ = [
    "HTTP_RESPONSE",
    "JSONP_CALLBACK",
    "LINK_LATENCY",
    "METHODS_SERVED",
    "REPLY_DELAY",
    "SESSION_CALLS_CHECK_UCSID",
    "SESSION_ID_SENT",
    "SESSION_OF_REQUEST",
    "STATE",
    "UCSID_ACCEPTED",
    "UNREADABLE_BODY",
    "build_app",
    "json_response",
    "reject_response",
]

STATE = web.AppKey("state", ServerState)

JSONP_CALLBACK: HookPoint[str | None] = HookPoint(
    "jsonp.callback", "the JSONP callback a response is wrapped in (None: plain JSON)"
)
UCSID_ACCEPTED: HookPoint[bool] = HookPoint(
    "ucsid.accepted", "whether a request naming another UCSID is served anyway"
)
METHODS_SERVED: HookPoint[frozenset[str]] = HookPoint(
    "http.methods", "the HTTP methods the /ws/ routes serve (the others get 405)"
)
SESSION_ID_SENT: HookPoint[str] = HookPoint(
    "createsession.session-id", "the session id createsession answers (after its schema check)"
)
SESSION_OF_REQUEST: HookPoint[Session | None] = HookPoint(
    "client.session", "the session a /ws/client request names (None: no or an unknown id)"
)

SESSION_CALLS_CHECK_UCSID: HookPoint[bool] = HookPoint(
    "ucsid.session-calls",
    "whether /ws/client/<operation> in a live session checks the UCSID again",
)

REPLY_DELAY: HookPoint[tuple[int | None, float]] = HookPoint(
    "reply.delay",
    "(invoke id, or None for an HTTP request; seconds) a reply waits before it is sent (none)",
)
LINK_LATENCY: HookPoint[float] = HookPoint(
    "link.latency",
    "seconds every HTTP request and every frame the server sends is held, in order, as a relay "
    "across a network would (the server's latency option, 0 by default)",
)
UNREADABLE_BODY: HookPoint[str] = HookPoint(
    "http.unreadable-body",
    "what a POST body that is no JSON object gets: 'refuse' (a 400 reject) or 'ignore' (read as "
    "no argument)",
)
HTTP_RESPONSE: HookPoint[tuple[web.Request, web.StreamResponse]] = HookPoint(
    "http.response", "(request, response) of every HTTP request, just before it is sent"
)

_JS_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_METHODS = frozenset({"GET", "POST"})
_MAX_BODY = 32 * 1024 * 1024

HttpHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# --- bodies --------------------------------------------------------------------------------


def json_response(
    body: object, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return web.Response(
        status=status,
        text=text,
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )


def reject_response(problem: RejectProblem, details: str) -> web.Response:
    """400 with the inner form of a ROSE reject; HTTP calls have no invoke id to echo."""
    return json_response(to_json_obj(Reject(None, problem, details))["reject"], status=400)


def ws_error(state: ServerState, status: int, detail: int, text: str, details: str) -> web.Response:
    """A WsError body (the form of the 502 of L236-L244), also used for 404, 405 and 500;
    only 119 is the document's, the others are the HTTP status as iErrorDetail."""
    body = {
        "error": {
            "_type": "WsError",
            "iErrorDetail": detail,
            "u8sErrorString": text,
            "details": details,
        }
    }
    state.check_webservice("WsErrorResponse", body, f"HTTP {status} body")
    return json_response(body, status=status)


def _header(request: web.Request, name: str) -> str | None:
    # The document writes header values quoted (X-ucsid: "local", L174-L178); a client that
    # copies that literally means the same value.
    value = request.headers.get(name)
    return None if value is None else value.strip().strip('"')


def _query(request: web.Request, name: str) -> str | None:
    for key, value in request.query.items():
        if key.lower() == name:
            return value
    return None


def session_id_of(request: web.Request) -> str | None:
    return _header(request, "X-ucsessionid") or _query(request, "x-ucsessionid")


def _in_live_session(request: web.Request) -> bool:
    """A /ws/client/<operation> call naming a live session (not createsession, not the
    WebSocket: both may be the first request of a session)."""
    path = request.path.rstrip("/")
    if not path.startswith("/ws/client/") or path.rsplit("/", 1)[1] in (
        "createsession",
        "websocket",
    ):
        return False
    return request.app[STATE].sessions.get(session_id_of(request)) is not None


# --- middlewares ---------------------------------------------------------------------------


@web.middleware
async def last_resort(request: web.Request, handler: HttpHandler) -> web.StreamResponse:
    """Never a bare 500: aiohttp's own errors get JSON bodies, our bugs are recorded."""
    state = request.app[STATE]
    _, delay = state.faults.apply(REPLY_DELAY, (None, 0.0))
    delay += state.faults.apply(LINK_LATENCY, state.latency)
    if delay > 0:
        await asyncio.sleep(delay)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        # aiohttp raises these itself (e.g. 413 for a body beyond client_max_size).
        response = ws_error(state, exc.status, exc.status, exc.reason, str(exc.text or exc.reason))
    except Exception as exc:
        state.internal_error(
            f"{request.method} {request.path}: unhandled {exc!r}\n{traceback.format_exc()}"
        )
        response = ws_error(
            state, 500, 500, "Internal server error", f"{type(exc).__name__}: {exc}"
        )
    return state.faults.apply(HTTP_RESPONSE, (request, response))[1]


@web.middleware
async def jsonp(request: web.Request, handler: HttpHandler) -> web.StreamResponse:
    # Outside the UCSID check, so that its 502 is wrapped too; a malformed callback is thus
    # refused before the UCSID is looked at (there is nothing valid to wrap the 502 in).
    state = request.app[STATE]
    callback = state.faults.apply(JSONP_CALLBACK, request.query.get("callback"))
    if callback is not None and not _JS_IDENTIFIER.fullmatch(callback):
        return reject_response(
            GeneralProblem.MISTYPED_APDU,
            f"JSONP callback {callback!r} is not a JavaScript identifier",
        )
    response = await handler(request)
    if callback is None or not isinstance(response, web.Response):
        return response
    if response.content_type != "application/json" or not isinstance(response.body, bytes):
        return response
    wrapped = web.Response(
        status=response.status,
        body=callback.encode() + b"(" + response.body + b");",
        content_type="application/javascript",
        charset="utf-8",
    )
    for challenge in response.headers.getall("WWW-Authenticate", ()):  # a JSONP 401 too
        wrapped.headers.add("WWW-Authenticate", challenge)
    return wrapped


@web.middleware
async def ucsid_check(request: web.Request, handler: HttpHandler) -> web.StreamResponse:
    """L231-L244: a UCSID naming another server is answered 502 before anything else."""
    if not request.path.startswith("/ws/"):
        return await handler(request)
    state = request.app[STATE]
    if not state.faults.apply(SESSION_CALLS_CHECK_UCSID, True) and _in_live_session(request):
        return await handler(request)
    for requested in (_header(request, "X-ucsid"), request.query.get("ucsid")):
        # An empty value names no server, like an absent one.
        if requested and requested != state.ucsid:
            if state.faults.apply(UCSID_ACCEPTED, False):
                continue
            return ws_error(
                state,
                502,
                119,
                "UCServer is not connected here",
                f"server not connected here: [{requested}]",
            )
    return await handler(request)


def _methods(handler: HttpHandler) -> HttpHandler:
    async def checked(request: web.Request) -> web.StreamResponse:
        if request.method not in request.app[STATE].faults.apply(METHODS_SERVED, _METHODS):
            return ws_error(
                request.app[STATE],
                405,
                405,
                "Method not allowed",
                f"{request.method} {request.path}: use GET or POST",
            )
        return await handler(request)

    return checked


# --- routes --------------------------------------------------------------------------------


class HttpRoutes:
    def __init__(self, state: ServerState) -> None:
        self.state = state

    async def _body(self, request: web.Request) -> JsonObject | None:
        """The POST body's JSON object (None: empty, or unreadable and ignored)."""
        try:
            return parse_body(await request.text())
        except ArgumentProblem:
            if self.state.faults.apply(UNREADABLE_BODY, "refuse") == "ignore":
                return None
            raise

    async def _argument(self, request: web.Request, type_name: str | None) -> dict[str, Any]:
        if request.method == "POST":
            body = await self._body(request)
            if body is not None:
                return body
        return parse_query(request.query, self.state.catalog, type_name)

    def _logon_failure(self, failure: LogonFailure) -> web.Response:
        body = {
            "error": failure.error(),
            "error_value": 0,
            "invokedID": self.state.invoke_ids.allocate(),
            # The document's examples carry the id of the session the logon attempt used
            # (L260-L261, L277-L278); it is never valid afterwards.
            "sessionID": secrets.token_hex(16).upper(),
        }
        self.state.check_webservice("LogonErrorResponse", body, "logon error body")
        if failure.challenge:
            response = json_response(body, status=401)
            for challenge in self.state.faults.apply(CHALLENGES, (BASIC_CHALLENGE,)):
                response.headers.add("WWW-Authenticate", challenge)
            return response
        return json_response(body, status=400)

    def _login(self, request: web.Request) -> DirectoryUser | LogonFailure:
        credentials = extract_credentials(request.headers, request.query)
        return self.state.auth.login(
            credentials, no401=_wants_no401(request.headers, request.query)
        )

    async def create_session(self, request: web.Request) -> web.StreamResponse:
        state = self.state
        try:
            if request.method == "POST":
                body = await self._body(request) or {}
            else:
                body = parse_query(request.query, state.catalog, "AsnCreateUserSessionArgument")
        except ArgumentProblem as problem:
            return reject_response(problem.problem, problem.details)
        if "negotiate" in body:
            try:
                state.catalog.validate(
                    "AsnNegotiateServerConnectionArgument",
                    body["negotiate"],
                    context="createsession negotiate",
                )
                negotiate(state, body["negotiate"])
            except OperationError as exc:
                return self._negotiation_failed(exc)
            except SchemaViolation as violation:
                return reject_response(InvokeProblem.MISTYPED_ARGUMENT, str(violation))
        user = self._login(request)
        if isinstance(user, LogonFailure):
            return self._logon_failure(user)
        session = state.sessions.create(user.name, request.query.get("clientappid"))
        response = {"sessionid": session.id}
        state.check_webservice("CreateSessionResponse", response, "createsession body")
        response["sessionid"] = state.faults.apply(SESSION_ID_SENT, session.id)
        return json_response(response)

    def _negotiation_failed(self, exc: OperationError) -> web.Response:
        """asnCreateUserSession's error (48.1.2, L52799-L52809) around the negotiate error."""
        error = {
            "_type": "AsnCreateUserSessionError",
            "iErrorDetail": exc.payload.get("iErrorDetail", 0),
            "u8sErrorString": exc.payload.get("u8sErrorString", ""),
            "negotiateerror": exc.payload,
        }
        self.state.check_outgoing("AsnCreateUserSessionError", error, "createsession error")
        body = {
            "invokedID": self.state.invoke_ids.allocate(),
            "error_value": exc.error_value,
            "error": error,
        }
        return json_response(body, status=400)

    async def client_operation(self, request: web.Request) -> web.StreamResponse:
        state = self.state
        session_id = session_id_of(request)
        session = state.faults.apply(SESSION_OF_REQUEST, state.sessions.get(session_id))
        if session is None:
            what = "no X-ucsessionid given" if not session_id else f"unknown {session_id!r}"
            return reject_response(InvokeProblem.INVALID_SESSION_ID, f"session id: {what}")
        user = state.directory.user(session.user)
        if user is None:  # the directory is fixed for the server's life
            raise RuntimeError(f"session {session.id} belongs to unknown user {session.user!r}")
        return await self._run(request, user, session)

    async def direct_operation(self, request: web.Request) -> web.StreamResponse:
        user = self._login(request)
        if isinstance(user, LogonFailure):
            return self._logon_failure(user)
        return await self._run(request, user, None)

    async def _run(
        self, request: web.Request, user: DirectoryUser, session: Session | None
    ) -> web.StreamResponse:
        state = self.state
        name = request.match_info["operation"]
        try:
            argument_type = state.catalog.operation(name).argument
        except KeyError:
            argument_type = None
        try:
            argument = await self._argument(request, argument_type)
        except ArgumentProblem as problem:
            return reject_response(problem.problem, problem.details)
        invoke = Invoke(state.invoke_ids.allocate(), name, argument)
        route: Route = "client" if session is not None else "direct"
        outcome = await dispatch(state, invoke, user, session, route)
        if outcome is None:
            return json_response({})
        if isinstance(outcome, Success):
            return json_response(state.wire(outcome.result))
        if isinstance(outcome, Error):
            body = to_json_obj(outcome)["error"]
            return json_response(state.wire(body), status=400)
        details = outcome.details or ""
        return reject_response(outcome.problem, details)

    async def public_contacts(self, request: web.Request) -> web.StreamResponse:
        directory = self.state.directory
        body = {
            "contacts": {u.sip_uri: directory.public_contact(u) for u in directory.public_users()}
        }
        self.state.check_webservice("PublicContactsResponse", body, "/ws/public/contacts body")
        return json_response(body)

    async def not_found(self, request: web.Request) -> web.StreamResponse:
        return ws_error(
            self.state, 404, 404, "Not found", f"no route {request.method} {request.path}"
        )


def build_app(
    state: ServerState, websocket_handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.Application:
    app = web.Application(middlewares=[last_resort, jsonp, ucsid_check], client_max_size=_MAX_BODY)
    app[STATE] = state
    routes = HttpRoutes(state)
    add = app.router.add_route
    add("*", "/ws/client/createsession", _methods(routes.create_session))
    add("*", "/ws/client/websocket", websocket_handler)
    add("*", "/ws/client/websocket/", websocket_handler)
    add("*", "/ws/client/{operation}", _methods(routes.client_operation))
    add("*", "/ws/direct/{operation}", _methods(routes.direct_operation))
    add("*", "/ws/public/contacts", _methods(routes.public_contacts))
    add("*", "/{tail:.*}", routes.not_found)
    return app
