"""The scorecard: what ``designkit score`` reports, in every format.

Its JSON (``--format json``) is documented by this model's JSON Schema and is
stable: ``overall``, ``dimensions[]`` with ``criteria[]``, and ``findings[]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class Verdict(StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REVISIONS_REQUIRED = "revisions_required"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass(slots=True)
class CriterionResult:
    """One criterion's outcome for one design.

    A plain dataclass rather than a pydantic model: a scorecard holds one per
    criterion (150+) and scoring runs over many designs in CI; pydantic still
    serialises and documents it as part of :class:`Scorecard`.
    """

    id: str
    title: str
    level: int
    severity: str
    status: Status
    red_flag: str | None = None
    field: str | None = None
    line: int = 1
    column: int = 1
    detail: str = ""
    remediation: str = ""
    template_default: bool = False
    suppressed: bool = False
    suppression_reason: str | None = None
    trace: str = ""
    """What the engine saw, for tools: model paths, the pattern, raw values. ``detail`` is
    the same finding as a sentence about the design, for people."""

    @property
    def holds_back(self) -> bool:
        """Counts against the ladder: not passing, not N/A, not an accepted risk."""
        return self.status in (Status.FAIL, Status.UNKNOWN) and not self.suppressed


class DimensionResult(_Model):
    id: str
    name: str
    weight: float
    level: int
    label: str
    score: float
    next_level: int | None
    progress: float
    criteria: list[CriterionResult]


class Finding(_Model):
    criterion: str
    dimension: str
    title: str
    level: int
    severity: str
    status: Status
    red_flag: str | None
    message: str
    path: str
    line: int
    column: int = 1
    field: str | None
    trace: str = ""
    """The engine-level detail behind ``message`` (model paths, pattern, raw values), for
    JSON and SARIF; the text, Markdown, HTML, GitHub and JUnit reports show ``message``."""
    remediation: str
    template_default: bool = False
    suppressed: bool = False
    suppression_reason: str | None = None


class Overall(_Model):
    level: int
    label: str
    weighted_score: float
    band: str
    verdict: Verdict
    target_level: int | None
    meets_target: bool | None


class RubricInfo(_Model):
    id: str
    name: str
    version: str


class Counts(_Model):
    criteria: int
    passed: int
    failed: int
    unknown: int
    not_applicable: int
    template_defaults: int
    suppressed: int


class Scorecard(_Model):
    file: str
    name: str | None
    rubric: RubricInfo
    overall: Overall
    dimensions: list[DimensionResult]
    findings: list[Finding]
    counts: Counts
