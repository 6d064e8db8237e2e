"""Boxes in a text drawing: ``┌─┐│└┘``, ``╔═╗``, ``╭─╮`` and ASCII ``+--+|``.

A box is found from its top border and followed down its walls to its
bottom; hand-drawn boxes are ragged, so each wall is looked for within a
column or two of where the top border says it should be, and a box that never
closes is dropped. Its name is the title in its top border (``┌─ Kafka ─┐``),
else the first paragraph of its text: several lines are joined, and a ``├──┤``
divider, a blank line, a list item or a nested box ends it (a paragraph of
more than three lines is a description, so only its first line is kept).
Boxes are looked for at most :data:`MAX_BOX_HEIGHT` rows down, which keeps a
drawing of any length linear.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from designkit.parse.system_names import HAS_DRAWING, box_name

MAX_LINE = 1000
"""A drawn line is never this long; longer lines are skipped, which keeps the reader linear."""
MAX_BOX_HEIGHT = 200
"""A box is looked for this far down, so unclosed boxes cannot make the scan quadratic."""

_TOP = re.compile(
    r"[┌┏╔╭](?:[─━═┬╤╦┴]*|[─━═┬╤╦]+[ \t]*(?P<title>[^─━═┐┓╗╮┌┏╔╭│┃║]+?)[ \t]*[─━═┬╤╦]+)[┐┓╗╮]"
    r"|\+(?:-{2,}|={2,})(?=\+)"
)
LEFT_WALL = frozenset("│┃║|├┝┠┣╟╠┼┤┥┨┫╢╣")  # ┤: a line coming in from the left
RIGHT_WALL = frozenset("│┃║|┤┥┨┫╢╣┼├┝┠┣╟╠")  # ├: a line going out to the right
WALLS = LEFT_WALL | RIGHT_WALL
_BOTTOM_LEFT = frozenset("└┗╚╰+")
_LEFT_OR_CORNER = LEFT_WALL | _BOTTOM_LEFT
_DIVIDER = re.compile(r"[├┝┠┣╟╠+][─━═\-┼┬┴+]+")
CORNER = re.compile(r"[┌┏╔╭+]")
_LIST_ITEM = re.compile(r"^(?:[-*•]|\d+[.)]|[a-z][.)])\s")


@dataclass(slots=True)
class DrawnBox:
    """A closed box: its borders' rows and columns, its name, and its side walls on each row."""

    name: str | None
    top: int  # 0-based rows and columns within the block
    bottom: int
    left: int
    right: int
    name_row: int
    name_column: int  # 1-based
    walls: dict[int, tuple[int, int]] = field(default_factory=dict)  # row -> (left, right)


def char_at(lines: list[str], row: int, column: int) -> str:
    """The character there; outside a (ragged) line it is a space, so walks never fail."""
    if 0 <= row < len(lines) and 0 <= column < len(lines[row]):
        return lines[row][column]
    return " "


def near(line: str, column: int, allowed: frozenset[str], offsets: tuple[int, ...]) -> int | None:
    """The first column, tried at these offsets, holding an allowed character: hand-drawn
    walls wander by a column or two."""
    for offset in offsets:
        probe = column + offset
        if 0 <= probe < len(line) and line[probe] in allowed:
            return probe
    return None


def rows_matching(pattern: re.Pattern[str], text: str, starts: list[int]) -> list[int]:
    """The rows where ``pattern`` occurs: one scan of the whole text, not one per line."""
    rows: list[int] = []
    position = 0
    while True:
        match = pattern.search(text, position)
        if match is None:
            return rows
        row = bisect_right(starts, match.start()) - 1
        rows.append(row)
        if row + 1 >= len(starts):
            return rows
        position = starts[row + 1]


def find_boxes(lines: list[str], rows: list[int]) -> list[DrawnBox]:
    """Every closed box whose top border is on one of ``rows``."""
    boxes: list[DrawnBox] = []
    for row in rows:
        line = lines[row]
        if len(line) > MAX_LINE:
            continue
        for match in _TOP.finditer(line):
            right = match.end() if match.group(0)[0] == "+" else match.end() - 1
            box = _walk_down(lines, row, match.start(), right, match.group("title"))
            if box is not None:
                boxes.append(box)
    return boxes


def _walk_down(
    lines: list[str], top: int, left: int, right: int, title: str | None
) -> DrawnBox | None:
    """Follow a box's walls down from its top border to its bottom; ``None`` if it never closes."""
    ascii_box = lines[top][left] == "+"
    walls: dict[int, tuple[int, int]] = {}
    for row in range(top + 1, min(top + MAX_BOX_HEIGHT, len(lines))):
        line = lines[row]
        at = near(line, left, _LEFT_OR_CORNER, (0, -1, 1))
        if at is None:
            return None
        corner = line[at]
        if corner in _BOTTOM_LEFT:
            if ascii_box != (corner == "+") or (
                ascii_box and char_at(lines, row, at + 1) not in "-="
            ):
                return None
            name, name_row, name_column = _box_text(lines, top, row, walls, title, left)
            return DrawnBox(name, top, row, left, right, name_row, name_column, walls)
        end = near(line, right, RIGHT_WALL, (0, -1, 1, -2, 2))
        walls[row] = (at, end if end is not None and end > at else right)
    return None


def _box_text(
    lines: list[str],
    top: int,
    bottom: int,
    walls: dict[int, tuple[int, int]],
    title: str | None,
    left: int,
) -> tuple[str | None, int, int]:
    """The box's name: its border title, else the first paragraph of its text."""
    if title and title.strip():
        return box_name(title), top, lines[top].find(title.strip()) + 1
    parts: list[str] = []
    first_row, first_column = top, left + 1
    for row in range(top + 1, bottom):
        start, end = walls[row]
        line = lines[row]
        if _DIVIDER.match(line, start):
            break
        inner = line[start + 1 : end]
        text = inner.strip()
        if not text:
            if parts:
                break
            continue
        if HAS_DRAWING.search(text) or "+--" in text or _LIST_ITEM.match(text):
            break
        if not parts:
            first_row, first_column = row, start + 1 + inner.find(text) + 1
        parts.append(text)
    if len(parts) > 3:
        parts = parts[:1]
    return (box_name(" ".join(parts)) if parts else None), first_row, first_column


class BoxIndex:
    """Where the boxes are: by top row, by bottom row, and by their walls on each row."""

    def __init__(self, boxes: list[DrawnBox]) -> None:
        self.tops: dict[int, list[DrawnBox]] = {}
        self.bottoms: dict[int, list[DrawnBox]] = {}
        self.right_walls: dict[tuple[int, int], DrawnBox] = {}
        self.left_walls: dict[tuple[int, int], DrawnBox] = {}
        for box in boxes:
            self.tops.setdefault(box.top, []).append(box)
            self.bottoms.setdefault(box.bottom, []).append(box)
            for row, (left, right) in box.walls.items():
                self.left_walls.setdefault((row, left), box)
                self.right_walls.setdefault((row, right), box)

    @staticmethod
    def innermost(candidates: list[DrawnBox], column: int) -> DrawnBox | None:
        """An arrow that meets nested boxes points at the innermost one that spans it."""
        spanning = [box for box in candidates if box.left <= column <= box.right]
        return min(spanning, key=lambda box: box.right - box.left) if spanning else None
