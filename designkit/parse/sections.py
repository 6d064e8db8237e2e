"""Which template section a heading is, matched loosely.

Headings differ from the template in case, numbering (``## 4. Error Handling``),
missing or added words, emoji and ``&`` for ``and``. A heading matches an alias
when the alias's words appear in it as a contiguous run; the longest matching
alias wins, so ``Architecture Diagram`` is the diagram and not the pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from designkit.parse.values import normalise_key


@dataclass(frozen=True, slots=True)
class SectionSpec:
    key: str
    title: str  # the template's heading, for messages and rendering
    parent: str | None
    aliases: tuple[str, ...]


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "overview", "Overview", None, ("overview", "summary", "executive summary", "introduction")
    ),
    SectionSpec(
        "architecture",
        "Architecture Pattern",
        None,
        ("architecture pattern", "architecture", "integration pattern", "pattern"),
    ),
    SectionSpec(
        "architecture.diagram",
        "Architecture Diagram",
        "architecture",
        ("architecture diagram", "diagram", "system context", "context diagram"),
    ),
    SectionSpec("data", "Data Design", None, ("data design", "data architecture")),
    SectionSpec(
        "data.canonical_model",
        "Canonical Data Model",
        "data",
        ("canonical data model", "canonical model", "data model"),
    ),
    SectionSpec(
        "data.mappings",
        "Mapping Specifications",
        "data",
        (
            "mapping specifications",
            "mapping specification",
            "mappings",
            "mapping",
            "field mappings",
            "field mapping",
        ),
    ),
    SectionSpec(
        "data.schema_versioning",
        "Schema Versioning Strategy",
        "data",
        ("schema versioning", "versioning strategy", "schema evolution"),
    ),
    SectionSpec(
        "data.validation_rules",
        "Validation Rules",
        "data",
        ("validation rules", "validation", "data validation"),
    ),
    SectionSpec("flow", "Flow Design", None, ("flow design", "flows", "process flow")),
    SectionSpec(
        "flow.normal",
        "Normal Flow (Happy Path)",
        "flow",
        ("normal flow", "happy path", "main flow", "primary flow"),
    ),
    SectionSpec(
        "flow.errors",
        "Error Flow",
        "flow",
        ("error flow", "error flows", "failure flow", "exception flow"),
    ),
    SectionSpec(
        "error_handling",
        "Error Handling Strategy",
        None,
        ("error handling strategy", "error handling", "exception handling"),
    ),
    SectionSpec(
        "error_handling.retry_policies",
        "Retry Logic",
        "error_handling",
        ("retry logic", "retry policy", "retry policies", "retries", "retry strategy", "retry"),
    ),
    SectionSpec(
        "error_handling.dead_letter_queue",
        "Dead Letter Queue",
        "error_handling",
        ("dead letter queue", "dead letter", "deadletter queue", "dlq"),
    ),
    SectionSpec(
        "error_handling.circuit_breaker",
        "Circuit Breaker",
        "error_handling",
        ("circuit breaker", "circuit breakers", "circuitbreaker"),
    ),
    SectionSpec(
        "observability",
        "Monitoring & Observability",
        None,
        ("monitoring and observability", "monitoring", "observability"),
    ),
    SectionSpec(
        "observability.logging",
        "Logging Strategy",
        "observability",
        ("logging strategy", "logging", "logs"),
    ),
    SectionSpec(
        "observability.metrics",
        "Metrics (RED Method)",
        "observability",
        ("metrics", "red method", "metrics and alerts", "alerting"),
    ),
    SectionSpec(
        "observability.dashboards", "Dashboards", "observability", ("dashboards", "dashboard")
    ),
    SectionSpec(
        "security",
        "Security Design",
        None,
        ("security design", "security", "security and compliance"),
    ),
    SectionSpec(
        "security.authentication",
        "Authentication & Authorization",
        "security",
        (
            "authentication and authorization",
            "authentication and authorisation",
            "authentication",
            "authorization",
            "auth",
        ),
    ),
    SectionSpec("security.encryption", "Encryption", "security", ("encryption", "data protection")),
    SectionSpec(
        "security.audit", "Audit Trail", "security", ("audit trail", "audit", "audit logging")
    ),
    SectionSpec(
        "reliability",
        "Reliability & Resilience",
        None,
        ("reliability and resilience", "reliability", "resilience"),
    ),
    SectionSpec(
        "reliability.idempotency",
        "Idempotency Strategy",
        "reliability",
        ("idempotency strategy", "idempotency", "deduplication"),
    ),
    SectionSpec(
        "reliability.disaster_recovery",
        "Disaster Recovery",
        "reliability",
        ("disaster recovery", "dr", "business continuity"),
    ),
    SectionSpec(
        "testing",
        "Testing Strategy",
        None,
        ("testing strategy", "testing", "test strategy", "tests"),
    ),
    SectionSpec(
        "deployment",
        "Deployment & CI/CD",
        None,
        ("deployment and ci cd", "deployment", "ci cd", "release strategy"),
    ),
    SectionSpec(
        "platform",
        "Platform Considerations",
        None,
        ("platform considerations", "platform", "tooling and platform", "platform selection"),
    ),
    SectionSpec(
        "phases",
        "Implementation Phases",
        None,
        ("implementation phases", "phases", "implementation plan", "delivery plan", "roadmap"),
    ),
    SectionSpec(
        "success_criteria",
        "Success Criteria",
        None,
        ("success criteria", "success metrics", "acceptance criteria", "kpis"),
    ),
    SectionSpec(
        "risks",
        "Risks & Mitigation",
        None,
        ("risks and mitigation", "risks and mitigations", "risks", "risk", "risk register"),
    ),
    SectionSpec(
        "open_questions", "Open Questions", None, ("open questions", "questions", "open issues")
    ),
)

SPECS = {spec.key: spec for spec in SECTIONS}
TOP_LEVEL = tuple(spec for spec in SECTIONS if spec.parent is None)


@lru_cache(maxsize=4096)
def classify_heading(title: str) -> str | None:
    """The section key a heading stands for, or ``None`` for a section the template lacks."""
    words = normalise_key(title).split()
    if not words:
        return None
    if words[0] == "phase" and len(words) > 1:
        return "phases.phase"
    best: tuple[int, str] | None = None
    for spec in SECTIONS:
        for alias in spec.aliases:
            alias_words = alias.split()
            size = len(alias_words)
            if size > len(words):
                continue
            if any(words[i : i + size] == alias_words for i in range(len(words) - size + 1)):
                score = size * 100 + (50 if size == len(words) else 0)
                if best is None or score > best[0]:
                    best = (score, spec.key)
    return best[1] if best else None


_NUMBERING = re.compile(
    r"^(?:\d+(?:\.\d+)*|[ivxlcdm]+|[a-z])[.):]\s+|^\d+(?:\.\d+)*\s+", re.IGNORECASE
)


def clean_title(title: str) -> str:
    """A heading's text without numbering or decoration, for extra-section titles."""
    text = title.strip().strip("#").strip()
    index = 0
    while index < len(text) and not (text[index].isalnum() or text[index] in "`[(\"'"):
        index += 1
    text = _NUMBERING.sub("", text[index:], count=1)
    return text.strip().strip("*_").strip()
