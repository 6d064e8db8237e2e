"""``serve``: the schedule (injected clock), the webhook and /health, /metrics over real
HTTP on 127.0.0.1, and the file trigger."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import base_config
from integration_pipeline.config import ConfigError, load_config
from integration_pipeline.pipeline import Pipeline
from integration_pipeline.schedule import Scheduler, parse_schedule
from integration_pipeline.triggers import Service, TriggerError
from integration_pipeline.webhook import header_fields

SECRET = "hook-secret-never-logged"
UTC = dt.UTC


def _at(*parts: int) -> float:
    return dt.datetime(*parts, tzinfo=UTC).timestamp()  # type: ignore[misc]


# --- schedule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "after", "expected"),
    [
        ("0 1 * * *", _at(2024, 3, 1, 12, 0), _at(2024, 3, 2, 1, 0)),
        (["Airflow ", "`0 1 * * *` (UTC)"][1], _at(2024, 3, 1, 0, 30),
         _at(2024, 3, 1, 1, 0)),
        ("every 15 minutes", _at(2024, 3, 1, 12, 0), _at(2024, 3, 1, 12, 15)),
        ("15-minute", _at(2024, 3, 1, 12, 0), _at(2024, 3, 1, 12, 15)),
        ("nightly at 02:00", _at(2024, 3, 1, 12, 0), _at(2024, 3, 2, 2, 0)),
        ("daily at 6:30 UTC", _at(2024, 3, 1, 5, 0), _at(2024, 3, 1, 6, 30)),
        ("hourly", _at(2024, 3, 1, 12, 10), _at(2024, 3, 1, 13, 10)),
        ("cron `*/5 * * * *`", _at(2024, 3, 1, 12, 1), _at(2024, 3, 1, 12, 5)),
    ],
)  # fmt: skip
def test_schedules_read_from_design_words(text: str, after: float, expected: float) -> None:
    assert parse_schedule(text).next_after(after) == expected


def test_cron_in_a_time_zone() -> None:
    schedule = parse_schedule("0 6 * * *", "Europe/Oslo")  # 06:00 Oslo = 05:00 UTC in March
    assert schedule.next_after(_at(2024, 3, 1, 0, 0)) == _at(2024, 3, 1, 5, 0)


@pytest.mark.parametrize("text", ["whenever", "at 25:00", "0 1 * *", "99 99 * * *", ""])
def test_unreadable_schedule_is_a_config_error(tmp_path: Path, text: str) -> None:
    file = tmp_path / "pipeline.yaml"
    file.write_text(
        "integration: {name: T, slug: t}\n"
        "entity: {name: E, fields: [{name: id, type: string}]}\n"
        "idempotency: {key: [id]}\n"
        f"trigger: {{kind: schedule, schedule: {json.dumps(text)}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"pipeline\.yaml: trigger: .*schedule"):
        load_config(file)


class Clock:
    """A wall clock that only the scheduler's waits move; jobs can take time too."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.waits: list[float] = []

    def time(self) -> float:
        return self.now

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.now += seconds
        return False


def test_scheduler_runs_at_each_slot_and_skips_missed_ones() -> None:
    clock = Clock(_at(2024, 3, 1, 12, 7))
    ran: list[float] = []

    def job() -> None:
        ran.append(clock.now)
        if len(ran) == 2:
            clock.now += 40 * 60  # this run takes 40 minutes: two slots pass meanwhile

    skipped: list[int] = []
    scheduler = Scheduler(
        parse_schedule("*/15 * * * *"), job, clock=clock.time, wait=clock.wait,
        on_skip=skipped.append,
    )  # fmt: skip
    scheduler.run(max_runs=4)
    minutes = [dt.datetime.fromtimestamp(t, UTC).strftime("%H:%M") for t in ran]
    assert minutes == ["12:15", "12:30", "13:15", "13:30"]
    assert skipped == [2]


# --- serve ---------------------------------------------------------------------------------


def _record(n: int) -> dict[str, Any]:
    return {"id": f"W{n}", "amount": 5, "qty": 2, "state": "N", "customer": {"email": "a@b.c"}}


@pytest.fixture
def serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    made: list[tuple[Service, Pipeline]] = []

    def start(trigger: dict[str, Any], **extra: Any) -> tuple[Service, str, io.StringIO]:
        config = base_config(trigger={"port": 0, **trigger}, **extra)
        stream = io.StringIO()
        pipeline = Pipeline(config, base_dir=tmp_path, log_stream=stream, sleep=lambda s: None)
        service = Service(config, pipeline, **extra_service.pop("kw", {}))
        made.append((service, pipeline))
        service.start()
        return service, f"http://127.0.0.1:{service.server.port}", stream

    extra_service: dict[str, Any] = {}
    start.extra = extra_service  # type: ignore[attr-defined]
    yield start
    for service, pipeline in made:
        service.stop()
        pipeline.close()


