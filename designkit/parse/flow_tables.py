"""Systems and flows from tables: ``| Source | Target | Pattern | Protocol |``.

Many documents list their integrations as a table instead of drawing them.
A table is read as flows when one column names the source system and another
the target (``Source``/``Source System``/``From``/``Producer`` and
``Target``/``Destination``/``To``/``Consumer``), or when one column holds the
flow itself (``| Flow | ... |`` with ``Salesforce -> HubSpot``). The pattern,
protocol, transport or method columns become the edge's label
(``Event-driven / HTTPS``). A two-column property table of one integration
(``| **Source System** | Salesforce |``, ``| **Target System** | SAP |``,
``| Protocol | REST |``) is one flow.

A **mapping table** lists fields, not systems, and must never be read as
flows: ``| Source Field | Target Field |`` (the column names say field,
attribute, column, property or path), a table with a Transformation column,
or cells that are identifiers or code (``customer_id``, ```email```). A table
whose rows are mostly not system names is refused whole.

PASS: ``| Source | Target | Pattern |`` / ``| Salesforce | HubSpot | Event-driven |``
-> ``Salesforce -> HubSpot (Event-driven)``.
FAIL: ``| Source Field | Target Field |``, ``| Source | Target | Transformation |``,
``| Source | Target |`` / ``| order_id | tranId |``.
"""

from __future__ import annotations

import re

from designkit.parse.diagram import Box, DiagramText, Edge
from designkit.parse.markdown import Table
from designkit.parse.system_names import cell_name, inline_name, is_code

SOURCE_COLUMNS = frozenset(
    [
        "source",
        "source system",
        "source application",
        "source app",
        "from",
        "from system",
        "origin",
        "producer",
        "publisher",
        "sender",
        "upstream",
        "upstream system",
        "caller",
        "provider",
    ]
)
TARGET_COLUMNS = frozenset(
    [
        "target",
        "target system",
        "target application",
        "target app",
        "destination",
        "destination system",
        "to",
        "to system",
        "consumer",
        "subscriber",
        "receiver",
        "downstream",
        "downstream system",
        "sink",
    ]
)
FLOW_COLUMNS = frozenset(
    ["flow", "direction", "integration", "data flow", "integration flow", "sync direction"]
)
"""Not ``Connection``: that is the authentication table's column, whose rows are drawn
from ``security.authentication`` already when a design has no diagram."""
LABEL_COLUMNS = (
    "pattern",
    "integration pattern",
    "protocol",
    "transport",
    "method",
    "mechanism",
    "integration type",
    "channel",
    "interface",
)
_MAPPING_WORDS = re.compile(
    r"\b(?:fields?|attributes?|columns?|propert(?:y|ies)|paths?|transform(?:ation)?s?|"
    r"mappings?|formula|data type|json ?path|xpath)\b"
)
_FLOW_ARROW = re.compile(r"\s*(?P<arrow><-{1,2}>|<={1,2}>|↔|⇄|⟷|-{1,2}>|={1,2}>|→|⟶|⇒)\s*")
_TWO_WAY = frozenset({"<->", "<-->", "<=>", "<==>", "↔", "⇄", "⟷"})


