"""Graph -> DOT and Mermaid text (deterministic, nothing installed), and SVG/PNG/PDF via Graphviz.

Same graph, same bytes: nodes and edges are written in a sorted, stable order,
and ids are derived from that order, never from memory addresses or hashes.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

from designkit.diagram.graph import Graph
from designkit.errors import UserError
from designkit.text_safety import LEGACY_COMMAND, UNSAFE

CLUSTERS = (
    ("source", "Source systems", "#eef5ff"),
    ("integration", "Integration layer", "#f3f0ff"),
    ("target", "Target systems", "#eefaf0"),
)
FLOW_CLUSTER = ("flow", "Flow", "#fffaf0")
ERROR_COLOR = "#c62828"
KIND_ORDER = {
    "system": 0,
    "schedule": 1,
    "step": 2,
    "retries": 3,
    "dlq": 4,
    "breaker": 5,
    "alert": 6,
}


def _node_order(graph: Graph) -> list[str]:
    """Systems in the order they were drawn, then the flow, then failure paths."""
    return sorted(
        graph.nodes,
        key=lambda n: (KIND_ORDER.get(graph.nodes[n]["kind"], 9), list(graph.nodes).index(n)),
    )


def _ids(graph: Graph) -> dict[str, str]:
    return {node: f"n{index}" for index, node in enumerate(_node_order(graph))}


def _edges(graph: Graph) -> list[tuple[str, str, dict[str, object]]]:
    order = {node: index for index, node in enumerate(_node_order(graph))}
    return sorted(graph.edges(data=True), key=lambda e: (order[e[0]], order[e[1]]))


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


def _dot_node_style(data: dict[str, object]) -> str:
    kind = data["kind"]
    if kind == "system":
        if data.get("hub"):
            return 'shape=doubleoctagon, style="filled,bold", fillcolor="#ffe9b3"'
        role = data.get("role")
        if role == "dlq":
            return f'shape=cylinder, style=filled, fillcolor="#fdecea", color="{ERROR_COLOR}"'
        if role == "broker":
            return 'shape=cylinder, style=filled, fillcolor="#fff3cd"'
        if role == "store":
            return 'shape=cylinder, style=filled, fillcolor="#e8f4fd"'
        return 'shape=box, style="rounded,filled", fillcolor=white'
    if kind == "step":
        return 'shape=box, style="rounded,filled", fillcolor="#fff7e0"'
    if kind == "schedule":
        return 'shape=note, style=filled, fillcolor="#fff7e0"'
    if kind == "retries":
        return 'shape=note, style=filled, fillcolor="#fff3e0", color="#e65100", fontsize=9'
    if kind == "dlq":
        return f'shape=cylinder, style=filled, fillcolor="#fdecea", color="{ERROR_COLOR}"'
    if kind == "breaker":
        return f'shape=hexagon, style=filled, fillcolor="#fdecea", color="{ERROR_COLOR}"'
    return f'shape=octagon, style=filled, fillcolor="#fdecea", color="{ERROR_COLOR}"'


def _dot_edge_style(data: dict[str, object]) -> str:
    kind = data["kind"]
    if kind in ("error", "alert"):
        return f'style=dashed, color="{ERROR_COLOR}", fontcolor="{ERROR_COLOR}"'
    if kind == "retry":
        return 'style=dashed, color="#e65100", fontcolor="#e65100"'
    if kind == "guard":
        return 'style=dotted, color="#6a1b9a", fontcolor="#6a1b9a", arrowhead=odot'
    if kind == "flow":
        return 'color="#8d6e63"'
    if kind == "note":
        return 'style=dotted, color="#e65100", arrowhead=none'
    return 'color="#37474f"'


def _edge_label(data: dict[str, object]) -> str:
    parts = [str(data["label"])] if data.get("label") else []
    if data.get("auth"):
        parts.append(f"[{data['auth']}]")
    return "\n".join(parts)


def to_dot(graph: Graph, direction: str = "LR") -> str:
    """Graphviz DOT with source / integration / target clusters, a flow cluster and a legend."""
    ids = _ids(graph)
    out = [
        f"digraph {_dot_quote(str(graph.graph.get('name') or 'integration'))} {{",
        f"  graph [rankdir={direction}, fontname=Helvetica, fontsize=12, nodesep=0.4, ranksep=0.6, "
        f"compound=true, newrank=true, labelloc=t, label={_dot_quote(str(graph.graph.get('name') or ''))}];",
        '  node [fontname=Helvetica, fontsize=11, margin="0.15,0.06"];',
        "  edge [fontname=Helvetica, fontsize=9];",
    ]
    groups: dict[str, list[str]] = {}
    for node in _node_order(graph):
        data = graph.nodes[node]
        group = data.get("cluster") if data["kind"] == "system" else "flow"
        groups.setdefault(str(group), []).append(node)
    for key, title, color in (*CLUSTERS, FLOW_CLUSTER):
        members = groups.get(key, [])
        if not members:
            continue
        out.append(f"  subgraph cluster_{key} {{")
        out.append(
            f'    label={_dot_quote(title)}; labeljust=l; labelloc=b; style="rounded,filled"; fillcolor="{color}"; color="#b0bec5";'
        )
        for node in members:
            data = graph.nodes[node]
            out.append(
                f"    {ids[node]} [label={_dot_quote(str(data['label']))}, {_dot_node_style(data)}];"
            )
        out.append("  }")
    for source, target, data in _edges(graph):
        label = _edge_label(data)
        attributes = _dot_edge_style(data) + (f", label={_dot_quote(label)}" if label else "")
        if label and data["kind"] == "data":
            attributes += ", minlen=2"  # room for the label between the two boxes
        out.append(f"  {ids[source]} -> {ids[target]} [{attributes}];")
    out += list(_dot_legend())
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_legend() -> Iterator[str]:
    yield "  subgraph cluster_legend {"
    yield '    label="Legend"; style="rounded"; color="#b0bec5"; fontsize=10;'
    yield '    legend_data_a [label="system", shape=box, style=rounded, fontsize=9];'
    yield '    legend_data_b [label="system", shape=box, style=rounded, fontsize=9];'
    yield '    legend_err_a [label="step", shape=box, style=rounded, fontsize=9];'
    yield (
        '    legend_err_b [label="DLQ / alert", shape=cylinder, fontsize=9, '
        f'color="{ERROR_COLOR}"];'
    )
    yield '    legend_data_a -> legend_data_b [label="data [auth]", fontsize=8];'
    yield (
        '    legend_err_a -> legend_err_b [label="failure path", style=dashed, '
        f'color="{ERROR_COLOR}", fontcolor="{ERROR_COLOR}", fontsize=8];'
    )
    yield "  }"


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


def _mermaid_shape(node_id: str, data: dict[str, object]) -> str:
    label = f'"{_mermaid_text(str(data["label"]))}"'
    kind = data["kind"]
    if kind == "system" and data.get("hub"):
        return f"{node_id}{{{{{label}}}}}"
    if kind == "system" and data.get("role") in ("broker", "store", "dlq"):
        return f"{node_id}[({label})]"
    if kind == "dlq":
        return f"{node_id}[({label})]"
    if kind == "breaker":
        return f"{node_id}{{{{{label}}}}}"
    if kind == "alert":
        return f"{node_id}>{label}]"
    return f"{node_id}({label})" if kind == "step" else f"{node_id}[{label}]"


def to_mermaid(graph: Graph, direction: str = "LR") -> str:
    """A Mermaid ``flowchart`` that GitHub renders inside Markdown."""
    ids = _ids(graph)
    out = [f"flowchart {direction}"]
    groups: dict[str, list[str]] = {}
    for node in _node_order(graph):
        data = graph.nodes[node]
        groups.setdefault(
            str(data.get("cluster") if data["kind"] == "system" else "flow"), []
        ).append(node)
    for key, title, _ in (*CLUSTERS, FLOW_CLUSTER):
        members = groups.get(key, [])
        if not members:
            continue
        out.append(f'  subgraph {key}["{title}"]')
        for node in members:
            out.append(f"    {_mermaid_shape(ids[node], graph.nodes[node])}")
        out.append("  end")
    error_links: list[int] = []
    for index, (source, target, data) in enumerate(_edges(graph)):
        label = _edge_label(data)
        arrow = (
            "-.-"
            if data["kind"] == "note"
            else "-.->"
            if data["kind"] in ("error", "alert", "retry", "guard")
            else "-->"
        )
        text = f'|"{_mermaid_text(label)}"|' if label else ""
        out.append(f"  {ids[source]} {arrow}{text} {ids[target]}")
        if data["kind"] in ("error", "alert"):
            error_links.append(index)
    out.append("  classDef failure fill:#fdecea,stroke:#c62828,color:#000")
    out.append("  classDef step fill:#fff7e0,stroke:#8d6e63,color:#000")
    failure = [
        ids[n] for n in _node_order(graph) if graph.nodes[n]["kind"] in ("dlq", "breaker", "alert")
    ]
    steps = [
        ids[n]
        for n in _node_order(graph)
        if graph.nodes[n]["kind"] in ("step", "schedule", "retries")
    ]
    if failure:
        out.append(f"  class {','.join(failure)} failure")
    if steps:
        out.append(f"  class {','.join(steps)} step")
    if error_links:
        out.append(
            f"  linkStyle {','.join(str(i) for i in error_links)} stroke:{ERROR_COLOR},stroke-dasharray:4"
        )
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- Graphviz


def dot_available() -> bool:
    return shutil.which("dot") is not None


def render_binary(dot_text: str, output_format: str) -> bytes:
    """SVG, PNG or PDF bytes from DOT text, through the Graphviz ``dot`` program."""
    import graphviz

    if not dot_available():
        raise UserError(
            f"--format {output_format} needs the Graphviz 'dot' program, which is not installed",
            hint="install it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz) "
            "or use --format mermaid or --format dot",
        )
    try:
        data: bytes = graphviz.Source(dot_text).pipe(format=output_format)
    except graphviz.CalledProcessError as error:
        detail = (error.stderr or b"").decode(errors="replace").strip().splitlines()
        raise UserError(f"Graphviz failed: {detail[0] if detail else error}") from None
    return data
