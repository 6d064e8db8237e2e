"""The run: trigger (file) -> extract -> transform -> validate -> load -> confirm.

Every record gets a correlation id (a random UUID) that appears in its logs, its DLQ entry
and its target row. Records stream through in chunks of ``batching.chunk_records``, so
memory does not grow with input. Loads run through the retry executor around the circuit breaker: each
attempt asks the breaker, so an open circuit stops the retries at once.

Targets that can write many records at once (SQLite, JSONL) get one all-or-none write per
chunk, and one ``loaded`` log line listing the chunk's correlation ids; when a chunk's
write fails for good its records are loaded one by one, so only the bad ones reach the
DLQ. Other targets (HTTP) get one call, and one log line, per record.

Exactly-once: the target write comes before the idempotency mark; a crash between the
two re-sends the record on restart, which the target's upsert on the entity key absorbs.
A SQLite target and the idempotency store commit once per batch
(``batching.commit_records`` records or ``batching.commit_seconds``, and at the end of a run), the target first: a crash loses at most
the uncommitted batch in both, which the restart then processes again. Other targets
cannot be rolled back, so their marks commit after every record.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from .breaker import CircuitBreaker
from .config import PipelineConfig
from .connectors import HttpTarget, JsonlTarget, SqliteTarget, read_source
from .correlation import new_id, new_ids
from .dlq import DeadLetterQueue
from .errors import PipelineError, classify
from .idempotency import IdempotencyStore
from .logs import make_logger
from .mapping import Mapper
from .metrics import Metrics
from .retry import RetryExecutor
from .sources import Backlog
from .stores import open_stores
from .validation import AlertAndQueue, Validator


@dataclass
class RunSummary:
    read: int = 0
    loaded: int = 0
    skipped_duplicates: int = 0
    dead_lettered: int = 0


@dataclass
class Attempt:
    """One try of a record (``Pipeline.attempt``): ``loaded``, ``duplicate`` or ``failed``."""

    outcome: str  # prepare(): "ready" or "failed"
    stage: str = ""
    error: PipelineError | None = None
    key: str | None = None
    canonical: dict[str, Any] | None = None


class Pipeline:
    """Holds the stores and connectors for a run; every clock and sleep is injectable."""

    def __init__(
        self,
        config: PipelineConfig,
        *,
        base_dir: str | Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
        metrics: Metrics | None = None,
        log_stream: IO[str] | None = None,
        target: SqliteTarget | JsonlTarget | HttpTarget | None = None,
    ) -> None:
        self.config = config
        self.base = Path(base_dir) if base_dir is not None else Path.cwd()
        self.metrics = metrics or Metrics()
        redact = [*config.logging.redact, *(f.name for f in config.entity.fields if f.sensitive)]
        self.log = make_logger(redact, log_stream, config.logging.level)
        self.mapper = Mapper(config)
        self.validator = Validator(config, warn=lambda m: self.log.warning(m, step="startup"))
        # config.state / target.kind select SQLite files or the shared PostgreSQL (stores.py)
        self.stores = open_stores(
            config, self.base, clock=wall_clock, on_depth=self.metrics.dlq_depth.set, target=target
        )
        self.dlq: DeadLetterQueue = self.stores.dlq
        self.idempotency: IdempotencyStore = self.stores.idempotency
        self.target = self.stores.target
        self.breaker = CircuitBreaker(
            config.circuit_breaker, name="target", clock=clock, on_state=self.metrics.set_breaker
        )
        self.executor = RetryExecutor(
            config.retry, sleep=sleep, clock=clock, rng=rng, on_retry=self._on_retry
        )
        self._current: dict[str, Any] = {}  # who a retry log line is about
        self._batched = isinstance(self.target, SqliteTarget) or getattr(
            self.target, "batched", False
        )
        if self._batched:
            self.target.autocommit = False  # type: ignore[union-attr]
        self._clock = clock
        # records per chunk and per transaction (config/pipeline.yaml, batching.*)
        self._chunk_records = config.batching.chunk_records
        self._commit_records = config.batching.commit_records
        self._commit_seconds = config.batching.commit_seconds
        self._pending = 0
        self._batch_started = 0.0
        # label children resolved once, not per record
        self._extracted = self.metrics.processed.labels(stage="extract")
        self._loaded = self.metrics.processed.labels(stage="load")
        self._transform_time = self.metrics.duration.labels(stage="transform")
        self._load_time = self.metrics.duration.labels(stage="load")
        self._source_name = f"{config.source.kind}:{config.source.path}"
        if config.source.kind == "http":
            self._source_name = f"http:{config.source.url}"
        self.backlog = Backlog(self.metrics.queue_depth)  # the gauge reads it when scraped
        self.source_breaker: CircuitBreaker | None = None  # opened with an http source
        self._extract_id = ""

    def _on_retry(self, error: PipelineError, attempt: int, delay: float) -> None:
        self.metrics.retries.labels(error_class=error.error_class).inc()
        self.log.warning(
            "retrying",
            **self._current,
            step="load",
            status="retry",
            error_class=error.error_class,
            attempt=attempt,
            delay_seconds=delay,
        )

    def commit(self) -> None:
        """Commit the open batch: target rows first, then their idempotency marks."""
        if self._batched:
            self.target.flush()  # type: ignore[union-attr]
        self.idempotency.flush()
        self._pending = 0

    def close(self) -> None:
        self.commit()
        self.target.close()
        self.dlq.close()
        self.idempotency.close()
        self.stores.close()

    def _fail(
        self,
        record: Mapping[str, Any],
        stage: str,
        error: PipelineError,
        cid: str,
        key: str | None,
        summary: RunSummary,
        replay_id: int | None,
    ) -> None:
        classification = "alert" if isinstance(error, AlertAndQueue) else error.classification
        self.metrics.failed.labels(stage=stage, error_class=error.error_class).inc()
        if replay_id is not None:
            self.dlq.requeue(
                replay_id,
                error_class=error.error_class,
                error_message=error.message,
                attempts=error.attempts,
            )
        else:
            self.dlq.add(
                dict(record),
                source=self._source_name,
                stage=stage,
                error_class=error.error_class,
                error_message=error.message,
                classification=classification,
                attempts=error.attempts,
                correlation_id=cid,
                idempotency_key=key,
            )
        summary.dead_lettered += 1
        level = self.log.error if classification == "alert" else self.log.warning
        level(
            "dead_lettered",
            correlationId=cid,
            step=stage,
            status="failed",
            error_class=error.error_class,
            error=error.message,
        )

    def process(
        self,
        record: Mapping[str, Any],
        summary: RunSummary,
        replay_id: int | None = None,
        correlation_id: str | None = None,
    ) -> None:
        # a caller's id (the webhook's X-Correlation-ID) is carried through, else a new one
        cid = correlation_id or new_id()
        summary.read += 1
        prepared = self.prepare(record, cid)
        if prepared.error is not None:
            self._fail(record, prepared.stage, prepared.error, cid, None, summary, replay_id)
            return
        key, canonical = prepared.key, prepared.canonical
        assert key is not None and canonical is not None
        try:
            seen = self.idempotency.seen(key)
        except Exception as exc:
            self._fail(record, "validate", classify(exc), cid, key, summary, replay_id)
            return
        if seen:
            summary.skipped_duplicates += 1
            self.metrics.duplicates.inc()
            self.log.info("duplicate", correlationId=cid, step="load", status="skipped")
            return
        self._load(record, canonical, cid, key, summary, replay_id)

    def _load(
        self,
        record: Mapping[str, Any],
        canonical: dict[str, Any],
        cid: str,
        key: str,
        summary: RunSummary,
        replay_id: int | None,
    ) -> None:
        """One record through retries and the breaker to the target, then its mark."""
        self._current = {"correlationId": cid}
        stage = "load"
        try:
            with self._load_time.time():
                self.executor.call(
                    lambda timeout: self.breaker.call(
                        lambda: self.target.write(canonical, cid, timeout)
                    )
                )
            if self.validator.after_load:  # post_receive rules check what was delivered
                stage = "confirm"
                self.validator.apply(canonical, "post_receive")
        except Exception as exc:
            self._fail(record, stage, classify(exc), cid, key, summary, replay_id)
            return
        self.idempotency.mark(key, commit=False)
        self._delivered(1, summary)
        self.log.info("loaded", correlationId=cid, step="confirm", status="ok")

    def process_all(self, records: Iterable[Mapping[str, Any]]) -> RunSummary:
        """Every record, in chunks when the target can write many at once (SQLite, JSONL).

        A chunk is transformed and validated record by record, checked against the
        idempotency store in one query, then loaded in one all-or-none write through the
        retry executor and the breaker (one call per chunk). When that write fails for
        good, the chunk's records are loaded one by one, so only the bad ones go to the
        DLQ. Targets that cannot batch (HTTP) get one call per record.
        """
        summary = RunSummary()
        batching = hasattr(self.target, "write_many")
        try:
            if not batching:
                for record in records:
                    self.backlog.add(1)
                    try:
                        self.process(record, summary)
                    finally:
                        self.backlog.add(-1)
                return summary
            stream = iter(records)
            while chunk := list(islice(stream, self._chunk_records)):
                self.process_chunk(chunk, summary)
        finally:
            self.commit()
        return summary

    def process_chunk(self, records: list[Mapping[str, Any]], summary: RunSummary) -> None:
        """Transform, validate, de-duplicate and load ``records`` (see :meth:`process_all`)."""
        self.backlog.add(len(records))
        try:
            self._process_chunk(records, summary)
        finally:
            self.backlog.add(-len(records))

    def _process_chunk(self, records: list[Mapping[str, Any]], summary: RunSummary) -> None:
        self._extracted.inc(len(records))
        summary.read += len(records)
        mapper, validator, idempotency = self.mapper, self.validator, self.idempotency
        clock = time.perf_counter
        ready: list[tuple[Mapping[str, Any], dict[str, Any], str, str]] = []
        started = clock()
        for record, cid in zip(records, new_ids(len(records)), strict=True):
            key: str | None = None
            stage = "transform"
            try:
                canonical = mapper.to_canonical(record)
                stage = "validate"
                canonical = validator.apply(canonical)
                key = idempotency.key_for(record, canonical)
            except Exception as exc:
                self._fail(record, stage, classify(exc), cid, key, summary, None)
                continue
            ready.append((record, canonical, cid, key))
        if records:
            self._transform_time.observe((clock() - started) / len(records))
        fresh = self._first_deliveries(ready, summary)
        if fresh:
            started = clock()
            self._current = {
                "correlationId": fresh[0][2],
                "lastCorrelationId": fresh[-1][2],
                "records": len(fresh),
            }
            try:
                rows = [(canonical, cid) for _, canonical, cid, _ in fresh]
                self.executor.call(
                    lambda timeout: self.breaker.call(
                        lambda: self.target.write_many(rows, timeout)  # type: ignore[union-attr]
                    )
                )
            except Exception:
                for record, canonical, cid, key in fresh:  # isolate the records that fail
                    self._load(record, canonical, cid, key, summary, None)
            else:
                self._load_time.observe((clock() - started) / len(fresh))
                if validator.after_load:
                    fresh = self._confirmed(fresh, summary)
                idempotency.mark_many([key for _, _, _, key in fresh])
                self._delivered(len(fresh), summary)
                self.log.info(
                    "loaded",
                    correlationId=self._extract_id or fresh[0][2],  # the run's, when it has one
                    correlationIds=[cid for _, _, cid, _ in fresh],
                    records=len(fresh),
                    step="confirm",
                    status="ok",
                )

    def _confirmed(
        self,
        loaded: list[tuple[Mapping[str, Any], dict[str, Any], str, str]],
        summary: RunSummary,
    ) -> list[tuple[Mapping[str, Any], dict[str, Any], str, str]]:
        """The loaded records that pass the ``post_receive`` rules; the others go to the
        DLQ at stage ``confirm`` (as :meth:`_load` does for one record)."""
        passed = []
        for record, canonical, cid, key in loaded:
            try:
                self.validator.apply(canonical, "post_receive")
            except Exception as exc:
                self._fail(record, "confirm", classify(exc), cid, key, summary, None)
                continue
            passed.append((record, canonical, cid, key))
        return passed

    def _first_deliveries(
        self,
        ready: list[tuple[Mapping[str, Any], dict[str, Any], str, str]],
        summary: RunSummary,
    ) -> list[tuple[Mapping[str, Any], dict[str, Any], str, str]]:
        """``ready`` without the records already delivered (before or earlier in the chunk)."""
        if not self.idempotency.enabled:
            return ready
        delivered = self.idempotency.seen_many([key for _, _, _, key in ready])
        fresh = []
        for item in ready:
            key = item[3]
            if key in delivered:
                summary.skipped_duplicates += 1
                self.metrics.duplicates.inc()
                self.log.info("duplicate", correlationId=item[2], step="load", status="skipped")
                continue
            delivered.add(key)
            fresh.append(item)
        return fresh

    def _delivered(self, count: int, summary: RunSummary) -> None:
        """Count ``count`` loaded records into the open batch; commit it when due."""
        summary.loaded += count
        self._loaded.inc(count)
        if not self._batched:
            self.idempotency.flush()
            return
        if self._pending == 0:
            self._batch_started = self._clock()
        self._pending += count
        if (
            self._pending >= self._commit_records
            or self._clock() - self._batch_started >= self._commit_seconds
        ):
            self.commit()

    def records(self, input_path: str | Path | None = None) -> Iterator[dict[str, Any]]:
        """The source's records, streamed: the input file, or the HTTP source's pages."""
        source = self.config.source
        if source.kind != "http" or input_path is not None:
            path = Path(input_path) if input_path is not None else self.base / source.path
            return read_source(source, path)  # process_all counts the backlog
        from .sources import HttpSource

        if self.source_breaker is None:
            self.source_breaker = CircuitBreaker(
                self.config.circuit_breaker,
                name="source",
                clock=self.executor.clock,
                on_state=self.metrics.set_breaker,
            )
        executor = RetryExecutor(
            self.config.retry,
            sleep=self.executor.sleep,
            clock=self.executor.clock,
            rng=self.executor.rng,
            on_retry=self._on_source_retry,
        )
        http = HttpSource(source, executor=executor, breaker=self.source_breaker)
        http.backlog = self.backlog
        # the page requests carry the run's id (X-Correlation-ID), and so do their logs
        http.run_id = self._extract_id = self._extract_id or http.run_id
        http.on_page = lambda url, n: self.log.info(
            "page fetched", correlationId=http.run_id, step="extract", status="ok", url=url,
            records=n,
        )  # fmt: skip
        return http.records()

    def _on_source_retry(self, error: PipelineError, attempt: int, delay: float) -> None:
        self.metrics.retries.labels(error_class=error.error_class).inc()
        self.log.warning(
            "retrying",
            correlationId=self._extract_id,
            step="extract",
            status="retry",
            error_class=error.error_class,
            attempt=attempt,
            delay_seconds=delay,
        )

    def run(self, input_path: str | Path | None = None) -> RunSummary:
        source = self.config.source
        where = source.url if source.kind == "http" and input_path is None else input_path
        if where is None:
            where = self.base / source.path
        # the run's own correlation id: its start and end logs, and the source's page requests
        run_id = self._extract_id = new_id()
        self.log.info(
            "run started", correlationId=run_id, step="trigger", status="started", input=str(where)
        )
        with _start_up_objects_frozen():
            summary = self.process_all(self.records(input_path))
        self.log.info(
            "run finished", correlationId=run_id, step="confirm", status="done", **summary.__dict__
        )
        return summary

    def replay(self, entry_ids: list[int] | None = None) -> RunSummary:
        """Re-process dead letters; those that fail again go back to queued."""
        summary = RunSummary()
        try:
            for entry in self.dlq.replay(entry_ids):
                self.process(entry.payload, summary, replay_id=entry.id)
                self.commit()  # the entry is already marked replayed: land its row now
        finally:
            self.commit()
        return summary

    def prepare(self, record: Mapping[str, Any], correlation_id: str) -> Attempt:
        """Transform and validate one record: ``ready`` (with its canonical form and
        idempotency key) or ``failed`` (classified, with its stage). Loads nothing."""
        self._current = {"correlationId": correlation_id}
        self._extracted.inc()
        stage = "transform"
        try:
            with self._transform_time.time():
                canonical = self.mapper.to_canonical(record)
            stage = "validate"
            canonical = self.validator.apply(canonical)
            key = self.idempotency.key_for(record, canonical)
        except Exception as exc:
            return Attempt("failed", stage, classify(exc))
        return Attempt("ready", stage, key=key, canonical=canonical)

    def prepare_many(self, records: list[tuple[Mapping[str, Any], str]]) -> list[Attempt]:
        """:meth:`prepare` for (record, correlation id) pairs, with one metrics update for
        all of them (a broker worker's batch message)."""
        self._extracted.inc(len(records))
        mapper, validator, idempotency = self.mapper, self.validator, self.idempotency
        clock = time.perf_counter
        started = clock()
        results = []
        for record, _cid in records:
            stage = "transform"
            try:
                canonical = mapper.to_canonical(record)
                stage = "validate"
                canonical = validator.apply(canonical)
                key = idempotency.key_for(record, canonical)
            except Exception as exc:
                results.append(Attempt("failed", stage, classify(exc)))
                continue
            results.append(Attempt("ready", stage, key=key, canonical=canonical))
        if records:
            self._transform_time.observe((clock() - started) / len(records))
        return results

    def attempt(
        self, record: Mapping[str, Any], correlation_id: str, *, timeout: float = 30.0
    ) -> Attempt:
        """One try of transform -> validate -> load, for a broker worker.

        No in-process retries and nothing dead-lettered here: a failure comes back
        classified, with its stage, and the caller routes it (retry queue or DLQ). A
        loaded record's idempotency mark joins the open batch; ``commit`` lands both.
        """
        prepared = self.prepare(record, correlation_id)
        if prepared.outcome == "failed":
            return prepared
        key, canonical = prepared.key, prepared.canonical
        assert key is not None and canonical is not None
        try:
            seen = self.idempotency.seen(key)
        except Exception as exc:
            return Attempt("failed", "validate", classify(exc), key)
        if seen:
            self.metrics.duplicates.inc()
            self.log.info("duplicate", correlationId=correlation_id, step="load", status="skipped")
            return Attempt("duplicate", key=key)
        stage = "load"
        try:
            with self._load_time.time():
                self.breaker.call(lambda: self.target.write(canonical, correlation_id, timeout))
            if self.validator.after_load:  # post_receive rules check what was delivered
                stage = "confirm"
                self.validator.apply(canonical, "post_receive")
        except Exception as exc:
            return Attempt("failed", stage, classify(exc), key)
        self.idempotency.mark(key, commit=False)
        self._loaded.inc()
        self.log.info("loaded", correlationId=correlation_id, step="confirm", status="ok")
        return Attempt("loaded", "load", key=key)


@contextmanager
def _start_up_objects_frozen() -> Iterator[None]:
    """Keep the cyclic garbage collector off what start-up made, for one run.

    A run makes a few containers per record, so the collector runs often, and each full
    collection walked the ~60,000 objects start-up left (modules, classes, configuration)
    again: about a tenth of a run's CPU. ``gc.freeze`` sets them aside until the run ends;
    what the run itself makes is collected as usual.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run(config: PipelineConfig, input_path: str | Path | None = None, **options: Any) -> RunSummary:
    """Run once over the input file (the configured source path by default)."""
    pipeline = Pipeline(config, **options)
    try:
        return pipeline.run(input_path)
    finally:
        pipeline.close()
