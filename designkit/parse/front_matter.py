"""YAML front matter (``---`` ... ``---`` at the top), as static-site and docs tools write it.

Markdown itself reads such a block as a rule and a setext heading, so the
document would open with one "section" titled ``title: "..." tags: ...`` that
swallows the real headings below it. The block is metadata, not content: its
lines are blanked (line numbers stay true) and its ``title:`` becomes the
document's title heading on the same line, which is what the author called it.
Its other one-line ``key: value`` pairs are kept apart (:func:`front_matter_fields`):
where a site files the page (``permalink: /requirements/...``, ``layout: adr``)
says what sort of document it is, and ``date:``, ``author:`` or ``version:`` are the
header's values, as MADR writes them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_FENCE = re.compile(r"^---[ \t]*$")
_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_COMMENT = re.compile(r"^\s*#")
_PAIR = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(\S.*?)\s*$")
MAX_LINES = 60
"""Front matter is a few keys; a longer block opening with ``---`` is something else."""


def _block_end(lines: list[str]) -> int | None:
    """The index of the closing ``---`` of a front-matter block, or None when there is none.

    Only a block that starts on the first line, closes within :data:`MAX_LINES`
    lines and opens with a ``key:`` line counts, so a document that merely starts
    with a horizontal rule is left alone. YAML comments before that line are skipped:
    MADR's ADR template opens its front matter with one (``# These are optional
    metadata elements...``), which is no title.
    """
    if not _FENCE.match(lines[0]) or len(lines) < 3:
        return None
    first = next(
        (line for line in lines[1 : MAX_LINES + 1] if line.strip() and not _COMMENT.match(line)),
        "",
    )
    if not _KEY.match(first):
        return None
    return next(
        (i for i in range(1, min(len(lines), MAX_LINES + 2)) if _FENCE.match(lines[i])), None
    )


def without_front_matter(text: str) -> str:
    """``text`` with a leading front-matter block blanked and its title as a ``#`` heading."""
    if not text.startswith("---"):
        return text
    lines = text.split("\n")
    end = _block_end(lines)
    if end is None:
        return text
    out = list(lines)
    for index in range(end + 1):
        pair = _PAIR.match(lines[index]) if 0 < index < end else None
        title = pair.group(2) if pair is not None and pair.group(1).lower() == "title" else None
        out[index] = f"# {_unquote(title)}" if title is not None else ""
    return "\n".join(out)


class Field(NamedTuple):
    """One ``key: value`` line of the front matter: the value, unquoted, and where it is."""

    value: str
    line: int
    column: int


def front_matter_fields(text: str) -> dict[str, Field]:
    """The front matter's one-line ``key: value`` pairs by key in lower case; empty without
    front matter. Nested and multi-line values are left out: no YAML loader on the parse
    path for the few flat keys a site writes."""
    if not text.startswith("---"):
        return {}
    lines = text.split("\n", MAX_LINES + 2)
    end = _block_end(lines)
    if end is None:
        return {}
    fields: dict[str, Field] = {}
    for index in range(1, end):
        match = _PAIR.match(lines[index])
        if match is not None:
            field = Field(_unquote(match.group(2)), index + 1, match.start(2) + 1)
            fields.setdefault(match.group(1).lower(), field)
    return fields


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
