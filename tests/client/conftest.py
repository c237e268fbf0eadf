"""Fixtures of the client's tests: a scripted HTTP stub and a scripted WebSocket stub.

The stubs let the client's own behaviour (what it sends, how it reacts to broken answers) be
tested without the reference server, including answers no conformant server would give.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.datastructures import Headers
from websockets.http11 import Request, Response
from websockets.sync.server import ServerConnection, serve

from conformance.client import HttpClient, Target
from conformance.reference import ReferenceServer

SESSION_ID = "0123456789ABCDEF0123456789ABCDEF"


@dataclass
class Seen:
    """One request as a stub received it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes

    @property
    def params(self) -> dict[str, str]:
        return dict(self.query)

    def header(self, name: str) -> str | None:
        lowered = {k.lower(): v for k, v in self.headers.items()}
        return lowered.get(name.lower())


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    delay: float = 0.0

    @property
    def data(self) -> bytes:
        body = self.body
        if isinstance(body, dict | list):
            body = json.dumps(body)
        return body.encode() if isinstance(body, str) else body


@dataclass
class HttpStub:
    """A local HTTP(S) server answering with ``reply(seen)``; records every request."""

    url: str
    seen: list[Seen] = field(default_factory=list)
    reply: Callable[[Seen], Reply] = lambda seen: Reply()

    def answer(
        self,
        status: int = 200,
        body: bytes | str | dict[str, Any] | list[Any] = b"{}",
        *,
        content_type: str | None = "application/json",
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer every following request like this."""
        all_headers = {"Content-Type": content_type} if content_type else {}
        all_headers.update(headers or {})
        reply = Reply(status, body, all_headers, delay)
        self.reply = lambda seen: reply

    def answer_with(self, make: Callable[[Seen], Reply]) -> None:
        self.reply = make

    @property
    def last(self) -> Seen:
        return self.seen[-1]


def _handler(stub: HttpStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            seen = Seen(
                self.command,
                parts.path,
                parse_qsl(parts.query, keep_blank_values=True),
                dict(self.headers.items()),
                self.rfile.read(length) if length else b"",
            )
            stub.seen.append(seen)
            reply = stub.reply(seen)
            if reply.delay:
                threading.Event().wait(reply.delay)
            data = reply.data
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up (timeout tests)

        do_GET = do_POST = _any

    return Handler


def _serve_http(context: ssl.SSLContext | None) -> Iterator[HttpStub]:
    scheme = "https" if context else "http"
    stub = HttpStub(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    server.daemon_threads = True
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    stub.url = f"{scheme}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def http_stub() -> Iterator[HttpStub]:
    yield from _serve_http(None)


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1 (it is its own CA bundle)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    paths = Certificate(folder / "cert.pem", folder / "key.pem")
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


@pytest.fixture
def https_stub(certificate: Certificate) -> Iterator[HttpStub]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate.cert, certificate.key)
    yield from _serve_http(context)


# --- WebSocket stub --------------------------------------------------------------------------


def invoke_of(text: str | bytes) -> dict[str, Any]:
    """The invoke body of a frame the client sent."""
    body: dict[str, Any] = json.loads(text)["invoke"]
    return body


def result_frame(invoke_id: int, result: dict[str, Any] | None = None) -> str:
    inner: dict[str, Any] = {"resultValue": 0}
    if result is not None:
        inner["result"] = result
    return json.dumps([{"result": {"invokeID": invoke_id, "result": inner}}])


def event_frame(name: str, argument: dict[str, Any]) -> str:
    invoke = {"invokeID": 99999, "operationID": 0, "operationName": name, "argument": argument}
    return json.dumps([{"invoke": invoke}])


def answer_all(conn: ServerConnection) -> None:
    """Answer each invoke with an empty result; on asnLogoff send the destroyed event, close."""
    for text in conn:
        invoke = invoke_of(text)
        if invoke["operationName"] == "asnLogoff":
            conn.send(event_frame("asnUserSessionDestroyed", {"u8sSessionID": SESSION_ID}))
            conn.close()
            return
        conn.send(result_frame(invoke["invokeID"], {}))


Script = Callable[[ServerConnection], None]


@dataclass
class WsStub:
    """createsession (GET only: the WebSocket server's HTTP side) plus a scripted channel.

    ``script(connection)`` runs for each WebSocket connection; the default answers every
    invoke with an empty result. ``requests`` records the upgrade and createsession requests.
    """

    url: str = ""
    script: Script = field(default=lambda conn: answer_all(conn))
    requests: list[Request] = field(default_factory=list)

    session_id = SESSION_ID
    invoke_of = staticmethod(invoke_of)
    result_frame = staticmethod(result_frame)
    event_frame = staticmethod(event_frame)
    answer_all = staticmethod(answer_all)


@pytest.fixture
def ws_stub() -> Iterator[WsStub]:
    stub = WsStub()

    def process_request(connection: ServerConnection, request: Request) -> Response | None:
        stub.requests.append(request)
        if request.path.startswith("/ws/client/createsession"):
            body = json.dumps({"sessionid": SESSION_ID}).encode()
            headers = Headers(
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return Response(200, "OK", headers, body)
        return None

    def handler(connection: ServerConnection) -> None:
        # The client may go away mid-script: not the stub's business.
        with contextlib.suppress(Exception):
            stub.script(connection)

    with serve(
        handler, "127.0.0.1", 0, process_request=process_request, close_timeout=0.2
    ) as server:
        stub.url = f"http://127.0.0.1:{server.socket.getsockname()[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield stub
        finally:
            server.shutdown()
            thread.join(5)


@pytest.fixture
def closed_port() -> int:
    """A local port that was just free: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- the reference server (live tests) ---------------------------------------------------------


@pytest.fixture(scope="session")
def reference_server() -> Iterator[ReferenceServer]:
    """One reference server for all live client tests (starting one costs ~0.1 s)."""
    with ReferenceServer() as server:
        yield server


@pytest.fixture
def reference(reference_server: ReferenceServer) -> Iterator[ReferenceServer]:
    """The shared server; a test fails if the server logged an internal error meanwhile."""
    before = len(reference_server.internal_errors)
    yield reference_server
    new = reference_server.internal_errors[before:]
    assert not new, f"the reference server reported internal errors: {new}"


@pytest.fixture
def live_http(reference: ReferenceServer) -> Iterator[HttpClient]:
    """An HttpClient for the reference server that scrubs every profile password."""
    # The profile names the server's usual port; the in-process one listens elsewhere.
    target = replace(Target.from_profile(reference.profile.target, timeout=5), url=reference.url)
    with HttpClient(target, secrets=reference.profile.secrets()) as http:
        yield http
