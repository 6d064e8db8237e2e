"""Work-queue messages for ``transport: rabbitmq``: many records per message.

Per-message costs (a publish, a broker confirm, a delivery, an AMQP frame parse) were
most of a worker's CPU when every record was its own message, so ``run``/``publish``
pack ``batching.records_per_message`` records into one message: AMQP ``type``
:data:`BATCH_TYPE`, a JSON body ``{"ids": [...], "records": [...]}``. Each record keeps
its own correlation id, which its logs and its target row carry.

A record of a batch that fails travels on alone, as a single-record message (a JSON
object, ``message_id`` = ``correlation_id`` = the record's id), the shape retry queues,
the DLQ and ``dlq replay`` have always seen; the rest of its batch loads. A worker
accepts both shapes on the work queue.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pika.spec import BasicProperties

from .correlation import new_ids

BATCH_TYPE = "integration_pipeline.records"
"""The AMQP ``type`` property of a message that carries several records."""
_ENCODER = json.JSONEncoder(default=str, separators=(",", ":"))


@dataclass(frozen=True)
class Outgoing:
    routing_key: str
    body: bytes
    properties: BasicProperties
    records: int = 1  # how many records the message carries


def batch_messages(
    records: Iterable[Mapping[str, Any]], routing_key: str, source: str, per_message: int
) -> Iterator[Outgoing]:
    """The records, ``per_message`` to a message, each with a new correlation id."""
    batch: list[Mapping[str, Any]] = []
    for record in records:
        batch.append(record)
        if len(batch) >= per_message:
            yield _message(batch, routing_key, source)
            batch = []
    if batch:
        yield _message(batch, routing_key, source)


def _message(records: list[Mapping[str, Any]], routing_key: str, source: str) -> Outgoing:
    ids = new_ids(len(records))
    body = _ENCODER.encode({"ids": ids, "records": records}).encode("utf-8")
    properties = BasicProperties(
        content_type="application/json",
        delivery_mode=2,
        message_id=ids[0],
        correlation_id=ids[0],
        timestamp=int(time.time()),
        type=BATCH_TYPE,
        headers={"x-source": source, "x-records": len(records)},
    )
    return Outgoing(routing_key, body, properties, len(records))


def decode_batch(properties: BasicProperties, body: bytes) -> list[tuple[str, Any]] | None:
    """(correlation id, record) pairs of a batch message; None for any other message,
    or a batch whose body is not the expected shape (it then goes the single-record way,
    which dead-letters what it cannot read)."""
    if properties.type != BATCH_TYPE:
        return None
    try:
        data = json.loads(body)
        ids, records = data["ids"], data["records"]
    except (ValueError, TypeError, KeyError):
        return None
    if (
        not isinstance(ids, list)
        or not isinstance(records, list)
        or len(ids) != len(records)
        or not all(type(cid) is str and cid for cid in ids)
    ):
        return None
    return list(zip(ids, records, strict=True))


def member_message(
    properties: BasicProperties, correlation_id: str, record: Any
) -> tuple[BasicProperties, bytes]:
    """One record of a batch as a message of its own (for a retry queue or the DLQ)."""
    alone = BasicProperties(
        content_type="application/json",
        delivery_mode=2,
        message_id=correlation_id,
        correlation_id=correlation_id,
        timestamp=properties.timestamp,
    )
    return alone, _ENCODER.encode(record).encode("utf-8")
