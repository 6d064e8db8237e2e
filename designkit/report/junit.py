"""JUnit XML, for CI systems that show test results: one test case per criterion.

``<testsuites>`` holds one ``<testsuite>`` per scored file (named by its path)
and one ``<testcase>`` per evaluated criterion (``classname`` is the dimension
id, ``name`` is ``"ID: title"``). A failing or uncheckable criterion is a
``<failure>`` whose type is its severity; a criterion that does not apply, or
whose failure was accepted in the document, is ``<skipped>``. Scorecard notices
(a suppression comment naming an unknown id) go to the suite's ``<system-out>``.

The output validates against Jenkins' ``junit-10.xsd`` (the schema most JUnit
readers accept): a test case has no ``file`` or ``line`` attribute there, so the
place of a failure is the ``at: path:line`` line of its text, as pytest's xunit2
family does it, and ``<testsuites>`` carries no ``skipped`` count (each suite does).

``designkit lint`` writes the same document: a suite per linted file, a test case
per lint code (``classname`` ``lint``, ``name`` ``"DK301: title"``), so that a
code's history reads like a test's. It fails when the file has a finding of that
code at or above ``--fail-on``, with every such finding as a
``path:line:col: severity CODE message`` line of the failure text; findings below
that severity leave it passing and are listed in its ``<system-out>``. A code the
configuration ignores is ``<skipped>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from designkit.report import render_with, rubric_remediations, with_card_remediations
from designkit.report.spool import Spool
from designkit.report.trend_view import headline, level_change
from designkit.report.verdict_view import BASIS, target_words, verdict_words, weakest_words
from designkit.rubric.scorecard import CriterionResult, Scorecard, Status
from designkit.text_safety import safe_markup

if TYPE_CHECKING:
    from designkit.diagnostics import Diagnostic
    from designkit.report import LintContext, ReportContext

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry at all, even escaped."""


def _clean(text: object) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def _testcase(
    parent: ET.Element,
    card: Scorecard,
    dimension: str,
    result: CriterionResult,
    remediation: str,
) -> str:
    """Add one test case; returns its outcome: passed, failure or skipped."""
    case = ET.SubElement(
        parent,
        "testcase",
        {
            "classname": _clean(dimension),
            "name": _clean(f"{result.id}: {result.title}"),
        },
    )
    if result.status is Status.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", {"message": "not applicable"})
        return "skipped"
    if result.status is Status.PASS:
        return "passed"
    if result.suppressed:
        reason = result.suppression_reason or "no reason given"
        ET.SubElement(case, "skipped", {"message": _clean(f"suppressed: {reason}")})
        return "skipped"
    what = "could not be checked" if result.status is Status.UNKNOWN else "fails"
    detail = result.detail or result.title  # the plain sentence; the trace stays in JSON/SARIF
    remediation = result.remediation or remediation  # worded with this design's values
    if result.template_default and "template" not in detail:
        detail += " (still the template's example value)"
    body = [
        f"{result.id} (level {result.level}, {result.severity}) {what}: {detail}",
        f"remediation: {remediation}" if remediation else "",
        f"at: {card.file}:{max(1, result.line)}",
    ]
    if result.red_flag:
        body.append(f"red flag: {result.red_flag}")
    failure = ET.SubElement(
        case,
        "failure",
        {"message": _clean(f"{result.title}: {detail}"), "type": _clean(result.severity)},
    )
    failure.text = _clean("\n".join(line for line in body if line))
    return "failure"


