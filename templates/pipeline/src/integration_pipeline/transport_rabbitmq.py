"""RabbitMQ transport (``transport: rabbitmq``): publish, competing workers, retry queues, DLQ.

Topology (declared by the publisher and by every worker; declaring is idempotent):

* ``QUEUE``: the work queue, durable and quorum. ``run``/``publish`` put the source
  records on it ``batching.records_per_message`` to a message (messages.py) with
  publisher confirms, one per message (a window of unconfirmed messages; those not
  confirmed when a connection drops are sent again: the idempotency store absorbs the
  rare duplicate).
* ``QUEUE.retry.<ms>ms``: one quorum queue per delay of the design's retry table. A
  message waits there for its TTL, then the broker dead-letters it back to ``QUEUE``
  (``x-dead-letter-exchange`` is the default exchange, routing key ``QUEUE``). With
  ``jitter: true`` the message carries its own shorter expiration; as every message in
  the queue expires within the designed delay, a retry is never sooner than its jittered
  delay nor later than the designed one. ``Retry-After`` waits use a queue per whole
  second.
* ``QUEUE.dlq``: the dead letters, durable and quorum, each message carrying the same
  envelope as the embedded DLQ in its headers (``x-error-class``, ``x-attempts``,
  ``x-first-failure-at``, ``x-last-failure-at``, ``x-correlation-id``, ...) and the
  original payload as its body.

Workers consume ``QUEUE`` as competing consumers with ``prefetch`` unacknowledged
messages each. A delivery is acknowledged only after the outcome of every record in it is
durable: the target rows and idempotency marks committed (``batch_size`` deliveries or
``batching.commit_records`` records per commit and ack, deduplicated with one query and
upserted with one statement), or a failing record's own retry/DLQ message confirmed by
the broker. A worker that dies or loses its connection
leaves its unacknowledged deliveries to the broker, which redelivers them to the others;
a loaded record that is redelivered finds its idempotency mark and is skipped.

Retry decisions follow retry.py rule for rule (classes never retried, the policy's
``max_attempts`` reading, delays, jitter, Retry-After, ``timeout_seconds`` budget); only
the waiting happens in the broker instead of the process. As in the embedded run, only
load failures are retried: a transform or validation failure goes to the DLQ at once.

pika is imported only when this module is, which only ``transport: rabbitmq`` does.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import math
import os
import random
import signal
import socket
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pika
import pika.exceptions
import psycopg
from pika.adapters.blocking_connection import BlockingChannel
from pika.spec import Basic, BasicProperties

from .config import PipelineConfig, RetryPolicy
from .dlq import DeadLetter
from .errors import NEVER_RETRIED, CircuitOpenError, PipelineError, classify
from .messages import Outgoing, batch_messages, decode_batch, member_message
from .outage import BrokerUnavailable, Outage
from .retry import planned_delays
from .state_postgres import StateLost, env_url, safe_url, scrub

H_ATTEMPTS = "x-attempts"  # tries made so far in this round (reset by a replay)
H_FIRST_ATTEMPT = "x-first-attempt-at"  # epoch seconds of the round's first try (budget)
H_ERROR_CLASS = "x-error-class"
H_ERROR_MESSAGE = "x-error-message"
H_STAGE = "x-stage"
H_CLASSIFICATION = "x-classification"
H_FIRST_FAILURE = "x-first-failure-at"
H_LAST_FAILURE = "x-last-failure-at"
H_CORRELATION = "x-correlation-id"
H_SOURCE = "x-source"
H_KEY = "x-idempotency-key"
H_REPLAYS = "x-replay-count"
H_PRIOR_ATTEMPTS = "x-dlq-attempts"  # attempts of earlier rounds, before a replay

BROKER_ERRORS: tuple[type[BaseException], ...] = (
    pika.exceptions.AMQPError,
    ConnectionError,
    socket.timeout,
)

DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    StateLost,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
"""A database connection lost mid-call (a psycopg error that escaped its store's wrapper
counts too: the open batch is rolled back and redelivered either way)."""

RECOVERABLE: tuple[type[BaseException], ...] = (*BROKER_ERRORS, BrokerUnavailable, *DATABASE_ERRORS)
"""A worker reconnects (with backoff) after these; its unacknowledged deliveries return."""

__all__ = ["BrokerUnavailable", "Outage"]


# -- names and topology ---------------------------------------------------------------


@dataclass(frozen=True)
class QueueNames:
    work: str

    @property
    def dlq(self) -> str:
        return f"{self.work}.dlq"

    def retry(self, delay_ms: int) -> str:
        return f"{self.work}.retry.{delay_ms}ms"


def queue_names(config: PipelineConfig) -> QueueNames:
    return QueueNames(config.rabbitmq.queue or config.integration.slug)


def broker_url(config: PipelineConfig) -> str:
    return env_url(config.rabbitmq.url_env, "RabbitMQ")


def parameters(config: PipelineConfig, url: str) -> pika.URLParameters:
    params = pika.URLParameters(url)
    params.heartbeat = config.rabbitmq.heartbeat_seconds
    params.blocked_connection_timeout = 60
    params.connection_attempts = 1
    params.socket_timeout = 10
    params.client_properties = {
        "connection_name": f"{config.integration.slug}@{socket.gethostname()}:{os.getpid()}"
    }
    return params


def connect(config: PipelineConfig, url: str) -> pika.BlockingConnection:
    try:
        return pika.BlockingConnection(parameters(config, url))
    except BROKER_ERRORS as error:
        raise BrokerUnavailable(
            f"cannot connect to {safe_url(url)}: {scrub(describe(error), url)}"
        ) from None


def describe(error: BaseException) -> str:
    text = str(error) or repr(error)
    return f"{type(error).__name__}: {text}"


def designed_delays_ms(config: PipelineConfig) -> list[int]:
    """Every delay the retry table can ask for, in milliseconds (one retry queue each)."""
    delays: set[int] = set()
    for policy in config.retry.policies:
        for delay in planned_delays(policy, policy.reading or config.retry.reading):
            delays.add(max(1, round(delay * 1000)))
    return sorted(delays)


def declare_retry_queue(channel: BlockingChannel, names: QueueNames, delay_ms: int) -> None:
    channel.queue_declare(
        names.retry(delay_ms),
        durable=True,
        arguments={
            "x-queue-type": "quorum",
            "x-message-ttl": delay_ms,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": names.work,
        },
    )


def declare_topology(channel: BlockingChannel, config: PipelineConfig) -> QueueNames:
    names = queue_names(config)
    channel.queue_declare(names.work, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_declare(names.dlq, durable=True, arguments={"x-queue-type": "quorum"})
    for delay_ms in designed_delays_ms(config):
        declare_retry_queue(channel, names, delay_ms)
    return names


def queue_depths(channel: BlockingChannel, config: PipelineConfig) -> dict[str, int]:
    """Ready messages per role, read from the broker (passive declares)."""
    names = queue_names(config)
    depth = {"work": 0, "retry": 0, "dlq": 0}
    depth["work"] = channel.queue_declare(names.work, passive=True).method.message_count
    depth["dlq"] = channel.queue_declare(names.dlq, passive=True).method.message_count
    for delay_ms in designed_delays_ms(config):
        depth["retry"] += channel.queue_declare(
            names.retry(delay_ms), passive=True
        ).method.message_count
    return depth


def read_depths(config: PipelineConfig) -> dict[str, int]:
    """Queue depths on a connection of their own (``health``, tests, the benchmark)."""
    url = broker_url(config)
    connection = connect(config, url)
    try:
        return queue_depths(connection.channel(), config)
    except BROKER_ERRORS as error:
        raise BrokerUnavailable(scrub(describe(error), url)) from None
    finally:
        with contextlib.suppress(*BROKER_ERRORS):
            connection.close()


# -- retry routing --------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """Where a failed delivery goes: a retry queue after ``delay`` seconds, or the DLQ."""

    retry: bool
    delay: float = 0.0
    queue_ms: int = 0
    expiration_ms: int | None = None


def policy_for(config: PipelineConfig, error_class: str) -> RetryPolicy | None:
    for policy in config.retry.policies:
        if error_class in policy.applies_to:
            return policy
    return None


def route_failure(
    config: PipelineConfig,
    stage: str,
    error: PipelineError,
    tries: int,
    elapsed: float,
    rng: Callable[[], float] = random.random,
) -> Route:
    """retry.RetryExecutor's decision for the ``tries``-th failed try (see retry.py)."""
    if stage != "load" or isinstance(error, CircuitOpenError):
        return Route(False)
    if error.error_class in NEVER_RETRIED:
        return Route(False)
    policy = policy_for(config, error.error_class)
    if policy is None:
        return Route(False)
    delays = planned_delays(policy, policy.reading or config.retry.reading)
    if tries - 1 >= len(delays):
        return Route(False)
    designed = delays[tries - 1]
    delay = designed * (0.5 + rng() / 2) if policy.jitter else designed
    queue_ms = max(1, round(designed * 1000))
    expiration: int | None = max(1, round(delay * 1000)) if policy.jitter else None
    if error.retry_after is not None and error.error_class in ("rate_limited", "server_error"):
        delay = error.retry_after
        queue_ms = max(1000, math.ceil(delay) * 1000)  # one queue per whole second
        expiration = None
    if policy.timeout_seconds is not None and elapsed + delay > policy.timeout_seconds:
        return Route(False)
    return Route(True, delay, queue_ms, expiration)


