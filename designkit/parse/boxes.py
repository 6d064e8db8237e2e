"""Systems and arrows in ASCII and Unicode box drawings.

Real documents draw their architecture in a plain code block rather than the
template's ``[A] --> [B]`` notation::

    ┌─────────────┐             +------------+        Salesforce ◀──▶ Integration Service
    │   Shopify   │             | Salesforce | ---->  (a name beside an arrow, no box)
    │   Orders    │             +------------+
    └──────┬──────┘                   |
           ▼                          v

This module reads three things from such a block, in one pass per line plus
short walks along vertical shafts (so a 5,000-line drawing costs 5,000 lines):

- **boxes** (``┌─┐│└┘``, ``╔═╗``, ``╭─╮``, ``+--+|``): the first paragraph of
  their text is the system's name (several lines are joined; a ``├──┤``
  divider, a blank line or a nested box ends it). Hand-drawn boxes are
  ragged, so the side walls are looked for within a column or two;
- **horizontal arrows** (``-->``, ``->``, ``==>``, ``──▶``, ``─▶``, ``──►``,
  ``<-->`` and ``◀──▶`` both ways, ``-- label -->``) between two boxes or two
  names on the same line;
- **vertical arrows**: a ``│``/``|`` shaft with a ``▼``/``v``/``↓`` or
  ``▲``/``^``/``↑`` head, from a box's bottom to the box below (or from one
  name to the name below); text right beside the shaft is its label.

Names that are not in a box must look like proper names (see
:mod:`designkit.parse.system_names`), and a block whose unboxed arrows point
at anything else (a field mapping such as ``order.id -> SalesOrder.tranId``)
yields no unboxed arrows at all: one bad name says the block is not a drawing
of systems. Lines longer than :data:`MAX_LINE` are not drawings and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from designkit.parse.diagram import Box, DiagramText, Edge
from designkit.parse.system_names import DRAWING_CHARS, box_name, inline_name

MAX_LINE = 1000
"""A drawn line is never this long; longer lines are skipped, which keeps the reader linear."""
MAX_BOX_HEIGHT = 200
"""A box is looked for this far down, so unclosed boxes cannot make the scan quadratic."""

_TOP = re.compile(
    r"[┌┏╔╭](?:[─━═┬╤╦┴]*|[─━═┬╤╦]+[ \t]*(?P<title>[^─━═┐┓╗╮┌┏╔╭│┃║]+?)[ \t]*[─━═┬╤╦]+)[┐┓╗╮]"
    r"|\+(?:-{2,}|={2,})(?=\+)"
)
_LEFT_WALL = frozenset("│┃║|├┝┠┣╟╠┼")
_RIGHT_WALL = frozenset("│┃║|┤┥┨┫╢╣┼")
_BOTTOM_LEFT = frozenset("└┗╚╰+")
_DIVIDER = re.compile(r"[├┝┠┣╟╠+][─━═\-┼┬┴+]+")
_SHAFT = frozenset("│┃║|╎┆┊:")
_BORDER = frozenset("─━═-=┬┴┼╤╧╪+┌┐└┘╭╮╯╰╔╗╚╝")
_WALLS = _LEFT_WALL | _RIGHT_WALL
_DOWN_HEADS = frozenset("▼↓vV")
_UP_HEADS = frozenset("▲↑^")
_HEADS = re.compile(r"[▼▲↓↑]|(?<![^\s│|])[vV^](?![^\s│|])")
_NOT_LABEL = "-─━═=<>▶►▷→◀◄◁←│|┃║┌┐└┘├┤┬┴┼╔╗╚╝╭╮╯╰"
_ARROW = re.compile(
    rf"(?P<lh>[<◀◄◁←])?(?:"
    rf"(?P<s1>[-─━═=]{{2,}})[ \t]*"
    rf"(?P<label>[^{_NOT_LABEL}\s](?:[^{_NOT_LABEL}\n]*?[^{_NOT_LABEL}\s])?)"
    rf"[ \t]*(?P<s2>[-─━═=]{{2,}})"
    rf"|(?P<s>[-─━═=]+))"
    rf"(?P<rh>[>▶►▷→])?"
)
_LIST_ITEM = re.compile(r"^(?:[-*•]|\d+[.)]|[a-z][.)])\s")
_ASCII_ARROW_CHARS = frozenset("-=<>")


@dataclass(slots=True)
class _Box:
    name: str | None
    top: int
    bottom: int
    left: int
    right: int
    name_row: int
    name_column: int
    walls: dict[int, tuple[int, int]] = field(default_factory=dict)  # row -> (left, right)


@dataclass(frozen=True, slots=True)
class _End:
    """One end of an arrow: a box, or a name written beside the arrow."""

    name: str | None
    row: int
    column: int
    boxed: bool


def _char(lines: list[str], row: int, column: int) -> str:
    if 0 <= row < len(lines) and 0 <= column < len(lines[row]):
        return lines[row][column]
    return " "


def _near(line: str, column: int, allowed: frozenset[str], offsets: tuple[int, ...]) -> int | None:
    for offset in offsets:
        probe = column + offset
        if 0 <= probe < len(line) and line[probe] in allowed:
            return probe
    return None


def _find_boxes(lines: list[str]) -> list[_Box]:
    boxes: list[_Box] = []
    for row, line in enumerate(lines):
        if len(line) > MAX_LINE or not any(corner in line for corner in "┌┏╔╭+"):
            continue
        for match in _TOP.finditer(line):
            right = match.end() if match.group(0)[0] == "+" else match.end() - 1
            box = _walk_down(lines, row, match.start(), right, match.group("title"))
            if box is not None:
                boxes.append(box)
    return boxes


def _walk_down(lines: list[str], top: int, left: int, right: int, title: str | None) -> _Box | None:
    """Follow a box's walls down from its top border to its bottom; ``None`` if it never closes."""
    ascii_box = lines[top][left] == "+"
    walls: dict[int, tuple[int, int]] = {}
    for row in range(top + 1, min(top + MAX_BOX_HEIGHT, len(lines))):
        line = lines[row]
        at = _near(line, left, _LEFT_WALL | _BOTTOM_LEFT, (0, -1, 1))
        if at is None:
            return None
        corner = line[at]
        if corner in _BOTTOM_LEFT:
            if ascii_box != (corner == "+") or (
                ascii_box and _char(lines, row, at + 1) not in "-="
            ):
                return None
            name, name_row, name_column = _box_text(lines, top, row, walls, title, left)
            return _Box(name, top, row, left, right, name_row, name_column, walls)
        end = _near(line, right, _RIGHT_WALL, (0, -1, 1, -2, 2))
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
        if any(ch in DRAWING_CHARS for ch in text) or "+--" in text or _LIST_ITEM.match(text):
            break
        if not parts:
            first_row, first_column = row, start + 1 + inner.find(text) + 1
        parts.append(text)
    if len(parts) > 3:
        parts = parts[:1]
    return (box_name(" ".join(parts)) if parts else None), first_row, first_column


