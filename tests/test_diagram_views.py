"""The architecture view an architect would paste: lanes by role, each thing drawn once,
labels in words, steps on their systems, the other views, and a layout whose labels do
not overlap (measured on Graphviz's own coordinates)."""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from designkit import parse_design, parse_file
from designkit.cli import main
from designkit.diagram import build_graph
from designkit.diagram.checks import graph_of
from designkit.diagram.graph import retry_words
from designkit.diagram.layout import overlaps, overlaps_in
from designkit.diagram.render import render_binary, to_dot, to_mermaid
from designkit.diagram.roles import read_roles
from designkit.diagram.views import view_of
from designkit.model import RetryPolicy, RetryStrategy
from tests.conftest import ROOT, sample_paths

REQUIRE = bool(os.environ.get("CI") or os.environ.get("DESIGNKIT_REQUIRE_SERVICES"))
API_LED = ROOT / "samples" / "api-led-salesforce-sap-orders.md"
IDS = [p.stem for p in sample_paths()]


def require_dot() -> None:
    if shutil.which("dot") is None:
        if REQUIRE:
            pytest.fail("Graphviz 'dot' is missing: .ci/run installs Debian's graphviz")
        pytest.skip("Graphviz 'dot' not installed (apt-get install graphviz)")


def lanes(path: Path) -> dict[str, str]:
    graph = graph_of(parse_file(path))
    return {d["label"]: d["lane"] for _, d in graph.nodes(data=True) if d["kind"] == "system"}


def test_api_led_system_apis_sit_in_their_tier_not_among_targets() -> None:
    lane = lanes(API_LED)
    assert lane["customer-xref-sys-api"] == "system_api"
    assert lane["material-xref-sys-api"] == "system_api"
    assert lane["order-exp-api"] == "experience"
    assert lane["order-to-cash-prc-api"] == "process"
    assert lane["SAP S/4HANA"] == "target"
    assert [name for name, where in lane.items() if where == "target"] == ["SAP S/4HANA"]
    dot = to_dot(graph_of(parse_file(API_LED)))
    for title in ("Experience APIs", "Process APIs", "System APIs", "Targets"):
        assert f'label="{title}"' in dot


def test_lanes_by_pattern() -> None:
    etl = lanes(ROOT / "samples" / "etl-warehouse-nightly.md")
    assert etl["S3 landing bucket"] == "staging"
    assert etl["Snowflake RAW"] == etl["Snowflake ANALYTICS"] == "warehouse"
    assert etl["PostgreSQL ERP replica"] == etl["Stripe API"] == "source"
    hub = lanes(ROOT / "samples" / "hub-spoke-hr-payroll.md")
    assert hub["Boomi Hub: worker-sync"] == hub["Shared Queue: worker.changes"] == "hub"
    events = lanes(ROOT / "samples" / "event-driven-shopify-netsuite.md")
    assert events["MSK topic commerce.orders.v1"] == "broker"
    assert events["MSK topic commerce.orders.v1.dlq"] == "broker"
    assert events["NetSuite Order Consumer"] == "services"


@pytest.mark.parametrize("path", sample_paths(), ids=IDS)
def test_each_dlq_is_drawn_once(path: Path) -> None:
    graph = graph_of(parse_file(path))
    for direction in ("LR", "TB"):
        dot = to_dot(graph, direction)
        drawn = [
            line
            for line in dot.splitlines()
            if "shape=cylinder" in line and 'fillcolor="#fdecea"' in line
        ]
        assert len(drawn) == 1, drawn
        dlqs = [n.id for n in view_of(graph).nodes if n.shape == "dlq"]
        assert len(dlqs) == 1
        mermaid = to_mermaid(graph, direction)
        cylinders = [line.split("[(")[0].strip() for line in mermaid.splitlines() if "[(" in line]
        failure = next(line for line in mermaid.splitlines() if line.endswith(" failure"))
        assert [c for c in cylinders if c in failure.split()[1].split(",")] == dlqs
    # the generic box is there only when the diagram draws no DLQ of its own
    own = [d for _, d in graph.nodes(data=True) if d["kind"] == "system" and d["role"] == "dlq"]
    generic = [d for _, d in graph.nodes(data=True) if d["kind"] == "dlq"]
    assert len(own) + len(generic) == 1


