"""The parts of ``designkit draft``, each on its own: references, edits, outline, carried
blocks, the template's slots and when a document counts as following the template."""

from __future__ import annotations

import pytest

from designkit.draft.carry import carried_lines, closed_text, kept_blocks
from designkit.draft.complete import follows_template
from designkit.draft.edits import Edits
from designkit.draft.outline import TITLE, owner, read_outline
from designkit.draft.refs import comment, line_span, source_name
from designkit.draft.skeleton import as_slot, skeleton
from designkit.parse import parse_design, parse_file
from designkit.parse import values as v
from designkit.resources import template_path
from tests.conftest import REAL_WORLD, ROOT, require_shared, sample_paths


@pytest.mark.parametrize(
    ("lines", "span"),
    [([20], "20"), ([9, 10, 11], "9-11"), ([8, 3, 7], "3, 7-8"), ([5, 5], "5")],
)
def test_line_spans(lines: list[int], span: str) -> None:
    assert line_span(lines) == span


def test_a_reference_names_the_file_safely() -> None:
    assert comment("adr.md", [20]) == "<!-- from adr.md:20 -->"
    assert source_name("docs/adr.md") == "adr.md"
    assert source_name("C:\\docs\\adr.md") == "adr.md"
    assert source_name("<stdin>") == "stdin"
    assert source_name("a-->b|c.md") == "a-b-c.md"  # cannot end the comment or split a row


def test_edits_are_addressed_by_the_original_lines() -> None:
    edits = Edits(["a", "b", "c"])
    edits.insert_after(1, ["a1"])
    edits.insert_after(1, ["a2"])
    edits.replace(2, "B", "B2")
    edits.append_to(2, " !")
    edits.insert_after(0, ["top"])
    edits.insert_after(3, ["end"])
    assert edits.apply() == "top\na\na1\na2\nB\nB2 !\nc\nend"


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("error_handling.retry_policies[0].scenario", "error_handling.retry_policies"),
        ("error_handling.dead_letter_queue.alert_threshold", "error_handling.dead_letter_queue"),
        ("architecture.pattern", "architecture"),
        ("architecture.diagram.edges[1]", "architecture.diagram"),
        ("phases[2].items", "phases[2]"),
        ("meta.date", TITLE),
        ("testing[0].tools", "testing"),
        ("extra_sections[0]", None),
    ],
)
def test_each_model_path_belongs_to_one_section(path: str, key: str | None) -> None:
    assert owner(path) == key


def test_the_outline_keeps_unknown_sub_sections_under_their_section() -> None:
    text = (
        "# Integration Design: X\n\n**Status**: draft\n\n## Error Handling\n\nIntro.\n\n"
        "### Retry Logic\n\n| Scenario | Max Attempts |\n|---|---|\n| a | 3 |\n\n"
        "### Known Issues\n\n- one\n\n## Implementation Phases\n\n### Phase 1: Pilot\n\n- item\n\n"
        "#### Week 1: Setup\n\n- task\n\n## Appendix\n\ntext\n"
    )
    parsed = parse_design(text, "x.md")
    outline = read_outline(parsed)
    titles = {i: e.title for i, e in enumerate(parsed.design.extra_sections)}
    nested = {key: [titles[i] for i in found] for key, found in outline.nested.items()}
    assert nested == {"error_handling": ["Known Issues"], "phases[0]": ["Week 1: Setup"]}
    assert [titles[i] for i in outline.top_extras] == ["Appendix"]
    assert outline.bodies[TITLE] == [(2, 4)]


def test_blocks_whose_values_were_rebuilt_are_not_carried_again() -> None:
    text = (
        "# Integration Design: X\n\n## Overview\n\nFirst paragraph of the purpose.\n\n"
        "**Scope**: web orders\n**Status**: approved\n\n"
        "| Flow | Source | Target |\n|---|---|---|\n| Orders | Shop | ERP |\n"
    )
    parsed = parse_design(text, "x.md")
    outline = read_outline(parsed)
    kept = kept_blocks(parsed, outline, "overview")
    lines = carried_lines(outline, kept, "x.md")
    assert lines == [
        "**Status**: approved",
        "",
        "| Flow | Source | Target |",
        "|---|---|---|",
        "| Orders | Shop | ERP |",
        "<!-- from x.md:8-12 -->",
    ]  # the purpose and the scope are rebuilt; the flow table fed the diagram, so it stays


def test_open_blocks_are_closed_before_they_are_carried() -> None:
    assert closed_text("text\n\n```python\nprint(1)") == "text\n\n```python\nprint(1)\n```"
    assert closed_text("<!-- note\nmore") == "<!-- note\nmore\n-->"
    assert closed_text("```\nx\n```\n") == "```\nx\n```\n"


def test_template_examples_become_slots_and_slots_stay() -> None:
    assert as_slot("Every commit") == "[Every commit]"
    assert as_slot("< [X] for [Y] minutes") == "[< X for Y minutes]"
    assert as_slot("[OAuth 2.0 / API Key / mTLS]") == "[OAuth 2.0 / API Key / mTLS]"
    assert as_slot("") == ""
    frame = skeleton()
    assert all(v.is_placeholder(cell) for row in frame.table_rows.values() for cell in row)
    assert [s.step for s in frame.normal_steps] == [
        "trigger",
        "extract",
        "transform",
        "load",
        "confirm",
    ]


def test_what_follows_the_template() -> None:
    for path in sample_paths():
        assert follows_template(parse_file(path)), path
    assert follows_template(parse_file(template_path("integration-design-template.md")))
    assert follows_template(parse_file(ROOT / "tests/data/documents/template-contract-fixes.md"))
    assert not follows_template(parse_file(ROOT / "tests/data/documents/adr-webhook-retries.md"))
    sitesense = require_shared(REAL_WORLD / "sitesense-expenses-to-accounting.md")
    assert not follows_template(parse_file(sitesense, encoding="cp1252"))  # title, not shape
    short = "# Integration Design: X\n\n## Overview\n\nA to B.\n\n## Notes\n\nx\n"
    assert not follows_template(parse_design(short))