class _Index:
    """Where the boxes are: by top row, by bottom row, and by their walls on each row."""

    def __init__(self, boxes: list[_Box]) -> None:
        self.tops: dict[int, list[_Box]] = {}
        self.bottoms: dict[int, list[_Box]] = {}
        self.right_walls: dict[tuple[int, int], _Box] = {}
        self.left_walls: dict[tuple[int, int], _Box] = {}
        for box in boxes:
            self.tops.setdefault(box.top, []).append(box)
            self.bottoms.setdefault(box.bottom, []).append(box)
            for row, (left, right) in box.walls.items():
                self.left_walls.setdefault((row, left), box)
                self.right_walls.setdefault((row, right), box)

    @staticmethod
    def innermost(candidates: list[_Box], column: int) -> _Box | None:
        spanning = [box for box in candidates if box.left <= column <= box.right]
        return min(spanning, key=lambda box: box.right - box.left) if spanning else None


def _box_end(box: _Box | None) -> _End | None:
    if box is None or box.name is None:
        return None
    return _End(box.name, box.name_row, box.name_column, True)


def _text_at(line: str, column: int) -> tuple[str, int] | None:
    """The words around ``column``, bounded by two spaces, walls and arrows."""
    if not 0 <= column < len(line):
        return None
    if line[column] == " " and 0 < column < len(line) - 1:
        column -= 1  # the space between two words of a name
    if not (line[column].isalnum() or line[column] in "()[]&.'"):
        return None
    first = last = column
    while first > 0 and not _stops(line, first - 1):
        first -= 1
    while last + 1 < len(line) and not _stops(line, last + 1):
        last += 1
    text = line[first : last + 1]
    stripped = text.strip()
    return stripped, first + text.find(stripped)


