"""The typed model of an integration design: the public JSON contract.

Names, types and units follow ``model-contract.md``: durations in seconds,
retentions in days, percentages as numbers, enumerations in lower snake case,
unfilled values as ``None``. Every section object always exists (empty when the
document lacks it) so downstream code never checks for missing keys.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer


def _number_to_json(value: float | None) -> float | int | None:
    """Whole numbers serialise as ints (``30`` not ``30.0``) to keep the JSON readable."""
    if value is not None and float(value).is_integer():
        return int(value)
    return value


Number = Annotated[float, PlainSerializer(_number_to_json, return_type=float | int | None)]
"""A float that prints as an int when it is whole."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


# --------------------------------------------------------------------------- enums


class DesignType(StrEnum):
    NEW_DESIGN = "new_design"
    IMPROVEMENT_ROADMAP = "improvement_roadmap"


class DocumentKind(StrEnum):
    """What sort of integration document was read, recognised by its shape.

    Only a ``design`` follows the template; the others are read for what maps
    onto it (``document_kind`` in the model says how far to trust the gaps).
    """

    DESIGN = "design"
    IMPROVEMENT_ROADMAP = "improvement_roadmap"
    ADR = "adr"
    CURRENT_STATE = "current_state"
    REVIEW_REPORT = "review_report"
    REQUIREMENTS = "requirements"


class Pattern(StrEnum):
    API_LED = "api_led"
    EVENT_DRIVEN = "event_driven"
    HUB_SPOKE = "hub_spoke"
    ETL = "etl"
    HYBRID = "hybrid"


class Transformation(StrEnum):
    DIRECT = "direct"
    LOOKUP = "lookup"
    FORMULA = "formula"
    CONDITIONAL = "conditional"


class Compatibility(StrEnum):
    FORWARD = "forward"
    BACKWARD = "backward"
    FULL = "full"
    NONE = "none"


class RetryStrategy(StrEnum):
    EXPONENTIAL = "exponential"
    FIXED = "fixed"
    LINEAR = "linear"
    NONE = "none"


class IdempotencyApproach(StrEnum):
    IDEMPOTENCY_KEY = "idempotency_key"
    NATURAL_KEY = "natural_key"
    UPSERT = "upsert"


class Failover(StrEnum):
    MANUAL = "manual"
    AUTOMATIC = "automatic"


