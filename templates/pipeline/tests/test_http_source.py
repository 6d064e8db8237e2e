"""The HTTP source against a real server on 127.0.0.1: paging styles, streaming, auth with
secrets from the environment or files, retries and its own circuit breaker."""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import FakeTime, base_config
from integration_pipeline.config import ConfigError, load_config
from integration_pipeline.pipeline import Pipeline

SECRET = "s3cr3t-source-key-do-not-log"
RECORDS = [
    {"id": f"A{n}", "amount": n, "qty": 2, "state": "N", "customer": {"email": f"u{n}@x.io"}}
    for n in range(1, 8)
]


class PageServer:
    """Serves RECORDS three per page in the style asked for; ``faults`` are answered first
    as (status, headers, delay seconds)."""

    def __init__(self) -> None:
        self.faults: list[tuple[int, dict[str, str], float]] = []
        self.requests: list[tuple[str, dict[str, str]]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # the OAuth token endpoint
                length = int(self.headers.get("Content-Length", 0))
                self.rfile.read(length)
                owner.requests.append((self.path, dict(self.headers)))
                self._json(200, {"access_token": "tok-123", "token_type": "bearer"})

            def do_GET(self) -> None:
                owner.requests.append((self.path, dict(self.headers)))
                if owner.faults:
                    status, headers, delay = owner.faults.pop(0)
                    time.sleep(delay)
                    if status:
                        self._json(status, {"error": "injected"}, headers)
                        return
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/cursor":
                    start = int(query.get("cursor", "0"))
                    end = start + 3
                    more = end < len(RECORDS)
                    self._json(
                        200,
                        {"data": RECORDS[start:end], "meta": {"next": str(end) if more else ""}},
                    )
                elif url.path == "/links":
                    start = int(query.get("from", "0"))
                    end = start + 3
                    body: dict[str, Any] = {"items": RECORDS[start:end]}
                    if end < len(RECORDS):
                        body["links"] = {"next": f"/links?from={end}"}
                    self._json(200, body)
                elif url.path == "/header-links":
                    start = int(query.get("from", "0"))
                    end = start + 3
                    extra = {}
                    if end < len(RECORDS):
                        extra["Link"] = f'</header-links?from={end}>; rel="next"'
                    self._json(200, RECORDS[start:end], extra)
                elif url.path == "/pages":
                    page, size = int(query["page"]), int(query["per_page"])
                    self._json(200, {"results": RECORDS[(page - 1) * size : page * size]})
                else:
                    self._json(200, RECORDS)

            def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client gave up (a timeout test)
                    self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def gets(self) -> list[str]:
        return [path for path, headers in self.requests if not path.startswith("/token")]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def pages() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.close()


def _pipeline(tmp_path: Path, fake_time: FakeTime, source: dict[str, Any], **extra: Any) -> Any:
    config = base_config(source={"kind": "http", **source}, **extra)
    stream = io.StringIO()
    pipeline = Pipeline(
        config,
        base_dir=tmp_path,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        log_stream=stream,
    )
    return pipeline, stream


@pytest.mark.parametrize(
    "source",
    [
        {"url": "/cursor", "records_path": "data",
         "paging": {"style": "cursor", "cursor_path": "meta.next"}},
        {"url": "/links", "records_path": "items",
         "paging": {"style": "next_link", "next_path": "links.next"}},
        {"url": "/header-links", "paging": {"style": "next_link"}},
        {"url": "/pages", "records_path": "results",
         "paging": {"style": "page", "size_param": "per_page", "size": 3}},
        {"url": "/all"},
    ],
    ids=["cursor", "next-link-body", "next-link-header", "page", "single"],
)  # fmt: skip
def test_paging_styles_read_every_record_once(
    tmp_path: Path, fake_time: FakeTime, pages: PageServer, source: dict[str, Any]
) -> None:
    pipeline, _ = _pipeline(tmp_path, fake_time, {**source, "url": pages.base + source["url"]})
    try:
        summary = pipeline.run()
    finally:
        pipeline.close()
    assert (summary.read, summary.loaded) == (7, 7)
    expected_requests = 1 if source["url"] == "/all" else 3
    assert len(pages.gets()) == expected_requests


def test_pages_stream_one_at_a_time(tmp_path: Path, fake_time: FakeTime, pages: PageServer) -> None:
    """The next page is asked for only after the last record of this one; the backlog
    gauge shows what is left of the fetched page."""
    source = {"url": pages.base + "/cursor", "records_path": "data",
              "paging": {"style": "cursor", "cursor_path": "meta.next"}}  # fmt: skip
    pipeline, _ = _pipeline(tmp_path, fake_time, source)
    try:
        records = pipeline.records()
        next(records)
        assert len(pages.gets()) == 1
        assert pipeline.metrics.value("pipeline_queue_depth") == 3
        next(records), next(records)
        assert len(pages.gets()) == 1 and pipeline.metrics.value("pipeline_queue_depth") == 1
        next(records)
        assert len(pages.gets()) == 2 and pipeline.metrics.value("pipeline_queue_depth") == 3
        records.close()
        assert pipeline.metrics.value("pipeline_queue_depth") == 0
    finally:
        pipeline.close()


def test_api_key_from_a_file_and_never_logged(
    tmp_path: Path, fake_time: FakeTime, pages: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "api-key"
    key_file.write_text(SECRET + "\n", encoding="utf-8")
    monkeypatch.delenv("SOURCE_API_KEY", raising=False)
    monkeypatch.setenv("SOURCE_API_KEY_FILE", str(key_file))
    source = {"url": pages.base + "/all", "auth": "api_key", "api_key_header": "X-Api-Token"}
    pipeline, stream = _pipeline(tmp_path, fake_time, source)
    try:
        assert pipeline.run().loaded == 7
    finally:
        pipeline.close()
    _, headers = pages.requests[0]
    assert headers["X-Api-Token"] == SECRET
    assert headers["X-Correlation-ID"]
    logs = stream.getvalue()
    assert SECRET not in logs
    assert all("correlationId" in json.loads(line) for line in logs.splitlines())


def test_oauth_client_credentials_token_is_fetched_and_sent(
    tmp_path: Path, fake_time: FakeTime, pages: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_OAUTH_TOKEN_URL", pages.base + "/token")
    monkeypatch.setenv("SOURCE_OAUTH_CLIENT_ID", "client")
    monkeypatch.setenv("SOURCE_OAUTH_CLIENT_SECRET", SECRET)
    source = {"url": pages.base + "/all", "auth": "oauth2_client_credentials"}
    pipeline, stream = _pipeline(tmp_path, fake_time, source)
    try:
        assert pipeline.run().loaded == 7
    finally:
        pipeline.close()
    paths = [path for path, _ in pages.requests]
    assert paths == ["/token", "/all"]
    assert pages.requests[1][1]["Authorization"] == "Bearer tok-123"
    assert SECRET not in stream.getvalue() and "tok-123" not in stream.getvalue()


def test_missing_secret_fails_the_run_naming_the_variable(
    tmp_path: Path, fake_time: FakeTime, pages: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_API_KEY", raising=False)
    monkeypatch.delenv("SOURCE_API_KEY_FILE", raising=False)
    pipeline, _ = _pipeline(tmp_path, fake_time, {"url": pages.base + "/all", "auth": "api_key"})
    try:
        with pytest.raises(Exception, match="SOURCE_API_KEY"):
            pipeline.run()
    finally:
        pipeline.close()
    assert pages.requests == []  # nothing sent without the credential


def test_faults_are_retried_per_the_table(
    tmp_path: Path, fake_time: FakeTime, pages: PageServer
) -> None:
    """500, 429 with Retry-After and a timeout on the page requests: retried with the
    policy's delays (fake clock), and the run completes."""
    pages.faults = [(500, {}, 0), (429, {"Retry-After": "7"}, 0), (0, {}, 2.5)]
    source = {"url": pages.base + "/all", "timeout_seconds": 0.8}
    pipeline, stream = _pipeline(tmp_path, fake_time, source)
    try:
        assert pipeline.run().loaded == 7
    finally:
        pipeline.close()
    assert fake_time.sleeps == [1, 7, 4]  # 1st retry 1 s, Retry-After 7, 3rd retry 4 s
    retried = [json.loads(line) for line in stream.getvalue().splitlines()]
    classes = [line["error_class"] for line in retried if line["event"] == "retrying"]
    assert classes == ["server_error", "rate_limited", "timeout"]
    assert pipeline.metrics.value("pipeline_retries_total", error_class="timeout") == 1


def test_source_breaker_opens_on_its_own(
    tmp_path: Path, fake_time: FakeTime, pages: PageServer
) -> None:
    pages.faults = [(503, {}, 0)] * 10
    source = {"url": pages.base + "/all"}
    breaker = {"failure_threshold": 3, "half_open_after_seconds": 30}
    pipeline, _ = _pipeline(tmp_path, fake_time, source, circuit_breaker=breaker)
    try:
        with pytest.raises(Exception, match="circuit 'source' is open"):
            pipeline.run()
        assert len(pages.gets()) == 3
        assert pipeline.metrics.value("pipeline_circuit_breaker_state", name="source") == 1
        assert pipeline.metrics.value("pipeline_circuit_breaker_state", name="target") == 0
        pages.faults = []
        fake_time.now += 30
        assert pipeline.run().loaded == 7
        assert pipeline.metrics.value("pipeline_circuit_breaker_state", name="source") == 0
    finally:
        pipeline.close()


def test_http_source_config_errors_name_the_key(tmp_path: Path) -> None:
    file = tmp_path / "pipeline.yaml"
    base = (
        "integration: {name: T, slug: t}\n"
        "entity: {name: E, fields: [{name: id, type: string}]}\n"
        "idempotency: {key: [id]}\n"
    )
    file.write_text(base + "source: {kind: http}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pipeline\.yaml: source: .*url is required"):
        load_config(file)
    file.write_text(
        base + "source: {kind: http, url: 'https://x', paging: {style: sideways}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"source\.paging\.style"):
        load_config(file)