def _side(line: str, start: int, end: int, toward_left: bool) -> tuple[str, int] | None:
    """What stands beside an arrow, within ``line[start:end]``: a wall (text ``""``) or words."""
    index = end - 1 if toward_left else start
    step = -1 if toward_left else 1
    for _ in range(4):
        if not start <= index < end or line[index] != " ":
            break
        index += step
    if not start <= index < end or line[index] == " ":
        return None
    if line[index] in _WALLS:
        return "", index
    first = last = index
    while first > start and not _stops(line, first - 1):
        first -= 1
    while last + 1 < end and not _stops(line, last + 1):
        last += 1
    text = line[first : last + 1]
    stripped = text.strip()
    return stripped, first + text.find(stripped)


def _stops(line: str, index: int) -> bool:
    """Words end at walls, drawing characters and runs of two spaces."""
    char = line[index]
    if char in DRAWING_CHARS or char in _WALLS:
        return True
    if char != " ":
        return False
    before = line[index - 1] if index > 0 else " "
    after = line[index + 1] if index + 1 < len(line) else " "
    return before == " " or after == " "


def _is_arrow(match: re.Match[str], line: str) -> bool:
    if not (match.group("lh") or match.group("rh")):
        return False
    shaft = match.group("s") or match.group("s1") or ""
    body = match.group(0)
    if set(body.replace(match.group("label") or "", "")) <= _ASCII_ARROW_CHARS | {" ", "\t"}:
        if set(shaft) == {"="} and len(shaft) < 2 and not match.group("s1"):
            return False
        before = line[match.start() - 1] if match.start() else " "
        after = line[match.end()] if match.end() < len(line) else " "
        return (before == " " or before in _WALLS) and (after == " " or after in _WALLS)
    return True


@dataclass(slots=True)
class _Reading:
    edges: list[tuple[_End, _End, str | None, int, int]] = field(default_factory=list)
    unboxed_refused: bool = False


def _horizontal(lines: list[str], index: _Index, reading: _Reading) -> None:
    for row, line in enumerate(lines):
        if len(line) > MAX_LINE:
            continue
        arrows = [m for m in _ARROW.finditer(line) if _is_arrow(m, line)]
        for number, match in enumerate(arrows):
            left_limit = arrows[number - 1].end() if number else 0
            right_limit = arrows[number + 1].start() if number + 1 < len(arrows) else len(line)
            left = _resolve(line, row, left_limit, match.start(), True, index, reading)
            right = _resolve(line, row, match.end(), right_limit, False, index, reading)
            if left is None or right is None:
                continue
            label = (match.group("label") or "").strip() or None
            if label is None and left.boxed and right.boxed and row:
                label = _label_above(lines[row - 1], match.start(), match.end())
            column = match.start() + 1
            if match.group("rh"):
                reading.edges.append((left, right, label, row, column))
            if match.group("lh"):
                reading.edges.append((right, left, label, row, column))


def _label_above(line: str, start: int, end: int) -> str | None:
    """``orders`` written over an arrow between two boxes: words that fit inside its span."""
    for column in range(start, min(end, len(line))):
        if line[column] != " ":
            found = _text_at(line, column)
            if found is None or found[1] + len(found[0]) > end:
                return None
            return found[0] if found[1] >= start else None
    return None


