"""Scorecards -> text for people and tools. One module per format, one ``render`` each.

Every module exposes ``render(cards, context) -> str``; ``cards`` holds one
scorecard per scored file (several files also get a summary). Each also has a
``Writer`` (:class:`ReportWriter`): ``add`` one scorecard as it is scored, ``end``
once, the text written to a stream as it is produced, so that ``designkit score``
over a thousand designs holds one design at a time, not all of them
(``render`` is that writer into a string: one way to write each format). The formats CI
reads (SARIF, JUnit, GitHub annotations) also carry ``designkit lint``'s
diagnostics: those modules expose ``render_lint(diagnostics, context) -> str``
too, writing the same document through the same helpers (artifact locations,
escaping, rule help), so a contradiction lint finds reaches code scanning the
way a score finding does.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TextIO

from designkit.diagnostics import Diagnostic, Severity
from designkit.review.trends import Comparison
from designkit.rubric.schema import Rubric
from designkit.rubric.scorecard import Scorecard

FORMATS: dict[str, str] = {
    "text": "designkit.report.text",
    "json": "designkit.report.json_report",
    "markdown": "designkit.report.markdown",
    "summary": "designkit.report.summary",
    "sarif": "designkit.report.sarif",
    "junit": "designkit.report.junit",
    "github": "designkit.report.github",
    "html": "designkit.report.html_report",
}


LINT_FORMATS: dict[str, str] = {
    "sarif": "designkit.report.sarif_lint",
    "junit": "designkit.report.junit",
    "github": "designkit.report.github",
}
"""The formats ``designkit lint`` writes besides its own text and JSON."""


@dataclass(frozen=True)
class ReportContext:
    """What a report may need beyond the scorecards."""

    rubric: Rubric
    base_dir: Path = field(default_factory=Path.cwd)  # SARIF URIs are relative to this
    tool_version: str = ""
    diagrams: dict[str, str] = field(default_factory=dict)  # file -> SVG or Mermaid, for HTML
    comparisons: dict[str, Comparison] = field(default_factory=dict)  # file -> against baseline
    hidden: dict[str, int] = field(default_factory=dict)  # file -> findings a baseline file hid


class ReportWriter(Protocol):
    """One report written design by design: what a format must keep to its end is small.

    ``add`` takes one scorecard with a context that holds (at least) its own
    comparison, hidden count and diagram; ``end`` writes what only the whole run
    knows (a summary, totals) and nothing when no scorecard was added.
    """

    def add(self, card: Scorecard, context: ReportContext) -> None: ...

    def end(self) -> None: ...


def open_writer(output_format: str, out: TextIO, context: ReportContext) -> ReportWriter:
    """The :class:`ReportWriter` of one of :data:`FORMATS`, writing to ``out``."""
    module = importlib.import_module(FORMATS[output_format])
    writer: ReportWriter = module.Writer(out, context)
    return writer


def render_with(
    writer: Callable[[TextIO, ReportContext], ReportWriter],
    cards: Sequence[Scorecard],
    context: ReportContext,
) -> str:
    """Scorecards through a format's writer into one string (what ``render`` returns)."""
    out = io.StringIO()
    instance = writer(out, context)
    for card in cards:
        instance.add(card, context)
    instance.end()
    return out.getvalue()


def render_report(cards: Sequence[Scorecard], output_format: str, context: ReportContext) -> str:
    """Render scorecards in one of :data:`FORMATS`."""
    module = importlib.import_module(FORMATS[output_format])
    text: str = module.render(cards, context)
    return text


def rubric_remediations(context: ReportContext) -> dict[str, str]:
    """What to add for each criterion of the rubric, in neutral words: worked out once per
    report, not once per design."""
    from designkit.rubric.wording import fill

    return {c.id: fill(c.remediation, None) for _, c in context.rubric.criteria()}


def with_card_remediations(base: dict[str, str], card: Scorecard) -> dict[str, str]:
    """``base`` plus the remediation of each finding whose criterion it lacks (a copy then)."""
    missing = [f for f in card.findings if f.criterion not in base]
    if not missing:
        return base
    found = dict(base)
    for finding in missing:
        found.setdefault(finding.criterion, finding.remediation)
    return found


def remediations(cards: Sequence[Scorecard], context: ReportContext) -> dict[str, str]:
    """What to add for each criterion: from the rubric (its design placeholders in neutral
    words; a scored criterion carries its own, worded for its design), else from the
    findings themselves."""
    from designkit.rubric.wording import fill

    found = {c.id: fill(c.remediation, None) for _, c in context.rubric.criteria()}
    for card in cards:
        for finding in card.findings:
            found.setdefault(finding.criterion, finding.remediation)
    return found


@dataclass(frozen=True)
class LintContext:
    """What a lint report needs beyond the diagnostics."""

    files: Sequence[str] = ()
    """Every linted file as its diagnostics name it: a clean one still gets its JUnit suite."""
    base_dir: Path = field(default_factory=Path.cwd)  # SARIF URIs are relative to this
    tool_version: str = ""
    fail_on: Severity = Severity.ERROR
    """The lowest severity that fails the run: a JUnit failure from there up, else a pass."""
    ignored: frozenset[str] = frozenset()
    """Codes switched off by the configuration: no SARIF rule, a skipped JUnit test."""


def render_lint_report(
    diagnostics: Sequence[Diagnostic], output_format: str, context: LintContext
) -> str:
    """Render lint diagnostics in one of :data:`LINT_FORMATS`."""
    module = importlib.import_module(LINT_FORMATS[output_format])
    text: str = module.render_lint(diagnostics, context)
    return text
