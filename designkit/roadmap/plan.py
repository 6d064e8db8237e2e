"""From a scorecard to an improvement roadmap whose promised levels ``designkit score`` gives.

For each dimension below the target, every criterion of a level up to the target
that holds it back (fails or is unknown, not an accepted risk) becomes a roadmap
item with a concrete change (:mod:`designkit.roadmap.changes`) found among values
that satisfy the criterion elsewhere (:mod:`designkit.roadmap.donors`). A change is
kept only when re-scoring shows the criterion satisfied and nothing that held
before broken. The items are then applied one after another, each time rendered
back to Markdown, parsed and scored like a file: the "after" levels of every item
and of the whole roadmap are those measured scores, never an estimate.

Groups, decided per criterion in this order (the first rule that matches wins):

1. **critical fix**: it carries a red-flag code (``red-flags.md``) of severity
   critical or high found in the design; fix these first;
2. **optimisation**: a level-5 criterion (above Balanced) or one of low severity
   (a nice-to-have);
3. **quick win**: effort S;
4. **strategic improvement**: effort M or L.

Effort (the rubric has no effort field, so it follows from the check, as quick
wins do in :mod:`designkit.rubric.quick_wins`):

- **S**: one line: one value, one row among many, one more row, or a template
  example replaced (:func:`~designkit.rubric.quick_wins.one_line_fix`);
- **L**: the check relates values of two or more sections (they must agree);
- **M**: otherwise: every row of a table, or several values of one section.

A criterion no candidate change satisfies without breaking another is listed as
blocked: it needs the author's decision or evidence a design document cannot
give (runtime data), and the levels above it are not promised.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from designkit.errors import UserError
from designkit.parse import ParsedDesign
from designkit.parse.chunked import ChunkedTokens
from designkit.roadmap.changes import (
    Edit,
    apply_edits,
    render_with,
    reparse,
    to_design,
)
from designkit.roadmap.donors import candidates, check_paths
from designkit.rubric import score_design
from designkit.rubric.checks import PASS, Context, evaluate
from designkit.rubric.quick_wins import one_line_fix
from designkit.rubric.schema import Criterion, Rubric
from designkit.rubric.scorecard import CriterionResult, Scorecard

ASSESSMENT = "preliminary, static assessment"
"""What a roadmap's levels are: read from a document, without runtime data."""

CRITICAL, QUICK_WIN, STRATEGIC, OPTIMISATION = (
    "critical_fix",
    "quick_win",
    "strategic_improvement",
    "optimisation",
)
GROUPS: tuple[str, ...] = (CRITICAL, QUICK_WIN, STRATEGIC, OPTIMISATION)
GROUP_TITLES = {
    CRITICAL: "Critical fixes",
    QUICK_WIN: "Quick wins",
    STRATEGIC: "Strategic improvements",
    OPTIMISATION: "Optimisation",
}
LEGEND = {
    CRITICAL: "carries a red-flag code of severity critical or high found in the design; "
    "fix these first",
    OPTIMISATION: "a level-5 criterion or one of low severity (a nice-to-have)",
    QUICK_WIN: "effort S, not a critical fix or optimisation",
    STRATEGIC: "effort M or L, not a critical fix or optimisation",
    "effort": "S: one value or one row; M: every row of a table or several values of one "
    "section; L: values of two or more sections must agree",
    "levels": "each item's levels are its dimension's score before and after the item, "
    "with every earlier item applied; a level rises once all its criteria pass",
}
Effort = Literal["S", "M", "L"]
ATTEMPTS_PER_CRITERION = 80
"""Candidate changes tried for one criterion before it is reported as blocked."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CriterionRef(_Model):
    id: str
    title: str


class Item(_Model):
    """One change to make, the criteria it satisfies and what it does to its dimension."""

    group: str
    dimension: str
    dimension_name: str
    criteria: list[CriterionRef]
    """The criterion it is for first, then any other it satisfies on the way."""
    severity: str
    red_flag: str | None
    effort: Effort
    level_before: int | None
    level_after: int | None
    remediation: str
    changes: list[Edit]
    source: str
    """Where the change's values come from (a sample design): an example to adapt to the
    design's own systems, proven to satisfy the criteria here."""


class Blocked(_Model):
    """A criterion no document change found here satisfies."""

    criterion: str
    title: str
    dimension: str
    level: int
    reason: str


class DimensionPlan(_Model):
    id: str
    name: str
    weight: float
    confidence: str
    target: int
    level_before: int | None
    level_after: int | None
    reached: bool
    blocked_by: list[str]


class OverallState(_Model):
    score: float | None
    level: int | None
    label: str
    risk: str | None


class Roadmap(_Model):
    """The JSON of ``designkit roadmap --format json`` (stable, like the scorecard's)."""

    file: str
    name: str | None
    target: int | None
    """The level asked for, or ``None``: each dimension's next level."""
    assessment: str = ASSESSMENT
    legend: dict[str, str] = Field(default_factory=lambda: dict(LEGEND))
    before: OverallState
    after: OverallState
    dimensions: list[DimensionPlan]
    items: list[Item]
    blocked: list[Blocked]
    message: str
    notices: list[str] = Field(default_factory=list)

    @property
    def reachable(self) -> bool:
        return all(d.reached for d in self.dimensions)


