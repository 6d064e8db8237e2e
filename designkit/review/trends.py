"""What a change did to a design: two scorecards and two models in, one comparison out.

Per dimension the trend (new / up / same / down), the findings the change
introduced and the ones it fixed, and the values that changed (``retry
'NetSuite timeout' max attempts: 3 -> 5``). Findings are matched by criterion and
*named* model path (see :func:`designkit.review.values.stable_field`), so a row
inserted above does not make every later finding look new.

An Improvement Roadmap design carries its own baseline: its disaster-recovery
"Current" column is where the system is today and the "Target" column where the
roadmap takes it, so those pairs are listed as changes too, marked ``roadmap``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from designkit.model import Design, DesignType
from designkit.review.values import flatten, label, show, stable_field
from designkit.rubric.scorecard import DimensionResult, Finding, Overall, Scorecard


class Trend(StrEnum):
    NEW = "new"
    UP = "up"
    SAME = "same"
    DOWN = "down"


ARROWS = {Trend.NEW: "★", Trend.UP: "▲", Trend.SAME: "=", Trend.DOWN: "▼"}
"""One character per trend for tables and terminals."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LevelTrend(_Model):
    """Levels and scores before and after; ``None`` where there was nothing to assess."""

    old_level: int | None
    new_level: int | None
    old_score: float | None
    new_score: float | None
    trend: Trend


class DimensionTrend(LevelTrend):
    id: str
    name: str


class ValueChange(_Model):
    path: str
    label: str
    old: str
    new: str
    source: str = "baseline"
    """``baseline`` (the old document) or ``roadmap`` (this document's Current column)."""


class Comparison(_Model):
    """A scorecard against its baseline: the ``comparison`` object of every report format."""

    file: str
    baseline: str
    """What the new version was compared with: a file, ``REF:path``, or a note."""
    baseline_found: bool
    overall: LevelTrend
    verdict_before: str | None
    verdict_after: str
    dimensions: list[DimensionTrend]
    new_findings: list[Finding]
    fixed_findings: list[Finding]
    accepted_findings: list[Finding]
    """Open before, suppressed (accepted as a risk) now."""
    values: list[ValueChange]
    roadmap_only: bool = False
    """No older version: an Improvement Roadmap design against its own Current values, so
    only the values move (levels and findings are this version's own)."""

    @property
    def changed(self) -> bool:
        return bool(
            self.new_findings
            or self.fixed_findings
            or self.accepted_findings
            or self.values
            or any(d.trend is not Trend.SAME for d in self.dimensions)
        )


def trend_of(old: int | float | None, new: int | float | None) -> Trend:
    """Up, down or the same; a value that appears is new, one that disappears is down."""
    if old is None:
        return Trend.SAME if new is None else Trend.NEW
    if new is None:
        return Trend.DOWN
    old, new = round(old, 2), round(new, 2)  # scores: no trend from float noise
    if new > old:
        return Trend.UP
    return Trend.DOWN if new < old else Trend.SAME


def overall_trend(old: Overall | None, new: Overall) -> Trend:
    """By level when it moved, else by score (the decimal within the level)."""
    if old is None:
        return Trend.NEW
    by_level = trend_of(old.level, new.level)
    return by_level if by_level is not Trend.SAME else trend_of(old.score, new.score)


def dimension_score(dimension: DimensionResult | None) -> float | None:
    """Level plus the share of the next level already met: progress within a level."""
    if dimension is None or dimension.level is None:
        return None
    return dimension.level + (dimension.progress if dimension.level < 5 else 0.0)


def failing_out_of_view(card: Scorecard) -> set[str]:
    """Criteria that fail but are not reported: above the next level and the target.

    When a dimension rises a level, the next level's failing criteria come into
    view as findings; they are not new problems, and one that drops out of view
    when a dimension falls is not fixed.
    """
    reported = {f.criterion for f in card.findings}
    return {
        result.id
        for dimension in card.dimensions
        for result in dimension.criteria
        if result.holds_back and result.id not in reported
    }


def finding_key(design: Design, finding: Finding, dumped: Any = None) -> tuple[str, str]:
    """What makes two findings "the same" across versions: criterion and named model path
    (``dumped``: the design's JSON model, see :func:`stable_field`)."""
    return finding.criterion, stable_field(design, finding.field, dumped)


_ROADMAP_PAIRS = (
    ("current_rto_seconds", "rto_seconds", "RTO"),
    ("current_rpo_seconds", "rpo_seconds", "RPO"),
    ("current_failover", "failover", "failover"),
    ("current_backup", "backup", "backup"),
)


