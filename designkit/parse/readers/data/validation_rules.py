"""Validation Rules: what is checked on the data, when, and what happens on failure.

A rule without an action on failure is half a rule, so the table needs both a
Rule and an Action column; extra columns (severity, owner) are kept.

PASS::

    ## Data Design

    ### Validation Rules

    | Rule | When | Action on Failure |
    |---|---|---|
    | Email is well formed | Before mapping | Send to DLQ |

FAIL (DK104)::

    ## Data Design

    ### Validation Rules

    | Rule | When |
    |---|---|
    | Email is well formed | Before mapping |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.parse.readers._rows import plain_rows
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "data.validation_rules"

SPEC = SectionSpec(
    KEY,
    "Validation Rules",
    "data",
    ("validation rules", "validation", "data validation"),
    generic=("validation",),
)

COLUMNS = {
    "rule": ("rule", "validation", "check"),
    "when": ("when", "stage", "timing"),
    "action": ("action on failure", "action", "on failure", "failure action"),
}


def read(doc: Reader) -> list[dict[str, Any]]:
    table = doc.table(KEY, COLUMNS, ("rule", "action"))
    return plain_rows(doc, table, KEY, ("rule", "when", "action"), extra_columns=True)
