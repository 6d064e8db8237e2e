"""Criteria -> statuses -> levels (a gated ladder) -> a scorecard.

A dimension is at level L when every enabled criterion at levels 1..L passes
or does not apply. A value left exactly as the template's example may satisfy
levels 1-2 but never 3 and above (:mod:`designkit.rubric.template_defaults`). Findings are the criteria that hold the
design back from its next level or from its own maturity target.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from designkit.parse.document import ParsedDesign
from designkit.rubric import wording
from designkit.rubric.checks import FAIL, PASS, Compiled, Context, Outcome, compile_check
from designkit.rubric.ids import suppression_notices
from designkit.rubric.maturity import dimension_level, level_label, needs_assessment, overall_of
from designkit.rubric.quick_wins import quick_wins
from designkit.rubric.schema import Criterion, Dimension, Rubric
from designkit.rubric.scorecard import (
    Counts,
    CriterionResult,
    DimensionResult,
    Finding,
    LintError,
    QuickWin,
    RubricInfo,
    Scorecard,
    Status,
)
from designkit.rubric.suppressions import suppression_comments
from designkit.rubric.template_defaults import (
    TEMPLATE_DEFAULT_MAX_LEVEL,
    evidence_roots,
    is_template_default,
    only_template_defaults,
    template_model,
)

if TYPE_CHECKING:
    from designkit.lint.engine import Rule

_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True, slots=True)
class _Plan:
    """What scoring needs of one criterion, worked out once per rubric, not per document."""

    criterion: Criterion
    check: Compiled
    applies_if: Compiled | None
    strict: bool  # above the levels a template default may satisfy
    fallback_field: str | None  # where a finding points when the check read nothing
    suppressed_by: tuple[str, ...]
    remediation: str  # with its design placeholders in neutral words (passing criteria)
    remediation_per_design: bool  # has placeholders a failing design's values fill
    severity: str  # the enum's value, read once: ``Enum.value`` is a Python-level property
    shown_remediation: str  # what a result that needs no design's values reports
    id: str
    title: str
    level: int
    red_flag: str | None


@dataclass(frozen=True, slots=True)
class _DimensionPlan:
    dimension: Dimension
    criteria: dict[str, Criterion]  # the enabled ones by id: a later duplicate id wins
    plans: tuple[_Plan, ...]


@dataclass(frozen=True, slots=True)
class _RubricPlan:
    rubric: Rubric  # kept alive with its plans, so its id is not reused while cached
    dimensions: tuple[_DimensionPlan, ...]


_PLANS: dict[int, _RubricPlan] = {}
"""Plans per rubric (by identity), for the last few rubrics only: a process that loads a
rubric again and again (a test suite, a server) does not keep every copy it scored with."""

_RUBRICS_KEPT = 4


def _rubric_plan(rubric: Rubric) -> _RubricPlan:
    """Every enabled criterion of ``rubric`` compiled, on its first design."""
    hit = _PLANS.get(id(rubric))
    if hit is not None and hit.rubric is rubric:
        return hit
    while len(_PLANS) >= _RUBRICS_KEPT:
        del _PLANS[next(iter(_PLANS))]
    dimensions = []
    for dimension in rubric.dimensions:
        criteria = {c.id: c for c in dimension.criteria if c.enabled}
        plans = tuple(_plan(criterion) for criterion in criteria.values())
        dimensions.append(_DimensionPlan(dimension, criteria, plans))
    plan = _PLANS[id(rubric)] = _RubricPlan(rubric, tuple(dimensions))
    return plan


def _plan(criterion: Criterion) -> _Plan:
    remediation = wording.fill(criterion.remediation, None)
    return _Plan(
        criterion=criterion,
        check=compile_check(criterion.check),
        applies_if=None if criterion.applies_if is None else compile_check(criterion.applies_if),
        strict=criterion.level > TEMPLATE_DEFAULT_MAX_LEVEL,
        fallback_field=_first_path(criterion.check),
        suppressed_by=tuple(
            code.upper() for code in (criterion.id, criterion.red_flag) if code is not None
        ),
        remediation=remediation,
        remediation_per_design=bool(wording.placeholders(criterion.remediation)),
        severity=criterion.severity.value,
        shown_remediation=remediation or criterion.remediation,
        id=criterion.id,
        title=criterion.title,
        level=criterion.level,
        red_flag=criterion.red_flag,
    )


class _DocumentScope:
    """One document's contexts, template-default memo and line lookups, shared by criteria."""

    def __init__(self, parsed: ParsedDesign, model: dict[str, Any]) -> None:
        self.parsed = parsed
        self.model = model
        self.context = Context(model, model, "")  # its cache is shared by every criterion
        self.strict_context = Context(
            model, model, "", self.context.cache, self.is_default
        )  # lets `any` skip past template rows
        self.defaults: dict[str, bool] = {}
        self.positions: dict[str, tuple[int, int]] = {}

    def is_default(self, concrete: str) -> bool:
        found = self.defaults.get(concrete)
        if found is None:
            found = self.defaults[concrete] = is_template_default(self.model, concrete)
        return found

    def position(self, field: str) -> tuple[int, int]:
        found = self.positions.get(field)
        if found is None:
            found = self.positions[field] = (
                self.parsed.line_of(field),
                self.parsed.column_of(field),
            )
        return found


