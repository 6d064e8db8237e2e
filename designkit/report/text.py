"""A readable terminal table: levels per dimension, then the findings with their lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from designkit.report.trend_view import MAX_VALUES, headline, hidden_note, level_change
from designkit.review.trends import Comparison
from designkit.rubric.scorecard import Scorecard

if TYPE_CHECKING:
    from designkit.report import ReportContext

_BAR = "█"
_EMPTY = "·"


def _bar(level: int) -> str:
    return _BAR * level + _EMPTY * (5 - level)


def _words(value: str) -> str:
    return value.replace("_", " ")


def _comparison(comparison: Comparison) -> list[str]:
    lines = ["", f"  compared with {comparison.baseline}: {headline(comparison)}"]
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
    target = f", target {overall.target_level}" if overall.target_level is not None else ""
    lines = [
        f"{card.file}: {card.name or '(unnamed design)'}",
        f"  overall level {overall.level} ({overall.label}){target}; weighted score "
        f"{overall.weighted_score:.2f} ({overall.band}); verdict: {_words(overall.verdict.value)}",
        "",
        f"  {'dimension':<32} {'weight':>6}  {'level':<7} {'':5}  next",
    ]
    for dimension in card.dimensions:
        following = (
            f"{dimension.progress:.0%} of level {dimension.next_level}"
            if dimension.next_level
            else "top level"
        )
        lines.append(
            f"  {dimension.name:<32} {dimension.weight:>6g}  "
            f"{dimension.level} {_bar(dimension.level)}  {following}"
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


def render(cards: Sequence[Scorecard], context: ReportContext) -> str:
    lines: list[str] = []
    for card in cards:
        lines += [*_card(card, context), ""]
    if len(cards) > 1:
        lines.append(f"{'file':<48} {'level':>5} {'score':>6}  verdict")
        for card in cards:
            lines.append(
                f"{card.file:<48} {card.overall.level:>5} {card.overall.weighted_score:>6.2f}  "
                f"{card.overall.verdict.value}"
            )
    return "\n".join(lines).rstrip() + "\n"
