"""``ReferenceServer``: the reference implementation, running in-process on its own thread.

::

    with ReferenceServer() as server:            # the embedded profile, an ephemeral port
        requests.get(f"{server.url}/ws/public/contacts")

The server runs aiohttp on a private event loop in a daemon thread, so synchronous tests and
clients (requests, the websockets sync client) can talk to it over real loopback sockets.
:meth:`start` returns once the socket listens and raises whatever went wrong on the way (port
in use, bad profile); :meth:`stop` is idempotent, ends every session (each event channel gets
asnUserSessionDestroyed and is closed), and bounds every wait with a timeout.

A server with ``validate_outgoing=True`` (the default) checks everything it sends against the
catalogue; violations, and any exception escaping a handler, land in :attr:`internal_errors`,
which the project's tests assert empty after every test.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from aiohttp import web

from conformance.profile import EMBEDDED_PROFILE, Profile, load_profile
from conformance.reference.clock import Clock
from conformance.reference.dispatch import registered_handlers
from conformance.reference.faults import activate
from conformance.reference.routes import build_app
from conformance.reference.state import ServerState
from conformance.reference.websocket import websocket_handler

__all__ = ["ReferenceServer"]

log = logging.getLogger("conformance.reference")

_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 5.0


class ReferenceServer:
    def __init__(
        self,
        profile: Profile | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: Iterable[str] = (),
        variations: Iterable[str] = (),
        validate_outgoing: bool = True,
        latency: float = 0.0,
    ) -> None:
        """``latency``: seconds every HTTP request and every frame the server sends is held
        (in order), as if the server sat behind a relay across a network."""
        if latency < 0:
            raise ValueError(f"the latency must be 0 or more seconds, got {latency:g}")
        self.profile = profile if profile is not None else load_profile(EMBEDDED_PROFILE)
        self.host = host
        self._requested_port = port
        self.state = ServerState(
            self.profile,
            activate(faults, variations),
            validate_outgoing=validate_outgoing,
            handlers=registered_handlers(),
            latency=latency,
        )
        """Everything the server holds: directory, sessions, tokens, handlers (for tests)."""
        self._port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._lock = threading.Lock()
        self._stopped = False

    # --- the public view ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://<host>:<port>``; valid after :meth:`start`."""
        if self._port is None:
            raise RuntimeError("the reference server has not been started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._port}"

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the reference server has not been started")
        return self._port

    @property
    def ucsid(self) -> str:
        return self.profile.target.ucsid

    @property
    def clock(self) -> Clock:
        """The server's time; ``server.clock.advance(seconds)`` expires tokens without waiting."""
        return self.state.clock

    @property
    def internal_errors(self) -> list[str]:
        """Bugs of the reference server seen so far (schema violations, handler crashes)."""
        return self.state.internal_errors

    @property
    def faults(self) -> frozenset[str]:
        return self.state.faults.names

    @property
    def variations(self) -> frozenset[str]:
        return self.state.faults.variation_names

    def snapshot(self) -> dict[str, Any]:
        """Everything a test can change, apart from logs and chat history, as comparable data
        (:mod:`conformance.reference.snapshot`)."""
        from conformance.reference.snapshot import snapshot

        return snapshot(self.state)

    def modelled_operations(self) -> frozenset[str]:
        """Operations (and client-sent events) with real behaviour; the rest are synthesised."""
        return frozenset(self.state.handlers)

    # --- life cycle --------------------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                raise RuntimeError("the reference server can be started only once")
            sock = _listen(self.host, self._requested_port)
            self._port = sock.getsockname()[1]
            ready = threading.Event()
            failure: list[BaseException] = []
            self._thread = threading.Thread(
                target=self._run,
                args=(sock, ready, failure),
                name=f"reference-server-{self._port}",
                daemon=True,
            )
            self._thread.start()
        if not ready.wait(_START_TIMEOUT):
            self.stop()
            raise TimeoutError(f"reference server did not start within {_START_TIMEOUT} s")
        if failure:
            self.stop()
            raise failure[0]
        log.info("reference server listening on %s (ucsid %s)", self.url, self.ucsid)

    def _run(
        self, sock: socket.socket, ready: threading.Event, failure: list[BaseException]
    ) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self.state.loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve(sock))
        except BaseException as exc:  # reported to start(), which re-raises it
            failure.append(exc)
            sock.close()
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _serve(self, sock: socket.socket) -> None:
        app = build_app(self.state, websocket_handler)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=_STOP_TIMEOUT / 2
        )
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    def stop(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            loop, thread = self._loop, self._thread
        if loop is None or thread is None or loop.is_closed():
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        try:
            future.result(timeout=_STOP_TIMEOUT)
        except Exception as exc:  # a slow or failed shutdown must not hang the caller
            log.warning("reference server shutdown: %r", exc)
        if not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=_STOP_TIMEOUT)
        if thread.is_alive():
            log.warning("reference server thread did not end within %s s", _STOP_TIMEOUT)

    async def _shutdown(self) -> None:
        state = self.state
        state.sessions.destroy_all()  # every channel gets asnUserSessionDestroyed and closes
        for channel in list(state.channels):
            channel.close_soon()
        await state.cancel_tasks()
        if self._runner is not None:
            await self._runner.cleanup()

    def __enter__(self) -> ReferenceServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._port is not None else "not started"
        return (
            f"ReferenceServer({where}, ucsid={self.ucsid!r}, faults={sorted(self.faults)}, "
            f"variations={sorted(self.variations)})"
        )


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, bound here so that "port in use" is raised by start() itself."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock
