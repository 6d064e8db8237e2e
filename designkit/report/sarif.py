"""SARIF 2.1.0 for GitHub code scanning (``github/codeql-action/upload-sarif``).

One run; the rules are every enabled criterion of the rubric
(:mod:`designkit.report.sarif_rules`), the results are the findings: the message is
the plain sentence about the design, and the engine-level trace (model path, pattern,
raw values) rides along in the result's ``properties`` (``field``, ``trace``) for
tools. Artifact locations are relative to ``context.base_dir``
(:mod:`designkit.report.sarif_locations`). Accepted (suppressed) findings are
results with an in-source suppression and their reason as the justification.
Notices (a suppression comment naming an unknown id) are results of the rule
``designkit-notice``, level ``warning`` or ``note``.

``designkit lint`` writes the same document with a rule per lint code
(:mod:`designkit.report.sarif_lint`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from pydantic_core import to_json

from designkit.report import render_with
from designkit.report.sarif_document import located_result, sarif_document, sarif_text, then
from designkit.report.sarif_locations import Artifacts, artifact_uri
from designkit.report.sarif_rules import LEVELS, NOTICE_RULE, RuleIndex
from designkit.report.spool import Spool
from designkit.report.verdict_view import BASIS, verdict_words
from designkit.rubric.schema import Rubric
from designkit.rubric.scorecard import Finding, Notice, Scorecard
from designkit.text_safety import safe_json

if TYPE_CHECKING:
    from designkit.report import ReportContext

FINGERPRINT = "designkitCriterionField/v1"


def _result(
    card: Scorecard, finding: Finding, index: int, artifacts: Artifacts, state: str | None = None
) -> dict[str, Any]:
    text = finding.message
    if finding.template_default and "template" not in text:
        text += " (still the template's example value)"
    result = located_result(
        artifacts,
        rule_id=finding.criterion,
        index=index,
        level=LEVELS.get(finding.severity, "warning"),
        text=then(text, f" Remediation: {finding.remediation}"),
        path=finding.path or card.file,
        line=finding.line,
        fingerprint_name=FINGERPRINT,
        fingerprint_field=finding.field,
    )
    properties: dict[str, Any] = {
        "dimension": finding.dimension,
        "maturityLevel": finding.level,
        "severity": finding.severity,
        "status": finding.status.value,
        "templateDefault": finding.template_default,
    }
    if finding.field:
        properties["field"] = finding.field
    if finding.trace:  # the engine's own words (paths, pattern, raw values), for tools
        properties["trace"] = finding.trace
    if finding.red_flag:
        properties["redFlag"] = finding.red_flag
    result["properties"] = properties
    if state is not None:
        result["baselineState"] = state
    if finding.suppressed:
        result["suppressions"] = [
            {"kind": "inSource", "justification": finding.suppression_reason or "no reason given"}
        ]
    return result


def _notice(card: Scorecard, notice: Notice, index: int, artifacts: Artifacts) -> dict[str, Any]:
    return located_result(
        artifacts,
        rule_id=NOTICE_RULE["id"],
        index=index,
        level="warning" if notice.severity == "warning" else "note",
        text=notice.message,
        path=notice.path or card.file,
        line=notice.line or 1,
        fingerprint_name=FINGERPRINT,
        fingerprint_field=notice.message,
    )


def _same(finding: Finding) -> tuple[str, str | None, int]:
    return finding.criterion, finding.field, finding.line


def _comparison_properties(card: Scorecard, context: ReportContext) -> dict[str, Any]:
    """The trend against the baseline, and what a baseline file hid, when the run has them."""
    found: dict[str, Any] = {}
    comparison = context.comparisons.get(card.file)
    if comparison is not None:
        found["comparison"] = comparison.model_dump(mode="json")
    if context.hidden.get(card.file):
        found["knownFindingsHidden"] = context.hidden[card.file]
    return found


def _scorecard_properties(card: Scorecard, context: ReportContext) -> dict[str, Any]:
    return {
        "file": artifact_uri(card.file, context.base_dir),
        "name": card.name,
        "score": card.overall.score,
        "level": card.overall.level,
        "risk": card.overall.risk.value if card.overall.risk else None,
        "verdict": verdict_words(card.overall),
        "verdictReasons": card.overall.reasons,
        "targetLevel": card.overall.target_level,
        "meetsTarget": card.overall.meets_target,
        "needsAssessment": card.overall.needs_assessment,
        "lintErrors": card.overall.lint_errors,
        "basis": BASIS,
        **_comparison_properties(card, context),
    }


def _card_results(
    card: Scorecard, context: ReportContext, rules: RuleIndex, artifacts: Artifacts
) -> list[dict[str, Any]]:
    comparison = context.comparisons.get(card.file)
    new = {_same(f) for f in comparison.new_findings} if comparison else set()
    results: list[dict[str, Any]] = []
    for finding in card.findings:
        index = rules.of_finding(finding)
        state = None
        if comparison is not None and not comparison.roadmap_only:  # "new since baseline"
            state = "new" if _same(finding) in new or not comparison.baseline_found else "unchanged"
        results.append(_result(card, finding, index, artifacts, state))
    for notice in card.notices:
        results.append(_notice(card, notice, rules.of_notice(), artifacts))
    return results


def _run_properties(rubric: Rubric, scorecards: object) -> dict[str, Any]:
    return {
        "rubric": {"id": rubric.id, "name": rubric.name, "version": rubric.version},
        "scorecards": scorecards,
    }


def sarif_log(cards: Sequence[Scorecard], context: ReportContext) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict."""
    rules = RuleIndex(context)
    artifacts = Artifacts(context.base_dir)
    results = [r for card in cards for r in _card_results(card, context, rules, artifacts)]
    scorecards = [_scorecard_properties(card, context) for card in cards]
    return sarif_document(
        rules.rules,
        results,
        artifacts,
        context.tool_version,
        _run_properties(context.rubric, scorecards),
    )


