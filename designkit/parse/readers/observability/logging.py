"""Logging Strategy: what is logged at which level, and how a message is traced.

The log-level table gives the ``logging`` rows; the correlation id and the
structured format are labelled lines, read under the sub-section's own heading
and, when it has one, from lines about logging anywhere in the observability
section. They are fields of the observability model, so this reader fills those.

PASS::

    ## Monitoring & Observability

    ### Logging Strategy

    | Level | What to Log | Example |
    |---|---|---|
    | ERROR | Failed deliveries | order 42 rejected |

    - **Correlation ID**: the Shopify order id, on every line

FAIL (DK104)::

    ## Monitoring & Observability

    ### Logging Strategy

    We log everything.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from designkit.parse.readers._rows import plain_rows
from designkit.parse.readers.spec import SectionSpec, Topic
from designkit.parse.tables import find_label

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "observability.logging"

SPEC = SectionSpec(
    KEY,
    "Logging Strategy",
    "observability",
    ("logging strategy", "logging", "logs"),
    generic=("logs",),
    topic=Topic(
        (
            "correlation id",
            "correlation",
            "trace id",
            "tracing",
            "structured format",
            "log format",
            "logging",
        ),
        re.compile(
            r"\blog|json|structured|logfmt|\becs\b|opentelemetry|\botel\b|trac(?:e|ing)|correlat",
            re.IGNORECASE,
        ),
    ),
)

FIELD = "observability"
"""Where the value lands: the logging rows and the tracing fields are the observability
model's own."""

COLUMNS = {
    "level": ("level", "log level"),
    "what": ("what to log", "what", "events", "content"),
    "example": ("example", "examples", "sample"),
}


def read(doc: Reader) -> dict[str, Any]:
    table = doc.table(KEY, COLUMNS, ("level",))
    out: dict[str, Any] = {
        "logging": plain_rows(doc, table, KEY, ("level", "what", "example"), optional=("example",))
    }
    labels = doc.labels(KEY)
    if KEY in doc.outline.by_key:
        labels += doc.about(KEY, doc.scopes("observability"))
    for name, aliases in (
        ("correlation_id", ("correlation id", "correlation", "trace id", "tracing")),
        ("structured_format", ("structured format", "format", "log format")),
    ):
        found = find_label(labels, aliases)
        if found is not None:
            out[name] = doc.text(found.value, f"observability.{name}", found.line, found.column)
    return out
