"""Chunked runs (SQLite and JSONL targets): one write per chunk, the same outcome as one
record at a time: bad records isolated, duplicates inside a chunk skipped, every
correlation id logged."""

from __future__ import annotations

import io
import json
import sqlite3
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conftest import FakeTime, base_config
from integration_pipeline.config import Batching
from integration_pipeline.connectors import JsonlTarget
from integration_pipeline.correlation import new_ids
from integration_pipeline.errors import PipelineError
from integration_pipeline.idempotency import IdempotencyStore
from integration_pipeline.pipeline import Pipeline

CHUNK_SIZE = Batching().chunk_records


def _records(count: int, **extra: Any) -> list[dict[str, Any]]:
    return [
        {"id": f"A{n}", "amount": 2, "qty": 3, "state": "N", "customer": {"email": "x@y.z"}} | extra
        for n in range(count)
    ]


def _pipeline(tmp_path: Path, **options: Any) -> tuple[Pipeline, io.StringIO]:
    stream = io.StringIO()
    options.setdefault("sleep", lambda seconds: None)
    pipeline = Pipeline(base_config(), base_dir=tmp_path, log_stream=stream, **options)
    return pipeline, stream


def _rows(tmp_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(tmp_path / "var" / "target.sqlite") as db:
        return db.execute(
            "SELECT order_id, total, status FROM records ORDER BY order_id"
        ).fetchall()


def test_chunks_load_everything_once_and_log_every_correlation_id(tmp_path: Path) -> None:
    count = CHUNK_SIZE * 2 + 7  # two full chunks and a partial one
    pipeline, stream = _pipeline(tmp_path)
    try:
        summary = pipeline.process_all(_records(count))
    finally:
        pipeline.close()
    assert (summary.read, summary.loaded, summary.dead_lettered) == (count, count, 0)
    assert len(_rows(tmp_path)) == count
    with sqlite3.connect(tmp_path / "var" / "target.sqlite") as db:
        stored = {cid for (cid,) in db.execute("SELECT _correlation_id FROM records")}
    logged = {
        cid
        for line in stream.getvalue().splitlines()
        for cid in json.loads(line).get("correlationIds", [])
    }
    assert len(stored) == count and stored == logged


def test_chunk_and_commit_sizes_come_from_the_batching_settings(tmp_path: Path) -> None:
    config = base_config(batching={"chunk_records": 3, "commit_records": 6, "commit_seconds": 3600})
    stream = io.StringIO()
    pipeline = Pipeline(config, base_dir=tmp_path, log_stream=stream)
    commits: list[int] = []
    flush = pipeline.target.flush

    def counted() -> None:
        commits.append(pipeline._pending)
        flush()

    pipeline.target.flush = counted  # type: ignore[method-assign]
    try:
        summary = pipeline.process_all(_records(14))
    finally:
        pipeline.close()
    assert summary.loaded == 14
    loaded = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["records"] for line in loaded if line["event"] == "loaded"] == [3, 3, 3, 3, 2]
    assert commits[:3] == [6, 6, 2]  # two full transactions, then the end of the run


def test_a_rerun_skips_every_record_and_a_chunk_skips_its_own_duplicates(tmp_path: Path) -> None:
    records = _records(10)
    pipeline, _ = _pipeline(tmp_path)
    try:
        first = pipeline.process_all([*records, records[3], records[7]])
        again = pipeline.process_all(records)
    finally:
        pipeline.close()
    assert (first.loaded, first.skipped_duplicates) == (10, 2)
    assert (again.loaded, again.skipped_duplicates) == (0, 10)
    assert len(_rows(tmp_path)) == 10


class _RefusesSome(JsonlTarget):
    """A real JSONL target that refuses the records whose id is in ``refused`` (as a
    remote system refuses a bad record) and can fail its first batch writes transiently."""

    def __init__(self, path: Path, refused: set[str], transient_batches: int = 0) -> None:
        super().__init__(path)
        self.refused = refused
        self.transient_batches = transient_batches
        self.batch_calls = 0

    def write(self, record: Mapping[str, Any], correlation_id: str, timeout: float) -> None:
        if record["order_id"] in self.refused:
            raise PipelineError("permanent", f"refused {record['order_id']}")
        super().write(record, correlation_id, timeout)

    def write_many(self, records: list[tuple[Mapping[str, Any], str]], timeout: float) -> None:
        self.batch_calls += 1
        if self.transient_batches:
            self.transient_batches -= 1
            raise PipelineError("server_error", "try again")
        for record, _ in records:
            if record["order_id"] in self.refused:
                raise PipelineError("permanent", f"refused {record['order_id']}")
        super().write_many(records, timeout)


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_refused_record_goes_alone_to_the_dlq(tmp_path: Path) -> None:
    target = _RefusesSome(tmp_path / "out.jsonl", refused={"A4"})
    pipeline, _ = _pipeline(tmp_path, target=target)
    try:
        summary = pipeline.process_all(_records(10))
        entries = pipeline.dlq.list(None)
    finally:
        pipeline.close()
    assert (summary.loaded, summary.dead_lettered) == (9, 1)
    assert sorted(line["order_id"] for line in _lines(tmp_path / "out.jsonl")) == sorted(
        f"A{n}" for n in range(10) if n != 4
    )
    assert [entry.payload["id"] for entry in entries] == ["A4"]
    assert entries[0].stage == "load" and entries[0].error_class == "permanent"


