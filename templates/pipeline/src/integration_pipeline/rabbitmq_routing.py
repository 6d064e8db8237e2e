"""Where a failed delivery goes in broker mode: a retry queue after a delay, or the DLQ.

retry.RetryExecutor's decisions, rule for rule (classes never retried, the policy's
``max_attempts`` reading, delays, jitter, Retry-After, ``timeout_seconds`` budget); only
the waiting happens in the broker instead of the process."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from .config import PipelineConfig, RetryPolicy
from .errors import NEVER_RETRIED, CircuitOpenError, PipelineError
from .retry import planned_delays


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
