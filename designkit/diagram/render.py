"""Graph -> DOT and Mermaid text (deterministic, nothing installed), and SVG/PNG/PDF via Graphviz.

Four views of the same graph (views.py decides what each shows): the
architecture (default: systems in lanes, the flow's steps on the systems and
arrows they use, retries, breakers, the DLQ and alerts where they act), the
systems alone, the flow (the steps in order, each in its system's lane) and
security (arrows coloured by auth method, systems without auth marked).

Same graph, same bytes: nodes and edges are written in a stable order, and ids
are derived from that order, never from memory addresses or hashes.
"""

from __future__ import annotations

import html
import re
import shutil
import textwrap
from collections.abc import Iterator

from designkit.diagram.graph import Graph
from designkit.diagram.views import Drawing, Edge, Node, lanes_of, view_of
from designkit.errors import UserError
from designkit.text_safety import LEGACY_COMMAND, UNSAFE

ERROR_COLOR = "#c62828"
GUARD_COLOR = "#6a1b9a"
RETRY_COLOR = "#e65100"
DATA_COLOR = "#37474f"
NO_AUTH_COLOR = "#9e9e9e"
AUTH_COLORS = ("#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#4e342e")
PNG_DPI = 192
"""PNG export at twice the screen density: a sample is 2,000-4,000 pixels wide, sharp on
a 1080p slide and when zoomed."""
WRAP = 36


def wrap(text: str, width: int = WRAP) -> list[str]:
    """A label's lines, long ones broken at spaces so an arrow's label stays narrow."""
    lines: list[str] = []
    for line in text.split("\n"):
        lines += textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [""]
    return lines


def auth_colors(drawing: Drawing) -> dict[str, str]:
    """One colour per auth method, in the order the methods first appear."""
    methods: list[str] = []
    for edge in drawing.edges:
        if edge.auth and edge.auth not in methods:
            methods.append(edge.auth)
    return {m: AUTH_COLORS[i % len(AUTH_COLORS)] for i, m in enumerate(methods)}


# --------------------------------------------------------------------------- DOT


def _dot_character(found: re.Match[str]) -> str:
    """A C0 control shown as its escape (``\\x1b``: SVG, being XML, cannot hold it),
    any other unsafe character as a character reference."""
    code = ord(found.group())
    return f"\\\\x{code:02x}" if code < 0x20 else f"&#{code};"


