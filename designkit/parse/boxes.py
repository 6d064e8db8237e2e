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

- **boxes** (``┌─┐│└┘``, ``╔═╗``, ``╭─╮``, ``+--+|``), found by
  :mod:`designkit.parse.box_shapes`: their text is the system's name;
- **horizontal arrows** (``-->``, ``->``, ``==>``, ``──▶``, ``─▶``, ``──►``,
  ``<-->`` and ``◀──▶`` both ways, ``-- label -->``) between two boxes or two
  names on the same line;
- **vertical arrows**: a ``│``/``|`` shaft with a ``▼``/``v``/``↓`` or
  ``▲``/``^``/``↑`` head, from a box's bottom to the box below (or from one
  name to the name below); text right beside the shaft is its label. A shaft
  that starts on a fork or merge line (``┌──┴──┐``, ``└──┬──┘``,
  ``+---+---+``) or an elbow out of a box's side (``│ A ├──┐``) is followed
  along that line to every branch, so one source feeding two targets, or two
  sources feeding one, give one arrow each.

Names that are not in a box must look like proper names (see
:mod:`designkit.parse.system_names`), and a block whose unboxed arrows point
at anything else (a field mapping such as ``order.id -> SalesOrder.tranId``)
yields no unboxed arrows at all: one bad name says the block is not a drawing
of systems. Lines longer than :data:`MAX_LINE` are not drawings and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate

from designkit.parse.box_shapes import (
    CORNER,
    MAX_BOX_HEIGHT,
    MAX_LINE,
    WALLS,
    BoxIndex,
    DrawnBox,
    char_at,
    find_boxes,
    rows_matching,
)
from designkit.parse.diagram import Box, DiagramText, Edge
from designkit.parse.system_names import DRAWING_CHARS, inline_name

_SHAFT = frozenset("│┃║|╎┆┊:")
_BORDER = frozenset("─━═-=┬┴┼╤╧╪+┌┐└┘╭╮╯╰╔╗╚╝")
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
_RUN = frozenset("─━═-")
_UP_JOINTS = frozenset("└┘├┤┴┼+╰╯")  # a line joins a branch that goes up from here
_DOWN_JOINTS = frozenset("┌┐├┤┬┼+╭╮")  # ... or down from here
_JOINTS = _UP_JOINTS | _DOWN_JOINTS
_ANY_HEAD = re.compile(r"[<>▶►▷→◀◄◁←]")
_ASCII_ARROW_CHARS = frozenset("-=<>")


@dataclass(frozen=True, slots=True)
class _End:
    """One end of an arrow: a box, or a name written beside the arrow."""

    name: str | None
    row: int
    column: int
    boxed: bool


def _box_end(box: DrawnBox | None) -> _End | None:
    if box is None or box.name is None:
        return None
    return _End(box.name, box.name_row, box.name_column, True)


def _text_at(line: str, column: int) -> tuple[str, int] | None:
    """The words around ``column``, bounded by two spaces, walls and arrows."""
    if not 0 <= column < len(line):
        return None
    if (
        line[column] == " "
        and 0 < column < len(line) - 1
        and " " not in line[column - 1 : column + 2 : 2]
    ):
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
    if line[index] in WALLS:
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
    if char in DRAWING_CHARS or char in WALLS:
        return True
    if char != " ":
        return False
    before = line[index - 1] if index > 0 else " "
    after = line[index + 1] if index + 1 < len(line) else " "
    return before == " " or after == " "


def _is_arrow(match: re.Match[str], line: str) -> bool:
    """A shaft with a head. ASCII arrows (``->``, ``==>``) must stand apart, as code's
    ``a->b`` and ``x => y`` do not; ``=>`` alone is code, never an arrow."""
    if not (match.group("lh") or match.group("rh")):
        return False
    shaft = match.group("s") or match.group("s1") or ""
    body = match.group(0)
    if set(body.replace(match.group("label") or "", "")) <= _ASCII_ARROW_CHARS | {" ", "\t"}:
        if set(shaft) == {"="} and len(shaft) < 2 and not match.group("s1"):
            return False
        before = line[match.start() - 1] if match.start() else " "
        after = line[match.end()] if match.end() < len(line) else " "
        return (before == " " or before in WALLS) and (after == " " or after in WALLS)
    return True


@dataclass(slots=True)
class _Reading:
    """Arrows found so far, and whether any unboxed end failed to be a name (see module doc)."""

    edges: list[tuple[_End, _End, str | None, int, int]] = field(default_factory=list)
    unboxed_refused: bool = False
    runs: dict[tuple[int, bool], list[tuple[int, int, list[_End]]]] = field(default_factory=dict)
    """Fork and merge lines already followed: (row, downwards) -> (first, last, their ends)."""


def _horizontal(lines: list[str], rows: list[int], index: BoxIndex, reading: _Reading) -> None:
    """Arrows along a line; each end is the box whose wall it touches, or the words beside it."""
    for row in rows:
        line = lines[row]
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
            if label is None and left.boxed and right.boxed:
                label = _label_over(lines, row - 1, match) or _label_over(lines, row + 1, match)
            column = match.start() + 1
            if match.group("rh"):
                reading.edges.append((left, right, label, row, column))
            if match.group("lh"):
                reading.edges.append((right, left, label, row, column))


def _label_over(lines: list[str], row: int, arrow: re.Match[str]) -> str | None:
    """``orders`` written over (or under) an arrow between two boxes: words inside its span."""
    if not 0 <= row < len(lines):
        return None
    line, start, end = lines[row], arrow.start(), arrow.end()
    for column in range(start, min(end, len(line))):
        if line[column] != " ":
            found = _text_at(line, column)
            if found is None or found[1] < start or found[1] + len(found[0]) > end:
                return None
            return found[0]
    return None