_Found = tuple[str, CriterionResult, Effort, str, tuple[Edit, ...], list[str]]
"""group, the result it is for, effort, source, edits, the criteria it satisfies."""


def parse_target(text: str | int | None, rubric: Rubric) -> int | None:
    """A level 1-5 from a number or a level name (``Centralized``); ``None`` stays ``None``."""
    if text is None:
        return None
    word = str(text).strip()
    if word.isdigit() and 1 <= int(word) <= 5:
        return int(word)
    for level, name in rubric.levels.items():
        if name.lower() == word.lower():
            return level
    names = ", ".join(f"{level} {name}" for level, name in sorted(rubric.levels.items()))
    raise UserError(f"--target {word!r} is no level; use 1-5 or a level name ({names})")


def effort_of(result: CriterionResult, criterion: Criterion) -> Effort:
    """S, M or L by the rule in this module's docstring."""
    if result.template_default or one_line_fix(criterion.check):
        return "S"
    sections = {path.split(".", 1)[0] for path in check_paths(criterion.check)}
    return "L" if len(sections) > 1 else "M"


def group_of(result: CriterionResult, criterion: Criterion, effort: Effort) -> str:
    """The item's group by the rule in this module's docstring."""
    if result.red_flag and result.severity in ("critical", "high"):
        return CRITICAL
    if criterion.level >= 5 or result.severity == "low":
        return OPTIMISATION
    return QUICK_WIN if effort == "S" else STRATEGIC


def _overall(card: Scorecard) -> OverallState:
    o = card.overall
    return OverallState(
        score=o.score, level=o.level, label=o.label, risk=None if o.risk is None else o.risk.value
    )


def _holding(card: Scorecard) -> set[str]:
    return {r.id for d in card.dimensions for r in d.criteria if r.holds_back}


class _Scorer:
    """Scores a model dump as ``designkit score`` scores the file it renders to.

    Always through the Markdown: a value the renderer cannot write (a diagram edge
    without the diagram text) must not count as a fix.

    Results are memoised, which changes no answer: rendering, parsing and scoring are
    pure functions of their input, so the same model dump gives the same document and
    the same document the same scorecard. Planning asks for the same dump again (the
    verification pass replays the accepted changes; criteria share donor values) and for
    dumps that render the same (values the renderer cannot write), each once scored.
    The renderings differ in a section or two, so each is tokenised from memoised
    pieces (:mod:`designkit.parse.chunked`: the same tokens as a whole tokenisation).
    """

    def __init__(self, parsed: ParsedDesign, rubric: Rubric) -> None:
        self.parsed = parsed
        self.rubric = rubric
        self._by_data: dict[str, Scorecard | None] = {}
        self._by_markdown: dict[str, Scorecard] = {}
        self._pieces = ChunkedTokens()

    def as_file(self, data: dict[str, Any]) -> Scorecard | None:
        """The scorecard of the document the model renders to: what ``designkit score`` gives
        (``None`` when the model does not accept the changed values)."""
        # repr keeps order and types (1, 1.0, True and "1" differ), so equal keys mean
        # equal dumps; an equal dump under another key only costs a render.
        key = repr(data)
        if key in self._by_data:
            return self._by_data[key]
        card = self._render_and_score(data)
        self._by_data[key] = card
        return card

    def _render_and_score(self, data: dict[str, Any]) -> Scorecard | None:
        design = to_design(data)
        if design is None:
            return None
        markdown = render_with(design, self.parsed.source)
        card = self._by_markdown.get(markdown)
        if card is None:
            parsed = reparse(markdown, self.parsed.path, self._pieces)
            card = score_design(parsed, self.rubric)
            self._by_markdown[markdown] = card
        return card


def _find_change(
    scorer: _Scorer,
    criterion: Criterion,
    data: dict[str, Any],
    holding: set[str],
) -> tuple[str, tuple[Edit, ...], dict[str, Any], Scorecard] | None:
    """The first candidate change that satisfies ``criterion`` and breaks nothing."""
    for attempt, (source, edits) in enumerate(candidates(criterion.id, criterion.check, data)):
        if attempt >= ATTEMPTS_PER_CRITERION:
            return None
        changed = apply_edits(data, edits)
        if evaluate(criterion.check, Context(changed, changed, "")).status != PASS:
            continue
        card = scorer.as_file(changed)
        if card is None:
            continue
        now = _holding(card)
        if criterion.id not in now and now <= holding:
            return source, edits, changed, card
    return None


