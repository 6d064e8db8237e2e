"""A real HTTP target on 127.0.0.1 that injects faults, for the per-sample end-to-end tests.

The same design as the generated project's own ``tests/test_end_to_end.py`` FaultServer
(a script of answers, 200 when it is empty), plus a control endpoint so a pipeline
running in another process can set the script and read the call count:
``PUT /_script`` with ``[[status, {headers}, delay_seconds], ...]`` and ``GET /_calls``.
A delayed answer is written after the delay (the client has usually given up by then:
that is the timeout fault).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FaultServer:
    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, str], float]] = []
        self.calls: list[tuple[int, dict[str, Any] | None, dict[str, str]]] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client timed out and left
                    self.wfile.write(body)

            def do_PUT(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with owner.lock:
                    owner.script = [(int(s), dict(h), float(d)) for s, h, d in json.loads(body)]
                self._answer(204, {})

            def do_GET(self) -> None:
                with owner.lock:
                    count = len(owner.calls)
                self._answer(200, {"Content-Type": "application/json"}, json.dumps(count).encode())

            def do_HEAD(self) -> None:
                self._answer(200, {})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with owner.lock:
                    status, headers, delay = owner.script.pop(0) if owner.script else (200, {}, 0)
                    owner.calls.append((status, json.loads(body or b"null"), dict(self.headers)))
                if delay:
                    time.sleep(delay)
                self._answer(status, headers)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = self.base + "/records"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