ROADMAP_BASELINE = "its own Current values (Improvement Roadmap)"
"""What an Improvement Roadmap design is compared with when no older version is given."""


def roadmap_changes(design: Design) -> list[ValueChange]:
    """Current -> Target disaster-recovery values of an Improvement Roadmap design."""
    if design.meta.type is not DesignType.IMPROVEMENT_ROADMAP:
        return []
    recovery = design.reliability.disaster_recovery
    changes: list[ValueChange] = []
    for current, target, name in _ROADMAP_PAIRS:
        before, after = getattr(recovery, current), getattr(recovery, target)
        if before is None or after is None or before == after:
            continue
        path = f"reliability.disaster_recovery.{target}"
        changes.append(
            ValueChange(
                path=path,
                label=f"disaster recovery {name}",
                old=show(path, before.value if hasattr(before, "value") else before),
                new=show(path, after.value if hasattr(after, "value") else after),
                source="roadmap",
            )
        )
    return changes


def value_changes(old: Design | None, new: Design) -> list[ValueChange]:
    """Every value that differs, in document order; a whole added or removed row is one line."""
    if old is None or old is new:  # a roadmap's own Current column: no value differs
        return []
    old_values, old_items = flatten(old)
    new_values, new_items = flatten(new)
    added_items = [p for p in new_items if p not in old_items]
    removed_items = [p for p in old_items if p not in new_items]

    def inside(path: str, items: list[str]) -> bool:
        return any(path.startswith(item + ".") or path == item for item in items)

    changes: list[ValueChange] = []
    for item in removed_items:
        if not inside(item, [p for p in removed_items if p != item]):
            changes.append(ValueChange(path=item, label=label(item), old="present", new="removed"))
    for path, value in new_values.items():
        if inside(path, added_items) or inside(path, removed_items):
            continue
        before = old_values.get(path)
        if before != value:
            changes.append(
                ValueChange(
                    path=path, label=label(path), old=show(path, before), new=show(path, value)
                )
            )
    for item in added_items:
        if not inside(item, [p for p in added_items if p != item]):
            changes.append(ValueChange(path=item, label=label(item), old="–", new="added"))
    return changes


def compare(
    new_card: Scorecard,
    new_design: Design,
    old_card: Scorecard | None,
    old_design: Design | None,
    baseline: str,
) -> Comparison:
    """Compare a scorecard (and its model) with the baseline's; ``old_*`` None: no old version."""
    old_dimensions = {d.id: d for d in old_card.dimensions} if old_card else {}
    dimensions = [
        DimensionTrend(
            id=d.id,
            name=d.name,
            old_level=old_dimensions[d.id].level if d.id in old_dimensions else None,
            new_level=d.level,
            old_score=dimension_score(old_dimensions.get(d.id)),
            new_score=dimension_score(d),
            trend=trend_of(old_dimensions[d.id].level if d.id in old_dimensions else None, d.level),
        )
        for d in new_card.dimensions
    ]
    new_data = new_design.model_dump(mode="json")  # once, not once per finding
    new_open = {
        finding_key(new_design, f, new_data): f for f in new_card.findings if not f.suppressed
    }
    new_accepted = {finding_key(new_design, f, new_data) for f in new_card.findings if f.suppressed}
    old_open: dict[tuple[str, str], Finding] = {}
    old_unseen: set[str] = set()
    if old_card is not None and old_design is not None:
        old_data = new_data if old_design is new_design else old_design.model_dump(mode="json")
        old_open = {
            finding_key(old_design, f, old_data): f for f in old_card.findings if not f.suppressed
        }
        old_unseen = failing_out_of_view(old_card)
    new_unseen = failing_out_of_view(new_card)
    overall_old = old_card.overall if old_card else None
    return Comparison(
        file=new_card.file,
        baseline=baseline,
        baseline_found=old_card is not None,
        overall=LevelTrend(
            old_level=overall_old.level if overall_old else None,
            new_level=new_card.overall.level,
            old_score=overall_old.score if overall_old else None,
            new_score=new_card.overall.score,
            trend=overall_trend(overall_old, new_card.overall),
        ),
        verdict_before=overall_old.verdict.value if overall_old else None,
        verdict_after=new_card.overall.verdict.value,
        dimensions=dimensions,
        new_findings=[
            f
            for key, f in new_open.items()
            if key not in old_open and f.criterion not in old_unseen
        ],
        fixed_findings=[
            f
            for key, f in old_open.items()
            if key not in new_open and key not in new_accepted and f.criterion not in new_unseen
        ],
        accepted_findings=[f for key, f in old_open.items() if key in new_accepted],
        values=value_changes(old_design, new_design) + roadmap_changes(new_design),
    )
