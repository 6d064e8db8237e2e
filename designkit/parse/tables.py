"""Tables and labelled lines, read by name rather than position.

A table is matched by its header names, so an added or reordered column still
parses; a labelled line (``- **Retention period**: 30 days``) is matched by its
label. Both use the same loose key as headings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from designkit.parse.markdown import Line, Section, Table
from designkit.parse.values import normalise_key


def key_matches(key: str, aliases: Iterable[str]) -> bool:
    """``retention period`` matches alias ``retention``; ``dedup window`` matches itself."""
    return any(key == alias or key.startswith(alias + " ") for alias in aliases)


@dataclass(slots=True)
class Cell:
    text: str
    line: int
    column: int


@dataclass(slots=True)
class TableRow:
    """One body row: the cells of known columns by field name, the rest by header."""

    cells: dict[str, Cell]
    extra: dict[str, str]
    line: int

    def get(self, name: str) -> Cell | None:
        return self.cells.get(name)


@dataclass(slots=True)
class NamedTable:
    rows: list[TableRow]
    line: int
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written


def _assign_columns(
    header: Sequence[str], columns: Mapping[str, Sequence[str]]
) -> tuple[dict[int, str], dict[int, str]]:
    keys = [normalise_key(h) for h in header]
    assigned: dict[int, str] = {}
    taken: set[str] = set()
    for exact in (True, False):
        for index, key in enumerate(keys):
            if index in assigned:
                continue
            for name, aliases in columns.items():
                if name in taken:
                    continue
                hit = key in aliases if exact else key_matches(key, aliases)
                if hit:
                    assigned[index] = name
                    taken.add(name)
                    break
    extras = {i: header[i].strip() for i in range(len(header)) if i not in assigned}
    return assigned, extras


def _column_of(source: str, text: str, start: int) -> int:
    if not text:
        return start + 1
    found = source.find(text, start)
    return found + 1 if found >= 0 else 1


def _cell_columns(source: str, count: int) -> list[int]:
    """0-based start offsets of each cell's text in a table row as written."""
    starts: list[int] = []
    position = 0
    stripped = source.lstrip()
    position = len(source) - len(stripped)
    if stripped.startswith("|"):
        position += 1
    for _ in range(count):
        starts.append(position)
        nxt = source.find("|", position)
        while nxt > 0 and source[nxt - 1] == "\\":
            nxt = source.find("|", nxt + 1)
        if nxt < 0:
            break
        position = nxt + 1
    return starts


def read_table(
    table: Table, columns: Mapping[str, Sequence[str]], source_lines: Sequence[str]
) -> NamedTable:
    """The rows of ``table`` keyed by field name, with each cell's line and column."""
    assigned, extras = _assign_columns(table.header, columns)
    rows: list[TableRow] = []
    for row in table.rows:
        source = source_lines[row.line - 1] if 0 < row.line <= len(source_lines) else ""
        starts = _cell_columns(source, len(row.cells))
        cells: dict[str, Cell] = {}
        extra: dict[str, str] = {}
        for index, text in enumerate(row.cells):
            start = starts[index] if index < len(starts) else 0
            if index in assigned:
                cells[assigned[index]] = Cell(text, row.line, _column_of(source, text, start))
            elif index in extras and extras[index] and text:
                extra[extras[index]] = text
        rows.append(TableRow(cells=cells, extra=extra, line=row.line))
    names = {name: table.header[i].strip() for i, name in assigned.items()}
    return NamedTable(rows=rows, line=table.line, columns=names)


def find_table(
    sections: Iterable[Section],
    columns: Mapping[str, Sequence[str]],
    required: Sequence[str],
    source_lines: Sequence[str],
) -> NamedTable | None:
    """The first table in ``sections`` whose header has every ``required`` column."""
    for section in sections:
        for table in section.tables:
            assigned, _ = _assign_columns(table.header, columns)
            if all(name in assigned.values() for name in required):
                return read_table(table, columns, source_lines)
    return None


@dataclass(slots=True)
class Labelled:
    """``**Label**: value`` (or ``Label: value`` in a list) with the value's position."""

    key: str
    label: str
    value: str
    line: int
    column: int
    item: Line


_SEPARATORS = (":", " -", " –", " —", "—", "–")


def split_label(line: Line) -> Labelled | None:
    """Read a label from one line as written; ``None`` when the line has none."""
    text = line.text
    for marker in ("**", "__"):
        if text.startswith(marker):
            end = text.find(marker, len(marker))
            if end <= len(marker):
                return None
            label = text[len(marker) : end].strip()
            rest = text[end + len(marker) :]
            if label.endswith(":"):
                label = label[:-1].strip()
                value = rest.strip()
            else:
                stripped = rest.lstrip()
                for separator in _SEPARATORS:
                    sep = separator.strip()
                    if stripped.startswith(sep):
                        value = stripped[len(sep) :].strip()
                        break
                else:
                    if rest.strip():
                        return None
                    value = ""
            offset = text.rfind(value) if value else len(text)
            return Labelled(
                normalise_key(label), label, value, line.line, line.column + max(offset, 0), line
            )
    if line.depth:
        colon = text.find(":")
        if 0 < colon <= 40 and len(text[:colon].split()) <= 4 and "`" not in text[:colon]:
            label = text[:colon].strip()
            value = text[colon + 1 :].strip()
            if label and not label.startswith(("http", "[")):
                offset = text.find(value, colon) if value else len(text)
                return Labelled(
                    normalise_key(label),
                    label,
                    value,
                    line.line,
                    line.column + max(offset, 0),
                    line,
                )
    return None


def labelled_lines(sections: Iterable[Section]) -> list[Labelled]:
    out: list[Labelled] = []
    for section in sections:
        for line in section.lines:
            labelled = split_label(line)
            if labelled is not None:
                out.append(labelled)
    return out


def find_label(labels: Sequence[Labelled], aliases: Sequence[str]) -> Labelled | None:
    """The first labelled line whose label matches one of ``aliases`` (exact first)."""
    for labelled in labels:
        if labelled.key in aliases:
            return labelled
    for labelled in labels:
        if key_matches(labelled.key, aliases):
            return labelled
    return None