_RESULTS = "\x00results\x00"
_SCORECARDS = "\x00scorecards\x00"
"""Placeholders in the log written at the end, where the spooled arrays go."""


class Writer:
    """Results are written as each design is scored, into a temporary file: the rules and
    folder bases they name come first in the log but are known only at the end (a finding
    of a criterion the rubric lacks, a notice, a file outside the base folder).

    Each item is serialised by pydantic-core (several times faster than ``json.dumps``,
    the same text) and indented to its place in the log.
    """

    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out
        self.context = context
        self.rules = RuleIndex(context)
        self.artifacts = Artifacts(context.base_dir)
        self.results = Spool()  # $.runs[0].results[*], 8 spaces in
        self.scorecards = Spool()  # $.runs[0].properties.scorecards[*], 10 spaces in
        self.count = 0

    @staticmethod
    def _append(spool: Spool, value: Any, indent: str) -> None:
        text = indent + safe_json(to_json(value, indent=2).decode("utf-8"))
        spool.write(("\n" if spool.empty else ",\n") + text.replace("\n", "\n" + indent))

    def add(self, card: Scorecard, context: ReportContext) -> None:
        self.count += 1
        for result in _card_results(card, context, self.rules, self.artifacts):
            self._append(self.results, result, " " * 8)
        self._append(self.scorecards, _scorecard_properties(card, context), " " * 10)

    def end(self) -> None:
        if not self.count:
            return
        log = sarif_document(
            self.rules.rules,
            _RESULTS,  # type: ignore[arg-type]
            self.artifacts,
            self.context.tool_version,
            _run_properties(self.context.rubric, _SCORECARDS),
        )
        text = sarif_text(log)
        for placeholder, spool, indent in (
            (_RESULTS, self.results, " " * 6),
            (_SCORECARDS, self.scorecards, " " * 8),
        ):
            before, text = text.split(json.dumps(placeholder), 1)
            self.out.write(before)
            if spool.empty:
                self.out.write("[]")
            else:
                self.out.write("[")
                spool.copy_to(self.out)
                self.out.write("\n" + indent + "]")
        self.out.write(text)


def render(cards: Sequence[Scorecard], context: ReportContext) -> str:
    return render_with(Writer, cards, context)