def _suite(
    card: Scorecard, remediations: dict[str, str], context: ReportContext
) -> tuple[ET.Element, dict[str, int]]:
    suite = ET.Element("testsuite", {"name": _clean(card.file)})
    properties = ET.SubElement(suite, "properties")
    overall = card.overall
    for name, value in (
        ("design", card.name or ""),
        ("rubric", f"{card.rubric.id} {card.rubric.version}"),
        ("score", "" if overall.score is None else f"{overall.score:.1f}"),
        ("level", "" if overall.level is None else str(overall.level)),
        ("level_name", overall.label),
        ("risk", "" if overall.risk is None else overall.risk.value),
        ("verdict", verdict_words(overall)),
        ("verdict_reasons", "; ".join(overall.reasons)),
        ("target", target_words(overall)),
        ("weakest", weakest_words(overall)),
        ("needs_assessment", ", ".join(overall.needs_assessment)),
        ("lint_errors", str(overall.lint_errors)),
        ("basis", BASIS),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": _clean(value)})
    comparison = context.comparisons.get(card.file)
    extra: list[tuple[str, str]] = []
    if comparison is not None:
        extra += [
            ("baseline", comparison.baseline),
            ("trend", headline(comparison)),
            ("new_findings", " ".join(f.criterion for f in comparison.new_findings)),
            ("fixed_findings", " ".join(f.criterion for f in comparison.fixed_findings)),
        ]
        if not comparison.roadmap_only:
            extra += [(f"trend.{d.id}", level_change(d)) for d in comparison.dimensions]
        extra += [(f"changed: {c.label}", f"{c.old} -> {c.new}") for c in comparison.values]
    if context.hidden.get(card.file):
        extra.append(("known_findings_hidden", str(context.hidden[card.file])))
    for name, value in extra:
        ET.SubElement(properties, "property", {"name": _clean(name), "value": _clean(value)})
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for dimension in card.dimensions:
        for result in dimension.criteria:
            outcome = _testcase(suite, card, dimension.id, result, remediations.get(result.id, ""))
            counts["tests"] += 1
            if outcome == "failure":
                counts["failures"] += 1
            elif outcome == "skipped":
                counts["skipped"] += 1
    if card.notices:
        out = ET.SubElement(suite, "system-out")
        out.text = _clean(
            "\n".join(f"{n.severity}: {n.path}:{n.line or 1}: {n.message}" for n in card.notices)
        )
    for key, count in counts.items():
        suite.set(key, str(count))
    return suite, counts


class Writer:
    """Each design's ``<testsuite>`` as it is scored, into a temporary file: the totals
    are attributes of ``<testsuites>``, which comes first."""

    _HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="designkit"'

    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out
        self.remediations = rubric_remediations(context)
        self.suites = Spool()
        self.totals = {"tests": 0, "failures": 0, "errors": 0}  # junit-10.xsd: no "skipped"

    def add(self, card: Scorecard, context: ReportContext) -> None:
        remediations = with_card_remediations(self.remediations, card)
        suite, counts = _suite(card, remediations, context)
        ET.indent(suite, level=1)  # as if indented inside <testsuites>
        self.suites.write("\n  " + safe_markup(ET.tostring(suite, encoding="unicode")))
        for key in self.totals:
            self.totals[key] += counts[key]

    def end(self) -> None:
        if self.suites.empty:
            return
        totals = "".join(f' {key}="{value}"' for key, value in self.totals.items())
        self.out.write(f"{self._HEAD}{totals}>")
        self.suites.copy_to(self.out)
        self.out.write("\n</testsuites>\n")


def render(cards: Sequence[Scorecard], context: ReportContext) -> str:
    return render_with(Writer, cards, context)


def _document(name: str, suites: Sequence[tuple[ET.Element, dict[str, int]]]) -> str:
    """The ``<testsuites>`` document ``score`` and ``lint`` both write, with its totals."""
    root = ET.Element("testsuites", {"name": name})
    totals = {"tests": 0, "failures": 0, "errors": 0}  # junit-10.xsd: no "skipped" here
    for suite, counts in suites:
        root.append(suite)
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{safe_markup(ET.tostring(root, encoding="unicode"))}\n'


# ---------------------------------------------------------------- designkit lint


def _lint_suite(
    path: str, found: Sequence[Diagnostic], context: LintContext
) -> tuple[ET.Element, dict[str, int]]:
    from designkit.diagnostics import format_text, reaches
    from designkit.lint.codes import code_docs

    suite = ET.Element("testsuite", {"name": _clean(path)})
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "fail_on", "value": context.fail_on.value})
    docs = code_docs()
    by_code: dict[str, list[Diagnostic]] = {}
    for diagnostic in found:
        by_code.setdefault(diagnostic.code, []).append(diagnostic)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for code in dict.fromkeys([*docs, *by_code]):  # a code no doc names still gets its case
        title = docs[code].title if code in docs else code
        case = ET.SubElement(
            suite, "testcase", {"classname": "lint", "name": _clean(f"{code}: {title}")}
        )
        counts["tests"] += 1
        if code in context.ignored:
            ET.SubElement(case, "skipped", {"message": "ignored by the configuration"})
            counts["skipped"] += 1
            continue
        mine = by_code.get(code, [])
        failing = [d for d in mine if reaches(d, context.fail_on)]
        if failing:
            worst = min(failing, key=lambda d: d.severity.rank)
            failure = ET.SubElement(
                case,
                "failure",
                {
                    "message": _clean(f"{len(failing)} finding(s); first: {failing[0].message}"),
                    "type": worst.severity.value,
                },
            )
            failure.text = _clean("\n".join(format_text(d) for d in failing))
            counts["failures"] += 1
        passing = [d for d in mine if not reaches(d, context.fail_on)]
        if passing:
            out = ET.SubElement(case, "system-out")
            out.text = _clean("\n".join(format_text(d) for d in passing))
    for key, count in counts.items():
        suite.set(key, str(count))
    return suite, counts


def render_lint(diagnostics: Sequence[Diagnostic], context: LintContext) -> str:
    by_file: dict[str, list[Diagnostic]] = {path: [] for path in context.files}
    for diagnostic in diagnostics:
        by_file.setdefault(diagnostic.path, []).append(diagnostic)
    suites = [_lint_suite(path, found, context) for path, found in by_file.items()]
    return _document("designkit lint", suites)
