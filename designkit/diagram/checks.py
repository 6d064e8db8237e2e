"""Facts about the architecture graph that the lint rules DK401-DK407 report.

Each function returns ``(message, model path)`` pairs; the rules in
``designkit/lint/rules`` wrap them with a code and severity.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import networkx as nx

from designkit.diagram.graph import Graph, build_graph
from designkit.model import Failover
from designkit.parse.document import ParsedDesign

Fact = tuple[str, str]
_GENERIC = frozenset(
    {
        "system",
        "systems",
        "api",
        "apis",
        "service",
        "services",
        "function",
        "adapter",
        "server",
        "app",
        "layer",
        "the",
        "and",
        "for",
        "with",
        "from",
        "platform",
        "portal",
        "source",
        "target",
        "integration",
        "internal",
        "pipeline",
        "cloud",
        "sales",
    }
)
_WORDS = re.compile(r"[a-z0-9][a-z0-9.\-]*")


def graph_of(parsed: ParsedDesign) -> Graph:
    """The design's graph, built once per parsed document."""
    graph = parsed.derived.get("graph")
    if graph is None:
        from designkit.diagram.roles import read_roles

        roles = read_roles(parsed.source)
        graph = parsed.derived["graph"] = build_graph(parsed.design, roles)
    return graph


def _significant(text: str) -> set[str]:
    return {w for w in _WORDS.findall(text.lower()) if len(w) >= 3 and w not in _GENERIC}


def mentions(connection: str, system: str) -> bool:
    """Whether an authentication row's connection text names a system (loosely)."""
    text = connection.lower()
    if system.lower() in text:
        return True
    return bool(_significant(system) & _significant(connection))


def _systems(graph: Graph) -> list[str]:
    return [n for n, d in graph.nodes(data=True) if d["kind"] == "system"]


def unauthenticated(graph: Graph) -> list[str]:
    """The systems no authentication row names (DK401; the security view marks them).

    Integration-layer systems count as covered by an 'Internal' row, and a DLQ is
    never called from outside; a design without an authentication table has none.
    """
    rows: list[str] = list(graph.graph.get("auth_rows") or [])
    if not rows:
        return []
    internal = any("internal" in row.lower() for row in rows)
    found = []
    for node in _systems(graph):
        data = graph.nodes[node]
        if data.get("cluster") == "integration" and internal:
            continue
        if re.search(r"dlq|dead.?letter", str(data["label"]), re.IGNORECASE):
            continue
        if not any(mentions(row, data["label"]) for row in rows):
            found.append(node)
    return found


def systems_without_auth(parsed: ParsedDesign) -> Iterator[Fact]:
    graph = graph_of(parsed)
    for node in unauthenticated(graph):
        data = graph.nodes[node]
        yield (
            f"system '{data['label']}' in the diagram has no row in the authentication table",
            str(data["field"]),
        )


def auth_rows_without_system(parsed: ParsedDesign) -> Iterator[Fact]:
    graph = graph_of(parsed)
    names = [graph.nodes[n]["label"] for n in _systems(graph)]
    if not parsed.design.architecture.diagram.edges:
        return
    for index, row in enumerate(parsed.design.security.authentication):
        connection = row.connection or ""
        if not _significant(connection) or connection.strip().lower() in {
            "internal",
            "source api",
            "target api",
        }:
            continue
        if not any(mentions(connection, name) for name in names):
            yield (
                f"authentication row '{connection}' names no system in the diagram",
                f"security.authentication[{index}].connection",
            )


def calls_without_failure_path(parsed: ParsedDesign) -> Iterator[Fact]:
    """External calls with neither a retry policy nor a route to the DLQ, in a design that has a DLQ."""
    design = parsed.design
    dlq = design.error_handling.dead_letter_queue
    if dlq.when is None and dlq.retention_days is None:
        return
    if any((p.max_attempts or 0) > 1 for p in design.error_handling.retry_policies):
        return
    graph = graph_of(parsed)
    dlq_nodes = {
        n for n in _systems(graph) if re.search(r"dlq|dead.?letter", graph.nodes[n]["label"], re.I)
    }
    for source, target, data in graph.edges(data=True):
        if data["kind"] != "data" or graph.nodes[target].get("cluster") != "target":
            continue
        if target in dlq_nodes or any(s in dlq_nodes for s in graph.successors(source)):
            continue
        yield (
            f"call from '{graph.nodes[source]['label']}' to '{graph.nodes[target]['label']}' has no "
            "failure path: no retry policy and no arrow to the DLQ",
            str(data["field"]),
        )


