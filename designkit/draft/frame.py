"""The template's frame in a draft, where the source states nothing.

The renderer writes an empty list as a table header with no rows and nothing at
all for empty steps or dashboards, which lint does not report. A draft is meant
to show what is still to write, so it puts the template's own slots there
(:mod:`~designkit.draft.skeleton`): each empty table gets the template's first
row with every example bracketed (a row lint reports as unfilled, and the parser
reads as nothing), the canonical model its unnamed field, the template's steps
their own slots (``[Event/Schedule/API call]``), the dashboards a bracketed hint.
"""

from __future__ import annotations

from designkit.draft.drafted import Drafted, value_at
from designkit.draft.edits import Edits
from designkit.draft.rendered import Rendered
from designkit.draft.skeleton import TABLE_KEYS, skeleton

_EMPTY_FIELDS = '  "fields": []'


def add_frame(edits: Edits, drafted: Drafted, rendered: Rendered) -> None:
    """Put the template's slots into the empty parts of the rendered draft."""
    design, layout, frame = drafted.design, rendered.layout, skeleton()
    for key in TABLE_KEYS:
        if value_at(design, key):
            continue
        header = layout.locations[key][0]
        table = next(t for s in rendered.tree.sections for t in s.tables if t.line == header)
        cells = (frame.table_rows[key] + [""] * len(table.header))[: len(table.header)]
        edits.insert_after(header + 1, ["| " + " | ".join(cells) + " |"])
    if not design.data.canonical_model.fields:
        start = layout.line_of("data.canonical_model")
        line = next(
            n for n in range(start, len(edits.lines) + 1) if edits.lines[n - 1] == _EMPTY_FIELDS
        )
        edits.replace(line, '  "fields": [', f"    {frame.canonical_field}", "  ]")
    if not design.observability.dashboards:
        heading = layout.sections["observability.dashboards"]
        edits.insert_after(heading + 1, [frame.dashboards])
    for key in ("flow.normal", "flow.errors"):
        if key in drafted.skeleton_paths:
            for index in range(len(value_at(design, key))):
                path = f"{key}[{index}]"
                edits.replace(layout.locations[path][0], frame.step_lines[path])
