"""YAML front matter (``---`` ... ``---`` at the top), as static-site and docs tools write it.

Markdown itself reads such a block as a rule and a setext heading, so the
document would open with one "section" titled ``title: "..." tags: ...`` that
swallows the real headings below it. The block is metadata, not content: its
lines are blanked (line numbers stay true) and its ``title:`` becomes the
document's title heading on the same line, which is what the author called it.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^---[ \t]*$")
_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_TITLE = re.compile(r"^title\s*:\s*(.+?)\s*$", re.IGNORECASE)
MAX_LINES = 60
"""Front matter is a few keys; a longer block opening with ``---`` is something else."""


def without_front_matter(text: str) -> str:
    """``text`` with a leading front-matter block blanked and its title as a ``#`` heading.

    Only a block that starts on the first line, closes within :data:`MAX_LINES`
    lines and opens with a ``key:`` line counts, so a document that merely starts
    with a horizontal rule is left alone.
    """
    if not text.startswith("---"):
        return text
    lines = text.split("\n")
    if not _FENCE.match(lines[0]) or len(lines) < 3 or not _KEY.match(lines[1]):
        return text
    end = next(
        (i for i in range(1, min(len(lines), MAX_LINES + 2)) if _FENCE.match(lines[i])), None
    )
    if end is None:
        return text
    out = list(lines)
    for index in range(end + 1):
        title = _TITLE.match(lines[index]) if 0 < index < end else None
        out[index] = f"# {_unquote(title.group(1))}" if title else ""
    return "\n".join(out)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
