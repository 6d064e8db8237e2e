"""The rendered draft as the parser sees it: where each section and value landed.

A draft is annotated after rendering (slots, source comments, carried text), at
lines found by parsing what the renderer wrote: the parser says where each
section's heading and each value is, the block reader where the tables and code
blocks are. Every annotation is placed by these, never by counting lines of the
template.
"""

from __future__ import annotations

from dataclasses import dataclass

from designkit.model import Design
from designkit.parse import ParsedDesign, parse_design
from designkit.parse.markdown import DocumentTree, read_tree
from designkit.render import render_markdown


@dataclass(frozen=True, slots=True)
class Rendered:
    """The rendered draft as the parser and the block reader see it."""

    layout: ParsedDesign
    tree: DocumentTree
    headings: list[tuple[int, int]]  # (line, level), in order

    def heading_of(self, key: str) -> int | None:
        """The line of a section's heading (``phases[i]`` too)."""
        if key in self.layout.sections:
            return self.layout.sections[key]
        found = self.layout.locations.get(key)
        return found[0] if found is not None else None

    def level_at(self, line: int) -> int:
        """The level of the heading on ``line``."""
        return next(level for at, level in self.headings if at == line)

    def next_heading(self, line: int, level: int = 6) -> int | None:
        """The first heading after ``line`` at ``level`` or above (the end of a section)."""
        return next((at for at, lv in self.headings if at > line and lv <= level), None)


def render_draft(design: Design) -> tuple[str, Rendered]:
    """``design`` written by the renderer, and where its parts are."""
    text = render_markdown(design)
    tree = read_tree(text)
    headings = [(s.line, s.level) for s in tree.sections if s.level]
    return text, Rendered(parse_design(text, "draft.md"), tree, headings)