def _system_graph(graph: Graph) -> Graph:
    """Only the systems and the arrows between them, in the order they were drawn.

    Built node by node rather than with ``subgraph``, whose iteration order is a
    set's: the checks' messages must come out the same on every run.
    """
    systems: Graph = nx.DiGraph()
    names = _systems(graph)
    for node in names:
        systems.add_node(node, **graph.nodes[node])
    kept = set(names)
    for source, target, data in graph.edges(data=True):
        if source in kept and target in kept:
            systems.add_edge(source, target, **data)
    return systems


def _entries(systems: Graph) -> list[str]:
    """Where data enters: the first box drawn and every box no arrow points to."""
    first = next(iter(systems), None)
    return [n for n in systems if n == first or systems.in_degree(n) == 0]


def _forward(systems: Graph) -> tuple[Graph, list[str]]:
    """The system graph without write-backs (arrows back into an entry), and its entries."""
    entries = _entries(systems)
    forward = systems.copy()
    forward.remove_edges_from([(a, b) for a, b in systems.edges if b in entries])
    return forward, entries


def unreachable_systems(parsed: ParsedDesign) -> Iterator[Fact]:
    systems = _system_graph(graph_of(parsed))
    if systems.number_of_edges() == 0:
        return
    forward, entries = _forward(systems)
    reached: set[str] = set(entries)
    for entry in entries:
        reached |= nx.descendants(forward, entry)
    for node in systems:
        label = systems.nodes[node]["label"]
        if systems.degree(node) == 0:
            yield (
                f"system '{label}' has no arrow to or from it",
                str(systems.nodes[node]["field"]),
            )
        elif node not in reached:
            yield (
                f"system '{label}' cannot be reached from any source (it sits on a cycle with no "
                "way in)",
                str(systems.nodes[node]["field"]),
            )


def targets_only_through_cycles(parsed: ParsedDesign) -> Iterator[Fact]:
    systems = _system_graph(graph_of(parsed))
    forward, _ = _forward(systems)
    cyclic = {
        n
        for component in nx.strongly_connected_components(forward)
        if len(component) > 1
        for n in component
    }
    if not cyclic:
        return
    for node in forward:
        predecessors = list(forward.predecessors(node))
        if forward.out_degree(node) or node in cyclic or not predecessors:
            continue
        if all(p in cyclic for p in predecessors):
            yield (
                f"target '{systems.nodes[node]['label']}' is reached only through a cycle",
                str(systems.nodes[node]["field"]),
            )


def single_points_of_failure(parsed: ParsedDesign) -> Iterator[Fact]:
    """Articulation points between sources and targets, when the design claims automatic failover."""
    if parsed.design.reliability.disaster_recovery.failover is not Failover.AUTOMATIC:
        return
    systems = _system_graph(graph_of(parsed))
    undirected = systems.to_undirected()
    sources = [n for n in systems if systems.nodes[n].get("cluster") == "source"]
    targets = [n for n in systems if systems.nodes[n].get("cluster") == "target"]
    points = []
    for point in sorted(nx.articulation_points(undirected), key=lambda n: list(systems).index(n)):
        if point in sources or point in targets:
            continue
        rest = undirected.subgraph([n for n in undirected if n != point])
        if any(
            not nx.has_path(rest, s, t)
            for s in sources
            for t in targets
            if nx.has_path(undirected, s, t)
        ):
            points.append(point)
    if points:
        names = ", ".join(f"'{systems.nodes[p]['label']}'" for p in points[:5])
        more = f" and {len(points) - 5} more" if len(points) > 5 else ""
        yield (
            f"single point(s) of failure between sources and targets: {names}{more}; the design "
            "claims automatic failover, so each needs redundancy",
            str(systems.nodes[points[0]]["field"]),
        )
