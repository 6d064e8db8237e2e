"""Architecture read from the forms real documents use: box drawings, Mermaid, flow tables.

Every case states the arrows it must yield and what it must not: a wrong
system draws a false picture, so absence is asserted as carefully as presence.
The case files live in ``tests/data/architecture/``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from designkit import parse_design, parse_file
from designkit.cli import main
from designkit.parse import mermaid
from designkit.parse.boxes import read_boxes
from designkit.parse.flow_tables import read_flow_table
from designkit.parse.markdown import read_tree
from designkit.parse.mermaid import read_mermaid
from tests.conftest import ROOT

CASES = ROOT / "tests" / "data" / "architecture"

Arrow = tuple[str, str, str | None]


def arrows(path: Path) -> set[Arrow]:
    diagram = parse_file(path).design.architecture.diagram
    return {(e.source, e.target, e.label) for e in diagram.edges}


def pairs(found: set[Arrow]) -> set[tuple[str, str]]:
    return {(source, target) for source, target, _ in found}


def names(path: Path) -> list[str]:
    return parse_file(path).design.architecture.diagram.nodes


# --------------------------------------------------------------------------- case files


def test_inline_box_drawing_line_reads_both_ways() -> None:
    path = CASES / "box-inline.md"
    assert arrows(path) == {
        ("Salesforce", "Integration Service", None),
        ("Integration Service", "Salesforce", None),
        ("Integration Service", "HubSpot", None),
        ("HubSpot", "Integration Service", None),
    }
    # the prose sentence "polls Salesforce -> pushes to HubSpot" is not a drawing
    assert ("Salesforce", "HubSpot") not in pairs(arrows(path))
    assert names(path) == ["Salesforce", "Integration Service", "HubSpot"]


def test_multi_line_boxes_with_vertical_arrows_and_labels() -> None:
    path = CASES / "box-vertical.md"
    assert arrows(path) == {
        ("Web Shop (Shopify)", "Order Events Topic", "orders"),
        ("Order Events Topic", "Order Sync Worker", "consume"),
        ("Order Sync Worker", "ERP", None),
        ("Item Master", "ERP", None),  # ▲ from an ASCII +--+ box
    }
    nodes = names(path)
    assert nodes == [
        "Web Shop (Shopify)",
        "Order Events Topic",
        "Order Sync Worker",
        "ERP",
        "Item Master",
    ]
    assert not any("validates" in n or "maps lines" in n for n in nodes)


def test_box_drawing_positions_point_at_the_arrows() -> None:
    parsed = parse_file(CASES / "box-vertical.md")
    lines = parsed.source.split("\n")
    edges = parsed.design.architecture.diagram.edges
    for index, edge in enumerate(edges):
        line = parsed.line_of(f"architecture.diagram.edges[{index}]")
        column = parsed.column_of(f"architecture.diagram.edges[{index}]")
        assert lines[line - 1][column - 1] in "─▼▲", (edge, line, column)
    assert parsed.line_of("architecture.diagram.nodes[0]") == 15  # "Web Shop" inside its box


def test_mermaid_flowchart_resolves_ids_to_labels() -> None:
    path = CASES / "mermaid.md"
    assert arrows(path) == {
        ("Broker Portal", "API Gateway", "POST /fnol"),
        ("Mobile App", "API Gateway", None),
        ("API Gateway", "FNOL Function", None),
        ("FNOL Function", "Claims Event Bus", "claim.created"),
        ("Claims Event Bus", "Guidewire ClaimCenter", None),
        ("Claims Event Bus", "Fraud Scoring", None),
        ("Guidewire ClaimCenter", "Policy Admin", None),
        ("Policy Admin", "Guidewire ClaimCenter", None),
    }
    nodes = names(path)
    for absent in ("BP", "GW", "CC", "Intake Channels", "Azure Integration", "store"):
        assert absent not in nodes
    # the sequence diagram after the flowchart is not read
    assert "Adjuster" not in nodes and "ClaimCenter" not in nodes


def test_source_target_table_with_pattern_and_protocol_labels() -> None:
    path = CASES / "flow-table.md"
    assert arrows(path) == {
        ("Workday HCM", "Boomi Hub", "Event-driven / HTTPS webhook"),
        ("Boomi Hub", "ADP Workforce Now", "API-led / REST"),
        ("Boomi Hub", "Okta", "API-led / SCIM 2.0"),
    }
    nodes = names(path)
    assert not {"Worker_ID", "employeeId", "Legal_Name", "fullName"} & set(nodes)
    parsed = parse_file(path)
    assert parsed.line_of("architecture.diagram.edges[0]") == 11
    assert parsed.design.architecture.diagram.text is None  # rendered back as [A] --> [B]


def test_negatives_yield_no_system() -> None:
    """Prose, JSON, shell, a traceback, mapping tables, a file tree and a process flow."""
    path = CASES / "negatives.md"
    diagram = parse_file(path).design.architecture.diagram
    assert diagram.edges == [] and diagram.nodes == []


# --------------------------------------------------------------------------- where to look


HEAD = "# Integration Design: Case\n\n## Overview\n\n**Purpose**: x\n\n"
BOXES_BLOCK = "```\n┌─────┐     ┌─────┐\n│ CRM │────▶│ ERP │\n└─────┘     └─────┘\n```\n"
PROCESS = """```
┌──────────────┐    ┌──────────────┐
│ Check Order  │───▶│ Valid?       │
└──────────────┘    └──────────────┘
```
"""


def drawn(markdown: str) -> list[tuple[str, str]]:
    """The arrows a document yields, as (source, target) in order."""
    diagram = parse_design(markdown, "case.md").design.architecture.diagram
    return [(e.source, e.target) for e in diagram.edges]


def test_template_diagram_wins_over_other_forms() -> None:
    text = (
        HEAD + "## Architecture Pattern\n\n### Architecture Diagram\n\n"
        "```\n[Shopify] --> [NetSuite]\n```\n\n"
        "## Integration Flows\n\n| Source | Target |\n|---|---|\n| Stripe | Snowflake |\n"
    )
    assert drawn(text) == [("Shopify", "NetSuite")]
    assert (
        parse_design(text, "both.md").design.architecture.diagram.text == "[Shopify] --> [NetSuite]"
    )


def test_architecture_section_comes_before_other_sections() -> None:
    text = (
        HEAD + "## Operations\n\n| Source | Target |\n|---|---|\n| Billing | Ledger |\n\n"
        "## Data Flow\n\n```\nShopify ──▶ NetSuite\n```\n\n"
        "## Architecture\n\n```mermaid\ngraph TD\n  A[Salesforce] --> B[SAP]\n```\n"
    )
    assert drawn(text) == [("Salesforce", "SAP")]
    assert drawn(text.split("## Architecture")[0]) == [("Shopify", "NetSuite")]


def test_tables_and_drawings_under_mapping_or_state_headings_pair_no_systems() -> None:
    table = "| Source | Target |\n|---|---|\n| Contact | Lead |\n| Account | Company |\n"
    assert drawn(HEAD + "## Object Mapping\n\n" + table) == []
    states = "| From | To |\n|---|---|\n| NEW | PROCESSING |\n"
    assert drawn(HEAD + "## Order Status Transitions\n\n" + states) == []
    lifecycle = "```\nNEW ──▶ PROCESSING ──▶ SHIPPED\n```\n"
    assert drawn(HEAD + "## Order Lifecycle\n\n" + lifecycle) == []
    assert drawn(HEAD + "## Current State\n\n" + BOXES_BLOCK) == [("CRM", "ERP")]
    assert drawn(HEAD + "## Interfaces\n\n" + table) == [
        ("Contact", "Lead"),
        ("Account", "Company"),
    ]


def test_process_flow_is_read_only_inside_the_architecture_section() -> None:
    assert drawn(HEAD + "## Data Flow\n\n" + PROCESS) == []
    assert drawn(HEAD + "## Architecture\n\n" + PROCESS) == [("Check Order", "Valid?")]


def test_mermaid_in_a_plain_block_and_process_charts_elsewhere() -> None:
    plain = "## System Context\n\n```\nflowchart LR\n  A[Shop] --> B[ERP]\n```\n"
    assert drawn(HEAD + plain) == [("Shop", "ERP")]
    process = (
        "## Error Handling\n\n```mermaid\nflowchart TD\n  A[Receive order] --> B{Valid?}\n"
        "  B -->|no| C[Send to DLQ]\n```\n"
    )
    assert drawn(HEAD + process) == []


def test_a_box_drawing_labelled_as_a_language_is_read_only_when_it_is_all_drawing() -> None:
    section = HEAD + "## Architecture\n\n"
    boxes = BOXES_BLOCK.strip("`\n")
    assert drawn(section + f"```sh\n{boxes}\n```\n") == [("CRM", "ERP")]
    assert drawn(section + f"```python\n{boxes}\nsync(CRM, ERP)\n```\n") == []
    assert drawn(section + "```sh\n┌┐\n│ Shopify ──▶ NetSuite\n```\n") == []


# --------------------------------------------------------------------------- the readers


@pytest.mark.parametrize(
    ("drawing", "expected"),
    [
        ("Shopify --> NetSuite", {("Shopify", "NetSuite", None)}),
        ("Shopify -> NetSuite", {("Shopify", "NetSuite", None)}),
        ("Shopify ==> NetSuite", {("Shopify", "NetSuite", None)}),
        ("Shopify ─▶ NetSuite", {("Shopify", "NetSuite", None)}),
        ("Shopify ──► NetSuite", {("Shopify", "NetSuite", None)}),
        ("Shopify -- orders --> NetSuite", {("Shopify", "NetSuite", "orders")}),
        ("Shopify <--> NetSuite", {("Shopify", "NetSuite", None), ("NetSuite", "Shopify", None)}),
        ("Shopify <-- NetSuite", {("NetSuite", "Shopify", None)}),
        ("Order Service\n     │\n     ▼\nKafka Topic", {("Order Service", "Kafka Topic", None)}),
        ("Order Service\n     ▲\n     │\nKafka Topic", {("Kafka Topic", "Order Service", None)}),
        (
            "┌─ Kafka ─┐     ┌─────┐\n│ topic   │────▶│ SAP │\n└─────────┘     └─────┘",
            {("Kafka", "SAP", None)},
        ),
        (
            "+-------+      +-----+\n| Stripe| <==> | ERP |\n+-------+      +-----+",
            {("Stripe", "ERP", None), ("ERP", "Stripe", None)},
        ),
        (
            "┌───────┐        ┌────────┐\n│ CRM   │◀──────▶│ Broker │\n│ Cloud │  mTLS  │        │\n"
            "└───────┘        └────────┘",
            {("CRM Cloud", "Broker", "mTLS"), ("Broker", "CRM Cloud", "mTLS")},
        ),
        (  # a fork: one source, a line across, two heads
            "   ┌─────────┐\n   │ Gateway │\n   └────┬────┘\n ┌──────┴──────┐\n ▼             ▼\n"
            "┌────────┐   ┌───────┐\n│ Orders │   │ Users │\n└────────┘   └───────┘",
            {("Gateway", "Orders", None), ("Gateway", "Users", None)},
        ),
        (  # a merge: two sources joined on one line into one head
            "┌───┐   ┌───┐\n│ A1│   │ B1│\n└─┬─┘   └─┬─┘\n  └───┬───┘\n      ▼\n   ┌─────┐\n"
            "   │ Hub │\n   └─────┘",
            {("A1", "Hub", None), ("B1", "Hub", None)},
        ),
        (  # an elbow out of a box's side
            "┌─────┐\n│ CRM ├───┐\n└─────┘   │\n          ▼\n       ┌─────┐\n       │ ERP │\n"
            "       └─────┘",
            {("CRM", "ERP", None)},
        ),
        (  # an ASCII fork with a label two spaces from the shaft
            "  +-------+\n  | Orders|\n  +---+---+\n      |  Emits\n  +---+-----+\n  |         |\n"
            "  v         v\n+-----+  +-------+\n| DLQ |  | Store |\n+-----+  +-------+",
            {("Orders", "DLQ", None), ("Orders", "Store", None)},
        ),
        (
            "┌─────┐\n│ CRM │\n└──┬──┘\n   ▲\n   │\n   ▼\n┌─────┐\n│ ERP │\n└─────┘",
            {("CRM", "ERP", None), ("ERP", "CRM", None)},
        ),
    ],
)
def test_drawn_arrows(drawing: str, expected: set[Arrow]) -> None:
    found = {(e.source, e.target, e.label) for e in read_boxes(drawing).edges}
    assert found == expected


@pytest.mark.parametrize(
    "drawing",
    [
        "x -> y",  # not names
        "the invoice is sent -> the ledger is updated",  # a sentence
        "invoice.customer_id -> entry.account_id",  # a field mapping
        'Mapping: "Fuel" -> 5000',
        "def push(record) -> Ledger:",  # code
        "Event-driven sync",  # a hyphen is not an arrow
        "a->b",
        "if total >= 10 => post",
        "├── billing.py  # Billing -> Ledger",  # one bad name refuses the whole block's inline arrows
        "┌──────┐\n│ open box\n│ no end ──▶ ERP",  # an unclosed box
        "<!-- a comment -->",
    ],
)
def test_not_drawn_arrows(drawing: str) -> None:
    assert read_boxes(drawing).edges == []


def test_one_mapping_line_refuses_the_blocks_unboxed_arrows() -> None:
    block = "Billing Category -> Ledger Account\ninvoice.total_amount -> entry.amount"
    assert read_boxes(block).edges == []
    boxed = block + "\n┌─────┐   ┌─────┐\n│ CRM │──▶│ ERP │\n└─────┘   └─────┘"
    assert [(e.source, e.target) for e in read_boxes(boxed).edges] == [("CRM", "ERP")]


@pytest.mark.parametrize(
    ("chart", "expected"),
    [
        ("graph TD\n A --> B", {("A", "B", None)}),
        ("flowchart LR\n A[Shop] -->|orders| B(ERP)", {("Shop", "ERP", "orders")}),
        ("flowchart LR\n A[Shop] -- orders --> B[ERP]", {("Shop", "ERP", "orders")}),
        (
            "flowchart LR\n A[Shop] -.-> B[ERP]; B ==> C[BI]",
            {("Shop", "ERP", None), ("ERP", "BI", None)},
        ),
        (
            "flowchart LR\n A[Shop] & B[POS] --> C[ERP]",
            {("Shop", "ERP", None), ("POS", "ERP", None)},
        ),
        ('flowchart LR\n A["Shop [EU]"] --> B', {("Shop [EU]", "B", None)}),
        ("---\ntitle: x\n---\nflowchart LR\n A[Shop] --> B[ERP]", {("Shop", "ERP", None)}),
        ("flowchart LR\n A[Shop] ~~~ B[ERP]", set()),
        ("sequenceDiagram\n Shop->>ERP: order", set()),
        ("flowchart LR\n A[unclosed --> B", set()),
        ("graph LR\n NEW[{{project_name}}] --> SYS1[{{system_1}}]", set()),  # a template
        ("graph LR; A[Shop] --> B[ERP]", {("Shop", "ERP", None)}),
        ("graph of what calls what\nShop --> ERP", set()),  # prose, not a Mermaid header
    ],
)
def test_mermaid(chart: str, expected: set[Arrow]) -> None:
    assert {(e.source, e.target, e.label) for e in read_mermaid(chart).edges} == expected


def test_mermaid_node_id_characters() -> None:
    """Ids are ASCII letters, digits, ``_`` and U+00C0..U+FFFF, as the plain class says;
    the module spells the class by what it excludes because that compiles 10x faster."""
    plain = re.compile(r"[A-Za-z0-9_\u00c0-\uffff]")
    edges = [*range(0x300), 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF]
    for code in edges:
        character = chr(code)
        id_match = mermaid._ID.fullmatch(character)
        assert (id_match is not None) == (plain.fullmatch(character) is not None), hex(code)
    (edge,) = read_mermaid("flowchart LR\n Zoë_販売 --> Z").edges
    assert edge.source == "Zoë_販売"


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            "| From | To | Protocol |\n|---|---|---|\n| SAP | Salesforce | OData |",
            {("SAP", "Salesforce", "OData")},
        ),
        (
            "| Source System | Destination |\n|---|---|\n| Stripe | Snowflake |",
            {("Stripe", "Snowflake", None)},
        ),
        (
            "| Flow | Trigger |\n|---|---|\n| Shopify → NetSuite | webhook |",
            {("Shopify", "NetSuite", None)},
        ),
        (
            "| Flow |\n|---|\n| Okta <-> Workday |",
            {("Okta", "Workday", None), ("Workday", "Okta", None)},
        ),
        ("| Source Field | Target Field |\n|---|---|\n| Customer | Account |", set()),
        ("| Source | Target | Transformation |\n|---|---|---|\n| Name | Name | Direct |", set()),
        ("| Source | Target |\n|---|---|\n| order_id | tranId |\n| Shop | ERP |", set()),
        ("| Source | Target |\n|---|---|\n| `email` | `Email` |", set()),
        ("| Direction | Priority |\n|---|---|\n| Bidirectional | P0 |", set()),
        ("| Connection | Auth Method |\n|---|---|\n| Shopify -> NetSuite | OAuth 2.0 |", set()),
        ("| Source | Target |\n|---|---|\n| TBD | [Target System] |", set()),
        (
            "| Field | Value |\n|---|---|\n| **Source System** | Salesforce |\n"
            "| **Target System** | SAP S/4HANA |\n| Protocol | OData |\n| Owner | CRM team |",
            {("Salesforce", "SAP S/4HANA", "OData")},
        ),
        ("| Attribute | Value |\n|---|---|\n| Source | {source} |\n| Target | {target} |", set()),
        ("| Field | Value |\n|---|---|\n| Source System | Salesforce |\n| Owner | CRM |", set()),
        (
            "| Mail | Value |\n|---|---|\n| From | noreply@shop.com |\n| To | Ops <ops@shop.com> |",
            set(),
        ),
    ],
)
def test_flow_tables(table: str, expected: set[Arrow]) -> None:
    tree = read_tree(table + "\n")
    found = {
        (e.source, e.target, e.label)
        for t in tree.sections[0].tables
        for e in read_flow_table(t, tree.source_lines).edges
    }
    assert found == expected


# --------------------------------------------------------------------------- odd inputs


def test_odd_inputs_never_raise() -> None:
    odd = [
        "┌" * 3000,
        "┌─" * 2000 + "\n" + "│ " * 2000,
        "─" * 200_000 + "▶",
        "▼\n" * 3000,
        "v\n|\n^\n" * 1000,
        "+--+\n|  |\n" * 500,
        "│\n" * 1000 + "▲",
        "A --> " * 10_000 + "B",
        "\t┌──┐\n\t│ ✓ │\n\t└──┘ ──▶ ✗",
        "\n".join(["┌" + "─┴" * 400 + "┐", " " + "▼ " * 400] * 300),  # fork lines, many heads
    ]
    for text in odd:
        read_boxes(text)
        read_mermaid("graph LR\n" + text)
        parse_design(
            f"# Integration Design: Odd\n\n## Architecture\n\n```\n{text}\n```\n", "odd.md"
        )


def _chain(boxes: int) -> str:
    rows = ["┌──────────────┐"]
    for index in range(boxes):
        rows += [
            f"│ System {index:<6}│",
            "└──────┬───────┘",
            "       │",
            "       ▼",
            "┌──────────────┐",
        ]
    return "\n".join([*rows, "│ Last         │", "└──────────────┘"])


def test_a_5000_line_box_diagram_is_read_in_linear_time() -> None:
    def timed(boxes: int) -> tuple[float, int]:
        text = _chain(boxes)
        start = time.perf_counter()
        count = len(read_boxes(text).edges)
        return time.perf_counter() - start, count

    small, small_edges = min(timed(200) for _ in range(3))
    large, large_edges = min(timed(1000) for _ in range(3))  # 5,000 lines
    assert (small_edges, large_edges) == (200, 1000)
    assert large < small * 5 * 3 + 0.05  # linear, with room for a busy machine


# --------------------------------------------------------------------------- the command


def test_diagram_without_architecture_exits_1_with_one_line(tmp_path: Path) -> None:
    path = CASES / "negatives.md"
    result = CliRunner().invoke(main, ["diagram", str(path), "--format", "mermaid"])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 1
    assert lines[0].startswith(f"designkit: {path}: no architecture found")
    assert "--allow-empty" in lines[0]
    drawn = CliRunner().invoke(main, ["diagram", str(path), "--format", "mermaid", "--allow-empty"])
    assert drawn.exit_code == 0 and drawn.stdout.startswith("flowchart LR")


@pytest.mark.parametrize(
    "name", ["box-inline.md", "box-vertical.md", "mermaid.md", "flow-table.md"]
)
def test_diagram_draws_each_form(name: str) -> None:
    result = CliRunner().invoke(main, ["diagram", str(CASES / name), "--format", "dot"])
    assert result.exit_code == 0, result.stderr
    for node in names(CASES / name):
        assert f'label="{node}' in result.stdout or node in result.stdout
