"""``serve``'s HTTP server under slow, partial, hostile and many clients: raw sockets on
127.0.0.1, every wait bounded and on a condition (an answer, a closed socket, a counter),
never on a sleep."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ROOT, base_config
from integration_pipeline.pipeline import Pipeline
from integration_pipeline.triggers import Service

BOUND = 10.0  # seconds: the most any wait below may take before the test fails
SECRET = "hook-secret"
RECORD = {"id": "W1", "amount": 5, "qty": 2, "state": "N"}


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., tuple[Service, int, io.StringIO]]]:
    made: list[tuple[Service, Pipeline]] = []

    def start(server: dict[str, Any] | None = None, **webhook: Any) -> tuple[Service, int, Any]:
        config = base_config(
            trigger={"kind": "webhook", "port": 0, "webhook": webhook},
            server=server or {},
        )
        stream = io.StringIO()
        pipeline = Pipeline(config, base_dir=tmp_path, log_stream=stream, sleep=lambda s: None)
        service = Service(config, pipeline)
        made.append((service, pipeline))
        service.start()
        return service, service.server.port, stream

    yield start
    for service, pipeline in made:
        service.stop()
        pipeline.close()


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=BOUND)
    return sock


def _head(length: int | None = None, *, extra: str = "", path: str = "/records") -> bytes:
    size = f"Content-Length: {length}\r\n" if length is not None else ""
    return (
        f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n{size}{extra}\r\n"
    ).encode("ascii")


def _until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (within BOUND)."""
    data = b""
    deadline = time.monotonic() + BOUND
    while True:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            raise AssertionError(f"connection still open after {BOUND} s: {data!r}") from None
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


def _status_and_body(raw: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body) if body else {}


