"""Section tree -> plain data for :class:`~designkit.model.Design`, section by section.

The driver: it reads the header, then asks every registered section reader
(:mod:`designkit.parse.readers.registry`) for its value, in the template's order,
and puts each where the model wants it. Everything a reader needs (the outline,
where to look, how a value is reported) is in :class:`~designkit.parse.readers.core.Reader`;
what concerns the document as a whole (is it an integration document at all, what
kind, which sections are missing) is decided here, once every section is read.

Every malformed piece becomes a diagnostic, never an exception: a reviewer
wants all the problems of a document in one run. Every value that lands in the
model records where it came from (``locations``), so later stages can point at
the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from designkit.diagnostics import Diagnostic, Severity
from designkit.model import DesignType, DocumentKind
from designkit.parse.kind import (
    KIND_WORDS,
    document_index,
    has_flow_table,
    library_shape,
    vocabulary,
)
from designkit.parse.markdown import DocumentTree, clean_title
from designkit.parse.readers import meta
from designkit.parse.readers.core import Location, Reader
from designkit.parse.readers.registry import SECTIONS
from designkit.parse.sections import SPECS, TOP_LEVEL, Confidence

_INTEGRATION_SUBSECTIONS = frozenset(spec.key for spec in SPECS.values() if spec.integration)


@dataclass
class Extraction:
    """What the extractor produced: plain data for the model, plus diagnostics and locations."""

    data: dict[str, Any]
    diagnostics: list[Diagnostic]
    locations: dict[str, Location]
    sections: dict[str, int] = field(default_factory=dict)
    confidence: dict[str, Confidence] = field(default_factory=dict)
    """How sure each section's heading match is (exact, alias, loose)."""
    integration: bool = True
    """Whether there is anything here to read as an integration document (see
    :func:`is_integration_document`); the caller refuses the file when not."""


def extract(tree: DocumentTree, path: str) -> Extraction:
    """Read every section of ``tree`` (the file at ``path``, for diagnostics)."""
    doc = Reader(tree, path)
    data: dict[str, Any] = {"meta": meta.read(doc)}
    kind = document_kind(doc)
    if not meta.is_titled(doc):
        _report_not_from_template(doc, kind)
    data["document_kind"] = kind
    for reader in SECTIONS:
        if reader.read is not None:
            _put(data, reader.field, reader.read(doc))
    data["extra_sections"] = [
        {"title": clean_title(section.title), "text": text} for section, text in doc.outline.extras
    ]
    for index, (section, _) in enumerate(doc.outline.extras):
        doc.at(f"extra_sections[{index}]", section.line)
    _report_missing(doc)
    return Extraction(
        data,
        doc.diagnostics,
        doc.locations,
        {key: section.line for key, section in doc.outline.by_key.items()},
        {key: found.confidence for key, found in doc.outline.found.items()},
        is_integration_document(doc, drawn=bool(_edges(data))),
    )


def _edges(data: dict[str, Any]) -> list[Any]:
    edges: list[Any] = data.get("architecture", {}).get("diagram", {}).get("edges") or []
    return edges


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``data`` at dotted ``path``; a dict value is merged into a dict already there."""
    *parents, name = path.split(".")
    for parent in parents:
        data = data.setdefault(parent, {})
    if isinstance(value, dict) and isinstance(data.get(name), dict):
        data[name].update(value)
    else:
        data[name] = value


_PLAIN_VOCABULARY = 5
"""Distinct integration terms a document with no section and no recognised shape needs:
more than the three a shaped one needs, since nothing else says what it is about."""


def is_integration_document(doc: Reader, *, drawn: bool = False) -> bool:
    """Whether there is anything here to read as an integration document.

    The template's title or two of its sections are enough (as they always
    were). Otherwise one of: an integration sub-section named as the template
    names it (Retry Logic, Dead Letter Queue, Mapping Specifications...), a
    table of systems, flows or mappings (Source and Target columns), or a
    section or an integration-document shape (ADR, review, requirements...)
    together with integration vocabulary. A library README, a changelog or an
    index of other documents (a ``designs/README.md``) needs more than vocabulary:
    it talks about APIs and retries too. A drawn
    architecture (box drawing, Mermaid flowchart: ``drawn``) is integration content
    on its own, and a document of no known shape is read when it uses at least
    :data:`_PLAIN_VOCABULARY` integration terms (a description of how a flow works).
    """
    by_key = doc.outline.by_key
    if meta.is_titled(doc):
        return True
    if sum(1 for spec in TOP_LEVEL if spec.key in by_key) >= 2:
        return True
    if any(
        key in _INTEGRATION_SUBSECTIONS and found.confidence is not Confidence.LOOSE
        for key, found in doc.outline.found.items()
    ):
        return True
    if has_flow_table(doc.tree):
        return True
    if library_shape(doc.tree) or document_index(doc.tree) is not None:
        return False
    if drawn:
        return True
    text = "\n".join(doc.tree.source_lines)
    if not by_key and doc.declared_kind is None and doc.shape().kind is DocumentKind.DESIGN:
        return vocabulary(text, limit=_PLAIN_VOCABULARY) >= _PLAIN_VOCABULARY
    return vocabulary(text) >= 3


def document_kind(doc: Reader) -> DocumentKind:
    """Stated (``**Document Kind**: ADR``), else ``design`` for a template document,
    else what the document's shape says."""
    if doc.declared_kind is not None:
        return doc.declared_kind
    if meta.is_titled(doc):
        return DocumentKind.DESIGN
    if doc.declared_type is DesignType.IMPROVEMENT_ROADMAP:
        return DocumentKind.IMPROVEMENT_ROADMAP
    return doc.shape().kind


def _report_not_from_template(doc: Reader, kind: DocumentKind) -> None:
    found = [spec.title for spec in SPECS.values() if spec.key in doc.outline.by_key]
    named = f" ({', '.join(found)})" if found else ""
    shape = doc.shape()
    signs = shape.signs if kind is shape.kind else ()
    why = f" ({', '.join(signs)})" if signs and doc.declared_kind is None else ""
    doc.report(
        "DK106",
        Severity.INFO,
        "not written from the template (no '# Integration Design: NAME' title): read as "
        f"{_with_article(KIND_WORDS[kind])}{why}; "
        f"{len(found)} of {len(SPECS)} template sections found{named}",
        1,
        1,
        "document_kind",
        "designkit reads what maps onto the template; the rest is kept as extra sections",
    )


def _with_article(words: str) -> str:
    """``an ADR``, ``a review report``, ``an improvement roadmap``."""
    if words.isupper():
        return ("an " if words[0] in "AEFHILMNORSX" else "a ") + words
    return ("an " if words[0].lower() in "aeiou" else "a ") + words[0].lower() + words[1:]


def _report_missing(doc: Reader) -> None:
    by_key = doc.outline.by_key
    for spec in SPECS.values():
        if spec.key in by_key:
            continue
        if spec.key == "phases" and doc.outline.phases:
            continue
        if spec.parent is None:
            doc.report(
                "DK101",
                Severity.WARNING,
                f"missing section '{spec.title}'",
                1,
                1,
                spec.key,
                f"add a '## {spec.title}' section",
            )
        elif spec.parent in by_key:
            doc.report(
                "DK102",
                Severity.INFO,
                f"no '{spec.title}' heading under '{by_key[spec.parent].title}'",
                by_key[spec.parent].line,
                1,
                spec.key,
                f"add a '### {spec.title}' heading",
            )
