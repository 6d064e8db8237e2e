"""The sentences of a document, each with the source lines it spans.

Numbers stated in prose ("retried up to 5 times") are read one sentence at a
time, because a number belongs to what its own sentence talks about: a retry
count comes only from a sentence about retries. Only running text is split:
paragraphs and list items. Headings, tables and code blocks are structure the
parser reads (or code nobody should mine for numbers), never prose.

Every sentence keeps where each of its source lines starts, so a number found
at some offset can say the line it was written on (the draft cites it).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from designkit.parse.markdown import markdown_parser

_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[*_`]*[A-Z0-9])")
"""A sentence ends at ``.``, ``!`` or ``?`` followed by space and a capital or digit;
``e.g. the queue`` and ``2.5s`` (no space, or a lower-case word next) do not end one."""
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "approx.", "max.", "min.", "no.", "cf.")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of running text.

    ``breaks`` are the offsets in ``text`` where a new source line begins, so
    :meth:`line_at` turns an offset into the 1-based line it was written on.
    ``block`` numbers the paragraph or top-level list the sentence stands in:
    sentences of one block may describe one thing together ("Max 6 attempts." /
    "Retry after 5m, 15m, 1h.").
    """

    text: str
    line: int
    breaks: tuple[int, ...] = ()
    block: int = 0

    def line_at(self, offset: int) -> int:
        return self.line + bisect_right(self.breaks, offset)


def split_sentences(text: str, line: int = 1, block: int = 0) -> list[Sentence]:
    """``text`` (lines joined with ``\\n``, the first on ``line``) cut into sentences."""
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    flat = text.replace("\n", " ")
    cuts = [0]
    for match in _END.finditer(flat):
        before = flat[: match.start()].rsplit(" ", 1)[-1].lower()
        if before.endswith(_ABBREVIATIONS):
            continue
        cuts.append(match.end())
    cuts.append(len(flat))
    out: list[Sentence] = []
    for start, end in pairwise(cuts):
        piece = flat[start:end].rstrip()
        if not piece.strip():
            continue
        first = bisect_right(starts, start) - 1
        breaks = tuple(s - start for s in starts[first + 1 :] if s < start + len(piece))
        out.append(Sentence(piece, line + first, breaks, block))
    return out


def document_sentences(text: str) -> Iterator[Sentence]:
    """Every sentence of the paragraphs and list items of a Markdown document, in order."""
    tokens = markdown_parser().parse(text)
    block = 0
    depth = 0  # nesting of lists and block quotes, so one list is one block
    heading = False
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            if depth == 0:
                block += 1
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            depth -= 1
        elif kind == "paragraph_open" and depth == 0:
            block += 1
        elif kind == "heading_open":
            heading = True
        elif kind == "heading_close":
            heading = False
        elif kind == "inline" and not heading and token.map:
            yield from split_sentences(token.content, token.map[0] + 1, block)
