"""Model -> networkx DiGraph. No drawing here: render.py draws, checks.py inspects.

Nodes carry ``kind`` (system, step, dlq, breaker, alert, schedule), ``cluster``
(source, integration, target) for systems, ``label`` and ``field`` (the model
path they came from, for line numbers). Edges carry ``kind`` (data, flow,
retry, error, guard, alert), ``label`` and, on system edges, ``auth``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TypeAlias

import networkx as nx

from designkit.model import Design, Pattern, RetryStrategy

BROKER_WORDS = re.compile(
    r"kafka|topic|queue|event ?bridge|event ?bus|event ?hub|eventhub|\bsns\b|\bsqs\b|pub/?sub|kinesis|"
    r"rabbit|message broker|stream|nats|\bmq\b",
    re.IGNORECASE,
)
if TYPE_CHECKING:
    Graph: TypeAlias = nx.DiGraph[str]
else:
    Graph = nx.DiGraph

DLQ_WORDS = re.compile(r"dlq|dead.?letter", re.IGNORECASE)
SCHEDULE_WORDS = re.compile(
    r"schedul|cron|nightly|daily|hourly|every \d|\d{1,2}:\d{2}", re.IGNORECASE
)
STORE_WORDS = re.compile(
    r"database|\bdb\b|warehouse|snowflake|s3\b|bucket|lake|cosmos|postgres|sql", re.IGNORECASE
)

DLQ = "dlq"
RETRIES = "retries"
BREAKER = "breaker"
ALERTS = "alerts"
SCHEDULE = "schedule"


def step_id(step: str) -> str:
    return f"step:{step}"


def system_id(name: str) -> str:
    return f"system:{name}"


def _fmt_seconds(value: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if value >= size and value % size == 0:
            return f"{int(value // size)}{unit}"
    return f"{value:g}s"


def _systems_from_auth(design: Design) -> list[tuple[str, str]]:
    """'Salesforce to order-exp-api' -> ('Salesforce', 'order-exp-api'), for designs without a diagram."""
    pairs: list[tuple[str, str]] = []
    for row in design.security.authentication:
        text = row.connection or ""
        for separator in (" to ", " -> ", " → ", "->"):
            if separator in text:
                left, right = text.split(separator, 1)
                pairs.append((left.strip(), right.strip()))
                break
    return pairs


def _auth_for(design: Design, source: str, target: str) -> str | None:
    """The auth method of the authentication row that names this connection best."""
    best: tuple[int, str] | None = None
    for row in design.security.authentication:
        if not row.method or not row.connection:
            continue
        text = row.connection.lower()
        score = (2 if target.lower() in text else 0) + (1 if source.lower() in text else 0)
        if score and (best is None or score > best[0]):
            best = (score, row.method)
    return best[1] if best else None


def _clusters(graph: Graph, systems: list[str]) -> None:
    """Source, integration or target, from the arrows between systems.

    The first box drawn and boxes no arrow points to are where data enters;
    arrows back into them (write-backs, confirmations) do not make them
    integration nodes.
    """
    first = systems[0] if systems else None
    for node in systems:
        inbound = [p for p in graph.predecessors(node) if graph.nodes[p]["kind"] == "system"]
        outbound = [s for s in graph.successors(node) if graph.nodes[s]["kind"] == "system"]
        if outbound and (not inbound or node == first):
            cluster = "source"
        elif inbound and not outbound:
            cluster = "target"
        else:
            cluster = "integration"
        graph.nodes[node]["cluster"] = cluster


def _role(name: str) -> str:
    if DLQ_WORDS.search(name):
        return "dlq"
    if BROKER_WORDS.search(name):
        return "broker"
    if STORE_WORDS.search(name):
        return "store"
    return "service"


def build_graph(design: Design) -> Graph:
    """The design's architecture: systems and arrows, the flow, and the failure paths."""
    graph: Graph = nx.DiGraph(
        name=design.meta.name or "integration",
        pattern=design.architecture.pattern.value if design.architecture.pattern else None,
    )
    diagram = design.architecture.diagram
    edges = [
        (e.source, e.target, e.label, f"architecture.diagram.edges[{i}]")
        for i, e in enumerate(diagram.edges)
    ]
    if not edges:
        edges = [
            (a, b, None, f"security.authentication[{i}]")
            for i, (a, b) in enumerate(_systems_from_auth(design))
        ]
    for index, name in enumerate(diagram.nodes):
        graph.add_node(
            system_id(name), kind="system", label=name, field=f"architecture.diagram.nodes[{index}]"
        )
    for source, target, label, field in edges:
        for name in (source, target):
            if system_id(name) not in graph:
                graph.add_node(system_id(name), kind="system", label=name, field=field)
        graph.add_edge(
            system_id(source),
            system_id(target),
            kind="data",
            label=label,
            field=field,
            auth=_auth_for(design, source, target),
        )
    systems = [n for n, d in graph.nodes(data=True) if d["kind"] == "system"]
    _clusters(graph, systems)
    for node in systems:
        name = graph.nodes[node]["label"]
        graph.nodes[node]["role"] = _role(name)
    if design.architecture.pattern is Pattern.HUB_SPOKE and systems:
        named = [
            n for n in systems if re.search(r"\bhub\b", graph.nodes[n]["label"], re.IGNORECASE)
        ]
        hub = max(named or systems, key=lambda n: (graph.degree(n), graph.nodes[n]["label"]))
        graph.nodes[hub]["hub"] = True
        graph.graph["hub"] = hub
    _add_flow(graph, design)
    _add_failure_paths(graph, design)
    return graph