def attempt_timeout(config: PipelineConfig, error_class: str | None, elapsed: float) -> float:
    """retry.py's per-try timeout: 30s, within what the policy's budget has left."""
    budgets: list[float]
    policy = policy_for(config, error_class) if error_class else None
    if policy is not None:
        budgets = [policy.timeout_seconds] if policy.timeout_seconds else []
    else:
        budgets = [p.timeout_seconds for p in config.retry.policies if p.timeout_seconds]
    if not budgets:
        return 30.0
    return max(0.001, min(30.0, max(budgets) - elapsed))


# -- publishing -----------------------------------------------------------------------


class ConfirmingPublisher:
    """Publishes a stream with confirms, ``window`` unconfirmed at most; survives reconnects.

    Messages not yet confirmed when the connection drops (or that the broker nacks) are
    sent again on the next connection, so nothing is lost; the consumer side's
    idempotency makes the rare duplicate harmless.
    """

    def __init__(self, config: PipelineConfig, url: str, *, log: Any = None) -> None:
        self.config = config
        self.url = url
        self.log = log
        self.window = config.rabbitmq.publish_window
        self.confirmed = 0
        self._source: Iterator[Outgoing] = iter(())
        self._retry: deque[Outgoing] = deque()
        self._outstanding: dict[int, Outgoing] = {}
        self._tag = 0
        self._finished = False
        self._failure: str | None = None
        self._connection: pika.SelectConnection | None = None
        self._channel: Any = None

    def publish(self, messages: Iterable[Outgoing]) -> int:
        self._source = iter(messages)
        backoff = self.config.rabbitmq.reconnect_initial_seconds
        give_up = self.config.rabbitmq.publish_give_up_seconds
        progress = (time.monotonic(), self.confirmed)  # when the broker last confirmed
        while not self._finished:
            self._failure = None
            self._connection = pika.SelectConnection(
                parameters(self.config, self.url),
                on_open_callback=self._on_open,
                on_open_error_callback=self._on_open_error,
                on_close_callback=self._on_closed,
            )
            try:
                self._connection.ioloop.start()
            except BROKER_ERRORS as error:  # raised inside a callback (a closing channel)
                self._failure = self._failure or describe(error)
                with contextlib.suppress(*BROKER_ERRORS):
                    if self._connection.is_open:
                        self._connection.close()
                        self._connection.ioloop.start()
            if self._finished:
                break
            if self._failure and self._failure.startswith("fatal:"):
                raise BrokerUnavailable(self._failure[6:])
            # lost: whatever the broker did not confirm goes out again, in order
            self._retry.extendleft(
                self._outstanding[t] for t in sorted(self._outstanding, reverse=True)
            )
            self._outstanding.clear()
            if self.confirmed != progress[1]:
                progress = (time.monotonic(), self.confirmed)
            elif time.monotonic() - progress[0] + backoff > give_up:
                raise BrokerUnavailable(
                    f"{safe_url(self.url)}: no confirm for {give_up:g} s "
                    f"({scrub(self._failure or 'closed', self.url)}); {self.confirmed} records "
                    "published, run again to publish the rest (duplicates are skipped)"
                )
            if self.log is not None:
                self.log.warning(
                    "broker connection lost",
                    step="trigger",
                    status="reconnecting",
                    broker=safe_url(self.url),
                    error=scrub(self._failure or "closed", self.url),
                    retry_in_seconds=round(backoff, 3),
                )
            time.sleep(backoff)
            backoff = min(backoff * 2, self.config.rabbitmq.reconnect_max_seconds)
        return self.confirmed

    def _on_open(self, connection: pika.SelectConnection) -> None:
        connection.channel(on_open_callback=self._on_channel)

    def _on_open_error(self, connection: pika.SelectConnection, error: BaseException) -> None:
        self._failure = describe(error)
        connection.ioloop.stop()

    def _on_closed(self, connection: pika.SelectConnection, reason: BaseException) -> None:
        if not self._finished and self._failure is None:
            self._failure = describe(reason)
        connection.ioloop.stop()

    def _on_channel(self, channel: Any) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(ack_nack_callback=self._on_confirm, callback=self._on_confirm_mode)

    def _on_channel_closed(self, channel: Any, reason: BaseException) -> None:
        if self._failure is None and not self._finished:
            self._failure = describe(reason)
        if self._connection is not None and self._connection.is_open:
            self._connection.close()

    def _on_return(self, channel: Any, method: Any, properties: Any, body: bytes) -> None:
        self._failure = f"fatal:the broker has no queue {method.routing_key!r}"
        if self._connection is not None and self._connection.is_open:
            self._connection.close()

    def _on_confirm_mode(self, _frame: Any) -> None:
        self._tag = 0
        self._fill()

    def _next(self) -> Outgoing | None:
        if self._retry:
            return self._retry.popleft()
        return next(self._source, None)

    def _fill(self) -> None:
        channel = self._channel
        while len(self._outstanding) < self.window and channel is not None and channel.is_open:
            message = self._next()
            if message is None:
                if not self._outstanding:
                    self._finished = True
                    if self._connection is not None and self._connection.is_open:
                        self._connection.close()
                return
            channel.basic_publish(
                "", message.routing_key, message.body, message.properties, mandatory=True
            )
            self._tag += 1
            self._outstanding[self._tag] = message

    def _on_confirm(self, frame: Any) -> None:
        method = frame.method
        tags = (
            [t for t in self._outstanding if t <= method.delivery_tag]
            if method.multiple
            else [method.delivery_tag]
        )
        nacked = isinstance(method, Basic.Nack)
        for tag in sorted(tags):
            message = self._outstanding.pop(tag, None)
            if message is None:
                continue
            if nacked:
                self._retry.append(message)
            else:
                self.confirmed += message.records
        if self._failure is None:
            self._fill()