def _resolve(
    line: str, row: int, start: int, end: int, toward_left: bool, index: _Index, reading: _Reading
) -> _End | None:
    found = _side(line, start, end, toward_left)
    if found is None:
        return None
    text, column = found
    if not text:
        walls = index.right_walls if toward_left else index.left_walls
        return _box_end(walls.get((row, column)))
    name = inline_name(text)
    if name is None:
        if text:
            reading.unboxed_refused = True
        return None
    return _End(name, row, column + 1, False)


def _vertical(lines: list[str], index: _Index, reading: _Reading) -> None:
    for row, line in enumerate(lines):
        if len(line) > MAX_LINE:
            continue
        for match in _HEADS.finditer(line):
            column = match.start()
            head = match.group(0)
            down = head in _DOWN_HEADS
            if head in "vV^" and _char(lines, row + (-1 if down else 1), column) not in "|│┃+┬┴":
                continue
            step = -1 if down else 1  # towards the tail
            tail_row, label = _walk_shaft(lines, row + step, column, step, head)
            tail = _vertical_end(lines, index, tail_row, column, at_top=down)
            target = _vertical_end(lines, index, row - step, column, at_top=not down)
            if tail is None or target is None:
                continue
            label = label or _label_beside(line, column)
            reading.edges.append((tail, target, label, row, column + 1))


def _walk_shaft(
    lines: list[str], row: int, column: int, step: int, head: str
) -> tuple[int, str | None]:
    """Follow a shaft away from its head; returns the row where it ends and any label beside it."""
    label: str | None = None
    passed_other_head = False
    opposite = _UP_HEADS if head in _DOWN_HEADS else _DOWN_HEADS
    limit = MAX_BOX_HEIGHT * 5
    while 0 <= row < len(lines) and limit:
        limit -= 1
        char = _char(lines, row, column)
        if char in _SHAFT:
            label = label or _label_beside(lines[row], column)
        elif char in opposite and char not in "vV" and not passed_other_head:
            passed_other_head = True  # ▲ │ ▼: a two-way arrow, read from each head
        else:
            break
        row += step
    return row, label


def _label_beside(line: str, column: int) -> str | None:
    if column + 2 < len(line) and line[column + 1] == " " and line[column + 2].isalnum():
        found = _text_at(line, column + 2)
        if found is not None and len(found[0]) <= 40:
            return found[0]
    return None


def _vertical_end(
    lines: list[str], index: _Index, row: int, column: int, *, at_top: bool
) -> _End | None:
    """The box whose bottom (``at_top``) or top border is at ``row``, else the name there."""
    if not 0 <= row < len(lines):
        return None
    boxes = index.bottoms.get(row, []) if at_top else index.tops.get(row, [])
    box = _Index.innermost(boxes, column)
    if box is not None:
        return _box_end(box)
    char = _char(lines, row, column)
    if char in _BORDER or char in _WALLS:
        return None
    found = _text_at(lines[row], column)
    if found is None:
        return None
    name = inline_name(found[0])
    return None if name is None else _End(name, row, found[1] + 1, False)


def read_boxes(text: str) -> DiagramText:
    """Boxes, names and arrows of a drawn block; positions are 1-based within ``text``."""
    lines = text.split("\n")
    index = _Index(_find_boxes(lines))
    reading = _Reading()
    _horizontal(lines, index, reading)
    _vertical(lines, index, reading)
    edges: list[Edge] = []
    nodes: list[Box] = []
    seen_edges: set[tuple[str, str, str | None]] = set()
    seen_nodes: set[str] = set()
    ordered = sorted(reading.edges, key=lambda item: (item[3], item[4]))
    for source, target, label, row, column in ordered:
        if reading.unboxed_refused and not (source.boxed and target.boxed):
            continue
        if source.name is None or target.name is None or source.name == target.name:
            continue
        key = (source.name, target.name, label)
        if key in seen_edges:
            continue
        seen_edges.add(key)
        edges.append(Edge(source.name, target.name, label, row + 1, column))
        for end in (source, target):
            if end.name is not None and end.name not in seen_nodes:
                seen_nodes.add(end.name)
                nodes.append(Box(end.name, end.row + 1, end.column))
    return DiagramText(nodes, edges, [])
