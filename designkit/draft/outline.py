"""Where each part of the source document sits: its sections, their text, their blocks.

The parser says which heading became which template section
(:attr:`ParsedDesign.sections`) and where each value came from
(:attr:`ParsedDesign.locations`); it does not hand out the text between the
headings. A draft needs that text to carry it over, so this module lays the
source out once:

- each read heading (a template section, a phase, the title) with its own text:
  the lines up to the next heading of any level (the preamble before the first
  heading counts with the title);
- each extra section (a heading the template does not know) with the section it
  stands under: the nearest heading above it at a lower level that is a template
  section or a phase (unknown headings are passed through), or none for a
  top-level one. The parser passes phases through too, so that a week under a
  phase is a top-level extra section of the model; the draft keeps it under its
  phase, where the author put it;
- the blocks of the text (paragraph, list item, table, code block, ...), with
  their lines, so that a draft can leave out the ones whose values it rebuilt.
  A paragraph of labelled lines (``**Date**: ...`` / ``**Status**: ...``) is one
  block per label, as the parser reads one value per label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from designkit.parse import ParsedDesign
from designkit.parse.markdown import Line, Section, markdown_parser, read_tree
from designkit.parse.sections import SPECS
from designkit.parse.tables import split_label

TITLE = "title"
"""The pseudo-key of the document's title and the text before its first section."""

_PHASE = re.compile(r"^phases\[\d+\]")
_BLOCKS = frozenset(
    {
        "paragraph_open",
        "bullet_list_open",
        "ordered_list_open",
        "blockquote_open",
        "fence",
        "code_block",
        "html_block",
        "dk_table",
    }
)


@dataclass(frozen=True, slots=True)
class Block:
    """Lines ``start``..``end`` (1-based, inclusive) of one block of the source."""

    start: int
    end: int
    kind: str
    list_id: int = 0
    """Blocks that are items of the same list share a non-zero id."""


@dataclass(slots=True)
class Outline:
    """The source document as a draft needs it (see the module docstring)."""

    lines: list[str]
    bodies: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    """Key -> the line ranges of its own text (template keys, ``phases[i]``, ``title``)."""
    levels: dict[str, int] = field(default_factory=dict)
    """Key -> the level of the heading it was read from."""
    nested: dict[str, list[int]] = field(default_factory=dict)
    """Template key or ``phases[i]`` -> the extra sections under it (``extra_sections`` index)."""
    top_extras: list[int] = field(default_factory=list)
    extra_levels: dict[int, int] = field(default_factory=dict)
    extra_titles: dict[int, str] = field(default_factory=dict)
    """Extra section -> its heading as written (the model's title has its numbering cut)."""
    blocks: list[Block] = field(default_factory=list)

    def blocks_in(self, ranges: list[tuple[int, int]]) -> list[Block]:
        return [b for b in self.blocks if any(a <= b.start and b.end <= z for a, z in ranges)]


def owner(path: str) -> str | None:
    """The section a model path belongs to: ``error_handling.retry_policies[0].scenario``
    -> ``error_handling.retry_policies``; ``phases[2].items`` -> ``phases[2]``;
    ``meta.date`` -> ``title``."""
    if path.startswith(("meta", "document_kind")):
        return TITLE
    phase = _PHASE.match(path)
    if phase is not None:
        return phase.group(0)
    best: str | None = None
    for key in SPECS:
        if (path == key or path.startswith((key + ".", key + "["))) and (
            best is None or len(key) > len(best)
        ):
            best = key
    return best


def read_outline(parsed: ParsedDesign) -> Outline:
    """Lay out ``parsed.source`` (see the module docstring)."""
    text = parsed.source
    tree = read_tree(text)
    outline = Outline(lines=tree.source_lines)
    by_line: dict[int, str] = {line: key for key, line in parsed.sections.items()}
    for path, (line, _) in parsed.locations.items():
        if _PHASE.fullmatch(path):
            by_line[line] = path
    title_line = parsed.locations.get("meta", (0, 0))[0]
    extras = {
        parsed.locations[f"extra_sections[{i}]"][0]: i
        for i in range(len(parsed.design.extra_sections))
        if f"extra_sections[{i}]" in parsed.locations
    }
    sections = tree.sections
    preamble = sections[0]
    if preamble.end_line >= 1:
        outline.bodies.setdefault(TITLE, []).append((1, preamble.end_line))
    for index, section in enumerate(sections):
        if section.level == 0:
            continue
        body = (section.line + 1, section.end_line)
        if section.line == title_line:
            outline.bodies.setdefault(TITLE, []).append(body)
            continue
        key = by_line.get(section.line)
        if key is not None:
            outline.bodies[key] = [body]
            outline.levels[key] = section.level
            continue
        extra = extras.get(section.line)
        if extra is None:
            continue  # inside an extra section's text
        outline.extra_levels[extra] = section.level
        outline.extra_titles[extra] = section.title
        parent = _parent_key(sections, index, by_line)
        if parent is None:
            outline.top_extras.append(extra)
        else:
            outline.nested.setdefault(parent, []).append(extra)
    outline.blocks = _blocks(text, outline.lines)
    return outline


def _parent_key(sections: list[Section], index: int, by_line: dict[int, str]) -> str | None:
    """The template section or phase an unknown heading stands under."""
    level = sections[index].level
    for earlier in range(index - 1, 0, -1):
        section = sections[earlier]
        if 0 < section.level < level:
            key = by_line.get(section.line)
            if key is not None:
                return key
            level = section.level
    return None


def _blocks(text: str, lines: list[str]) -> list[Block]:
    tokens = markdown_parser().parse(text)
    found: list[Block] = []
    list_id = 0
    for index, token in enumerate(tokens):
        if token.level != 0 or token.type not in _BLOCKS or not token.map:
            continue
        start, end = token.map[0] + 1, token.map[1]
        if token.type in ("bullet_list_open", "ordered_list_open"):
            list_id += 1
            for item in tokens[index + 1 :]:
                if item.level == 0:
                    break
                if item.type == "list_item_open" and item.level == 1 and item.map:
                    found.append(_trimmed(item.map[0] + 1, item.map[1], "item", lines, list_id))
        elif token.type == "paragraph_open":
            found.extend(_label_runs(start, _last(start, end, lines), lines))
        else:
            found.append(_trimmed(start, end, token.type, lines))
    return found


def _last(start: int, end: int, lines: list[str]) -> int:
    while end > start and not lines[end - 1].strip():
        end -= 1
    return end


def _trimmed(start: int, end: int, kind: str, lines: list[str], list_id: int = 0) -> Block:
    return Block(start, _last(start, end, lines), kind, list_id)


def _label_runs(start: int, end: int, lines: list[str]) -> list[Block]:
    """A paragraph cut before each labelled line: one block per value the parser reads."""
    runs: list[Block] = []
    first = start
    for number in range(start + 1, end + 1):
        text = lines[number - 1].strip()
        if split_label(Line(text, number, 1)) is not None:
            runs.append(Block(first, number - 1, "paragraph"))
            first = number
    runs.append(Block(first, end, "paragraph"))
    return runs
