"""Model -> networkx DiGraph. No drawing here: render.py draws, checks.py inspects.

One connected architecture: every thing once. Nodes carry ``kind``:

- ``system``: a box of the design, with ``cluster`` (source, integration, target:
  where arrows put it, which the graph checks use), ``role`` (what it is, from
  its name or the author's ``Role``; see roles.py) and ``lane`` (where it is
  drawn: source, experience, process, system_api, hub, broker, services,
  staging, warehouse, target);
- ``step``: a step of the normal flow, attached (``at``) to the system it runs in
  or to the arrow (``at_edge``) it travels;
- ``dlq`` (only when no system of the diagram is the DLQ), ``breaker`` (one per
  calling system, on the calls it guards), ``alert``, ``schedule``.

Edges carry ``kind``: ``data`` (between systems: ``label``, ``auth``, ``retry``
in words, ``guarded_by``, ``steps``), ``flow`` (step to step), ``guard`` (caller
-> breaker -> callee), ``error`` (to the DLQ), ``alert``, ``starts``. Every node
and edge has ``field``, the model path it came from (for line numbers).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, TypeAlias

import networkx as nx

from designkit.diagram.roles import BROKER_WORDS, guess_role, stated_role
from designkit.model import Design, Pattern, RetryPolicy, RetryStrategy

if TYPE_CHECKING:
    Graph: TypeAlias = nx.DiGraph[str]
else:
    Graph = nx.DiGraph

SCHEDULE_WORDS = re.compile(
    r"schedul|cron|nightly|daily|hourly|every \d|\d{1,2}:\d{2}|\d \d+ \* \* \*", re.IGNORECASE
)
DLQ = "dlq"
ALERTS = "alerts"
SCHEDULE = "schedule"

# The lanes a role is drawn in; source and target are decided by the arrows for the rest.
INTEGRATION_LANES = ("experience", "process", "system_api", "hub", "broker", "services")
LANE_OF_ROLE = {
    "experience": "experience",
    "process": "process",
    "system_api": "system_api",
    "hub": "hub",
    "broker": "broker",
    "service": "services",
    "gateway": "services",
    "store": "services",
    "staging": "staging",
    "warehouse": "warehouse",
    "source": "source",
    "target": "target",
}
PASSIVE_ROLES = frozenset({"broker", "dlq", "store", "staging", "warehouse"})
"""Things data is put into; a step that names one happened on the arrow into it."""
EXTERNAL_LANES = frozenset({"source", "target"})


def step_id(step: str) -> str:
    return f"step:{step}"


def system_id(name: str) -> str:
    return f"system:{name}"


def breaker_id(caller: str) -> str:
    return f"breaker:{caller}"


# --------------------------------------------------------------------------- words


def fmt_seconds(value: float) -> str:
    """A duration as people write it: 500 ms, 45 s, 2 min, 1 h, 14 d."""
    if value < 1:
        return f"{value * 1000:g} ms"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if value >= size and value % size == 0:
            return f"{int(value // size)} {unit}"
    return f"{value:g} s"


def _span(delays: list[float]) -> str:
    """1, 2, 4, 8 -> '1-8 s'; 30, 30 -> '30 s'; 300, 600 -> '5-10 min'."""
    low, high = min(delays), max(delays)
    if low == high:
        return fmt_seconds(low)
    for unit, size in (("h", 3600), ("min", 60)):
        if low % size == 0 and high % size == 0:
            return f"{int(low // size)}-{int(high // size)} {unit}"
    if high < 1:
        return f"{low * 1000:g}-{high * 1000:g} ms"
    return f"{low:g}-{high:g} s"


def retry_words(policies: list[RetryPolicy]) -> list[str]:
    """'retry: 4 tries, 1-8 s exponential with jitter', one line per strategy."""
    lines = []
    by_strategy: dict[str, list[RetryPolicy]] = {}
    for policy in policies:
        strategy = policy.strategy.value if policy.strategy else "retry"
        by_strategy.setdefault(strategy, []).append(policy)
    for strategy, group in by_strategy.items():
        tries = sorted({p.max_attempts for p in group if p.max_attempts})
        delays = [d for p in group for d in p.backoff_seconds]
        parts = []
        if tries:
            count = f"{tries[0]}" if len(tries) == 1 else f"{tries[0]}-{tries[-1]}"
            parts.append(f"{count} tries")
        how = f"{_span(delays)} {strategy}" if delays else strategy
        if any(p.jitter for p in group):
            how += " with jitter"
        parts.append(how)
        lines.append("retry: " + ", ".join(parts))
    return lines


def breaker_words(design: Design) -> str | None:
    """'breaker: opens after 10 failures or 25% in 2 min' (and when it tries again)."""
    breaker = design.error_handling.circuit_breaker
    if breaker.failure_threshold is None and breaker.error_rate_percent is None:
        return None
    conditions = []
    if breaker.failure_threshold is not None:
        conditions.append(f"{breaker.failure_threshold} failures")
    if breaker.error_rate_percent is not None:
        window = f" in {fmt_seconds(breaker.window_seconds)}" if breaker.window_seconds else ""
        conditions.append(f"{breaker.error_rate_percent:g}%{window}")
    text = "breaker: opens after " + " or ".join(conditions)
    if breaker.half_open_after_seconds is not None:
        text += f"\ntries again after {fmt_seconds(breaker.half_open_after_seconds)}"
    return text


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("`", "").replace("**", "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- names in text

_WORD = re.compile(r"[a-z0-9][a-z0-9./\-]*[a-z0-9]|[a-z0-9]")
_COMMON = frozenset(
    {
        "system", "systems", "api", "apis", "service", "services", "function", "adapter",
        "server", "app", "layer", "the", "and", "for", "with", "from", "platform", "portal",
        "source", "target", "integration", "internal", "pipeline", "cloud", "sales", "order",
        "orders", "customer", "worker", "claim", "claims", "data", "event", "events", "record",
        "records", "sync", "partner", "shared", "queue", "topic", "bus", "msk", "dag",
    }
)  # fmt: skip


def _words(name: str) -> set[str]:
    """A name's words that can name it: three letters or more (or a short one with a
    digit, like S3), not a generic word."""
    return {
        w
        for w in _WORD.findall(name.lower())
        if (len(w) >= 3 or (len(w) == 2 and any(c.isdigit() for c in w))) and w not in _COMMON
    }


@functools.lru_cache(maxsize=4096)
def _whole(needle: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w./-]){re.escape(needle)}(?![\w/-]|\.\w)")


def _find(text: str, needle: str) -> int:
    """Where a whole word or name stands in text (not inside a longer identifier), or -1."""
    if needle not in text:
        return -1
    found = _whole(needle).search(text)
    return found.start() if found else -1


class Namer:
    """Finds the systems a sentence names: by full name, by a word only that system has,
    or by its API tier (``Process API``) or hub role (``the hub``)."""

    def __init__(self, graph: Graph, systems: list[str]) -> None:
        self.graph = graph
        self.systems = systems
        counts: dict[str, int] = {}
        for node in systems:
            for word in _words(graph.nodes[node]["label"]):
                counts[word] = counts.get(word, 0) + 1
        self.own = {
            node: sorted(w for w in _words(graph.nodes[node]["label"]) if counts[w] == 1)
            for node in systems
        }
        self.shared = {
            node: sorted(w for w in _words(graph.nodes[node]["label"]) if counts[w] > 1)
            for node in systems
        }
        self.aliases: dict[str, list[str]] = {}
        for role, words in (
            ("experience", ("experience api",)),
            ("process", ("process api",)),
            ("system_api", ("system api",)),
            ("hub", ("hub",)),
        ):
            holders = [n for n in systems if graph.nodes[n]["role"] == role]
            if len(holders) == 1:
                for word in words:
                    self.aliases[word] = holders

    def named(self, text: str | None) -> list[str]:
        """The systems a text names, in the order it names them."""
        if not text:
            return []
        lowered = text.replace("`", "").lower()
        found: dict[str, int] = {}
        # longest names first, each blanked out so its words do not name another system
        for node in sorted(self.systems, key=lambda n: -len(self.graph.nodes[n]["label"])):
            label = self.graph.nodes[node]["label"].lower()
            at = _find(lowered, label)
            if at >= 0:
                found[node] = at
                lowered = lowered[:at] + " " * len(label) + lowered[at + len(label) :]
        for node in self.systems:
            if node in found:
                continue
            spots = [_find(lowered, word) for word in self.own[node]]
            spots = [s for s in spots if s >= 0]
            if spots:
                found[node] = min(spots)
        # a word several systems share (ClaimCenter in 'ClaimCenter Adapter' and 'Guidewire
        # ClaimCenter') names all of them, when the text names none of them otherwise
        shared: dict[str, int] = {}
        for node in self.systems:
            if node in found:
                continue
            spots = [_find(lowered, word) for word in self.shared[node]]
            spots = [s for s in spots if s >= 0]
            if spots:
                shared[node] = min(spots)
        found.update(shared)
        for alias, holders in self.aliases.items():
            at = _find(lowered, alias)
            if at >= 0 and holders[0] not in found:
                found[holders[0]] = at
        return sorted(found, key=lambda n: (found[n], self.systems.index(n)))


# --------------------------------------------------------------------------- building


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


_SIDES = re.compile(r"\s+(?:to|->|→)\s+|->|→", re.IGNORECASE)


_TOKEN = re.compile(r"[a-z0-9]+")
_PARTS = re.compile(r"\s+and\s+|\s+/\s+|,\s*|\s+&\s+", re.IGNORECASE)


@functools.lru_cache(maxsize=65536)
def _side_names(side: str, system: str) -> bool:
    """Whether one side of 'A to B' names a system: a part of it is in the name or the
    name in it, or every word of the part is a word of the name ('SAP System API' and
    'sap-s4-sales-order-sys-api'); 'Lambda and consumer' has two parts."""
    name = system.lower()
    tokens = set(_TOKEN.findall(name))
    for part in _PARTS.split(side.replace("`", "").lower()):
        part = part.strip()
        if not part:
            continue
        if part in name or name in part:
            return True
        words = {t for t in _TOKEN.findall(part) if len(t) >= 2 and t not in _COMMON}
        if words and words <= tokens:
            return True
    return False


@functools.lru_cache(maxsize=65536)
def _row_names(text: str, system: str) -> bool:
    """Whether a one-system row ('Businessolver SFTP') names a system: a shared word."""
    return _side_names(text, system) or bool(_words(text) & _words(system))


@functools.lru_cache(maxsize=4096)
def _sides(text: str) -> list[str]:
    return _SIDES.split(text, maxsplit=1)


def _auth_for(design: Design, source: str, target: str, *, internal: bool) -> str | None:
    """The auth method of the authentication row that names this arrow best.

    'A to B' rows match an arrow from A to B (either way round: a consumer reading
    a topic is drawn from the topic); a row naming one system matches the arrows
    that touch it; an 'Internal' row matches arrows inside the integration layer.
    """
    best: tuple[int, int, str] | None = None
    for index, row in enumerate(design.security.authentication):
        if not row.method or not row.connection:
            continue
        text = row.connection
        sides = _sides(text)
        score = 0
        if len(sides) == 2:
            left, right = sides
            if _side_names(left, source) and _side_names(right, target):
                score = 4
            elif _side_names(left, target) and _side_names(right, source):
                score = 3
        elif text.strip().lower() == "internal":
            score = 1 if internal else 0
        elif _row_names(text, target) or _row_names(text, source):
            score = 2
        if score and (best is None or score > best[0]):
            best = (score, -index, row.method)
    return best[2] if best else None


def _clusters(graph: Graph, systems: list[str]) -> None:
    """Source, integration or target, from the arrows between systems (for the checks).

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


