"""Scorecards -> text for people and tools. One module per format, one ``render`` each.

Every module exposes ``render(cards, context) -> str``; ``cards`` holds one
scorecard per scored file (several files also get a summary). The formats CI
reads (SARIF, JUnit, GitHub annotations) also carry ``designkit lint``'s
diagnostics: those modules expose ``render_lint(diagnostics, context) -> str``
too, writing the same document through the same helpers (artifact locations,
escaping, rule help), so a contradiction lint finds reaches code scanning the
way a score finding does.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
    "sarif": "designkit.report.sarif",
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


def render_report(cards: Sequence[Scorecard], output_format: str, context: ReportContext) -> str:
    """Render scorecards in one of :data:`FORMATS`."""
    module = importlib.import_module(FORMATS[output_format])
    text: str = module.render(cards, context)
    return text


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
