"""The source reference after each value a draft carries over.

Each value of the drafted model has the source lines it came from; the rendered
draft's parse says which line shows it. The comment goes where it cannot change
what the line says: at the end of a table row (a cell past the header's width,
which Markdown ignores), on its own line after a label or a step (indented into
the list item), after a code block for the values read from inside it (a
diagram's arrows, the canonical model's fields). Values shown on one line share
one comment naming all their lines.
"""

from __future__ import annotations

import re

from designkit.draft.drafted import where
from designkit.draft.edits import Edits
from designkit.draft.outline import Outline
from designkit.draft.refs import comment
from designkit.draft.rendered import Rendered
from designkit.model import Design
from designkit.parse import ParsedDesign
from designkit.render.markdown import extra_heading_level, one_line

_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")


def cite_values(
    edits: Edits, refs: dict[str, tuple[int, ...]], rendered: Rendered, name: str
) -> None:
    """A comment naming the source lines after each line that shows a carried value."""
    fences: list[tuple[int, int]] = []
    rows: set[int] = set()
    table_ends: dict[int, int] = {}
    for section in rendered.tree.sections:
        for fence in section.fences:
            fences.append((fence.line, fence.line + fence.content.count("\n") + 1))
        for table in section.tables:
            end = table.rows[-1].line if table.rows else table.line + 1
            rows.update(row.line for row in table.rows)
            table_ends[table.line] = table_ends[table.line + 1] = end
    after: dict[int, set[int]] = {}
    ends: dict[int, set[int]] = {}
    layout = rendered.layout
    for path, lines in refs.items():
        line = where(layout, path)
        closing = next((z for a, z in fences if a <= line <= z), None)
        if closing is not None:
            after.setdefault(closing, set()).update(lines)
        elif line in rows:
            ends.setdefault(line, set()).update(lines)
        elif line in table_ends:
            after.setdefault(table_ends[line], set()).update(lines)
        else:
            after.setdefault(line, set()).update(lines)
    for line, sources in ends.items():
        edits.append_to(line, " " + comment(name, sources))
    for line, sources in sorted(after.items()):
        written = edits.lines[line - 1]
        item = _ITEM.match(written)
        indent = len(item.group(0)) if item else len(written) - len(written.lstrip())
        edits.insert_after(line, [" " * indent + comment(name, sources)])


def cite_extras(
    edits: Edits,
    parsed: ParsedDesign,
    outline: Outline,
    design: Design,
    rendered: Rendered,
    name: str,
) -> None:
    """The source line of each extra section, after its heading at the end of the draft."""
    start = rendered.layout.sections.get("open_questions", 1)
    for extra, index in zip(design.extra_sections, outline.top_extras, strict=True):
        heading = "#" * extra_heading_level(extra.text) + " " + one_line(extra.title)
        line = next(
            (n for n in range(start + 1, len(edits.lines) + 1) if edits.lines[n - 1] == heading),
            None,
        )
        if line is None:
            continue
        edits.insert_after(line, [comment(name, [parsed.line_of(f"extra_sections[{index}]")])])
        start = line
