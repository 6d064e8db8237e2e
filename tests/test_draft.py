"""``designkit draft``: any integration document migrated onto the template.

What a draft promises, each held by a test on every input we have (the case
documents, the real-world documents and the samples):

- it parses back to exactly the values it shows (the drafted model), nothing more;
- every carried value is followed by a comment citing its source line;
- every template section is there, in the template's order, and every gap is a
  template slot that lint reports;
- a design that follows the template keeps every line and only gains the
  sections it lacks;
- the CLI never overwrites an input or an existing output without --force, and
  unusable input is one line and exit 2.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designkit.cli import main
from designkit.draft import COMPLETED, MIGRATED, draft_document, draft_file
from designkit.draft.compose import Migrated, migrate
from designkit.draft.drafted import leaf_paths, where
from designkit.errors import UserError
from designkit.lint import lint_design
from designkit.model import Design
from designkit.parse import ParsedDesign, parse_design, parse_file
from designkit.parse.sections import SECTIONS
from tests.conftest import GOLDEN, REAL_WORLD, ROOT, require_shared, sample_paths

DOCUMENTS = ROOT / "tests" / "data" / "documents"
CASES = sorted(p for p in DOCUMENTS.glob("*.md") if p.name != "template-contract-fixes.md")
REAL = sorted(p.name for p in REAL_WORLD.glob("*.md") if p.name != "README.md") or [
    "ipaas-shopify-netsuite-order-sync.md"
]
_TITLED = "# Integration Design: Sync\n\n## Overview\n\nOrders go from A to B.\n"
STRUCTURE_CODES = {"DK101", "DK102", "DK103", "DK104", "DK105", "DK106"}
_CITATION = re.compile(r"<!-- from ([^:]+):([\d, -]+) -->")


def _encoding(name: str) -> str:
    return "cp1252" if name.startswith("sitesense") else "utf-8"  # see ../shared/real-world


def _migrated_inputs() -> list[Path]:
    return [*CASES, *(REAL_WORLD / name for name in REAL)]


def _parse(path: Path) -> ParsedDesign:
    return parse_file(
        require_shared(path) if REAL_WORLD in path.parents else path, encoding=_encoding(path.name)
    )


def _values(design: Design) -> dict[str, Any]:
    return {
        path: value
        for path, value in leaf_paths(design.model_dump(mode="json")).items()
        if not path.startswith(("extra_sections", "document_kind"))
    }


def _lines_of(span: str) -> set[int]:
    out: set[int] = set()
    for part in span.split(","):
        first, _, last = part.strip().partition("-")
        out.update(range(int(first), int(last or first) + 1))
    return out


def _fence_ends(lines: list[str]) -> dict[int, int]:
    """Index of each line inside a code block (fences included) -> index of its closing fence."""
    ends: dict[int, int] = {}
    opened: int | None = None
    for index, line in enumerate(lines):
        if line.startswith("```"):
            if opened is None:
                opened = index
            else:
                ends.update(dict.fromkeys(range(opened, index + 1), index))
                opened = None
    return ends


def _citation_for(lines: list[str], line: int) -> re.Match[str] | None:
    """The comment that cites the value on ``line``: at its end, on the next line, or
    after the code block the line is in."""
    found = _CITATION.search(lines[line - 1])
    if found is not None:
        return found
    after = _fence_ends(lines).get(line - 1, line - 1) + 1
    return _CITATION.search(lines[after]) if after < len(lines) else None


def _migrated(path: Path) -> tuple[ParsedDesign, Migrated]:
    parsed = _parse(path)
    return parsed, migrate(parsed, path.name)


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("path", _migrated_inputs(), ids=lambda p: p.name)
def test_a_draft_parses_back_to_exactly_the_values_it_shows(path: Path) -> None:
    _, made = _migrated(path)
    back = parse_design(made.text, "draft.md")
    assert _values(back.design) == _values(made.design)
    assert back.design.document_kind.value == "design"
    assert "kept as a comment" not in made.text  # carried as text, not the fallback


@pytest.mark.parametrize("path", _migrated_inputs(), ids=lambda p: p.name)
def test_every_carried_value_cites_its_source_line(path: Path) -> None:
    parsed, made = _migrated(path)
    back = parse_design(made.text, "draft.md")
    lines = made.text.split("\n")
    assert made.refs, "every input states at least one value"
    for model_path, sources in made.refs.items():
        found = _citation_for(lines, where(back, model_path))
        assert found is not None, f"{model_path} has no source comment"
        assert found.group(1) == path.name
        assert set(sources) <= _lines_of(found.group(2)), model_path
    shown = _values(made.design)
    source = _values(parsed.design)
    for model_path, value in shown.items():  # nothing but what the source says, or its frame
        if model_path in made.refs and model_path in source:
            assert value == source[model_path] or model_path.startswith("architecture.diagram")


@pytest.mark.parametrize("path", _migrated_inputs(), ids=lambda p: p.name)
def test_a_draft_has_every_template_section_in_the_template_order(path: Path) -> None:
    _, made = _migrated(path)
    back = parse_design(made.text, "draft.md")
    lines = [back.sections[spec.key] for spec in SECTIONS]
    assert lines == sorted(lines)
    assert not [d.message for d in lint_design(back) if d.code in STRUCTURE_CODES]


def test_the_source_text_is_carried_under_the_right_heading() -> None:
    _, made = _migrated(DOCUMENTS / "current-state-oic.md")
    text = made.text
    error_handling = text.index("## Error Handling Strategy")
    carried = text.index("- A failed invoice call is retried by the REST adapter")
    assert error_handling < carried < text.index("### Retry Logic")
    assert "<!-- from current-state-oic.md:21-26 -->" in text
    assert text.index("### Known Issues") > text.index("### Circuit Breaker")  # its sub-section
    assert text.index("## Pain Points") > text.index("## Open Questions")  # an extra section


def test_the_adr_draft_rebuilds_its_retry_table_with_line_references() -> None:
    _, made = _migrated(DOCUMENTS / "adr-webhook-retries.md")
    source = (DOCUMENTS / "adr-webhook-retries.md").read_text("utf-8").split("\n")
    row = next(line for line in made.text.split("\n") if line.startswith("| Partner 429"))
    assert row.endswith("| <!-- from adr-webhook-retries.md:30 -->")
    assert source[30 - 1].startswith("| Partner 429")
    policies = made.design.error_handling.retry_policies
    assert [(p.max_attempts, p.backoff_seconds, p.timeout_seconds) for p in policies] == [
        (5, [60, 300, 900, 3600, 14400], 10),
        (3, [60, 60, 60], 10),
    ]
    assert "- **Deciders**: Integration platform team" in made.text  # kept, not read
    assert made.design.meta.date == "2024-03-12"
    assert made.design.meta.designer is None  # 'Deciders' is not the designer


# --------------------------------------------------------------------------- gaps


SLOTS = (
    "meta.version",
    "meta.designer",
    "meta.type",
    "overview.scope",
    "overview.stakeholders",
    "architecture.pattern",
    "architecture.rationale",
    "architecture.alternatives",
    "data.canonical_model.entity",
    "data.canonical_model.fields",
    "data.mappings",
    "data.schema_versioning.approach",
    "data.schema_versioning.compatibility",
    "data.validation_rules",
    "error_handling.retry_policies",
    "error_handling.dead_letter_queue.when",
    "error_handling.dead_letter_queue.alert_threshold",
    "error_handling.dead_letter_queue.retention_days",
    "error_handling.circuit_breaker.failure_threshold",
    "error_handling.circuit_breaker.close_after_successes",
    "observability.logging",
    "observability.correlation_id",
    "observability.metrics",
    "security.authentication",
    "security.encryption.in_transit",
    "security.encryption.secrets",
    "reliability.idempotency.key",
    "reliability.disaster_recovery.rto_seconds",
    "reliability.disaster_recovery.failover",
    "testing",
    "deployment.strategy",
    "platform.platform",
    "platform.lock_in_risk",
    "phases[0].duration_weeks",
    "success_criteria.throughput_per_minute",
    "success_criteria.error_rate_percent",
    "risks",
    "open_questions",
    "flow.normal[0].description",
    "flow.errors[3].handling",
)


def test_every_gap_is_a_template_slot_that_lint_lists() -> None:
    made = draft_document(
        "# Warehouse Integrations\n\n## Overview\n\nThree flows.\n\n"
        "| Flow | Source | Target |\n|---|---|---|\n| Items | SAP | WMS |\n"
    )
    back = parse_design(made.text, "draft.md")
    reported = {d.field for d in lint_design(back) if d.code == "DK201"}
    assert set(SLOTS) <= reported
    assert back.design.overview.purpose == "Three flows."
    # the template's example rows are slots, never values
    assert back.design.error_handling.retry_policies == []
    assert back.design.observability.metrics == []
    assert back.design.testing == []
    assert back.design.security.encryption.in_transit is None
    assert back.design.observability.dashboards == []
    assert "[API timeout] | [Exponential backoff] | [3] | [1s, 2s, 4s] | [30s]" in made.text
    assert "1. **Trigger**: [Event/Schedule/API call]" in made.text


def test_the_draft_of_a_short_document_invents_nothing() -> None:
    made = draft_document(f"{_TITLED}\n")
    back = parse_design(made.text, "draft.md")
    shown = _values(back.design)
    frame = {p for p in shown if p.startswith(("flow.", "phases["))}
    assert {p: shown[p] for p in set(shown) - frame} == {
        "meta.name": "Sync",
        "overview.purpose": "Orders go from A to B.",
    }
    assert {shown[p] for p in frame} == {
        "trigger",
        "extract",
        "transform",
        "load",
        "confirm",
        "transient_error",
        "validation_error",
        "system_unavailable",
        "permanent_error",
        "Phase 1: MVP",
        "Phase 2: Hardening",
        "Phase 3: Optimization",
    }


# --------------------------------------------------------------------------- prose


def test_numbers_stated_in_prose_fill_the_template_with_their_lines() -> None:
    text = (
        "# Integration Design: Partner webhooks\n\n## Overview\n\nOrders are pushed.\n\n"
        "## Delivery\n\n"
        "- **Partner outage**: deliveries are retried up to 5 times with exponential backoff.\n"
        "- Retry after 1m, 5m, 15m, 1h and 4h.\n"
        "- Each call has a timeout of 10 seconds.\n\n"
        "Page the on-call engineer when more than 10% fail.\n"
        "Alert when the dead-letter queue holds more than 25 failed messages.\n\n"
        "The RTO of 4 hours and RPO 15 minutes are agreed. Idempotency keys have a TTL 24h.\n"
    )
    made = draft_document(text, "webhooks.md")
    back = parse_design(made.text, "draft.md")
    [row] = back.design.error_handling.retry_policies
    assert (row.scenario, row.strategy, row.max_attempts) == ("Partner outage", "exponential", 5)
    assert (row.backoff_seconds, row.timeout_seconds) == ([60, 300, 900, 3600, 14400], 10)
    assert back.design.error_handling.dead_letter_queue.alert_threshold == 25
    assert [(m.name, m.alert_threshold) for m in back.design.observability.metrics] == [
        ("Errors", "> 10%")
    ]
    recovery = back.design.reliability.disaster_recovery
    assert (recovery.rto_seconds, recovery.rpo_seconds) == (14400, 900)
    assert back.design.reliability.idempotency.dedup_window_seconds == 86400
    retry_row = next(line for line in made.text.split("\n") if line.startswith("| Partner outage"))
    assert retry_row.endswith("<!-- from webhooks.md:9-11 -->")
    assert "- **Alert threshold**: > 25\n  <!-- from webhooks.md:14 -->" in made.text


@pytest.mark.parametrize(
    "prose",
    [
        "The meeting is in 5 minutes.",
        "We use version 2.1 of the retry library.",
        "Edge functions have a 150-second timeout.",  # no retry stated with it
        "Alert when the queue lag is over 30 seconds.",  # a duration, not a depth
        "About 0.4% of deliveries fail.",  # no alert
        "The RTO is 4 hours for tier 1 and the RTO is 1 hour for tier 0.",  # which one?
        "Cached tokens have a TTL 300s.",  # neither idempotency nor dead letters
    ],
)
def test_prose_that_states_no_template_value_leaves_the_slot(prose: str) -> None:
    made = draft_document(f"{_TITLED}\n## Notes\n\n{prose}\n")
    design = parse_design(made.text, "draft.md").design
    assert design.error_handling.retry_policies == []
    assert design.observability.metrics == []
    assert design.reliability.disaster_recovery.rto_seconds is None
    assert design.reliability.idempotency.dedup_window_seconds is None
    assert design.error_handling.dead_letter_queue.retention_days is None
    assert prose in made.text  # kept as text, under its own heading


def test_prose_never_overrides_a_value_the_document_states() -> None:
    made = draft_document(
        "# Integration Design: Sync\n\n## Overview\n\nDeliveries are retried up to 9 times.\n\n"
        "### Retry Logic\n\n| Scenario | Max Attempts | Backoff | Timeout |\n|---|---|---|---|\n"
        "| Timeout | 3 | 1s, 2s, 4s | 30s |\n"
    )
    [row] = parse_design(made.text, "draft.md").design.error_handling.retry_policies
    assert row.max_attempts == 3


def test_two_policies_in_one_list_stay_two_rows() -> None:
    made = draft_document(
        f"{_TITLED}\n## Delivery\n\n"
        "- **Rate limited**: retried up to 3 times, every 60 seconds.\n"
        "- **Server errors**: retried up to 5 times with exponential backoff.\n"
    )
    rows = parse_design(made.text, "draft.md").design.error_handling.retry_policies
    assert [(r.scenario, r.max_attempts, r.backoff_seconds, r.strategy) for r in rows] == [
        ("Rate limited", 3, [60], None),
        ("Server errors", 5, [], "exponential"),
    ]


# --------------------------------------------------------------------------- template designs


def _in_order(original: list[str], draft: list[str]) -> bool:
    it = iter(draft)
    return all(any(line == candidate for candidate in it) for line in original)


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name)
def test_a_template_design_keeps_every_line_and_gains_only_missing_sections(path: Path) -> None:
    original = path.read_text("utf-8")
    made = draft_file(path)
    assert made.mode == COMPLETED
    assert _in_order(original.split("\n"), made.text.split("\n"))
    before = parse_file(path)
    after = parse_design(made.text, "draft.md")
    shown = leaf_paths(after.design.model_dump(mode="json"))
    for model_path, value in leaf_paths(before.design.model_dump(mode="json")).items():
        assert shown.get(model_path) == value, model_path
    if not made.added:
        assert made.text == original
    missing = {d.field for d in lint_design(after) if d.code in ("DK101", "DK102")}
    assert not missing & set(made.added)


def test_the_etl_sample_gains_its_missing_sections_where_the_template_has_them() -> None:
    made = draft_file(ROOT / "samples" / "etl-warehouse-nightly.md")
    assert made.added == (
        "data.schema_versioning",
        "error_handling.circuit_breaker",
        "observability.dashboards",
        "security.audit",
        "platform",
        "open_questions",
    )
    after = parse_design(made.text, "draft.md")
    found = [after.sections[spec.key] for spec in SECTIONS if spec.key in after.sections]
    assert found == sorted(found)
    text = made.text
    assert text.index("## Platform Considerations") < text.index("## Implementation Phases")
    risks, questions = text.index("## Risks & Mitigation"), text.index("## Open Questions")
    assert risks < questions < text.index("## TODO before review")  # after its predecessor
    codes = {d.code for d in lint_design(after)}
    assert "DK101" not in codes


def test_a_partial_template_design_is_completed_not_rewritten() -> None:
    path = DOCUMENTS / "template-contract-fixes.md"
    made = draft_file(path)
    assert made.mode == COMPLETED
    assert _in_order(path.read_text("utf-8").split("\n"), made.text.split("\n"))
    after = parse_design(made.text, "draft.md")
    assert not [d for d in lint_design(after) if d.code == "DK101"]
    assert (
        after.design.error_handling.retry_policies
        == parse_file(path).design.error_handling.retry_policies
    )


def test_a_document_with_the_title_but_not_the_template_shape_is_migrated() -> None:
    path = require_shared(REAL_WORLD / "sitesense-expenses-to-accounting.md")
    made = draft_file(path, encoding="cp1252")
    assert made.mode == MIGRATED
    assert "## Executive Summary" not in made.text  # read as the Overview
    assert "’" in made.text  # cp1252 quotes decoded


# --------------------------------------------------------------------------- hostile input


def test_document_text_cannot_break_the_draft() -> None:
    text = (
        "# Pipes | and --> arrows\n\n## Overview\n\n**Purpose**: Sends A to B --> C | D\n\n"
        "Some text <!-- an open comment\n\n"
        "### Retry Logic\n\n| Scenario | Max Attempts | Backoff | Timeout |\n|---|---|---|---|\n"
        "| A \\| B | 3 | 1s, 2s, 4s | 30s |\n\n"
        "## Error Handling\n\nThe unclosed fence follows.\n\n```\n[A] --> [B]\n"
    )
    made = draft_document(text, "we--ird|name.md")
    back = parse_design(made.text, "draft.md")
    assert _values(back.design)["overview.purpose"] == "Sends A to B --> C | D"
    assert back.design.error_handling.retry_policies[0].scenario == "A | B"
    assert all(spec.key in back.sections for spec in SECTIONS)
    assert "<!-- from we-ird-name.md:" in made.text


# --------------------------------------------------------------------------- golden files


GOLDEN_INPUTS = {
    "adr-webhook-retries.md": DOCUMENTS / "adr-webhook-retries.md",
    "ipaas-shopify-netsuite-order-sync.md": REAL_WORLD / "ipaas-shopify-netsuite-order-sync.md",
    "etl-warehouse-nightly.md": ROOT / "samples" / "etl-warehouse-nightly.md",
}


@pytest.mark.parametrize("name", sorted(GOLDEN_INPUTS))
def test_draft_golden(name: str, golden: Any) -> None:
    path = GOLDEN_INPUTS[name]
    if REAL_WORLD in path.parents:
        require_shared(path)
    golden.check(GOLDEN / "draft" / name, draft_file(path).text)


# --------------------------------------------------------------------------- the command


def test_cli_writes_the_draft_and_says_what_it_did(tmp_path: Path) -> None:
    out = tmp_path / "design.md"
    source = str(DOCUMENTS / "adr-webhook-retries.md")
    done = CliRunner().invoke(main, ["draft", source, "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert out.read_text("utf-8") == draft_file(source).text
    assert "migrated onto the template" in done.stderr
    again = CliRunner().invoke(main, ["draft", source, "-o", str(out)])
    assert again.exit_code == 2
    assert again.stderr.strip() == f"designkit: {out}: already exists; pass --force to overwrite it"
    forced = CliRunner().invoke(main, ["draft", source, "-o", str(out), "--force"])
    assert forced.exit_code == 0


def test_cli_never_overwrites_its_input(tmp_path: Path) -> None:
    source = tmp_path / "adr.md"
    text = (DOCUMENTS / "adr-webhook-retries.md").read_text("utf-8")
    source.write_text(text, "utf-8")
    done = CliRunner().invoke(main, ["draft", str(source), "-o", str(source), "--force"])
    assert done.exit_code == 2
    assert "refusing to overwrite an input document" in done.stderr
    assert source.read_text("utf-8") == text


def test_cli_prints_to_stdout_without_output(tmp_path: Path) -> None:
    done = CliRunner().invoke(main, ["draft", str(DOCUMENTS / "overview-flow-table.md")])
    assert done.exit_code == 0
    assert done.stdout.startswith("# Integration Design: Warehouse Integrations\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01binary", "binary file, not a Markdown document"),
        (b"# Changelog\n\n## 1.0\n\n- Fixed a typo.\n", "not an integration design"),
        (b"", "file is empty"),
        (b"# Caf\xe9 design\n\n## Overview\n\nx\n", "not valid utf-8"),
    ],
)
def test_cli_unusable_input_is_one_line_and_exit_2(
    tmp_path: Path, content: bytes, message: str
) -> None:
    source = tmp_path / "in.md"
    source.write_bytes(content)
    done = CliRunner().invoke(main, ["draft", str(source), "-o", str(tmp_path / "out.md")])
    assert done.exit_code == 2
    assert len(done.stderr.strip().split("\n")) == 1
    assert done.stderr.startswith(f"designkit: {source}")
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out.md").exists()


def test_cli_reads_windows_files_with_encoding(tmp_path: Path) -> None:
    source = require_shared(REAL_WORLD / "sitesense-expenses-to-accounting.md")
    out = tmp_path / "draft.md"
    done = CliRunner().invoke(main, ["draft", str(source), "--encoding", "cp1252", "-o", str(out)])
    assert done.exit_code == 0, done.stderr
    lint = CliRunner().invoke(main, ["lint", str(out)])
    assert lint.exit_code == 0  # placeholders are warnings; the draft has no error


def test_a_windows_file_keeps_its_line_endings(tmp_path: Path) -> None:
    source = tmp_path / "etl.md"
    original = (ROOT / "samples" / "etl-warehouse-nightly.md").read_text("utf-8")
    source.write_bytes(original.replace("\n", "\r\n").encode("utf-8"))
    made = draft_file(source)
    assert made.text.count("\r\n") == made.text.count("\n")
    assert _in_order(original.split("\n"), made.text.replace("\r\n", "\n").split("\n"))


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    start = text.index("### `designkit draft")
    block = text[text.index("```console", start) :]
    return block[: block.index("\n```\n")]


def _shown(example: str, command: str) -> list[str]:
    """The lines the README shows after ``$ command``, up to the next prompt."""
    body = example.split(f"$ {command}\n", 1)[1]
    return body.split("\n$ ", 1)[0].split("\n")


def test_the_readme_example_is_todays_output(tmp_path: Path, monkeypatch: Any) -> None:
    source = require_shared(REAL_WORLD / "ipaas-shopify-netsuite-order-sync.md")
    example = _readme_example()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "samples").mkdir()
    (tmp_path / "samples" / "etl-warehouse-nightly.md").write_bytes(
        (ROOT / "samples" / "etl-warehouse-nightly.md").read_bytes()
    )
    shown_source = "../shared/real-world/ipaas-shopify-netsuite-order-sync.md"
    for command in (
        f"designkit draft {shown_source} -o order-sync.md",
        "designkit draft samples/etl-warehouse-nightly.md -o etl.md",
    ):
        args = command.split()[1:]
        args[1] = str(source) if args[1] == shown_source else args[1]
        done = CliRunner().invoke(main, args)
        assert done.exit_code == 0, done.stderr
        assert done.stderr.replace(str(source), shown_source).strip().split("\n") == _shown(
            example, command
        )
    drafted = (tmp_path / "order-sync.md").read_text("utf-8").split("\n")
    for command in ("sed -n 13,18p order-sync.md", "sed -n 132,145p order-sync.md"):
        first, last = (int(n) for n in command.split()[2][:-1].split(","))
        assert _shown(example, command) == drafted[first - 1 : last]
    findings = lint_design(parse_design("\n".join(drafted), "order-sync.md"))
    errors = sum(1 for d in findings if d.severity.value == "error")
    assert _shown(example, "designkit lint order-sync.md | tail -1") == [
        f"{len(findings)} finding(s), {errors} error(s) in 1 file(s)"
    ]
    assert {d.code for d in findings} == {"DK201"}


def test_carried_text_that_would_change_a_value_is_kept_as_a_comment() -> None:
    # the renderer leaves out the 'Alert threshold' line when the Monitoring sentence gives
    # the same number, so the second label of the source would be read in the draft
    text = (
        "# Returns sync\n\n## Overview\n\nReturns go from the shop to the ERP.\n\n"
        "## Error Handling\n\n### Dead Letter Queue\n\n- **Monitoring**: Alert on DLQ depth > 25\n"
        "- **Alert threshold**: 25\n\nEscalation for the weekend shift:\n\n"
        "- **Alert threshold**: 40\n"
    )
    made = draft_document(text, "returns.md")
    back = parse_design(made.text, "draft.md")
    assert back.design.error_handling.dead_letter_queue.alert_threshold == 25
    assert "<!-- carried text, kept as a comment" in made.text
    assert "- **Alert threshold**: 40\nfrom returns.md:14-16\n-->" in made.text


# --------------------------------------------------------------------------- generated documents

_HEADINGS = [
    "Overview",
    "Context",
    "Decision",
    "Error Handling",
    "Retry Policy",
    "Dead Letter Queue",
    "Monitoring",
    "Security Considerations",
    "Data Mapping",
    "Notes",
    "Risks",
    "Testing",
    "Architecture",
    "Phase 1: Pilot (2 weeks)",
    "Week 1: Setup",
    "Known Issues",
    "Retry Logic",
    "Implementation Phases",
    "Success Criteria",
    "Executive Summary",
    "Architecture Diagram",
    "Idempotency",
    "Data Flow",
    "Authentication",
]
_BLOCKS = [
    "Deliveries are retried up to 5 times, after 1m, 5m and 15m.",
    "- **Monitoring**: Alert on DLQ depth > 25\n- **Retention**: 14 days",
    "- **Alert threshold**: 40\n- **Purpose**: second purpose",
    "**Purpose**: Orders | go --> on",
    "| Scenario | Max Attempts | Backoff | Timeout |\n|---|---|---|---|\n| 5xx | 3 | 1s, 2s, 4s | 30s |",
    "| Source | Target |\n|---|---|\n| Shop | ERP |",
    "| Field | Type |\n|---|---|\n| id | string |",
    "```\n[Shop] --> [ERP]\n```",
    '```json\n{"entity": "Order", "fields": [{"name": "id"}]}\n```',
    "1. **Trigger**: a webhook\n2. **Load**: write the order",
    "- first\n- second\n  - nested",
    "Page on-call when more than 5% fail. The RTO of 4 hours holds.",
    "<!-- an open comment",
    "```\nunclosed fence",
    "> quoted **Owner**: someone",
    "| Metric | Target |\n|---|---|\n| Throughput | 600/hour |\n| RTO | 4 hours |",
    "- **Approach**: Upsert\n- **Key**: order_id\n- **TTL**: 1 day",
    "| Connection | Auth Method |\n|---|---|\n| Shop | OAuth 2.0 |",
    "Setext heading\n===",
    "```mermaid\nflowchart LR\n  A[Shop] --> B[ERP]\n```",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["##", "###", "####"]),
            st.sampled_from(_HEADINGS),
            st.lists(st.sampled_from(_BLOCKS), max_size=3),
        ),
        min_size=1,
        max_size=7,
    ),
    st.booleans(),
)
def test_any_document_drafts_to_exactly_what_it_shows(
    sections: list[tuple[str, str, list[str]]], titled: bool
) -> None:
    title = "# Integration Design: Generated" if titled else "# Generated flows"
    parts = [title, "", "## Overview", "", "Orders flow from the shop to the ERP.", ""]
    for marks, heading, blocks in sections:
        parts += [f"{marks} {heading}", "", *(f"{block}\n" for block in blocks)]
    text = "\n".join(parts) + "\n"
    try:
        source = parse_design(text, "generated.md")
    except UserError:
        return  # not an integration document: refused, as by every command
    made = draft_document(text, "generated.md")
    back = parse_design(made.text, "draft.md")
    if made.mode == MIGRATED:
        assert _values(back.design) == _values(migrate(source, "generated.md").design)
        assert all(spec.key in back.sections for spec in SECTIONS)
    else:
        shown = leaf_paths(back.design.model_dump(mode="json"))
        for model_path, value in _values(source.design).items():
            assert shown.get(model_path) == value, model_path
