"""Risks & Mitigation: what could go wrong, how likely, how bad, and what is done about it.

Probability and impact are rated High, Medium or Low (``H``/``M``/``L`` too), so
risks can be ranked; extra columns (owner, status) are kept.

PASS::

    ## Risks & Mitigation

    | Risk | Probability | Impact | Mitigation |
    |---|---|---|---|
    | NetSuite API limits | High | Medium | Queue and throttle |

FAIL (DK202)::

    ## Risks & Mitigation

    | Risk | Probability | Impact | Mitigation |
    |---|---|---|---|
    | NetSuite API limits | Sometimes | Medium | Queue and throttle |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.parse.readers._rows import filled_rows
from designkit.parse.readers._vocabulary import LEVELS
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

SPEC = SectionSpec(
    "risks",
    "Risks & Mitigation",
    None,
    ("risks and mitigation", "risks and mitigations", "risks", "risk", "risk register"),
)

COLUMNS = {
    "risk": ("risk", "risk description", "description"),
    "probability": ("probability", "likelihood", "prob"),
    "impact": ("impact", "severity"),
    "mitigation": ("mitigation", "mitigations", "response", "mitigation strategy"),
}


def read(doc: Reader) -> list[dict[str, Any]]:
    table = doc.table("risks", COLUMNS, ("risk",))
    if table is None:
        return []
    rows: list[dict[str, Any]] = []
    for path, row in filled_rows(doc, table, "risks"):
        item: dict[str, Any] = {}
        for name in ("risk", "mitigation"):
            text, line, column = doc.cell(row.cells, name)
            item[name] = doc.text(text, f"{path}.{name}", line, column)
        for name in ("probability", "impact"):
            text, line, column = doc.cell(row.cells, name)
            item[name] = doc.enum(text, LEVELS, name, f"{path}.{name}", line, column)
        if row.extra:
            item["extra_columns"] = row.extra
        rows.append(item)
    return rows
