"""The maturity model its users already apply: overall score, band, risk, verdict, exit code.

Stated once here and read by every report format, so text, JSON, Markdown,
HTML, SARIF, JUnit and GitHub output can never disagree about a design:

- each dimension has a level 1-5 from the gated ladder (level 1 is the floor),
  or needs assessment when its sections are absent or still template text;
- the overall score is the weighted average of the assessed dimensions' levels,
  rounded half up to one decimal (``3.4 / 5``); its level and risk class come
  from the rubric's band and risk tables;
- the verdict follows the review report of the assessment kit: critical
  findings and lint errors must be fixed before implementation, high findings
  should be.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from designkit.rubric.schema import Rubric
from designkit.rubric.scorecard import (
    CriterionResult,
    DimensionResult,
    Finding,
    LintError,
    Overall,
    Risk,
    Scorecard,
    Verdict,
    Weakest,
)

FAIL_ON = ("revisions", "conditions")
"""``--fail-on``: the verdicts that make ``designkit score`` exit 1."""

STAKEHOLDER_LABELS: tuple[tuple[float, str], ...] = (
    (4.5, "Best-in-class"),
    (3.5, "Strong maturity"),
    (2.5, "Well-managed"),
    (1.5, "Foundation in place"),
    (0.0, "Significant opportunity for improvement"),
)
"""The customer-summary wording of an overall score, highest band first."""

AREA_STATUS: Mapping[int, str] = {
    5: "strong",
    4: "good",
    3: "adequate",
    2: "needs attention",
    1: "priority action needed",
}
"""The customer-summary status word of a dimension level."""

POLICY = """\
How designkit scores a design (a preliminary, static assessment: no runtime data)

Dimension level (1-5)
  Each dimension climbs a gated ladder: it is at level L when every criterion of
  levels 1..L passes or does not apply. Level 1 (Ad hoc) is the floor; there is no
  level 0. A dimension whose sections are absent or still the template's text
  "needs assessment": it gets no level and is left out of the overall score.
  Values copied unchanged from the template count for levels 1-2 only; above
  that they fail as "template default", without a red-flag code and at most
  high severity (the template's example is no decision, but no red flag either).

Overall score and level
  Overall = sum(weight x level) / sum(weight) over the assessed dimensions
  (weights 2, 2, 3, 3, 3, 1.5, 1.5, 1: divided by 17 when all are assessed),
  rounded half up to one decimal and shown as "3.4 / 5". Its level comes from the
  rubric's band table: 4.5-5.0 -> 5 Augmented, 3.5-4.4 -> 4 Balanced,
  2.5-3.4 -> 3 Centralized, 1.5-2.4 -> 2 Enlightened, below -> 1 Ad hoc.
  Risk class: below 2.0 critical, 2.0-2.9 high, 3.0-3.9 medium, 4.0+ low.
  The lowest dimension is shown as "weakest", never as the overall level.

Confidence
  Without runtime data a score is surer for structural dimensions: high for
  Architecture & Design and Data Quality & Governance, medium for Security &
  Compliance and Maintainability & Scalability, low for Operational Excellence,
  Reliability & Resilience, Business Impact and Tool & Platform.

Verdict
  revisions required        any open critical finding, any lint error (a
                            contradiction no level can resolve), or nothing to assess
  approved with conditions  else any open high finding, or a dimension that needs
                            assessment
  approved                  otherwise
  Suppressed findings (accepted risks) and findings a baseline file records do
  not count. The design's own Maturity Target is reported as met or not met
  beside the verdict and does not change it.

Exit code of designkit score
  0  every file's verdict passes the gate
  1  a file's verdict is "revisions required" (with --fail-on conditions, also
     "approved with conditions"), or its overall level is below --fail-under
  2  a file, the rubric or the configuration cannot be used
