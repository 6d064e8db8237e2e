"""What each view of the architecture shows, as plain nodes and edges for a writer.

The graph holds everything once; a view picks and words it, and every writer
(DOT, Mermaid, C4) draws the same picture from the same ``Drawing``:

- ``architecture``: systems in their lanes; each flow step on the system it runs
  in (a line under the name) or the arrow it travels (a line on the arrow); on
  each call, its label, auth and retries in words; a circuit breaker sits on the
  calls it guards; the DLQ once, with its retention, and the alerts.
- ``systems``: the systems and arrows with their labels and auth, nothing else.
- ``flow``: the flow's steps in order, each in the lane of its system.
- ``security``: the arrows coloured by auth method; a system with no
  authentication row (lint DK401) is marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from designkit.diagram.graph import INTEGRATION_LANES, Graph

VIEWS = ("architecture", "systems", "flow", "security")

# top-level lanes in reading order, the integration layer's own lanes inside it
LANE_ORDER = ("source", "integration", "staging", "warehouse", "target")
INNER_LANES = INTEGRATION_LANES
LANE_COLORS = {
    "source": "#eef5ff",
    "integration": "#f3f0ff",
    "staging": "#f1f8e9",
    "warehouse": "#e0f2f1",
    "target": "#eefaf0",
    "experience": "#e8eaf6",
    "process": "#ede7f6",
    "system_api": "#f3e5f5",
    "hub": "#fff8e1",
    "broker": "#fffde7",
    "services": "#f5f5f5",
}


def lane_title(lane: str, pattern: str | None) -> str:
    titles = {
        "source": "Sources",
        "integration": "Integration layer",
        "staging": "Staging",
        "warehouse": "Warehouse",
        "target": "Targets",
        "experience": "Experience APIs",
        "process": "Process APIs",
        "system_api": "System APIs",
        "hub": "Hub",
        "broker": "Broker and topics" if pattern == "event_driven" else "Topics and queues",
        "services": "Pipeline" if pattern == "etl" else "Integration services",
    }
    return titles[lane]


@dataclass(slots=True)
class Node:
    id: str
    label: str
    shape: str  # system, hub, broker, store, dlq, breaker, alert, step, schedule
    lane: str | None
    notes: list[str] = field(default_factory=list)
    warning: bool = False
    key: str = ""  # the graph node it draws
    role: str = ""


@dataclass(slots=True)
class Edge:
    source: str
    target: str
    style: str  # data, call (into a breaker), error, alert, flow, starts
    label: str | None = None
    auth: str | None = None
    back: bool = False
    description: str | None = None  # the arrow's own label, for C4 writers


@dataclass(slots=True)
class Drawing:
    title: str
    view: str
    pattern: str | None
    nodes: list[Node]
    edges: list[Edge]
    single_lane: str | None = None  # the integration layer's only inner lane, drawn inline


def _shape(data: dict[str, object]) -> str:
    if data.get("hub"):
        return "hub"
    role = data.get("role")
    if role in ("broker", "dlq"):
        return str(role)
    if role in ("store", "staging", "warehouse"):
        return "store"
    return "system"


def _order(graph: Graph) -> list[str]:
    rank = {"system": 0, "dlq": 1, "breaker": 2, "alert": 3, "schedule": 4, "step": 5}
    nodes = list(graph.nodes)
    return sorted(nodes, key=lambda n: (rank.get(graph.nodes[n]["kind"], 9), nodes.index(n)))


def view_of(graph: Graph, view: str = "architecture") -> Drawing:
    """The nodes and edges one view draws, with every label already in words."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; one of {', '.join(VIEWS)}")
    from designkit.diagram.checks import unauthenticated

    pattern = graph.graph.get("pattern")
    name = str(graph.graph.get("name") or "integration")
    title = name if view == "architecture" else f"{name}: {view}"
    keep = {
        "architecture": {"system", "dlq", "breaker", "alert", "schedule"},
        "systems": {"system"},
        "flow": {"step"},
        "security": {"system"},
    }[view]
    order = [n for n in _order(graph) if graph.nodes[n]["kind"] in keep]
    ids = {node: f"n{index}" for index, node in enumerate(order)}
    no_auth = set(unauthenticated(graph)) if view == "security" else set()
    nodes: list[Node] = []
    breakers_drawn = 0
    for key in order:
        data = graph.nodes[key]
        kind = data["kind"]
        node = Node(ids[key], str(data["label"]), kind, data.get("lane"), key=key)
        if kind == "system":
            node.shape = _shape(data)
            node.role = str(data.get("role", ""))
            if view == "architecture":
                steps = data.get("steps") or []
                node.notes = ([", ".join(steps)] if steps else []) + list(data.get("details") or [])
            if key in no_auth:
                node.warning = True
                node.notes = ["no authentication row"]
        elif kind == "breaker":
            breakers_drawn += 1
            if breakers_drawn > 1:
                node.label = "breaker (same settings)"
        elif kind == "step":
            node.lane, node.notes = _step_place(graph, data)
        elif kind == "dlq":
            node.lane = data.get("lane")
        nodes.append(node)
    only = _inline_services(nodes)
    edges = _edges(graph, view, ids)
    drawing = Drawing(title, view, str(pattern) if pattern else None, nodes, edges)
    drawing.single_lane = only
    return drawing


