"""Success Criteria: the numbers that say the integration works.

A Metric / Target table; the rows the contract knows (throughput, latency,
availability, error rate, maturity target) are read as numbers and checked
against the design elsewhere, every other row is kept as written in ``other``.

PASS::

    ## Success Criteria

    | Metric | Target |
    |---|---|
    | Throughput | 500 orders/min |
    | Customer satisfaction | Fewer support tickets |

FAIL (DK202)::

    ## Success Criteria

    | Metric | Target |
    |---|---|
    | Availability | most of the time |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from designkit.parse import values as v
from designkit.parse.readers._vocabulary import METRIC_TARGET_COLUMNS
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

SPEC = SectionSpec(
    "success_criteria",
    "Success Criteria",
    None,
    ("success criteria", "success metrics", "acceptance criteria", "kpis"),
)


def _target(metric: str) -> tuple[str, Callable[[str], Any]] | None:
    """The model field a metric's target is, and how to read it; ``None`` for any other."""
    if metric.startswith(("throughput", "volume", "rate")):
        return "throughput_per_minute", v.parse_rate_per_minute
    if metric.startswith("latency") or " latency" in f" {metric}":
        return "latency_p95_seconds", v.parse_duration
    if metric.startswith(("availability", "uptime")):
        return "availability_percent", v.parse_percent
    if metric.startswith(("error rate", "errors", "failure rate")):
        return "error_rate_percent", v.parse_percent
    if metric.startswith(("maturity target", "maturity", "target maturity")):
        return "maturity_target_level", v.parse_level
    return None


def read(doc: Reader) -> dict[str, Any]:
    prefix = "success_criteria"
    table = doc.table(prefix, METRIC_TARGET_COLUMNS, ("metric", "target"))
    out: dict[str, Any] = {}
    other: list[dict[str, Any]] = []
    if table is None:
        return out
    for row in table.rows:
        metric_cell = row.cells.get("metric")
        text, line, column = doc.cell(row.cells, "target")
        if metric_cell is None:
            continue
        target = _target(v.normalise_key(metric_cell.text))
        if target is None or target[0] in out:
            path = f"{prefix}.other[{len(other)}]"
            doc.at(path, row.line)
            other.append(
                {
                    "metric": metric_cell.text,
                    "target": doc.text(text, f"{path}.target", line, column),
                }
            )
            continue
        out[target[0]] = doc.convert(text, target[1], f"{prefix}.{target[0]}", line, column)
    if other:
        out["other"] = other
    return out
