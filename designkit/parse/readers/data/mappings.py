"""Mapping Specifications: which source field becomes which target field, and how.

The table is what a generated pipeline executes, so a row is read only when its
target is named; the transformation must be one the contract knows (direct,
lookup, formula, conditional). Field names lose the backticks around them;
columns the template does not name are kept as ``extra_columns``.

PASS::

    ## Data Design

    ### Mapping Specifications

    | Source Field | Transformation | Target Field |
    |---|---|---|
    | `order.id` | Direct | `externalId` |

FAIL (DK104)::

    ## Data Design

    ### Mapping Specifications

    | Field | Meaning |
    |---|---|
    | id | the order's number |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.model import Transformation
from designkit.parse.readers._rows import filled_rows
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "data.mappings"

SPEC = SectionSpec(
    KEY,
    "Mapping Specifications",
    "data",
    (
        "mapping specifications",
        "mapping specification",
        "mappings",
        "mapping",
        "field mappings",
        "field mapping",
    ),
    integration=True,
)

COLUMNS = {
    "source_field": ("source field", "source", "from", "source attribute"),
    "source_type": ("source type",),
    "transformation": (
        "transformation",
        "transform",
        "transformation type",
        "mapping type",
        "rule",
        "logic",
    ),
    "target_field": ("target field", "target", "to", "target attribute", "destination field"),
    "target_type": ("target type",),
    "notes": ("notes", "note", "comments", "comment", "remarks", "description"),
}

TRANSFORMATIONS = {
    "direct": Transformation.DIRECT,
    "copy": Transformation.DIRECT,
    "direct_copy": Transformation.DIRECT,
    "passthrough": Transformation.DIRECT,
    "pass_through": Transformation.DIRECT,
    "lookup": Transformation.LOOKUP,
    "look_up": Transformation.LOOKUP,
    "map": Transformation.LOOKUP,
    "formula": Transformation.FORMULA,
    "calculated": Transformation.FORMULA,
    "computed": Transformation.FORMULA,
    "expression": Transformation.FORMULA,
    "concatenate": Transformation.FORMULA,
    "concat": Transformation.FORMULA,
    "conditional": Transformation.CONDITIONAL,
    "if": Transformation.CONDITIONAL,
    "case": Transformation.CONDITIONAL,
}


def read(doc: Reader) -> list[dict[str, Any]]:
    table = doc.table(KEY, COLUMNS, ("target_field",))
    if table is None:
        return []
    rows: list[dict[str, Any]] = []
    for path, row in filled_rows(
        doc,
        table,
        KEY,
        report=lambda row: any(cell.text for cell in row.cells.values()) or not row.extra,
    ):
        item: dict[str, Any] = {}
        for name in ("source_field", "source_type", "target_field", "target_type"):
            text, line, column = doc.cell(row.cells, name)
            item[name] = doc.text(
                identifier(text), f"{path}.{name}", line, column, optional=name.endswith("type")
            )
        text, line, column = doc.cell(row.cells, "transformation")
        item["transformation"] = doc.enum(
            text, TRANSFORMATIONS, "transformation", f"{path}.transformation", line, column
        )
        text, line, column = doc.cell(row.cells, "notes")
        item["notes"] = doc.text(text, f"{path}.notes", line, column, optional=True)
        if row.extra:
            item["extra_columns"] = row.extra
        rows.append(item)
    return rows


def identifier(text: str | None) -> str | None:
    """Field names lose the Markdown around them: ``\\`order_id\\``` -> ``order_id``."""
    if text is None:
        return None
    stripped = text.strip()
    if len(stripped) > 1 and stripped[0] == stripped[-1] == "`" and "`" not in stripped[1:-1]:
        return stripped[1:-1].strip()
    return stripped
