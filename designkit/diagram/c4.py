"""The architecture as C4 for teams who keep architecture as code.

One C4 model, three spellings: the Structurizr DSL (``--format structurizr``),
the Structurizr workspace JSON (``--format structurizr-json``, the schema of
github.com/structurizr/json) and C4-PlantUML (``--format plantuml``). The
design's integration is one software system whose containers are the
integration layer's systems (APIs, hub, topics, functions, stores, the DLQ);
sources and targets are external software systems; every arrow is a
relationship whose description is its flow steps and label and whose
technology is its auth method.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from designkit.diagram.graph import Graph
from designkit.text_safety import safe_json, safe_line

EXTERNAL_LANES = ("source", "target")
ROLE_NAMES = {
    "experience": "Experience API",
    "process": "Process API",
    "system_api": "System API",
    "hub": "Hub",
    "broker": "Topic or queue",
    "dlq": "Dead-letter queue",
    "service": "Integration service",
    "gateway": "API gateway",
    "store": "Data store",
    "staging": "Staging",
    "warehouse": "Warehouse",
    "source": "Source system",
    "target": "Target system",
    "external": "Application",
}
QUEUE_ROLES = ("broker", "dlq")
STORE_ROLES = ("store", "staging", "warehouse")


@dataclass(slots=True)
class Element:
    id: str
    name: str
    description: str
    tags: list[str]
    external: bool
    role: str


@dataclass(slots=True)
class Relationship:
    id: str
    source: str
    destination: str
    description: str
    technology: str


@dataclass(slots=True)
class C4Model:
    name: str
    system_id: str
    system_name: str
    elements: list[Element] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)


def c4_model(graph: Graph) -> C4Model:
    """The C4 elements and relationships of a design's graph."""
    name = str(graph.graph.get("name") or "Integration")
    systems = [n for n, d in graph.nodes(data=True) if d["kind"] == "system"]
    names = {graph.nodes[n]["label"] for n in systems}
    system_name = name if name not in names else f"{name} (integration)"
    model = C4Model(name, "integration", system_name)
    ids: dict[str, str] = {}
    for index, node in enumerate(systems):
        data = graph.nodes[node]
        external = data.get("lane") in EXTERNAL_LANES
        role = str(data.get("role") or "external")
        if role == "external":
            role = str(data.get("lane"))
        ids[node] = f"{'s' if external else 'c'}{index}"
        description = ROLE_NAMES.get(role, "Application")
        tags = [ROLE_NAMES.get(role, "Application")]
        if role in QUEUE_ROLES:
            tags.append("Queue")
        if role in STORE_ROLES:
            tags.append("Database")
        if role == "dlq":
            tags.append("Failure")
        model.elements.append(
            Element(ids[node], str(data["label"]), description, tags, external, role)
        )
    seen: set[tuple[str, str]] = set()
    for a, b, data in graph.edges(data=True):
        if data["kind"] != "data" or (ids[a], ids[b]) in seen:
            continue
        seen.add((ids[a], ids[b]))
        words = [", ".join(data.get("steps") or [])] if data.get("steps") else []
        if data.get("label"):
            words.append(str(data["label"]).replace("\n", "; "))
        model.relationships.append(
            Relationship(
                f"r{len(model.relationships)}",
                ids[a],
                ids[b],
                ": ".join(words) if words else "Sends data to",
                str(data.get("auth") or ""),
            )
        )
    return model


# --------------------------------------------------------------------------- Structurizr DSL


def _dsl(text: str) -> str:
    """A DSL string on one line: control characters and ``##[`` shown escaped (see
    :mod:`designkit.text_safety`), then double quotes and backslashes escaped."""
    shown = safe_line(text.replace("\n", " "))
    return '"' + shown.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_structurizr(graph: Graph) -> str:
    """A Structurizr DSL workspace: the model, a system context and a container view."""
    model = c4_model(graph)
    internal = [e for e in model.elements if not e.external]
    out = [
        f"workspace {_dsl(model.name)} {_dsl('Drawn by designkit from the integration design')} {{",
        "    !identifiers flat",
        "    model {",
    ]
    for element in model.elements:
        if element.external:
            out.append(
                f"        {element.id} = softwareSystem {_dsl(element.name)} "
                f"{_dsl(element.description)} {{"
            )
            out.append(f"            tags {_dsl('External')} {_dsl(','.join(element.tags))}")
            out.append("        }")
    out.append(
        f"        {model.system_id} = softwareSystem {_dsl(model.system_name)} "
        f"{_dsl('The integration layer')} {{"
    )
    for element in internal:
        out.append(
            f"            {element.id} = container {_dsl(element.name)} {_dsl(element.description)} {{"
        )
        out.append(f"                tags {_dsl(','.join(element.tags))}")
        out.append("            }")
    out.append("        }")
    for rel in model.relationships:
        technology = f" {_dsl(rel.technology)}" if rel.technology else ""
        out.append(f"        {rel.source} -> {rel.destination} {_dsl(rel.description)}{technology}")
    out += [
        "    }",
        "    views {",
        f"        systemContext {model.system_id} {_dsl('context')} {{",
        "            include *",
        "            autolayout lr",
        "        }",
    ]
    if internal:
        out += [
            f"        container {model.system_id} {_dsl('containers')} {{",
            "            include *",
            "            autolayout lr",
            "        }",
        ]
    out += [
        "        styles {",
        f"            element {_dsl('External')} {{",
        "                background #999999",
        "                color #ffffff",
        "            }",
        f"            element {_dsl('Queue')} {{",
        "                shape Pipe",
        "            }",
        f"            element {_dsl('Database')} {{",
        "                shape Cylinder",
        "            }",
        f"            element {_dsl('Failure')} {{",
        "                background #c62828",
        "                color #ffffff",
        "            }",
        "        }",
        "    }",
        "}",
    ]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- Structurizr JSON