def _dot_quote(text: str) -> str:
    """A DOT string on one line that no CI runner reads as a workflow command.

    Newlines become DOT's ``\\n``; any other control, format or separator
    character, and the ``[`` of a ``##[``, become character references, which
    Graphviz draws as the character itself (see :mod:`designkit.text_safety`).
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    escaped = UNSAFE.sub(_dot_character, escaped)
    escaped = LEGACY_COMMAND.sub(r"\1&#91;", escaped)
    return f'"{escaped}"'


def _html_text(line: str) -> str:
    """Text of an HTML-like label, made safe like a DOT string (:func:`_dot_quote`)."""
    escaped = UNSAFE.sub(_html_character, html.escape(line, quote=False))
    return LEGACY_COMMAND.sub(r"\1&#91;", escaped)


def _html_character(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x20 else f"&#{code};"


def _dot_html(title: str, notes: list[str], *, bold: bool = False) -> str:
    """An HTML-like label: the name, then smaller lines (steps, DLQ retention, no auth)."""
    name = "<BR/>".join(_html_text(line) for line in wrap(title, 34))
    parts = [f"<B>{name}</B>" if bold else name]
    for note in notes:
        for line in wrap(note, 34):
            parts.append(f'<FONT POINT-SIZE="9">{_html_text(line)}</FONT>')
    return "<" + "<BR/>".join(parts) + ">"


def _dot_node(node: Node, direction: str) -> str:
    width = 26 if node.shape == "breaker" else 40
    label = (
        _dot_html(node.label, node.notes, bold=node.shape == "system")
        if node.notes or node.shape == "system"
        else _dot_quote("\n".join(wrap(node.label, width)))
    )
    style = {
        "system": 'shape=box, style="rounded,filled", fillcolor=white',
        "hub": 'shape=box, style="rounded,filled,bold", fillcolor="#ffe9b3", penwidth=2',
        "broker": 'shape=cylinder, style=filled, fillcolor="#fff3cd"',
        "store": 'shape=cylinder, style=filled, fillcolor="#e8f4fd"',
        "dlq": f'shape=cylinder, style=filled, fillcolor="#fdecea", color="{ERROR_COLOR}"',
        "breaker": f'shape=hexagon, style=filled, fillcolor="#fdecea", color="{GUARD_COLOR}", fontsize=9',
        "alert": f'shape=octagon, style=filled, fillcolor="#fdecea", color="{ERROR_COLOR}"',
        "step": 'shape=box, style="rounded,filled", fillcolor="#fff7e0"',
        "schedule": 'shape=note, style=filled, fillcolor="#fff7e0", fontsize=9',
    }[node.shape]
    if node.warning:
        style += f', color="{ERROR_COLOR}", penwidth=2, style="rounded,filled,dashed"'
    return f"{node.id} [label={label}, {style}];"


def _dot_edge(edge: Edge, colors: dict[str, str]) -> str:
    attributes = {
        "data": f'color="{DATA_COLOR}"',
        "call": f'color="{DATA_COLOR}", arrowhead=none',
        "error": f'style=dashed, color="{ERROR_COLOR}", fontcolor="{ERROR_COLOR}"',
        "alert": f'style=dashed, color="{ERROR_COLOR}", fontcolor="{ERROR_COLOR}"',
        "flow": 'color="#8d6e63", penwidth=1.5',
        "starts": 'style=dotted, color="#8d6e63"',
    }[edge.style]
    if edge.style in ("data", "call") and colors:
        color = colors.get(edge.auth or "", NO_AUTH_COLOR)
        attributes = f'color="{color}", fontcolor="{color}", penwidth=2' + (
            ", style=dashed" if not edge.auth else ""
        )
        if edge.style == "call":
            attributes += ", arrowhead=none"
    if edge.label:
        attributes += f", label={_dot_quote(chr(10).join(wrap(edge.label)))}"
    if edge.back:
        attributes += ", constraint=false"
    return f"  {edge.source} -> {edge.target} [{attributes}];"


def to_dot(graph: Graph, direction: str = "LR", view: str = "architecture") -> str:
    """Graphviz DOT: lanes as clusters (nested for the integration layer's tiers), a legend."""
    drawing = view_of(graph, view)
    colors = auth_colors(drawing) if view == "security" else {}
    title = str(graph.graph.get("name") or "integration")
    out = [
        f"digraph {_dot_quote(title)} {{",
        f"  graph [rankdir={direction}, fontname=Helvetica, fontsize=12, nodesep=0.35, "
        f"ranksep=0.5, labelloc=t, label={_dot_quote(drawing.title)}];",
        '  node [fontname=Helvetica, fontsize=11, margin="0.15,0.06"];',
        "  edge [fontname=Helvetica, fontsize=9];",
    ]
    for lane in lanes_of(drawing):
        out += list(_dot_cluster(lane, drawing, direction, "  "))
    for node in drawing.nodes:
        if node.lane is None:
            out.append(f"  {_dot_node(node, direction)}")
    out += [_dot_edge(edge, colors) for edge in drawing.edges]
    out += list(_dot_legend(drawing, colors))
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_cluster(
    lane: tuple[str, str, str, list[tuple[str, str, str]]],
    drawing: Drawing,
    direction: str,
    indent: str,
) -> Iterator[str]:
    key, title, color, inner = lane
    members = [n for n in drawing.nodes if n.lane == key]
    yield f"{indent}subgraph cluster_{key} {{"
    yield (
        f'{indent}  label={_dot_quote(title)}; labeljust=l; labelloc=b; style="rounded,filled"; '
        f'fillcolor="{color}"; color="#b0bec5"; fontsize=11;'
    )
    for sub_key, sub_title, sub_color in inner:
        sub_members = [n for n in drawing.nodes if n.lane == sub_key]
        if not sub_members:
            continue
        yield f"{indent}  subgraph cluster_{sub_key} {{"
        yield (
            f'{indent}    label={_dot_quote(sub_title)}; labeljust=l; labelloc=t; style="rounded,filled"; '
            f'fillcolor="{sub_color}"; color="#cfd8dc"; fontsize=10;'
        )
        for node in sub_members:
            yield f"{indent}    {_dot_node(node, direction)}"
        yield f"{indent}  }}"
    for node in members:
        yield f"{indent}  {_dot_node(node, direction)}"
    yield f"{indent}}}"


def _legend_entries(drawing: Drawing, colors: dict[str, str]) -> list[tuple[str, str, str]]:
    """(symbol, its colour, what it means) for what this picture draws, and only that."""
    entries: list[tuple[str, str, str]] = []
    styles = {e.style for e in drawing.edges}
    shapes = {n.shape for n in drawing.nodes}
    if colors:
        entries += [("───▶", color, method) for method, color in colors.items()]
        if any(e.style in ("data", "call") and not e.auth for e in drawing.edges):
            entries.append(("- - -▶", NO_AUTH_COLOR, "no auth stated"))
    elif "data" in styles:
        entries.append(("───▶", DATA_COLOR, "data: step, label, auth, retries"))
    if styles & {"error", "alert"}:
        entries.append(("- - -▶", ERROR_COLOR, "failure path: dead letters, alerts"))
    if "flow" in styles:
        entries.append(("───▶", "#8d6e63", "next step"))
    if "breaker" in shapes:
        entries.append(("⬡", GUARD_COLOR, "circuit breaker on the calls after it"))
    if "dlq" in shapes:
        entries.append(("⛁", ERROR_COLOR, "dead-letter queue"))
    if any(n.warning for n in drawing.nodes):
        entries.append(("▭", ERROR_COLOR, "system with no authentication row (DK401)"))
    return entries


def _dot_legend(drawing: Drawing, colors: dict[str, str]) -> Iterator[str]:
    """One table node: the same in LR and TB, and no arrows of its own to lay out."""
    entries = _legend_entries(drawing, colors)
    if not entries:
        return
    rows = "".join(
        f'<TR><TD ALIGN="LEFT"><FONT COLOR="{color}">{html.escape(symbol)}</FONT></TD>'
        f'<TD ALIGN="LEFT">{html.escape(text)}</TD></TR>'
        for symbol, color, text in entries
    )
    yield (
        '  legend [shape=plaintext, fontsize=9, label=<<TABLE BORDER="1" COLOR="#b0bec5" '
        f'CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"><TR><TD COLSPAN="2" ALIGN="LEFT">'
        f"<B>Legend</B></TD></TR>{rows}</TABLE>>];"
    )


# --------------------------------------------------------------------------- Mermaid


def _mermaid_character(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x20 else f"#{code};"


def _mermaid_text(text: str) -> str:
    """Mermaid label text: quotes and angle brackets as entities, newlines as <br/>."""
    safe = (
        text.replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("|", "#124;")
    )
    safe = UNSAFE.sub(_mermaid_character, safe.replace("\n", "<br/>"))
    return LEGACY_COMMAND.sub(r"\1#91;", safe)


def _mermaid_node(node: Node) -> str:
    text = "\n".join([*wrap(node.label, 34), *(line for n in node.notes for line in wrap(n, 34))])
    label = f'"{_mermaid_text(text)}"'
    shape = node.shape
    if shape in ("broker", "store", "dlq"):
        return f"{node.id}[({label})]"
    if shape == "breaker":
        return f"{node.id}{{{{{label}}}}}"
    if shape == "alert":
        return f"{node.id}>{label}]"
    if shape in ("step", "hub"):
        return f"{node.id}({label})"
    return f"{node.id}[{label}]"


def to_mermaid(graph: Graph, direction: str = "LR", view: str = "architecture") -> str:
    """A Mermaid ``flowchart`` that GitHub renders inside Markdown."""
    drawing = view_of(graph, view)
    colors = auth_colors(drawing) if view == "security" else {}
    out = [f"flowchart {direction}"]
    for key, title, _, inner in lanes_of(drawing):
        out.append(f'  subgraph {key}["{_mermaid_text(title)}"]')
        for sub_key, sub_title, _ in inner:
            members = [n for n in drawing.nodes if n.lane == sub_key]
            if members:
                out.append(f'    subgraph {sub_key}["{_mermaid_text(sub_title)}"]')
                out += [f"      {_mermaid_node(n)}" for n in members]
                out.append("    end")
        out += [f"    {_mermaid_node(n)}" for n in drawing.nodes if n.lane == key]
        out.append("  end")
    out += [f"  {_mermaid_node(n)}" for n in drawing.nodes if n.lane is None]
    styles: dict[str, list[int]] = {}
    for index, edge in enumerate(drawing.edges):
        arrow = {"error": "-.->", "alert": "-.->", "starts": "-.->", "call": "---"}.get(
            edge.style, "-->"
        )
        text = f'|"{_mermaid_text(chr(10).join(wrap(edge.label)))}"|' if edge.label else ""
        out.append(f"  {edge.source} {arrow}{text} {edge.target}")
        if colors and edge.style in ("data", "call"):
            color = colors.get(edge.auth or "", NO_AUTH_COLOR)
            dash = ",stroke-dasharray:4" if not edge.auth else ""
            styles.setdefault(f"stroke:{color},stroke-width:2px{dash}", []).append(index)
        elif edge.style in ("error", "alert"):
            styles.setdefault(f"stroke:{ERROR_COLOR},stroke-dasharray:4", []).append(index)
    classes = {
        "failure": ("fill:#fdecea,stroke:#c62828,color:#000", ("dlq", "alert")),
        "guard": ("fill:#fdecea,stroke:#6a1b9a,color:#000", ("breaker",)),
        "step": ("fill:#fff7e0,stroke:#8d6e63,color:#000", ("step", "schedule")),
        "hub": ("fill:#ffe9b3,stroke:#000,stroke-width:2px,color:#000", ("hub",)),
        "noauth": ("fill:#fff,stroke:#c62828,stroke-width:2px,stroke-dasharray:4,color:#000", ()),
    }
    for name, (style, shapes) in classes.items():
        classed = [
            n.id for n in drawing.nodes if n.shape in shapes or (name == "noauth" and n.warning)
        ]
        if classed:
            out.append(f"  classDef {name} {style}")
            out.append(f"  class {','.join(classed)} {name}")
    for style, indexes in styles.items():
        out.append(f"  linkStyle {','.join(str(i) for i in indexes)} {style}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- Graphviz


def dot_available() -> bool:
    return shutil.which("dot") is not None


def render_binary(dot_text: str, output_format: str) -> bytes:
    """SVG, PNG or PDF bytes from DOT text, through the Graphviz ``dot`` program.

    PNG is rendered at PNG_DPI, for slides; SVG and PDF are vectors and need no density.
    """
    import graphviz

    if not dot_available():
        raise UserError(
            f"--format {output_format} needs the Graphviz 'dot' program, which is not installed",
            hint="install it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz) "
            "or use --format mermaid or --format dot",
        )
    if output_format == "png":
        dot_text = dot_text.replace("  graph [", f"  graph [dpi={PNG_DPI}, ", 1)
    try:
        data: bytes = graphviz.Source(dot_text).pipe(format=output_format)
    except graphviz.CalledProcessError as error:
        detail = (error.stderr or b"").decode(errors="replace").strip().splitlines()
        raise UserError(f"Graphviz failed: {detail[0] if detail else error}") from None
    return data