def _header(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[*_`:#]", "", text)).strip().lower()


def _column(header: list[str], names: frozenset[str] | tuple[str, ...]) -> int | None:
    for index, cell in enumerate(header):
        if cell in names:
            return index
    return None


def _column_of(source_line: str, text: str) -> int:
    found = source_line.find(text) if text else -1
    return found + 1 if found >= 0 else 1


def read_flow_table(table: Table, source_lines: list[str]) -> DiagramText:
    """The flows a table lists; empty when it is not a table of systems (see the module doc)."""
    header = [_header(cell) for cell in table.header]
    source = _column(header, SOURCE_COLUMNS)
    target = _column(header, TARGET_COLUMNS)
    flow = _column(header, FLOW_COLUMNS)
    if source is None and target is None and flow is None:
        return _key_value(table, source_lines)
    if any(_MAPPING_WORDS.search(cell) for cell in header):
        return DiagramText([], [], [])
    if source is None or target is None or source == target:
        if flow is None:
            return DiagramText([], [], [])
        source = target = None
    labels = [i for i, cell in enumerate(header) if cell in LABEL_COLUMNS]
    edges: list[Edge] = []
    nodes: list[Box] = []
    seen: set[str] = set()
    filled = refused = 0
    for row in table.rows:
        cells = row.cells
        line = source_lines[row.line - 1] if 0 < row.line <= len(source_lines) else ""
        if source is not None and target is not None:
            if any(is_code(cells[i]) for i in (source, target) if i < len(cells)):
                return DiagramText([], [], [])  # field names or code: a mapping table
            pairs = _pair(cells, source, target)
        else:
            pairs = _flow(cells, flow)
        if pairs is None:
            continue
        filled += 1
        if not pairs:
            refused += 1
            continue
        parts = [cells[i].strip() for i in labels if i < len(cells) and cells[i].strip()]
        label = " / ".join(parts) or None
        for left, right in pairs:
            column = _column_of(line, left)
            edges.append(Edge(left, right, label, row.line, column))
            for name in (left, right):
                if name not in seen:
                    seen.add(name)
                    nodes.append(Box(name, row.line, _column_of(line, name)))
    if refused * 2 > filled:
        return DiagramText([], [], [])
    return DiagramText(nodes, edges, [])


def _pair(cells: list[str], source: int, target: int) -> list[tuple[str, str]] | None:
    """``None`` for an empty row, ``[]`` for a row that names no systems."""
    left_text = cells[source] if source < len(cells) else ""
    right_text = cells[target] if target < len(cells) else ""
    if not left_text.strip() and not right_text.strip():
        return None
    left, right = cell_name(left_text), cell_name(right_text)
    if left is None or right is None or left == right:
        return []
    return [(left, right)]


def _flow(cells: list[str], flow: int | None) -> list[tuple[str, str]] | None:
    """``Salesforce -> HubSpot`` (or ``<->`` both ways) in one cell."""
    text = cells[flow].strip() if flow is not None and flow < len(cells) else ""
    if not text:
        return None
    match = _FLOW_ARROW.search(text)
    if match is None:
        return []
    left = inline_name(text[: match.start()])
    right = inline_name(text[match.end() :])
    if left is None or right is None or left == right:
        return []
    if match.group("arrow") in _TWO_WAY:
        return [(left, right), (right, left)]
    return [(left, right)]


def _key_value(table: Table, source_lines: list[str]) -> DiagramText:
    """``| **Source System** | Salesforce |`` and ``| **Target System** | SAP |`` rows of a
    two-column property table: one flow, labelled by its Pattern/Protocol rows."""
    if len(table.header) != 2:
        return DiagramText([], [], [])
    found: dict[str, tuple[str, int]] = {}
    labels: list[str] = []
    for row in table.rows:
        if len(row.cells) < 2:
            continue
        key, value = _header(row.cells[0]), row.cells[1].strip()
        if key in SOURCE_COLUMNS or key in TARGET_COLUMNS:
            name = cell_name(value)
            if name is None:
                return DiagramText([], [], [])
            found.setdefault("source" if key in SOURCE_COLUMNS else "target", (name, row.line))
        elif key in LABEL_COLUMNS and value and cell_name(value) is not None:
            labels.append(value)
    if "source" not in found or "target" not in found:
        return DiagramText([], [], [])
    (left, left_line), (right, right_line) = found["source"], found["target"]
    if left == right:
        return DiagramText([], [], [])

    def place(name: str, line: int) -> Box:
        text = source_lines[line - 1] if 0 < line <= len(source_lines) else ""
        return Box(name, line, _column_of(text, name))

    start = place(left, left_line)
    edge = Edge(left, right, " / ".join(labels) or None, start.line, start.column)
    return DiagramText([start, place(right, right_line)], [edge], [])