def _rows(tmp_path: Path) -> dict[str, str]:
    db = sqlite3.connect(tmp_path / "var" / "target.sqlite")
    return dict(db.execute('SELECT order_id, "_correlation_id" FROM records').fetchall())


def test_webhook_accepts_records_and_carries_their_ids(serve: Any, tmp_path: Path) -> None:
    service, url, stream = serve({"kind": "webhook", "webhook": {"path": "/orders"}})
    one = httpx.post(url + "/orders", json=_record(1), headers={"X-Correlation-ID": "caller-1"})
    assert one.status_code == 202
    assert one.json() == {"accepted": 1, "correlationIds": ["caller-1"]}
    many = httpx.post(url + "/orders", json=[_record(2), _record(3)])
    assert many.status_code == 202 and many.json()["accepted"] == 2
    assert service.idle()
    rows = _rows(tmp_path)
    assert rows["W1"] == "caller-1"
    assert [rows["W2"], rows["W3"]] == many.json()["correlationIds"]
    metrics = httpx.get(url + "/metrics").text
    assert 'pipeline_records_processed_total{stage="load"} 3.0' in metrics
    assert 'pipeline_webhook_requests_total{status="202"} 2.0' in metrics
    assert "pipeline_queue_depth 0.0" in metrics
    health = httpx.get(url + "/health")
    assert health.status_code == 200
    assert health.json()["trigger"] == "webhook" and health.json()["breakers"]["target"] == "closed"
    logs = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {"caller-1", *many.json()["correlationIds"]} <= {
        line.get("correlationId") for line in logs
    }


def test_webhook_headers_named_in_the_mapping_fill_their_fields(serve: Any, tmp_path: Path) -> None:
    """A design maps ``X-Shop-Status (header)``: the request header fills it."""
    mappings = [
        *base_config().model_dump()["mappings"][:2],
        {"source": "X-Shop-Status (header)", "target": "status"},
    ]
    service, url, _ = serve({"kind": "webhook", "webhook": {"path": "/orders"}}, mappings=mappings)
    sent = httpx.post(
        url + "/orders", json=[_record(1), _record(2)], headers={"X-Shop-Status": "S"}
    )
    assert sent.status_code == 202
    body_wins = {**_record(3), "X-Shop-Status (header)": "from-body"}
    assert httpx.post(url + "/orders", json=body_wins, headers={"X-Shop-Status": "S"}).is_success
    assert httpx.post(url + "/orders", json=_record(4)).is_success  # no header: no value
    assert service.idle()
    with sqlite3.connect(tmp_path / "var" / "target.sqlite") as db:
        status = dict(db.execute("SELECT order_id, status FROM records").fetchall())
    assert status == {"W1": "S", "W2": "S", "W3": "from-body", "W4": None}


def test_header_sources_are_read_from_the_mapping_table() -> None:
    assert header_fields(
        ["X-Shopify-Topic (header)", "id", None, "x (HEADER) ", "a b (header)"]
    ) == [
        ("X-Shopify-Topic", "X-Shopify-Topic (header)"),
        ("x", "x (HEADER) "),
    ]


def test_webhook_refuses_bad_bodies(serve: Any) -> None:
    _, url, _ = serve({"kind": "webhook", "webhook": {"max_body_bytes": 200}})
    post = url + "/records"
    assert httpx.post(post, content=b"{not json").status_code == 400
    assert httpx.post(post, json=[1, 2]).status_code == 400
    assert httpx.post(post, json=[]).status_code == 400
    big = httpx.post(post, json={"id": "x" * 500})
    assert big.status_code == 413
    assert httpx.post(url + "/elsewhere", json={}).status_code == 404
    assert httpx.get(post).status_code == 405
    metrics = httpx.get(url + "/metrics").text
    assert 'pipeline_webhook_requests_total{status="400"} 3.0' in metrics
    assert 'pipeline_webhook_requests_total{status="413"} 1.0' in metrics


def test_webhook_signature(serve: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SHOP_HMAC_SECRET", SECRET)
    hook = {"signature_header": "X-Shop-Hmac-Sha256", "secret_env": "SHOP_HMAC_SECRET"}
    service, url, stream = serve({"kind": "webhook", "webhook": hook})
    body = json.dumps(_record(7)).encode()
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).digest()
    post = url + "/records"
    assert httpx.post(post, content=body).status_code == 401
    bad = {"X-Shop-Hmac-Sha256": base64.b64encode(b"x" * 32).decode()}
    assert httpx.post(post, content=body, headers=bad).status_code == 401
    for good in (base64.b64encode(digest).decode(), "sha256=" + digest.hex()):
        sent = httpx.post(post, content=body, headers={"X-Shop-Hmac-Sha256": good})
        assert sent.status_code == 202
    assert service.idle()
    assert "W7" in _rows(tmp_path)
    assert SECRET not in stream.getvalue()


