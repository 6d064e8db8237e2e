"""Audit Trail: which events are recorded, with which fields, for how long.

Retention is read as days (``7 years`` -> 2555), since compliance checks compare
it with a number. Template rows left as they are carry no finding: the section
is optional for many integrations.

PASS::

    ## Security Design

    ### Audit Trail

    | Event | Logged Fields | Retention |
    |---|---|---|
    | Order synced | order id, user, time | 7 years |

FAIL (DK202)::

    ## Security Design

    ### Audit Trail

    | Event | Logged Fields | Retention |
    |---|---|---|
    | Order synced | order id | forever-ish |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.parse import values as v
from designkit.parse.readers._rows import filled_rows
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "security.audit"

SPEC = SectionSpec(KEY, "Audit Trail", "security", ("audit trail", "audit", "audit logging"))

COLUMNS = {
    "event": ("event", "events", "audit event"),
    "fields": ("logged fields", "fields", "data logged"),
    "retention": ("retention", "retention period", "kept for"),
}


def read(doc: Reader) -> list[dict[str, Any]]:
    table = doc.table(KEY, COLUMNS, ("event",))
    if table is None:
        return []
    rows: list[dict[str, Any]] = []
    for path, row in filled_rows(doc, table, KEY, report=lambda _: False):
        event, line, column = doc.cell(row.cells, "event")
        fields, fline, fcolumn = doc.cell(row.cells, "fields")
        retention, rline, rcolumn = doc.cell(row.cells, "retention")
        rows.append(
            {
                "event": doc.text(event, f"{path}.event", line, column),
                "fields": doc.text(fields, f"{path}.fields", fline, fcolumn),
                "retention_days": doc.convert(
                    retention, v.parse_retention_days, f"{path}.retention_days", rline, rcolumn
                ),
            }
        )
    return rows