"""


def overall_score(dimensions: Sequence[DimensionResult]) -> float | None:
    """Weighted average of the assessed levels, rounded half up to one decimal.

    Computed with exact fractions: ``3.45`` must round to ``3.5`` the same way on
    every machine, since the band (and so the level) depends on that digit.
    """
    return _weighted_score(tuple((d.weight, d.level) for d in dimensions if d.level is not None))


@lru_cache(maxsize=1024)
def _weighted_score(assessed: tuple[tuple[float, int], ...]) -> float | None:
    """:func:`overall_score` of (weight, level) pairs: a few dozen fractions a design, and
    designs share the few combinations of levels there are, so each is worked out once."""
    if not assessed:
        return None
    total = sum((Fraction(weight) for weight, _ in assessed), Fraction(0))
    weighted = sum((Fraction(weight) * level for weight, level in assessed), Fraction(0))
    exact: Fraction = weighted / total
    rounded = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return float(rounded)


def band_level(score: float, bands: Mapping[int, float]) -> int:
    """The highest level whose lowest score ``score`` reaches (level 1 at worst)."""
    return max((level for level, floor in bands.items() if score >= floor), default=1)


def risk_of(score: float, risk: Mapping[str, float]) -> Risk:
    """The risk class whose range holds ``score``."""
    reached = [name for name, floor in risk.items() if score >= floor]
    if not reached:
        return Risk.CRITICAL
    return Risk(max(reached, key=lambda name: risk[name]))


def stakeholder_label(score: float) -> str:
    """The customer-summary wording of an overall score."""
    return next(label for floor, label in STAKEHOLDER_LABELS if score >= floor)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def decide_verdict(
    findings: Sequence[Finding], lint_errors: int, dimensions: Sequence[DimensionResult]
) -> tuple[Verdict, list[str]]:
    """The review verdict and its reasons, from open findings, lint errors and coverage."""
    open_findings = [f for f in findings if not f.suppressed]
    critical = sum(f.severity == "critical" for f in open_findings)
    high = sum(f.severity == "high" for f in open_findings)
    unassessed = [d.name for d in dimensions if d.level is None]
    blocking: list[str] = []
    if dimensions and len(unassessed) == len(dimensions):
        blocking.append("no dimension can be assessed: every section is absent or template text")
    if critical:
        blocking.append(_count(critical, "critical finding"))
    if lint_errors:
        blocking.append(_count(lint_errors, "lint error"))
    if blocking:
        return Verdict.REVISIONS_REQUIRED, blocking
    conditions: list[str] = []
    if high:
        conditions.append(_count(high, "high finding"))
    conditions += [f"{name} needs assessment" for name in unassessed]
    if conditions:
        return Verdict.APPROVED_WITH_CONDITIONS, conditions
    return Verdict.APPROVED, []


def fails_gate(card: Scorecard, fail_on: str = "revisions", fail_under: int | None = None) -> bool:
    """Whether this scorecard makes ``designkit score`` exit 1 (see :data:`POLICY`)."""
    verdict = card.overall.verdict
    if verdict is Verdict.REVISIONS_REQUIRED:
        return True
    if fail_on == "conditions" and verdict is Verdict.APPROVED_WITH_CONDITIONS:
        return True
    level = card.overall.level
    return fail_under is not None and (level is None or level < fail_under)


def dimension_level(results: list[CriterionResult]) -> tuple[int, float]:
    """The gated ladder, floored at level 1, and the share of the next level already met.

    The next level needs its own criteria and every lower one still holding back, so
    a design stuck at the floor by a level-1 failure shows that failure as missing
    progress rather than a level 0 the maturity model does not have.
    """
    held = [(r.level, r.holds_back) for r in results]  # the property once per result
    lowest_failing = min((lvl for lvl, holds in held if holds), default=6)
    level = max(1, min(5, lowest_failing - 1))
    if level >= 5:
        return 5, 1.0
    needed = [holds for lvl, holds in held if lvl == level + 1 or (lvl <= level and holds)]
    progress = (needed.count(False) / len(needed)) if needed else 0.0
    return level, round(progress, 3)


NEEDS_ASSESSMENT = "needs assessment"


def _has_content(value: Any) -> bool:
    """Anything a person wrote: text, a number, or a list/mapping holding some.

    Booleans are left out: the parser derives them (``jitter: false``) even from an
    empty section.
    """
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, dict):
        return any(_has_content(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_content(v) for v in value)
    return True


def needs_assessment(
    model: Mapping[str, Any], template: Mapping[str, Any], sections: Sequence[str]
) -> bool:
    """True when every section of a dimension is absent or still the blank template's text."""
    if not sections:
        return False
    return all(
        not _has_content(model.get(section)) or model.get(section) == template.get(section)
        for section in sections
    )


def level_label(level: int | None, levels: Mapping[int, str]) -> str:
    """The rubric's name for a level; ``None`` (no evidence) is 'needs assessment'."""
    return NEEDS_ASSESSMENT if level is None else levels.get(level, "")


def overall_of(
    dimensions: list[DimensionResult],
    findings: list[Finding],
    lint_errors: int,
    rubric: Rubric,
    target: int | None,
) -> Overall:
    """The overall score, level, risk and verdict, as this module's docstring states them."""
    score = overall_score(dimensions)
    level = None if score is None else band_level(score, rubric.bands)
    assessed = [d for d in dimensions if d.level is not None]
    weakest = min(assessed, key=lambda d: (d.level, -d.weight), default=None)
    verdict, reasons = decide_verdict(findings, lint_errors, dimensions)
    return Overall(
        score=score,
        level=level,
        label=level_label(level, rubric.levels),
        risk=None if score is None else risk_of(score, rubric.risk),
        verdict=verdict,
        reasons=reasons,
        weakest=None
        if weakest is None or weakest.level is None
        else Weakest(id=weakest.id, name=weakest.name, level=weakest.level),
        target_level=target,
        meets_target=None if target is None or level is None else level >= target,
        needs_assessment=[d.name for d in dimensions if d.level is None],
        lint_errors=lint_errors,
    )


def with_findings(
    card: Scorecard, findings: list[Finding], lint_errors: list[LintError]
) -> Scorecard:
    """``card`` showing only ``findings`` and ``lint_errors``, its verdict decided again.

    Findings a baseline file records are known and tracked elsewhere: like accepted
    risks they no longer decide the verdict, in every format alike.
    """
    verdict, reasons = decide_verdict(findings, len(lint_errors), card.dimensions)
    overall = card.overall.model_copy(
        update={"verdict": verdict, "reasons": reasons, "lint_errors": len(lint_errors)}
    )
    return card.model_copy(
        update={"findings": findings, "lint_errors": lint_errors, "overall": overall}
    )
