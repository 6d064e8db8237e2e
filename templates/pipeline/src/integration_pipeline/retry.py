"""Retry executor: one tenacity loop whose decisions come from the design's retry table.

Reading of ``max_attempts`` (see the design model contract; a policy's own ``reading``,
else ``config.retry.reading``):

* ``retries_after_first_try`` (the default; the template pairs "Max Attempts 3" with
  three delays ``1s, 2s, 4s``): ``max_attempts`` counts the retries *after* the first
  try. Total tries = ``max_attempts + 1``; the delay before retry *i* is
  ``delays_seconds[i-1]``.
* ``total_tries``: ``max_attempts`` counts every try including the first.
  Total tries = ``max_attempts``; there are ``max_attempts - 1`` delays.

In both readings the number of retries is fixed by ``max_attempts``; the delays list
supplies the waits. If it is shorter than the number of retries the strategy extends it
(exponential doubles the last delay, fixed repeats it, linear adds the last step; 1s
when the list is empty); extra entries are ignored. ``strategy: none`` never retries.

Other rules, applied on every failure:

* the error is classified first (errors.classify); the policy used is the first whose
  ``applies_to`` contains the class; no policy means no retry;
* ``auth``, ``validation`` and ``permanent`` are never retried, whatever a policy says,
  and neither is an open circuit (failing fast is the breaker's purpose);
* ``Retry-After`` (429, 503) replaces the designed delay for that retry: the server
  said when it can take the call again;
* ``jitter: true`` scales each delay by a factor in [0.5, 1.0) ("equal jitter"), so
  clients spread out but never retry sooner than half the designed delay;
* ``timeout_seconds`` is the total budget from the first try: a retry whose wait would
  end past the budget is not made; each attempt gets ``min(attempt_timeout, remaining
  budget)`` as its own timeout.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from tenacity import RetryCallState, Retrying, stop_never

from .config import Retry, RetryPolicy
from .errors import NEVER_RETRIED, CircuitOpenError, PipelineError, classify

T = TypeVar("T")


def retry_count(policy: RetryPolicy, reading: str) -> int:
    """How many retries (tries after the first) the policy allows under ``reading``."""
    if policy.strategy == "none":
        return 0
    if reading == "total_tries":
        return policy.max_attempts - 1
    return policy.max_attempts


def planned_delays(policy: RetryPolicy, reading: str) -> list[float]:
    """The wait before each retry, one entry per retry, before jitter and Retry-After."""
    count = retry_count(policy, reading)
    delays = [float(d) for d in policy.delays_seconds[:count]]
    while len(delays) < count:
        if not delays:
            delays.append(1.0)
        elif policy.strategy == "exponential":
            delays.append(delays[-1] * 2)
        elif policy.strategy == "linear":
            step = delays[-1] - delays[-2] if len(delays) > 1 else delays[0]
            delays.append(delays[-1] + step)
        else:
            delays.append(delays[-1])
    return delays


class RetryExecutor:
    """Runs a call under the retry table; ``sleep``, ``clock`` and ``rng`` are injectable."""

    def __init__(
        self,
        retry: Retry,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        attempt_timeout: float = 30.0,
        on_retry: Callable[[PipelineError, int, float], None] | None = None,
    ) -> None:
        self.retry = retry
        self.sleep = sleep
        self.clock = clock
        self.rng = rng
        self.attempt_timeout = attempt_timeout
        self.on_retry = on_retry

    def policy_for(self, error_class: str) -> RetryPolicy | None:
        for policy in self.retry.policies:
            if error_class in policy.applies_to:
                return policy
        return None

    def _budget(self, policy: RetryPolicy | None) -> float | None:
        if policy is not None:
            return policy.timeout_seconds
        budgets = [p.timeout_seconds for p in self.retry.policies if p.timeout_seconds]
        return max(budgets) if budgets else None

    def call(self, fn: Callable[[float], T]) -> T:
        """Call ``fn(timeout)`` until it succeeds or the policy gives up.

        Raises the last error as a classified PipelineError with ``attempts`` set.
        """
        start = self.clock()
        # Fast path: most calls succeed at once, and building tenacity's machinery for
        # each of them dominated the pipeline's cost. The first failure is replayed as
        # attempt 1 below, so the retry schedule is exactly the same.
        budget = self._budget(None)
        first_timeout = self.attempt_timeout
        if budget is not None:
            first_timeout = max(0.001, min(first_timeout, budget))
        try:
            return fn(first_timeout)
        except Exception as exc:
            first: list[tuple[PipelineError, BaseException]] = [(classify(exc), exc)]
        state: dict[str, object] = {"policy": None, "delay": 0.0, "attempts": 0}

        def attempt() -> T:
            state["attempts"] = int(state["attempts"]) + 1  # type: ignore[call-overload]
            if first:
                error, cause = first.pop()
                raise error from cause
            budget = self._budget(state["policy"])  # type: ignore[arg-type]
            timeout = self.attempt_timeout
            if budget is not None:
                timeout = max(0.001, min(timeout, budget - (self.clock() - start)))
            try:
                return fn(timeout)
            except Exception as exc:
                raise classify(exc) from exc

        def should_retry(retry_state: RetryCallState) -> bool:
            outcome = retry_state.outcome
            if outcome is None or not outcome.failed:
                return False
            error = outcome.exception()
            assert isinstance(error, PipelineError)
            if isinstance(error, CircuitOpenError) or error.error_class in NEVER_RETRIED:
                return False
            policy = self.policy_for(error.error_class)
            state["policy"] = policy
            if policy is None:
                return False
            delays = planned_delays(policy, policy.reading or self.retry.reading)
            index = retry_state.attempt_number - 1
            if index >= len(delays):
                return False
            delay = delays[index]
            if policy.jitter:
                delay *= 0.5 + self.rng() / 2
            if error.retry_after is not None and error.error_class in (
                "rate_limited",
                "server_error",
            ):
                delay = error.retry_after
            budget = policy.timeout_seconds
            if budget is not None and (self.clock() - start) + delay > budget:
                return False
            state["delay"] = delay
            if self.on_retry is not None:
                self.on_retry(error, retry_state.attempt_number, delay)
            return True

        retrying = Retrying(
            retry=should_retry,
            wait=lambda _s: float(state["delay"]),  # type: ignore[arg-type]
            stop=stop_never,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except PipelineError as error:
            error.attempts = int(state["attempts"])  # type: ignore[call-overload]
            raise
