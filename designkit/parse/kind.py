"""What sort of integration document a file is, and whether it is one at all.

Teams that use the template also write other documents about the same
integrations: architecture decision records, review reports, requirements,
descriptions of how a flow runs today, improvement plans. They are read like a
design (whatever maps onto the template is read) and named by their shape, so a
report can say that a gap is the kind's, not the author's.

A document is recognised by what it is built from, never by a single word:
headings (an ADR has Context and Decision), the title, and for requirements the
share of shall/must statements. Each kind needs two independent signs, so a
design with one ``## Recommendations`` heading stays a design.

Refusing a file is kept for what has no integration content at all (a library
README, a changelog): no template section, no table of systems, flows or
mappings, and no integration-document shape with integration vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from designkit.model import DocumentKind
from designkit.parse.markdown import DocumentTree, Section
from designkit.parse.values import normalise_key

KIND_WORDS: dict[DocumentKind, str] = {
    DocumentKind.DESIGN: "Design",
    DocumentKind.IMPROVEMENT_ROADMAP: "Improvement roadmap",
    DocumentKind.ADR: "ADR",
    DocumentKind.CURRENT_STATE: "Current-state description",
    DocumentKind.REVIEW_REPORT: "Review report",
    DocumentKind.REQUIREMENTS: "Requirements document",
}
"""How each kind is written in messages and in a ``**Document Kind**:`` line."""

DECLARED_KINDS: dict[str, DocumentKind] = {
    "design": DocumentKind.DESIGN,
    "integration_design": DocumentKind.DESIGN,
    "new_design": DocumentKind.DESIGN,
    "improvement_roadmap": DocumentKind.IMPROVEMENT_ROADMAP,
    "improvement_plan": DocumentKind.IMPROVEMENT_ROADMAP,
    "roadmap": DocumentKind.IMPROVEMENT_ROADMAP,
    "adr": DocumentKind.ADR,
    "architecture_decision_record": DocumentKind.ADR,
    "decision_record": DocumentKind.ADR,
    "current_state": DocumentKind.CURRENT_STATE,
    "current_state_description": DocumentKind.CURRENT_STATE,
    "as_is": DocumentKind.CURRENT_STATE,
    "review_report": DocumentKind.REVIEW_REPORT,
    "review": DocumentKind.REVIEW_REPORT,
    "design_review": DocumentKind.REVIEW_REPORT,
    "assessment": DocumentKind.REVIEW_REPORT,
    "requirements": DocumentKind.REQUIREMENTS,
    "requirements_document": DocumentKind.REQUIREMENTS,
    "requirements_specification": DocumentKind.REQUIREMENTS,
    "prd": DocumentKind.REQUIREMENTS,
}
"""The values a ``**Document Kind**:`` line may take (snake case, loosely)."""

# --------------------------------------------------------------------------- shape signs

_ADR_TITLE = re.compile(r"^(?:adr\b|architecture decision|decision record)")
_ADR_HEADINGS = (
    "context",
    "decision",
    "decision outcome",
    "status",
    "consequences",
    # MADR, the other common ADR template
    "context and problem statement",
    "decision drivers",
    "considered options",
    "pros and cons of the options",
)
_ADR_CORE = frozenset({"context", "decision", "decision outcome", "context and problem statement"})
"""An ADR states its context or its decision; the other headings only support that."""
_REVIEW_TITLE = re.compile(r"\b(?:review|assessment|audit|feasibility|analysis|evaluation)\b")
_REVIEW_HEADINGS = (
    "findings",
    "finding",
    "recommendations",
    "recommendation",
    "verdict",
    "observations",
    "review scope",
    "assessment",
    "conclusion",
    "conclusions",
)
_REQUIREMENT_TITLE = re.compile(r"\b(?:requirements?|prd|specification|spec)\b")
_REQUIREMENT_HEADINGS = ("requirements", "user stories", "acceptance criteria", "use cases")
_SHALL = re.compile(r"\b(?:shall|must)\b", re.IGNORECASE)
_CURRENT_WORDS = re.compile(
    r"\b(?:current state|as is|today|existing|known issues|pain points|current architecture|"
    r"current process|current flow|limitations)\b"
)
_ROADMAP_WORDS = re.compile(
    r"\b(?:roadmap|improvement|improvements|enhancement|enhancements|remediation|"
    r"target state|gap analysis|migration plan|modernisation|modernization)\b"
)
_PLAN_ITEM = re.compile(r"^(?:week|sprint|milestone|phase|task)\s+\d")


def _headings(tree: DocumentTree, skip: int | None) -> list[str]:
    return [
        normalise_key(section.title)
        for index, section in enumerate(tree.sections)
        if section.level > 0 and index != skip
    ]


def _has_heading(headings: Iterable[str], names: Sequence[str]) -> int:
    """How many of ``names`` stand as a heading or as its last words (``Key Findings``)."""
    found = 0
    listed = list(headings)
    for name in names:
        if any(h == name or h.endswith(" " + name) or h.startswith(name + " ") for h in listed):
            found += 1
    return found


@dataclass(frozen=True, slots=True)
class Shape:
    """The kind a document's shape suggests, and the signs that said so (for messages)."""

    kind: DocumentKind
    signs: tuple[str, ...] = ()


