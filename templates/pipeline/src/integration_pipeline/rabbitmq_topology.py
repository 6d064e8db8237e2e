"""RabbitMQ topology for ``transport: rabbitmq``: queue names, connecting, declaring the
work queue, its retry queues and its DLQ, reading their depths, and the message headers
every role reads and writes (see transport_rabbitmq.py for the design)."""

from __future__ import annotations

import contextlib
import os
import socket
from dataclasses import dataclass
from typing import Any

import pika
import pika.exceptions
from pika.adapters.blocking_connection import BlockingChannel
from pika.spec import BasicProperties

from .config import PipelineConfig
from .outage import BrokerUnavailable
from .retry import planned_delays
from .state_postgres import env_url, safe_url, scrub

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


def stamp(seconds: float) -> str:
    """Epoch seconds for a header: AMQP tables carry no floats, so a decimal string."""
    return f"{seconds:.6f}"


def copy_properties(
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
