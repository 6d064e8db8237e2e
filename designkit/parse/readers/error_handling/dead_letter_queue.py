"""Dead Letter Queue: when a message is parked, who watches the queue, how it is replayed.

Wrong is worse than missing here: a DLQ field filled from a sentence about
something else gives the design credit it has not earned. Under its own heading
every label counts; written straight under ``## Error Handling``, a label counts
only when it is one of the DLQ's own (``Reprocessing``) or its words talk about
dead letters, parked or failed messages, or replays (:data:`SPEC` topic).

PASS::

    ## Error Handling Strategy

    ### Dead Letter Queue

    - **When to DLQ**: After the last retry fails
    - **Monitoring**: Alert when depth > 25
    - **Retention**: 14 days

FAIL::

    ## Error Handling Strategy

    **Recovery**: User clicks Reconnect, goes through OAuth again.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from designkit.parse import values as v
from designkit.parse.readers._prose import labelled_fields
from designkit.parse.readers.spec import SectionSpec, Topic
from designkit.parse.tables import find_label

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "error_handling.dead_letter_queue"

SPEC = SectionSpec(
    KEY,
    "Dead Letter Queue",
    "error_handling",
    ("dead letter queue", "dead letter", "deadletter queue", "dlq"),
    topic=Topic(
        ("when to dlq", "dlq", "dead letter", "reprocessing", "reprocess", "replay", "redrive"),
        re.compile(
            r"\bdlq|dead[\s-]?letter|poison|quarantin|\bpark(?:ed|ing)\b|replay|reprocess|"
            r"re-?drive|re-?queue|failed\s+(?:messages?|events?|records?|rows?|items?|"
            r"orders?|deliver(?:y|ies)|jobs?|payloads?|webhooks?)",
            re.IGNORECASE,
        ),
    ),
    integration=True,
)

FIELDS = (
    ("when", ("when to dlq", "when", "triggers", "trigger", "conditions")),
    ("monitoring", ("monitoring", "alerting", "alerts")),
    ("reprocessing", ("reprocessing", "replay", "reprocess", "recovery")),
)

_THRESHOLD = re.compile(r"(?:>=?|≥|above|over|exceeds|more than)\s*(\d[\d,]*)", re.IGNORECASE)


def read(doc: Reader) -> dict[str, Any]:
    labels = doc.labels(KEY)
    out = labelled_fields(doc, KEY, KEY, FIELDS)
    threshold = find_label(labels, ("alert threshold", "threshold"))
    source = threshold or find_label(labels, ("monitoring", "alerting", "alerts"))
    if source is not None:
        out["alert_threshold"] = doc.convert(
            source.value, alert_threshold, f"{KEY}.alert_threshold", source.line, source.column
        )
    found = find_label(labels, ("retention", "retention period", "kept for", "ttl"))
    if found is not None:
        out["retention_days"] = doc.convert(
            found.value,
            v.parse_retention_days,
            f"{KEY}.retention_days",
            found.line,
            found.column,
        )
    return out


def alert_threshold(text: str) -> int:
    """The depth a monitoring sentence alerts at: ``Alert when depth > 25`` -> 25."""
    match = _THRESHOLD.search(text)
    if match is not None:
        return v.parse_count(match.group(1))
    return v.parse_count(text)