def recognise_shape(tree: DocumentTree, title: Section | None) -> Shape:
    """The kind of a document not written from the template; ``design`` when unsure."""
    title_index = tree.sections.index(title) if title is not None else None
    headings = _headings(tree, title_index)
    heading_set = set(headings)
    name = normalise_key(title.title) if title is not None else ""
    scores: dict[DocumentKind, list[str]] = {kind: [] for kind in DocumentKind}

    adr = scores[DocumentKind.ADR]
    if _ADR_TITLE.search(name):
        adr.append("an ADR title")
    for word in _ADR_HEADINGS:
        if word in heading_set:
            adr.append(f"a '{word.title()}' heading")
    if not (_ADR_CORE & heading_set) and len(adr) < 3:
        adr.clear()  # Status and Consequences alone are not an ADR

    review = scores[DocumentKind.REVIEW_REPORT]
    if _REVIEW_TITLE.search(name):
        review.append("a review title")
    hits = _has_heading(headings, _REVIEW_HEADINGS)
    review.extend(["findings/recommendations/verdict headings"] * min(hits, 3))

    requirements = scores[DocumentKind.REQUIREMENTS]
    if _REQUIREMENT_TITLE.search(name):
        requirements.append("a requirements title")
    hits = _has_heading(headings, _REQUIREMENT_HEADINGS)
    requirements.extend(["requirements headings"] * min(hits, 2))
    statements = sum(
        1
        for section in tree.sections
        for line in section.lines
        if _SHALL.search(line.text) is not None
    ) + sum(
        1
        for section in tree.sections
        for table in section.tables
        for row in table.rows
        if any(_SHALL.search(cell) for cell in row.cells)
    )
    if statements >= 3:
        requirements.append("shall/must statements")

    current = scores[DocumentKind.CURRENT_STATE]
    if _CURRENT_WORDS.search(name):
        current.append("a current-state title")
    hits = sum(1 for heading in headings if _CURRENT_WORDS.search(heading))
    current.extend(["as-is headings"] * min(hits, 2))

    roadmap = scores[DocumentKind.IMPROVEMENT_ROADMAP]
    if _ROADMAP_WORDS.search(name):
        roadmap.append("an improvement title")
    hits = sum(1 for heading in headings if _ROADMAP_WORDS.search(heading))
    roadmap.extend(["improvement headings"] * min(hits, 2))
    if sum(1 for heading in headings if _PLAN_ITEM.match(heading)) >= 2:
        roadmap.append("a plan by week, phase or task")
    if any(
        {"current", "target"} <= {normalise_key(cell) for cell in table.header}
        for section in tree.sections
        for table in section.tables
    ):
        roadmap.append("a current vs target table")

    best = DocumentKind.DESIGN
    signs: list[str] = []
    for kind in (
        DocumentKind.ADR,
        DocumentKind.REVIEW_REPORT,
        DocumentKind.REQUIREMENTS,
        DocumentKind.CURRENT_STATE,
        DocumentKind.IMPROVEMENT_ROADMAP,
    ):
        found = scores[kind]
        if len(found) >= 2 and len(found) > len(signs):
            best, signs = kind, found
    return Shape(best, tuple(dict.fromkeys(signs)))


