"""Publishing records to the work queue (``run``/``publish`` with ``transport: rabbitmq``):
batch messages with publisher confirms, a window of unconfirmed ones, sent again after a
lost connection."""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pika
from pika.spec import Basic

from .config import PipelineConfig
from .messages import Outgoing, batch_messages
from .outage import BrokerUnavailable, Outage
from .rabbitmq_topology import (
    BROKER_ERRORS,
    QueueNames,
    broker_url,
    connect,
    declare_topology,
    describe,
    parameters,
)
from .state_postgres import safe_url, scrub


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
