"""The scorecard: what ``designkit score`` reports, in every format.

Its JSON (``--format json``) is documented by this model's JSON Schema and is
stable: ``overall``, ``dimensions[]`` with ``criteria[]``, and ``findings[]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class Verdict(StrEnum):
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REVISIONS_REQUIRED = "revisions_required"


class Risk(StrEnum):
    """The risk class of an overall score, as the maturity model names it."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


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
    level: int | None
    """1-5 from the gated ladder; ``None`` when the dimension needs assessment."""
    label: str
    """The level's name, or ``needs assessment``."""
    needs_assessment: bool = False
    """Its sections are absent or still the template's text: no evidence to score."""
    confidence: str = "medium"
    """How far a design-time score of this dimension can be trusted: high, medium, low."""
    next_level: int | None
    progress: float
    """Share of the next level's criteria that already pass."""
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


class Notice(_Model):
    """Something about how the design was read that is not a finding about the design.

    A suppression comment naming an id that does not exist, or a red-flag code whose
    meaning changed, would otherwise hide the wrong finding or none at all without a
    word; a notice says so where the comment is. Notices never change a level or the
    verdict, and every report format shows them.
    """

    severity: Literal["warning", "info"]
    message: str
    path: str
    line: int | None = None


class Weakest(_Model):
    """The lowest assessed dimension: shown as what it is, never as the overall level."""

    id: str
    name: str
    level: int


class Overall(_Model):
    """One scoring model, the same in every format (see ``designkit explain --policy``)."""

    score: float | None
    """Weighted average of the assessed dimensions' levels, one decimal; ``None`` when no
    dimension can be assessed."""
    level: int | None
    """The band of ``score`` in the rubric's band table."""
    label: str
    risk: Risk | None
    verdict: Verdict
    reasons: list[str]
    """Why the verdict is what it is, one phrase each (empty for a plain approval)."""
    weakest: Weakest | None
    target_level: int | None
    meets_target: bool | None
    needs_assessment: list[str]
    """Names of the dimensions without evidence to score (left out of ``score``)."""
    lint_errors: int
    basis: str = "preliminary, static assessment"


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


class QuickWin(_Model):
    """A one-line change to the document that lifts a dimension by a level."""

    criterion: str
    dimension: str
    dimension_name: str
    weight: float
    from_level: int
    to_level: int
    title: str
    line: int
    remediation: str


class LintError(_Model):
    """A ``designkit lint`` error (a contradiction no rubric level can resolve)."""

    code: str
    message: str
    line: int
    column: int = 1
    field: str | None = None


class Scorecard(_Model):
    file: str
    name: str | None
    document_kind: str = "design"
    """What the document is (``adr``, ``current_state``...): only a design follows the
    template, so for other kinds the score says how much could not be assessed."""
    rubric: RubricInfo
    overall: Overall
    dimensions: list[DimensionResult]
    findings: list[Finding]
    counts: Counts
    notices: list[Notice] = Field(default_factory=list)
    quick_wins: list[QuickWin] = []
    lint_errors: list[LintError] = []
