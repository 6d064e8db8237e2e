"""The parts of a comparison every format shows, worded once.

A report shows a comparison only when ``context.comparisons`` has one for the
card (``--baseline`` or ``--baseline-ref`` was given), so reports without a
baseline stay exactly as they were.
"""

from __future__ import annotations

from designkit.review.trends import ARROWS, Comparison, LevelTrend

MAX_VALUES = 25
"""Changed values shown per design; the rest are counted (a rewrite changes hundreds)."""


def level_change(trend: LevelTrend) -> str:
    """``3 → 4 ▲ up``, ``★ new (level 3)``, ``3 = same``."""
    arrow = ARROWS[trend.trend]
    if trend.old_level is None:
        return f"{arrow} new (level {trend.new_level})"
    if trend.old_level == trend.new_level:
        return f"{trend.new_level} {arrow} {trend.trend.value}"
    return f"{trend.old_level} → {trend.new_level} {arrow} {trend.trend.value}"


def score_change(trend: LevelTrend) -> str:
    """``3.1 → 3.4 (+0.3)``; a score that cannot be computed reads 'needs assessment'."""
    new = "needs assessment" if trend.new_score is None else f"{trend.new_score:.1f}"
    if trend.old_score is None:
        return new
    if trend.new_score is None:
        return f"{trend.old_score:.1f} → {new}"
    delta = trend.new_score - trend.old_score
    return f"{trend.old_score:.1f} → {new} ({delta:+.1f})"


def headline(comparison: Comparison) -> str:
    """One line: what the change did overall."""
    if not comparison.baseline_found:
        return f"new design (no earlier version: {comparison.baseline})"
    if comparison.roadmap_only:
        return f"roadmap: {len(comparison.values)} value(s) move from Current to Target"
    overall = comparison.overall
    level = (
        f"level {overall.new_level}"
        if overall.old_level == overall.new_level
        else f"level {overall.old_level} → {overall.new_level}"
    )
    return (
        f"{ARROWS[overall.trend]} {overall.trend.value}: {level}, score "
        f"{score_change(overall)}; {len(comparison.new_findings)} new, "
        f"{len(comparison.fixed_findings)} fixed finding(s); {len(comparison.values)} "
        f"changed value(s)"
    )


def hidden_note(count: int) -> str:
    return (
        f"{count} known finding(s) recorded in the baseline file are not shown "
        f"(--all-findings shows them)."
    )
