"""Tokenising a document piece by piece gives the tokens and the tree of tokenising it whole.

:mod:`designkit.parse.chunked` argues why; these tests hold it to markdown-it-py
itself on every Markdown file of the repository and on thousands of documents
made of the lines that end or continue blocks across a heading (fences, HTML
blocks, lists, tables whose header looks like a heading).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import pytest
from markdown_it.token import Token

from designkit.parse import parse_design
from designkit.parse.chunked import ChunkedTokens, Segments
from designkit.parse.markdown import TABLE_TOKEN, markdown_parser, read_tree

from .conftest import ROOT


def _whole(text: str) -> list[dict[str, Any]]:
    return [token.as_dict() for token in markdown_parser().parse(text)]


def _joined(segments: Segments) -> list[dict[str, Any]]:
    """The pieces' tokens as one stream, lines counted from the document's start."""
    out = []
    for offset, tokens in segments:
        for token in tokens:
            shown = token.as_dict()
            if token.map:
                shown["map"] = [token.map[0] + offset, token.map[1] + offset]
            if token.type == TABLE_TOKEN:
                rows = [(line + offset, cells) for line, cells in token.meta["rows"]]
                shown["meta"] = {"header": token.meta["header"], "rows": rows}
            out.append(shown)
    return out


def _assert_same(pieces: ChunkedTokens, text: str) -> Segments:
    segments = pieces.segments(text)
    assert segments is not None
    assert _joined(segments) == _whole(text)
    assert read_tree(text, segments) == read_tree(text)
    return segments


MARKDOWN_FILES = sorted(
    path
    for folder in ("samples", "tests/data", "templates", "docs")
    for path in (ROOT / folder).rglob("*.md")
)


def test_every_markdown_file_of_the_repository() -> None:
    pieces = ChunkedTokens()
    split = 0
    for path in [*MARKDOWN_FILES, ROOT / "README.md", ROOT / "CHANGELOG.md"]:
        split += len(_assert_same(pieces, path.read_text(encoding="utf-8"))) > 1
    assert len(MARKDOWN_FILES) > 20 and split > 20


LINES = (
    "```",
    "~~~",
    "```mermaid",
    "    indented code",
    "<div>",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<pre>",
    "<?php",
    "?>",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE x>",
    "# a | b",
    "|---|---|",
    "| x | y |",
    "a | b",
    "- item",
    "1. one",
    "  - nested",
    "  lazy text",
    "> quote",
    "",
    "===",
    "---",
    "* * *",
    "# H",
    "## H2 #",
    "#",
    "#\tTab",
    "#NoSpace",
    "   # indented",
    "\t# tabbed",
    "####### seven",
    "[ref]: /url",
    "text",
)


@pytest.mark.parametrize("seed", range(4))
def test_documents_of_block_edge_lines(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ChunkedTokens()
    for _ in range(1500):
        text = "\n".join(rng.choice(LINES) for _ in range(rng.randint(1, 14)))
        _assert_same(pieces, text + rng.choice(("", "\n")))


def test_a_heading_line_inside_a_fence_joins_the_pieces() -> None:
    text = "# Title\n\n```\n# not a heading\n```\n\n## Next\ntext\n"
    segments = _assert_same(ChunkedTokens(), text)
    assert [offset for offset, _ in segments] == [0, 6]


def test_pieces_are_tokenised_once_and_shared() -> None:
    pieces = ChunkedTokens()
    first = pieces.segments("# A\none\n## B\ntwo\n")
    second = pieces.segments("# A\none\n## B\nthree\n")
    assert first is not None and second is not None
    tokens: Sequence[Token] = first[0][1]
    assert second[0][1] is tokens


@pytest.mark.parametrize("text", ["# A\r\ntext\r\n## B\r\n", "# A\n\0\n## B\n"])
def test_text_markdown_it_normalises_is_tokenised_whole(text: str) -> None:
    assert ChunkedTokens().segments(text) is None
    parsed = parse_design("# Integration Design: X\n" + text, pieces=ChunkedTokens())
    assert parsed.design == parse_design("# Integration Design: X\n" + text).design
