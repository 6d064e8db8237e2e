"""The header: the title ``# Integration Design: NAME`` and the lines under it.

Not a template section (it has no heading of its own), and read before any
section, by the driver rather than through the registry: the document kind it
may declare (``**Document Kind**: ADR``, or ``**Type**: ADR``) decides how the
rest of the document is reported. Without a title, the lines before the first
heading are the header (an ADR's ``Date:`` and ``Status:`` lines); front matter's
``date:``, ``author:`` and ``version:`` count as header lines too.

PASS::

    # Integration Design: Shopify to NetSuite Orders

    **Version**: 1.2
    **Designer**: Jane Doe

FAIL (DK201)::

    # Integration Design: [NAME]

FAIL (DK202)::

    # Integration Design: Orders

    **Type**: Sideways refactor
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from designkit.diagnostics import Severity
from designkit.model import DesignType, DocumentKind
from designkit.parse import values as v
from designkit.parse.kind import DECLARED_KINDS
from designkit.parse.markdown import Line
from designkit.parse.tables import Labelled, find_label, labelled_lines
from designkit.parse.values import normalise_key

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

TITLE_PREFIX = re.compile(r"^integration\s+design\s*[:\-–—]\s*", re.IGNORECASE)
"""The template's title: a document that starts with it is written from the template."""

DESIGN_TYPES = {
    "new_design": DesignType.NEW_DESIGN,
    "new": DesignType.NEW_DESIGN,
    "improvement_roadmap": DesignType.IMPROVEMENT_ROADMAP,
    "improvement": DesignType.IMPROVEMENT_ROADMAP,
    "roadmap": DesignType.IMPROVEMENT_ROADMAP,
}

FIELDS = (
    ("version", ("version",)),
    ("date", ("date", "last updated")),
    ("designer", ("designer", "author", "owner", "architect")),
    ("assessment_ref", ("assessment reference", "assessment")),
    ("scorecard_ref", ("scorecard reference", "scorecard")),
)

_DESIGN_KINDS = frozenset({DocumentKind.DESIGN, DocumentKind.IMPROVEMENT_ROADMAP})
_PLAIN = re.compile(r"^([A-Za-z][A-Za-z ]{1,28}):[ \t]+(\S.*)$")
_HEADER_KEYS = frozenset(alias for _, aliases in FIELDS for alias in aliases)


def _plain_labels(header: list[Any]) -> list[Labelled]:
    """``Date: 2022-09-22`` as a paragraph of its own under the title, as adr-tools writes
    it; only the header's own keys (date, version, author...), so a sentence that starts
    "Note: ..." stays a sentence."""
    out: list[Labelled] = []
    for section in header:
        for line in section.lines:
            match = _PLAIN.match(line.text) if not line.depth else None
            if match is not None and normalise_key(match.group(1)) in _HEADER_KEYS:
                key = normalise_key(match.group(1))
                column = line.column + match.start(2)
                out.append(
                    Labelled(key, match.group(1), match.group(2).strip(), line.line, column, line)
                )
    return out


def _front_matter_labels(doc: Reader) -> list[Labelled]:
    """``date: 2024-03-01`` or ``author: ...`` in the front matter, as MADR and static sites
    write the header; only the header's own keys, so a site's ``type: post`` or ``layout``
    is never read as a design type or a document kind. A value in braces or brackets is
    YAML's list or mapping, or MADR's unfilled ``{YYYY-MM-DD ...}``: no header value."""
    out: list[Labelled] = []
    for name, field in doc.tree.front_matter.items():
        key = normalise_key(name)
        if key in _HEADER_KEYS and field.value[:1] not in ("{", "["):
            item = Line(f"{name}: {field.value}", field.line, 1)
            out.append(Labelled(key, name, field.value, field.line, field.column, item))
    return out


def is_titled(doc: Reader) -> bool:
    """Written from the template: its title is ``# Integration Design: NAME``."""
    title = doc.outline.title
    return title is not None and TITLE_PREFIX.match(title.title) is not None


def read(doc: Reader) -> dict[str, Any]:
    """The meta fields; sets ``doc.declared_kind`` and ``doc.declared_type`` when stated."""
    out: dict[str, Any] = {}
    title = doc.outline.title
    if title is not None:
        match = TITLE_PREFIX.match(title.title)
        name = title.title[match.end() :] if match else title.title
        doc.at("meta", title.line)
        out["name"] = doc.text(name, "meta.name", title.line, 1)
        header = [title]
    else:
        doc.report(
            "DK101",
            Severity.WARNING,
            "missing title '# Integration Design: NAME'",
            1,
            1,
            "meta.name",
        )
        header = [doc.tree.sections[0]]
    labels = labelled_lines(header)
    labels += [plain for plain in _plain_labels(header) if plain.key not in {x.key for x in labels}]
    labels += [
        kept for kept in _front_matter_labels(doc) if kept.key not in {x.key for x in labels}
    ]
    for name, aliases in FIELDS:
        found = find_label(labels, aliases)
        if found is not None:
            out[name] = doc.text(found.value, f"meta.{name}", found.line, found.column)
    found = find_label(labels, ("document kind", "kind of document"))
    if found is not None and not v.is_placeholder(found.value):
        doc.declared_kind = doc.enum(
            found.value, DECLARED_KINDS, "document kind", "document_kind", found.line, found.column
        )
    found = find_label(labels, ("type", "design type", "document type"))
    if found is not None:
        stated = DECLARED_KINDS.get(v.snake_case(found.value))
        if stated is not None and stated not in _DESIGN_KINDS:
            # '**Type**: ADR' names the kind of document, not a design type
            doc.declared_kind = doc.declared_kind or stated
            doc.at("meta.type", found.line, found.column)
        else:
            out["type"] = doc.enum(
                found.value, DESIGN_TYPES, "design type", "meta.type", found.line, found.column
            )
            doc.declared_type = out["type"]
    return out
