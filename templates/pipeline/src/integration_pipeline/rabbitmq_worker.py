"""The broker-mode worker (``worker``): consumes the work queue as one of many competing
consumers, loads each batch of deliveries in one transaction and acknowledges it after
the commit (see transport_rabbitmq.py for the guarantees)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pika
import psycopg
from pika.adapters.blocking_connection import BlockingChannel
from pika.spec import Basic, BasicProperties

from .config import PipelineConfig
from .errors import PipelineError, classify
from .messages import decode_batch
from .outage import BrokerUnavailable, Outage
from .rabbitmq_failures import Delivery, FailureRouter, WorkerSummary
from .rabbitmq_routing import attempt_timeout
from .rabbitmq_topology import (
    BROKER_ERRORS,
    H_ATTEMPTS,
    H_ERROR_CLASS,
    H_FIRST_ATTEMPT,
    broker_url,
    connect,
    declare_topology,
    describe,
    designed_delays_ms,
    queue_depths,
    queue_names,
)
from .state_postgres import StateLost, safe_url, scrub

DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    StateLost,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
"""A database connection lost mid-call (a psycopg error that escaped its store's wrapper
counts too: the open batch is rolled back and redelivered either way)."""

RECOVERABLE: tuple[type[BaseException], ...] = (*BROKER_ERRORS, BrokerUnavailable, *DATABASE_ERRORS)
"""A worker reconnects (with backoff) after these; its unacknowledged deliveries return."""


@dataclass(frozen=True)
class _Message:
    """What the records of one delivery share (a batch message carries many). A record's
    own Delivery is made only when it fails and is routed on: most never need one."""

    tag: int
    properties: BasicProperties
    body: bytes | None  # None: a batch message (a failing record is encoded alone)
    headers: dict[str, Any]
    tries_before: int
    first_attempt: float
    wall: float

    def delivery(self, record: dict[str, Any], correlation_id: str) -> Delivery:
        return Delivery(
            self.tag,
            self.properties,
            self.body,
            self.headers,
            record,
            correlation_id,
            self.tries_before,
            self.first_attempt,
            self.wall,
        )


_Load = tuple[_Message, dict[str, Any], str, Any]
"""A prepared record waiting for the batch's load: (message, record, correlation id,
pipeline.Attempt)."""


@dataclass
class _Batch:
    tags: list[int] = field(default_factory=list)
    records: int = 0  # records of the deliveries in ``tags`` (a message may carry many)
    started: float = 0.0
    loads: list[_Load] = field(default_factory=list)  # bulk mode


class Worker:
    """Consumes the work queue until stopped (SIGTERM/SIGINT) or idle for ``exit_when_idle``."""

    def __init__(
        self,
        pipeline: Any,
        *,
        heartbeat_file: Path | None = None,
        exit_when_idle: float | None = None,
        rng: Callable[[], float] = random.random,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.pipeline = pipeline
        self.config: PipelineConfig = pipeline.config
        self.log = pipeline.log
        self.metrics = pipeline.metrics
        self.url = broker_url(self.config)
        self.names = queue_names(self.config)
        self.heartbeat_file = heartbeat_file
        self.exit_when_idle = exit_when_idle
        self.rng = rng
        self.now = wall_clock
        self.summary = WorkerSummary()
        self.stopping = False
        self._batch = _Batch()
        self._channel: BlockingChannel | None = None
        self._last_beat = 0.0
        self._last_depth = 0.0
        self.failures = FailureRouter(
            pipeline, self.names, self.summary, rng=rng, wall_clock=wall_clock
        )
        self._routed = False
        self._bulk = _bulk_capable(pipeline)

    # lifecycle

    def install_signal_handlers(self) -> None:
        def stop(_signum: int, _frame: Any) -> None:
            self.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

    def run(self) -> WorkerSummary:
        """Consume until stopped. Every loss (broker or database, at connect, declare,
        consume, load, DLQ publish or commit) lands in one place: the open batch is rolled
        back and left unacknowledged, and the worker reconnects with backoff until
        ``rabbitmq.worker_give_up_seconds`` pass without a working connection; then
        ``BrokerUnavailable``/``StateLost`` leave ``run`` (the CLI's one line, exit 1)."""
        rabbitmq = self.config.rabbitmq
        outage = Outage(
            rabbitmq.reconnect_initial_seconds,
            rabbitmq.reconnect_max_seconds,
            rabbitmq.worker_give_up_seconds,
            rng=self.rng,
        )
        self.log.info(
            "worker started",
            step="extract",
            status="started",
            broker=safe_url(self.url),
            queue=self.names.work,
            prefetch=rabbitmq.prefetch,
        )
        while not self.stopping:
            connection: pika.BlockingConnection | None = None
            try:
                self._ensure_state()
                connection = connect(self.config, self.url)
                channel = connection.channel()
                channel.confirm_delivery()
                channel.basic_qos(prefetch_count=rabbitmq.prefetch)
                declare_topology(channel, self.config)
                self.failures.declared_retry = set(designed_delays_ms(self.config))
                self._channel = channel
                outage.recovered()
                if self._consume(connection, channel):
                    break
            except RECOVERABLE as error:
                self._abandon_batch()
                text = scrub(describe(error), self.url)
                state = self.pipeline.stores.postgres
                if state is not None:
                    text = scrub(text, state.url)
                database = isinstance(error, DATABASE_ERRORS)
                delay = outage.lost(text, database=database)  # raises when it is time to stop
                self.summary.reconnects += 1
                self.log.warning(
                    "connection lost",
                    step="extract",
                    status="reconnecting",
                    error=text,
                    retry_in_seconds=round(delay, 3),
                )
                self._sleep(delay)
            finally:
                self._channel = None
                if connection is not None and connection.is_open:
                    with contextlib.suppress(*BROKER_ERRORS):
                        connection.close()
        self.log.info("worker stopped", step="confirm", status="done", **self.summary.__dict__)
        return self.summary

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            self._beat()
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))

    def _ensure_state(self) -> None:
        state = self.pipeline.stores.postgres
        if state is not None and state.broken:
            state.reconnect()

    def _beat(self) -> None:
        now = time.monotonic()
        if self.heartbeat_file is not None and now - self._last_beat >= 1.0:
            self._last_beat = now
            with contextlib.suppress(OSError):
                self.heartbeat_file.parent.mkdir(parents=True, exist_ok=True)
                self.heartbeat_file.write_text(f"{self.now():.3f} {os.getpid()}\n", "utf-8")

    def _refresh_depths(
        self, connection: pika.BlockingConnection, force: bool = False
    ) -> dict[str, int] | None:
        now = time.monotonic()
        if not force and now - self._last_depth < 5.0:
            return None
        self._last_depth = now
        side = connection.channel()
        try:
            depths = queue_depths(side, self.config)
        finally:
            with contextlib.suppress(*BROKER_ERRORS):
                side.close()
        self.metrics.queue_depth.set(depths["work"] + depths["retry"])
        self.metrics.dlq_depth.set(depths["dlq"])
        return depths

    def _consume(self, connection: pika.BlockingConnection, channel: BlockingChannel) -> bool:
        """Consume until stopped (True) or idle long enough (True); raises when lost."""
        idle_since = time.monotonic()
        self._refresh_depths(connection, force=True)
        batch_size = self.config.rabbitmq.batch
        commit_records = self.config.batching.commit_records
        commit_seconds = self.config.rabbitmq.commit_seconds
        for method, properties, body in channel.consume(self.names.work, inactivity_timeout=0.2):
            self._beat()
            now = time.monotonic()
            if method is None:
                self._flush()
                self._refresh_depths(connection)
                if self.stopping:
                    break
                if self.exit_when_idle is not None and now - idle_since >= self.exit_when_idle:
                    depths = self._refresh_depths(connection, force=True) or {}
                    if depths.get("work", 1) == 0 and depths.get("retry", 1) == 0:
                        self.stopping = True
                        break
                    idle_since = now
                continue
            idle_since = now
            self._handle(channel, method, properties, body)
            if (
                self._routed
                or len(self._batch.tags) >= batch_size
                or self._batch.records >= commit_records
                or (self._batch.tags and now - self._batch.started >= commit_seconds)
            ):
                self._flush()
            if self.stopping:
                break
        self._flush()
        channel.cancel()  # prefetched, unprocessed deliveries go back to the queue
        return True

    # one delivery

    def _handle(
        self,
        channel: BlockingChannel,
        method: Basic.Deliver,
        properties: BasicProperties,
        body: bytes,
    ) -> None:
        members = decode_batch(properties, body)
        if members is not None:
            self._handle_batch(channel, method, properties, members)
            return
        self.summary.received += 1
        self._batch.records += 1
        headers: dict[str, Any] = dict(properties.headers or {})
        try:
            record = json.loads(body)
        except ValueError:
            record = {"_raw": body.decode("utf-8", "replace")}
        if not isinstance(record, dict):
            record = {"_raw": record}
        wall = self.now()
        message = _Message(
            tag=method.delivery_tag,
            properties=properties,
            body=body,
            headers=headers,
            tries_before=int(headers.get(H_ATTEMPTS, 0) or 0),
            first_attempt=float(headers.get(H_FIRST_ATTEMPT, wall) or wall),
            wall=wall,
        )
        cid = properties.correlation_id or properties.message_id or str(uuid.uuid4())
        delivery = message.delivery(record, cid)
        if not self._batch.tags:
            self._batch.started = time.monotonic()
        if self._bulk:  # transform/validate now; dedup and load the batch in one go
            result = self.pipeline.prepare(record, cid)
            self._batch.tags.append(method.delivery_tag)
            if result.outcome == "ready":
                self._batch.loads.append((message, record, cid, result))
            else:
                self._route(channel, delivery, result)
            return
        timeout = attempt_timeout(
            self.config, headers.get(H_ERROR_CLASS), wall - delivery.first_attempt
        )
        result = self.pipeline.attempt(record, delivery.correlation_id, timeout=timeout)
        self._check_state()
        self._batch.tags.append(method.delivery_tag)
        if result.outcome == "loaded":
            self.summary.loaded += 1
        elif result.outcome == "duplicate":
            self.summary.skipped_duplicates += 1
        else:
            self._route(channel, delivery, result)

    def _handle_batch(
        self,
        channel: BlockingChannel,
        method: Basic.Deliver,
        properties: BasicProperties,
        members: list[tuple[str, Any]],
    ) -> None:
        """A message of many records: each is a delivery of its own sharing the message's
        tag (acknowledged with the batch once every record is loaded or routed)."""
        self.summary.received += len(members)
        if not self._batch.tags:
            self._batch.started = time.monotonic()
        self._batch.tags.append(method.delivery_tag)
        self._batch.records += len(members)
        headers: dict[str, Any] = dict(properties.headers or {})
        headers.pop("x-records", None)
        wall = self.now()
        message = _Message(method.delivery_tag, properties, None, headers, 0, wall, wall)
        pairs = [(r if isinstance(r, dict) else {"_raw": r}, cid) for cid, r in members]
        if self._bulk:  # transform/validate now; dedup and load the batch in one go
            results = self.pipeline.prepare_many(pairs)
            loads = self._batch.loads
            for (record, cid), result in zip(pairs, results, strict=True):
                if result.outcome == "ready":
                    loads.append((message, record, cid, result))
                else:
                    self._route(channel, message.delivery(record, cid), result)
            return
        timeout = attempt_timeout(self.config, None, 0.0)
        for record, cid in pairs:
            result = self.pipeline.attempt(record, cid, timeout=timeout)
            self._check_state()
            if result.outcome == "loaded":
                self.summary.loaded += 1
            elif result.outcome == "duplicate":
                self.summary.skipped_duplicates += 1
            else:
                self._route(channel, message.delivery(record, cid), result)

    def _check_state(self) -> None:
        state = self.pipeline.stores.postgres
        if state is not None and state.broken:
            raise StateLost("database connection lost during a delivery")

    def _route(self, channel: BlockingChannel, delivery: Delivery, result: Any) -> None:
        """A failed try: to its retry queue or to the DLQ, confirmed before any ack."""
        self._check_state()
        self.failures.route(channel, delivery, result)
        self._routed = True  # land and ack the batch soon: its copies are confirmed

    def _load_bulk(self, channel: BlockingChannel) -> None:
        """Dedup the batch's records with one query, upsert them with one
        statement; if that fails, row by row (through the breaker) to find the bad ones."""
        loads, self._batch.loads = self._batch.loads, []
        if not loads:
            return
        pipeline = self.pipeline
        keys = [prepared.key for _m, _r, _c, prepared in loads]
        try:
            seen = pipeline.idempotency.seen_many(keys)
        except PipelineError as error:  # the store is unusable: redo the batch later
            raise StateLost(f"idempotency store: {error.message}") from None
        enabled = pipeline.idempotency.enabled
        fresh = loads
        if seen or (enabled and len(set(keys)) != len(keys)):  # some are duplicates
            fresh = []
            taken: set[str] = set()
            for load in loads:
                key = load[3].key
                if key in seen or (enabled and key in taken):
                    self.summary.skipped_duplicates += 1
                    pipeline.metrics.duplicates.inc()
                    pipeline.log.info(
                        "duplicate", correlationId=load[2], step="load", status="skipped"
                    )
                    continue
                taken.add(key)
                fresh.append(load)
        failed: list[tuple[Delivery, Any]] = []
        try:
            with pipeline.metrics.duration.labels(stage="load").time():
                pipeline.target.write_many([(p.canonical, cid) for _m, _r, cid, p in fresh])
            loaded = fresh
        except PipelineError:
            self._check_state()
            loaded = []
            for load in fresh:
                message, record, cid, result = load
                timeout = attempt_timeout(
                    self.config,
                    message.headers.get(H_ERROR_CLASS),
                    message.wall - message.first_attempt,
                )
                try:
                    pipeline.breaker.call(
                        lambda c=cid, r=result, t=timeout: pipeline.target.write(r.canonical, c, t)
                    )
                    loaded.append(load)
                except Exception as exc:
                    self._check_state()
                    result.outcome, result.stage, result.error = "failed", "load", classify(exc)
                    failed.append((message.delivery(record, cid), result))
        pipeline.metrics.processed.labels(stage="load").inc(len(loaded))
        if loaded:  # marks join the batch's transaction; one log line lists the records
            pipeline.idempotency.mark_many([p.key for _m, _r, _c, p in loaded])
            pipeline.log.info(
                "loaded",
                correlationId=loaded[0][2],
                correlationIds=[cid for _m, _r, cid, _p in loaded],
                records=len(loaded),
                step="confirm",
                status="ok",
            )
        self.summary.loaded += len(loaded)
        for delivery, result in failed:
            self._route(channel, delivery, result)

    def _flush(self) -> None:
        """Load the batch (bulk mode), commit target rows and marks, then acknowledge."""
        if not self._batch.tags:
            return
        assert self._channel is not None
        self._load_bulk(self._channel)
        self.pipeline.commit()
        self._channel.basic_ack(delivery_tag=self._batch.tags[-1], multiple=True)
        self._batch = _Batch()
        self._routed = False

    def _abandon_batch(self) -> None:
        """The connection is gone: nothing of the open batch is acknowledged, so the
        broker redelivers all of it; roll back what it wrote."""
        self._batch = _Batch()
        with contextlib.suppress(Exception):
            self.pipeline.stores.rollback()


def _bulk_capable(pipeline: Any) -> bool:
    """Target and idempotency store on one PostgreSQL connection: load batches in bulk."""
    target, store = pipeline.target, pipeline.idempotency
    return (
        hasattr(target, "write_many")
        and hasattr(store, "seen_many")
        and getattr(target, "state", None) is getattr(store, "state", False)
    )
