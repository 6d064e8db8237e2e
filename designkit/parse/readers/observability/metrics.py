"""Metrics (RED Method): what is measured, and when it alerts.

Rows are kept as written; an alert threshold still showing its template slot
(``> [X]%``) is an unfilled value even though the row is filled.

PASS::

    ## Monitoring & Observability

    ### Metrics (RED Method)

    | Metric | Description | Alert Threshold |
    |---|---|---|
    | Error rate | Failed / total deliveries | > 5% for 5 min |

FAIL (DK201)::

    ## Monitoring & Observability

    ### Metrics (RED Method)

    | Metric | Description | Alert Threshold |
    |---|---|---|
    | Error rate | Failed / total deliveries | > [X]% |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.parse.readers._rows import plain_rows
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "observability.metrics"

SPEC = SectionSpec(
    KEY,
    "Metrics (RED Method)",
    "observability",
    ("metrics", "red method", "metrics and alerts", "alerting"),
)

COLUMNS = {
    "name": ("metric", "name", "signal"),
    "description": ("description", "meaning", "measures"),
    "alert_threshold": ("alert threshold", "threshold", "alert", "alerting"),
}


def read(doc: Reader) -> list[dict[str, Any]]:
    table = doc.table(KEY, COLUMNS, ("name",))
    return plain_rows(
        doc,
        table,
        KEY,
        ("name", "description", "alert_threshold"),
        numeric=("alert_threshold",),
    )
