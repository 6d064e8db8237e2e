"""A retry row says "no retry" but allows more than one attempt.

Code generated from the row cannot do both; whoever implements it picks one,
and the design no longer says what runs.

PASS: | Auth failure | No retry | 1 | N/A | N/A |
FAIL: | Auth failure | No retry | 3 | N/A | N/A |

FIX: Set Max Attempts to 1 for a 'No retry' row, or give the row a real strategy and delays.
"""

from __future__ import annotations

from collections.abc import Iterator

from designkit.diagnostics import Severity
from designkit.lint.engine import Finding
from designkit.model import RetryStrategy
from designkit.parse.document import ParsedDesign

CODE = "DK305"
NAME = "retry-none-with-attempts"
SEVERITY = Severity.WARNING


def check(parsed: ParsedDesign) -> Iterator[Finding]:
    for index, policy in enumerate(parsed.design.error_handling.retry_policies):
        if policy.strategy is RetryStrategy.NONE and (policy.max_attempts or 0) > 1:
            yield Finding(
                f"retry '{policy.scenario}': strategy is no retry but max attempts is "
                f"{policy.max_attempts}",
                f"error_handling.retry_policies[{index}].max_attempts",
            )
