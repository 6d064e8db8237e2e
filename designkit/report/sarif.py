"""SARIF 2.1.0 for GitHub code scanning (``github/codeql-action/upload-sarif``).

One run; the rules are every enabled criterion of the rubric, the results are
the findings: the message is the plain sentence about the design, and the
engine-level trace (model path, pattern, raw values) rides along in the result's
``properties`` (``field``, ``trace``) for tools. Every artifact URI is relative,
with forward slashes, to a base named in the run's ``originalUriBaseIds``:
``%SRCROOT%`` is ``context.base_dir`` (the repository root in CI), so code
scanning can place the file; a file outside it is relative to a base of its own
folder (``OUTSIDE1``, ...), so the only absolute ``file://`` URIs are those
bases. Accepted (suppressed) findings are
results with an in-source suppression and their reason as the justification.
Notices (a suppression comment naming an unknown id) are results of the rule
``designkit-notice``, level ``warning`` or ``note``. The driver names the project
(``informationUri``) and each rule links to its section of ``docs/rules.md``
(``helpUri``, see :mod:`designkit.report.rule_docs`).

``designkit lint`` writes the same run (:func:`render_lint`): a rule per lint
code, a result per diagnostic (error, warning, note), at its line and column,
through the same artifact locations, so DK3xx contradictions reach code scanning.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path, PurePath, PureWindowsPath
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from pydantic_core import to_json

from designkit.project import REPOSITORY_URL
from designkit.report import render_with
from designkit.report.markdown import escape
from designkit.report.rule_docs import documented_ids, help_uri
from designkit.report.spool import Spool
from designkit.report.verdict_view import BASIS, verdict_words
from designkit.review.explain import explain_criterion
from designkit.rubric.schema import Criterion, Dimension, Rubric
from designkit.rubric.scorecard import Finding, Notice, Scorecard
from designkit.text_safety import safe_json

if TYPE_CHECKING:
    from designkit.diagnostics import Diagnostic
    from designkit.report import LintContext, ReportContext

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
"""Rubric severity -> SARIF ``level``."""

SECURITY_SEVERITY = {"critical": "9.0", "high": "7.0", "medium": "5.0", "low": "3.0"}
"""Rubric severity -> GitHub's ``security-severity`` (a CVSS-like score, as a string)."""

FINGERPRINT = "designkitCriterionField/v1"

NOTICE_RULE: dict[str, Any] = {
    "id": "designkit-notice",
    "name": "DesignkitNotice",
    "shortDescription": {"text": "How designkit read the design"},
    "fullDescription": {
        "text": "Not a finding about the design: a suppression comment that names an "
        "unknown id, or a red-flag code whose meaning changed in designkit 0.2."
    },
    "help": {
        "text": "Fix the comment the message points at; it does not change any level.",
        "markdown": "Fix the comment the message points at; it does not change any level.",
    },
    "defaultConfiguration": {"level": "warning"},
}


def relative_path(path: str, base_dir: Path) -> str:
    """``path`` relative to ``base_dir`` with forward slashes; as given when outside it."""
    if path in ("", "-"):
        return path
    given = Path(path)
    try:
        absolute = (given if given.is_absolute() else Path.cwd() / given).resolve()
        return absolute.relative_to(base_dir.resolve()).as_posix()
    except (ValueError, OSError):
        return path.replace(os.sep, "/")


def artifact_uri(path: str, base_dir: Path) -> str:
    """A URI reference for a file: relative to ``base_dir`` when under it, else the path as
    given; forward slashes, and characters a URI cannot hold percent-encoded."""
    shown = relative_path(path, base_dir).replace("\\", "/")
    if PureWindowsPath(shown).drive:  # C:/x would read as a URI with the scheme "C"
        return PureWindowsPath(shown).as_uri()
    return quote(shown, safe=_URI_SAFE)


SRCROOT = "%SRCROOT%"
"""The base of every file under ``base_dir``: the name SARIF tools (and CodeQL) use for it."""

_URI_SAFE = "/@!$&'()*+,;=-._~"  # not ":": "a:b/c" would read as a URI with the scheme "a"


def _folder_uri(folder: PurePath) -> str:
    uri = folder.as_uri()
    return uri if uri.endswith("/") else uri + "/"  # SARIF: a base URI ends with a slash