# --------------------------------------------------------------------------- integration content

_VOCABULARY = re.compile(
    r"\b(integrat\w*|sync\w*|webhooks?|apis?|endpoints?|payloads?|queues?|retr(?:y|ies)|"
    r"dead[\s-]?letter|dlq|idempoten\w*|mappings?|oauth|etl|elt|middleware|ipaas|connectors?|"
    r"upserts?|polling|brokers?|kafka|rabbitmq|sftp|soap|idocs?|erp|crm|"
    r"source system|target system|message|events?)\b",
    re.IGNORECASE,
)
_STEMS = {
    "integration": "integrat",
    "integrations": "integrat",
    "integrate": "integrat",
    "integrated": "integrat",
}
_LIBRARY_HEADINGS = frozenset(
    {
        "installation",
        "install",
        "usage",
        "getting started",
        "quick start",
        "quickstart",
        "license",
        "licence",
        "contributing",
        "changelog",
        "unreleased",
        "added",
        "changed",
        "fixed",
        "removed",
        "deprecated",
        "api reference",
        "authors",
        "credits",
    }
)
_VERSION_HEADING = re.compile(r"^\[v?\d+\.\d+(?:\.\d+)?\]|^v?\d+\.\d+\.\d+\b")
_FLOW_SOURCE = frozenset({"source", "from", "origin", "producer", "sender", "upstream"})
_FLOW_TARGET = frozenset({"target", "destination", "to", "consumer", "receiver", "downstream"})
_FLOW_OTHER = frozenset(
    {"system", "systems", "direction", "protocol", "pattern", "frequency", "trigger"}
)
_FLOW_NAME = frozenset({"flow", "interface", "integration", "feed", "connection"})


def vocabulary(text: str, limit: int = 3) -> int:
    """How many distinct integration terms the text uses, counting up to ``limit``."""
    seen: set[str] = set()
    for match in _VOCABULARY.finditer(text):
        word = match.group(1).lower()
        seen.add(_STEMS.get(word, word.rstrip("s")))
        if len(seen) >= limit:
            break
    return len(seen)


def is_flow_table(header: Sequence[str]) -> bool:
    """A table of systems or flows: Source and Target columns, or a Flow column with a
    System/Direction/Protocol/Pattern/Frequency/Trigger column."""
    words = [set(normalise_key(cell).split()) for cell in header]
    cells = set().union(*words) if words else set()
    if cells & _FLOW_SOURCE and cells & _FLOW_TARGET:
        return True
    return bool(cells & _FLOW_NAME) and bool(cells & _FLOW_OTHER)


def library_shape(tree: DocumentTree) -> bool:
    """Headed like a library README or a changelog (Installation, Usage; Added, Fixed; 1.2.0)."""
    hits = 0
    for section in tree.sections:
        if section.level == 0:
            continue
        key = normalise_key(section.title)
        if key in _LIBRARY_HEADINGS or _VERSION_HEADING.match(section.title.strip()):
            hits += 1
            if hits >= 2:
                return True
    return False


def has_flow_table(tree: DocumentTree) -> bool:
    return any(is_flow_table(table.header) for section in tree.sections for table in section.tables)