def test_a_transient_batch_failure_is_retried_per_the_policy(tmp_path: Path) -> None:
    fake = FakeTime()
    target = _RefusesSome(tmp_path / "out.jsonl", refused=set(), transient_batches=2)
    pipeline, stream = _pipeline(tmp_path, target=target, sleep=fake.sleep, clock=fake.clock)
    try:
        summary = pipeline.process_all(_records(5))
    finally:
        pipeline.close()
    assert summary.loaded == 5 and target.batch_calls == 3
    assert fake.sleeps == [1, 2]  # the policy's first two delays
    assert len(_lines(tmp_path / "out.jsonl")) == 5
    retries = [json.loads(line) for line in stream.getvalue().splitlines() if "retrying" in line]
    assert len(retries) == 2 and all(r["records"] == 5 for r in retries)


def test_idempotency_checks_and_marks_many_within_the_window(tmp_path: Path) -> None:
    fake = FakeTime()
    config = base_config().idempotency.model_copy(update={"dedup_window_seconds": 60})
    store = IdempotencyStore(config, tmp_path / "s.sqlite", clock=fake.clock)
    keys = [store.key_for({"order_id": f"A{n}"}) for n in range(1200)]  # > one query's worth
    store.mark_many(keys[:700])
    store.flush()
    assert store.seen_many(keys) == set(keys[:700])
    fake.now += 61
    assert store.seen_many(keys) == set()
    store.close()


def test_correlation_ids_are_version_4_uuids() -> None:
    ids = new_ids(1000)
    assert len(set(ids)) == 1000
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122


def test_many_valued_fields_are_stored_as_json_lists(tmp_path: Path) -> None:
    config = base_config()
    entity = config.entity.model_copy(
        update={
            "fields": [
                *config.entity.fields,
                config.entity.fields[2].model_copy(update={"name": "skus", "many": True}),
            ]
        }
    )
    mappings = [
        *config.mappings,
        config.mappings[0].model_copy(update={"source": "lines[].sku", "target": "skus"}),
    ]
    config = config.model_copy(update={"entity": entity, "mappings": mappings})
    stream = io.StringIO()
    pipeline = Pipeline(config, base_dir=tmp_path, log_stream=stream)
    records = _records(3, lines=[{"sku": "S1"}, {"sku": "S2"}])
    try:
        summary = pipeline.process_all(records)
    finally:
        pipeline.close()
    assert summary.loaded == 3
    with sqlite3.connect(tmp_path / "var" / "target.sqlite") as db:
        stored = [json.loads(text) for (text,) in db.execute("SELECT skus FROM records")]
    assert stored == [["S1", "S2"]] * 3
    loaded = [
        line
        for line in map(json.loads, stream.getvalue().splitlines())
        if line["event"] == "loaded"
    ]
    assert [line["records"] for line in loaded] == [3]  # one chunk write, no record-by-record retry


def test_idempotency_keys_encode_values_exactly_as_json() -> None:
    """Keys of plain strings take a shorter road to the same text as any other value."""
    import hashlib

    from integration_pipeline.idempotency import build_key

    for record in (
        {"a": "A1", "b": "x"},
        {"a": 'quo"te\\ \u00e9\u4e2d\n', "b": ""},
        {"a": 1, "b": None},
        {"a": {"z": 1, "y": [2]}, "b": "s"},
    ):
        text = json.dumps(
            [record["a"], record["b"]], sort_keys=True, default=str, separators=(",", ":")
        )
        digest = "~" + hashlib.sha256(text.encode()).hexdigest()[:32]
        assert build_key(["a", "b"], record) == digest
        assert build_key(["a", "b"], record, plain=True) == digest  # two fields: a digest


def test_a_lone_natural_key_is_its_own_idempotency_key() -> None:
    """One plain, short string field is kept as it is (ordered like the source, so the
    store appends); long, sensitive-looking (``plain=False``), ``~``-led or non-string
    values become ``~`` and a digest, so the two forms never meet."""
    from integration_pipeline.idempotency import build_key, plain_keys

    assert build_key(["order_id"], {"order_id": "A-0001"}, plain=True) == "A-0001"
    assert build_key(["order_id"], {"order_id": "A-0001"}).startswith("~")
    for value in ("x" * 65, "~A", "", 7, None, {"a": 1}):
        key = build_key(["order_id"], {"order_id": value}, plain=True)
        assert key.startswith("~") and len(key) == 33, value
    config = base_config()
    assert config.idempotency.key == ["order_id"]
    assert plain_keys(config.idempotency, config.entity)
    assert not plain_keys(config.idempotency, None)
    secret = config.entity.model_copy(
        update={
            "fields": [
                f.model_copy(update={"sensitive": True}) if f.name in config.idempotency.key else f
                for f in config.entity.fields
            ]
        }
    )
    assert not plain_keys(config.idempotency, secret)
