"""``designkit lint`` as SARIF 2.1.0: the same document ``designkit score`` writes
(:mod:`designkit.report.sarif_document`), with a rule per lint code and a result per
diagnostic (error, warning, note) at its line and column, through the same artifact
locations, so DK3xx contradictions reach code scanning.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from designkit.report.sarif_document import located_result, sarif_document, sarif_text, then
from designkit.report.sarif_locations import Artifacts
from designkit.report.sarif_rules import pascal_case, rule_entry

if TYPE_CHECKING:
    from designkit.diagnostics import Diagnostic
    from designkit.report import LintContext

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
    return rule_entry(
        code,
        name=pascal_case(doc.name),
        short=doc.title,
        full=doc.why or doc.title,
        help_message={"text": explained.text(width=None), "markdown": explained.markdown()},
        level=LINT_LEVELS[doc.severity.value],
        properties={"tags": ["lint", doc.name]},
        documented=documented,
    )


def _lint_result(diagnostic: Diagnostic, index: int, artifacts: Artifacts) -> dict[str, Any]:
    text = diagnostic.message
    if diagnostic.hint:
        text = then(text, f" Hint: {diagnostic.hint}")
    properties: dict[str, Any] = {"severity": diagnostic.severity.value}
    if diagnostic.field:
        properties["field"] = diagnostic.field
    result = located_result(
        artifacts,
        rule_id=diagnostic.code,
        index=index,
        level=LINT_LEVELS[diagnostic.severity.value],
        text=text,
        path=diagnostic.path,
        line=diagnostic.line,
        column=diagnostic.column,
        fingerprint_name=LINT_FINGERPRINT,
        # the field says which value; a finding about no value is told apart by its words
        fingerprint_field=diagnostic.field or diagnostic.message,
    )
    result["properties"] = properties
    return result


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
    return sarif_document(rules, results, artifacts, context.tool_version, properties)


def render_lint(diagnostics: Sequence[Diagnostic], context: LintContext) -> str:
    return sarif_text(lint_sarif_log(diagnostics, context))
