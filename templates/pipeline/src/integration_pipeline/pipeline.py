"""The run: trigger (file) -> extract -> transform -> validate -> load -> confirm.

Every record gets a correlation id (uuid4) that appears in its logs, its DLQ entry and its
target row. Records stream through one at a time, so memory does not grow with input.
Loads run through the retry executor around the circuit breaker: each attempt asks the
breaker, so an open circuit stops the retries at once.

Exactly-once: the target write comes before the idempotency mark; a crash between the
two re-sends the record on restart, which the target's upsert on the entity key absorbs.
A SQLite target and the idempotency store commit once per batch (``COMMIT_EVERY`` records
or ``COMMIT_SECONDS``, and at the end of a run), the target first: a crash loses at most
the uncommitted batch in both, which the restart then processes again. Other targets
cannot be rolled back, so their marks commit after every record.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .breaker import CircuitBreaker
from .config import PipelineConfig
from .connectors import HttpTarget, JsonlTarget, SqliteTarget, read_source
from .dlq import DeadLetterQueue
from .errors import PipelineError, classify
from .idempotency import IdempotencyStore
from .logs import make_logger
from .mapping import Mapper
from .metrics import Metrics
from .retry import RetryExecutor
from .stores import open_stores
from .validation import AlertAndQueue, Validator

COMMIT_EVERY = 500
"""Records per transaction on a SQLite target (and for the idempotency marks)."""
COMMIT_SECONDS = 1.0
"""An open batch older than this commits at the next record, so a slow source still lands."""


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
        self._current: str = ""
        self._batched = isinstance(self.target, SqliteTarget) or getattr(
            self.target, "batched", False
        )
        if self._batched:
            self.target.autocommit = False  # type: ignore[union-attr]
        self._clock = clock
        self._pending = 0
        self._batch_started = 0.0
        # label children resolved once, not per record
        self._extracted = self.metrics.processed.labels(stage="extract")
        self._loaded = self.metrics.processed.labels(stage="load")
        self._transform_time = self.metrics.duration.labels(stage="transform")
        self._load_time = self.metrics.duration.labels(stage="load")
        self._source_name = f"{config.source.kind}:{config.source.path}"

    def _on_retry(self, error: PipelineError, attempt: int, delay: float) -> None:
        self.metrics.retries.labels(error_class=error.error_class).inc()
        self.log.warning(
            "retrying",
            correlationId=self._current,
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
        self, record: Mapping[str, Any], summary: RunSummary, replay_id: int | None = None
    ) -> None:
        cid = str(uuid.uuid4())
        self._current = cid
        summary.read += 1
        self._extracted.inc()
        key: str | None = None
        stage = "transform"
        try:
            with self._transform_time.time():
                canonical = self.mapper.to_canonical(record)
            stage = "validate"
            canonical = self.validator.apply(canonical)
            key = self.idempotency.key_for({**record, **canonical})
            if self.idempotency.seen(key):
                summary.skipped_duplicates += 1
                self.metrics.duplicates.inc()
                self.log.info("duplicate", correlationId=cid, step="load", status="skipped")
                return
            stage = "load"
            with self._load_time.time():
                self.executor.call(
                    lambda timeout: self.breaker.call(
                        lambda: self.target.write(canonical, cid, timeout)
                    )
                )
        except Exception as exc:
            self._fail(record, stage, classify(exc), cid, key, summary, replay_id)
            return
        if self._batched:
            self.idempotency.mark(key, commit=False)
            self._pending += 1
            if self._pending == 1:
                self._batch_started = self._clock()
            elif (
                self._pending >= COMMIT_EVERY
                or self._clock() - self._batch_started >= COMMIT_SECONDS
            ):
                self.commit()
        else:
            self.idempotency.mark(key)
        summary.loaded += 1
        self._loaded.inc()
        self.log.info("loaded", correlationId=cid, step="confirm", status="ok")

    def process_all(self, records: Iterable[Mapping[str, Any]]) -> RunSummary:
        summary = RunSummary()
        try:
            for record in records:
                self.metrics.queue_depth.set(1)
                self.process(record, summary)
                self.metrics.queue_depth.set(0)
        finally:
            self.commit()
        return summary

    def run(self, input_path: str | Path | None = None) -> RunSummary:
        path = Path(input_path) if input_path is not None else self.base / self.config.source.path
        self.log.info("run started", step="trigger", status="started", input=str(path))
        summary = self.process_all(read_source(self.config.source, path))
        self.log.info("run finished", step="confirm", status="done", **summary.__dict__)
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
        self._current = correlation_id
        self._extracted.inc()
        stage = "transform"
        try:
            with self._transform_time.time():
                canonical = self.mapper.to_canonical(record)
            stage = "validate"
            canonical = self.validator.apply(canonical)
            key = self.idempotency.key_for({**record, **canonical})
        except Exception as exc:
            return Attempt("failed", stage, classify(exc))
        return Attempt("ready", stage, key=key, canonical=canonical)

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
        try:
            with self._load_time.time():
                self.breaker.call(lambda: self.target.write(canonical, correlation_id, timeout))
        except Exception as exc:
            return Attempt("failed", "load", classify(exc), key)
        self.idempotency.mark(key, commit=False)
        self._loaded.inc()
        self.log.info("loaded", correlationId=correlation_id, step="confirm", status="ok")
        return Attempt("loaded", "load", key=key)


def run(config: PipelineConfig, input_path: str | Path | None = None, **options: Any) -> RunSummary:
    """Run once over the input file (the configured source path by default)."""
    pipeline = Pipeline(config, **options)
    try:
        return pipeline.run(input_path)
    finally:
        pipeline.close()
