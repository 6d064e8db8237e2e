"""The source reference a draft writes after each value it carried: ``<!-- from adr.md:20 -->``.

An HTML comment is invisible where the draft is read rendered and is never part
of a value (the parser reads labels, cells and steps, not comments), so the
reference cannot change what the draft says. The file name is written so that
it cannot end the comment early or split a table row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_UNSAFE = re.compile(r"-{2,}|[<>|\n\r]")


def source_name(path: str) -> str:
    """The name a reference shows: the file's own name (``docs/adr.md`` -> ``adr.md``,
    ``<stdin>`` -> ``stdin``)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].strip("<>") or path
    return re.sub(r"-{2,}", "-", _UNSAFE.sub("-", name)) or "source"


def line_span(lines: Iterable[int]) -> str:
    """``[20]`` -> ``20``; ``[9, 10, 11]`` -> ``9-11``; ``[3, 7, 8]`` -> ``3, 7-8``."""
    ordered = sorted(set(lines))
    parts: list[str] = []
    start = previous = ordered[0] if ordered else 0
    for line in ordered[1:]:
        if line != previous + 1:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
            start = line
        previous = line
    if ordered:
        parts.append(str(start) if start == previous else f"{start}-{previous}")
    return ", ".join(parts)


def comment(name: str, lines: Iterable[int]) -> str:
    """``<!-- from adr.md:20 -->``; several lines as ``adr.md:3, 7-8``."""
    return f"<!-- from {name}:{line_span(lines)} -->"
