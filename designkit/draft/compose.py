"""A document that does not follow the template, migrated onto it.

The drafted model (:mod:`~designkit.draft.drafted`) is written by
:func:`~designkit.render.render_markdown`, so the template's layout, its words
and its escaping are the renderer's, and the parser reads the result back to
the same model. The draft then adds, without changing a value:

1. the template's frame where the source has nothing: each empty table gets the
   template's first row with every example bracketed (a row lint reports as
   unfilled), the canonical model its unnamed field, the flow steps their
   template slots, the dashboards a bracketed hint;
2. after each carried value, a comment naming the source line it came from
   (after the line of a label or step, at the end of a table row, after a code
   block for the values read from inside it);
3. under each section read from the source, that section's text the draft did
   not rebuild (:mod:`~designkit.draft.carry`), and at the end of the section the
   source's unknown sub-sections that stood under it, with their headings (a
   repeat of a template section's own title, a second ``### Dead Letter Queue``,
   gets "(again in the source)": placed before the template's heading it would
   be read in its stead, while a name that is not the template's own never wins
   over the template's);
   the source's other unknown sections follow the template's, as ``render``
   writes extra sections.

The draft is then parsed. Should the carried text change a value (the parser
reads the first label of a section, and the renderer leaves out a label whose
value its sentence already gives, so a second ``**Alert threshold**:`` in the
source could be read), the draft is written again with the carried text inside
HTML comments: still there to read and edit, no longer read as values. A draft
always shows exactly its model's values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from designkit.draft.carry import carried_lines, closed_text, kept_blocks
from designkit.draft.drafted import Drafted, draft_model, frame_design, shown_values, where
from designkit.draft.edits import Edits
from designkit.draft.outline import TITLE, Outline, read_outline
from designkit.draft.refs import comment
from designkit.draft.skeleton import TABLE_KEYS, skeleton
from designkit.model import Design
from designkit.parse import ParsedDesign, parse_design
from designkit.parse.markdown import DocumentTree, read_tree
from designkit.parse.sections import SECTIONS, Confidence, match_heading
from designkit.render import render_markdown
from designkit.render.markdown import extra_heading_level, one_line

_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_EMPTY_FIELDS = '  "fields": []'


@dataclass(frozen=True, slots=True)
class Migrated:
    """The migrated document, the model it shows, and where each value came from."""

    text: str
    design: Design
    refs: dict[str, tuple[int, ...]]
    """Model path -> the source lines its value came from (``extra_sections[i]``: its heading)."""

    @property
    def carried(self) -> int:
        """How many values were carried over (extra sections are text, not values)."""
        return sum(1 for path in self.refs if not path.startswith("extra_sections"))


@dataclass(frozen=True, slots=True)
class _Rendered:
    """The rendered draft as the parser and the block reader see it."""

    layout: ParsedDesign
    tree: DocumentTree
    headings: list[tuple[int, int]]  # (line, level), in order

    def heading_of(self, key: str) -> int | None:
        if key in self.layout.sections:
            return self.layout.sections[key]
        found = self.layout.locations.get(key)
        return found[0] if found is not None else None

    def level_at(self, line: int) -> int:
        return next(level for at, level in self.headings if at == line)

    def next_heading(self, line: int, level: int = 6) -> int | None:
        return next((at for at, lv in self.headings if at > line and lv <= level), None)


def _render(design: Design) -> tuple[str, _Rendered]:
    text = render_markdown(design)
    tree = read_tree(text)
    headings = [(s.line, s.level) for s in tree.sections if s.level]
    return text, _Rendered(parse_design(text, "draft.md"), tree, headings)


@lru_cache(maxsize=1)
def blank_draft() -> str:
    """The draft of a document that states nothing: the template with every gap a slot.
    :mod:`~designkit.draft.complete` takes the sections a design lacks from it."""
    design = Design()
    drafted = Drafted(design, {}, frame_design(design))
    text, rendered = _render(design)
    edits = Edits(text.split("\n"))
    _frame(edits, drafted, rendered)
    return edits.apply()


def migrate(parsed: ParsedDesign, name: str) -> Migrated:
    """The draft of ``parsed`` (see the module docstring); ``name`` is cited in comments."""
    drafted = draft_model(parsed)
    outline = read_outline(parsed)
    design = drafted.design
    design.extra_sections = [
        extra.model_copy(update={"text": closed_text(extra.text)})
        for extra in (parsed.design.extra_sections[i] for i in outline.top_extras)
    ]
    text, rendered = _render(design)
    expected = shown_values(design)
    for inert in (False, True):
        edits = Edits(text.split("\n"))
        _frame(edits, drafted, rendered)
        _cite(edits, drafted.refs, rendered, name)
        _cite_extras(edits, parsed, outline, design, rendered, name)
        _carry(edits, parsed, outline, rendered, name, inert=inert)
        written = edits.apply()
        if shown_values(parse_design(written, "draft.md").design) == expected:
            break
    return Migrated(written, design, dict(drafted.refs))


# --------------------------------------------------------------------------- the frame


def _list_at(design: Design, key: str) -> list[Any]:
    value: Any = design
    for part in key.split("."):
        value = getattr(value, part)
    return list(value)


def _frame(edits: Edits, drafted: Drafted, rendered: _Rendered) -> None:
    design, layout, frame = drafted.design, rendered.layout, skeleton()
    for key in TABLE_KEYS:
        if _list_at(design, key):
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
            for index in range(len(_list_at(design, key))):
                path = f"{key}[{index}]"
                edits.replace(layout.locations[path][0], frame.step_lines[path])


# --------------------------------------------------------------------------- citations


def _cite(edits: Edits, refs: dict[str, tuple[int, ...]], rendered: _Rendered, name: str) -> None:
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


def _cite_extras(
    edits: Edits,
    parsed: ParsedDesign,
    outline: Outline,
    design: Design,
    rendered: _Rendered,
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


# --------------------------------------------------------------------------- carried text


def _carry(
    edits: Edits,
    parsed: ParsedDesign,
    outline: Outline,
    rendered: _Rendered,
    name: str,
    *,
    inert: bool = False,
) -> None:
    keys = [TITLE, *(spec.key for spec in SECTIONS)]
    keys += sorted((k for k in outline.bodies if k.startswith("phases[")), key=_phase_number)
    for key in keys:
        lines = carried_lines(outline, kept_blocks(parsed, outline, key), name)
        heading = rendered.heading_of("overview" if key == TITLE else key)
        if lines and heading is not None:
            lines = _as_comment(lines) if inert else lines
            _insert_before(edits, rendered.next_heading(heading), [*lines, ""])
    nested = [key for key in keys if key in outline.nested]
    nested.sort(key=lambda k: -rendered.level_at(rendered.heading_of(k) or 1))
    for key in nested:
        heading = rendered.heading_of(key)
        if heading is None:
            continue
        level = rendered.level_at(heading)
        block: list[str] = []
        for index in outline.nested[key]:
            extra = parsed.design.extra_sections[index]
            shift = outline.extra_levels[index] - outline.levels.get(key, level)
            marks = min(6, max(level + 1, level + shift))
            title = outline.extra_titles[index]
            named = match_heading(title)
            if named is not None and named.confidence is Confidence.EXACT:
                title += " (again in the source)"  # a repeat, not read before the template's
            block += [f"{'#' * marks} {title}"]
            block += [comment(name, [parsed.line_of(f"extra_sections[{index}]")]), ""]
            if extra.text.strip():
                moved = marks - outline.extra_levels[index]
                carried = closed_text(_shift_headings(extra.text, moved))
                block += [*carried.split("\n"), ""]
        block = _as_comment(block) if inert else block
        _insert_before(edits, rendered.next_heading(heading, level), block)


def _as_comment(lines: list[str]) -> list[str]:
    """Carried text inside an HTML comment: shown in the file, never read as a value."""
    body = [
        line[len("<!-- ") : -len(" -->")]  # a source reference, as plain words
        if line.startswith("<!-- from ") and line.endswith(" -->")
        else line.replace("<!--", "<!~~").replace("-->", "~~>")
        for line in lines
    ]
    return ["<!-- carried text, kept as a comment so that it cannot change a value:", *body, "-->"]


def _shift_headings(text: str, shift: int) -> str:
    """``text`` with its ``#`` headings moved ``shift`` levels, as its own heading moved,
    so that a carried sub-section keeps its sub-headings beneath it."""
    if not shift:
        return text
    lines = text.split("\n")
    for section in read_tree(text).sections:
        written = lines[section.line - 1] if section.level else ""
        marks = len(written) - len(written.lstrip("#"))
        if section.level and written.startswith("#") and marks == section.level:
            level = min(6, max(1, marks + shift))
            lines[section.line - 1] = "#" * level + written[marks:]
    return "\n".join(lines)


def _phase_number(key: str) -> int:
    return int(key[len("phases[") : -1])


def _insert_before(edits: Edits, heading: int | None, lines: Iterable[str]) -> None:
    """Insert before a heading line (or at the end), keeping a blank line on each side."""
    at = (heading - 1) if heading is not None else len(edits.lines)
    new = list(lines)
    if at >= 1 and edits.lines[at - 1].strip():
        new.insert(0, "")
    edits.insert_after(at, new)