def _step_place(graph: Graph, data: dict[str, object]) -> tuple[str | None, list[str]]:
    """A flow step's lane and the line saying where it runs or what it travels."""
    at_edges = data.get("at_edges") or []
    at = data.get("at")
    assert isinstance(at_edges, list)
    if at_edges:
        a, b = at_edges[0]
        where = f"{graph.nodes[a]['label']} → {graph.nodes[b]['label']}"
        if len(at_edges) > 1:
            where += (
                f" (+{len(at_edges) - 1} like it)" if len({a for a, _ in at_edges}) == 1 else ""
            )
        lane = graph.nodes[a].get("lane")
    elif isinstance(at, str):
        where = f"in {graph.nodes[at]['label']}"
        lane = graph.nodes[at].get("lane")
    else:
        return None, []
    return (str(lane) if lane else None), [where]


def _inline_services(nodes: list[Node]) -> str | None:
    """An integration layer with one inner lane needs no box inside its box: its
    members go in the layer, which is named after the lane (returned)."""
    inner = {n.lane for n in nodes if n.lane in INNER_LANES}
    if len(inner) != 1:
        return None
    only = inner.pop()
    for node in nodes:
        if node.lane == only:
            node.lane = "integration"
    return only


def _data_label(data: dict[str, object], view: str) -> str | None:
    lines: list[str] = []
    auth = data.get("auth")
    if view == "security":
        return str(auth) if auth else "no auth stated"
    if view == "architecture" and data.get("steps"):
        lines.append(", ".join(str(s) for s in data["steps"]))  # type: ignore[attr-defined]
    if data.get("label"):
        lines.append(str(data["label"]))
    if auth:
        lines.append(f"auth: {auth}")
    if view == "architecture":
        lines += [str(r) for r in data.get("retry") or []]  # type: ignore[attr-defined]
    return "\n".join(lines) or None


def _edges(graph: Graph, view: str, ids: dict[str, str]) -> list[Edge]:
    order = {node: index for index, node in enumerate(_order(graph))}
    edges: list[Edge] = []
    if view == "flow":
        for a, b, data in graph.edges(data=True):
            if data["kind"] == "flow" and a in ids and b in ids:
                edges.append(Edge(ids[a], ids[b], "flow"))
        return sorted(edges, key=lambda e: (int(e.source[1:]), int(e.target[1:])))
    called: set[str] = set()
    for a, b, data in sorted(graph.edges(data=True), key=lambda e: (order[e[0]], order[e[1]])):
        if a not in ids or b not in ids:
            continue
        kind = data["kind"]
        back = graph.nodes[b].get("lane") == "source" and graph.nodes[a].get("lane") != "source"
        if kind == "data":
            label = _data_label(data, view)
            auth = data.get("auth")
            breaker = data.get("guarded_by") if view == "architecture" else None
            description = str(data["label"]) if data.get("label") else None
            start = a
            if isinstance(breaker, str) and breaker in ids:  # drawn through its breaker
                if breaker not in called:
                    called.add(breaker)
                    edges.append(Edge(ids[a], ids[breaker], "call", auth=None))
                start = breaker
            edges.append(
                Edge(
                    ids[start],
                    ids[b],
                    "data",
                    label,
                    str(auth) if auth else None,
                    back,
                    description,
                )
            )
        elif kind in ("error", "alert", "starts") and view == "architecture":
            edges.append(
                Edge(ids[a], ids[b], kind, str(data["label"]) if data.get("label") else None)
            )
    return edges


def lanes_of(drawing: Drawing) -> list[tuple[str, str, str, list[tuple[str, str, str]]]]:
    """The clusters to draw: (key, title, colour, inner lanes), only those with members."""
    used = {n.lane for n in drawing.nodes}
    lanes = []
    for key in LANE_ORDER:
        inner = (
            [(k, lane_title(k, drawing.pattern), LANE_COLORS[k]) for k in INNER_LANES if k in used]
            if key == "integration"
            else []
        )
        if key in used or inner:
            title = lane_title(key, drawing.pattern)
            single = drawing.single_lane
            if (
                key == "integration"
                and single
                and (single != "services" or drawing.pattern == "etl")
            ):
                title += f": {lane_title(str(drawing.single_lane), drawing.pattern).lower()}"
            lanes.append((key, title, LANE_COLORS[key], inner))
    return lanes
