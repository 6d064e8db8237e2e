"""Dashboards: which dashboards exist and what each shows.

Read only under its own heading: a bullet list, one dashboard per top-level
item, named by its label when it has one (``- **Operations**: throughput,
errors``).

PASS::

    ## Monitoring & Observability

    ### Dashboards

    - **Operations**: throughput, error rate, DLQ depth

FAIL::

    ## Monitoring & Observability

    - **Operations**: throughput, error rate, DLQ depth
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.parse.readers.spec import SectionSpec
from designkit.parse.tables import split_label

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "observability.dashboards"

SPEC = SectionSpec(KEY, "Dashboards", "observability", ("dashboards", "dashboard"))


def read(doc: Reader) -> list[dict[str, Any]]:
    section = doc.outline.by_key.get(KEY)
    if section is None:
        return []
    out: list[dict[str, Any]] = []
    for item in section.items:
        if item.depth != 1:
            continue
        labelled = split_label(item)
        path = f"{KEY}[{len(out)}]"
        doc.at(path, item.line, item.column)
        if labelled is not None:
            contents = doc.text(labelled.value, f"{path}.contents", labelled.line, labelled.column)
            out.append({"name": labelled.label, "contents": contents})
        else:
            out.append({"name": item.text, "contents": None})
    return out
