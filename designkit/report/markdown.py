"""A pull-request comment in GitHub-flavoured Markdown.

One section per scored file (several files get a summary table first): the
overall score, level, risk and target, the verdict as bold badge-like text, a table
of the dimensions, the open findings grouped by severity and the accepted
(suppressed) ones with their reasons.

Everything taken from a document is escaped, so a design whose text holds
``|``, ``<script>`` or a line break can neither break a table nor inject HTML,
and every line is a :func:`~designkit.text_safety.safe_line` (no workflow command
when the comment is printed in a CI log). The comment
stays under GitHub's 65,536-character limit: when the full report would not
fit, each file shows only its most severe findings and a note says how many
more there are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, TextIO

from designkit.report.trend_view import MAX_VALUES, headline, hidden_note, level_change
from designkit.report.verdict_view import (
    BASIS,
    dimension_level,
    dimension_next,
    kind_words,
    level_words,
    risk_words,
    score_words,
    target_words,
    weakest_words,
)
from designkit.review.trends import Comparison
from designkit.rubric.scorecard import Finding, Scorecard, Verdict
from designkit.text_safety import escape_controls, safe_line

if TYPE_CHECKING:
    from designkit.report import ReportContext

MAX_CHARS = 65_536
"""GitHub's limit on the body of a pull-request comment."""

BUDGET = 60_000
"""What a comment is allowed to use: room to spare below :data:`MAX_CHARS`."""

DETAILS_OVER = 5
"""A severity group longer than this is folded into ``<details>``."""

SEVERITIES = ("critical", "high", "medium", "low")

_BAR, _EMPTY = "█", "░"
_SPECIAL = re.compile(r"([\\`*_\[\]|~$#])")
_BADGES = {
    Verdict.APPROVED: "APPROVED",
    Verdict.APPROVED_WITH_CONDITIONS: "APPROVED WITH CONDITIONS",
    Verdict.REVISIONS_REQUIRED: "REVISIONS REQUIRED",
}


def escape(text: object) -> str:
    """Document text -> Markdown that shows it literally, on one line, safe in a table cell.

    Control characters and line breaks are shown escaped first (``\\n``, ``\\x1b``),
    then their backslash is escaped like any other, so the reader sees ``\\n``.
    """
    value = escape_controls(text)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _SPECIAL.sub(r"\\\1", value)
    return " ".join(value.split())


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _bar(level: int | None) -> str:
    level = max(0, min(5, level or 0))
    return _BAR * level + _EMPTY * (5 - level)


def _overall_lines(card: Scorecard) -> list[str]:
    """The verdict badge and the one scoring model's figures, worded as every format words them."""
    overall = card.overall
    lines = [
        f"**Verdict: [{_BADGES[overall.verdict]}]**"
        + (f" ({escape(', '.join(overall.reasons))})" if overall.reasons else ""),
        "",
        f"Overall **{escape(score_words(overall))}** · {escape(level_words(overall))} · "
        f"{escape(risk_words(overall))} · {escape(target_words(overall))}"
        + (f" · {escape(weakest_words(overall))}" if overall.weakest else ""),
        "",
        f"*{escape(BASIS[0].upper() + BASIS[1:])}.*",
    ]
    if kind_words(card):
        lines += ["", f"*This is {escape(kind_words(card))}.*"]
    if card.lint_errors:
        lines += ["", f"**Lint errors ({len(card.lint_errors)})**, contradictions to resolve:", ""]
        lines += [
            f"- `{_code(card.file)}:{error.line}` {escape(error.code)} {escape(error.message)}"
            for error in card.lint_errors
        ]
    if card.quick_wins:
        lines += ["", "**Quick wins** (one line each lifts a dimension by a level):", ""]
        lines += [
            f"- {escape(win.dimension_name)} {win.from_level} → {win.to_level}: "
            f"{escape(win.title)} (`{_code(win.criterion)}`, `{_code(card.file)}:{win.line}`)"
            for win in card.quick_wins
        ]
    return lines


def _design_name(card: Scorecard) -> str:
    return escape(card.name or "(unnamed design)")


