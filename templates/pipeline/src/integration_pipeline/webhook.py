"""The HTTP side of ``serve`` as an ASGI application: the webhook, /health and /metrics.

http_server.py runs it on uvicorn; this module holds what the answers mean.

``POST {trigger.webhook.path}`` takes one JSON object or an array of them. A record is
*accepted* once it is written to the inbox (``var/inbox.sqlite``), and only then does
the caller get ``202`` with one correlation id per record, so a crash after the answer
loses nothing: the worker finds the record in the inbox on restart. The caller's
``X-Correlation-ID`` is kept (``ID`` for one record, ``ID-1``, ``ID-2``... for an array).

Answers: 202 accepted; 431 request head over ``server.max_header_bytes``; 400 not JSON, nested deeper than ``server.max_json_depth``, or
not an object / array of objects; 401 signature missing or wrong (when
``signature_header`` is set; checked on the raw bytes before any parsing); 408 body not
complete within ``server.body_timeout_seconds``; 413 body over ``max_body_bytes``
(refused from its Content-Length before reading, or as soon as a chunked body grows
past it); 503 backlog full, or ``server.max_concurrent_requests`` requests already in
progress (both with Retry-After); 404 / 405 otherwise.

The event loop only moves bytes: checking the signature, parsing and writing the inbox
run in a thread pool as large as ``server.max_concurrent_requests``, so a slow disk never
stalls /health or another caller's upload. Mapping, loading and the DLQ stay on the
pipeline's worker thread (triggers.py), which reads the inbox as before.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .config import Server, Webhook

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


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


_STRING_OR_BRACKET = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
"""A JSON string (skipped whole, so brackets inside text do not count) or a bracket."""


def json_too_deep(body: bytes, limit: int) -> bool:
    """True when ``body`` opens more than ``limit`` arrays/objects inside one another.

    A linear scan, so a body of 100,000 ``[`` costs one pass and stops at ``limit + 1``
    instead of reaching ``json.loads``, whose recursive parser raises RecursionError
    (the standard-library server then dropped the connection). Malformed text is not
    judged here: ``json.loads`` refuses it next.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # too few openings to be too deep: two C-speed counts decide most bodies
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


class _Answer(Exception):
    """Ends a request early with this status and JSON body (raised by the body reader)."""

    def __init__(self, status: int, error: str, *, close: bool = True) -> None:
        super().__init__(error)
        self.status, self.error, self.close = status, error, close


class _Gone(Exception):
    """The client disconnected before its body was complete: nobody to answer."""


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _head_size(scope: Scope) -> int:
    """The request head's size as sent, near enough: the request line and each header."""
    line = len(scope["method"]) + len(scope.get("raw_path") or b"") + 12
    line += len(scope.get("query_string") or b"") + 1
    return line + sum(len(key) + len(value) + 4 for key, value in scope["headers"])


class ControlApp:
    """The ASGI application behind ``serve``: /health, /metrics and (with ``inbox``) the
    webhook. A plain ASGI callable rather than a framework: three routes, and the body
    must be read in chunks against a size cap and a deadline, which is the raw
    ``receive`` loop anyway."""

    def __init__(
        self,
        *,
        registry: Any,
        health: Callable[[], tuple[bool, dict[str, Any]]],
        settings: Server,
        webhook: Webhook | None = None,
        inbox: Inbox | None = None,
        secret: str | None = None,
        backlog: Callable[[], float] = lambda: 0.0,
        on_accept: Callable[[list[str]], None] | None = None,
        on_answer: Callable[[str, int], None] | None = None,
        header_fields: list[tuple[str, str]] | None = None,
    ) -> None:
        self.registry = registry
        self.health = health
        self.settings = settings
        self.webhook = webhook
        self.inbox = inbox
        self.secret = secret
        self.backlog = backlog
        self.on_accept = on_accept
        self.on_answer = on_answer
        self.header_fields = header_fields or []
        self.in_flight = 0  # webhook requests between their head and their answer
        self.pool = ThreadPoolExecutor(
            max_workers=settings.max_concurrent_requests, thread_name_prefix="webhook"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan is off; websockets are not served
            return
        method, path = scope["method"], scope["path"]
        if _head_size(scope) > self.settings.max_header_bytes:
            # h11 caps a head still arriving; one that came whole in a read is sized here
            error = f"request head over {self.settings.max_header_bytes} bytes"
            await self._send(send, method, 431, {"error": error}, close=True)
        elif self.webhook is not None and self.inbox is not None and path == self.webhook.path:
            if method == "POST":
                await self._webhook(scope, receive, send)
            else:
                await self._send(send, method, 405, {"error": "POST records here"}, allow="POST")
        elif path == "/metrics" and method in ("GET", "HEAD"):
            data = generate_latest(self.registry)
            await self._send(send, method, 200, data, content_type=CONTENT_TYPE_LATEST)
        elif path == "/health" and method in ("GET", "HEAD"):
            ok, details = self.health()
            body = {"status": "ok" if ok else "failing", **details}
            await self._send(send, method, 200 if ok else 503, body)
        elif path in ("/metrics", "/health"):
            await self._send(send, method, 405, {"error": "GET only"}, allow="GET")
        else:
            await self._send(send, method, 404, {"error": "not found"})

    async def _send(
        self,
        send: Send,
        method: str,
        status: int,
        body: Any,
        *,
        content_type: str = "application/json",
        allow: str | None = None,
        retry_after: str | None = None,
        close: bool = False,
    ) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        headers = [
            (b"content-type", content_type.encode("latin-1")),
            (b"content-length", str(len(data)).encode("ascii")),
        ]
        if allow:
            headers.append((b"allow", allow.encode("ascii")))
        if retry_after:
            headers.append((b"retry-after", retry_after.encode("ascii")))
        if close:  # the rest of the body is not read: this connection cannot carry another
            headers.append((b"connection", b"close"))
        if self.on_answer is not None:
            self.on_answer(method, status)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else data})

    async def _webhook(self, scope: Scope, receive: Receive, send: Send) -> None:
        webhook = self.webhook
        assert webhook is not None
        if self.in_flight >= self.settings.max_concurrent_requests:
            await self._send(
                send, "POST", 503, {"error": "too many requests in progress, retry later"},
                retry_after="1", close=True,
            )  # fmt: skip
            return
        self.in_flight += 1
        try:
            body = await self._read_body(scope, receive, webhook.max_body_bytes)
            loop = asyncio.get_running_loop()
            status, answer, retry_after = await loop.run_in_executor(
                self.pool, self._store, scope, body
            )
            await self._send(send, "POST", status, answer, retry_after=retry_after)
        except _Answer as early:
            await self._send(send, "POST", early.status, {"error": early.error}, close=early.close)
        except _Gone:
            return  # uvicorn has nothing to write to; the access log has no line for it
        finally:
            self.in_flight -= 1

    async def _read_body(self, scope: Scope, receive: Receive, limit: int) -> bytes:
        """The whole body, or _Answer(413) as soon as it passes ``limit`` (from its
        Content-Length, unread, or while a chunked body streams), or _Answer(408) when
        it is not complete within ``server.body_timeout_seconds``."""
        declared = _header(scope, b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            raise _Answer(413, f"body over {limit} bytes")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.body_timeout_seconds
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _Answer(
                    408, f"body not complete within {self.settings.body_timeout_seconds:g} s"
                ) from None
            if message["type"] == "http.disconnect":
                raise _Gone
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > limit:
                raise _Answer(413, f"body over {limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _store(self, scope: Scope, body: bytes) -> tuple[int, dict[str, Any], str | None]:
        """Signature, depth, JSON, backlog, inbox: (status, JSON answer, Retry-After).

        Runs in the pool: HMAC over a large body, ``json.loads`` and the SQLite commit
        would each hold the event loop otherwise."""
        webhook, inbox = self.webhook, self.inbox
        assert webhook is not None and inbox is not None
        if webhook.signature_header and not signature_ok(
            self.secret or "", body,
            _header(scope, webhook.signature_header.lower().encode("latin-1")),
        ):  # fmt: skip
            return 401, {"error": f"missing or wrong {webhook.signature_header}"}, None
        if json_too_deep(body, self.settings.max_json_depth):
            depth = self.settings.max_json_depth
            return 400, {"error": f"JSON nested deeper than {depth} levels"}, None
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: depth is checked above
            return 400, {"error": "the body is not JSON"}, None
        records = data if isinstance(data, list) else [data]
        if not records or not all(isinstance(r, dict) for r in records):
            return 400, {"error": "send a JSON object or a non-empty array of objects"}, None
        if self.backlog() + len(records) > webhook.max_backlog:
            return 503, {"error": "backlog full, retry later"}, "5"
        for name, key in self.header_fields:  # headers the mapping table reads
            value = _header(scope, name.lower().encode("latin-1"))
            if value is not None:
                for record in records:
                    record.setdefault(key, value)
        given = (_header(scope, b"x-correlation-id") or "").strip()[:100]
        if given and len(records) == 1:
            ids = [given]
        elif given:
            ids = [f"{given}-{n}" for n in range(1, len(records) + 1)]
        else:
            ids = [str(uuid.uuid4()) for _ in records]
        inbox.put(list(zip(ids, records, strict=True)))
        if self.on_accept is not None:
            self.on_accept(ids)
        return 202, {"accepted": len(ids), "correlationIds": ids}, None

    def close(self) -> None:
        """After the server stopped: let stores already handed to the pool finish."""
        self.pool.shutdown(wait=True)
