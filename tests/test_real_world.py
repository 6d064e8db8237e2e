"""Documents other teams wrote: parsed gracefully, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from designkit import UserError, lint_design, parse_file
from designkit.model import DocumentKind
from designkit.parse.document import ParsedDesign
from tests.conftest import REAL_WORLD, require_shared

DOCUMENTS = sorted(p.name for p in REAL_WORLD.glob("*.md") if p.name != "README.md") or [
    "ipaas-shopify-netsuite-order-sync.md"
]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_real_document_parses_or_is_refused_with_one_clear_line(name: str) -> None:
    path = require_shared(REAL_WORLD / name)
    encoding = "cp1252" if name.startswith("sitesense") else "utf-8"  # see the README there
    parsed = parse_file(path, encoding=encoding)
    found = lint_design(parsed)
    assert all(d.line >= 1 for d in found)
    assert parsed.design.overview.purpose or parsed.design.extra_sections


def test_windows_1252_document_reads_with_the_encoding_option() -> None:
    path = require_shared(REAL_WORLD / "sitesense-expenses-to-accounting.md")
    with pytest.raises(
        UserError, match=r"sitesense-expenses-to-accounting\.md:\d+: not valid utf-8"
    ):
        parse_file(path)
    parsed = parse_file(path, encoding="cp1252")
    assert parsed.design.meta.name and "Expenses Made Easy" in parsed.design.meta.name
    assert len(parsed.design.extra_sections) > 5


def test_unknown_sections_are_kept_with_their_text() -> None:
    path: Path = require_shared(REAL_WORLD / "ipaas-shopify-netsuite-order-sync.md")
    design = parse_file(path).design
    titles = [section.title for section in design.extra_sections]
    assert "Features" in titles or any("Feature" in t for t in titles)
    total = sum(len(section.text) for section in design.extra_sections)
    assert total > 2000


def _read_from(parsed: ParsedDesign) -> dict[str, str]:
    lines = parsed.source.split("\n")
    return {key: lines[line - 1] for key, line in parsed.sections.items()}


def _repeats(parsed: ParsedDesign) -> list[str]:
    return [d.message for d in parsed.diagnostics if d.code == "DK103"]


def test_sitesense_sub_headings_are_content_not_repeats() -> None:
    path = require_shared(REAL_WORLD / "sitesense-expenses-to-accounting.md")
    parsed = parse_file(path, encoding="cp1252")
    assert _repeats(parsed) == []  # was: RLS repeats Security, Mapping Logic repeats Mapping
    read = _read_from(parsed)
    assert read["security"] == "## Security Considerations"
    assert read["overview"] == "## Executive Summary"
    assert read["data.mappings"] == "## Data Mapping Strategy"
    assert "testing" not in read  # '### Week 3: Testing' is a week of the plan
    assert parsed.design.testing == []
    assert parsed.design.document_kind is DocumentKind.DESIGN  # it has the template title


def test_flexprice_steps_and_sub_overviews_are_not_sections() -> None:
    path = require_shared(REAL_WORLD / "flexprice-quickbooks-integration.md")
    parsed = parse_file(path)
    assert _repeats(parsed) == []  # was 33, from 'Step 4: ...', '### Overview', 'Unit Tests'...
    read = _read_from(parsed)
    assert read["overview"] == "## Overview"
    assert read["error_handling"] == "## Error Handling and Resilience"
    assert read["error_handling.retry_policies"] == "#### Retry Logic"
    assert "success_criteria" not in read  # '### Success Criteria' of the Objectives section
    assert "observability" not in read  # '### Monitoring and Alerting' of Error Handling
    assert parsed.design.error_handling.dead_letter_queue.monitoring is None
    diagram = parsed.design.architecture.diagram.text or ""
    assert "Flexprice Core System" in diagram  # not the directory tree below it
    assert parsed.design.document_kind is DocumentKind.REQUIREMENTS


def test_open_mercato_is_a_review_report_read_with_a_note() -> None:
    path = require_shared(REAL_WORLD / "open-mercato-hubspot-feasibility.md")
    parsed = parse_file(path)
    assert parsed.design.document_kind is DocumentKind.REVIEW_REPORT
    assert _repeats(parsed) == []
    notes = [d for d in parsed.diagnostics if d.code == "DK106"]
    assert len(notes) == 1 and "read as a review report" in notes[0].message
    assert [p.name for p in parsed.design.phases][:1] == ["Phase 1 — Core CRM Sync (P0)"]


DRAWN = {
    # the box drawing under '## Architecture / ### High-Level Architecture'; the
    # process-flow drawings further down (Check Customer Exists, Found?) are not systems
    "flexprice-quickbooks-integration.md": [
        ("Flexprice Core System", "Integration Factory & Services"),
        ("Integration Factory & Services", "Entity Integration Mapping"),
        ("Entity Integration Mapping", "QuickBooks Online API"),
    ],
    # '## Architecture' only lists components; the box drawing is under '## Data Flow'
    "ipaas-shopify-netsuite-order-sync.md": [
        ("Shopify Orders", "OrderSyncService.syncOrders()"),
        ("OrderSyncService.syncOrders()", "NetSuite Sales Orders"),
    ],
    # nothing drawn: mapping tables, a file tree, arrows only in headings and prose
    "open-mercato-hubspot-feasibility.md": [],
    # nothing drawn: field-mapping code blocks ("user_profiles.user_id ... clients.id")
    "sitesense-expenses-to-accounting.md": [],
}


@pytest.mark.parametrize("name", sorted(DRAWN))
def test_architecture_drawn_in_real_documents(name: str) -> None:
    path = require_shared(REAL_WORLD / name)
    encoding = "cp1252" if name.startswith("sitesense") else "utf-8"
    parsed = parse_file(path, encoding=encoding)
    diagram = parsed.design.architecture.diagram
    assert [(e.source, e.target) for e in diagram.edges] == DRAWN[name]
    expected_nodes = list(dict.fromkeys(n for edge in DRAWN[name] for n in edge))
    assert diagram.nodes == expected_nodes
    for index in range(len(diagram.edges)):  # each arrow points into the document
        assert parsed.line_of(f"architecture.diagram.edges[{index}]") > 1
    for absent in ("Check", "Customer Found?", "Invoice Service", "QuickBooks", "HubSpot"):
        assert absent not in diagram.nodes


@pytest.mark.parametrize("name", [n for n, drawn in sorted(DRAWN.items()) if not drawn])
def test_diagram_says_so_when_a_real_document_draws_nothing(name: str) -> None:
    from click.testing import CliRunner

    from designkit.cli import main

    path = require_shared(REAL_WORLD / name)
    encoding = "cp1252" if name.startswith("sitesense") else "utf-8"
    result = CliRunner().invoke(
        main, ["diagram", str(path), "--encoding", encoding, "--format", "mermaid"]
    )
    assert result.exit_code == 1
    assert (
        result.stderr == f"designkit: {path}: no architecture found (no diagram arrows, "
        "Mermaid flowchart or source/target table); --allow-empty draws anyway\n"
    )
