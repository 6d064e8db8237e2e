"""The fast table rule accepts and splits exactly what markdown-it-py's own rule does."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from designkit.parse.markdown import markdown_parser, read_tree
from designkit.parse.table_rule import TOKEN_TYPE

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _reference_tables(text: str) -> list[tuple[int, list[str], list[tuple[int, list[str]]]]]:
    """Tables as markdown-it-py's built-in rule sees them (cells stripped, as we read them)."""
    parser = MarkdownIt("commonmark", {"maxNesting": 40}).enable("table")
    parser.disable(["inline", "reference"])
    tables: list[tuple[int, list[str], list[tuple[int, list[str]]]]] = []
    header: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    cells: list[str] = []
    start = row_line = 0
    in_head = False
    for token in parser.parse(text):
        if token.type == "table_open":
            start, header, rows = token.map[0] if token.map else 0, [], []
        elif token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            cells, row_line = [], token.map[0] if token.map else 0
        elif token.type == "inline" and token.level > 0 and token.map and row_line >= start:
            if token.map[0] == row_line:
                cells.append(token.content.strip())
        elif token.type == "tr_close":
            if in_head:
                header = cells
            else:
                rows.append((row_line, cells))
        elif token.type == "table_close":
            tables.append((start, header, rows))
    return tables


def _our_tables(text: str) -> list[tuple[int, list[str], list[tuple[int, list[str]]]]]:
    return [
        (token.map[0] if token.map else 0, token.meta["header"], token.meta["rows"])
        for token in markdown_parser().parse(text)
        if token.type == TOKEN_TYPE
    ]


TRICKY = [
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "a | b\n--|--\n1 | 2\n",
    "| a | b |\n|:--|--:|\n| 1 |\n| 1 | 2 | 3 |\n",
    "| a \\| b | c |\n|---|---|\n| x \\| y | z |\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n## Heading\n| 3 | 4 |\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n- item\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n> quote\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n```\ncode\n```\n",
    "| a | b |\n| - | - |\n",
    "- | a |\n- |---|\n",
    "| a |\n|---|---|\n| 1 |\n",
    "| a | b |\n|---||---|\n",
    "| a | b |\n|--x|---|\n",
    "| a | b |\u00a0\n|---|---|\n| 1 | 2 |\n",
    "- list item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n",
    "    | a | b |\n    |---|---|\n",
    "text\n| a | b |\n|---|---|\n",
    "| a | b |\n|---|---|\n|   |   |\n| `x|y` | z |\n\nafter\n",
    "|a|b|\n|-|-|\n|1|2|",
    "| only header |\n| --- |\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_tables_match_markdown_it(text: str) -> None:
    assert _our_tables(text) == _reference_tables(text)


def _documents() -> list[Path]:
    found = sorted((ROOT / "samples").glob("*.md"))
    found += sorted((ROOT / "templates").glob("*.md"))
    found += sorted((SHARED / "real-world").glob("*.md")) if SHARED.exists() else []
    return found


@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.name)
def test_real_documents_match_markdown_it(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    assert _our_tables(text) == _reference_tables(text)


def test_rows_keep_their_line_numbers() -> None:
    tree = read_tree("# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 |\n")
    (table,) = tree.sections[1].tables
    assert table.line == 3
    assert table.header == ["a", "b"]
    assert [(row.line, row.cells) for row in table.rows] == [(5, ["1", "2"]), (6, ["3", ""])]


def test_a_reference_style_line_is_kept_as_text() -> None:
    tree = read_tree("## Overview\n\n[Owner]: Jane\n")
    assert [line.text for line in tree.sections[1].lines] == ["[Owner]: Jane"]
