"""Disaster Recovery: how long recovery may take, how much data may be lost, how it fails over.

A Metric / Target / Current table; each row is recognised by its metric (RTO,
RPO, failover, backup), so rows may come in any order and other rows are
ignored. RTO and RPO are durations; failover is manual or automatic.

PASS::

    ## Reliability & Resilience

    ### Disaster Recovery

    | Metric | Target | Current |
    |---|---|---|
    | RTO | 4 hours | 1 day |
    | Failover | Automatic | Manual |

FAIL (DK104)::

    ## Reliability & Resilience

    ### Disaster Recovery

    We restore from backups.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from designkit.model import Failover
from designkit.parse import values as v
from designkit.parse.readers._vocabulary import METRIC_TARGET_COLUMNS
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "reliability.disaster_recovery"

SPEC = SectionSpec(
    KEY,
    "Disaster Recovery",
    "reliability",
    ("disaster recovery", "dr", "business continuity"),
    generic=("dr",),
)

FAILOVER = {
    "manual": Failover.MANUAL,
    "automatic": Failover.AUTOMATIC,
    "automated": Failover.AUTOMATIC,
    "auto": Failover.AUTOMATIC,
}


def read(doc: Reader) -> dict[str, Any]:
    table = doc.table(KEY, METRIC_TARGET_COLUMNS, ("metric", "target"))
    out: dict[str, Any] = {}
    if table is None:
        return out
    parser: Callable[[str], Any] | None
    for row in table.rows:
        metric = v.normalise_key(row.cells["metric"].text if "metric" in row.cells else "")
        if metric.startswith(("rto", "recovery time")):
            name, parser = "rto_seconds", v.parse_duration
        elif metric.startswith(("rpo", "recovery point")):
            name, parser = "rpo_seconds", v.parse_duration
        elif metric.startswith("failover"):
            name, parser = "failover", _failover
        elif metric.startswith("backup"):
            name, parser = "backup", None  # free text
        else:
            continue
        for column, field_name in (("target", name), ("current", f"current_{name}")):
            text, line, col = doc.cell(row.cells, column)
            if text is None:
                continue
            path = f"{KEY}.{field_name}"
            if parser is None:
                out[field_name] = doc.text(text, path, line, col, optional=column == "current")
            else:
                out[field_name] = doc.convert(
                    text, parser, path, line, col, optional=column == "current"
                )
    return out


def _failover(text: str) -> Failover:
    return v.parse_enum(text, FAILOVER, what="failover")
