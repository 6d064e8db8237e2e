"""Scorecards -> text for people and tools. One module per format, one ``render`` each.

Every module exposes ``render(cards, context) -> str``; ``cards`` holds one
scorecard per scored file (several files also get a summary).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
