"""End to end against a real HTTP server on 127.0.0.1 that injects faults.

Time is fake (retry sleeps advance a shared clock), so nothing waits for real.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, FakeTime, base_config
from integration_pipeline.config import load_config
from integration_pipeline.pipeline import Pipeline


class FaultServer:
    """Answers POSTs from a script of (status, headers); 200 when the script is empty."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, str]]] = []
        self.received: list[tuple[dict[str, Any], dict[str, str]]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, headers = owner.script.pop(0) if owner.script else (200, {})
                if status == 200:
                    owner.received.append((json.loads(body), dict(self.headers)))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/records"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server() -> Iterator[FaultServer]:
    fault = FaultServer()
    yield fault
    fault.close()


def _pipeline(tmp_path: Path, server: FaultServer, fake_time: FakeTime, **cb: Any) -> Pipeline:
    breaker = {"failure_threshold": 3, "half_open_after_seconds": 30, **cb}
    config = base_config(target={"kind": "http", "url": server.url}, circuit_breaker=breaker)
    return Pipeline(
        config,
        base_dir=tmp_path,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        log_stream=io.StringIO(),
    )


def _record(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"A{n}",
        "amount": 10,
        "qty": 2,
        "state": "N",
        "customer": {"email": f"u{n}@example.com"},
        **extra,
    }


def test_500s_then_success_follow_the_policy(
    tmp_path: Path, server: FaultServer, fake_time: FakeTime
) -> None:
    server.script = [(500, {}), (500, {})]
    pipeline = _pipeline(tmp_path, server, fake_time)
    summary = pipeline.process_all([_record(1)])
    assert summary.loaded == 1 and fake_time.sleeps == [1, 2]
    body, headers = server.received[0]
    assert body == {"order_id": "A1", "total": 20.0, "status": "new", "email": "u1@example.com"}
    assert headers["X-Correlation-ID"]
    assert pipeline.metrics.value("pipeline_retries_total", error_class="server_error") == 2


def test_429_retry_after_is_honoured(
    tmp_path: Path, server: FaultServer, fake_time: FakeTime
) -> None:
    server.script = [(429, {"Retry-After": "9"})]
    pipeline = _pipeline(tmp_path, server, fake_time)
    assert pipeline.process_all([_record(1)]).loaded == 1
    assert fake_time.sleeps == [9]


def test_burst_opens_breaker_and_it_recovers(
    tmp_path: Path, server: FaultServer, fake_time: FakeTime
) -> None:
    server.script = [(500, {})] * 3
    pipeline = _pipeline(tmp_path, server, fake_time, close_after_successes=1)
    summary = pipeline.process_all([_record(1), _record(2)])
    # record 1: three 500s open the circuit, the 4th try is refused (no call made);
    # record 2 fails fast without any retry
    assert summary.dead_lettered == 2 and fake_time.sleeps == [1, 2, 4]
    assert pipeline.breaker.state == "open"
    assert pipeline.metrics.value("pipeline_circuit_breaker_state", name="target") == 1
    fake_time.now += 30
    assert pipeline.process_all([_record(3)]).loaded == 1
    assert pipeline.breaker.state == "closed"
    assert pipeline.metrics.value("pipeline_circuit_breaker_state", name="target") == 0
    replay = pipeline.replay()
    assert replay.loaded == 2 and pipeline.dlq.depth() == 0
    assert [e.replay_count for e in pipeline.dlq.list("replayed")] == [1, 1]


def test_poison_records_land_in_dlq_with_envelope(
    tmp_path: Path, server: FaultServer, fake_time: FakeTime
) -> None:
    server.script = [(200, {}), (422, {})]
    stream = io.StringIO()
    pipeline = _pipeline(tmp_path, server, fake_time)
    pipeline.log = __import__("integration_pipeline.logs").logs.make_logger(["email"], stream)
    records = [_record(1), {"amount": 1, "qty": 1}, _record(2), _record(1)]
    summary = pipeline.process_all(records)
    assert (summary.read, summary.loaded, summary.dead_lettered, summary.skipped_duplicates) == (
        4,
        1,
        2,
        1,
    )
    missing, rejected = pipeline.dlq.list()
    assert missing.payload == {"amount": 1, "qty": 1} and missing.stage == "transform"
    assert missing.error_class == "validation" and "order_id" in missing.error_message
    assert rejected.stage == "load" and rejected.error_class == "validation"
    assert rejected.attempts == 1 and rejected.idempotency_key
    for entry in (missing, rejected):
        assert entry.correlation_id and entry.status == "queued" and entry.replay_count == 0
        assert entry.source.startswith("jsonl:") and entry.classification == "permanent"
        assert entry.first_failure_at <= entry.last_failure_at
    logs = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {entry.correlation_id for entry in (missing, rejected)} <= {
        line.get("correlationId") for line in logs
    }
    assert "example.com" not in stream.getvalue()
    assert pipeline.metrics.value("pipeline_dlq_depth") == 2


def test_bundled_sample_runs(tmp_path: Path) -> None:
    """The project's own config and sample data run end to end (sqlite/jsonl target)."""
    config_file, sample = ROOT / "config" / "pipeline.yaml", ROOT / "data" / "sample.jsonl"
    if not (config_file.exists() and sample.exists()):
        pytest.skip("no config/pipeline.yaml and data/sample.jsonl in this project")
    config = load_config(config_file)
    if config.target.kind == "http":
        config = config.model_copy(
            update={
                "target": config.target.model_copy(
                    update={"kind": "jsonl", "path": "var/out.jsonl"}
                )
            }
        )
    pipeline = Pipeline(config, base_dir=tmp_path, log_stream=io.StringIO(), sleep=lambda s: None)
    try:
        summary = pipeline.run(sample)
    finally:
        pipeline.close()
    assert summary.read > 0
    assert summary.loaded + summary.dead_lettered + summary.skipped_duplicates == summary.read
