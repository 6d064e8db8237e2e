"""Architecture Diagram: the systems and the arrows between them.

The template's own drawing (``[Source] --> [Target]`` in a fenced block) is read
first, since it says exactly what connects to what; without its arrows the
systems come from box drawings, Mermaid flowcharts or source/target tables
(:mod:`designkit.parse.architecture`). A block of code or data is never a
diagram, and a drawing that still shows the template's example systems is
reported rather than drawn.

PASS::

    ## Architecture Pattern

    ### Architecture Diagram

    ```
    [Shopify] --> [Order Service] --> [NetSuite]
    ```

FAIL (DK201)::

    ## Architecture Pattern

    ### Architecture Diagram

    ```
    [Source System] --> [Integration Layer] --> [Target System]
    ```

FAIL::

    ## Architecture Pattern

    ### Architecture Diagram

    ```python
    client.send(order)  # --> NetSuite
    ```
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from designkit.diagnostics import Severity
from designkit.parse.architecture import find_architecture
from designkit.parse.diagram import read_diagram
from designkit.parse.readers.spec import SectionSpec, Topic

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

SPEC = SectionSpec(
    "architecture.diagram",
    "Architecture Diagram",
    "architecture",
    ("architecture diagram", "diagram", "system context", "context diagram"),
    generic=("diagram",),
    topic=Topic(
        ("diagram",),
        re.compile(
            r"diagram|architecture|topology|landscape|context|overview|data\s*flow|"
            r"integration\s+flow|components|systems",
            re.IGNORECASE,
        ),
    ),
)

TEMPLATE_NODES = frozenset(
    {"Source System", "Integration Layer", "Target System", "Trigger", "Transform/Route", "Deliver"}
)
"""The systems of the template's example drawing: a diagram of only these is unfilled."""


def read(doc: Reader) -> dict[str, Any]:
    fences = doc.fences("architecture.diagram")
    drawn = read_diagram(fences[0].content.rstrip("\n")) if fences else None
    if drawn is None or not drawn.edges:  # no template arrows: boxes, Mermaid, flow tables
        arch = [
            section
            for key, section in doc.outline.by_key.items()
            if key.split(".", 1)[0] == "architecture"
        ]
        found = find_architecture(doc.tree, arch)
        if found is not None:
            for path, (line, column) in found.locations().items():
                doc.at(path, line, column)
            return found.model()
    if not fences or drawn is None:
        return {}
    fence = fences[0]
    doc.at("architecture.diagram.text", fence.line)
    edges = []
    names: set[str] = set()
    for index, edge in enumerate(drawn.edges):
        doc.at(f"architecture.diagram.edges[{index}]", fence.line + edge.line, edge.column)
        edges.append({"source": edge.source, "target": edge.target, "label": edge.label})
        names.update((edge.source, edge.target))
    for index, box in enumerate(drawn.boxes):
        doc.at(f"architecture.diagram.nodes[{index}]", fence.line + box.line, box.column)
    for arrow in drawn.dangling:
        doc.report(
            "DK405",
            Severity.WARNING,
            f"architecture.diagram: arrow '{arrow.name}' has no box at one end",
            fence.line + arrow.line,
            arrow.column,
            "architecture.diagram",
            "put the system it points to in brackets, e.g. [Target System]",
        )
    if names and names <= TEMPLATE_NODES:
        doc.report(
            "DK201",
            Severity.WARNING,
            "architecture.diagram: still the template's example diagram",
            fence.line,
            1,
            "architecture.diagram",
            "name the real systems in the diagram",
        )
    text = fence.content.rstrip("\n")
    return {"text": text, "nodes": [box.name for box in drawn.boxes], "edges": edges}