def declare_for_publishing(config: PipelineConfig, url: str, log: Any = None) -> QueueNames:
    """Declare the topology before publishing. A broker unreachable at the first connect
    fails at once (most likely a wrong URL); one lost after that (while declaring) is
    retried with backoff for ``publish_give_up_seconds``, then given up in one line."""
    rabbitmq = config.rabbitmq
    outage = Outage(
        rabbitmq.reconnect_initial_seconds,
        rabbitmq.reconnect_max_seconds,
        rabbitmq.publish_give_up_seconds,
    )
    connected = False
    while True:
        try:
            connection = connect(config, url)
        except BrokerUnavailable as error:
            if not connected:
                raise
            error_text = str(error)
        else:
            connected = True
            try:
                return declare_topology(connection.channel(), config)
            except BROKER_ERRORS as error:
                error_text = scrub(describe(error), url)
            finally:
                with contextlib.suppress(*BROKER_ERRORS):
                    connection.close()
        delay = outage.lost(f"{safe_url(url)}: declaring the queues: {error_text}")
        if log is not None:
            log.warning(
                "broker connection lost",
                step="trigger",
                status="reconnecting",
                broker=safe_url(url),
                error=error_text,
                retry_in_seconds=round(delay, 3),
            )
        time.sleep(delay)


