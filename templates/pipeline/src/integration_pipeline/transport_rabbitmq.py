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

The transport's modules, one job each, are reached through this one:
``rabbitmq_topology`` (names, connections, declarations, depths, message headers),
``rabbitmq_routing`` (retry queue or DLQ), ``rabbitmq_publisher`` (``run``/``publish``),
``rabbitmq_worker`` (``worker``), ``rabbitmq_failures`` (a failed record's retry or DLQ
copy) and ``rabbitmq_dlq`` (the ``dlq`` commands against the broker).

pika is imported only when this module is, which only ``transport: rabbitmq`` does.
"""

from __future__ import annotations

from .outage import BrokerUnavailable, Outage
from .rabbitmq_dlq import BrokerDLQ
from .rabbitmq_failures import WorkerSummary
from .rabbitmq_publisher import ConfirmingPublisher, declare_for_publishing, publish_records
from .rabbitmq_routing import Route, attempt_timeout, policy_for, route_failure
from .rabbitmq_topology import (
    BROKER_ERRORS,
    QueueNames,
    broker_url,
    declare_topology,
    designed_delays_ms,
    queue_depths,
    queue_names,
    read_depths,
)
from .rabbitmq_worker import DATABASE_ERRORS, RECOVERABLE, Worker

__all__ = [
    "BROKER_ERRORS",
    "DATABASE_ERRORS",
    "RECOVERABLE",
    "BrokerDLQ",
    "BrokerUnavailable",
    "ConfirmingPublisher",
    "Outage",
    "QueueNames",
    "Route",
    "Worker",
    "WorkerSummary",
    "attempt_timeout",
    "broker_url",
    "declare_for_publishing",
    "declare_topology",
    "designed_delays_ms",
    "policy_for",
    "publish_records",
    "queue_depths",
    "queue_names",
    "read_depths",
    "route_failure",
]
