"""Circuit Breaker: when calls to a failing system stop, and how they resume.

The template writes each state as a sentence (``Open after: 5 consecutive
failures or 50% error rate in 60s``), so each number is picked out of its
sentence by what it counts (failures, percent, window; delay and probes;
successes). A sentence whose number is still a slot (``[N] failures``) is an
unfilled placeholder, not a missing number.

PASS::

    ## Error Handling Strategy

    ### Circuit Breaker

    - **Open after**: 5 consecutive failures in 60s
    - **Half-open**: after 30s, 1 test request
    - **Close after**: 3 consecutive successes

FAIL (DK201)::

    ## Error Handling Strategy

    ### Circuit Breaker

    - **Open after**: [N] consecutive failures
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from designkit.diagnostics import Severity
from designkit.parse import values as v
from designkit.parse.readers.spec import SectionSpec, Topic
from designkit.parse.tables import Labelled, find_label

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

T = TypeVar("T")

KEY = "error_handling.circuit_breaker"

SPEC = SectionSpec(
    KEY,
    "Circuit Breaker",
    "error_handling",
    ("circuit breaker", "circuit breakers", "circuitbreaker"),
    topic=Topic(
        (
            "open after",
            "opens after",
            "trip after",
            "trips",
            "half open",
            "half opened",
            "halfopen",
            "close after",
            "closes after",
            "reset after",
            "circuit breaker",
            "breaker",
        ),
        re.compile(r"circuit|breaker|half[\s-]?open|\btrip", re.IGNORECASE),
    ),
    integration=True,
)

_INTEGER = r"(\d[\d,]*)"
_FAILURES = re.compile(
    _INTEGER + r"\s*(?:consecutive\s+)?(?:failures|failed|errors|faults|timeouts)\b", re.IGNORECASE
)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_WINDOW = re.compile(
    r"\b(?:in|within|over|per|during)\s+(?:an?\s+|the\s+last\s+|a\s+rolling\s+)?"
    r"(\d+(?:\.\d+)?\s*[a-zA-Z]+|minute|hour|second)\b",
    re.IGNORECASE,
)
_AFTER = re.compile(r"\bafter\s+(?:an?\s+)?(\d+(?:\.\d+)?\s*[a-zA-Z]+)", re.IGNORECASE)
_PROBES = re.compile(
    _INTEGER + r"\s*(?:test\s+|trial\s+|probe\s+)?(?:requests?|calls?|probes?|messages?)\b",
    re.IGNORECASE,
)
_SUCCESSES = re.compile(
    _INTEGER + r"\s*(?:consecutive\s+)?(?:successes|successful|success)\b", re.IGNORECASE
)


def read(doc: Reader) -> dict[str, Any]:
    labels = doc.labels(KEY)
    out: dict[str, Any] = {}
    opened = find_label(labels, ("open after", "opens after", "open", "trip after", "trips"))
    if opened is not None:
        value = opened.value
        if (
            v.is_placeholder(value) or not v.has_digit_outside_slots(value)
        ) and not v.is_not_applicable(value):
            doc.placeholder(value, f"{KEY}.failure_threshold", opened.line, opened.column)
        else:
            out["failure_threshold"] = _pick(
                doc, value, _FAILURES, v.parse_count, f"{KEY}.failure_threshold", opened
            )
            out["error_rate_percent"] = _pick(
                doc, value, _PERCENT, float, f"{KEY}.error_rate_percent", opened
            )
            out["window_seconds"] = _pick(
                doc, value, _WINDOW, v.parse_duration, f"{KEY}.window_seconds", opened
            )
    half = find_label(labels, ("half open", "half opened", "halfopen", "probe"))
    if half is not None and v.has_slot(half.value) and _AFTER.search(half.value) is None:
        doc.placeholder(half.value, f"{KEY}.half_open_after_seconds", half.line, half.column)
    elif half is not None:
        out["half_open_after_seconds"] = _pick(
            doc,
            half.value,
            _AFTER,
            v.parse_duration,
            f"{KEY}.half_open_after_seconds",
            half,
            required=True,
        )
        out["half_open_requests"] = _pick(
            doc, half.value, _PROBES, v.parse_count, f"{KEY}.half_open_requests", half
        )
    closed = find_label(labels, ("close after", "closes after", "close", "reset after"))
    if (
        closed is not None
        and v.has_slot(closed.value)
        and not v.has_digit_outside_slots(closed.value)
    ):
        doc.placeholder(closed.value, f"{KEY}.close_after_successes", closed.line, closed.column)
    elif closed is not None:
        out["close_after_successes"] = _pick(
            doc,
            closed.value,
            _SUCCESSES,
            v.parse_count,
            f"{KEY}.close_after_successes",
            closed,
            required=True,
        )
    return out


def _pick(
    doc: Reader,
    text: str,
    pattern: re.Pattern[str],
    parser: Callable[[str], T],
    path: str,
    found: Labelled,
    *,
    required: bool = False,
) -> T | None:
    """One number out of a sentence: '5 consecutive failures or 50% error rate in 60s'."""
    match = pattern.search(text)
    if match is None:
        if v.has_slot(text):
            doc.report(
                "DK201",
                Severity.WARNING,
                f"{path}: template slot left in {text!r}",
                found.line,
                found.column,
                path,
            )
        elif required:
            doc.report(
                "DK202",
                Severity.ERROR,
                f"{path}: no number found in {text!r}",
                found.line,
                found.column,
                path,
            )
        return None
    try:
        result = parser(match.group(1))
    except (v.UnparseableValue, ValueError) as error:
        doc.report("DK202", Severity.ERROR, f"{path}: {error}", found.line, found.column, path)
        return None
    doc.at(path, found.line, found.column + match.start(1))
    return result
