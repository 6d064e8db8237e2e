"""Circuit breaker on every external call.

Consecutive failures are counted by pybreaker (``failure_threshold``). Designs also
state an error rate over a time window ("open at 50% errors in 60s"), which pybreaker
does not model, so a small sliding window beside it opens the circuit when the rate is
reached (only once ``error_rate_min_calls`` calls were seen, so one early failure is
not a 100% error rate).

Time is ours, not pybreaker's: pybreaker reads the wall clock, which tests cannot
control, so its own reset timeout is disabled and this class moves the circuit to
half-open after ``half_open_after_seconds`` on an injectable clock. In half-open at
most ``half_open_requests`` probes are in flight; ``close_after_successes`` successes
close it, any counted failure reopens it.

Only failures that say something about the remote side's health count (timeout,
connection, rate_limited, server_error); a record the target rejects as invalid does
not open the circuit.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

import pybreaker

from .config import CircuitBreakerConfig
from .errors import TRANSIENT, CircuitOpenError, classify

T = TypeVar("T")
STATE_VALUES = {"closed": 0, "open": 1, "half-open": 2}
_NEVER = 10**9  # pybreaker's own reset timeout: effectively off, see module docstring


def _not_counted(exc: BaseException) -> bool:
    return classify(exc).error_class not in TRANSIENT


class CircuitBreaker:
    """Wraps calls; ``on_state(name, value)`` is told every state change (for the gauge)."""

    def __init__(
        self,
        config: CircuitBreakerConfig,
        *,
        name: str = "target",
        clock: Callable[[], float] = time.monotonic,
        on_state: Callable[[str, int], None] | None = None,
    ) -> None:
        self.config = config
        self.name = name
        self.clock = clock
        self.on_state = on_state
        self._lock = threading.Lock()
        self._opened_at: float | None = None
        self._probes = 0
        self._window: deque[tuple[float, bool]] = deque()
        self._cb = pybreaker.CircuitBreaker(
            fail_max=config.failure_threshold or _NEVER,
            reset_timeout=_NEVER,
            success_threshold=config.close_after_successes,
            exclude=[_not_counted],
            throw_new_error_on_trip=False,
            name=name,
        )
        self._publish()

    @property
    def state(self) -> str:
        return str(self._cb.current_state)

    @property
    def opened_at(self) -> float | None:
        """When the circuit last opened (on this breaker's clock); None while closed."""
        return self._opened_at

    def _publish(self) -> None:
        if self.on_state is not None:
            self.on_state(self.name, STATE_VALUES[self.state])

    def _record(self, ok: bool) -> None:
        now = self.clock()
        self._window.append((now, ok))
        while self._window and self._window[0][0] < now - self.config.window_seconds:
            self._window.popleft()

    def error_rate(self) -> float:
        """Failure percentage over the window (0 when no calls)."""
        if not self._window:
            return 0.0
        failures = sum(1 for _, ok in self._window if not ok)
        return 100.0 * failures / len(self._window)

    def _open(self) -> None:
        self._cb.open()
        self._opened_at = self.clock()
        self._window.clear()

    def _admit(self) -> bool:
        """Decide whether a call may go through; returns True when it is a probe."""
        with self._lock:
            if self.state == "open":
                opened = self._opened_at if self._opened_at is not None else self.clock()
                if self.clock() - opened < self.config.half_open_after_seconds:
                    raise CircuitOpenError(f"circuit '{self.name}' is open")
                self._cb.half_open()
                self._probes = 0
                self._publish()
            if self.state == "half-open":
                if self._probes >= self.config.half_open_requests:
                    raise CircuitOpenError(f"circuit '{self.name}' is half-open, probes busy")
                self._probes += 1
                return True
            return False

    def call(self, fn: Callable[[], T]) -> T:
        probe = self._admit()
        before = self.state
        try:
            result = self._cb.call(fn)
        except Exception as exc:
            with self._lock:
                if probe:
                    self._probes -= 1
                counted = not _not_counted(exc)
                if counted:
                    self._record(False)
                    if (
                        self.state == "open"
                        or (probe and self.state != "closed")
                        or self._rate_exceeded()
                    ):
                        self._open()
                if self.state != before:
                    if self.state == "open" and self._opened_at is None:
                        self._opened_at = self.clock()
                    self._publish()
            raise
        with self._lock:
            if probe:
                self._probes -= 1
            self._record(True)
            if self.state != before:
                self._opened_at = None
                self._publish()
        return result

    def _rate_exceeded(self) -> bool:
        threshold = self.config.error_rate_percent
        if threshold is None or len(self._window) < self.config.error_rate_min_calls:
            return False
        return self.error_rate() >= threshold