def to_structurizr_json(graph: Graph) -> str:
    """The same workspace as Structurizr's JSON (what the DSL compiles to)."""
    model = c4_model(graph)

    def relationships(source: str) -> list[dict[str, str]]:
        return [
            {
                "id": rel.id,
                "sourceId": rel.source,
                "destinationId": rel.destination,
                "description": rel.description,
                **({"technology": rel.technology} if rel.technology else {}),
                "tags": "Relationship",
            }
            for rel in model.relationships
            if rel.source == source
        ]

    systems: list[dict[str, object]] = []
    for element in model.elements:
        if element.external:
            systems.append(
                {
                    "id": element.id,
                    "name": element.name,
                    "description": element.description,
                    "location": "External",
                    "tags": ",".join(["Element", "Software System", "External", *element.tags]),
                    "relationships": relationships(element.id),
                }
            )
    internal = [e for e in model.elements if not e.external]
    systems.append(
        {
            "id": model.system_id,
            "name": model.system_name,
            "description": "The integration layer",
            "location": "Internal",
            "tags": "Element,Software System",
            "containers": [
                {
                    "id": element.id,
                    "name": element.name,
                    "description": element.description,
                    "tags": ",".join(["Element", "Container", *element.tags]),
                    "relationships": relationships(element.id),
                }
                for element in internal
            ],
        }
    )
    layout = {"implementation": "Graphviz", "rankDirection": "LeftRight"}
    externals = [e.id for e in model.elements if e.external]
    context_rels = [
        r.id for r in model.relationships if r.source in externals and r.destination in externals
    ]
    views: dict[str, object] = {
        "systemContextViews": [
            {
                "key": "context",
                "order": 1,
                "softwareSystemId": model.system_id,
                "elements": [{"id": i} for i in [model.system_id, *externals]],
                "relationships": [{"id": r} for r in context_rels],
                "automaticLayout": layout,
            }
        ],
        "configuration": {
            "styles": {
                "elements": [
                    {"tag": "External", "background": "#999999", "color": "#ffffff"},
                    {"tag": "Queue", "shape": "Pipe"},
                    {"tag": "Database", "shape": "Cylinder"},
                    {"tag": "Failure", "background": "#c62828", "color": "#ffffff"},
                ]
            }
        },
    }
    if internal:
        views["containerViews"] = [
            {
                "key": "containers",
                "order": 2,
                "softwareSystemId": model.system_id,
                "elements": [{"id": e.id} for e in model.elements],
                "relationships": [{"id": r.id} for r in model.relationships],
                "automaticLayout": layout,
                "externalSoftwareSystemBoundariesVisible": False,
            }
        ]
    workspace = {
        "name": model.name,
        "description": "Drawn by designkit from the integration design",
        "model": {"softwareSystems": systems},
        "views": views,
    }
    return safe_json(json.dumps(workspace, indent=2, ensure_ascii=False)) + "\n"


# --------------------------------------------------------------------------- C4-PlantUML


def _puml(text: str) -> str:
    """A PlantUML string on one line, control characters and ``##[`` shown escaped."""
    return '"' + safe_line(text.replace("\n", " ")).replace('"', "'") + '"'


def _alias(element_id: str) -> str:
    return re.sub(r"\W", "_", element_id)


def to_plantuml(graph: Graph, direction: str = "LR") -> str:
    """C4-PlantUML (a container diagram): ``!include <C4/C4_Container>`` from PlantUML's
    standard library, which PlantUML 1.2021 and later bundle."""
    model = c4_model(graph)
    out = ["@startuml", "!include <C4/C4_Container>", ""]
    out.append("LAYOUT_LEFT_RIGHT()" if direction == "LR" else "LAYOUT_TOP_DOWN()")
    out.append(f"title {safe_line(model.name.replace(chr(10), ' '))}")  # one line: no directive
    out.append("")
    for element in model.elements:
        if element.external:
            out.append(
                f"System_Ext({_alias(element.id)}, {_puml(element.name)}, {_puml(element.description)})"
            )
    out.append(f"System_Boundary({model.system_id}, {_puml(model.system_name)}) {{")
    for element in model.elements:
        if element.external:
            continue
        macro = (
            "ContainerQueue"
            if element.role in QUEUE_ROLES
            else "ContainerDb"
            if element.role in STORE_ROLES
            else "Container"
        )
        out.append(
            f"  {macro}({_alias(element.id)}, {_puml(element.name)}, {_puml(element.description)})"
        )
    out.append("}")
    out.append("")
    for rel in model.relationships:
        technology = f", {_puml(rel.technology)}" if rel.technology else ""
        out.append(
            f"Rel({_alias(rel.source)}, {_alias(rel.destination)}, {_puml(rel.description)}{technology})"
        )
    out += ["", "SHOW_LEGEND()", "@enduml"]
    return "\n".join(out) + "\n"
