"""Every sample and the blank template against their golden model and lint output,
plus direct checks of what each sample is known to contain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designkit import lint_design, parse_file
from designkit.diagnostics import format_text
from designkit.model import Design, Failover, Pattern, Transformation
from designkit.parse import ParsedDesign
from tests.conftest import GOLDEN, ROOT, TEMPLATE, Golden, require_shared, sample_paths


def _parse_relative(path: Path) -> ParsedDesign:
    display = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    return parse_file(path, display=display)


def _cases() -> list[tuple[str, Path]]:
    return [(path.stem, path) for path in sample_paths()] + [("template", TEMPLATE)]


@pytest.mark.parametrize(("name", "path"), _cases(), ids=[name for name, _ in _cases()])
def test_golden_model_and_lint(name: str, path: Path, golden: Golden) -> None:
    require_shared(path) if name == "template" else None
    parsed = _parse_relative(path)
    model = json.dumps(parsed.design.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    golden.check(GOLDEN / name / "model.json", model)
    lint_text = "".join(format_text(d) + "\n" for d in lint_design(parsed))
    golden.check(GOLDEN / name / "lint.txt", lint_text)


@pytest.mark.parametrize("path", sample_paths(), ids=[p.stem for p in sample_paths()])
def test_golden_model_validates_against_the_model(path: Path) -> None:
    """The golden JSON is itself a valid model and equals a fresh parse (round trip of JSON)."""
    golden_path = GOLDEN / path.stem / "model.json"
    if not golden_path.exists():
        pytest.skip("golden file not generated yet")
    stored = Design.model_validate_json(golden_path.read_text(encoding="utf-8"))
    assert stored == _parse_relative(path).design


def test_there_is_one_sample_per_pattern() -> None:
    patterns = {_parse_relative(path).design.architecture.pattern for path in sample_paths()}
    assert patterns == set(Pattern)


def _sample(stem: str) -> ParsedDesign:
    return _parse_relative(ROOT / "samples" / f"{stem}.md")


def test_complete_samples_lint_without_errors() -> None:
    for stem in (
        "api-led-salesforce-sap-orders",
        "event-driven-shopify-netsuite",
        "hub-spoke-hr-payroll",
        "hybrid-claims-platform",
    ):
        errors = [d for d in lint_design(_sample(stem)) if d.severity.value == "error"]
        assert errors == [], stem


def test_event_driven_sample_values() -> None:
    design = _sample("event-driven-shopify-netsuite").design
    assert design.architecture.pattern is Pattern.EVENT_DRIVEN
    first = design.error_handling.retry_policies[0]
    assert first.jitter is True
    assert first.extra_columns["Jitter"]
    assert first.backoff_seconds == [1, 2, 4, 8]
    kafka = [p for p in design.error_handling.retry_policies if p.backoff_seconds == [0.5, 0.5]]
    assert kafka and kafka[0].timeout_seconds == 5
    breaker = design.error_handling.circuit_breaker
    assert breaker.window_seconds == 120
    assert breaker.half_open_after_seconds == 45
    assert design.reliability.idempotency.dedup_window_seconds == 24 * 3600
    assert design.success_criteria.availability_percent == 99.95
    assert design.success_criteria.error_rate_percent == 0.5
    assert design.extra_sections[-1].title == "Glossary"


def test_hub_spoke_sample_keeps_current_values_and_extra_columns() -> None:
    design = _sample("hub-spoke-hr-payroll").design
    assert design.architecture.pattern is Pattern.HUB_SPOKE
    recovery = design.reliability.disaster_recovery
    assert (recovery.rto_seconds, recovery.current_rto_seconds) == (4 * 3600, 24 * 3600)
    assert (recovery.rpo_seconds, recovery.current_rpo_seconds) == (3600, 12 * 3600)
    assert (recovery.failover, recovery.current_failover) == (Failover.AUTOMATIC, Failover.MANUAL)
    assert all("Owner" in risk.extra_columns for risk in design.risks)
    assert design.error_handling.dead_letter_queue.retention_days == 30
    assert design.reliability.idempotency.dedup_window_seconds == 14 * 86400
    assert design.data.schema_versioning.approach is not None
    assert design.success_criteria.throughput_per_minute == 2000
    assert design.meta.type is not None and design.meta.type.value == "improvement_roadmap"


def test_hybrid_sample_reads_reordered_mapping_columns_and_bracketed_names() -> None:
    design = _sample("hybrid-claims-platform").design
    sources = {m.source_field for m in design.data.mappings}
    assert "Observation.value[x]" in sources
    assert any(f.name == "line_items[].sku" for f in design.data.canonical_model.fields)
    assert all(m.target_field for m in design.data.mappings)
    assert design.success_criteria.latency_p95_seconds == 0.8
    titles = [section.title for section in design.extra_sections]
    assert "Data Retention and Privacy" in titles
    assert "Appendix A: Sample Payloads" in titles


def test_partial_etl_sample_reports_its_deliberate_problems() -> None:
    parsed = _sample("etl-warehouse-nightly")
    codes = {(d.code, d.field) for d in lint_design(parsed)}
    assert ("DK101", "platform") in codes
    assert ("DK101", "open_questions") in codes
    assert ("DK202", "error_handling.retry_policies[1].max_attempts") in codes
    assert ("DK301", "error_handling.retry_policies[2].backoff_seconds") in codes
    assert any(code == "DK302" for code, _ in codes)
    assert any(code == "DK303" for code, _ in codes)
    design = parsed.design
    assert design.platform.platform is None
    assert design.open_questions == []
    assert design.error_handling.retry_policies[1].max_attempts is None
    assert design.error_handling.dead_letter_queue.alert_threshold is None
    assert design.success_criteria.throughput_per_minute == 10000
    assert any(m.transformation is None for m in design.data.mappings)
    assert {m.transformation for m in design.data.mappings} >= {
        Transformation.DIRECT,
        Transformation.FORMULA,
    }


def test_blank_template_is_all_nulls_where_it_has_placeholders() -> None:
    design = _parse_relative(require_shared(TEMPLATE)).design
    assert design.meta.name is None
    assert design.architecture.pattern is None
    assert design.error_handling.dead_letter_queue.retention_days is None
    assert design.success_criteria.model_dump(exclude={"other"}) == dict.fromkeys(
        (
            "throughput_per_minute",
            "latency_p95_seconds",
            "availability_percent",
            "error_rate_percent",
            "maturity_target_level",
        )
    )
    # the template's concrete example values are real values
    assert [p.max_attempts for p in design.error_handling.retry_policies] == [3, 5, 1, 3]
    assert design.security.encryption.in_transit == "TLS 1.2+ (TLS 1.3 preferred)"
