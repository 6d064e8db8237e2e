"""Every code ``designkit lint`` can report, with the text ``designkit explain`` shows.

Model rules document themselves: their module docstring's first line is the
title, the paragraphs after it say why it matters, ``PASS:``/``FAIL:`` lines are
examples and ``FIX:`` says what to do. Parser codes (DK1xx, DK2xx) and the
diagram-arrow code DK405 come from the parser, so their texts live here.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from designkit.diagnostics import Severity
from designkit.lint.engine import RULES, Rule


@dataclass(frozen=True, slots=True)
class CodeDoc:
    code: str
    name: str
    severity: Severity
    title: str
    why: str
    passes: tuple[str, ...]
    fails: tuple[str, ...]
    fix: str


_PARSER: tuple[CodeDoc, ...] = (
    CodeDoc(
        "DK101",
        "missing-section",
        Severity.WARNING,
        "A template section is missing",
        "Every later check reads the template's sections; a missing one is a whole topic "
        "(error handling, security) the design does not cover.",
        ("## Error Handling\n\n### Retry Logic\n...",),
        ("a document with no '## Error Handling' heading",),
        "Add the section with the template's heading, e.g. '## Open Questions', and fill it "
        "(write N/A where a part does not apply).",
    ),
    CodeDoc(
        "DK102",
        "missing-subsection",
        Severity.INFO,
        "A sub-section heading is missing",
        "Its content may still be read from the parent section, but readers and tools find "
        "it faster under its own heading.",
        ("### Dead Letter Queue\n\n- **When**: after max retries",),
        ("'- **When**: after max retries' directly under '## Error Handling'",),
        "Add the template's sub-heading, e.g. '### Dead Letter Queue', above its content.",
    ),
    CodeDoc(
        "DK103",
        "duplicate-section",
        Severity.WARNING,
        "A section appears twice",
        "Only the first copy is read; the second is kept as an extra section, so its values "
        "are silently ignored.",
        ("one '## Security' section",),
        ("'## Security' twice, e.g. an old copy pasted below the new one",),
        "Merge the two sections into one.",
    ),
    CodeDoc(
        "DK104",
        "missing-table",
        Severity.WARNING,
        "A section has no table with the columns it needs",
        "Retry policies, mappings and metrics are read from tables; prose in their place "
        "cannot be checked or turned into configuration.",
        (
            "| Scenario | Strategy | Max Attempts | Backoff | Timeout |\n|---|---|---|---|---|\n"
            "| API timeout | Exponential | 3 | 1s, 2s, 4s | 30s |",
        ),
        ("'We retry three times with backoff.' as the only text under '### Retry Logic'",),
        "Use the template's table with its column headings; extra columns are kept.",
    ),
    CodeDoc(
        "DK105",
        "loose-heading",
        Severity.INFO,
        "A section was read from a heading that only loosely names it",
        "A heading such as 'Security Considerations' contains a name of a template section "
        "among other words, so designkit reads it as that section; the finding says which "
        "heading was read as which section, so a wrong reading is seen rather than trusted. "
        "Headings inside another section (a week of a plan, a finding, a field list) and "
        "generic words ('Enhancement Summary', 'Auth Spec') are never read this way.",
        ("## Security Design", "## Error Handling"),
        ("## Security Considerations (read as 'Security Design')",),
        "Use the template's heading (e.g. '## Security Design') if that is what the section "
        "is, or a heading that does not name a template section if it is not.",
    ),
    CodeDoc(
        "DK106",
        "not-from-template",
        Severity.INFO,
        "The document is not written from the template",
        "An integration document without the '# Integration Design: NAME' title (an ADR, a "
        "review report, requirements, a current-state description, an improvement plan) is "
        "read for what maps onto the template, and the model names its kind "
        "(document_kind). The finding says how many of the template's sections were found, "
        "so an empty model reads as 'not this kind of document', not as 'a poor design'.",
        ("# Integration Design: Orders to NetSuite",),
        ("# ADR-014: Retry failed webhook deliveries (read as an ADR; 1 of 33 sections)",),
        "To review it as a design, move its content onto the template's headings under a "
        "'# Integration Design: NAME' title.",
    ),
    CodeDoc(
        "DK201",
        "placeholder",
        Severity.WARNING,
        "A placeholder or template slot is left unfilled",
        "A '[X]', 'TBD' or empty cell is a decision not yet made; every check that needs the "
        "value reports it unknown, which holds the maturity level back.",
        ("**Retention period**: 14 days",),
        ("**Retention period**: [X days]", "| Owner | TBD |"),
        "Fill in the value, or write N/A when it does not apply.",
    ),
    CodeDoc(
        "DK202",
        "unparseable-value",
        Severity.ERROR,
        "A value does not parse",
        "Durations, counts and percentages become numbers in the model; a value designkit "
        "cannot read is one nobody's code can execute either.",
        ("| 3 | 1s, 2s, 4s | 30s |",),
        ("| three-ish | 1s, 2s, 4s | 30s |",),
        "Write the value in a form people and tools read the same way: '3', '30s', '5m', "
        "'99.9%', '2 weeks'.",
    ),
    CodeDoc(
        "DK203",
        "invalid-canonical-json",
        Severity.ERROR,
        "The canonical model's JSON block is invalid",
        "The canonical model is the contract between source and target; mapping checks "
        "(DK302, DK303) need to read it.",
        ('```json\n{"entity": "Order", "fields": [{"name": "order_id", "required": true}]}\n```',),
        ('```json\n{"entity": "Order", "fields": [{"name": "order_id",}]}\n```',),
        "Fix the JSON (a trailing comma, a missing quote); `python -m json.tool` shows where.",
    ),
    CodeDoc(
        "DK405",
        "dangling-arrow",
        Severity.WARNING,
        "An arrow in the text diagram has no box at one end",
        "An arrow that points at nothing is a connection nobody can secure, monitor or draw.",
        ("[Shopify] --orders/create--> [Ingest Lambda]",),
        ("[Shopify] --orders/create--> ",),
        "Put the box at both ends of every arrow, e.g. '[Ingest Lambda] --> [MSK topic]'.",
    ),
    CodeDoc(
        "DK501",
        "scaffold-unread-value",
        Severity.WARNING,
        "designkit scaffold cannot read a value into the pipeline's configuration",
        "The generated pipeline runs what its configuration says; a value the scaffold "
        "cannot map (a validation 'When' that names no stage, a trigger it cannot read) "
        "gets a default instead, marked in config/pipeline.yaml, and this warning says so "
        "rather than letting the design's intent vanish silently.",
        ("| Required fields | Pre-send | Reject |",),
        ("| Required fields | Whenever convenient | Reject |",),
        "Write the value the way the template does (When: Pre-send, Post-receive or On "
        "receipt), or set it in config/pipeline.yaml after scaffolding.",
    ),
    CodeDoc(
        "DK502",
        "scaffold-unmapped-required-field",
        Severity.WARNING,
        "A required canonical field has no mapping row, so the pipeline rejects every record",
        "The generated pipeline checks required fields before it loads; a required field "
        "that no Mapping Specifications row fills is empty in every record, so every record "
        "is dead-lettered and `run` exits 1. The design is incomplete there, and scaffolding "
        "says so before the first run does.",
        ("| amount | decimal | Direct | amount_usd | decimal | |",),
        ("(no Mapping Specifications row with Target Field amount_usd)",),
        "Add a Mapping Specifications row whose Target Field is the required field, or mark "
        "the field not required in the canonical model.",
    ),
)

_LABEL = re.compile(r"^(PASS|FAIL|FIX):\s?(.*)$")


def _from_rule(rule: Rule) -> CodeDoc:
    """Title, why, PASS/FAIL examples and FIX from a rule module's docstring."""
    doc = (sys.modules[rule.check.__module__].__doc__ or "").strip()
    lines = doc.splitlines()
    title = lines[0].strip() if lines else rule.name
    why: list[str] = []
    sections: dict[str, list[str]] = {"PASS": [], "FAIL": [], "FIX": []}
    current: str | None = None
    for line in lines[1:]:
        match = _LABEL.match(line.strip())
        if match:
            current = match.group(1)
            sections[current].append(match.group(2))
        elif current and line.startswith(" ") and line.strip():
            sections[current][-1] += "\n" + line.strip()
        elif current is None:
            why.append(line.strip())
        elif not line.strip():
            current = None if current == "FIX" else current
    return CodeDoc(
        code=rule.code,
        name=rule.name,
        severity=rule.severity,
        title=title.rstrip("."),
        why=" ".join(" ".join(why).split()),
        passes=tuple(sections["PASS"]),
        fails=tuple(sections["FAIL"]),
        fix=" ".join(" ".join(sections["FIX"]).split()),
    )


def code_docs() -> dict[str, CodeDoc]:
    """Every lint code, in code order."""
    docs = {doc.code: doc for doc in _PARSER}
    docs.update({rule.code: _from_rule(rule) for rule in RULES})
    return dict(sorted(docs.items()))
