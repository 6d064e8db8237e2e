"""What sort of integration document a file is, and whether it is one at all.

Teams that use the template also write other documents about the same
integrations: architecture decision records, review reports, requirements,
descriptions of how a flow runs today, improvement plans. They are read like a
design (whatever maps onto the template is read) and named by their shape, so a
report can say that a gap is the kind's, not the author's.

A document is recognised by what it is built from, never by a single word:
headings (an ADR has Context and Decision), the title, for requirements the
share of shall/must statements, and where its front matter files it
(``permalink: /requirements/...``, ``layout: adr``: one sign for any kind). Each
kind needs two independent signs, so a design with one ``## Recommendations``
heading stays a design. The signs of each
kind are in its own module (:mod:`designkit.parse.readers.kinds`), registered in
:mod:`designkit.parse.readers.registry`; this module asks them all.

Refusing a file is kept for what has no integration content at all (a library
README, a changelog, an index of other documents): no template section, no table
of systems, flows or mappings, and no integration-document shape with integration
vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from designkit.model import DocumentKind
from designkit.parse.front_matter import Field
from designkit.parse.markdown import DocumentTree, Section
from designkit.parse.readers.registry import KINDS
from designkit.parse.values import normalise_key

KIND_WORDS: dict[DocumentKind, str] = {kind.kind: kind.words for kind in KINDS}
"""How each kind is written in messages and in a ``**Document Kind**:`` line."""

DECLARED_KINDS: dict[str, DocumentKind] = {
    name: kind.kind
    for kind in sorted(KINDS, key=lambda kind: list(DocumentKind).index(kind.kind))
    for name in kind.names
}
"""The values a ``**Document Kind**:`` line may take (snake case, loosely), in the
contract's order of kinds: a value that names two ('the design review') is read as
the first, as :func:`~designkit.parse.values.parse_enum` tries them in order."""


@dataclass(frozen=True, slots=True)
class Outlook:
    """What a kind module looks at: the title and headings, normalised, and the tree."""

    tree: DocumentTree
    name: str
    """The title, normalised (``adr 014 retry failed webhook deliveries``); empty if none."""
    headings: tuple[str, ...]
    """Every other heading, normalised, in order."""
    heading_set: frozenset[str]

    def count_headings(self, names: Sequence[str]) -> int:
        """How many of ``names`` stand as a heading or as its first or last words
        (``Key Findings``)."""
        return sum(
            1
            for name in names
            if any(
                h == name or h.endswith(" " + name) or h.startswith(name + " ")
                for h in self.headings
            )
        )


@dataclass(frozen=True, slots=True)
class Shape:
    """The kind a document's shape suggests, and the signs that said so (for messages)."""

    kind: DocumentKind
    signs: tuple[str, ...] = ()


def recognise_shape(tree: DocumentTree, title: Section | None) -> Shape:
    """The kind of a document not written from the template; ``design`` when unsure.

    Each registered kind lists the signs of it it sees; a kind needs two, and more
    than any kind registered before it (the registry's order breaks ties).
    """
    title_index = tree.sections.index(title) if title is not None else None
    headings = tuple(
        normalise_key(section.title)
        for index, section in enumerate(tree.sections)
        if section.level > 0 and index != title_index
    )
    outlook = Outlook(
        tree, normalise_key(title.title) if title is not None else "", headings, frozenset(headings)
    )
    best = DocumentKind.DESIGN
    signs: list[str] = []
    filed = filed_under(tree.front_matter)
    for kind in KINDS:
        found = kind.signs(outlook)
        filed_as = sorted(filed.intersection(kind.names))
        if filed_as:
            found = [*found, f"filed under '{filed_as[0]}' in its front matter"]
        if len(found) >= 2 and len(found) > len(signs):
            best, signs = kind.kind, found
    return Shape(best, tuple(dict.fromkeys(signs)))


_FILING_KEYS = ("layout", "type", "kind", "doc_type", "collection", "category", "categories")
_WORD = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*")


def filed_under(front_matter: Mapping[str, Field]) -> frozenset[str]:
    """The names a static site files the page under, in snake case, singular and plural:
    the values of ``layout``, ``type``, ``category`` and the like, and the folders of its
    ``permalink`` (``/requirements/crm-sync`` -> ``requirements``; the page's own slug is
    its title's words, not where it is filed)."""
    if not front_matter:
        return frozenset()
    values = [front_matter[key].value for key in _FILING_KEYS if key in front_matter]
    permalink = front_matter.get("permalink")
    if permalink is not None:
        values += permalink.value.strip("/").split("/")[:-1]
    names: set[str] = set()
    for value in values:
        for word in _WORD.findall(value.lower()):
            name = word.replace("-", "_")
            names.update((name, name + "s", name.removesuffix("s")))
    return frozenset(names)


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


_MARKDOWN_FILE = re.compile(r"[\w./%-]+\.(?:md|markdown)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DocumentIndex:
    """A document that is mostly a list of other Markdown files, and how much of it is."""

    references: int
    """Table rows and list items that name a Markdown file."""
    entries: int
    """All table rows and list items."""
    example: str
    """The first file named, for the message."""

    def describe(self) -> str:
        return (
            f"a list of other Markdown files ({self.references} of its {self.entries} rows "
            f"and items name one, e.g. '{self.example}')"
        )


def document_index(tree: DocumentTree) -> DocumentIndex | None:
    """The document as an index when its table rows and list items mostly name other
    Markdown files (two at least, half of them or more): a ``designs/README.md`` that
    lists the designs, with their systems and patterns, uses the words of one without
    being one; so does a scorecard pointing at a design's lines. None otherwise."""
    entries = references = 0
    example = ""
    for section in tree.sections:
        rows = [row.cells for table in section.tables for row in table.rows]
        for cells in [*rows, *([item.text] for item in section.items)]:
            entries += 1
            found = next((m for m in map(_MARKDOWN_FILE.search, cells) if m is not None), None)
            if found is not None:
                references += 1
                example = example or found.group(0)
    if references >= 2 and 2 * references >= entries:
        return DocumentIndex(references, entries, example)
    return None


def has_flow_table(tree: DocumentTree) -> bool:
    return any(is_flow_table(table.header) for section in tree.sections for table in section.tables)
