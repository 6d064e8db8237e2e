"""Where a document draws its architecture, when not in the template's ``[A] --> [B]`` form.

The template asks for ``[A] --> [B]`` arrows in a fenced block under
``### Architecture Diagram``; that reading (:mod:`designkit.parse.diagram`)
always comes first and, when it finds arrows, is the only one. Otherwise the
document is searched for the forms real teams use, block by block:

1. a Mermaid ``flowchart``/``graph`` block (:mod:`designkit.parse.mermaid`);
2. a plain code block holding ``[A] --> [B]`` arrows, or a box drawing
   (:mod:`designkit.parse.boxes`);
3. a table whose columns name source and target (:mod:`designkit.parse.flow_tables`).

A code block in a language is code, not a drawing, with one exception: a block
labelled with some language whose every line is part of a Unicode box drawing
(authors label drawings ```` ```sh ```` or ```` ```mathematica ```` to stop the
highlighter); there only arrows between two boxes count.

Where to look, in order (the first block that yields arrows wins, so two
drawings of the same system are never merged into one wrong picture):

- the template's architecture section and everything under it;
- sections whose title says architecture (``## Architecture``,
  ``## System Context``, ``## Integration Flow``, ``## Data Flow``,
  ``## Components``, ...), with their sub-sections;
- the rest of the document.

Tables and drawings under a heading about mapping, fields, objects, entities,
states or a lifecycle pair those, not systems, and are not read. Outside the architecture section a drawing whose
boxes are mostly actions and decisions (``Check Customer Exists``, ``Found?``)
is a process flow, not the systems, and is passed over. Blocks that read as
code (a traceback, a shell session, a JSON payload, a ``;`` or ``{`` at a
line's end) and file-tree listings (``├── src/``) are never read as drawings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from designkit.parse.boxes import read_boxes
from designkit.parse.diagram import Box, DiagramText, Edge, read_diagram
from designkit.parse.flow_tables import read_flow_table
from designkit.parse.markdown import DocumentTree, Fence, Section, Table
from designkit.parse.mermaid import is_flowchart, read_mermaid
from designkit.parse.system_names import HAS_DRAWING, box_name, mostly_steps

DRAWING_INFO = frozenset(
    [
        "",
        "text",
        "txt",
        "plain",
        "plaintext",
        "ascii",
        "asciiart",
        "ascii-art",
        "diagram",
        "art",
        "none",
        "nohighlight",
        "no-highlight",
        "svgbob",
        "bob",
        "goat",
    ]
)
"""Info strings of code blocks that may hold a drawing; any other language is code."""

ARCHITECTURE_TITLE = re.compile(
    r"architecture|system context|context diagram|integration flows?|data flows?|"
    r"information flows?|message flows?|integration overview|system overview|solution overview|"
    r"solution design|high[- ]level design|topology|landscape|components|integration points|"
    r"interfaces|connectivity|systems involved",
    re.IGNORECASE,
)
NOT_SYSTEMS_TITLE = re.compile(
    r"mapping|\bfields?\b|schema|transformation|\bobjects?\b|\bentit(?:y|ies)\b|"
    r"\bstatus(?:es)?\b|state machine|transitions?|lifecycle|life cycle",
    re.IGNORECASE,
)
"""Under such a heading, tables and drawings pair fields, objects or states, never systems."""
_CODE = re.compile(
    r"^[ \t]*(?:Traceback \(most recent call last\)|File \"[^\"\n]*\", line \d"
    r"|\$ |>>> |#!|def |class |import |from \S+ import |function |const |let |var |return\b"
    r"|SELECT |INSERT |UPDATE |CREATE |curl |npm |pip |git |docker |kubectl "
    r"|[{}\[\]][ \t]*,?[ \t]*$|\"[^\"\n]*\"[ \t]*:)"
    r"|[;{][ \t]*$",
    re.MULTILINE,
)
"""A line that only code has: a traceback, a prompt, a keyword, a JSON key, a ``;`` or ``{`` end."""
_UNICODE_BOX = re.compile(r"[┌╔╭]")
_TREE_LINE = re.compile(r"^[ \t│|]*(?:[├└]──|[|`+]--)[ \t]+\S", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class FoundDrawing:
    """Systems and arrows read from one block, with positions in the document (1-based)."""

    drawing: DiagramText
    text: str | None  # the block as written; None for a table
    line: int
    form: str  # "text diagram", "box diagram", "mermaid" or "table"

    def model(self) -> dict[str, Any]:
        """``architecture.diagram`` as the model holds it."""
        return {
            "text": self.text,
            "nodes": [box.name for box in self.drawing.boxes],
            "edges": [
                {"source": e.source, "target": e.target, "label": e.label}
                for e in self.drawing.edges
            ],
        }

    def locations(self) -> dict[str, tuple[int, int]]:
        """Where each model value came from, for diagnostics that point at the drawing."""
        places = {"architecture.diagram": (self.line, 1)}
        if self.text is not None:
            places["architecture.diagram.text"] = (self.line, 1)
        for index, edge in enumerate(self.drawing.edges):
            places[f"architecture.diagram.edges[{index}]"] = (edge.line, edge.column)
        for index, box in enumerate(self.drawing.boxes):
            places[f"architecture.diagram.nodes[{index}]"] = (box.line, box.column)
        return places


def _regions(tree: DocumentTree, heads: Sequence[Section]) -> list[int]:
    """Indexes of ``heads`` and of every section nested under them, in document order."""
    sections = tree.sections
    wanted = {id(section) for section in heads}
    found: list[int] = []
    index = 0
    while index < len(sections):
        section = sections[index]
        if id(section) not in wanted:
            index += 1
            continue
        found.append(index)
        index += 1
        while index < len(sections) and sections[index].level > section.level > 0:
            found.append(index)
            index += 1
    return found


def _first_content_line(tree: DocumentTree, fence: Fence) -> tuple[int, int]:
    """(line of the block's first line, indent of its columns) in the document."""
    opening = tree.source_lines[fence.line - 1] if 0 < fence.line <= len(tree.source_lines) else ""
    stripped = opening.lstrip()
    indent = len(opening) - len(stripped)
    if stripped.startswith(("```", "~~~")):
        return fence.line + 1, indent
    return fence.line, 0


def _is_code(text: str) -> bool:
    """Code, a payload or a file tree (two ``├──`` lines), not a drawing."""
    if _CODE.search(text) is not None:
        return True
    trees = _TREE_LINE.finditer(text)
    return next(trees, None) is not None and next(trees, None) is not None


def _read_fence(fence: Fence) -> tuple[DiagramText, str] | None:
    info = fence.info.split(maxsplit=1)[0].lower() if fence.info.strip() else ""
    if info == "mermaid" or (info in DRAWING_INFO and is_flowchart(fence.content)):
        return read_mermaid(fence.content), "mermaid"
    if _is_code(fence.content):
        return None
    if info not in DRAWING_INFO:  # a drawing mislabelled ```sh or ```mathematica: boxes only
        lines = [line for line in fence.content.split("\n") if line.strip()]
        if _UNICODE_BOX.search(fence.content) is None or not all(map(HAS_DRAWING.search, lines)):
            return None
        return read_boxes(fence.content, boxed_only=True), "box diagram"
    bracketed = read_diagram(fence.content) if "]" in fence.content else DiagramText([], [], [])
    kept = [e for e in bracketed.edges if box_name(e.source) and box_name(e.target)]
    if kept:
        names = {name for edge in kept for name in (edge.source, edge.target)}
        boxes = [box for box in bracketed.boxes if box.name in names]
        return DiagramText(boxes, kept, []), "text diagram"
    return read_boxes(fence.content), "box diagram"


def _shift(drawing: DiagramText, first_line: int, indent: int) -> DiagramText:
    return DiagramText(
        [Box(b.name, first_line + b.line - 1, b.column + indent) for b in drawing.boxes],
        [
            Edge(e.source, e.target, e.label, first_line + e.line - 1, e.column + indent)
            for e in drawing.edges
        ],
        [],
    )


def _blocks(section: Section) -> list[Fence | Table]:
    """The section's code blocks and tables in document order."""
    blocks: list[Fence | Table] = [*section.fences, *section.tables]
    return sorted(blocks, key=lambda block: block.line)


def _read_block(tree: DocumentTree, block: Fence | Table) -> FoundDrawing | None:
    if isinstance(block, Table):
        drawing = read_flow_table(block, tree.source_lines)
        return FoundDrawing(drawing, None, block.line, "table") if drawing.edges else None
    read = _read_fence(block)
    if read is None or not read[0].edges:
        return None
    first, indent = _first_content_line(tree, block)
    return FoundDrawing(
        _shift(read[0], first, indent), block.content.rstrip("\n"), block.line, read[1]
    )


def find_architecture(tree: DocumentTree, architecture: Sequence[Section]) -> FoundDrawing | None:
    """The first block that draws systems, searched as the module docstring says."""
    first = _regions(tree, architecture)
    titled = _regions(
        tree, [s for s in tree.sections if s.level and ARCHITECTURE_TITLE.search(s.title)]
    )
    taken = set(first)
    second = [index for index in titled if index not in taken]
    taken.update(second)
    rest = [index for index in range(len(tree.sections)) if index not in taken]
    for tier, indexes in enumerate((first, second, rest)):
        for index in indexes:
            section = tree.sections[index]
            if NOT_SYSTEMS_TITLE.search(section.title):
                continue  # | Source | Target | under "Object Mapping" pairs entities
            for block in _blocks(section):
                found = _read_block(tree, block)
                if found is None:
                    continue
                if (
                    tier
                    and found.form != "table"
                    and mostly_steps([box.name for box in found.drawing.boxes])
                ):
                    continue
                return found
    return None
