"""The source text a draft carries over under a section's heading.

A draft rebuilds a section's values into the template's tables and labels; the
rest of the section's text (the reasoning, the caveats, a table the template
has no place for) is carried over under the same heading, after the rebuilt
part, so nothing the author wrote is lost and the writer filling the
placeholders has it at hand.

A block is not carried twice: it is left out when the parser read a value of
this section (or of one of its sub-sections) from it, or when its text is all
inside such a value (a purpose read from three paragraphs). Blocks are copied
as written; a code block or HTML comment the source left open is closed, so it
cannot swallow the rest of the draft. Each run of adjacent blocks is followed
by a comment naming the lines it came from (``<!-- from adr.md:9-12 -->``).

Carried text is placed after the rebuilt labels, tables and steps of its
section, and the parser reads the first label, table and code block of a
section: so the draft's own values are what it reads, and the carried text
only adds context. Tests hold every draft to that.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from designkit.draft.drafted import leaf_paths
from designkit.draft.outline import Block, Outline, owner
from designkit.draft.refs import comment
from designkit.parse import ParsedDesign
from designkit.parse.markdown import markdown_parser

_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+|^\s*>\s?")
_FENCE_OPEN = re.compile(r"^\s*(`{3,}|~{3,})")


def _family(path_owner: str | None, key: str) -> bool:
    if path_owner is None:
        return False
    return path_owner == key or path_owner.startswith((key + ".", key + "["))


def _normal(text: str) -> str:
    """Text without list markers, quote marks and line breaks, for "is it already shown"."""
    lines = (_MARKER.sub("", line).strip() for line in text.split("\n"))
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def kept_blocks(parsed: ParsedDesign, outline: Outline, key: str) -> list[Block]:
    """The blocks of ``key``'s own text whose values the draft does not rebuild."""
    ranges = outline.bodies.get(key, [])
    if not ranges:
        return []
    used = {line for path, (line, _) in parsed.locations.items() if _family(owner(path), key)}
    shown = [
        _normal(value)
        for path, value in leaf_paths(parsed.design.model_dump(mode="json")).items()
        if isinstance(value, str) and _family(owner(path), key)
    ]
    kept: list[Block] = []
    for block in outline.blocks_in(ranges):
        if key.startswith("phases[") and block.kind == "item":
            continue  # a phase's items are its rebuilt list
        if any(block.start <= line <= block.end for line in used):
            continue
        text = _normal("\n".join(outline.lines[block.start - 1 : block.end]))
        if text and any(text in value for value in shown):
            continue
        kept.append(block)
    return kept


def carried_lines(outline: Outline, blocks: Sequence[Block], name: str) -> list[str]:
    """``blocks`` as written, each run of adjacent ones followed by its source comment."""
    out: list[str] = []
    run: list[Block] = []
    for block in blocks:
        if run and not _adjacent(outline, run[-1], block):
            _flush(outline, run, name, out)
            run = []
        run.append(block)
    if run:
        _flush(outline, run, name, out)
    return out


def _adjacent(outline: Outline, before: Block, after: Block) -> bool:
    """Nothing but blank lines between two blocks (no block left out in between)."""
    between = outline.lines[before.end : after.start - 1]
    return all(not line.strip() for line in between)


def _flush(outline: Outline, run: Sequence[Block], name: str, out: list[str]) -> None:
    if out:
        out.append("")
    lines: list[str] = []
    for index, block in enumerate(run):
        if index:
            lines.extend(outline.lines[run[index - 1].end : block.start - 1])
        lines.extend(_closed(block, outline.lines[block.start - 1 : block.end]))
    out.extend(lines)
    out.append(comment(name, range(run[0].start, run[-1].end + 1)))


def closed_text(text: str) -> str:
    """``text`` with a code block or HTML comment it leaves open closed at its end, so that
    placed before other text (a sub-section carried into the middle of a draft) it cannot
    swallow what follows."""
    tokens = [t for t in markdown_parser().parse(text) if t.level == 0 and t.map]
    if not tokens or tokens[-1].type not in ("fence", "html_block"):
        return text
    last = tokens[-1]
    lines = text.split("\n")
    assert last.map is not None
    start, end = last.map[0] + 1, last.map[1]
    kind = "fence" if last.type == "fence" else "html_block"
    block_lines = lines[start - 1 : end]
    while block_lines and not block_lines[-1].strip():
        block_lines.pop()
    closed = _closed(Block(start, start + len(block_lines) - 1, kind), block_lines)
    if closed == block_lines:
        return text
    return "\n".join([*lines[: start - 1], *closed])


def _closed(block: Block, lines: list[str]) -> list[str]:
    """A fence or HTML comment left open at the end of the source is closed here."""
    if block.kind == "fence" and lines:
        opening = _FENCE_OPEN.match(lines[0])
        if opening is not None:
            marks = opening.group(1)
            last = lines[-1].strip() if len(lines) > 1 else ""
            if not (last.startswith(marks) and set(last) == {marks[0]}):
                return [*lines, marks]
    opened = block.kind == "html_block" and bool(lines) and lines[0].lstrip().startswith("<!--")
    if opened and not any("-->" in line for line in lines):
        return [*lines, "-->"]
    return lines