def _signed(body: bytes) -> dict[str, str]:
    return {"X-Sig": "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()}


# --- timeouts -------------------------------------------------------------------------------


def test_a_head_sent_too_slowly_gets_408_and_a_closed_connection(serve: Any) -> None:
    """Slowloris: a byte of header whenever the server has said nothing for 0.1 s. The
    deadline counts from the connection, not from the last byte, so the drip does not
    keep it open."""
    _, port, stream = serve({"header_timeout_seconds": 1})
    with _connect(port) as sock:
        started = time.monotonic()
        sock.sendall(b"POST /records HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        answer = b""
        while not answer and time.monotonic() - started < BOUND:
            sock.settimeout(0.1)
            try:
                answer = sock.recv(65536)
            except TimeoutError:
                sock.sendall(b"a")  # the server is silent: one more byte of a header
        answer += _until_closed(sock)
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert _status_and_body(answer)[1] == {"error": "request head not complete within 1 s"}
    assert 1.0 <= elapsed < BOUND
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert any("request head not complete" in line["event"] for line in lines)


def test_a_body_shorter_than_its_content_length_gets_408(serve: Any) -> None:
    """``Content-Length: 1000`` and 2 bytes: answered within the body timeout, not never."""
    service, port, _ = serve({"body_timeout_seconds": 0.5})
    with _connect(port) as sock:
        started = time.monotonic()
        sock.sendall(_head(1000) + b"{}")
        answer = _until_closed(sock)
        elapsed = time.monotonic() - started
    assert _status_and_body(answer) == (408, {"error": "body not complete within 0.5 s"})
    assert 0.5 <= elapsed < BOUND
    _wait_for(lambda: service.app.in_flight == 0, "the request to end")
    metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
    assert 'pipeline_webhook_requests_total{status="408"} 1.0' in metrics


# --- limits ---------------------------------------------------------------------------------


def test_held_connections_hold_no_worker_and_the_cap_answers_503(serve: Any) -> None:
    """Clients that never finish their heads are open sockets, not threads: /health still
    answers beside them, and past ``max_connections`` the server says 503 at once."""
    service, port, _ = serve({"max_connections": 5, "header_timeout_seconds": 60})
    url = f"http://127.0.0.1:{port}/health"
    held = [_connect(port) for _ in range(4)]
    try:
        for sock in held:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n")  # never finished
        _wait_for(lambda: service.server.connections() == 4, "4 held connections")
        assert httpx.get(url, headers={"Connection": "close"}).status_code == 200  # the 5th
        held.append(_connect(port))
        held[-1].sendall(b"GET /health HTTP/1.1\r\n")
        _wait_for(lambda: service.server.connections() == 5, "5 held connections")
        over = httpx.get(url, headers={"Connection": "close"})
        assert over.status_code == 503
        held.pop().close()
        _wait_for(lambda: service.server.connections() == 4, "one connection to go")
        assert httpx.get(url, headers={"Connection": "close"}).status_code == 200
    finally:
        for sock in held:
            sock.close()


def test_requests_past_the_concurrency_limit_get_503(serve: Any, tmp_path: Path) -> None:
    """Three uploads in progress fill ``max_concurrent_requests: 3``; a fourth gets 503
    with Retry-After, /health is not counted, and a finished upload frees its place."""
    service, port, _ = serve({"max_concurrent_requests": 3})
    url = f"http://127.0.0.1:{port}"
    body = json.dumps(RECORD).encode()
    held = [_connect(port) for _ in range(3)]
    try:
        for sock in held:
            sock.sendall(_head(len(body)) + body[:5])
        _wait_for(lambda: service.app.in_flight == 3, "3 uploads in progress")
        refused = httpx.post(url + "/records", json=RECORD)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "1"
        assert refused.json() == {"error": "too many requests in progress, retry later"}
        assert "pipeline_webhook_requests_in_flight 3.0" in httpx.get(url + "/metrics").text
        assert httpx.get(url + "/health").status_code == 200
        held[0].sendall(body[5:])
        held[0].settimeout(BOUND)
        assert held[0].recv(65536).startswith(b"HTTP/1.1 202 ")
        _wait_for(lambda: service.app.in_flight == 2, "the finished upload to leave")
        assert httpx.post(url + "/records", json={**RECORD, "id": "W2"}).status_code == 202
    finally:
        for sock in held:
            sock.close()
    assert service.idle()
    with sqlite3.connect(tmp_path / "var" / "target.sqlite") as db:
        assert sorted(r[0] for r in db.execute("SELECT order_id FROM records")) == ["W1", "W2"]


def test_a_head_over_max_header_bytes_is_refused(serve: Any) -> None:
    """Sent whole, a 4 KiB head over a 2 KiB cap gets 431; sent in pieces, h11 stops
    buffering it at the cap with 400. Either way the connection is closed."""
    _, port, stream = serve({"max_header_bytes": 2048})
    body = json.dumps(RECORD).encode()
    big = _head(len(body), extra=f"X-Big: {'a' * 4096}\r\n")
    with _connect(port) as sock:
        sock.sendall(big + body)
        answer = _until_closed(sock)
    assert _status_and_body(answer) == (431, {"error": "request head over 2048 bytes"})
    with _connect(port) as sock:
        sock.sendall(big[:3000])  # the head is not complete: never parsed
        assert _until_closed(sock).startswith(b"HTTP/1.1 400 ")
    with _connect(port) as sock:  # a 1 KiB header fits
        extra = f"X-Big: {'a' * 1024}\r\nConnection: close\r\n"
        sock.sendall(_head(len(body), extra=extra) + body)
        assert _until_closed(sock).startswith(b"HTTP/1.1 202 ")
    assert all(json.loads(line) for line in stream.getvalue().splitlines())


def test_a_body_over_the_cap_is_refused_before_it_is_read(serve: Any) -> None:
    _, port, _ = serve(max_body_bytes=200)
    with _connect(port) as sock:  # a gigabyte announced, nothing sent: answered at once
        sock.sendall(_head(10**9))
        assert _status_and_body(_until_closed(sock)) == (413, {"error": "body over 200 bytes"})


def test_a_chunked_body_is_cut_off_once_it_grows_past_the_cap(serve: Any) -> None:
    _, port, _ = serve(max_body_bytes=200)
    chunk = b'"' + b"x" * 148 + b'"'
    with _connect(port) as sock:
        sock.sendall(_head(extra="Transfer-Encoding: chunked\r\n"))
        sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))  # 150 bytes: under the cap
        sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))  # 300: over it, never ended
        answer = _until_closed(sock)
    assert _status_and_body(answer) == (413, {"error": "body over 200 bytes"})


def test_a_chunked_body_under_the_cap_is_accepted(serve: Any) -> None:
    _, port, _ = serve(max_body_bytes=200)
    body = json.dumps(RECORD).encode()
    with _connect(port) as sock:
        sock.sendall(_head(extra="Transfer-Encoding: chunked\r\nConnection: close\r\n"))
        sock.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
        status, answer = _status_and_body(_until_closed(sock).replace(b"\r\n0\r\n\r\n", b""))
    assert status == 202 and answer["accepted"] == 1