class Artifacts:
    """Relative artifact locations for one run, and the ``originalUriBaseIds`` they need.

    A file under ``base_dir`` is ``{"uri": "designs/a.md", "uriBaseId": "%SRCROOT%"}``;
    a file elsewhere gets a base for its folder, named in order of first use.
    """

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self._bases: dict[str, dict[str, Any]] = {
            SRCROOT: {
                "uri": _folder_uri(base_dir.resolve()),
                "description": {
                    "text": "The folder file paths are relative to (the repository root in CI)."
                },
            }
        }
        self._outside: dict[str, str] = {}  # folder URI -> base id

    def location(self, path: str) -> dict[str, str]:
        """The ``artifactLocation`` of ``path`` (as the design was named on the command line)."""
        shown = relative_path(path, self.base_dir).replace("\\", "/")
        windows = PureWindowsPath(shown)
        if not (windows.drive or shown.startswith(("/", "../")) or shown == ".."):
            return {"uri": quote(shown, safe=_URI_SAFE), "uriBaseId": SRCROOT}
        absolute: PurePath
        if windows.drive:
            absolute = windows
        else:
            absolute = (Path.cwd() / path).resolve() if not Path(path).is_absolute() else Path(path)
        folder = _folder_uri(absolute.parent)
        if folder not in self._outside:
            base = f"OUTSIDE{len(self._outside) + 1}"
            self._outside[folder] = base
            self._bases[base] = {
                "uri": folder,
                "description": {"text": "A folder outside that one, holding a design."},
            }
        return {"uri": quote(absolute.name, safe=_URI_SAFE), "uriBaseId": self._outside[folder]}

    def key(self, location: dict[str, str]) -> str:
        """What fingerprints hash: the URI relative to the base dir, else the absolute one."""
        if location["uriBaseId"] == SRCROOT:
            return location["uri"]
        return str(self._bases[location["uriBaseId"]]["uri"]) + location["uri"]

    def original_uri_base_ids(self) -> dict[str, dict[str, Any]]:
        return dict(self._bases)


def physical_location(
    artifacts: Artifacts, path: str, line: int, column: int = 0
) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(1, line)}
    if column > 0:
        region["startColumn"] = column
    return {"physicalLocation": {"artifactLocation": artifacts.location(path), "region": region}}


def pascal_case(identifier: str) -> str:
    """``SEC-TLS`` -> ``SecTls``; ``The pattern is named`` -> ``ThePatternIsNamed``."""
    return "".join(
        part[:1].upper() + part[1:].lower()
        for part in re.split(r"[^A-Za-z0-9]+", identifier)
        if part
    )


def is_security(criterion_id: str, red_flag: str | None, dimension: str) -> bool:
    return (
        criterion_id.upper().startswith("SEC-")
        or (red_flag or "").upper().startswith("SEC-")
        or dimension == "security"
    )


def _tags(
    dimension: str, level: int, severity: str, red_flag: str | None, security: bool
) -> list[str]:
    tags = ["maturity", dimension, f"level-{level}", severity]
    if red_flag:
        tags.append(red_flag)
    if security:
        tags.append("security")
    return list(dict.fromkeys(tags))  # SARIF tags are a set


def _rule(
    dimension: Dimension, criterion: Criterion, rubric: Rubric, documented: frozenset[str]
) -> dict[str, Any]:
    severity = criterion.severity.value
    why = criterion.why or criterion.title
    security = is_security(criterion.id, criterion.red_flag, dimension.id)
    properties: dict[str, Any] = {
        "tags": _tags(dimension.id, criterion.level, severity, criterion.red_flag, security),
        "dimension": dimension.id,
        "maturityLevel": criterion.level,
    }
    if criterion.red_flag:
        properties["redFlag"] = criterion.red_flag
    if security:
        properties["security-severity"] = SECURITY_SEVERITY[severity]
    explained = explain_criterion(dimension, criterion, rubric)  # the `designkit explain` text
    return _with_help_uri(
        {
            "id": criterion.id,
            "name": pascal_case(criterion.id) or pascal_case(criterion.title),
            "shortDescription": {"text": criterion.title},
            "fullDescription": {"text": why},
            "help": {"text": explained.text(width=None), "markdown": explained.markdown()},
            "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
            "properties": properties,
        },
        documented,
    )