def test_flow_steps_are_attached_to_systems_and_arrows() -> None:
    graph = graph_of(parse_file(API_LED))
    trigger = graph.edges["system:Salesforce Sales Cloud", "system:order-exp-api"]
    assert trigger["steps"] == ["1. Trigger"]
    load = graph.edges["system:sap-s4-sales-order-sys-api", "system:SAP S/4HANA"]
    assert load["steps"] == ["4. Load"]
    assert graph.nodes["system:order-to-cash-prc-api"]["steps"] == ["3. Transform", "5. Confirm"]
    # no floating flow area: steps are not drawn as boxes in the architecture view
    assert not [n for n in view_of(graph).nodes if n.shape == "step"]
    assert "cluster_flow" not in to_dot(graph) and 'label="Trigger"' not in to_dot(graph)


def test_labels_are_words() -> None:
    policies = [
        RetryPolicy(scenario="t", strategy=RetryStrategy.EXPONENTIAL, max_attempts=4,
                    backoff_seconds=[1, 2, 4, 8]),
    ]  # fmt: skip
    assert retry_words(policies) == ["retry: 4 tries, 1-8 s exponential"]
    dot = to_dot(graph_of(parse_file(ROOT / "samples" / "event-driven-shopify-netsuite.md")))
    assert "breaker: opens after 10 failures or 25% in 2 min" in dot.replace("\\n", " ")
    assert "auth: OAuth 2.0" in dot
    assert "SuiteTalk REST" in dot
    assert "+3 more" not in dot and "retry 4x" not in dot and "guards" not in dot


def test_role_column_and_comment_override_the_guess() -> None:
    text = (
        "# Integration Design: Roles\n\n## Overview\n\n**Purpose**: x\n\n"
        "**Selected Pattern**: API-led\n\n## Architecture\n\n### Architecture Diagram\n\n"
        "```\n[CRM] --> [Orders Gateway]\n[Orders Gateway] --> [Pricing]\n"
        "[Orders Gateway] --> [Ledger]\n```\n\n"
        "| System | Role |\n|---|---|\n| Orders Gateway | Process API |\n| Pricing | System API |\n\n"
        "<!-- designkit: role Ledger = dead-letter queue -->\n"
    )
    assert read_roles(text) == {
        "orders gateway": "process",
        "pricing": "system_api",
        "ledger": "dlq",
    }
    parsed = parse_design(text, "roles.md")
    graph = graph_of(parsed)
    assert graph.nodes["system:Orders Gateway"]["lane"] == "process"
    assert graph.nodes["system:Pricing"]["lane"] == "system_api"
    assert graph.nodes["system:Ledger"]["role"] == "dlq"
    assert graph.nodes["system:Pricing"]["role_stated"] is True
    # without the statements the same names are guessed differently
    plain = build_graph(parse_design(text.split("| System")[0], "plain.md").design)
    assert plain.nodes["system:Pricing"]["lane"] == "target"
    assert plain.nodes["system:Ledger"]["role"] != "dlq"


def test_security_view_colours_by_auth_and_marks_systems_without_auth() -> None:
    text = (
        "# Integration Design: Sec\n\n## Overview\n\n**Purpose**: x\n\n## Architecture\n\n"
        "### Architecture Diagram\n\n```\n[Shop] --> [Sync Function]\n[Sync Function] --> [ERP]\n"
        "[Sync Function] --> [Mailer]\n```\n\n## Security\n\n### Authentication\n\n"
        "| Connection | Auth Method | Details |\n|---|---|---|\n| Shop to Sync Function | HMAC | |\n"
        "| Sync Function to ERP | OAuth 2.0 | |\n"
    )
    graph = graph_of(parse_design(text, "sec.md"))
    drawing = view_of(graph, "security")
    marked = [n.label for n in drawing.nodes if n.warning]
    assert marked == ["Mailer"]  # the system DK401 reports
    dot = to_dot(graph, view="security")
    assert dot.count('color="#1565c0"') >= 1 and dot.count('color="#2e7d32"') >= 1
    assert 'label="no auth stated"' in dot and "style=dashed" in dot
    assert "system with no authentication row (DK401)" in dot
    architecture = view_of(graph, "architecture")
    assert not [n for n in architecture.nodes if n.warning]