def _add_flow(graph: Graph, design: Design) -> None:
    previous: str | None = None
    for index, step in enumerate(design.flow.normal):
        node = step_id(step.step)
        graph.add_node(
            node,
            kind="step",
            label=step.step.replace("_", " ").title(),
            description=step.description,
            field=f"flow.normal[{index}]",
        )
        if previous is not None:
            graph.add_edge(previous, node, kind="flow", label=None, field=f"flow.normal[{index}]")
        previous = node
    trigger = next((s for s in design.flow.normal if s.step == "trigger"), None)
    pattern = design.architecture.pattern
    if (
        trigger
        and trigger.description
        and (
            pattern in (Pattern.ETL, Pattern.HYBRID) and SCHEDULE_WORDS.search(trigger.description)
        )
    ):
        graph.add_node(
            SCHEDULE,
            kind="schedule",
            label=f"Schedule\n{_short(trigger.description)}",
            field="flow.normal[0]",
        )
        graph.add_edge(
            SCHEDULE, step_id("trigger"), kind="flow", label="starts", field="flow.normal[0]"
        )


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("`", "").replace("**", "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _calling_step(graph: Graph) -> str | None:
    for name in ("load", "deliver", "publish", "send", "transform"):
        if step_id(name) in graph:
            return step_id(name)
    steps = [n for n, d in graph.nodes(data=True) if d["kind"] == "step"]
    return steps[-1] if steps else None


def _add_failure_paths(graph: Graph, design: Design) -> None:
    caller = _calling_step(graph)
    targets = [
        n
        for n, d in graph.nodes(data=True)
        if d["kind"] == "system"
        and d.get("cluster") == "target"
        and d.get("role") not in ("dlq", "store")
    ]
    handling = design.error_handling
    retries = [
        p
        for p in handling.retry_policies
        if p.strategy is not RetryStrategy.NONE and (p.max_attempts or 0) > 1
    ]
    if caller is not None and retries:
        lines = []
        for policy in retries:
            delays = ", ".join(_fmt_seconds(d) for d in policy.backoff_seconds)
            strategy = policy.strategy.value if policy.strategy else "retry"
            lines.append(
                f"{policy.scenario}: {policy.max_attempts}x {strategy}"
                + (f" ({delays})" if delays else "")
            )
        first = retries[0]
        loop = f"retry {first.max_attempts}x" + (
            f" +{len(retries) - 1} more" if len(retries) > 1 else ""
        )
        graph.add_edge(
            caller, caller, kind="retry", label=loop, field="error_handling.retry_policies"
        )
        graph.add_node(
            RETRIES,
            kind="retries",
            label="Retry policies\n" + "\n".join(lines),
            field="error_handling.retry_policies",
        )
        graph.add_edge(
            caller, RETRIES, kind="note", label=None, field="error_handling.retry_policies"
        )
    dlq = handling.dead_letter_queue
    alerts_needed = False
    if any(
        v is not None for v in (dlq.when, dlq.retention_days, dlq.alert_threshold, dlq.reprocessing)
    ):
        parts = ["Dead letter queue"]
        if dlq.retention_days is not None:
            parts.append(f"retention {dlq.retention_days:g} d")
        graph.add_node(
            DLQ, kind="dlq", label="\n".join(parts), field="error_handling.dead_letter_queue"
        )
        if caller is not None:
            graph.add_edge(
                caller,
                DLQ,
                kind="error",
                label="retries exhausted /\npermanent error",
                field="error_handling.dead_letter_queue",
            )
        if dlq.alert_threshold is not None:
            alerts_needed = True
            graph.add_edge(
                DLQ,
                ALERTS,
                kind="alert",
                label=f"depth > {dlq.alert_threshold}",
                field="error_handling.dead_letter_queue.alert_threshold",
            )
    breaker = handling.circuit_breaker
    if breaker.failure_threshold is not None or breaker.error_rate_percent is not None:
        parts = ["Circuit breaker"]
        if breaker.failure_threshold is not None:
            parts.append(f"open after {breaker.failure_threshold} failures")
        if breaker.error_rate_percent is not None:
            window = f" in {_fmt_seconds(breaker.window_seconds)}" if breaker.window_seconds else ""
            parts.append(f"or {breaker.error_rate_percent:g}% errors{window}")
        if breaker.half_open_after_seconds is not None:
            parts.append(f"half-open after {_fmt_seconds(breaker.half_open_after_seconds)}")
        graph.add_node(
            BREAKER, kind="breaker", label="\n".join(parts), field="error_handling.circuit_breaker"
        )
        for target in targets:
            graph.add_edge(
                BREAKER,
                target,
                kind="guard",
                label="guards",
                field="error_handling.circuit_breaker",
            )
        if caller is not None:
            graph.add_edge(
                caller,
                BREAKER,
                kind="guard",
                label="calls through",
                field="error_handling.circuit_breaker",
            )
        alerts_needed = True
        graph.add_edge(
            BREAKER, ALERTS, kind="alert", label="opens", field="error_handling.circuit_breaker"
        )
    if alerts_needed:
        graph.add_node(ALERTS, kind="alert", label="Alerts", field="observability.metrics")