def _resolve(
    line: str, row: int, start: int, end: int, toward_left: bool, index: BoxIndex, reading: _Reading
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
        reading.unboxed_refused = True
        return None
    return _End(name, row, column + 1, False)


def _vertical(lines: list[str], rows: list[int], index: BoxIndex, reading: _Reading) -> None:
    """Arrows down or up a column, read from each head back along its shaft to the tail."""
    for row in rows:
        line = lines[row]
        if len(line) > MAX_LINE:
            continue
        for match in _HEADS.finditer(line):
            column = match.start()
            head = match.group(0)
            down = head in _DOWN_HEADS
            if head in "vV^" and char_at(lines, row + (-1 if down else 1), column) not in "|│┃+┬┴":
                continue
            step = -1 if down else 1  # towards the tail
            target = _vertical_end(lines, index, row - step, column, at_top=not down)
            if target is None:
                continue
            tail_row, label = _walk_shaft(lines, row + step, column, step, head)
            tail = _vertical_end(lines, index, tail_row, column, at_top=down)
            tails = (
                [tail]
                if tail is not None
                else _branches(lines, index, tail_row, column, head, reading)
            )
            label = label or _label_beside(line, column)
            for found in tails:
                reading.edges.append((found, target, label, row, column + 1))


def _branches(
    lines: list[str], index: BoxIndex, row: int, column: int, head: str, reading: _Reading
) -> list[_End]:
    """Where a shaft ends on a fork or merge line (``└──┬──┘``, ``+----+----+``): every
    branch along that line that leads on towards the tail, and any box side the line
    leaves from (``│ A ├───┐``). Each line is followed once, however many heads meet it."""
    if char_at(lines, row, column) not in _JOINTS:
        return []
    down = head in _DOWN_HEADS
    runs = reading.runs.setdefault((row, down), [])
    for first, last, ends in runs:
        if first <= column <= last:
            return ends
    line = lines[row]
    first = last = column
    while first > 0 and (line[first - 1] in _RUN or line[first - 1] in _JOINTS):
        first -= 1
    while last + 1 < len(line) and (line[last + 1] in _RUN or line[last + 1] in _JOINTS):
        last += 1
    ends = _run_ends(lines, index, row, first, last, head)
    runs.append((first, last, ends))
    return ends


def _run_ends(
    lines: list[str], index: BoxIndex, row: int, first: int, last: int, head: str
) -> list[_End]:
    down = head in _DOWN_HEADS
    step = -1 if down else 1
    joints = _UP_JOINTS if down else _DOWN_JOINTS
    line = lines[row]
    ends: list[_End] = []
    for at in range(first, last + 1):
        side = index.right_walls.get((row, at)) if at == first else None
        side = side or (index.left_walls.get((row, at)) if at == last else None)
        if side is not None:  # the line leaves a box's side
            found = _box_end(side)
        elif line[at] in joints and char_at(lines, row + step, at) in _SHAFT | _BORDER:
            tail_row, _ = _walk_shaft(lines, row + step, at, step, head)
            found = _vertical_end(lines, index, tail_row, at, at_top=down)
        else:
            continue
        if found is not None:
            ends.append(found)
    return ends


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
        char = char_at(lines, row, column)
        if char in _SHAFT:
            label = label or _label_beside(lines[row], column)
        elif char in opposite and char not in "vV" and not passed_other_head:
            passed_other_head = True  # ▲ │ ▼: a two-way arrow, read from each head
        else:
            break
        row += step
    return row, label


def _label_beside(line: str, column: int) -> str | None:
    """``│ HTTPS`` or ``|  emits event``: words one or two spaces right of a shaft label it."""
    for gap in (2, 3):
        spaced = line[column + 1 : column + gap] == " " * (gap - 1)
        if spaced and column + gap < len(line) and line[column + gap].isalnum():
            found = _text_at(line, column + gap)
            return found[0] if found is not None and len(found[0]) <= 40 else None
    return None


def _vertical_end(
    lines: list[str], index: BoxIndex, row: int, column: int, *, at_top: bool
) -> _End | None:
    """The box whose bottom (``at_top``) or top border is at ``row``, else the name there."""
    if not 0 <= row < len(lines):
        return None
    boxes = index.bottoms.get(row, []) if at_top else index.tops.get(row, [])
    box = BoxIndex.innermost(boxes, column)
    if box is not None:
        return _box_end(box)
    char = char_at(lines, row, column)
    if char in _BORDER or char in WALLS:
        return None
    found = _text_at(lines[row], column)
    if found is None:
        return None
    name = inline_name(found[0])
    return None if name is None else _End(name, row, found[1] + 1, False)


def read_boxes(text: str, *, boxed_only: bool = False) -> DiagramText:
    """Boxes, names and arrows of a drawn block; positions are 1-based within ``text``.

    ``boxed_only`` keeps only arrows between two boxes, for blocks that may not be drawings.
    """
    lines = text.split("\n")
    starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    index = BoxIndex(find_boxes(lines, rows_matching(CORNER, text, starts)))
    reading = _Reading()
    _horizontal(lines, rows_matching(_ANY_HEAD, text, starts), index, reading)
    _vertical(lines, rows_matching(_HEADS, text, starts), index, reading)
    edges: list[Edge] = []
    nodes: list[Box] = []
    seen_edges: set[tuple[str, str, str | None]] = set()
    seen_nodes: set[str] = set()
    ordered = sorted(reading.edges, key=lambda item: (item[3], item[4]))
    for source, target, label, row, column in ordered:
        if (boxed_only or reading.unboxed_refused) and not (source.boxed and target.boxed):
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
