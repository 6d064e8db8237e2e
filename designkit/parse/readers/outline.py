"""The document's headings sorted into template sections, phases and extra sections.

:mod:`~designkit.parse.placement` decides which heading stands for which section;
this module draws the consequences a reader needs: the heading each section is
read from, the unknown headings under a section (their text still belongs to it),
the phases, and the extra sections (text the template does not know, kept whole
so nothing a person wrote is lost). A repeated section (DK103) and a loose heading
match (DK105) are reported here, once, before any section is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from designkit.diagnostics import Diagnostic, Severity
from designkit.parse.markdown import DocumentTree, Section
from designkit.parse.placement import PHASE, Placement, place_headings
from designkit.parse.sections import SPECS, Confidence, HeadingMatch


@dataclass(slots=True)
class Outline:
    """Which heading is which section; see the module docstring."""

    placement: Placement
    title: Section | None = None
    """The document title (``# Integration Design: NAME``), when there is one."""
    by_key: dict[str, Section] = field(default_factory=dict)
    """Section key -> the heading it is read from."""
    found: dict[str, HeadingMatch] = field(default_factory=dict)
    """Section key -> how its heading matched."""
    children: dict[str, list[Section]] = field(default_factory=dict)
    """Section key -> the unknown headings under it, whose text is read as its own."""
    phases: list[Section] = field(default_factory=list)
    extras: list[tuple[Section, str]] = field(default_factory=list)
    """Headings the template does not know, with their whole text (deeper unknown
    headings included)."""
    diagnostics: list[Diagnostic] = field(default_factory=list)


def read_outline(tree: DocumentTree, path: str) -> Outline:
    """Sort the headings of ``tree`` (a file at ``path``, for diagnostics)."""
    sections = tree.sections
    lines = tree.source_lines
    placement = place_headings(sections)
    outline = Outline(placement)
    if placement.title is not None:
        outline.title = sections[placement.title]
    unknown_until = -1  # an unknown heading swallows deeper unknown headings
    unknown_level = 0
    for index, section in enumerate(sections):
        if section.level == 0 or index == placement.title:
            continue
        found = placement.matches.get(index)
        if index in placement.repeats and found is not None:
            first = sections[placement.repeats[index]]
            outline.diagnostics.append(
                Diagnostic(
                    "DK103",
                    Severity.WARNING,
                    f"section '{section.title}' repeats '{first.title}' (line {first.line}); "
                    "only the first is read",
                    path,
                    section.line,
                    1,
                    found.key,
                )
            )
            found = None  # kept whole as an extra section, like a heading nobody knows
        if found is None:
            if index <= unknown_until and section.level > unknown_level:
                continue
            end = section.end_line
            for later in range(index + 1, len(sections)):
                after = sections[later]
                if after.level <= section.level or (
                    later in placement.matches and later not in placement.repeats
                ):
                    break
                end = after.end_line
                unknown_until = later
            unknown_level = section.level
            outline.extras.append((section, "\n".join(lines[section.line : end]).strip("\n")))
            parent = _parent_key(tree, placement, index)
            if parent is not None:
                outline.children.setdefault(parent, []).append(section)
            continue
        unknown_until = -1
        if found.key == PHASE:
            outline.phases.append(section)
            continue
        outline.by_key[found.key] = section
        outline.found[found.key] = found
        if found.confidence is Confidence.LOOSE:
            title = SPECS[found.key].title
            outline.diagnostics.append(
                Diagnostic(
                    "DK105",
                    Severity.INFO,
                    f"heading '{section.title}' read as section '{title}' "
                    f"(loose match on '{found.alias}')",
                    path,
                    section.line,
                    1,
                    found.key,
                    f"rename it '{title}' if that is what it is",
                )
            )
    return outline


def _parent_key(tree: DocumentTree, placement: Placement, index: int) -> str | None:
    """The section an unknown heading stands in, if any (the nearest known heading above)."""
    level = tree.sections[index].level
    for earlier in range(index - 1, 0, -1):
        section = tree.sections[earlier]
        if 0 < section.level < level:
            key = placement.key_at(earlier)
            if key is not None and key != PHASE:
                return key
            level = section.level
    return None
