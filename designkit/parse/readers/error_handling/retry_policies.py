"""Retry Logic: which failures are retried, how often, with which delays and timeout.

A generated pipeline executes this table, so each number is read strictly:
attempts as a count, delays as a list of durations, the timeout as a duration.
A Backoff cell may also name the strategy (``exponential (1s/2s/4s)``) when the
table has no Strategy column. Jitter is read from the strategy or a Jitter column.

PASS::

    ## Error Handling Strategy

    ### Retry Logic

    | Scenario | Strategy | Max Attempts | Backoff | Timeout |
    |---|---|---|---|---|
    | API timeout | Exponential | 3 | 1s, 2s, 4s | 30s |

PASS::

    ## Error Handling Strategy

    ### Retry Logic

    | Error | Max Attempts | Backoff |
    |---|---|---|
    | 503 | 3 | exponential (1s/2s/4s) |

FAIL (DK104)::

    ## Error Handling Strategy

    ### Retry Logic

    We retry a few times.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from designkit.model import RetryStrategy
from designkit.parse import values as v
from designkit.parse.readers._rows import filled_rows
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "error_handling.retry_policies"

SPEC = SectionSpec(
    KEY,
    "Retry Logic",
    "error_handling",
    ("retry logic", "retry policy", "retry policies", "retries", "retry strategy", "retry"),
    integration=True,
)

COLUMNS = {
    "scenario": ("scenario", "error", "condition", "error type", "failure"),
    "strategy": ("strategy", "retry strategy", "policy"),
    "max_attempts": ("max attempts", "attempts", "max retries", "retries", "maximum attempts"),
    "backoff": ("backoff", "delays", "delay", "backoff delays", "intervals"),
    "timeout": ("timeout", "time limit", "per attempt timeout"),
}

STRATEGIES = {
    "exponential": RetryStrategy.EXPONENTIAL,
    "exp": RetryStrategy.EXPONENTIAL,
    "fixed": RetryStrategy.FIXED,
    "constant": RetryStrategy.FIXED,
    "fixed_delay": RetryStrategy.FIXED,
    "retry_after": RetryStrategy.FIXED,
    "linear": RetryStrategy.LINEAR,
    "incremental": RetryStrategy.LINEAR,
    "none": RetryStrategy.NONE,
    "no_retry": RetryStrategy.NONE,
    "no": RetryStrategy.NONE,
    "do_not_retry": RetryStrategy.NONE,
    "fail_fast": RetryStrategy.NONE,
    "never": RetryStrategy.NONE,
}


def read(doc: Reader) -> list[dict[str, Any]]:
    table = doc.table(KEY, COLUMNS, ("scenario", "max_attempts"))
    if table is None:
        return []
    rows: list[dict[str, Any]] = []
    for path, row in filled_rows(doc, table, KEY):
        item: dict[str, Any] = {}
        text, line, column = doc.cell(row.cells, "scenario")
        item["scenario"] = doc.text(text, f"{path}.scenario", line, column)
        strategy_text, line, column = doc.cell(row.cells, "strategy")
        item["strategy"] = doc.enum(
            strategy_text, STRATEGIES, "retry strategy", f"{path}.strategy", line, column
        )
        text, line, column = doc.cell(row.cells, "max_attempts")
        item["max_attempts"] = doc.convert(
            text, v.parse_count, f"{path}.max_attempts", line, column
        )
        text, line, column = doc.cell(row.cells, "backoff")
        named, offset, delays = strategy_and_delays(text)
        if named is not None and "strategy" not in row.cells:
            # 'exponential (1s/2s/4s)' in a table without a Strategy column names both
            strategy_text = named
            item["strategy"] = doc.enum(
                named, STRATEGIES, "retry strategy", f"{path}.strategy", line, column
            )
        backoff = doc.convert(
            delays, v.parse_duration_list, f"{path}.backoff_seconds", line, column + offset
        )
        item["backoff_seconds"] = backoff or []
        text, line, column = doc.cell(row.cells, "timeout")
        item["timeout_seconds"] = doc.convert(
            text, v.parse_duration, f"{path}.timeout_seconds", line, column
        )
        item["jitter"] = _mentions_jitter(strategy_text, row.extra)
        if row.extra:
            item["extra_columns"] = row.extra
        rows.append(item)
    return rows


def _mentions_jitter(strategy: str | None, extra: dict[str, str]) -> bool:
    if strategy and "jitter" in strategy.lower():
        return True
    for header, value in extra.items():
        if "jitter" in header.lower():
            lowered = value.strip().lower()
            return bool(lowered) and lowered not in {"no", "none", "false", "n/a", "-", "off"}
    return False


_STRATEGY_LEAD = re.compile(
    r"^([A-Za-z][A-Za-z \t_-]*?)[ \t]*(?:([:(\u2013\u2014-])[ \t]*)?(?=[\d.])"
)


def strategy_and_delays(text: str | None) -> tuple[str | None, int, str | None]:
    """A Backoff cell that starts by naming its strategy: ``exponential (1s/2s/4s)``,
    ``fixed: 5s, 5s``, ``Exponential backoff: 2s, 4s, 8s``.

    Returns the strategy words (only when they name a strategy), the offset of the
    delays in the cell, and the delays; a cell without such a lead is returned whole.
    """
    if text is None:
        return None, 0, None
    stripped = text.strip()
    match = _STRATEGY_LEAD.match(stripped)
    if match is None:
        return None, 0, text
    lead = match.group(1).strip()
    try:
        v.parse_enum(lead, STRATEGIES, what="retry strategy")
    except v.UnparseableValue:
        return None, 0, text
    delays = stripped[match.end() :]
    if match.group(2) == "(" and delays.endswith(")") and "(" not in delays:
        delays = delays[:-1]
    return lead, text.find(stripped) + match.end(), delays
