"""Fields read from labelled prose (``**Purpose**: ...``), whole even when they wrap.

Shared by the readers whose template sections are written as labelled lines
(overview, architecture, schema versioning, DLQ, encryption, deployment).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from designkit.parse.markdown import Line
from designkit.parse.tables import find_label, split_label

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

_LIST_MARKER = re.compile(r"^(?:[-*+]|\d{1,9}[.)])(?:\s|$)")


def labelled_fields(
    doc: Reader, key: str, prefix: str, fields: Sequence[tuple[str, tuple[str, ...]]]
) -> dict[str, Any]:
    """Free-text fields read from labels, each whole (see :func:`carried_over`).

    ``fields`` pairs a model field with the labels it may be written under; the
    value lands at ``prefix.field``.
    """
    labels = doc.labels(key)
    out: dict[str, Any] = {}
    for name, aliases in fields:
        found = find_label(labels, aliases)
        if found is not None:
            value = carried_over(doc, key, found.item, found.value)
            out[name] = doc.text(value, f"{prefix}.{name}", found.line, found.column)
    return out


def carried_over(doc: Reader, key: str, start: Line, text: str) -> str:
    """``text`` (read from line ``start``) with what continues it after that line.

    A value goes on past its first line in two ways: the rest of its paragraph
    (a wrapped line that is not a label itself), and, when it ends with a colon
    ("... including:"), the list right below it. Both are kept, joined into one
    line the way they read (list items after the colon, separated by their own
    punctuation or '; '), so the value is whole and still writes back as one line.
    """
    lines = next(
        (section.lines for section in doc.scopes(key) if any(ln is start for ln in section.lines)),
        None,
    )
    if lines is None:
        return text
    index = next(i for i, ln in enumerate(lines) if ln is start) + 1
    source = doc.tree.source_lines
    value = text.strip()
    previous = start.line
    while index < len(lines):  # the rest of the paragraph
        line = lines[index]
        raw = source[line.line - 1].lstrip() if line.line <= len(source) else ""
        if (
            line.depth != start.depth
            or line.line != previous + 1
            or _LIST_MARKER.match(raw)
            or split_label(line) is not None
        ):
            break
        value = f"{value} {line.text}".strip()
        previous = line.line
        index += 1
    if not value.endswith(":"):
        return value
    items: list[str] = []
    while index < len(lines) and lines[index].depth > start.depth:
        items.append(lines[index].text.strip())
        index += 1
    for item in items:
        joiner = " " if value.endswith((":", ",", ";", ".")) else "; "
        value = f"{value}{joiner}{item}"
    return value
