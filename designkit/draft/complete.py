"""A design that already follows the template, completed with the sections it lacks.

Such a document is the author's own text in the template's shape; a draft must
not rewrite it. Every line stays as written (byte for byte, in order) and the
template's missing sections are inserted where the template has them, as the
draft of an empty document writes them (:func:`~designkit.draft.compose.blank_draft`),
so that lint lists them as still to write:

- a missing top-level section goes right after the section that precedes it in
  the template (or before the one that follows it, when none precedes it);
- a missing sub-section goes after its preceding sibling, or before its
  following one, or at the end of its parent section. A sub-section whose values
  the parser read from its parent's text (a ``**Monitoring**:`` line under
  ``## Error Handling``) is not added: a heading of its own would take those
  values away from it. The completed document is parsed to make sure: should a
  value of the original be lost anyway, only the top-level sections are added.

A document follows the template when it has the template's title
(``# Integration Design: NAME``) and at least three of its top-level headings,
more than half of them, are the template's sections named as the template names
them (not a loose match such as ``## Security Considerations``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from designkit.draft.compose import blank_draft
from designkit.draft.drafted import shown_values, value_at
from designkit.draft.edits import Edits
from designkit.model import Design
from designkit.parse import ParsedDesign, parse_design
from designkit.parse.markdown import read_tree
from designkit.parse.sections import SECTIONS, SPECS, Confidence

_TITLE = re.compile(r"^#\s+integration\s+design\s*[:\-–—]", re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})(\s)")


@dataclass(frozen=True, slots=True)
class Completed:
    """The completed document and the sections added to it, by template key."""

    text: str
    added: tuple[str, ...]


def follows_template(parsed: ParsedDesign) -> bool:
    """Whether ``parsed`` is a design written from the template (see the module docstring)."""
    title = parsed.locations.get("meta")
    lines = parsed.source.split("\n")
    if title is None or _TITLE.match(lines[title[0] - 1].strip()) is None:
        return False
    tree = read_tree(parsed.source)
    levels = [s.level for s in tree.sections if s.level and s.line != title[0]]
    if not levels:
        return False
    top = [s.line for s in tree.sections if s.level == min(levels) and s.line != title[0]]
    named = {
        line
        for key, line in parsed.sections.items()
        if SPECS[key].parent is None and parsed.confidence.get(key) is not Confidence.LOOSE
    }
    found = sum(1 for line in top if line in named)
    return found >= 3 and 2 * found > len(top)


def _empty(design: Design, key: str) -> bool:
    value = value_at(design, key)
    if isinstance(value, list):
        return not value
    return bool(value == type(value)())


def _spans(text: str) -> dict[int, int]:
    """Heading line -> the last line of its section (before the next heading at its level
    or above)."""
    tree = read_tree(text)
    headings = [(s.line, s.level) for s in tree.sections if s.level]
    total = len(tree.source_lines)
    spans: dict[int, int] = {}
    for index, (line, level) in enumerate(headings):
        end = next((at - 1 for at, lv in headings[index + 1 :] if lv <= level), total)
        spans[line] = end
    return spans


def _template_blocks() -> dict[str, list[str]]:
    """Template key -> its heading and text in the blank draft (a top-level key with its
    sub-sections), without trailing blank lines."""
    text = blank_draft()
    parsed = parse_design(text, "blank.md")
    lines = text.split("\n")
    spans = _spans(text)
    blocks: dict[str, list[str]] = {}
    for key, line in parsed.sections.items():
        block = lines[line - 1 : spans[line]]
        while block and not block[-1].strip():
            block.pop()
        blocks[key] = block
    return blocks


def _shifted(block: list[str], shift: int) -> list[str]:
    """Headings moved ``shift`` levels (a document whose sections are ``#`` headings)."""
    if not shift:
        return block
    out = []
    for line in block:
        match = _HEADING.match(line)
        if match is not None:
            level = min(6, max(1, len(match.group(1)) + shift))
            line = "#" * level + line[len(match.group(1)) :]
        out.append(line)
    return out


def complete(parsed: ParsedDesign) -> Completed:
    """``parsed``'s text with the template's missing sections inserted (see the module docstring).

    The result is parsed: should an added sub-section heading take a value away from the
    text around it, the document is completed again with top-level sections only.
    """
    done = _complete(parsed, sub_sections=True)
    if not done.added or _keeps_values(parsed, done.text):
        return done
    return _complete(parsed, sub_sections=False)


def _keeps_values(parsed: ParsedDesign, text: str) -> bool:
    after = shown_values(parse_design(text, "draft.md").design)
    return all(after.get(path) == value for path, value in shown_values(parsed.design).items())


def _complete(parsed: ParsedDesign, *, sub_sections: bool) -> Completed:
    text = parsed.source
    edits = Edits(text.split("\n"))
    spans = _spans(text)
    tree = read_tree(text)
    level_at = {s.line: s.level for s in tree.sections if s.level}
    present = dict(parsed.sections)
    design = parsed.design
    blocks = _template_blocks()
    added: list[str] = []
    top_level = min((level_at[line] for key, line in present.items() if "." not in key), default=2)
    for spec in SECTIONS:
        if spec.key in present or (spec.key == "phases" and design.phases):
            continue
        if spec.parent is not None and (
            not sub_sections or spec.parent not in present or not _empty(design, spec.key)
        ):
            continue  # added with its parent, or read from the parent's text
        siblings = [s.key for s in SECTIONS if s.parent == spec.parent]
        order = siblings.index(spec.key)
        before = [present[k] for k in siblings[:order] if k in present]
        after = [present[k] for k in siblings[order + 1 :] if k in present]
        if before:
            at = spans[max(before)]
        elif after:
            at = min(after) - 1
        elif spec.parent is not None:
            at = spans[present[spec.parent]]
        else:
            at = len(edits.lines)
        while at > 0 and not edits.lines[at - 1].strip():
            at -= 1  # after the section's text, before the blank lines that end it
        level = top_level if spec.parent is None else level_at[present[spec.parent]] + 1
        block = _shifted(blocks[spec.key], level - (2 if spec.parent is None else 3))
        edits.insert_after(at, ["", *block])
        added.append(spec.key)
    out = edits.apply()
    if added and not out.endswith("\n") and text.endswith("\n"):
        out += "\n"
    return Completed(out, tuple(added))
