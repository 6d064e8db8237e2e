"""Flow Design: the section that holds the normal and the error flow.

No fields of its own; both sub-sections are numbered lists of steps, read the
same way by :func:`steps` (one place, so the two flows cannot drift apart).

PASS::

    ## Flow Design

    ### Normal Flow (Happy Path)

FAIL::

    ## Sprint 3: Flow Design
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.parse import values as v
from designkit.parse.readers.spec import SectionSpec
from designkit.parse.tables import split_label

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

SPEC = SectionSpec(
    "flow", "Flow Design", None, ("flow design", "flows", "process flow"), generic=("flows",)
)


def steps(doc: Reader, key: str, name_field: str, text_field: str) -> list[dict[str, Any]]:
    """The top-level items of a flow's own list: the numbered ones when any is numbered
    (bullets between numbered steps are notes), else every bullet. A labelled step
    (``1. **Receive**: ...``) is named by its label, others ``step_N``."""
    section = doc.outline.by_key.get(key)
    if section is None:
        return []
    items = [
        item for item in section.items if item.depth == 1 and (item.ordered or item.number is None)
    ]
    numbered = any(item.ordered for item in items)
    out: list[dict[str, Any]] = []
    for item in items:
        if numbered and not item.ordered:
            continue
        labelled = split_label(item)
        path = f"{key}[{len(out)}]"
        if labelled is not None:
            name = v.snake_case(labelled.label) or f"step_{len(out) + 1}"
            text = doc.text(labelled.value, f"{path}.{text_field}", labelled.line, labelled.column)
        else:
            name = f"step_{item.number or len(out) + 1}"
            text = doc.text(item.text, f"{path}.{text_field}", item.line, item.column)
        doc.at(path, item.line, item.column)
        out.append({name_field: name, text_field: text})
    return out