def plan_roadmap(parsed: ParsedDesign, rubric: Rubric, target: int | None) -> Roadmap:
    """The roadmap of ``parsed`` up to ``target`` (``None``: each dimension's next level)."""
    scorer = _Scorer(parsed, rubric)
    card = score_design(parsed, rubric)
    criteria = {c.id: c for _, c in rubric.criteria()}
    goals = {
        d.id: target if target is not None else min(5, (d.level or 1) + 1) for d in card.dimensions
    }
    order = {d.id: index for index, d in enumerate(card.dimensions)}
    wanted: list[tuple[int, int, int, str, str, CriterionResult, Effort]] = []
    for dimension in card.dimensions:
        goal = goals[dimension.id]
        if dimension.level is not None and dimension.level >= goal:
            continue
        for result in dimension.criteria:
            if result.holds_back and result.level <= goal:
                criterion = criteria[result.id]
                effort = effort_of(result, criterion)
                group = group_of(result, criterion, effort)
                wanted.append(
                    (
                        GROUPS.index(group),
                        order[dimension.id],
                        result.level,
                        result.id,
                        group,
                        result,
                        effort,
                    )
                )
    wanted.sort(key=lambda row: row[:4])
    data = parsed.design.model_dump(mode="json")
    rendered = scorer.as_file(data)
    holding = _holding(rendered if rendered is not None else card)
    found: list[_Found] = []
    blocked: list[Blocked] = []
    dimension_of = {r.id: d.id for d in card.dimensions for r in d.criteria}
    for _, _, _, criterion_id, group, result, effort in wanted:
        if criterion_id not in holding:
            continue  # an earlier change satisfied it too
        hit = _find_change(scorer, criteria[criterion_id], data, holding)
        if hit is None:
            blocked.append(
                Blocked(
                    criterion=criterion_id,
                    title=result.title,
                    dimension=dimension_of[criterion_id],
                    level=result.level,
                    reason="no document change found that satisfies it without breaking "
                    "another criterion: it needs the author's decision or evidence a design "
                    "cannot give (runtime data)",
                )
            )
            continue
        source, edits, data_after, after = hit
        now = _holding(after)
        satisfied = [criterion_id, *sorted(holding - now - {criterion_id})]
        found.append((group, result, effort, source, edits, satisfied))
        data, holding = data_after, now
    return _verified(parsed, scorer, card, goals, found, blocked, target)


def _verified(
    parsed: ParsedDesign,
    scorer: _Scorer,
    card: Scorecard,
    goals: dict[str, int],
    found: Sequence[_Found],
    blocked: list[Blocked],
    target: int | None,
) -> Roadmap:
    """Apply the items one by one as files are scored; the measured levels are the promise."""
    titles = {r.id: r.title for d in card.dimensions for r in d.criteria}
    dimension_of = {r.id: d for d in card.dimensions for r in d.criteria}
    data = parsed.design.model_dump(mode="json")
    notices: list[str] = []
    current = card
    if found:
        rendered = scorer.as_file(data)
        if rendered is not None and [d.level for d in rendered.dimensions] != [
            d.level for d in card.dimensions
        ]:
            notices.append(
                "rendered back to Markdown the design scores differently before any change; "
                "the levels after each item are those of the rendered document"
            )
    items: list[Item] = []
    for group, result, effort, source, edits, satisfied in found:
        dimension = dimension_of[result.id]
        data = apply_edits(data, edits)
        after = scorer.as_file(data)
        assert after is not None  # every change was accepted on a rendered, valid model
        before_level = next(d.level for d in current.dimensions if d.id == dimension.id)
        after_level = next(d.level for d in after.dimensions if d.id == dimension.id)
        items.append(
            Item(
                group=group,
                dimension=dimension.id,
                dimension_name=dimension.name,
                criteria=[CriterionRef(id=c, title=titles[c]) for c in satisfied],
                severity=result.severity,
                red_flag=result.red_flag,
                effort=effort,
                level_before=before_level,
                level_after=after_level,
                remediation=result.remediation,
                changes=list(edits),
                source=source,
            )
        )
        current = after
    dimensions = [
        DimensionPlan(
            id=d.id,
            name=d.name,
            weight=d.weight,
            confidence=d.confidence,
            target=goals[d.id],
            level_before=d.level,
            level_after=a.level,
            reached=a.level is not None and a.level >= goals[d.id],
            blocked_by=[b.criterion for b in blocked if b.dimension == d.id],
        )
        for d, a in zip(card.dimensions, current.dimensions, strict=True)
    ]
    return Roadmap(
        file=parsed.path,
        name=parsed.design.meta.name,
        target=target,
        before=_overall(card),
        after=_overall(current),
        dimensions=dimensions,
        items=items,
        blocked=blocked,
        message=_message(parsed.path, dimensions, items, target),
        notices=notices,
    )


def _message(
    path: str, dimensions: Sequence[DimensionPlan], items: Sequence[Item], target: int | None
) -> str:
    wanted = f"level {target}" if target is not None else "its next level"
    short = [d.name for d in dimensions if not d.reached]
    if not items and not short:
        return f"{path} already meets the target: every dimension is at {wanted} or above"
    if short:
        return (
            f"{len(items)} change(s); the target is not reachable by document changes for "
            f"{', '.join(short)}: see the blocking criteria"
        )
    return f"{len(items)} change(s) bring every dimension to {wanted} or above"
