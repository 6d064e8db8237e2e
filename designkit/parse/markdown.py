"""The only MarkdownIt set-up: Markdown text -> a flat list of sections with their blocks.

designkit reads the block structure (headings, paragraphs, lists, tables,
fences) from markdown-it-py's token stream and never needs inline tokens: the
values it extracts are kept as written, so inline parsing is switched off.
That saving pays for the extraction and validation that follow: the whole
parse stays within 1.5x of a default tokenisation (``benchmarks/parse_bench.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from designkit.parse.front_matter import Field
from designkit.parse.table_rule import TOKEN_TYPE as TABLE_TOKEN
from designkit.parse.table_rule import use_fast_tables


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """CommonMark plus GFM tables, block level only.

    Link reference definitions are off: with inline parsing off nothing would use
    them, and a line such as ``[Owner]: Jane`` (a template slot with its value) must
    stay a line of the document instead of vanishing as a definition.
    """
    parser = MarkdownIt("commonmark", {"maxNesting": 40}).enable("table")
    parser.disable(["inline", "reference"])
    return use_fast_tables(parser)


_BREAK = re.compile(r"[ \t]*<br\s*/?>[ \t]*", re.IGNORECASE)


def _cell_text(content: str) -> str:
    """A table cell's text; ``<br>`` is the only way to break a line in a cell, so it is one."""
    text = content.strip()
    return _BREAK.sub("\n", text) if "<" in text else text


@dataclass(slots=True)
class Line:
    """One line of a paragraph or list item, as written, with its 1-based position."""

    text: str
    line: int
    column: int
    ordered: bool = False
    number: int | None = None
    depth: int = 0


@dataclass(slots=True)
class Row:
    cells: list[str]
    line: int


@dataclass(slots=True)
class Table:
    header: list[str]
    rows: list[Row]
    line: int


@dataclass(slots=True)
class Fence:
    info: str
    content: str
    line: int


@dataclass(slots=True)
class Section:
    """A heading and the blocks up to the next heading of any level."""

    title: str
    level: int
    line: int
    end_line: int = 0
    lines: list[Line] = field(default_factory=list)
    items: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    fences: list[Fence] = field(default_factory=list)


@dataclass(slots=True)
class DocumentTree:
    """The document as sections in order; ``sections[0]`` is the preamble (level 0)."""

    source_lines: list[str]
    sections: list[Section]
    front_matter: dict[str, Field] = field(default_factory=dict)
    """The one-line keys of a leading front-matter block (its lines are blank in the text)."""


def _inline_lines(
    token: Token,
    offset: int,
    ordered: bool,
    number: int | None,
    depth: int,
    source_lines: list[str],
) -> list[Line]:
    start = token.map[0] + offset if token.map else 0
    out: list[Line] = []
    for index, text in enumerate(token.content.split("\n")):
        line_no = start + index
        stripped = text.strip()
        if not stripped:
            continue
        source = source_lines[line_no] if line_no < len(source_lines) else ""
        column = source.find(stripped) + 1 if stripped else 1
        out.append(
            Line(
                stripped,
                line_no + 1,
                max(column, 1),
                ordered and index == 0,
                number if index == 0 else None,
                depth,
            )
        )
    return out


def read_tree(
    text: str, segments: Sequence[tuple[int, Sequence[Token]]] | None = None
) -> DocumentTree:
    """Tokenise ``text`` once and group the blocks under their headings.

    ``segments`` are ``text``'s tokens already made, in pieces (first line of the
    piece, its tokens with lines counted from there): what
    :class:`designkit.parse.chunked.ChunkedTokens` gives.
    """
    source_lines = text.split("\n")
    builder = _TreeBuilder(source_lines)
    if segments is None:
        builder.feed(markdown_parser().parse(text), 0)
    else:
        for offset, tokens in segments:
            builder.feed(tokens, offset)
    builder.current.end_line = len(source_lines)
    return DocumentTree(source_lines=source_lines, sections=builder.sections)