def _location(card: Scorecard, finding: Finding) -> str:
    return f"`{_code(finding.path or card.file)}:{max(1, finding.line)}`"


def _code(text: str) -> str:
    """Text for inside a code span: no backticks, pipes or line breaks to break out with."""
    return " ".join(escape_controls(text).replace("`", "'").replace("|", "\\|").split())


def _finding_row(card: Scorecard, finding: Finding) -> str:
    flag = escape(finding.red_flag) if finding.red_flag else "–"
    message = escape(finding.message)
    if finding.template_default:
        message += " *(template default)*"
    if finding.status.value == "unknown":
        message += " *(could not be checked)*"
    return (
        f"| {_location(card, finding)} | `{_code(finding.criterion)}` L{finding.level} | {flag} "
        f"| {message} | {escape(finding.remediation)} |"
    )


def _suppressed_row(card: Scorecard, finding: Finding) -> str:
    return (
        f"| {_location(card, finding)} | `{_code(finding.criterion)}` | {escape(finding.title)} "
        f"| {escape(finding.suppression_reason or 'no reason given')} |"
    )


def _fold(title: str, body: list[str], folded: bool) -> list[str]:
    """A titled block; folded into ``<details>`` (GitHub renders Markdown inside it)."""
    if not folded:
        return [f"**{title}**", "", *body, ""]
    return ["<details>", f"<summary><b>{title}</b></summary>", "", *body, "", "</details>", ""]


def _findings(card: Scorecard, shown: int | None) -> list[str]:
    """The findings section, showing at most ``shown`` findings (None: all)."""
    open_findings = [f for f in card.findings if not f.suppressed]
    suppressed = [f for f in card.findings if f.suppressed]
    budget = len(card.findings) if shown is None else shown
    lines: list[str] = []
    if open_findings:
        lines += [f"#### Findings ({len(open_findings)})", ""]
        severities = [*SEVERITIES]
        severities += sorted({f.severity for f in open_findings} - set(SEVERITIES))
        for severity in severities:
            group = [f for f in open_findings if f.severity == severity]
            visible = group[: max(0, budget)]
            budget -= len(visible)
            if not visible:
                continue
            rows = [
                "| Location | Criterion | Red flag | Finding | Remediation |",
                "| --- | --- | --- | --- | --- |",
                *(_finding_row(card, f) for f in visible),
            ]
            title = f"{_html(severity.capitalize())} ({len(group)})"
            lines += _fold(title, rows, len(visible) > DETAILS_OVER)
    else:
        lines += ["#### Findings", "", "No open findings.", ""]
    if suppressed:
        visible = suppressed[: max(0, budget)]
        budget -= len(visible)
        if visible:
            rows = [
                "| Location | Criterion | Title | Accepted because |",
                "| --- | --- | --- | --- |",
                *(_suppressed_row(card, f) for f in visible),
            ]
            title = f"Suppressed ({len(suppressed)})"
            lines += _fold(title, rows, len(visible) > DETAILS_OVER)
    hidden = 0 if shown is None else max(0, len(card.findings) - shown)
    if hidden:
        lines += [f"… {hidden} more findings not shown; see the full report.", ""]
    return lines


def _changes(card: Scorecard, comparison: Comparison) -> list[str]:
    """What the change did: new, fixed and accepted findings, and the values that changed."""
    lines = [
        f"#### Changes against `{_code(comparison.baseline)}`",
        "",
        escape(headline(comparison)),
        "",
    ]
    new = comparison.new_findings if comparison.baseline_found else []  # new design: all are
    if new:
        lines += [
            f"**New findings ({len(new)})**",
            "",
            "| Location | Criterion | Severity | Finding |",
            "| --- | --- | --- | --- |",
            *(
                f"| {_location(card, f)} | `{_code(f.criterion)}` L{f.level} | {escape(f.severity)} "
                f"| {escape(f.message)} |"
                for f in new[:MAX_VALUES]
            ),
            *([f"| … {len(new) - MAX_VALUES} more | | | |"] if len(new) > MAX_VALUES else []),
            "",
        ]
    for title, findings in (
        ("Fixed findings", comparison.fixed_findings),
        ("Accepted as risks", comparison.accepted_findings),
    ):
        if findings:
            lines += [f"**{title} ({len(findings)})**", ""]
            lines += [f"- `{_code(f.criterion)}` {escape(f.title)}" for f in findings]
            lines.append("")
    if comparison.values:
        lines += [
            f"**Changed values ({len(comparison.values)})**",
            "",
            "| Value | Before | After |",
            "| --- | --- | --- |",
        ]
        for change in comparison.values[:MAX_VALUES]:
            origin = " *(roadmap: current → target)*" if change.source == "roadmap" else ""
            lines.append(
                f"| {escape(change.label)}{origin} | {escape(change.old)} | {escape(change.new)} |"
            )
        if len(comparison.values) > MAX_VALUES:
            lines.append(f"| … {len(comparison.values) - MAX_VALUES} more | | |")
        lines.append("")
    return lines[:-1] if lines[-1] == "" else lines


