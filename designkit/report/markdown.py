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
from typing import TYPE_CHECKING

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


def _summary(cards: Sequence[Scorecard], rows: int) -> list[str]:
    lines = [
        "| File | Design | Score | Level | Risk | Verdict | Target | Open findings |",
        "| --- | --- | ---: | ---: | --- | --- | --- | ---: |",
    ]
    for card in cards[:rows]:
        overall = card.overall
        open_count = sum(1 for f in card.findings if not f.suppressed)
        score = "–" if overall.score is None else f"{overall.score:.1f}"
        level = "–" if overall.level is None else str(overall.level)
        risk = "–" if overall.risk is None else overall.risk.value
        lines.append(
            f"| `{_code(card.file)}` | {_design_name(card)} | {score} | {level} | {risk} "
            f"| {_BADGES[overall.verdict]} | {escape(target_words(overall))} | {open_count} |"
        )
    if rows < len(cards):
        lines.append("")
        lines.append(f"… {len(cards) - rows} more files not shown; see the full report.")
    return [*lines, ""]


def _document(
    cards: Sequence[Scorecard],
    shown: int | None,
    files: int,
    rows: int,
    context: ReportContext | None = None,
) -> str:
    if len(cards) == 1:
        lines = _section(cards[0], shown, "## designkit scorecard: ", context)
    else:
        lines = [f"## designkit scorecards: {len(cards)} files", "", *_summary(cards, rows)]
        for card in cards[:files]:
            lines += _section(card, shown, "### ", context)
        if files < len(cards):
            lines.append(f"… {len(cards) - files} more files not shown; see the full report.")
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


def render(cards: Sequence[Scorecard], context: ReportContext, budget: int = BUDGET) -> str:
    def document(shown: int | None, files: int, rows: int) -> str:
        return _document(cards, shown, files, rows, context)

    full = document(None, len(cards), len(cards))
    if len(full) <= budget:
        return full
    # The summary keeps as many rows as fit in a quarter of the budget.
    rows = _largest(lambda n: len("\n".join(_summary(cards, n))) <= budget // 4, len(cards))
    # Then every file at least its dimensions; the findings share what is left.
    most = max((len(card.findings) for card in cards), default=0)
    if len(document(0, len(cards), rows)) <= budget:
        shown = _largest(lambda n: len(document(n, len(cards), rows)) <= budget, most)
        return document(shown, len(cards), rows)
    files = _largest(lambda n: len(document(0, n, rows)) <= budget, len(cards))
    return document(0, files, rows)