class Level(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


# --------------------------------------------------------------------------- header


class Meta(_Model):
    name: str | None = None
    version: str | None = None
    date: str | None = None
    designer: str | None = None
    type: DesignType | None = None
    assessment_ref: str | None = None
    scorecard_ref: str | None = None


class Overview(_Model):
    purpose: str | None = None
    scope: str | None = None
    stakeholders: str | None = None


# --------------------------------------------------------------------------- architecture


class DiagramEdge(_Model):
    source: str
    target: str
    label: str | None = None


class Diagram(_Model):
    text: str | None = None  # the block read; None when the systems came from a table
    nodes: list[str] = Field(default_factory=list)  # every [box], in the order drawn
    edges: list[DiagramEdge] = Field(default_factory=list)
    # Without template arrows, nodes and edges come from a box drawing, a Mermaid
    # flowchart or a source/target table (parse/architecture.py); nodes are then the
    # systems the arrows join, in the order met.


class Architecture(_Model):
    pattern: Pattern | None = None
    rationale: str | None = None
    alternatives: str | None = None
    diagram: Diagram = Field(default_factory=Diagram)


# --------------------------------------------------------------------------- data


class CanonicalField(_Model):
    name: str
    type: str | None = None
    required: bool = False
    description: str | None = None


class CanonicalModel(_Model):
    entity: str | None = None
    version: str | None = None
    fields: list[CanonicalField] = Field(default_factory=list)


class Mapping(_Model):
    source_field: str | None = None
    source_type: str | None = None
    transformation: Transformation | None = None
    target_field: str | None = None
    target_type: str | None = None
    notes: str | None = None
    extra_columns: dict[str, str] = Field(default_factory=dict)


class SchemaVersioning(_Model):
    approach: str | None = None
    compatibility: Compatibility | None = None
    evolution: str | None = None


class ValidationRule(_Model):
    rule: str | None = None
    when: str | None = None
    action: str | None = None
    extra_columns: dict[str, str] = Field(default_factory=dict)


class Data(_Model):
    canonical_model: CanonicalModel = Field(default_factory=CanonicalModel)
    mappings: list[Mapping] = Field(default_factory=list)
    schema_versioning: SchemaVersioning = Field(default_factory=SchemaVersioning)
    validation_rules: list[ValidationRule] = Field(default_factory=list)


# --------------------------------------------------------------------------- flow


class FlowStep(_Model):
    step: str
    description: str | None = None


class ErrorFlow(_Model):
    kind: str
    handling: str | None = None


class Flow(_Model):
    normal: list[FlowStep] = Field(default_factory=list)
    errors: list[ErrorFlow] = Field(default_factory=list)


# --------------------------------------------------------------------------- error handling


class RetryPolicy(_Model):
    scenario: str | None = None
    strategy: RetryStrategy | None = None
    max_attempts: int | None = None
    backoff_seconds: list[Number] = Field(default_factory=list)
    timeout_seconds: Number | None = None
    jitter: bool = False
    extra_columns: dict[str, str] = Field(default_factory=dict)


class DeadLetterQueue(_Model):
    when: str | None = None
    monitoring: str | None = None
    alert_threshold: int | None = None
    reprocessing: str | None = None
    retention_days: Number | None = None


class CircuitBreaker(_Model):
    failure_threshold: int | None = None
    error_rate_percent: Number | None = None
    window_seconds: Number | None = None
    half_open_after_seconds: Number | None = None
    half_open_requests: int | None = None
    close_after_successes: int | None = None


class ErrorHandling(_Model):
    retry_policies: list[RetryPolicy] = Field(default_factory=list)
    dead_letter_queue: DeadLetterQueue = Field(default_factory=DeadLetterQueue)
    circuit_breaker: CircuitBreaker = Field(default_factory=CircuitBreaker)


# --------------------------------------------------------------------------- observability


class LogLevel(_Model):
    level: str | None = None
    what: str | None = None
    example: str | None = None


class Metric(_Model):
    name: str | None = None
    description: str | None = None
    alert_threshold: str | None = None


class Dashboard(_Model):
    name: str
    contents: str | None = None


class Observability(_Model):
    logging: list[LogLevel] = Field(default_factory=list)
    correlation_id: str | None = None
    structured_format: str | None = None
    metrics: list[Metric] = Field(default_factory=list)
    dashboards: list[Dashboard] = Field(default_factory=list)


# --------------------------------------------------------------------------- security


class Authentication(_Model):
    connection: str | None = None
    method: str | None = None
    details: str | None = None


class Encryption(_Model):
    in_transit: str | None = None
    at_rest: str | None = None
    secrets: str | None = None


class AuditEvent(_Model):
    event: str | None = None
    fields: str | None = None
    retention_days: Number | None = None


class Security(_Model):
    authentication: list[Authentication] = Field(default_factory=list)
    encryption: Encryption = Field(default_factory=Encryption)
    audit: list[AuditEvent] = Field(default_factory=list)


# --------------------------------------------------------------------------- reliability


class Idempotency(_Model):
    approach: IdempotencyApproach | None = None
    key: str | None = None
    dedup_window_seconds: Number | None = None


class DisasterRecovery(_Model):
    rto_seconds: Number | None = None
    rpo_seconds: Number | None = None
    failover: Failover | None = None
    backup: str | None = None
    current_rto_seconds: Number | None = None
    current_rpo_seconds: Number | None = None
    current_failover: Failover | None = None
    current_backup: str | None = None


class Reliability(_Model):
    idempotency: Idempotency = Field(default_factory=Idempotency)
    disaster_recovery: DisasterRecovery = Field(default_factory=DisasterRecovery)


# --------------------------------------------------------------------------- delivery


class TestingRow(_Model):
    type: str | None = None
    coverage_target: str | None = None
    tools: str | None = None
    when: str | None = None


class Deployment(_Model):
    strategy: str | None = None
    pipeline: str | None = None
    rollback: str | None = None
    rollback_within_seconds: Number | None = None
    environments: str | None = None


class Platform(_Model):
    platform: str | None = None
    rationale: str | None = None
    lock_in_risk: Level | None = None
    portability: str | None = None
    tco: str | None = None


class Phase(_Model):
    name: str
    duration_weeks: Number | None = None
    items: list[str] = Field(default_factory=list)


class SuccessCriterion(_Model):
    metric: str
    target: str | None = None


class SuccessCriteria(_Model):
    throughput_per_minute: Number | None = None
    latency_p95_seconds: Number | None = None
    availability_percent: Number | None = None
    error_rate_percent: Number | None = None
    maturity_target_level: int | None = None
    other: list[SuccessCriterion] = Field(default_factory=list)


class Risk(_Model):
    risk: str | None = None
    probability: Level | None = None
    impact: Level | None = None
    mitigation: str | None = None
    extra_columns: dict[str, str] = Field(default_factory=dict)


class OpenQuestion(_Model):
    question: str | None = None
    owner: str | None = None
    due: str | None = None
    status: str | None = None


class ExtraSection(_Model):
    title: str
    text: str


# --------------------------------------------------------------------------- the design


class Design(_Model):
    """A whole integration design document."""

    document_kind: DocumentKind = Field(
        default=DocumentKind.DESIGN,
        description=(
            "What sort of document this is: 'design' for one written from the template "
            "(title '# Integration Design: NAME'); for other integration documents, their "
            "kind as recognised by shape: 'adr' (Status/Context/Decision/Consequences "
            "headings), 'review_report' (findings, recommendations, a verdict), "
            "'requirements' (requirements headings, shall/must statements), "
            "'current_state' (as-is description, known issues), 'improvement_roadmap' "
            "(enhancements planned by week or phase, current vs target), else 'design'. "
            "A '**Document Kind**:' line at the top states it explicitly."
        ),
    )
    meta: Meta = Field(default_factory=Meta)
    overview: Overview = Field(default_factory=Overview)
    architecture: Architecture = Field(default_factory=Architecture)
    data: Data = Field(default_factory=Data)
    flow: Flow = Field(default_factory=Flow)
    error_handling: ErrorHandling = Field(default_factory=ErrorHandling)
    observability: Observability = Field(default_factory=Observability)
    security: Security = Field(default_factory=Security)
    reliability: Reliability = Field(default_factory=Reliability)
    testing: list[TestingRow] = Field(default_factory=list)
    deployment: Deployment = Field(default_factory=Deployment)
    platform: Platform = Field(default_factory=Platform)
    phases: list[Phase] = Field(default_factory=list)
    success_criteria: SuccessCriteria = Field(default_factory=SuccessCriteria)
    risks: list[Risk] = Field(default_factory=list)
    open_questions: list[OpenQuestion] = Field(default_factory=list)
    extra_sections: list[ExtraSection] = Field(default_factory=list)