_STATUS: dict[str, Status] = {status.value: status for status in Status}
"""A check's status word to its enum member: a dict lookup, not ``Status(word)``'s call."""


def _evaluate_criterion(plan: _Plan, scope: _DocumentScope) -> CriterionResult:
    """One criterion's result. A passing criterion (most of them) takes the short way:
    nothing worded, its remediation and result fields read from the plan."""
    if plan.applies_if is not None and plan.applies_if(scope.context).status == FAIL:
        return CriterionResult(
            plan.id,
            plan.title,
            plan.level,
            plan.severity,
            Status.NOT_APPLICABLE,
            plan.red_flag,
            None,
            1,
            1,
            "",
            plan.shown_remediation,
        )
    strict = plan.strict
    outcome = plan.check(scope.strict_context if strict else scope.context)
    evidence = outcome.evidence
    if outcome.status == PASS and not (
        strict and evidence and only_template_defaults(evidence, scope.is_default)
    ):
        field = evidence[0] if evidence else plan.fallback_field
        line, column = scope.position(field) if field else (1, 1)
        return CriterionResult(
            plan.id,
            plan.title,
            plan.level,
            plan.severity,
            Status.PASS,
            plan.red_flag,
            field,
            line,
            column,
            "",
            plan.shown_remediation,
            False,
            trace=outcome.detail,
        )
    return _not_passing(plan, scope, outcome)


def _not_passing(plan: _Plan, scope: _DocumentScope, outcome: Outcome) -> CriterionResult:
    """A failing or unknown criterion, or a pass that read only template defaults."""
    criterion = plan.criterion
    status = _STATUS[outcome.status]
    template_default = False
    trace = outcome.detail
    message = ""
    if status is Status.PASS:  # above level 2 on the template's own values only
        rows = evidence_roots(outcome.evidence)
        template_default = True
        status = Status.FAIL
        trace = f"{rows[0]} is still the template's example value"
        message = wording.template_default(rows[0], scope.model)
    remediation = plan.remediation
    if not message:
        message = wording.compose(
            criterion.message,
            criterion.title,
            outcome.fact,
            scope.model,
            unknown=status is Status.UNKNOWN,
        )
    if plan.remediation_per_design:
        remediation = wording.fill(criterion.remediation, scope.model)
    field = outcome.evidence[0] if outcome.evidence else plan.fallback_field
    line, column = scope.position(field) if field else (1, 1)
    severity, red_flag = plan.severity, plan.red_flag
    if template_default:
        # The template's example (``TLS 1.2+``) is no decision, but no evidence of the red
        # flag either: the document says the opposite of "no TLS". Not a red flag, and
        # never more than high, so a copied example cannot block a review on its own.
        red_flag = None
        severity = "high" if severity == "critical" else severity
    return CriterionResult(
        plan.id,
        plan.title,
        plan.level,
        severity,
        status,
        red_flag,
        field,
        line,
        column,
        message,
        remediation or criterion.remediation,
        template_default,
        trace=trace,
    )


def _first_path(check: Any) -> str | None:
    if isinstance(check, Mapping):
        if "path" in check and isinstance(check["path"], str):
            return _INDEX.sub("", check["path"].lstrip("/").split("|")[0].replace("[]", ""))
        for value in check.values():
            found = _first_path(value)
            if found:
                return found
    if isinstance(check, list):
        for value in check:
            found = _first_path(value)
            if found:
                return found
    return None


