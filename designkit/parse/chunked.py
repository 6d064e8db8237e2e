"""Block tokens of a document from memoised pieces, for parsing many near-identical documents.

The roadmap planner parses a hundred renderings of one design that differ in a
section or two; tokenising each whole was a quarter of its time. This splits a
document before each line that starts like an ATX heading (``#`` to ``######``
then a space, a tab or the line's end, in column 1) and tokenises each piece
once, together with the heading line that follows it.

Why the pieces' tokens are the document's tokens
-------------------------------------------------
Let the document be ``X + H + Z`` where ``H`` is such a heading line, and let the
tokens of ``X + H`` end with ``H`` as a top-level heading (``heading_open`` at
``H``'s line, ``inline``, ``heading_close``): every block of ``X`` then ended before
``H``. In the whole document those blocks end at the same lines: a block rule
scans forward and stops at the first line that ends it, and what makes ``H`` end
a block (the heading rule, or ``H`` opening a table with ``Z``'s first line) reads
``H`` and at most the line after it, so ``Z`` can only add a reason to stop there,
never remove one. At ``H`` the block tokenizer is back at the top level with no
state carried (no open container; link reference definitions, the only state
kept between blocks, are switched off in :func:`markdown_parser`), so from ``H``
on it does exactly what it does on ``H + Z`` alone, each line shifted by ``X``'s
length. When the check fails (``H`` is inside a fence, an HTML block, a list
item's indented text...), the piece is joined with the next and checked again.

Newline normalisation (``\\r``) and NUL replacement would shift pieces against the
lines the caller counts, so a text with either is tokenised whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from designkit.parse.markdown import markdown_parser

Segments = list[tuple[int, Sequence[Token]]]
"""(first line of the piece, 0-based; its tokens, their ``map`` relative to that line)."""

_HEADING_START = re.compile(r"#{1,6}(?:[ \t]|$)")


class ChunkedTokens:
    """Tokenises documents piece by piece, each distinct piece once.

    Tokens are shared between the documents that contain the same piece, so the
    caller must not change them (``read_tree`` only reads them).
    """

    def __init__(self) -> None:
        self._pieces: dict[str, Sequence[Token] | None] = {}
        self._tails: dict[str, Sequence[Token]] = {}

    def segments(self, text: str) -> Segments | None:
        """``text``'s block tokens as pieces, or ``None`` when it must be tokenised whole."""
        if "\r" in text or "\0" in text:
            return None
        lines = text.split("\n")
        headings = [
            index for index, line in enumerate(lines) if index and _HEADING_START.match(line)
        ]
        segments: Segments = []
        start = 0
        for heading in headings:
            tokens = self._piece("\n".join(lines[start : heading + 1]) + "\n", heading - start)
            if tokens is not None:
                segments.append((start, tokens))
                start = heading
        segments.append((start, self._whole("\n".join(lines[start:]))))
        return segments

    def _piece(self, text: str, heading: int) -> Sequence[Token] | None:
        """The tokens before the heading line ``heading`` of ``text`` (its last line), or
        ``None`` when that line is not a top-level heading there."""
        if text in self._pieces:
            return self._pieces[text]
        tokens = markdown_parser().parse(text)
        ends_with_heading = (
            len(tokens) >= 3
            and [t.type for t in tokens[-3:]] == ["heading_open", "inline", "heading_close"]
            and tokens[-3].level == 0
            and tokens[-3].map == [heading, heading + 1]
        )
        found = tokens[:-3] if ends_with_heading else None
        self._pieces[text] = found
        return found

    def _whole(self, text: str) -> Sequence[Token]:
        found = self._tails.get(text)
        if found is None:
            found = self._tails[text] = markdown_parser().parse(text)
        return found
