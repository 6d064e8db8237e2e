"""One self-contained HTML page: readable offline, nothing fetched from anywhere.

Per scored file: a header (design, file, overall level against the target,
weighted score, band, verdict), a radar chart of the dimension levels against
the target drawn as inline SVG (:mod:`designkit.report.radar_chart`), the
dimensions, the findings, the gap list (what to add to reach each dimension's next
level), the suppressed findings, and the design's diagram when
``context.diagrams`` has one. Several files get a summary table first.

This module turns scorecards into the values the template
(:mod:`designkit.report.html_template`) places. The only markup that is not
escaped is the radar SVG (its labels escaped) and a Graphviz SVG from
``context.diagrams``, which is trusted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from markupsafe import Markup

from designkit.report import render_with, rubric_remediations, with_card_remediations
from designkit.report.html_template import PARTS
from designkit.report.html_text import page_text
from designkit.report.radar_chart import radar_svg
from designkit.report.spool import Spool
from designkit.report.trend_view import MAX_VALUES, headline, hidden_note
from designkit.report.verdict_view import (
    BASIS,
    dimension_next,
    kind_words,
    level_words,
    score_words,
    target_words,
)
from designkit.review.explain import Explanation, explain_criterion
from designkit.review.trends import ARROWS
from designkit.rubric.scorecard import Finding, Scorecard, Verdict
from designkit.text_safety import escape_controls, safe_markup

if TYPE_CHECKING:
    from designkit.report import ReportContext

VERDICTS = {
    Verdict.APPROVED: ("Approved", "ok"),
    Verdict.APPROVED_WITH_CONDITIONS: ("Approved with conditions", "warn"),
    Verdict.REVISIONS_REQUIRED: ("Revisions required", "bad"),
}
_SVG_START = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?(?:<!--.*?-->\s*)*(?=<svg[\s>])",
    re.DOTALL | re.IGNORECASE,
)


@dataclass(frozen=True)
class Gap:
    dimension: str
    level: int
    next_level: int
    items: list[tuple[str, str, str]]  # criterion id, title, remediation


def _gaps(card: Scorecard, remediations: dict[str, str]) -> list[Gap]:
    gaps: list[Gap] = []
    for dimension in card.dimensions:
        if dimension.next_level is None or dimension.level is None:
            continue
        holding = [
            r for r in dimension.criteria if r.holds_back and r.level == dimension.next_level
        ]
        gaps.append(
            Gap(
                dimension=dimension.name,
                level=dimension.level,
                next_level=dimension.next_level,
                items=[
                    (r.id, r.title, r.remediation or remediations.get(r.id, "")) for r in holding
                ],
            )
        )
    return gaps


def _diagram(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    match = _SVG_START.match(text)
    if match is not None:
        # Graphviz writes labels as they are, control characters too: shown escaped.
        svg = escape_controls(safe_markup(text[match.end() :]), keep="\t\n")
        return {"svg": Markup(svg), "text": None}
    # Mermaid source: its own lines stay lines (a <pre> shows them), each one page text.
    return {"svg": None, "text": Markup("\n".join(page_text(line) for line in text.split("\n")))}


def _card_view(
    card: Scorecard,
    index: int,
    context: ReportContext,
    remediations: dict[str, str],
    explanations: Callable[[Sequence[Finding]], list[Explanation]],
) -> dict[str, Any]:
    overall = card.overall
    verdict, tone = VERDICTS.get(overall.verdict, (overall.verdict.value, "warn"))
    anchor = f"design-{index + 1}"
    open_findings: list[Finding] = [f for f in card.findings if not f.suppressed]
    return {
        "anchor": anchor,
        "card": card,
        "name": card.name or "(unnamed design)",
        "verdict": verdict,
        "tone": tone,
        "score": score_words(overall),
        "level": level_words(overall),
        "risk": "not rated" if overall.risk is None else overall.risk.value,
        "target_words": target_words(overall),
        "kind": kind_words(card),
        "target": overall.target_level,
        "radar": radar_svg(card.dimensions, overall.target_level, anchor),
        "findings": open_findings,
        "suppressed": [f for f in card.findings if f.suppressed],
        "gaps": _gaps(card, remediations),
        "diagram": _diagram(context.diagrams.get(card.file)),
        "open_count": len(open_findings),
        "comparison": context.comparisons.get(card.file),
        "headline": headline(context.comparisons[card.file])
        if card.file in context.comparisons
        else "",
        "hidden": hidden_note(context.hidden[card.file]) if context.hidden.get(card.file) else "",
        "explanations": explanations(open_findings),
    }


def _summary_row(view: dict[str, Any]) -> dict[str, Any]:
    """What the summary table shows of a design: a few words, not its scorecard."""
    card: Scorecard = view["card"]
    overall = {"score": card.overall.score, "level": card.overall.level}
    return {
        "card": {"file": card.file, "overall": overall},
        **{k: view[k] for k in ("anchor", "name", "risk", "tone", "verdict", "target_words")},
        "open_count": view["open_count"],
    }


class Writer:
    """Each design's section and its row of the summary table as it is scored, into
    temporary files: the table and the page title come first but count the designs.
    Explanations of a criterion are worked out once per report, not once per design."""

    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out
        self.context = context
        self.remediations = rubric_remediations(context)
        self.explained: dict[str, Explanation] = {}
        self.sections = Spool()
        self.rows = Spool()
        self.count = 0
        self.first_title = ""

    def _explanations(self, findings: Sequence[Finding]) -> list[Explanation]:
        criteria: dict[str, tuple[Any, Any]] | None = None
        seen: dict[str, Explanation] = {}
        for finding in findings:
            if finding.criterion in seen:
                continue
            if finding.criterion not in self.explained:
                if criteria is None:
                    criteria = {c.id: (d, c) for d, c in self.context.rubric.criteria()}
                if finding.criterion not in criteria:
                    continue
                dimension, criterion = criteria[finding.criterion]
                self.explained[finding.criterion] = explain_criterion(
                    dimension, criterion, self.context.rubric
                )
            seen[finding.criterion] = self.explained[finding.criterion]
        return list(seen.values())

    def add(self, card: Scorecard, context: ReportContext) -> None:
        remediations = with_card_remediations(self.remediations, card)
        view = _card_view(card, self.count, context, remediations, self._explanations)
        names = self._globals()
        self.sections.write(PARTS.section.render(d=view, **names))
        self.rows.write(PARTS.summary_row.render(d=_summary_row(view), **names))
        self.count += 1
        if self.count == 1:
            self.first_title = f"designkit scorecard: {card.name or card.file}"

    def _globals(self) -> dict[str, Any]:
        rubric = self.context.rubric
        return {
            "rubric": {"id": rubric.id, "name": rubric.name, "version": rubric.version},
            "version": self.context.tool_version,
            "levels": sorted(rubric.levels.items()),
            "arrows": ARROWS,
            "max_values": MAX_VALUES,
            "basis": BASIS[0].upper() + BASIS[1:],
            "next_words": dimension_next,
        }

    def end(self) -> None:
        if not self.count:
            return
        title = (
            self.first_title if self.count == 1 else f"designkit scorecards: {self.count} designs"
        )
        names = {"title": title, **self._globals()}
        self.out.write(PARTS.head.render(names))
        if self.count > 1:
            self.out.write(PARTS.summary_open.render(names))
            self.rows.copy_to(self.out)
            self.out.write(PARTS.summary_close.render(names))
        self.rows.close()
        self.sections.copy_to(self.out)
        self.out.write(PARTS.footer.render(names))


def render(cards: Sequence[Scorecard], context: ReportContext) -> str:
    return render_with(Writer, cards, context)
