"""GitHub Actions workflow commands: findings become annotations on the pull request.

One ``::error``/``::warning``/``::notice`` line per open finding (critical and
high -> error, medium -> warning, low -> notice), one ``::warning`` (or
``::notice``) per scorecard notice, and one ``::notice`` summary line per file. Text is escaped as the Actions toolkit does it, so a design's
text can neither break a line nor start a command of its own.

``designkit lint`` writes one annotation per diagnostic through the same
:func:`command`: error -> ``::error``, warning -> ``::warning``, info -> ``::notice``,
titled with its code, at its line and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from designkit.report import render_with
from designkit.report.sarif_locations import relative_path
from designkit.report.trend_view import MAX_VALUES, hidden_note
from designkit.report.trend_view import headline as trend_headline
from designkit.report.verdict_view import headline
from designkit.rubric.scorecard import Finding, Scorecard
from designkit.text_safety import escape_controls

if TYPE_CHECKING:
    from designkit.diagnostics import Diagnostic
    from designkit.report import LintContext, ReportContext

COMMANDS = {"critical": "error", "high": "error", "medium": "warning", "low": "notice"}


def escape_data(text: str) -> str:
    """The message after ``::``: ``%``, CR and LF are percent-encoded (other control and
    invisible format characters are shown escaped, ``\\x1b``, as in every text output)."""
    text = escape_controls(text, keep="\r\n")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: as data, and also ``:`` and ``,``, which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """``::name key=value,...::message`` with every part escaped."""
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None and value != ""
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _annotation(
    card: Scorecard, finding: Finding, context: ReportContext, new: bool = False
) -> str:
    message = finding.message
    if finding.template_default and "template" not in message:
        message += " (still the template's example value)"
    flag = f" [{finding.red_flag}]" if finding.red_flag else ""
    message = (
        f"{finding.severity} (level {finding.level}){flag}: {message}\n"
        f"Remediation: {finding.remediation}"
    )
    return command(
        COMMANDS.get(finding.severity, "warning"),
        message,
        file=relative_path(finding.path or card.file, context.base_dir),
        line=max(1, finding.line),
        title=f"{finding.criterion} (new)" if new else finding.criterion,
    )


def _summary(card: Scorecard, context: ReportContext) -> str:
    overall = card.overall
    open_count = sum(1 for f in card.findings if not f.suppressed)
    suppressed = len(card.findings) - open_count
    message = (
        f"{card.name or '(unnamed design)'}: {headline(overall)}; "
        f"{open_count} open finding(s), {suppressed} suppressed"
    )
    comparison = context.comparisons.get(card.file)
    if comparison is not None:
        message += f"; against {comparison.baseline}: {trend_headline(comparison)}"
        changed = [f"{c.label}: {c.old} -> {c.new}" for c in comparison.values[:MAX_VALUES]]
        if changed:
            message += "\nchanged values: " + "; ".join(changed)
    if context.hidden.get(card.file):
        message += f"\n{hidden_note(context.hidden[card.file])}"
    return command(
        "notice",
        message,
        file=relative_path(card.file, context.base_dir),
        title="designkit score",
    )


def _card_lines(card: Scorecard, context: ReportContext) -> list[str]:
    comparison = context.comparisons.get(card.file)
    new = {(f.criterion, f.field) for f in comparison.new_findings} if comparison else set()
    lines = [
        _annotation(card, f, context, (f.criterion, f.field) in new)
        for f in card.findings
        if not f.suppressed
    ]
    lines += [
        command(
            "warning" if n.severity == "warning" else "notice",
            n.message,
            file=relative_path(n.path or card.file, context.base_dir),
            line=max(1, n.line or 1),
            title="designkit",
        )
        for n in card.notices
    ]
    lines.append(_summary(card, context))
    return lines


class Writer:
    """Annotations are lines of their own: each design's are written as it is scored."""

    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out

    def add(self, card: Scorecard, context: ReportContext) -> None:
        self.out.write("".join(line + "\n" for line in _card_lines(card, context)))

    def end(self) -> None:
        return None


def render(cards: Sequence[Scorecard], context: ReportContext) -> str:
    return render_with(Writer, cards, context)


LINT_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def render_lint(diagnostics: Sequence[Diagnostic], context: LintContext) -> str:
    lines = []
    for diagnostic in diagnostics:
        message = diagnostic.message
        if diagnostic.hint:
            message += f"\nHint: {diagnostic.hint}"
        lines.append(
            command(
                LINT_COMMANDS[diagnostic.severity.value],
                message,
                file=relative_path(diagnostic.path, context.base_dir),
                line=max(1, diagnostic.line),
                col=diagnostic.column or None,
                title=diagnostic.code,
            )
        )
    return "\n".join(lines) + "\n" if lines else ""
