"""A retry row's delays fit neither reading of its attempts.

The template pairs "Max Attempts 3" with three delays (retries after the first
try); a list one shorter reads as total tries. Any other length is a mistake
that code executing the policy cannot resolve.

PASS: | API timeout | Exponential | 3 | 1s, 2s, 4s | 30s |
PASS: | API timeout | Exponential | 3 | 1s, 2s | 30s |
FAIL: | API timeout | Exponential | 2 | 1s, 2s, 4s, 8s | 30s |

FIX: Give one delay per retry: as many delays as Max Attempts (retries after the first try) or one fewer (total tries), e.g. '| 3 | 1s, 2s, 4s |'.
"""

from __future__ import annotations

from collections.abc import Iterator

from designkit.diagnostics import Severity
from designkit.lint.engine import Finding
from designkit.parse.document import ParsedDesign

CODE = "DK301"
NAME = "retry-backoff-mismatch"
SEVERITY = Severity.ERROR


def check(parsed: ParsedDesign) -> Iterator[Finding]:
    for index, policy in enumerate(parsed.design.error_handling.retry_policies):
        attempts, delays = policy.max_attempts, len(policy.backoff_seconds)
        if attempts is None or delays == 0 or delays in (attempts, attempts - 1) or delays == 1:
            continue
        yield Finding(
            f"retry '{policy.scenario}': {delays} backoff delays for max attempts {attempts}; "
            f"expected {attempts} (retries after the first try) or {attempts - 1} (total tries)",
            f"error_handling.retry_policies[{index}].backoff_seconds",
        )
