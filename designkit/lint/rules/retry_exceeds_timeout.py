"""A retry row's delays add up to more than its timeout.

The delays alone then outlast the budget the row gives the whole operation,
so the last retries can never happen.

PASS: | Server error | Exponential | 3 | 2s, 4s, 8s | 60s |
FAIL: | Server error | Exponential | 3 | 20s, 40s, 80s | 60s |

FIX: Shorten the delays or raise the row's timeout so the delays fit inside it.
"""

from __future__ import annotations

from collections.abc import Iterator

from designkit.diagnostics import Severity
from designkit.lint.engine import Finding
from designkit.parse.document import ParsedDesign

CODE = "DK304"
NAME = "retry-exceeds-timeout"
SEVERITY = Severity.WARNING


def check(parsed: ParsedDesign) -> Iterator[Finding]:
    for index, policy in enumerate(parsed.design.error_handling.retry_policies):
        timeout = policy.timeout_seconds
        total = sum(policy.backoff_seconds)
        if timeout is None or not policy.backoff_seconds or total <= timeout:
            continue
        yield Finding(
            f"retry '{policy.scenario}': delays add up to {total:g}s, more than its timeout of "
            f"{timeout:g}s",
            f"error_handling.retry_policies[{index}].timeout_seconds",
        )