def test_webhook_without_its_secret_does_not_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("WEBHOOK_SECRET_FILE", raising=False)
    config = base_config(
        trigger={"kind": "webhook", "port": 0, "webhook": {"signature_header": "X-Sig"}}
    )
    pipeline = Pipeline(config, base_dir=tmp_path, log_stream=io.StringIO())
    try:
        with pytest.raises(TriggerError, match="WEBHOOK_SECRET"):
            Service(config, pipeline)
    finally:
        pipeline.close()


def test_accepted_records_survive_a_restart(tmp_path: Path) -> None:
    """A 202 means the record is in the inbox: a new service picks up what the old one left."""
    from integration_pipeline.webhook import Inbox

    inbox = Inbox(tmp_path / "var" / "inbox.sqlite")
    inbox.put([("left-1", _record(9))])
    inbox.close()
    config = base_config(trigger={"kind": "webhook", "port": 0})
    pipeline = Pipeline(config, base_dir=tmp_path, log_stream=io.StringIO())
    service = Service(config, pipeline)
    assert pipeline.metrics.value("pipeline_queue_depth") == 1
    service.start()
    try:
        assert service.idle()
        assert _rows(tmp_path)["W9"] == "left-1"
        assert pipeline.metrics.value("pipeline_queue_depth") == 0
    finally:
        service.stop()
        pipeline.close()


def test_schedule_trigger_runs_the_source_each_slot(serve: Any, tmp_path: Path) -> None:
    """The schedule's waits are the test's: each tick lets exactly one slot come."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sample.jsonl").write_text(
        "\n".join(json.dumps(_record(n)) for n in range(3)) + "\n", encoding="utf-8"
    )
    ticks, stopping = threading.Semaphore(0), threading.Event()
    clock = Clock(_at(2024, 3, 1, 0, 30))

    def wait(seconds: float) -> bool:
        while not ticks.acquire(timeout=0.05):
            if stopping.is_set():
                return True
        clock.now += seconds
        return False

    serve.extra["kw"] = {"clock": clock.time, "wait": wait}
    service, url, _ = serve({"kind": "schedule", "schedule": "0 1 * * *"})
    stopping = service.scheduler.stop
    assert httpx.get(url + "/health").json()["runs"] == 0
    ticks.release()
    _wait_for(lambda: len(service.runs) == 1)
    assert service.idle()
    assert (service.runs[0].read, service.runs[0].loaded) == (3, 3)
    ticks.release()
    _wait_for(lambda: len(service.runs) == 2)
    assert service.idle()
    assert service.runs[1].skipped_duplicates == 3  # the same file again: nothing twice
    assert [dt.datetime.fromtimestamp(t, UTC).strftime("%d %H:%M") for t in service.scheduler.runs] == [
        "01 01:00", "02 01:00",
    ]  # fmt: skip
    metrics = httpx.get(url + "/metrics").text
    assert 'pipeline_records_processed_total{stage="extract"} 6.0' in metrics


def test_file_trigger_runs_at_start_and_when_the_file_changes(serve: Any, tmp_path: Path) -> None:
    data = tmp_path / "data" / "sample.jsonl"
    data.parent.mkdir()
    data.write_text(json.dumps(_record(1)) + "\n", encoding="utf-8")
    ticks, stopping = threading.Semaphore(0), threading.Event()
    clock = Clock(1000.0)
    waits = [0]  # how many waits began: the poll before each one has finished

    def wait(seconds: float) -> bool:
        waits[0] += 1
        while not ticks.acquire(timeout=0.05):
            if stopping.is_set():
                return True
        clock.now += seconds
        return False

    serve.extra["kw"] = {"clock": clock.time, "wait": wait}
    service, _, _ = serve({"kind": "file", "poll_seconds": 5})
    stopping = service.scheduler.stop
    _wait_for(lambda: len(service.runs) == 1 and waits[0] == 1)
    ticks.release()  # a poll with no change: no run
    _wait_for(lambda: waits[0] == 2)
    assert service.idle() and len(service.runs) == 1
    # a file still being written: each poll sees it changed again, so no run yet
    with data.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(_record(2)) + "\n")
        handle.flush()
        ticks.release()
        _wait_for(lambda: waits[0] == 3)
        handle.write(json.dumps(_record(3)) + "\n")
    ticks.release()
    _wait_for(lambda: waits[0] == 4)
    assert len(service.runs) == 1
    ticks.release()  # unchanged since the last poll: settled, so it runs
    _wait_for(lambda: len(service.runs) == 2)
    assert service.idle()
    assert (service.runs[1].loaded, service.runs[1].skipped_duplicates) == (2, 1)


def _wait_for(condition: Any, timeout: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)
