"""A readable terminal table: levels per dimension, then the findings with their lines.

Every line goes through :func:`~designkit.text_safety.safe_line` as it is joined, so
document text shows its control characters escaped and cannot start a line of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from designkit.report import render_with
from designkit.report.spool import Spool
from designkit.report.trend_view import MAX_VALUES, hidden_note, level_change
from designkit.report.trend_view import headline as trend_headline
from designkit.report.verdict_view import (
    BASIS,
    dimension_next,
    headline,
    kind_words,
    verdict_words,
    weakest_words,
)
from designkit.review.trends import Comparison
from designkit.rubric.scorecard import Scorecard
from designkit.text_safety import safe_line

if TYPE_CHECKING:
    from designkit.report import ReportContext

_BAR = "█"
_EMPTY = "·"


def _bar(level: int | None) -> str:
    return _BAR * (level or 0) + _EMPTY * (5 - (level or 0))


def _comparison(comparison: Comparison) -> list[str]:
    lines = ["", f"  compared with {comparison.baseline}: {trend_headline(comparison)}"]
    if comparison.baseline_found and not comparison.roadmap_only:
        lines += [f"  {'dimension':<32} trend"]
        lines += [f"  {d.name:<32} {level_change(d)}" for d in comparison.dimensions]
    for title, findings in (
        ("new findings", comparison.new_findings if comparison.baseline_found else []),
        ("fixed findings", comparison.fixed_findings),
        ("accepted as risks", comparison.accepted_findings),
    ):
        if findings:
            lines.append(f"  {title} ({len(findings)}):")
            lines += [f"    {f.criterion} (L{f.level}, {f.severity}) {f.title}" for f in findings]
    if comparison.values:
        lines.append(f"  changed values ({len(comparison.values)}):")
        for change in comparison.values[:MAX_VALUES]:
            origin = " [roadmap: current -> target]" if change.source == "roadmap" else ""
            lines.append(f"    {change.label}: {change.old} -> {change.new}{origin}")
        if len(comparison.values) > MAX_VALUES:
            lines.append(f"    … {len(comparison.values) - MAX_VALUES} more")
    return lines


def _card(card: Scorecard, context: ReportContext) -> list[str]:
    overall = card.overall
    lines = [
        f"{card.file}: {card.name or '(unnamed design)'}",
        f"  {headline(overall)}",
        f"  {BASIS}" + (f"; {weakest_words(overall)}" if overall.weakest else ""),
        *([f"  this is {kind_words(card)}"] if kind_words(card) else []),
        "",
        f"  {'dimension':<32} {'weight':>6}  {'level':<7}  {'confidence':<10}  next",
    ]
    for dimension in card.dimensions:
        level = "-" if dimension.level is None else str(dimension.level)
        lines.append(
            f"  {dimension.name:<32} {dimension.weight:>6g}  {level} {_bar(dimension.level)}  "
            f"{dimension.confidence:<10}  {dimension_next(dimension)}"
        )
    if card.lint_errors:
        lines += ["", f"  lint errors ({len(card.lint_errors)}), contradictions to resolve:"]
        lines += [
            f"  {card.file}:{error.line}: {error.code} {error.message}"
            for error in card.lint_errors
        ]
    if card.quick_wins:
        lines += ["", f"  quick wins ({len(card.quick_wins)}): one line each lifts a dimension"]
        for win in card.quick_wins:
            lines.append(
                f"  {card.file}:{win.line}: {win.dimension_name} {win.from_level} -> "
                f"{win.to_level}: {win.title} ({win.criterion})"
            )
    comparison = context.comparisons.get(card.file)
    if comparison is not None:
        lines += _comparison(comparison)
    open_findings = [f for f in card.findings if not f.suppressed]
    suppressed = [f for f in card.findings if f.suppressed]
    if open_findings:
        lines += ["", f"  findings ({len(open_findings)}):"]
        for finding in open_findings:
            flag = f" {finding.red_flag}" if finding.red_flag else ""
            default = " [template default]" if finding.template_default else ""
            lines.append(
                f"  {card.file}:{finding.line}: {finding.severity:<8} {finding.criterion}{flag} "
                f"(L{finding.level}) {finding.message}{default}"
            )
            lines.append(f"      fix: {finding.remediation}")
    if suppressed:
        lines += ["", f"  suppressed ({len(suppressed)}):"]
        for finding in suppressed:
            lines.append(
                f"  {card.file}:{finding.line}: {finding.criterion} {finding.title} "
                f"-- accepted: {finding.suppression_reason}"
            )
    hidden = context.hidden.get(card.file, 0)
    if hidden:
        lines += ["", f"  {hidden_note(hidden)}"]
    if card.notices:
        lines += ["", f"  notices ({len(card.notices)}):"]
        lines += [f"  {n.path}:{n.line or 1}: {n.severity:<8} {n.message}" for n in card.notices]
    counts = card.counts
    lines += [
        "",
        f"  {counts.criteria} criteria: {counts.passed} pass, {counts.failed} fail, "
        f"{counts.unknown} unknown, {counts.not_applicable} n/a; "
        f"{counts.template_defaults} template default(s), {counts.suppressed} suppressed",
    ]
    return lines


def _row(card: Scorecard) -> str:
    overall = card.overall
    level = "-" if overall.level is None else str(overall.level)
    risk = "-" if overall.risk is None else overall.risk.value
    score = "-" if overall.score is None else f"{overall.score:.1f}"
    return safe_line(f"{card.file:<48} {score:>7} {level:>5} {risk:<8}  {verdict_words(overall)}")


class Writer:
    """Each design's block as it is scored; the table of several files at the end, from
    one short row per design, kept in a temporary file until then."""

    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out
        self.pending: str | None = None  # the last block: the report's end is stripped
        self.rows = Spool()
        self.count = 0

    def add(self, card: Scorecard, context: ReportContext) -> None:
        # Names, values, messages and paths come from the documents: one safe line each.
        block = "\n".join(safe_line(line) for line in _card(card, context))
        if self.pending is not None:
            self.out.write(self.pending + "\n\n")
        self.pending = block
        self.rows.write("\n" + _row(card))
        self.count += 1

    def end(self) -> None:
        if self.pending is None:
            return
        if self.count == 1:
            self.rows.close()
            self.out.write(self.pending.rstrip() + "\n")
            return
        self.out.write(self.pending + "\n\n")
        self.out.write(safe_line(f"{'file':<48} {'score':>7} {'level':>5} {'risk':<8}  verdict"))
        self.rows.copy_to(self.out)
        self.out.write("\n")


def render(cards: Sequence[Scorecard], context: ReportContext) -> str:
    return render_with(Writer, cards, context)
