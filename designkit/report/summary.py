"""A one-page Markdown summary for a business stakeholder (``--format summary``).

The same scorecard as every other format, told in the words of the
assessment kit's customer summary: the overall score with its plain-language
label, the status of each area, the strengths and three priority
recommendations. No criterion ids, model paths or red-flag codes: a sponsor
reads outcomes, the reviewers' reports keep the references.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from designkit.report import render_with
from designkit.report.markdown import escape
from designkit.report.spool import Spool
from designkit.report.verdict_view import BASIS, kind_words, target_words, verdict_words
from designkit.rubric.maturity import AREA_STATUS, stakeholder_label
from designkit.rubric.schema import RubricSeverity
from designkit.rubric.scorecard import DimensionResult, Finding, Scorecard
from designkit.text_safety import safe_line

if TYPE_CHECKING:
    from designkit.report import ReportContext

PRIORITIES = 3
"""Recommendations shown per design: the kit's summary names three."""

_VERDICT_SENTENCE = {
    "approved": "The design can go ahead as written.",
    "approved with conditions": "The design can go ahead once the conditions below are met.",
    "revisions required": "The design needs revisions before implementation starts.",
}


def _status(dimension: DimensionResult) -> str:
    return "needs assessment" if dimension.level is None else AREA_STATUS[dimension.level]


def _headline(card: Scorecard) -> list[str]:
    overall = card.overall
    if overall.score is None:
        score = "**Not yet assessable**: the design's sections are still empty or template text."
    else:
        score = (
            f"**Overall maturity {overall.score:.1f} / 5: {stakeholder_label(overall.score)}** "
            f"(level {overall.level} of 5, {escape(overall.label)}) · risk "
            f"{overall.risk.value if overall.risk else 'not rated'}"
        )
    verdict = verdict_words(overall)
    reasons = f" ({escape(', '.join(overall.reasons))})" if overall.reasons else ""
    return [
        score,
        "",
        f"Review verdict: **{verdict}**{reasons}. {_VERDICT_SENTENCE[verdict]}",
        f"Maturity {escape(target_words(overall))}.",
        "",
        f"*This is a {BASIS}.*",
        *([f"*The document is {escape(kind_words(card))}.*"] if kind_words(card) else []),
    ]


def _areas(card: Scorecard) -> list[str]:
    lines = ["| Area | Status | Level | Confidence |", "| --- | --- | ---: | --- |"]
    for dimension in card.dimensions:
        level = "–" if dimension.level is None else f"{dimension.level} of 5"
        lines.append(
            f"| {escape(dimension.name)} | {_status(dimension)} | {level} "
            f"| {dimension.confidence} |"
        )
    return lines


def _strengths(card: Scorecard) -> list[str]:
    strong = sorted(
        (d for d in card.dimensions if d.level is not None and d.level >= 4),
        key=lambda d: (-(d.level or 0), -d.weight),
    )
    if not strong:
        return ["No area is above level 3 yet; the recommendations below are the way up."]
    return [f"- **{escape(d.name)}**: {_status(d)} (level {d.level} of 5)" for d in strong]


def priorities(card: Scorecard) -> list[tuple[str, Finding]]:
    """The open findings that matter most, at most one per criterion: the most severe
    first, then the heaviest area, then the lowest level (the foundations first)."""
    weights = {d.id: d.weight for d in card.dimensions}
    names = {d.id: d.name for d in card.dimensions}
    ranked = sorted(
        (f for f in card.findings if not f.suppressed),
        key=lambda f: (
            RubricSeverity(f.severity).rank,
            -weights.get(f.dimension, 0),
            f.level,
            f.line,
        ),
    )
    chosen: list[tuple[str, Finding]] = []
    seen: set[str] = set()
    for finding in ranked:
        if finding.criterion in seen:
            continue
        seen.add(finding.criterion)
        chosen.append((names.get(finding.dimension, finding.dimension), finding))
        if len(chosen) == PRIORITIES:
            break
    return chosen


def _recommendations(card: Scorecard, context: ReportContext) -> list[str]:
    chosen = priorities(card)
    if not chosen:
        return ["Nothing stands out: keep the design current as the integration changes."]
    why = {c.id: c.why for _, c in context.rubric.criteria()}
    lines: list[str] = []
    for number, (area, finding) in enumerate(chosen, start=1):
        reason = why.get(finding.criterion)
        lines.append(
            f"{number}. **{escape(area)}** ({finding.severity} priority): "
            f"{escape(finding.title.rstrip('.'))}." + (f" {escape(reason)}" if reason else "")
        )
    return lines


def _design(card: Scorecard, context: ReportContext, heading: str) -> list[str]:
    return [
        f"{heading} {escape(card.name or '(unnamed design)')}",
        "",
        *_headline(card),
        "",
        "**Areas**",
        "",
        *_areas(card),
        "",
        "**Strengths**",
        "",
        *_strengths(card),
        "",
        "**Priority recommendations**",
        "",
        *_recommendations(card, context),
        "",
    ]


def _row(card: Scorecard) -> str:
    overall = card.overall
    score = "–" if overall.score is None else f"{overall.score:.1f} / 5"
    label = "not yet assessable" if overall.score is None else stakeholder_label(overall.score)
    return safe_line(
        f"| {escape(card.name or card.file)} | {score} | {label} | {verdict_words(overall)} |"
    )


class Writer:
    """The table of designs comes first and counts them, so its rows and the sections
    wait in temporary files (:class:`~designkit.report.spool.Spool`): memory holds one
    design's section, however many designs there are."""

    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out
        self.sections = Spool()
        self.rows = Spool()
        self.count = 0
        self.pending: str | None = None  # the last section: the report's end is stripped

    def add(self, card: Scorecard, context: ReportContext) -> None:
        section = "\n".join(safe_line(line) for line in _design(card, context, "##"))
        if self.pending is not None:
            self.sections.write(self.pending + "\n")
        self.pending = section
        self.rows.write(_row(card) + "\n")
        self.count += 1

    def end(self) -> None:
        if self.pending is None:
            return
        if self.count == 1:
            self.out.write("# Integration maturity summary\n\n")
        else:
            self.out.write(
                f"# Integration maturity summary: {self.count} designs\n\n"
                "| Design | Overall | Maturity | Verdict |\n| --- | ---: | --- | --- |\n"
            )
            self.rows.copy_to(self.out)
            self.out.write("\n")
        self.rows.close()
        self.sections.copy_to(self.out)
        self.out.write(self.pending.rstrip() + "\n")


def render(cards: Sequence[Scorecard], context: ReportContext) -> str:
    return render_with(Writer, cards, context)