def test_deep_json_is_a_400_after_the_signature_is_checked(
    serve: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100,000 nested ``[``: unsigned, 401 (nothing is parsed before the signature);
    signed, 400 with a JSON error, not RecursionError and a dropped connection. Brackets
    inside strings do not count, and a record nested within the limit is accepted."""
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    _, port, stream = serve(
        {"max_json_depth": 8}, signature_header="X-Sig", secret_env="HOOK_SECRET"
    )
    post = f"http://127.0.0.1:{port}/records"
    deep = b"[" * 100_000
    assert httpx.post(post, content=deep).status_code == 401
    refused = httpx.post(post, content=deep, headers=_signed(deep))
    assert refused.status_code == 400
    assert refused.json() == {"error": "JSON nested deeper than 8 levels"}
    nested = json.dumps({**RECORD, "note": "[" * 50, "a": {"b": {"c": [[[1]]]}}}).encode()
    assert httpx.post(post, content=nested, headers=_signed(nested)).status_code == 202
    assert "RecursionError" not in stream.getvalue()


# --- logs -----------------------------------------------------------------------------------


def test_every_log_line_is_json_and_an_early_hang_up_leaves_no_traceback(serve: Any) -> None:
    service, port, stream = serve()
    url = f"http://127.0.0.1:{port}"
    assert httpx.post(url + "/records?token=abc", json=RECORD).status_code == 202
    _wait_for(lambda: '"status": 202' in stream.getvalue(), "the access line")
    before = len(stream.getvalue().splitlines())
    for _ in range(20):  # hang up in the middle of the body, and right after the head
        with _connect(port) as sock:
            sock.sendall(_head(100) + b'{"id"')
        with _connect(port) as sock:
            sock.sendall(_head(100))
    _wait_for(lambda: service.server.connections() == 0, "the hung-up connections to go")
    _wait_for(lambda: service.app.in_flight == 0, "their requests to end")
    lines = stream.getvalue().splitlines()
    parsed = [json.loads(line) for line in lines]  # every line, uvicorn's included
    assert len(lines) - before <= 40  # at most one line per hung-up client
    assert "Traceback" not in stream.getvalue() and "BrokenPipe" not in stream.getvalue()
    access = [p for p in parsed if p["event"] == "http request"]
    assert access[0]["path"] == "/records" and access[0]["status"] == 202
    assert "abc" not in json.dumps(access)  # no query string in the log


# --- shutdown -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_sigterm_lets_the_request_in_progress_finish_and_exits_0(tmp_path: Path) -> None:
    """`serve` in its own process: an upload half sent when SIGTERM arrives still gets
    its 202 (the listener is closed by then: a new connection is refused), the record is
    kept, and the process exits 0 with JSON lines only on stderr."""
    config = base_config(trigger={"kind": "webhook"})
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "pipeline.yaml").write_text(
        json.dumps(config.model_dump(mode="json", by_alias=True)), encoding="utf-8"
    )
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PIPELINE_METRICS": "0"}
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "integration_pipeline", "serve", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(url + "/health").status_code == 200
        except httpx.TransportError:
            return False

    def refuses() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=BOUND).close()
        except ConnectionRefusedError:
            return True
        return False

    body = json.dumps(RECORD).encode()
    try:
        _wait_for(answers, "serve to answer")
        with _connect(port) as sock:
            sock.sendall(_head(len(body), extra="X-Correlation-ID: in-flight\r\n") + body[:5])
            _wait_for(
                lambda: "pipeline_webhook_requests_in_flight 1.0" in httpx.get(url + "/metrics").text,
                "the upload to be in progress",
            )  # fmt: skip
            process.send_signal(signal.SIGTERM)
            _wait_for(refuses, "the listener to close")
            sock.sendall(body[5:])
            answer = _until_closed(sock)
        assert _status_and_body(answer) == (202, {"accepted": 1, "correlationIds": ["in-flight"]})
        assert process.wait(timeout=BOUND) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
    stderr = (tmp_path / "serve.log").read_text(encoding="utf-8").splitlines()
    assert stderr and all(line.startswith("{") for line in stderr), stderr
    kept = 0
    for name, table in (("inbox.sqlite", "inbox"), ("target.sqlite", "records")):
        if (tmp_path / "var" / name).exists():
            with sqlite3.connect(tmp_path / "var" / name) as db:
                kept += db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    assert kept == 1  # in the inbox for the next start, or already loaded