def _with_help_uri(rule: dict[str, Any], documented: frozenset[str]) -> dict[str, Any]:
    """``helpUri`` right after ``help``, when ``docs/rules.md`` has a section for the rule."""
    if rule["id"] not in documented:
        return rule
    ordered: dict[str, Any] = {}
    for key, value in rule.items():
        ordered[key] = value
        if key == "help":
            ordered["helpUri"] = help_uri(rule["id"])
    return ordered


def _rule_from_finding(finding: Finding, documented: frozenset[str]) -> dict[str, Any]:
    """A rule for a finding whose criterion is not in the context's rubric."""
    security = is_security(finding.criterion, finding.red_flag, finding.dimension)
    properties: dict[str, Any] = {
        "tags": _tags(
            finding.dimension, finding.level, finding.severity, finding.red_flag, security
        ),
        "dimension": finding.dimension,
        "maturityLevel": finding.level,
    }
    if security and finding.severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[finding.severity]
    return _with_help_uri(
        {
            "id": finding.criterion,
            "name": pascal_case(finding.criterion) or pascal_case(finding.title),
            "shortDescription": {"text": finding.title},
            "fullDescription": {"text": finding.title},
            "help": {
                "text": f"{finding.title}\n\nRemediation: {finding.remediation}",
                "markdown": (
                    f"{escape(finding.title)}\n\n**Remediation:** {escape(finding.remediation)}"
                ),
            },
            "defaultConfiguration": {"level": LEVELS.get(finding.severity, "warning")},
            "properties": properties,
        },
        documented,
    )


def fingerprint(criterion: str, uri: str, field: str | None) -> str:
    """Stable across runs and line moves: the same criterion on the same value of the same file."""
    key = "\x1f".join((criterion, uri, field or ""))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _result(
    card: Scorecard, finding: Finding, index: int, artifacts: Artifacts, state: str | None = None
) -> dict[str, Any]:
    location = physical_location(artifacts, finding.path or card.file, finding.line)
    uri = artifacts.key(location["physicalLocation"]["artifactLocation"])
    text = finding.message
    if finding.template_default and "template" not in text:
        text += " (still the template's example value)"
    text += ("" if text.endswith((".", "!", "?")) else ".") + f" Remediation: {finding.remediation}"
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
    result: dict[str, Any] = {
        "ruleId": finding.criterion,
        "ruleIndex": index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: fingerprint(finding.criterion, uri, finding.field)},
        "properties": properties,
    }
    if state is not None:
        result["baselineState"] = state
    if finding.suppressed:
        result["suppressions"] = [
            {"kind": "inSource", "justification": finding.suppression_reason or "no reason given"}
        ]
    return result


def _notice(card: Scorecard, notice: Notice, index: int, artifacts: Artifacts) -> dict[str, Any]:
    location = physical_location(artifacts, notice.path or card.file, notice.line or 1)
    uri = artifacts.key(location["physicalLocation"]["artifactLocation"])
    return {
        "ruleId": NOTICE_RULE["id"],
        "ruleIndex": index,
        "level": "warning" if notice.severity == "warning" else "note",
        "message": {"text": notice.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: fingerprint(NOTICE_RULE["id"], uri, notice.message)},
    }


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


class _Rules:
    """The run's rules, in order, and the index results refer to them by."""

    def __init__(self, context: ReportContext) -> None:
        self.rules: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}
        self.documented = documented_ids(context.rubric)
        for dimension, criterion in context.rubric.criteria():
            if criterion.enabled and criterion.id not in self.index:
                self.index[criterion.id] = len(self.rules)
                self.rules.append(_rule(dimension, criterion, context.rubric, self.documented))

    def of_finding(self, finding: Finding) -> int:
        if finding.criterion not in self.index:
            self.index[finding.criterion] = len(self.rules)
            self.rules.append(_rule_from_finding(finding, self.documented))
        return self.index[finding.criterion]

    def of_notice(self) -> int:
        if NOTICE_RULE["id"] not in self.index:
            self.index[NOTICE_RULE["id"]] = len(self.rules)
            self.rules.append(_with_help_uri(NOTICE_RULE, self.documented))
        return self.index[NOTICE_RULE["id"]]


