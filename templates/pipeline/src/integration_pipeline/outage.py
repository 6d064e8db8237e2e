"""One policy for a lost broker or database: reconnect with backoff, or give up.

Every pika and psycopg call path of the RabbitMQ transport (connect, declare, publish,
consume, commit) lets its connection-loss exceptions reach one ``Outage``: while the
give-up budget lasts it answers with the next backoff delay (``reconnect_initial_seconds``
doubling up to ``reconnect_max_seconds``, jittered), after that it raises
``BrokerUnavailable`` or ``StateLost`` carrying one line, which the CLI prints as
``unavailable: ...`` before exiting 1. No traceback reaches the operator either way.

Kept free of pika so the give-up arithmetic is testable without a broker.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from .state_postgres import StateLost


class BrokerUnavailable(Exception):
    """The broker could not be reached; the message never contains the URL's password."""


class Outage:
    """Counts one outage from its first failure until ``recovered()``.

    ``lost(what)`` returns the seconds to wait before the next try, or raises the
    give-up exception once ``give_up_seconds`` would be exceeded by that wait. A budget
    is per outage, not per process: a worker that reconnects and makes progress starts a
    fresh one at its next loss.
    """

    def __init__(
        self,
        initial_seconds: float,
        max_seconds: float,
        give_up_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] | None = None,
    ) -> None:
        self.initial = initial_seconds
        self.maximum = max_seconds
        self.give_up = give_up_seconds
        self.clock = clock
        self.rng = rng
        self._backoff = initial_seconds
        self._since: float | None = None

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    def recovered(self) -> None:
        """The service answered again: the next loss starts a new outage."""
        self._since = None
        self._backoff = self.initial

    def lost(self, error: str, *, database: bool = False) -> float:
        """The delay before the next try; raises when the budget is spent."""
        now = self.clock()
        if self._since is None:
            self._since = now
        delay = self._backoff * (0.5 + self.rng() / 2) if self.rng is not None else self._backoff
        if now - self._since + delay > self.give_up:
            what = "database" if database else "broker"
            detail = " ".join(error.split())  # one line, whatever the driver's text
            message = f"gave up after {self.give_up:g} s without the {what}: {detail}"
            raise StateLost(message) if database else BrokerUnavailable(message)
        self._backoff = min(self._backoff * 2, self.maximum)
        return delay