def _section(
    card: Scorecard, shown: int | None, heading: str, context: ReportContext | None = None
) -> list[str]:
    comparison = context.comparisons.get(card.file) if context else None
    hidden = context.hidden.get(card.file, 0) if context else 0
    trends = (
        {d.id: d for d in comparison.dimensions}
        if comparison and not comparison.roadmap_only
        else {}
    )
    lines = [
        f"{heading}{_design_name(card)}",
        "",
        f"`{_code(card.file)}` · rubric {escape(card.rubric.name)} {escape(card.rubric.version)}",
        "",
        *_overall_lines(card),
        "",
        "| Dimension | Weight | Level | | Confidence | Next level |"
        + (" Change |" if trends else ""),
        "| --- | ---: | ---: | --- | --- | --- |" + (" --- |" if trends else ""),
    ]
    for dimension in card.dimensions:
        change = ""
        if trends:
            trend = trends.get(dimension.id)
            change = f" {level_change(trend) if trend else '–'} |"
        lines.append(
            f"| {escape(dimension.name)} | {dimension.weight:g} | {dimension_level(dimension)} "
            f"| `{_bar(dimension.level)}` | {dimension.confidence} "
            f"| {escape(dimension_next(dimension))} |{change}"
        )
    if comparison is not None:
        lines += ["", *_changes(card, comparison)]
    if hidden:
        lines += ["", f"*{escape(hidden_note(hidden))}*"]
    for notice in card.notices:
        where = f"`{_code(notice.path)}:{notice.line or 1}`"
        lines += ["", f"> **{notice.severity}** {where}: {escape(notice.message)}"]
    counts = card.counts
    lines += [
        "",
        f"{counts.criteria} criteria: {counts.passed} pass, {counts.failed} fail, "
        f"{counts.unknown} unknown, {counts.not_applicable} n/a; "
        f"{counts.template_defaults} template default(s), {counts.suppressed} suppressed",
        "",
        *_findings(card, shown),
    ]
    return lines


def _summary_row(card: Scorecard) -> str:
    overall = card.overall
    open_count = sum(1 for f in card.findings if not f.suppressed)
    score = "–" if overall.score is None else f"{overall.score:.1f}"
    level = "–" if overall.level is None else str(overall.level)
    risk = "–" if overall.risk is None else overall.risk.value
    return (
        f"| `{_code(card.file)}` | {_design_name(card)} | {score} | {level} | {risk} "
        f"| {_BADGES[overall.verdict]} | {escape(target_words(overall))} | {open_count} |"
    )


def _summary(rows: Sequence[str], shown: int, total: int) -> list[str]:
    """The table of files: the first ``shown`` of ``rows``, of ``total`` files in all."""
    lines = [
        "| File | Design | Score | Level | Risk | Verdict | Target | Open findings |",
        "| --- | --- | ---: | ---: | --- | --- | --- | ---: |",
        *rows[:shown],
    ]
    if shown < total:
        lines.append("")
        lines.append(f"… {total - shown} more files not shown; see the full report.")
    return [*lines, ""]