def test_systems_and_flow_views() -> None:
    graph = graph_of(parse_file(API_LED))
    systems = view_of(graph, "systems")
    assert {n.shape for n in systems.nodes} <= {"system", "dlq", "hub", "broker", "store"}
    assert not any("retry" in (e.label or "") for e in systems.edges)
    flow = view_of(graph, "flow")
    assert [n.label for n in flow.nodes] == [
        "1. Trigger", "2. Extract", "3. Transform", "4. Load", "5. Confirm"
    ]  # fmt: skip
    assert flow.nodes[3].notes == ["sap-s4-sales-order-sys-api → SAP S/4HANA"]
    assert flow.nodes[3].lane == "system_api"
    assert len(flow.edges) == 4


def test_flow_view_without_steps_is_one_line(tmp_path: Path) -> None:
    design = tmp_path / "noflow.md"
    design.write_text(
        "# Integration Design: NoFlow\n\n## Overview\n\n**Purpose**: x\n\n## Architecture\n\n"
        "### Architecture Diagram\n\n```\n[A] --> [B]\n```\n"
    )
    result = CliRunner().invoke(
        main, ["diagram", str(design), "--view", "flow", "--format", "mermaid"]
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Normal Flow" in result.stderr


@pytest.mark.parametrize("direction", ["LR", "TB"])
@pytest.mark.parametrize("view", ["architecture", "systems", "flow", "security"])
@pytest.mark.parametrize("path", sample_paths(), ids=IDS)
def test_no_label_overlaps(path: Path, view: str, direction: str) -> None:
    require_dot()
    found = overlaps(to_dot(graph_of(parse_file(path)), direction, view))
    assert not found, [o.describe() for o in found]


def _text(x: float, y: float, text: str, width: float = 60.0) -> list[dict[str, object]]:
    return [
        {"op": "F", "size": 9.0, "face": "Helvetica"},
        {"op": "T", "pt": [x, y], "align": "c", "width": width, "text": text},
    ]


def test_overlap_check_can_fail() -> None:
    """The counting itself, on a layout as ``dot -Tjson`` writes it: two edge labels
    on one spot, and a label over a box, are found; apart, nothing is."""
    node = {"name": "n0", "label": "box", "pos": "300,100", "width": "1", "height": "0.5"}
    layout = {
        "objects": [node, {"name": "n1", "pos": "0,0", "width": "0.5", "height": "0.5"}],
        "edges": [
            {"tail": 0, "head": 1, "_ldraw_": _text(100, 50, "guards")},
            {"tail": 0, "head": 1, "_ldraw_": _text(110, 52, "guards")},
            {"tail": 1, "head": 0, "_ldraw_": _text(300, 98, "on the box")},
        ],
    }
    found = overlaps_in(layout)
    assert sorted(o.describe() for o in found) == [
        "'guards' (edge 0 n0->n1) overlaps 'guards' (edge 1 n0->n1)",
        "'on the box' (edge 2 n1->n0) overlaps 'box' (node n0)",
    ]
    layout["edges"][1]["_ldraw_"] = _text(100, 80, "guards")  # type: ignore[index]
    layout["edges"][2]["_ldraw_"] = _text(300, 300, "on the box")  # type: ignore[index]
    assert overlaps_in(layout) == []


def test_png_is_fit_for_slides(tmp_path: Path) -> None:
    require_dot()
    png = render_binary(to_dot(graph_of(parse_file(API_LED))), "png")
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 1920, (width, height)  # full-HD slide width without upscaling
