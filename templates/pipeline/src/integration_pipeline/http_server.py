"""``serve``'s HTTP server: uvicorn (h11) running webhook.py's ASGI application.

Why uvicorn with a plain ASGI application: the standard library's ThreadingHTTPServer,
used before, is not meant for production (its own documentation says so) and had no
bound anywhere: a client that sent half a request held a thread for ever. uvicorn is the
most used ASGI server, keeps every connection as a small object on one event loop
instead of a thread, and has the bounds we need built in: an idle keep-alive timeout,
a cap on the request head's size, a connection limit answered with 503, and a graceful
shutdown that finishes requests in progress. Its pure-Python ``h11`` protocol needs no
compiled extension. A framework (Starlette) would add routing for three paths and
nothing else: the body must be read chunk by chunk against a size cap and a deadline,
which is the raw ASGI ``receive`` loop anyway.

The one bound uvicorn lacks is a deadline on the request *head*: its keep-alive timer
stops at the first byte, so a client sending its headers a byte at a time (slowloris)
would be kept. ``_protocol`` adds it by subclassing uvicorn's ``H11Protocol``; the
tests in tests/test_webhook_server.py hold such clients to check it stays true.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .config import Server
from .logs import StdlibToJson

_STDLIB_LOGGERS = ("uvicorn.error", "uvicorn.access", "asyncio")


def _protocol(header_timeout: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a deadline on each request head."""
    body = json.dumps({"error": f"request head not complete within {header_timeout:g} s"})
    timeout_answer = (
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n{body}"
    ).encode("ascii")

    class HeadTimedH11Protocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None
        _head_started = False  # a byte of the awaited head has arrived

        def _arm(self) -> None:
            self._disarm()
            self._head_started = False
            self._head_timer = self.loop.call_later(header_timeout, self._head_timed_out)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            cycle = self.cycle
            self._head_started = True
            super().data_received(data)
            if self.cycle is not cycle:  # a complete head: the body deadline is the app's
                self._disarm()

        def on_response_complete(self) -> None:
            self._arm()  # before super(): it may start a pipelined request (see below)
            super().on_response_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _head_timed_out(self) -> None:
            self._head_timer = None
            if self.transport.is_closing():
                return
            if self.cycle is not None and not self.cycle.response_complete:
                return  # a request (pipelined after the last answer) is being handled
            if self._head_started:  # half a head: say why; an idle connection just closes
                self.logger.warning(
                    "request head not complete within %gs: connection closed", header_timeout
                )
                self.transport.write(timeout_answer)
            self.transport.close()

    return HeadTimedH11Protocol


def _listen(host: str, port: int, backlog: int) -> socket.socket:
    """A listening socket, bound here so a port in use is an error at start-up (and port
    0's choice is known) before the server's thread runs."""
    family, kind, proto, _name, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


class ControlServer:
    """The ASGI ``app`` on ``host:port``, in a thread of its own until ``stop``."""

    def __init__(
        self, host: str, port: int, app: Any, *, settings: Server, log: Any, level: str = "INFO"
    ) -> None:
        self.settings = settings
        self.app = app
        self.socket = _listen(host, port, backlog=min(2048, settings.max_connections))
        self.port = int(self.socket.getsockname()[1])
        config = uvicorn.Config(
            app,
            http=_protocol(settings.header_timeout_seconds),
            lifespan="off",
            interface="asgi3",
            loop="asyncio",
            log_config=None,  # its records go to the JSON log (start / stop)
            log_level=level.lower(),
            access_log=True,  # whether a line is written is the handler's (start)
            # uvicorn annotates these two as int; it hands them to call_later and
            # asyncio.timeout, which take fractions of a second as well
            timeout_keep_alive=settings.keep_alive_seconds,  # type: ignore[arg-type]
            # uvicorn counts the new connection itself: +1 lets max_connections be served
            limit_concurrency=settings.max_connections + 1,
            h11_max_incomplete_event_size=settings.max_header_bytes,
            timeout_graceful_shutdown=settings.shutdown_grace_seconds,  # type: ignore[arg-type]
            server_header=False,
            proxy_headers=False,  # X-Forwarded-For is not trusted unless a proxy is known
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, name="http-server", daemon=True)
        self._handler = StdlibToJson(log)
        self._saved: list[tuple[logging.Logger, bool]] = []

    def _run(self) -> None:
        self.server.run(sockets=[self.socket])

    def connections(self) -> int:
        """Open connections (for tests and the benchmark)."""
        return len(self.server.server_state.connections)

    def start(self) -> None:
        for name in _STDLIB_LOGGERS:
            logger = logging.getLogger(name)
            self._saved.append((logger, logger.propagate))
            logger.propagate = False  # one line each, in our stream, never plain text
            if name != "uvicorn.access" or self.settings.access_log:
                logger.addHandler(self._handler)
        self.thread.start()

    def stop(self) -> None:
        """Stop accepting, let requests in progress finish (up to
        ``server.shutdown_grace_seconds``), then return."""
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(timeout=self.settings.shutdown_grace_seconds + 5)
        else:
            self.socket.close()
        for logger, propagate in self._saved:
            logger.removeHandler(self._handler)
            logger.propagate = propagate
        self._saved.clear()