def score_design(
    parsed: ParsedDesign, rubric: Rubric, *, ignore_lint: Collection[str] = ()
) -> Scorecard:
    """Score one parsed design against a rubric.

    Lint errors are part of the verdict (a contradiction no level can resolve), so
    the design is linted here too; ``ignore_lint`` drops codes a team switched off.
    """
    scope = _DocumentScope(parsed, parsed.design.model_dump(mode="json"))
    comments = suppression_comments(parsed.source)
    accepted = {code: reason for code, reason, _ in comments}
    target = parsed.design.success_criteria.maturity_target_level
    dimensions: list[DimensionResult] = []
    findings: list[Finding] = []
    wins: list[QuickWin] = []
    for dimension_plan in _rubric_plan(rubric).dimensions:
        dimension, criteria = dimension_plan.dimension, dimension_plan.criteria
        results: list[CriterionResult] = []
        for plan in dimension_plan.plans:
            result = _evaluate_criterion(plan, scope)
            if accepted and result.status in (Status.FAIL, Status.UNKNOWN):
                reason = next(
                    (accepted[code] for code in plan.suppressed_by if code in accepted), None
                )
                if reason is not None:
                    result = replace(result, suppressed=True, suppression_reason=reason)
            results.append(result)
        ladder, progress = dimension_level(results)
        unassessed = needs_assessment(scope.model, template_model(), dimension.sections)
        level = None if unassessed else ladder
        horizon = max(ladder + 1, target or 0)
        for result in results:
            if result.status in (Status.FAIL, Status.UNKNOWN) and result.level <= horizon:
                findings.append(_finding(result, dimension.id, parsed.path))
        if level is not None:
            wins += quick_wins(dimension, level, results, criteria)
        dimensions.append(
            DimensionResult.model_construct(
                id=dimension.id,
                name=dimension.name,
                weight=dimension.weight,
                level=level,
                label=level_label(level, rubric.levels),
                needs_assessment=unassessed,
                confidence=dimension.confidence.value,
                next_level=ladder + 1 if ladder < 5 else None,
                progress=progress,
                criteria=results,
            )
        )
    findings.sort(key=lambda f: (f.suppressed, _SEVERITY_ORDER[f.severity], f.line, f.criterion))
    wins.sort(key=lambda w: (-w.weight, w.from_level, w.line, w.criterion))
    lint_errors = _lint_errors(parsed, ignore_lint)
    # model_construct: every part was built above from validated inputs; validating the whole
    # tree again (150+ criteria) would cost as much as evaluating them
    return Scorecard.model_construct(
        file=parsed.path,
        name=parsed.design.meta.name,
        document_kind=parsed.design.document_kind.value,
        rubric=RubricInfo(id=rubric.id, name=rubric.name, version=rubric.version),
        overall=overall_of(dimensions, findings, len(lint_errors), rubric, target),
        dimensions=dimensions,
        findings=findings,
        counts=_counts(dimensions),
        quick_wins=wins,
        lint_errors=lint_errors,
        notices=suppression_notices(comments, rubric, parsed.path) if comments else [],
    )


def _finding(result: CriterionResult, dimension: str, path: str) -> Finding:
    return Finding.model_construct(
        criterion=result.id,
        dimension=dimension,
        title=result.title,
        level=result.level,
        severity=result.severity,
        status=result.status,
        red_flag=result.red_flag,
        message=result.detail or result.title,
        trace=result.trace,
        path=path,
        line=result.line,
        column=result.column,
        field=result.field,
        remediation=result.remediation,
        template_default=result.template_default,
        suppressed=result.suppressed,
        suppression_reason=result.suppression_reason,
    )


@lru_cache(maxsize=1)
def _error_rules() -> tuple[Rule, ...]:
    """Only the rules that can report an error: the verdict needs no warnings, and the
    graph rules (single points of failure...) would double the cost of linting."""
    from designkit.diagnostics import Severity
    from designkit.lint.engine import RULES

    return tuple(rule for rule in RULES if rule.severity is Severity.ERROR)


def _lint_errors(parsed: ParsedDesign, ignore: Collection[str]) -> list[LintError]:
    from designkit.diagnostics import Severity
    from designkit.lint import lint_design

    skip = {code.upper() for code in ignore}
    return [
        LintError(
            code=d.code, message=d.message, line=d.line, column=max(1, d.column), field=d.field
        )
        for d in lint_design(parsed, _error_rules())
        if d.severity is Severity.ERROR and d.code.upper() not in skip
    ]


_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _counts(dimensions: list[DimensionResult]) -> Counts:
    """The criteria by status, in one pass (seven ``sum``s over 150 results cost as much)."""
    by_status = dict.fromkeys(Status, 0)
    template_defaults = suppressed = 0
    for dimension in dimensions:
        for result in dimension.criteria:
            by_status[result.status] += 1
            template_defaults += result.template_default
            suppressed += result.suppressed
    return Counts(
        criteria=sum(by_status.values()),
        passed=by_status[Status.PASS],
        failed=by_status[Status.FAIL],
        unknown=by_status[Status.UNKNOWN],
        not_applicable=by_status[Status.NOT_APPLICABLE],
        template_defaults=template_defaults,
        suppressed=suppressed,
    )
