"""The HTTP side of ``serve``: the webhook endpoint, /health and /metrics (stdlib http.server).

``POST {trigger.webhook.path}`` takes one JSON object or an array of them. A record is
*accepted* once it is written to the inbox (``var/inbox.sqlite``), and only then does
the caller get ``202`` with one correlation id per record, so a crash after the answer
loses nothing: the worker finds the record in the inbox on restart. The caller's
``X-Correlation-ID`` is kept (``ID`` for one record, ``ID-1``, ``ID-2``... for an array).

Answers: 202 accepted; 400 not JSON, or not an object / array of objects; 401 signature
missing or wrong (when ``signature_header`` is set); 411 no Content-Length; 413 body over
``max_body_bytes`` (not read); 503 backlog full (with Retry-After); 404 / 405 otherwise.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .config import Webhook


class Inbox:
    """Accepted records waiting for the worker, in SQLite so a 202 survives a crash."""

    def __init__(self, path: str | Path) -> None:
        file = Path(path)
        file.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(file, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS inbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " correlation_id TEXT NOT NULL, payload TEXT NOT NULL, received_at REAL NOT NULL)"
        )
        self._lock = threading.Lock()
        self.arrived = threading.Event()

    def put(self, records: list[tuple[str, dict[str, Any]]]) -> None:
        now = time.time()
        rows = [(cid, json.dumps(record), now) for cid, record in records]
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO inbox (correlation_id, payload, received_at) VALUES (?, ?, ?)", rows
            )
            self._db.execute("COMMIT")
        self.arrived.set()

    def take(self, limit: int = 100) -> list[tuple[int, str, dict[str, Any]]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, correlation_id, payload FROM inbox ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        return [(row[0], row[1], json.loads(row[2])) for row in rows]

    def done(self, entry_id: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM inbox WHERE id=?", (entry_id,))

    def depth(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def signature_ok(secret: str, body: bytes, given: str | None) -> bool:
    """HMAC-SHA256 of the body, as hex or base64, with or without a ``sha256=`` prefix."""
    if not given:
        return False
    value = given.strip()
    if value.lower().startswith("sha256="):
        value = value[7:]
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return any(
        hmac.compare_digest(value.encode("ascii", "replace"), expected.encode("ascii"))
        for expected in (digest.hex(), base64.b64encode(digest).decode("ascii"))
    )


_HEADER_SOURCE = re.compile(r"^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*\(header\)\s*$", re.IGNORECASE)


def header_fields(sources: Iterable[str | None]) -> list[tuple[str, str]]:
    """(HTTP header, record key) for each mapping source written as ``Name (header)``, the
    way designs name request headers (``X-Shopify-Topic (header)``): the webhook copies
    the header into every record of the request under that key, so the mapping reads it
    like any other field (a value the body already has wins)."""
    found: list[tuple[str, str]] = []
    for source in sources:
        match = _HEADER_SOURCE.match(source or "")
        if match is not None and (match.group(1), source) not in found:
            found.append((match.group(1), str(source)))
    return found


class ControlServer:
    """/health, /metrics and (when ``inbox`` is given) the webhook, on one port."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        registry: Any,
        health: Callable[[], tuple[bool, dict[str, Any]]],
        webhook: Webhook | None = None,
        inbox: Inbox | None = None,
        secret: str | None = None,
        backlog: Callable[[], float] = lambda: 0.0,
        on_accept: Callable[[list[str]], None] | None = None,
        header_fields: list[tuple[str, str]] | None = None,
    ) -> None:
        owner = self
        self.header_fields = header_fields or []
        self.webhook = webhook
        self.inbox = inbox
        self.secret = secret
        self.backlog = backlog
        self.on_accept = on_accept

        class Handler(BaseHTTPRequestHandler):
            server_version = "integration-pipeline"
            sys_version = ""

            def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
                self.send_response(status)
                content_type = (headers or {}).pop("Content-Type", "application/json")
                self.send_header("Content-Type", content_type)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path == "/metrics":
                    self._send(
                        200, generate_latest(registry), {"Content-Type": CONTENT_TYPE_LATEST}
                    )
                elif path == "/health":
                    ok, details = health()
                    self._send(200 if ok else 503, {"status": "ok" if ok else "failing", **details})
                elif owner.webhook is not None and path == owner.webhook.path:
                    self._send(405, {"error": "POST records here"}, {"Allow": "POST"})
                else:
                    self._send(404, {"error": "not found"})

            def do_POST(self) -> None:
                path = self.path.split("?", 1)[0]
                if owner.webhook is None or owner.inbox is None or path != owner.webhook.path:
                    self._send(404, {"error": "not found"})
                    return
                owner._accept(self)

            def log_message(self, *args: Any) -> None:
                pass  # the pipeline's own JSON logs say what happened

        self.handler = Handler
        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _accept(self, request: Any) -> None:
        webhook, inbox = self.webhook, self.inbox
        assert webhook is not None and inbox is not None
        length_text = request.headers.get("Content-Length")
        if length_text is None or not length_text.strip().isdigit():
            request.close_connection = True
            request._send(411, {"error": "Content-Length required"})
            return
        length = int(length_text)
        if length > webhook.max_body_bytes:
            request.close_connection = True  # the body is not read
            request._send(413, {"error": f"body over {webhook.max_body_bytes} bytes"})
            return
        body = request.rfile.read(length)
        if webhook.signature_header and not signature_ok(
            self.secret or "", body, request.headers.get(webhook.signature_header)
        ):
            request._send(401, {"error": f"missing or wrong {webhook.signature_header}"})
            return
        try:
            data = json.loads(body)
        except ValueError:
            request._send(400, {"error": "the body is not JSON"})
            return
        records = data if isinstance(data, list) else [data]
        if not records or not all(isinstance(r, dict) for r in records):
            request._send(400, {"error": "send a JSON object or a non-empty array of objects"})
            return
        if self.backlog() + len(records) > webhook.max_backlog:
            request._send(503, {"error": "backlog full, retry later"}, {"Retry-After": "5"})
            return
        for name, key in self.header_fields:  # headers the mapping table reads
            value = request.headers.get(name)
            if value is not None:
                for record in records:
                    record.setdefault(key, value)
        given = (request.headers.get("X-Correlation-ID") or "").strip()[:100]
        if given and len(records) == 1:
            ids = [given]
        elif given:
            ids = [f"{given}-{n}" for n in range(1, len(records) + 1)]
        else:
            ids = [str(uuid.uuid4()) for _ in records]
        inbox.put(list(zip(ids, records, strict=True)))
        if self.on_accept is not None:
            self.on_accept(ids)
        request._send(202, {"accepted": len(ids), "correlationIds": ids})

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