def publish_records(
    config: PipelineConfig, records: Iterable[Mapping[str, Any]], source: str, *, log: Any = None
) -> int:
    """Declare the topology, then publish every record with confirms, as batch messages of
    ``batching.records_per_message`` (one confirm each); returns the records confirmed."""
    url = broker_url(config)
    names = declare_for_publishing(config, url, log)
    publisher = ConfirmingPublisher(config, url, log=log)
    per_message = config.batching.records_per_message
    return publisher.publish(batch_messages(records, names.work, source, per_message))


# -- the worker -----------------------------------------------------------------------


@dataclass
class WorkerSummary:
    received: int = 0
    loaded: int = 0
    skipped_duplicates: int = 0
    retried: int = 0
    dead_lettered: int = 0
    reconnects: int = 0


@dataclass
class _Delivery:
    tag: int
    properties: BasicProperties
    body: bytes | None  # None: a record of a batch message (encoded alone if it fails)
    headers: dict[str, Any]
    record: dict[str, Any]
    correlation_id: str
    tries_before: int
    first_attempt: float
    wall: float


@dataclass
class _Batch:
    tags: list[int] = field(default_factory=list)
    records: int = 0  # records of the deliveries in ``tags`` (a message may carry many)
    started: float = 0.0
    loads: list[tuple[_Delivery, Any]] = field(default_factory=list)  # bulk mode


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
        self._declared_retry: set[int] = set()
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
                self._declared_retry = set(designed_delays_ms(self.config))
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
        delivery = _Delivery(
            tag=method.delivery_tag,
            properties=properties,
            body=body,
            headers=headers,
            record=record,
            correlation_id=properties.correlation_id or properties.message_id or str(uuid.uuid4()),
            tries_before=int(headers.get(H_ATTEMPTS, 0) or 0),
            first_attempt=float(headers.get(H_FIRST_ATTEMPT, wall) or wall),
            wall=wall,
        )
        if not self._batch.tags:
            self._batch.started = time.monotonic()
        if self._bulk:  # transform/validate now; dedup and load the batch in one go
            result = self.pipeline.prepare(record, delivery.correlation_id)
            self._batch.tags.append(method.delivery_tag)
            if result.outcome == "ready":
                self._batch.loads.append((delivery, result))
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
        tag = method.delivery_tag
        deliveries = [
            _Delivery(tag, properties, None, headers, _as_record(record), cid, 0, wall, wall)
            for cid, record in members
        ]
        if self._bulk:  # transform/validate now; dedup and load the batch in one go
            results = self.pipeline.prepare_many([(d.record, d.correlation_id) for d in deliveries])
            for delivery, result in zip(deliveries, results, strict=True):
                if result.outcome == "ready":
                    self._batch.loads.append((delivery, result))
                else:
                    self._route(channel, delivery, result)
            return
        timeout = attempt_timeout(self.config, None, 0.0)
        for delivery in deliveries:
            result = self.pipeline.attempt(
                delivery.record, delivery.correlation_id, timeout=timeout
            )
            self._check_state()
            if result.outcome == "loaded":
                self.summary.loaded += 1
            elif result.outcome == "duplicate":
                self.summary.skipped_duplicates += 1
            else:
                self._route(channel, delivery, result)

    def _check_state(self) -> None:
        state = self.pipeline.stores.postgres
        if state is not None and state.broken:
            raise StateLost("database connection lost during a delivery")

    def _route(self, channel: BlockingChannel, delivery: _Delivery, result: Any) -> None:
        """A failed try: to its retry queue or to the DLQ, confirmed before any ack."""
        self._check_state()
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
        self._routed = True  # land and ack the batch soon: its copies are confirmed

    def _load_bulk(self, channel: BlockingChannel) -> None:
        """Dedup the batch's records with one query, upsert them with one pipelined
        statement; if that fails, row by row (through the breaker) to find the bad ones."""
        loads, self._batch.loads = self._batch.loads, []
        if not loads:
            return
        pipeline = self.pipeline
        try:
            seen = pipeline.idempotency.seen_many([r.key for _d, r in loads])
        except PipelineError as error:  # the store is unusable: redo the batch later
            raise StateLost(f"idempotency store: {error.message}") from None
        fresh: list[tuple[_Delivery, Any]] = []
        keys: set[str] = set()
        for delivery, result in loads:
            duplicate = result.key in seen or (pipeline.idempotency.enabled and result.key in keys)
            if duplicate:
                self.summary.skipped_duplicates += 1
                pipeline.metrics.duplicates.inc()
                pipeline.log.info(
                    "duplicate",
                    correlationId=delivery.correlation_id,
                    step="load",
                    status="skipped",
                )
                continue
            keys.add(result.key)
            fresh.append((delivery, result))
        failed: list[tuple[_Delivery, Any]] = []
        try:
            with pipeline.metrics.duration.labels(stage="load").time():
                pipeline.target.write_many([(r.canonical, d.correlation_id) for d, r in fresh])
            loaded = fresh
        except PipelineError:
            self._check_state()
            loaded = []
            for delivery, result in fresh:
                timeout = attempt_timeout(
                    self.config,
                    delivery.headers.get(H_ERROR_CLASS),
                    delivery.wall - delivery.first_attempt,
                )
                try:
                    pipeline.breaker.call(
                        lambda d=delivery, r=result, t=timeout: pipeline.target.write(
                            r.canonical, d.correlation_id, t
                        )
                    )
                    loaded.append((delivery, result))
                except Exception as exc:
                    self._check_state()
                    result.outcome, result.stage, result.error = "failed", "load", classify(exc)
                    failed.append((delivery, result))
        pipeline.metrics.processed.labels(stage="load").inc(len(loaded))
        if loaded:  # marks join the batch's transaction; one log line lists the records
            pipeline.idempotency.mark_many([r.key for _d, r in loaded])
            pipeline.log.info(
                "loaded",
                correlationId=loaded[0][0].correlation_id,
                correlationIds=[d.correlation_id for d, _r in loaded],
                records=len(loaded),
                step="confirm",
                status="ok",
            )
        self.summary.loaded += len(loaded)
        for delivery, result in failed:
            self._route(channel, delivery, result)

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
        if route.queue_ms not in self._declared_retry:
            declare_retry_queue(channel, self.names, route.queue_ms)
            self._declared_retry.add(route.queue_ms)
        now = self.now()
        headers.update({
            H_ATTEMPTS: tries,
            H_FIRST_ATTEMPT: _stamp(first_attempt),
            H_ERROR_CLASS: error.error_class,
            H_ERROR_MESSAGE: error.message[:1000],
            H_LAST_FAILURE: _stamp(now),
        })  # fmt: skip
        headers.setdefault(H_FIRST_FAILURE, _stamp(now))
        channel.basic_publish(
            "",
            self.names.retry(route.queue_ms),
            body,
            _copy_properties(properties, headers, route.expiration_ms),
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
            H_FIRST_FAILURE: _stamp(first_failure),
            H_LAST_FAILURE: _stamp(now),
            H_CORRELATION: correlation_id,
            H_SOURCE: source,
            H_KEY: result.key or "",
            H_REPLAYS: int(headers.get(H_REPLAYS, 0) or 0),
        }
        channel.basic_publish(
            "", self.names.dlq, body, _copy_properties(properties, envelope, None), mandatory=True
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


def _as_record(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {"_raw": value}


def _bulk_capable(pipeline: Any) -> bool:
    """Target and idempotency store on one PostgreSQL connection: load batches in bulk."""
    target, store = pipeline.target, pipeline.idempotency
    return (
        hasattr(target, "write_many")
        and hasattr(store, "seen_many")
        and getattr(target, "state", None) is getattr(store, "state", False)
    )


def _stamp(seconds: float) -> str:
    """Epoch seconds for a header: AMQP tables carry no floats, so a decimal string."""
    return f"{seconds:.6f}"


def _copy_properties(
    properties: BasicProperties, headers: dict[str, Any], expiration_ms: int | None
) -> BasicProperties:
    return BasicProperties(
        content_type=properties.content_type or "application/json",
        delivery_mode=2,
        message_id=properties.message_id,
        correlation_id=properties.correlation_id,
        timestamp=properties.timestamp,
        headers=headers,
        expiration=str(expiration_ms) if expiration_ms is not None else None,
    )


# -- the broker's dead-letter queue ---------------------------------------------------


def _entry(properties: BasicProperties, body: bytes) -> DeadLetter:
    headers = dict(properties.headers or {})
    try:
        payload = json.loads(body)
    except ValueError:
        payload = body.decode("utf-8", "replace")
    if H_ERROR_CLASS not in headers:  # dead-lettered by the broker itself (e.g. a limit)
        deaths = headers.get("x-death") or [{}]
        reason = str(deaths[0].get("reason", "broker")) if deaths else "broker"
        headers.setdefault(H_ERROR_CLASS, "permanent")
        headers.setdefault(H_ERROR_MESSAGE, f"dead-lettered by the broker: {reason}")
    return DeadLetter(
        id=str(properties.message_id or properties.correlation_id or ""),
        payload=payload,
        source=str(headers.get(H_SOURCE, "")),
        stage=str(headers.get(H_STAGE, "")),
        error_class=str(headers.get(H_ERROR_CLASS, "")),
        error_message=str(headers.get(H_ERROR_MESSAGE, "")),
        classification=str(headers.get(H_CLASSIFICATION, "permanent")),
        attempts=int(headers.get(H_ATTEMPTS, 0) or 0),
        first_failure_at=float(headers.get(H_FIRST_FAILURE, 0) or 0),
        last_failure_at=float(headers.get(H_LAST_FAILURE, 0) or 0),
        correlation_id=str(headers.get(H_CORRELATION, properties.correlation_id or "")),
        idempotency_key=str(headers.get(H_KEY)) if headers.get(H_KEY) else None,
        replay_count=int(headers.get(H_REPLAYS, 0) or 0),
        status="queued",
    )


class BrokerDLQ:
    """``dlq list|show|replay|discard|purge`` against ``QUEUE.dlq``.

    Reading takes the messages with ``basic.get`` without acknowledging them; whatever
    is not replayed or discarded returns to the queue when the channel closes. A message
    id queued twice (a worker lost its connection between the DLQ copy and its ack) is
    shown once and replayed or discarded with all its copies.
    """

    def __init__(self, config: PipelineConfig, archive: Any = None) -> None:
        self.config = config
        self.url = broker_url(config)
        self.names = queue_names(config)
        self.archive = archive

    @contextlib.contextmanager
    def _session(
        self,
    ) -> Iterator[tuple[BlockingChannel, list[tuple[int, DeadLetter, BasicProperties, bytes]]]]:
        connection = connect(self.config, self.url)
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            declare_topology(channel, self.config)
            taken: list[tuple[int, DeadLetter, BasicProperties, bytes]] = []
            while True:
                method, properties, body = channel.basic_get(self.names.dlq, auto_ack=False)
                if method is None:
                    break
                taken.append((method.delivery_tag, _entry(properties, body), properties, body))
            yield channel, taken
        except BROKER_ERRORS as error:
            raise BrokerUnavailable(scrub(describe(error), self.url)) from None
        finally:
            with contextlib.suppress(*BROKER_ERRORS):
                connection.close()  # unacknowledged messages return to the DLQ

    def depth(self) -> int:
        return read_depths(self.config)["dlq"]

    def list(self, limit: int = 10_000) -> builtins.list[DeadLetter]:
        with self._session() as (_channel, taken):
            seen: dict[str, DeadLetter] = {}
            for _tag, entry, _props, _body in taken:
                seen.setdefault(entry.id, entry)
            return list(seen.values())[:limit]

    def show(self, message_id: str) -> DeadLetter | None:
        return next((e for e in self.list() if e.id == message_id), None)

    def replay(self, message_ids: builtins.list[str] | None = None) -> int:
        """Send entries back to the work queue (a fresh round of retries); returns the count."""
        replayed: set[str] = set()
        with self._session() as (channel, taken):
            for tag, entry, properties, body in taken:
                if message_ids is not None and entry.id not in message_ids:
                    continue
                if entry.id not in replayed:
                    headers = {
                        H_SOURCE: entry.source,
                        H_REPLAYS: entry.replay_count + 1,
                        H_PRIOR_ATTEMPTS: entry.attempts,
                        H_FIRST_FAILURE: _stamp(entry.first_failure_at),
                    }
                    channel.basic_publish(
                        "",
                        self.names.work,
                        body,
                        _copy_properties(properties, headers, None),
                        mandatory=True,
                    )
                    replayed.add(entry.id)
                    if self.archive is not None:
                        self.archive.set_status(entry.id, "replayed", replayed=True)
                channel.basic_ack(tag)
        return len(replayed)

    def discard(self, message_id: str) -> bool:
        found = False
        with self._session() as (channel, taken):
            for tag, entry, _props, _body in taken:
                if entry.id == message_id:
                    channel.basic_ack(tag)
                    found = True
        if found and self.archive is not None:
            self.archive.set_status(message_id, "discarded")
        return found

    def purge(self, retention_days: float) -> int:
        cutoff = time.time() - retention_days * 86400
        removed = 0
        with self._session() as (channel, taken):
            for tag, entry, _props, _body in taken:
                if entry.last_failure_at and entry.last_failure_at < cutoff:
                    channel.basic_ack(tag)
                    removed += 1
        return removed
