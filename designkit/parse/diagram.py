"""Arrows in the text diagram: ``[A] --> [B]``, ``[A] --label--> [B]`` and vertical ``|``/``v``.

A single left-to-right scan per line finds bracketed names and the connector
between each neighbouring pair; a vertical pass follows ``|`` down to ``v``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    label: str | None
    line: int  # 1-based within the diagram text
    column: int


@dataclass(frozen=True, slots=True)
class _Node:
    name: str
    row: int
    start: int
    end: int  # exclusive


def _nodes(lines: list[str]) -> list[list[_Node]]:
    rows: list[list[_Node]] = []
    for row, text in enumerate(lines):
        found: list[_Node] = []
        position = 0
        while True:
            start = text.find("[", position)
            if start < 0:
                break
            end = text.find("]", start + 1)
            if end < 0:
                break
            inner = text[start + 1 : end]
            if "[" in inner:
                position = start + 1 + inner.rfind("[")
                continue
            name = inner.strip()
            if name:
                found.append(_Node(name, row, start, end + 1))
            position = end + 1
        rows.append(found)
    return rows


def _connector(between: str) -> tuple[bool, bool, str | None]:
    """(forward, backward, label) for the text between two boxes, or no arrow."""
    text = between.strip()
    if not text:
        return False, False, None
    label: str | None = None
    if "|" in text:
        first = text.find("|")
        second = text.find("|", first + 1)
        if second > first:
            label = text[first + 1 : second].strip() or None
            text = (text[:first] + text[second + 1 :]).strip()
    forward = text.endswith(">")
    backward = text.startswith("<")
    if not (forward or backward):
        return False, False, None
    core = text.strip("<>").strip()
    if not core or core[0] not in "-=." or core[-1] not in "-=.":
        return False, False, None
    inner = core.strip("-=. ")
    if inner:
        label = label or inner
    return forward, backward, label


@dataclass(frozen=True, slots=True)
class Box:
    name: str
    line: int  # 1-based within the diagram text
    column: int


@dataclass(frozen=True, slots=True)
class DiagramText:
    """What the text diagram says: its boxes in order, its arrows, and arrows missing an end."""

    boxes: list[Box]
    edges: list[Edge]
    dangling: list[Box]  # name is the connector as written


def read_diagram(text: str) -> DiagramText:
    lines = text.split("\n")
    rows = _nodes(lines)
    boxes: list[Box] = []
    seen_names: set[str] = set()
    dangling: list[Box] = []
    for row, nodes in enumerate(rows):
        for node in nodes:
            if node.name not in seen_names:
                seen_names.add(node.name)
                boxes.append(Box(node.name, row + 1, node.start + 1))
        pieces = [(0, lines[row][: nodes[0].start])] if nodes else [(0, lines[row])]
        if nodes:
            pieces.append((nodes[-1].end, lines[row][nodes[-1].end :]))
        for offset, piece in pieces:
            forward, backward, _ = _connector(piece)
            if forward or backward:
                column = offset + len(piece) - len(piece.lstrip()) + 1
                dangling.append(Box(piece.strip(), row + 1, column))
    return DiagramText(boxes, _edges(lines, rows), dangling)


def read_edges(text: str) -> list[Edge]:
    return read_diagram(text).edges


def _edges(lines: list[str], rows: list[list[_Node]]) -> list[Edge]:
    edges: list[Edge] = []
    seen: set[tuple[str, str, str | None]] = set()

    def add(source: _Node, target: _Node, label: str | None, row: int, column: int) -> None:
        key = (source.name, target.name, label)
        if key not in seen:
            seen.add(key)
            edges.append(Edge(source.name, target.name, label, row + 1, column + 1))

    for row, nodes in enumerate(rows):
        for left, right in pairwise(nodes):
            forward, backward, label = _connector(lines[row][left.end : right.start])
            if forward:
                add(left, right, label, row, left.start)
            if backward:
                add(right, left, label, row, left.start)
    for row, text_line in enumerate(lines):
        for column, char in enumerate(text_line):
            if char not in "vV^" or (row + 1 >= len(lines) and char != "^"):
                continue
            if char in "vV" and not _is_arrow_head(text_line, column):
                continue
            above = _follow(lines, rows, row - 1, column, -1)
            below = _follow(lines, rows, row + 1, column, +1)
            if above is not None and below is not None:
                if char == "^":
                    add(below, above, None, row, column)
                else:
                    add(above, below, None, row, column)
    return edges


def _is_arrow_head(line: str, column: int) -> bool:
    before = line[column - 1] if column > 0 else " "
    after = line[column + 1] if column + 1 < len(line) else " "
    return before == " " and after == " "


def _follow(
    lines: list[str], rows: list[list[_Node]], row: int, column: int, step: int
) -> _Node | None:
    while 0 <= row < len(lines):
        for node in rows[row]:
            if node.start <= column < node.end:
                return node
        char = lines[row][column] if column < len(lines[row]) else " "
        if char not in "|│:":
            return None
        row += step
    return None