class _TreeBuilder:
    """The sections of a token stream, fed in one piece or several (lists never span two)."""

    __slots__ = ("current", "item_numbers", "list_stack", "sections", "source_lines")

    def __init__(self, source_lines: list[str]) -> None:
        self.source_lines = source_lines
        self.current = Section(title="", level=0, line=1)
        self.sections = [self.current]
        self.list_stack: list[tuple[bool, int]] = []  # (ordered, next number)
        self.item_numbers: list[int | None] = []

    def feed(self, tokens: Sequence[Token], offset: int) -> None:
        """Add ``tokens``, whose lines are counted from line ``offset`` (0-based) of the text."""
        source_lines = self.source_lines
        list_stack = self.list_stack
        item_numbers = self.item_numbers
        current = self.current
        count = len(tokens)
        i = 0
        while i < count:
            token = tokens[i]
            kind = token.type
            if kind == "heading_open":
                inline = tokens[i + 1]
                line = token.map[0] + 1 + offset if token.map else 0
                current.end_line = line - 1
                current = Section(title=inline.content.strip(), level=int(token.tag[1]), line=line)
                self.sections.append(current)
                i += 3
                continue
            if kind == "inline":
                depth = len(list_stack)
                if depth:
                    ordered = list_stack[-1][0]
                    number = item_numbers[-1] if item_numbers else None
                    new_item = tokens[i - 2].type == "list_item_open"
                    lines = _inline_lines(
                        token,
                        offset,
                        ordered and new_item,
                        number if new_item else None,
                        depth,
                        source_lines,
                    )
                    if new_item and lines:
                        current.items.append(lines[0])
                        current.items.extend(
                            Line(ln.text, ln.line, ln.column, False, None, depth)
                            for ln in lines[1:]
                        )
                    else:
                        current.items.extend(lines)
                    current.lines.extend(lines)
                else:
                    current.lines.extend(_inline_lines(token, offset, False, None, 0, source_lines))
            elif kind in ("bullet_list_open", "ordered_list_open"):
                start = int(token.attrs.get("start", 1) or 1) if kind == "ordered_list_open" else 1
                list_stack.append((kind == "ordered_list_open", start))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                list_stack.pop()
            elif kind == "list_item_open":
                ordered, number = list_stack[-1]
                if ordered:
                    info = token.info
                    item_numbers.append(int(info) if info.isdigit() else number)
                    list_stack[-1] = (ordered, (item_numbers[-1] or number) + 1)
                else:
                    item_numbers.append(None)
            elif kind == "list_item_close":
                item_numbers.pop()
            elif kind == "fence" or kind == "code_block":
                line = token.map[0] + 1 + offset if token.map else 0
                current.fences.append(Fence(token.info.strip(), token.content, line))
            elif kind == TABLE_TOKEN:
                meta = token.meta
                current.tables.append(
                    Table(
                        header=[_cell_text(cell) for cell in meta["header"]],
                        rows=[
                            Row([_cell_text(cell) for cell in cells], line + 1 + offset)
                            for line, cells in meta["rows"]
                        ],
                        line=token.map[0] + 1 + offset if token.map else 0,
                    )
                )
            i += 1
        self.current = current


_NUMBERING = re.compile(
    r"^(?:\d+(?:\.\d+)*|[ivxlcdm]+|[a-z])[.):]\s+|^\d+(?:\.\d+)*\s+", re.IGNORECASE
)


_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def clean_title(title: str) -> str:
    """A heading's text without numbering or decoration, for extra-section titles:
    ``**Task 8: Contract Tests** 📋 (2 days)`` -> ``Task 8: Contract Tests 📋 (2 days)``."""
    text = _EMPHASIS.sub(r"\2", title.strip().strip("#").strip())
    index = 0
    while index < len(text) and not (text[index].isalnum() or text[index] in "`[(\"'"):
        index += 1
    text = _NUMBERING.sub("", text[index:], count=1)
    return text.strip().strip("*_").strip()
