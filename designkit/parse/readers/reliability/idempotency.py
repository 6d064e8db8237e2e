"""Idempotency Strategy: how a message delivered twice is processed once.

The approach must be one the contract knows (idempotency key, natural key,
upsert), since a generated pipeline implements it; the deduplication window is a
duration. Written under ``## Reliability`` without a sub-heading, only lines
about idempotency or duplicates count.

PASS::

    ## Reliability & Resilience

    ### Idempotency Strategy

    - **Approach**: Idempotency key
    - **Key**: Shopify order id
    - **Deduplication window**: 24h

FAIL (DK202)::

    ## Reliability & Resilience

    ### Idempotency Strategy

    - **Approach**: Hope for the best
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from designkit.model import IdempotencyApproach
from designkit.parse import values as v
from designkit.parse.readers.spec import SectionSpec, Topic
from designkit.parse.tables import find_label

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "reliability.idempotency"

SPEC = SectionSpec(
    KEY,
    "Idempotency Strategy",
    "reliability",
    ("idempotency strategy", "idempotency", "deduplication"),
    topic=Topic(
        (
            "idempotency",
            "idempotency key",
            "dedup",
            "dedupe",
            "deduplication",
            "dedup key",
            "deduplication key",
        ),
        re.compile(
            r"idempot|de-?dup|duplicate|upsert|exactly[\s-]once|natural\s+key|business\s+key",
            re.IGNORECASE,
        ),
    ),
    integration=True,
)

APPROACHES = {
    "idempotency_key": IdempotencyApproach.IDEMPOTENCY_KEY,
    "idempotency": IdempotencyApproach.IDEMPOTENCY_KEY,
    "natural_key": IdempotencyApproach.NATURAL_KEY,
    "business_key": IdempotencyApproach.NATURAL_KEY,
    "upsert": IdempotencyApproach.UPSERT,
    "merge": IdempotencyApproach.UPSERT,
}

_WINDOW_LABELS = (
    "deduplication window",
    "dedup window",
    "dedupe window",
    "window",
    "deduplication",
    "dedup",
)


def read(doc: Reader) -> dict[str, Any]:
    labels = doc.labels(KEY)
    out: dict[str, Any] = {}
    found = find_label(labels, ("approach", "strategy", "method"))
    if found is not None:
        out["approach"] = doc.enum(
            found.value,
            APPROACHES,
            "idempotency approach",
            f"{KEY}.approach",
            found.line,
            found.column,
        )
    found = find_label(labels, ("key", "idempotency key", "dedup key", "deduplication key"))
    if found is not None:
        out["key"] = doc.text(found.value, f"{KEY}.key", found.line, found.column)
    found = find_label(labels, _WINDOW_LABELS)
    if found is not None:
        out["dedup_window_seconds"] = doc.convert(
            found.value,
            v.parse_duration,
            f"{KEY}.dedup_window_seconds",
            found.line,
            found.column,
        )
    return out
