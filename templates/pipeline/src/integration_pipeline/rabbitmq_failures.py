"""A failed record in broker mode goes on alone: to its retry queue (``QUEUE.retry.<ms>ms``,
back to the work queue after the delay) or to the DLQ with the embedded DLQ's envelope
in its headers (and PostgreSQL's archive row). The copy is confirmed by the broker before
the worker acknowledges the delivery it came in."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pika.adapters.blocking_connection import BlockingChannel
from pika.spec import BasicProperties

from .config import PipelineConfig
from .errors import PipelineError
from .messages import member_message
from .rabbitmq_routing import Route, route_failure
from .rabbitmq_topology import (
    H_ATTEMPTS,
    H_CLASSIFICATION,
    H_CORRELATION,
    H_ERROR_CLASS,
    H_ERROR_MESSAGE,
    H_FIRST_ATTEMPT,
    H_FIRST_FAILURE,
    H_KEY,
    H_LAST_FAILURE,
    H_PRIOR_ATTEMPTS,
    H_REPLAYS,
    H_SOURCE,
    H_STAGE,
    QueueNames,
    copy_properties,
    declare_retry_queue,
    stamp,
)


@dataclass
class WorkerSummary:
    """What a worker did, counted per record (logged and printed when it stops)."""

    received: int = 0
    loaded: int = 0
    skipped_duplicates: int = 0
    retried: int = 0
    dead_lettered: int = 0
    reconnects: int = 0


@dataclass
class Delivery:
    """One record as the worker received it, with what routing it on after a failure
    needs: its message's properties and headers, and the tries already made."""

    tag: int
    properties: BasicProperties
    body: bytes | None  # None: a record of a batch message (encoded alone if it fails)
    headers: dict[str, Any]
    record: dict[str, Any]
    correlation_id: str
    tries_before: int
    first_attempt: float
    wall: float


class FailureRouter:
    """Sends a worker's failed records on; counts them into the worker's summary."""

    def __init__(
        self,
        pipeline: Any,
        names: QueueNames,
        summary: WorkerSummary,
        *,
        rng: Callable[[], float] = random.random,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.pipeline = pipeline
        self.config: PipelineConfig = pipeline.config
        self.log = pipeline.log
        self.metrics = pipeline.metrics
        self.names = names
        self.summary = summary
        self.rng = rng
        self.now = wall_clock
        self.declared_retry: set[int] = set()

    def route(self, channel: BlockingChannel, delivery: Delivery, result: Any) -> None:
        """A failed try: to its retry queue or to the DLQ, confirmed before any ack."""
        error: PipelineError = result.error
        tries = delivery.tries_before + 1
        elapsed = delivery.wall - delivery.first_attempt
        route = route_failure(self.config, result.stage, error, tries, elapsed, self.rng)
        properties, body, headers = delivery.properties, delivery.body, delivery.headers
        if body is None:  # one record of a batch: it travels on alone
            properties, body = member_message(properties, delivery.correlation_id, delivery.record)
            headers = dict(headers)
        if route.retry:
            self._send_retry(
                channel,
                properties,
                body,
                headers,
                error,
                route,
                tries,
                delivery.first_attempt,
            )
        else:
            self._dead_letter(
                channel,
                properties,
                body,
                delivery.record,
                headers,
                result,
                tries,
                delivery.correlation_id,
            )

    def _send_retry(
        self,
        channel: BlockingChannel,
        properties: BasicProperties,
        body: bytes,
        headers: dict[str, Any],
        error: PipelineError,
        route: Route,
        tries: int,
        first_attempt: float,
    ) -> None:
        if route.queue_ms not in self.declared_retry:
            declare_retry_queue(channel, self.names, route.queue_ms)
            self.declared_retry.add(route.queue_ms)
        now = self.now()
        headers.update({
            H_ATTEMPTS: tries,
            H_FIRST_ATTEMPT: stamp(first_attempt),
            H_ERROR_CLASS: error.error_class,
            H_ERROR_MESSAGE: error.message[:1000],
            H_LAST_FAILURE: stamp(now),
        })  # fmt: skip
        headers.setdefault(H_FIRST_FAILURE, stamp(now))
        channel.basic_publish(
            "",
            self.names.retry(route.queue_ms),
            body,
            copy_properties(properties, headers, route.expiration_ms),
            mandatory=True,
        )
        self.summary.retried += 1
        self.metrics.retries.labels(error_class=error.error_class).inc()
        self.log.warning(
            "retrying",
            correlationId=properties.correlation_id,
            step="load",
            status="retry",
            error_class=error.error_class,
            attempt=tries,
            delay_seconds=round(route.delay, 3),
            retry_queue=self.names.retry(route.queue_ms),
        )

    def _dead_letter(
        self,
        channel: BlockingChannel,
        properties: BasicProperties,
        body: bytes,
        record: dict[str, Any],
        headers: dict[str, Any],
        result: Any,
        tries: int,
        correlation_id: str,
    ) -> None:
        from .validation import AlertAndQueue

        error: PipelineError = result.error
        classification = "alert" if isinstance(error, AlertAndQueue) else error.classification
        now = self.now()
        attempts = int(headers.get(H_PRIOR_ATTEMPTS, 0) or 0) + tries
        first_failure = float(headers.get(H_FIRST_FAILURE, now) or now)
        source = str(headers.get(H_SOURCE, f"{self.config.source.kind}:{self.config.source.path}"))
        envelope = {
            H_ERROR_CLASS: error.error_class,
            H_ERROR_MESSAGE: error.message[:1000],
            H_STAGE: result.stage,
            H_CLASSIFICATION: classification,
            H_ATTEMPTS: attempts,
            H_FIRST_FAILURE: stamp(first_failure),
            H_LAST_FAILURE: stamp(now),
            H_CORRELATION: correlation_id,
            H_SOURCE: source,
            H_KEY: result.key or "",
            H_REPLAYS: int(headers.get(H_REPLAYS, 0) or 0),
        }
        channel.basic_publish(
            "", self.names.dlq, body, copy_properties(properties, envelope, None), mandatory=True
        )
        archive = self.pipeline.dlq
        if hasattr(archive, "set_status"):  # state: postgres keeps the DLQ's archive
            archive.add(
                record,
                source=source,
                stage=result.stage,
                error_class=error.error_class,
                error_message=error.message,
                classification=classification,
                attempts=attempts,
                correlation_id=correlation_id,
                idempotency_key=result.key,
                first_failure_at=first_failure,
                message_id=properties.message_id or correlation_id,
                commit=False,
            )
        self.summary.dead_lettered += 1
        self.metrics.failed.labels(stage=result.stage, error_class=error.error_class).inc()
        level = self.log.error if classification == "alert" else self.log.warning
        level(
            "dead_lettered",
            correlationId=correlation_id,
            step=result.stage,
            status="failed",
            error_class=error.error_class,
            error=error.message,
            attempts=attempts,
        )