def _lanes(graph: Graph, systems: list[str], pattern: Pattern | None) -> None:
    """Where each system is drawn: by what it is, then (for applications) by the arrows."""
    for node in systems:
        data = graph.nodes[node]
        role = data["role"]
        if role in ("dlq", "broker") and pattern is Pattern.HUB_SPOKE:
            lane = "hub"  # the hub's own queues
        elif role == "dlq":
            lane = "broker" if pattern is Pattern.EVENT_DRIVEN else "services"
        elif role == "external":
            lane = "source" if data["cluster"] == "source" else "target"
        else:
            lane = LANE_OF_ROLE.get(role, "services")
        data["lane"] = lane
    if pattern is Pattern.HUB_SPOKE:
        for node in systems:
            if graph.nodes[node].get("hub"):
                graph.nodes[node]["lane"] = "hub"
    # a DLQ sits with the brokers when there are any, else with the services
    if any(graph.nodes[n]["lane"] == "broker" and graph.nodes[n]["role"] != "dlq" for n in systems):
        for node in systems:
            if graph.nodes[node]["role"] == "dlq" and graph.nodes[node]["lane"] == "services":
                graph.nodes[node]["lane"] = "broker"


def build_graph(design: Design, roles: Mapping[str, str] | None = None) -> Graph:
    """The design's architecture: systems in lanes, the flow on them, and the failure paths.

    ``roles`` are the roles the document states (roles.read_roles), by lower-cased name.
    """
    pattern = design.architecture.pattern
    graph: Graph = nx.DiGraph(
        name=design.meta.name or "integration",
        pattern=pattern.value if pattern else None,
        auth_rows=[r.connection or "" for r in design.security.authentication if r.method],
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
        key = (system_id(source), system_id(target))
        if graph.has_edge(*key):
            # the same arrow drawn twice (an event and a poll): one arrow, both labels
            previous = graph.edges[key].get("label")
            label = "\n".join(t for t in (previous, label) if t) or None
        graph.add_edge(
            *key,
            kind="data",
            label=label,
            field=field,
        )
    systems = [n for n, d in graph.nodes(data=True) if d["kind"] == "system"]
    _clusters(graph, systems)
    for node in systems:
        data = graph.nodes[node]
        stated = stated_role(data["label"], roles or {})
        data["role"] = stated or guess_role(
            data["label"], pattern, entry=data["cluster"] == "source"
        )
        data["role_stated"] = stated is not None
    if pattern is Pattern.HUB_SPOKE and systems:
        named = [n for n in systems if graph.nodes[n]["role"] == "hub"] or [
            n for n in systems if re.search(r"\bhub\b", graph.nodes[n]["label"], re.IGNORECASE)
        ]
        hub = max(named or systems, key=lambda n: (graph.degree(n), graph.nodes[n]["label"]))
        graph.nodes[hub]["hub"] = True
        graph.graph["hub"] = hub
    _lanes(graph, systems, pattern)
    for a, b, data in graph.edges(data=True):
        internal = not _is_external(graph, a) and not _is_external(graph, b)
        data["auth"] = _auth_for(
            design, graph.nodes[a]["label"], graph.nodes[b]["label"], internal=internal
        )
    namer = Namer(graph, systems)
    _add_steps(graph, design, namer)
    _add_retries(graph, design, namer)
    _add_breakers(graph, design, namer)
    _add_dlq(graph, design, namer)
    return graph


# --------------------------------------------------------------------------- the flow


def _add_steps(graph: Graph, design: Design, namer: Namer) -> None:
    """Each step of the normal flow, on the system it runs in or the arrow it travels.

    A step naming two systems joined by an arrow travels that arrow; naming one
    system it runs there, unless that system is a thing data is put into (a
    topic, a bucket) and an arrow leads there from the previous step's system:
    then it travels that arrow. A step naming none runs where the previous one did.
    """
    previous_step: str | None = None
    current: str | None = None
    previous_at: str | None = None
    for index, step in enumerate(design.flow.normal):
        node = step_id(step.step)
        number = index + 1
        title = step.step.replace("_", " ").title()
        named = namer.named(step.description)
        at: str | None = None
        at_edges: list[tuple[str, str]] = []
        pairs = [(a, b) for a in named for b in named if a != b and graph.has_edge(a, b)]
        if pairs:
            at_edges = [pairs[0]]
            at = pairs[0][0]
        elif len(named) > 1 and _common(graph, named, graph.predecessors):
            caller = _common(graph, named, graph.predecessors)
            assert caller is not None
            at_edges = [(caller, n) for n in named]
            at = caller
        elif len(named) > 1 and _common(graph, named, graph.successors):
            # 'from the ERP replica ...; Stripe list APIs ...': both read by one job
            reader = _common(graph, named, graph.successors)
            assert reader is not None
            at_edges = [(n, reader) for n in named]
            at = reader
        elif named:
            first = named[0]
            into = [c for c in (current, previous_at) if c is not None and graph.has_edge(c, first)]
            if graph.nodes[first]["role"] in PASSIVE_ROLES and into:
                at_edges = [(into[0], first)]
                at = into[0]
            else:
                at = first
        elif current is not None:
            at = current
        graph.add_node(
            node,
            kind="step",
            number=number,
            label=f"{number}. {title}",
            description=step.description,
            at=at,
            at_edges=at_edges,
            field=f"flow.normal[{index}]",
        )
        for edge in at_edges:
            graph.edges[edge].setdefault("steps", []).append(f"{number}. {title}")
        if at is not None and not at_edges:
            graph.nodes[at].setdefault("steps", []).append(f"{number}. {title}")
        if previous_step is not None:
            graph.add_edge(
                previous_step, node, kind="flow", label=None, field=f"flow.normal[{index}]"
            )
        previous_step = node
        previous_at = at
        # after data was put into a topic or bucket, the next step starts from there
        landed = at_edges[0][1] if at_edges else None
        current = landed if landed and graph.nodes[landed]["role"] in PASSIVE_ROLES else at
    _add_schedule(graph, design)


def _common(
    graph: Graph, named: list[str], neighbours: Callable[[str], Iterator[str]]
) -> str | None:
    """The one system every named system is called by (or calls), if there is one."""
    sets = [set(neighbours(n)) for n in named]
    common = set.intersection(*sets) if sets else set()
    systems = [n for n in common if graph.nodes[n]["kind"] == "system"]
    return sorted(systems)[0] if systems else None


def _add_schedule(graph: Graph, design: Design) -> None:
    """An ETL or hybrid design started by a schedule shows it on what it starts."""
    trigger = next((s for s in design.flow.normal if s.step == "trigger"), None)
    pattern = design.architecture.pattern
    if not (
        trigger
        and trigger.description
        and pattern in (Pattern.ETL, Pattern.HYBRID)
        and SCHEDULE_WORDS.search(trigger.description)
    ):
        return
    starts = graph.nodes[step_id("trigger")].get("at")
    graph.add_node(
        SCHEDULE,
        kind="schedule",
        label=f"schedule: {_short(trigger.description)}",
        field="flow.normal[0]",
    )
    if starts is not None:
        graph.add_edge(SCHEDULE, starts, kind="starts", label="starts", field="flow.normal[0]")


# --------------------------------------------------------------------------- failure paths


def _is_external(graph: Graph, node: str) -> bool:
    return graph.nodes[node].get("lane") in EXTERNAL_LANES


def _external_calls(graph: Graph) -> list[tuple[str, str]]:
    """Arrows from the integration layer into an application (not out of a topic or store)."""
    return [
        (a, b)
        for a, b, d in graph.edges(data=True)
        if d["kind"] == "data"
        and not _is_external(graph, a)
        and _is_external(graph, b)
        and (graph.nodes[a]["role"] not in PASSIVE_ROLES or graph.nodes[a]["lane"] == "hub")
    ]


def _calls_for(graph: Graph, namer: Namer, text: str | None) -> list[tuple[str, str]] | None:
    """The arrows a retry row or failure names: into the system it names (a call to it),
    or out of it when it is where the calls start; None when it names no system."""
    named = namer.named(text)
    if not named:
        return None
    data_edges = [(a, b) for a, b, d in graph.edges(data=True) if d["kind"] == "data"]
    for a in named:
        for b in named:
            if a != b and graph.has_edge(a, b):
                return [(a, b)]
    calls: list[tuple[str, str]] = []
    for node in named:
        into = [(a, b) for a, b in data_edges if b == node]
        out = [(a, b) for a, b in data_edges if a == node]
        if into and not _is_external(graph, node):
            # an integration service named as the one retrying: its own calls out
            wanted = out if out else into
        elif into:
            wanted = into
        else:
            wanted = out
        if text and (BROKER_WORDS.search(text) or re.search(r"produc|publish", text, re.I)):
            brokered = [(a, b) for a, b in wanted if graph.nodes[b]["role"] == "broker"]
            wanted = brokered or wanted
        calls += [c for c in wanted if c not in calls]
    return calls


def _add_retries(graph: Graph, design: Design, namer: Namer) -> None:
    """Each retry row in words on the calls it retries; rows naming no system on every
    call from the integration layer to an application."""
    policies = [
        p
        for p in design.error_handling.retry_policies
        if p.strategy is not RetryStrategy.NONE
        and ((p.max_attempts or 0) > 1 or (p.max_attempts is None and p.backoff_seconds))
    ]
    per_edge: dict[tuple[str, str], list[RetryPolicy]] = {}
    generic = _external_calls(graph)
    for policy in policies:
        calls = _calls_for(graph, namer, policy.scenario)
        for call in generic if calls is None else calls:
            per_edge.setdefault(call, []).append(policy)
    for edge, group in per_edge.items():
        graph.edges[edge]["retry"] = retry_words(group)
        graph.edges[edge]["retry_field"] = "error_handling.retry_policies"


def _add_breakers(graph: Graph, design: Design, namer: Namer) -> None:
    """The circuit breaker on the calls it guards: the applications the retry rows name,
    else every call from the integration layer to an application. One breaker per caller."""
    words = breaker_words(design)
    if words is None:
        return
    guarded: list[tuple[str, str]] = []
    externals = _external_calls(graph)
    for policy in design.error_handling.retry_policies:
        for a, b in _calls_for(graph, namer, policy.scenario) or []:
            if (a, b) in externals and (a, b) not in guarded:
                guarded.append((a, b))
    if not guarded:
        guarded = externals
    for caller, callee in guarded:
        breaker = breaker_id(caller)
        if breaker not in graph:
            graph.add_node(
                breaker,
                kind="breaker",
                label=words,
                caller=caller,
                lane=graph.nodes[caller].get("lane"),
                field="error_handling.circuit_breaker",
            )
            graph.add_edge(
                caller, breaker, kind="guard", label=None, field="error_handling.circuit_breaker"
            )
            _alert(graph, breaker, "when it opens", "error_handling.circuit_breaker")
        graph.add_edge(
            breaker, callee, kind="guard", label=None, field="error_handling.circuit_breaker"
        )
        graph.edges[caller, callee]["guarded_by"] = breaker


def _alert(graph: Graph, source: str, label: str, field: str) -> None:
    if ALERTS not in graph:
        graph.add_node(ALERTS, kind="alert", label="Alerts", field="observability.metrics")
    graph.add_edge(source, ALERTS, kind="alert", label=label, field=field)


def _active(graph: Graph, node: str) -> bool:
    """An integration system that does work (not an application, topic, store or DLQ)."""
    data = graph.nodes[node]
    return (
        data["kind"] == "system"
        and not _is_external(graph, node)
        and data["role"] not in (PASSIVE_ROLES)
    )


def _dead_lettering(graph: Graph, namer: Namer, when: str | None) -> str | None:
    """The system that sends to a DLQ the diagram lacks: the one the DLQ's 'when' names
    ('ClaimCenter business rule rejections' -> the ClaimCenter Adapter), else the caller
    of the guarded or retried calls, else the last integration service."""
    for node in namer.named(when):
        if _active(graph, node):
            return node
    for a, _, data in graph.edges(data=True):
        if (
            data["kind"] == "data"
            and (data.get("guarded_by") or data.get("retry"))
            and _active(graph, a)
        ):
            return a
    inner = [
        n
        for n, d in graph.nodes(data=True)
        if d["kind"] == "system" and not _is_external(graph, n) and d["role"] not in PASSIVE_ROLES
    ]
    return inner[-1] if inner else None


def _when(text: str | None) -> str:
    """'After max retries exhausted, poison messages, ...' -> 'after max retries exhausted';
    'Rows failing validation go to ...' -> 'rows failing validation'."""
    if not text:
        return "dead letters"
    first = re.split(r",|;| go to | are sent| is sent| into |\(", text.replace("`", ""))[0].strip()
    first = first[:1].lower() + first[1:]
    return _short(first, 34) if first else "dead letters"


def _add_dlq(graph: Graph, design: Design, namer: Namer) -> None:
    """The dead-letter queue once: the diagram's own DLQ box when it has one, with the
    section's retention and alert; else one DLQ node fed by the system that dead-letters."""
    dlq = design.error_handling.dead_letter_queue
    if all(
        v is None for v in (dlq.when, dlq.retention_days, dlq.alert_threshold, dlq.reprocessing)
    ):
        return
    details = []
    if dlq.retention_days is not None:
        details.append(f"dead letters kept {dlq.retention_days:g} days")
    drawn = [n for n, d in graph.nodes(data=True) if d["kind"] == "system" and d["role"] == "dlq"]
    if drawn:
        for node in drawn:
            graph.nodes[node]["details"] = details
    else:
        graph.add_node(
            DLQ,
            kind="dlq",
            label="\n".join(["Dead-letter queue", *details]),
            field="error_handling.dead_letter_queue",
        )
        sender = _dead_lettering(graph, namer, dlq.when)
        if sender is not None:
            graph.nodes[DLQ]["lane"] = graph.nodes[sender].get("lane")
            when = _when(dlq.when)
            graph.add_edge(
                sender, DLQ, kind="error", label=when, field="error_handling.dead_letter_queue.when"
            )
        drawn = [DLQ]
    if dlq.alert_threshold is not None:
        for node in drawn:
            _alert(
                graph,
                node,
                f"depth > {dlq.alert_threshold}",
                "error_handling.dead_letter_queue.alert_threshold",
            )
