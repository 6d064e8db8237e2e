"""The JSON contract of ``model-contract.md``: paths, types and units that must hold exactly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from designkit import parse_design

# (path, allowed JSON types) straight from the contract table; "[]" steps into list items.
CONTRACT: list[tuple[str, tuple[type, ...]]] = [
    ("meta.name", (str,)),
    ("meta.version", (str,)),
    ("meta.date", (str,)),
    ("meta.designer", (str,)),
    ("meta.type", (str,)),
    ("meta.assessment_ref", (str,)),
    ("meta.scorecard_ref", (str,)),
    ("overview.purpose", (str,)),
    ("overview.scope", (str,)),
    ("overview.stakeholders", (str,)),
    ("architecture.pattern", (str,)),
    ("architecture.rationale", (str,)),
    ("architecture.alternatives", (str,)),
    ("architecture.diagram.text", (str,)),
    ("architecture.diagram.edges", (list,)),
    ("data.canonical_model.entity", (str,)),
    ("data.canonical_model.version", (str,)),
    ("data.canonical_model.fields", (list,)),
    ("data.mappings", (list,)),
    ("data.schema_versioning.approach", (str,)),
    ("data.schema_versioning.compatibility", (str,)),
    ("data.schema_versioning.evolution", (str,)),
    ("data.validation_rules", (list,)),
    ("flow.normal", (list,)),
    ("flow.errors", (list,)),
    ("error_handling.retry_policies", (list,)),
    ("error_handling.dead_letter_queue.when", (str,)),
    ("error_handling.dead_letter_queue.alert_threshold", (int,)),
    ("error_handling.dead_letter_queue.reprocessing", (str,)),
    ("error_handling.dead_letter_queue.retention_days", (int, float)),
    ("error_handling.circuit_breaker.failure_threshold", (int, float)),
    ("error_handling.circuit_breaker.error_rate_percent", (int, float)),
    ("error_handling.circuit_breaker.window_seconds", (int, float)),
    ("error_handling.circuit_breaker.half_open_after_seconds", (int, float)),
    ("error_handling.circuit_breaker.close_after_successes", (int, float)),
    ("observability.logging", (list,)),
    ("observability.correlation_id", (str,)),
    ("observability.structured_format", (str,)),
    ("observability.metrics", (list,)),
    ("observability.dashboards", (list,)),
    ("security.authentication", (list,)),
    ("security.encryption.in_transit", (str,)),
    ("security.encryption.at_rest", (str,)),
    ("security.encryption.secrets", (str,)),
    ("security.audit", (list,)),
    ("reliability.idempotency.approach", (str,)),
    ("reliability.idempotency.key", (str,)),
    ("reliability.idempotency.dedup_window_seconds", (int, float)),
    ("reliability.disaster_recovery.rto_seconds", (int, float)),
    ("reliability.disaster_recovery.rpo_seconds", (int, float)),
    ("reliability.disaster_recovery.failover", (str,)),
    ("reliability.disaster_recovery.backup", (str,)),
    ("testing", (list,)),
    ("deployment.strategy", (str,)),
    ("deployment.pipeline", (str,)),
    ("deployment.rollback", (str,)),
    ("deployment.environments", (str,)),
    ("platform.platform", (str,)),
    ("platform.rationale", (str,)),
    ("platform.lock_in_risk", (str,)),
    ("platform.portability", (str,)),
    ("platform.tco", (str,)),
    ("phases", (list,)),
    ("success_criteria.throughput_per_minute", (int, float)),
    ("success_criteria.latency_p95_seconds", (int, float)),
    ("success_criteria.availability_percent", (int, float)),
    ("success_criteria.error_rate_percent", (int, float)),
    ("success_criteria.maturity_target_level", (int,)),
    ("risks", (list,)),
    ("open_questions", (list,)),
    ("extra_sections", (list,)),
]
ITEM_KEYS = {
    "architecture.diagram.edges": {"source", "target"},
    "data.canonical_model.fields": {"name", "type", "required", "description"},
    "data.mappings": {
        "source_field",
        "source_type",
        "transformation",
        "target_field",
        "target_type",
        "notes",
    },
    "data.validation_rules": {"rule", "when", "action"},
    "flow.normal": {"step", "description"},
    "flow.errors": {"kind", "handling"},
    "error_handling.retry_policies": {
        "scenario",
        "strategy",
        "max_attempts",
        "backoff_seconds",
        "timeout_seconds",
    },
    "observability.logging": {"level", "what", "example"},
    "observability.metrics": {"name", "description", "alert_threshold"},
    "observability.dashboards": {"name", "contents"},
    "security.authentication": {"connection", "method", "details"},
    "security.audit": {"event", "fields", "retention_days"},
    "testing": {"type", "coverage_target", "tools", "when"},
    "phases": {"name", "duration_weeks", "items"},
    "risks": {"risk", "probability", "impact", "mitigation"},
    "open_questions": {"question", "owner", "due", "status"},
    "extra_sections": {"title", "text"},
}


def _get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        assert isinstance(value, dict) and part in value, f"missing key {path}"
        value = value[part]
    return value


def _model(text: str) -> dict[str, Any]:
    return json.loads(parse_design(text, "doc.md").design.model_dump_json())


@pytest.fixture(scope="module")
def bare() -> dict[str, Any]:
    """A document with only a title and one section: every other section absent."""
    return _model(
        "# Integration Design: Bare\n\n## Overview\n\n**Purpose**: x\n\n## Glossary\n\nY\n"
    )


@pytest.mark.parametrize(("path", "types"), CONTRACT, ids=[p for p, _ in CONTRACT])
def test_absent_sections_still_have_every_key(
    bare: dict[str, Any], path: str, types: tuple[type, ...]
) -> None:
    value = _get(bare, path)
    assert value is None or value == [] or isinstance(value, types) or path == "meta.name"


def test_filled_sample_has_the_contract_types() -> None:
    from tests.conftest import ROOT

    model = _model((ROOT / "samples" / "hub-spoke-hr-payroll.md").read_text(encoding="utf-8"))
    for path, types in CONTRACT:
        value = _get(model, path)
        if value is not None:
            assert isinstance(value, types) and not isinstance(value, bool), path
    for path, keys in ITEM_KEYS.items():
        for item in _get(model, path):
            assert keys <= set(item), path


def test_retry_values_have_contract_units() -> None:
    text = (
        "# Integration Design: U\n\n## Overview\n\n**Purpose**: x\n\n## Error Handling\n\n"
        "### Retry Logic\n\n| Scenario | Strategy | Max Attempts | Backoff | Timeout |\n"
        "|---|---|---|---|---|\n| A | Exponential backoff | 3 | 500ms/1s/2s | 2 min |\n"
        "| B | No retry | 1 | N/A | N/A |\n"
    )
    first, second = _model(text)["error_handling"]["retry_policies"]
    assert first == {
        **first,
        "strategy": "exponential",
        "max_attempts": 3,
        "backoff_seconds": [0.5, 1, 2],
        "timeout_seconds": 120,
    }
    assert second["backoff_seconds"] == [] and second["timeout_seconds"] is None


def test_contract_values_written_the_template_way() -> None:
    """A Backoff cell that names its strategy, and 'None' as a compatibility mode."""
    text = (
        "# Integration Design: V\n\n## Data Design\n\n### Schema Versioning Strategy\n\n"
        "- Compatibility: None\n\n## Error Handling\n\n### Retry Logic\n\n"
        "| Scenario | Max Attempts | Backoff | Timeout |\n|---|---|---|---|\n"
        "| A | 3 | exponential (1s/2s/4s) | 30s |\n"
    )
    model = _model(text)
    assert model["data"]["schema_versioning"]["compatibility"] == "none"
    (retry,) = model["error_handling"]["retry_policies"]
    assert (retry["strategy"], retry["backoff_seconds"]) == ("exponential", [1, 2, 4])


def test_document_kind_is_in_the_contract(bare: dict[str, Any]) -> None:
    assert bare["document_kind"] == "design"


def test_extra_section_titles_lose_their_numbering(bare: dict[str, Any]) -> None:
    model = _model(
        "# Integration Design: N\n\n## Overview\n\nx\n\n## 11. Data Retention\n\nKeep.\n"
    )
    assert model["extra_sections"] == [{"title": "Data Retention", "text": "Keep."}]
    assert bare["extra_sections"] == [{"title": "Glossary", "text": "Y"}]


def test_loose_headings_and_labels() -> None:
    text = (
        "# Integration Design: L\n\n## 1. overview\n\n- **Purpose:** sync\n\n"
        "## 3 Reliability and Resilience\n\n### Idempotency\n\n"
        "- **Approach**: Natural key\n- **Dedup window**: 24h\n\n"
        "## 4. Error Handling\n\n### DLQ\n\n- **Retention period**: 2 weeks\n"
        "- **Monitoring**: Alert on DLQ depth > 10\n"
    )
    model = _model(text)
    assert model["overview"]["purpose"] == "sync"
    assert model["reliability"]["idempotency"] == {
        "approach": "natural_key",
        "key": None,
        "dedup_window_seconds": 86400,
    }
    assert model["error_handling"]["dead_letter_queue"]["retention_days"] == 14
    assert model["error_handling"]["dead_letter_queue"]["alert_threshold"] == 10