def _card_results(
    card: Scorecard, context: ReportContext, rules: _Rules, artifacts: Artifacts
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
    rules = _Rules(context)
    artifacts = Artifacts(context.base_dir)
    results = [r for card in cards for r in _card_results(card, context, rules, artifacts)]
    scorecards = [_scorecard_properties(card, context) for card in cards]
    return _log(
        rules.rules,
        results,
        artifacts,
        context.tool_version,
        _run_properties(context.rubric, scorecards),
    )


def _log(
    rules: list[dict[str, Any]],
    results: list[dict[str, Any]],
    artifacts: Artifacts,
    tool_version: str,
    properties: dict[str, Any],
) -> dict[str, Any]:
    """The one SARIF document ``score`` and ``lint`` both write: one run of designkit."""
    driver: dict[str, Any] = {
        "name": "designkit",
        "informationUri": REPOSITORY_URL,
        "rules": rules,
    }
    if tool_version:
        driver["version"] = tool_version
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": artifacts.original_uri_base_ids(),
                "results": results,
                "columnKind": "unicodeCodePoints",
                "properties": properties,
            }
        ],
    }


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
        self.rules = _Rules(context)
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
        log = _log(
            self.rules.rules,
            _RESULTS,  # type: ignore[arg-type]
            self.artifacts,
            self.context.tool_version,
            _run_properties(self.context.rubric, _SCORECARDS),
        )
        text = safe_json(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"
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


# ---------------------------------------------------------------- designkit lint

LINT_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
"""Lint severity -> SARIF ``level``."""

LINT_FINGERPRINT = "designkitLintField/v1"


def _lint_rule(code: str, documented: frozenset[str]) -> dict[str, Any]:
    """A lint code as a SARIF rule: its ``designkit explain`` text is the help."""
    from designkit.lint.codes import code_docs
    from designkit.review.explain import explain_code

    doc = code_docs().get(code)
    explained = explain_code(code)
    if doc is None or explained is None:  # a code this version does not document
        return {"id": code, "defaultConfiguration": {"level": "warning"}}
    return _with_help_uri(
        {
            "id": code,
            "name": pascal_case(doc.name),
            "shortDescription": {"text": doc.title},
            "fullDescription": {"text": doc.why or doc.title},
            "help": {"text": explained.text(width=None), "markdown": explained.markdown()},
            "defaultConfiguration": {"level": LINT_LEVELS[doc.severity.value]},
            "properties": {"tags": ["lint", doc.name]},
        },
        documented,
    )


def _lint_result(diagnostic: Diagnostic, index: int, artifacts: Artifacts) -> dict[str, Any]:
    location = physical_location(artifacts, diagnostic.path, diagnostic.line, diagnostic.column)
    uri = artifacts.key(location["physicalLocation"]["artifactLocation"])
    text = diagnostic.message
    if diagnostic.hint:
        text += ("" if text.endswith((".", "!", "?")) else ".") + f" Hint: {diagnostic.hint}"
    properties: dict[str, Any] = {"severity": diagnostic.severity.value}
    if diagnostic.field:
        properties["field"] = diagnostic.field
    # the field says which value; a finding about no value is told apart by its words
    key = diagnostic.field or diagnostic.message
    return {
        "ruleId": diagnostic.code,
        "ruleIndex": index,
        "level": LINT_LEVELS[diagnostic.severity.value],
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {LINT_FINGERPRINT: fingerprint(diagnostic.code, uri, key)},
        "properties": properties,
    }


def lint_sarif_log(diagnostics: Sequence[Diagnostic], context: LintContext) -> dict[str, Any]:
    """``designkit lint``'s SARIF: a rule per lint code (less the ignored), a result per finding."""
    from designkit.lint.codes import code_docs

    documented = frozenset(code_docs())  # every lint code has its section; no rubric to load
    artifacts = Artifacts(context.base_dir)
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    codes = [code for code in code_docs() if code not in context.ignored]
    for code in [*codes, *(d.code for d in diagnostics)]:
        if code not in index:
            index[code] = len(rules)
            rules.append(_lint_rule(code, documented))
    results = [_lint_result(d, index[d.code], artifacts) for d in diagnostics]
    properties = {"command": "lint", "failOn": context.fail_on.value}
    return _log(rules, results, artifacts, context.tool_version, properties)


def render_lint(diagnostics: Sequence[Diagnostic], context: LintContext) -> str:
    log = lint_sarif_log(diagnostics, context)
    return safe_json(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"