def _document(
    cards: Sequence[Scorecard],
    shown: int | None,
    files: int,
    rows: int,
    context: ReportContext | None = None,
    *,
    summary_rows: Sequence[str] | None = None,
    total: int | None = None,
) -> str:
    """The comment; ``cards`` may be the first of ``total`` files (those that can be shown)."""
    total = len(cards) if total is None else total
    if total == 1:
        lines = _section(cards[0], shown, "## designkit scorecard: ", context)
    else:
        table = [_summary_row(card) for card in cards] if summary_rows is None else summary_rows
        lines = [f"## designkit scorecards: {total} files", "", *_summary(table, rows, total)]
        for card in cards[:files]:
            lines += _section(card, shown, "### ", context)
        if files < total:
            lines.append(f"… {total - files} more files not shown; see the full report.")
    return "\n".join(safe_line(line) for line in lines).rstrip() + "\n"


def _largest(fits: Callable[[int], bool], high: int) -> int:
    """The largest n in [0, high] with ``fits(n)``; fits is monotone (true up to some n)."""
    low = 0
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _fit(
    cards: Sequence[Scorecard],
    context: ReportContext | None,
    budget: int,
    summary_rows: Sequence[str],
    total: int,
) -> str:
    """The fullest comment within ``budget``. ``cards`` and ``summary_rows`` may stop short of
    ``total`` once they alone overflow it: what comes after them could never be shown."""

    def document(shown: int | None, files: int, rows: int) -> str:
        return _document(cards, shown, files, rows, context, summary_rows=summary_rows, total=total)

    complete = len(cards) == total
    if complete:
        full = document(None, total, total)
        if len(full) <= budget:
            return full
    # The summary keeps as many rows as fit in a quarter of the budget.
    rows = _largest(
        lambda n: len("\n".join(_summary(summary_rows, n, total))) <= budget // 4,
        len(summary_rows),
    )
    # Then every file at least its dimensions; the findings share what is left.
    if complete and len(document(0, total, rows)) <= budget:
        most = max((len(card.findings) for card in cards), default=0)
        shown = _largest(lambda n: len(document(n, total, rows)) <= budget, most)
        return document(shown, total, rows)
    files = _largest(lambda n: len(document(0, n, rows)) <= budget, len(cards))
    return document(0, files, rows)


def _slim(card: Scorecard) -> Scorecard:
    """What a section shows of a card: its criterion results stay behind (most of its size)."""
    return card.model_copy(
        update={"dimensions": [d.model_copy(update={"criteria": []}) for d in card.dimensions]}
    )


class Writer:
    """The comment has a size limit, so it is written at the end; what it can show is kept.

    A design is kept while the smallest sections (no findings shown) of the kept ones
    fit the budget, and a summary row while the rows fit a quarter of it: past that
    nothing more can be shown, so a thousand designs keep as much as forty.
    """

    def __init__(self, out: TextIO, context: ReportContext, budget: int = BUDGET) -> None:
        self.out = out
        self.budget = budget
        self.cards: list[Scorecard] = []
        self.comparisons: dict[str, Comparison] = {}
        self.hidden: dict[str, int] = {}
        self.smallest = 0  # characters of the kept cards' sections with no findings shown
        self.rows: list[str] = []
        self.row_chars = 0
        self.total = 0
        self.context = context

    def add(self, card: Scorecard, context: ReportContext) -> None:
        self.total += 1
        if self.row_chars <= self.budget // 4:
            row = _summary_row(card)
            self.rows.append(row)
            self.row_chars += len(row) + 1
        if self.smallest <= self.budget:
            self.cards.append(_slim(card))
            self.smallest += len(
                "\n".join(safe_line(x) for x in _section(card, 0, "### ", context))
            )
            if card.file in context.comparisons:
                self.comparisons[card.file] = context.comparisons[card.file]
            if context.hidden.get(card.file):
                self.hidden[card.file] = context.hidden[card.file]

    def end(self) -> None:
        if not self.total:
            return
        context = replace(self.context, comparisons=self.comparisons, hidden=self.hidden)
        self.out.write(_fit(self.cards, context, self.budget, self.rows, self.total))


def render(cards: Sequence[Scorecard], context: ReportContext, budget: int = BUDGET) -> str:
    rows = [_summary_row(card) for card in cards]
    return _fit(cards, context, budget, rows, len(cards))
