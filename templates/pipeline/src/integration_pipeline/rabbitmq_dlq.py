"""``dlq list|show|replay|discard|purge`` against the broker's dead-letter queue
(``QUEUE.dlq``), with PostgreSQL's archive of it when ``state: postgres``."""

from __future__ import annotations

import builtins
import contextlib
import json
import time
from collections.abc import Iterator
from typing import Any

from pika.adapters.blocking_connection import BlockingChannel
from pika.spec import BasicProperties

from .config import PipelineConfig
from .dlq import DeadLetter
from .outage import BrokerUnavailable
from .rabbitmq_topology import (
    BROKER_ERRORS,
    H_ATTEMPTS,
    H_CLASSIFICATION,
    H_CORRELATION,
    H_ERROR_CLASS,
    H_ERROR_MESSAGE,
    H_FIRST_FAILURE,
    H_KEY,
    H_LAST_FAILURE,
    H_PRIOR_ATTEMPTS,
    H_REPLAYS,
    H_SOURCE,
    H_STAGE,
    broker_url,
    connect,
    copy_properties,
    declare_topology,
    describe,
    queue_names,
    read_depths,
    stamp,
)
from .state_postgres import scrub


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
                        H_FIRST_FAILURE: stamp(entry.first_failure_at),
                    }
                    channel.basic_publish(
                        "",
                        self.names.work,
                        body,
                        copy_properties(properties, headers, None),
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
