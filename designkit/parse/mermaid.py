"""Systems and arrows in a Mermaid ``flowchart`` / ``graph`` block.

Mermaid is how GitHub-hosted documents draw architecture. Its node ids are
short handles (``SF``), its labels the real names (``SF[Salesforce]``), so the
reader collects every label first and then resolves each arrow's ends to them:
``SF -->|orders| MW`` anywhere in the block yields ``Salesforce -> Middleware``
with the label ``orders``. What it understands:

- node shapes ``A[..]``, ``A(..)``, ``A([..])``, ``A[[..]]``, ``A[(..)]``,
  ``A((..))``, ``A{..}``, ``A{{..}}``, ``A>..]``, ``A[/../]``, quoted labels,
  ``<br>`` inside labels, ``:::class`` suffixes;
- links ``-->``, ``---``, ``-.->``, ``==>``, ``--o``, ``--x``, ``<-->`` (both
  ways), longer forms (``--->``), labels as ``-->|text|`` or ``-- text -->``,
  chains (``A --> B --> C``) and ``&`` (``A & B --> C``);
- ``subgraph id [Title]`` ... ``end``: the subgraph's title names it when an
  arrow points at the subgraph itself. ``~~~`` (an invisible link), styling
  and comments are skipped. Other Mermaid diagrams (sequence, class, ...)
  are not architecture flowcharts and yield nothing.

A statement the reader cannot follow is skipped from that point; it never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from designkit.parse.diagram import Box, DiagramText, Edge
from designkit.parse.system_names import box_name

_HEADER = re.compile(r"(?:flowchart(?:-elk)?|graph)(?:[ \t]+(?:TB|TD|BT|RL|LR))?[ \t]*(?:;|$)")
_AMPERSAND = re.compile(r"\s*&")
MAX_LINE = 2000
"""Longer lines are not hand-written Mermaid; skipping them keeps the reader linear."""
_SKIP = re.compile(
    r"\s*(?:%%|classDef\b|class\b|style\b|linkStyle\b|click\b|direction\b|accTitle\b|accDescr\b)"
)
_SUBGRAPH = re.compile(
    r"\s*subgraph\s+(?:\"(?P<quoted>[^\"]*)\"|(?P<id>[\w.\-]+)\s*(?:\[\s*\"?(?P<title>[^\]\"]*)\"?\s*\])?"
    r"|(?P<bare>.+?))\s*$"
)
# An id character: ASCII letters, digits, ``_`` and anything from U+00C0 to U+FFFF. Written
# as what it excludes: ``[A-Za-z0-9_\u00c0-\uffff]`` is the same set but costs ``re`` 2.5 ms
# to compile (it walks the 65k-wide range), at every start-up.
_ID_CHAR = r"[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\xbf\U00010000-\U0010ffff]"
_ID = re.compile(rf"\s*(?P<id>{_ID_CHAR}+(?:[.\-]{_ID_CHAR}+)*)")
_SHAPES = (
    ("(((", ")))"),
    ("((", "))"),
    ("([", "])"),
    ("[[", "]]"),
    ("[(", ")]"),
    ("{{", "}}"),
    ("[/", "/]"),
    ("[/", "\\]"),
    ("[\\", "\\]"),
    ("[\\", "/]"),
    ("[", "]"),
    ("(", ")"),
    ("{", "}"),
    (">", "]"),
)
_CLASS_SUFFIX = re.compile(r":::[\w\-]+")
_LINK = re.compile(
    r"\s*(?:"
    r"(?P<tl><)?(?P<topen>--|==|-\.)\s+(?P<text>[^|>]+?)\s+(?P<tbody>-{2,}|={2,}|\.-+|\.+-)(?P<th>[>ox])?"
    r"|(?P<l><)?(?P<body>-{2,}|={2,}|-\.+-|~{3,})(?P<h>[>ox](?=[\s|]|$)|>)?"
    r")"
    r"(?:\s*\|(?P<pipe>[^|]*)\|)?"
)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Ref:
    id: str
    column: int  # 1-based


@dataclass(frozen=True, slots=True)
class _Link:
    source: _Ref
    target: _Ref
    label: str | None
    line: int  # 1-based within the block


def _header_line(lines: list[str]) -> int | None:
    """The index of the ``flowchart``/``graph`` line (after any ``---`` front matter), else None."""
    in_front_matter = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped == "---":
            in_front_matter = not in_front_matter
            continue
        if in_front_matter or not stripped or stripped.startswith("%%"):
            continue
        return index if _HEADER.match(stripped) else None
    return None


def is_flowchart(text: str) -> bool:
    """True when the block declares a flowchart (``flowchart LR``, ``graph TD``)."""
    return _header_line(text.split("\n")) is not None


def _clean_label(text: str) -> str:
    text = _BREAK.sub(" ", text).strip().strip('"').strip()
    return re.sub(r"\s+", " ", text.replace("**", "").replace("`", ""))


def _node(statement: str, at: int, labels: dict[str, str]) -> tuple[_Ref, int] | None:
    """A node reference (with an optional shape and label) at ``at``; returns it and the end."""
    match = _ID.match(statement, at)
    if match is None:
        return None
    node_id = match.group("id")
    column = match.start("id") + 1
    end = match.end()
    for opening, closing in _SHAPES:
        if statement.startswith(opening, end):
            inner_start = end + len(opening)
            if statement.startswith('"', inner_start):
                quote = statement.find('"', inner_start + 1)
                close = statement.find(closing, quote + 1) if quote >= 0 else -1
            else:
                close = statement.find(closing, inner_start)
            if close < 0:
                return None
            label = _clean_label(statement[inner_start:close])
            if label and node_id not in labels:
                labels[node_id] = label
            end = close + len(closing)
            break
    suffix = _CLASS_SUFFIX.match(statement, end)
    if suffix is not None:
        end = suffix.end()
    return _Ref(node_id, column), end


def _group(statement: str, at: int, labels: dict[str, str]) -> tuple[list[_Ref], int] | None:
    """``A``, or ``A & B & C``."""
    refs: list[_Ref] = []
    while True:
        found = _node(statement, at, labels)
        if found is None:
            return (refs, at) if refs else None
        ref, at = found
        refs.append(ref)
        amp = _AMPERSAND.match(statement, at)
        if amp is None:
            return refs, at
        at = amp.end()


def _statement(
    statement: str, line: int, offset: int, labels: dict[str, str], links: list[_Link]
) -> None:
    found = _group(statement, 0, labels)
    if found is None:
        return
    sources, at = found
    while True:
        link = _LINK.match(statement, at)
        if link is None or link.end() == at:
            return
        found = _group(statement, link.end(), labels)
        if found is None:
            return
        targets, at = found
        body = link.group("body") or ""
        if not body.startswith("~"):
            backward = bool(link.group("l") or link.group("tl"))
            forward = bool(link.group("h") or link.group("th")) or not backward
            label = _clean_label(link.group("pipe") or link.group("text") or "") or None
            for source in sources:
                for target in targets:
                    src = _Ref(source.id, source.column + offset)
                    tgt = _Ref(target.id, target.column + offset)
                    if forward:
                        links.append(_Link(src, tgt, label, line))
                    if backward:
                        links.append(_Link(tgt, src, label, line))
        sources = targets


def read_mermaid(text: str) -> DiagramText:
    """The systems and arrows of a Mermaid flowchart; empty for any other diagram."""
    lines = text.split("\n")
    header = _header_line(lines)
    if header is None:
        return DiagramText([], [], [])
    labels: dict[str, str] = {}
    links: list[_Link] = []
    for number, raw in enumerate(lines[header:], start=header + 1):
        if len(raw) > MAX_LINE:
            continue
        offset = 0
        if number == header + 1:  # statements may follow the header: "graph LR; A --> B"
            offset = raw.find(";") + 1
            if not offset:
                continue
        for part in raw[offset:].split(";"):
            start = offset
            offset += len(part) + 1
            statement = part.rstrip()
            stripped = statement.strip()
            if not stripped or stripped == "end" or _SKIP.match(statement):
                continue
            sub = _SUBGRAPH.match(statement)
            if sub is not None:
                title = sub.group("quoted") or sub.group("title") or sub.group("bare")
                node_id = sub.group("id") or title
                if node_id and title and node_id not in labels:
                    labels[node_id] = _clean_label(title)
                continue
            _statement(statement, number, start, labels, links)
    return _resolve(links, labels)


def _resolve(links: list[_Link], labels: dict[str, str]) -> DiagramText:
    edges: list[Edge] = []
    nodes: list[Box] = []
    seen_edges: set[tuple[str, str, str | None]] = set()
    seen_nodes: set[str] = set()
    for link in links:
        source = box_name(labels.get(link.source.id, link.source.id))
        target = box_name(labels.get(link.target.id, link.target.id))
        if source is None or target is None or source == target:
            continue  # a template's slot ({{system}}) or an empty label names no system
        key = (source, target, link.label)
        if key not in seen_edges:
            seen_edges.add(key)
            edges.append(Edge(source, target, link.label, link.line, link.source.column))
        for name, ref in ((source, link.source), (target, link.target)):
            if name not in seen_nodes:
                seen_nodes.add(name)
                nodes.append(Box(name, link.line, ref.column))
    return DiagramText(nodes, edges, [])
