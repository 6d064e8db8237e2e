"""Where a draft puts the source text it carries over.

Under each section read from the source goes that section's text the draft did
not rebuild (:mod:`~designkit.draft.carry`), right after the rebuilt labels,
tables and steps, which the parser reads first. At the end of the section go the
source's unknown sub-sections that stood under it, with their headings moved as
far as the section's own heading moved (so their sub-headings stay beneath
them). A repeat of a template section's own title (a second ``### Dead Letter
Queue``) gets "(again in the source)": placed before the template's heading it
would be read in its stead, while a name that is not the template's own title
never wins over the template's. The text before the first section goes with the
Overview.

``inert`` puts all of it inside HTML comments instead, for the rare document
whose text would still change a value of the draft (see
:mod:`~designkit.draft.compose`).
"""

from __future__ import annotations

from collections.abc import Iterable

from designkit.draft.carry import carried_lines, closed_text, kept_blocks
from designkit.draft.edits import Edits
from designkit.draft.outline import TITLE, Outline
from designkit.draft.refs import comment
from designkit.draft.rendered import Rendered
from designkit.parse import ParsedDesign
from designkit.parse.markdown import read_tree
from designkit.parse.sections import SECTIONS, Confidence, match_heading


def place_carried(
    edits: Edits,
    parsed: ParsedDesign,
    outline: Outline,
    rendered: Rendered,
    name: str,
    *,
    inert: bool = False,
) -> None:
    """Insert the carried text of every section of the source (see the module docstring)."""
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
