"""The rules of a designkit SARIF run: every enabled criterion of the rubric.

A rule's help is the ``designkit explain`` text of its criterion, its level and
``security-severity`` follow the criterion's severity, and each rule links to its
section of ``docs/rules.md`` (``helpUri``, see :mod:`designkit.report.rule_docs`).
A finding whose criterion the rubric lacks gets a rule made from the finding;
notices (a suppression comment naming an unknown id) share the rule
``designkit-notice``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from designkit.report.markdown import escape
from designkit.report.rule_docs import documented_ids, help_uri
from designkit.review.explain import explain_criterion
from designkit.rubric.schema import Criterion, Dimension, Rubric
from designkit.rubric.scorecard import Finding

if TYPE_CHECKING:
    from designkit.report import ReportContext

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
"""Rubric severity -> SARIF ``level``."""

SECURITY_SEVERITY = {"critical": "9.0", "high": "7.0", "medium": "5.0", "low": "3.0"}
"""Rubric severity -> GitHub's ``security-severity`` (a CVSS-like score, as a string)."""

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


def rule_entry(
    rule_id: str,
    *,
    name: str,
    short: str,
    full: str,
    help_message: dict[str, str],
    level: str,
    properties: dict[str, Any],
    documented: frozenset[str],
) -> dict[str, Any]:
    """A ``reportingDescriptor``, with ``helpUri`` right after ``help`` when
    ``docs/rules.md`` has a section for the rule."""
    rule: dict[str, Any] = {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": help_message,
    }
    if rule_id in documented:
        rule["helpUri"] = help_uri(rule_id)
    rule["defaultConfiguration"] = {"level": level}
    rule["properties"] = properties
    return rule


def with_help_uri(rule: dict[str, Any], documented: frozenset[str]) -> dict[str, Any]:
    """``helpUri`` right after ``help``, when ``docs/rules.md`` has a section for the rule."""
    if rule["id"] not in documented:
        return rule
    ordered: dict[str, Any] = {}
    for key, value in rule.items():
        ordered[key] = value
        if key == "help":
            ordered["helpUri"] = help_uri(rule["id"])
    return ordered


def criterion_rule(
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
    return rule_entry(
        criterion.id,
        name=pascal_case(criterion.id) or pascal_case(criterion.title),
        short=criterion.title,
        full=why,
        help_message={"text": explained.text(width=None), "markdown": explained.markdown()},
        level=LEVELS.get(severity, "warning"),
        properties=properties,
        documented=documented,
    )


def finding_rule(finding: Finding, documented: frozenset[str]) -> dict[str, Any]:
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
    return rule_entry(
        finding.criterion,
        name=pascal_case(finding.criterion) or pascal_case(finding.title),
        short=finding.title,
        full=finding.title,
        help_message={
            "text": f"{finding.title}\n\nRemediation: {finding.remediation}",
            "markdown": (
                f"{escape(finding.title)}\n\n**Remediation:** {escape(finding.remediation)}"
            ),
        },
        level=LEVELS.get(finding.severity, "warning"),
        properties=properties,
        documented=documented,
    )


class RuleIndex:
    """The run's rules, in order, and the index results refer to them by."""

    def __init__(self, context: ReportContext) -> None:
        self.rules: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}
        self.documented = documented_ids(context.rubric)
        for dimension, criterion in context.rubric.criteria():
            if criterion.enabled and criterion.id not in self.index:
                self.index[criterion.id] = len(self.rules)
                self.rules.append(
                    criterion_rule(dimension, criterion, context.rubric, self.documented)
                )

    def of_finding(self, finding: Finding) -> int:
        if finding.criterion not in self.index:
            self.index[finding.criterion] = len(self.rules)
            self.rules.append(finding_rule(finding, self.documented))
        return self.index[finding.criterion]

    def of_notice(self) -> int:
        if NOTICE_RULE["id"] not in self.index:
            self.index[NOTICE_RULE["id"]] = len(self.rules)
            self.rules.append(with_help_uri(NOTICE_RULE, self.documented))
        return self.index[NOTICE_RULE["id"]]
