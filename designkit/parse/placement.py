"""Which headings of a document are its template sections, judged by where they stand.

:func:`~designkit.parse.sections.match_heading` says what a heading's words could
mean; this module decides whether that reading fits the heading's place in the
document. A section read from the wrong heading gives wrong values (and score
credit for them), which is worse than a section not read at all, so:

* a top-level section (``Security Design``) is read only from a heading with no
  section heading above it (the document title aside): ``### Week 6: Testing &
  Deployment`` inside a plan, ``### Overview`` inside ``## Customer Sync`` and
  ``### Row Level Security (RLS)`` inside ``## Security Considerations`` are
  content of the heading above them, not sections of their own;
* inside a section, a heading is read only as one of that section's own
  sub-sections (``### Retry Logic`` under ``## Error Handling``);
* under a heading the template does not know, only a sub-section named as the
  template names it (its title or an alias: ``### Retry Policy`` under ``## Decision``)
  is read, never a loose match, and never a top-level section;
* a sub-section under another section is read only when its heading is the
  template's own (``### Retry Logic`` under ``## Data Design``); generic names
  (``### Input Validation``) only under their own section;
* when several headings could be the same section, the surest wins (exact over
  alias over loose), then the first; a later heading as sure as the winner is a
  repeat (DK103), a less sure one (or one named only by a generic word, a closing
  ``## Summary`` after ``## Executive Summary``) is simply content the template
  does not know.

Two passes: the first finds what each heading could be, given what the headings
above it could be; the second repeats that with only the winners counted, so the
sub-headings of a heading that lost its section are judged as the sub-headings
of an unknown heading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from designkit.parse.markdown import Section
from designkit.parse.sections import (
    SPECS,
    STRICT_ALIASES,
    Confidence,
    HeadingMatch,
    match_heading,
)

PHASE = "phases.phase"


@dataclass(slots=True)
class Placement:
    """The outcome: the title, the heading read for each section, and the repeats."""

    title: int | None = None
    """Index of the document title (``# Integration Design: NAME``) in the section list."""
    winners: dict[str, int] = field(default_factory=dict)
    """Section key -> index of the heading it is read from."""
    phases: list[int] = field(default_factory=list)
    matches: dict[int, HeadingMatch] = field(default_factory=dict)
    """Index -> the match that stands at that index (winners, phases and repeats)."""
    repeats: dict[int, int] = field(default_factory=dict)
    """Index of a repeated section heading -> index of the heading that is read instead."""

    def key_at(self, index: int) -> str | None:
        """The section a heading is read as (a repeat counts as its section), else ``None``."""
        found = self.matches.get(index)
        return found.key if found is not None else None


def _wrapper(sections: Sequence[Section]) -> int | None:
    """A first heading that is alone at the document's top level wraps everything below it.

    ``## Orders to NetSuite`` followed only by ``###`` headings is a title in all
    but level; headings under it still stand at the top of the document.
    """
    headed = [index for index, section in enumerate(sections) if section.level > 0]
    if not headed:
        return None
    top = min(sections[index].level for index in headed)
    at_top = [index for index in headed if sections[index].level == top]
    return at_top[0] if len(at_top) == 1 and at_top[0] == headed[0] else None


def _fits(found: HeadingMatch, above: Sequence[str | None]) -> bool:
    """Whether ``found`` may stand below the headings ``above`` (outermost first)."""
    nearest = next((key for key in reversed(above) if key is not None), None)
    parent = SPECS[found.key].parent if found.key != PHASE else "phases"
    if found.generic:
        return parent is not None and parent == nearest
    if not above:
        return True
    if found.key == PHASE:
        return nearest is None or nearest == "phases"
    if nearest is None:
        return parent is not None and found.confidence is not Confidence.LOOSE
    if nearest == PHASE:
        return False
    if parent == nearest:
        return True
    if parent is None:
        return False  # a top-level section is never read from inside another section
    if found.confidence is Confidence.EXACT:
        return True  # '### Retry Logic' says what it is, even under '## Data Design'
    # a sub-section nested one level too deep under its sibling (### Retry / #### DLQ)
    return parent == SPECS[nearest].parent and found.confidence is Confidence.ALIAS


def _candidates(
    sections: Sequence[Section], skip: frozenset[int], counted: dict[int, str] | None
) -> dict[int, HeadingMatch]:
    """Each heading's match where it fits; ``counted`` limits the headings above that count."""
    found: dict[int, HeadingMatch] = {}
    stack: list[int] = []
    for index, section in enumerate(sections):
        if section.level == 0 or index in skip:
            continue
        while stack and sections[stack[-1]].level >= section.level:
            stack.pop()
        match = match_heading(section.title)
        if match is not None:
            above: list[str | None] = []
            for earlier in stack:
                if counted is None:
                    hit = found.get(earlier)
                    above.append(hit.key if hit is not None else None)
                else:
                    above.append(counted.get(earlier))
            if _fits(match, above):
                found[index] = match
        stack.append(index)
    return found


def _decide(candidates: dict[int, HeadingMatch], placement: Placement) -> None:
    placement.winners.clear()
    placement.phases.clear()
    placement.matches.clear()
    placement.repeats.clear()
    for index, match in candidates.items():
        if match.key == PHASE:
            placement.phases.append(index)
            placement.matches[index] = match
            continue
        best = placement.winners.get(match.key)
        if best is None or match.confidence.rank < candidates[best].confidence.rank:
            placement.winners[match.key] = index
    for index in placement.winners.values():
        placement.matches[index] = candidates[index]
    for index, match in candidates.items():
        if match.key == PHASE or match.confidence is Confidence.LOOSE:
            continue
        best = placement.winners[match.key]
        if index == best or match.confidence is not candidates[best].confidence:
            continue
        if match.alias in STRICT_ALIASES and match.alias != candidates[best].alias:
            continue  # a closing '## Summary' is no second '## Executive Summary'
        placement.repeats[index] = best
        placement.matches[index] = match


def place_headings(sections: Sequence[Section]) -> Placement:
    """Read the document's headings as template sections; see the module docstring."""
    placement = Placement()
    for index, section in enumerate(sections):
        if section.level == 1:
            placement.title = index  # the first level-1 heading before any section
            break
        found = match_heading(section.title) if section.level else None
        if found is not None and found.key != PHASE:
            break
    skip = {placement.title} if placement.title is not None else set()
    wrapper = _wrapper(sections)
    if wrapper is not None and placement.title is None and match_heading(sections[wrapper].title):
        wrapper = None  # a lone '## Overview' is a section, not a title
    if wrapper is not None:
        skip.add(wrapper)
    frozen = frozenset(skip)
    first = _candidates(sections, frozen, None)
    _decide(first, placement)
    if len(placement.matches) == len(first) and not placement.repeats:
        return placement  # every candidate stands: a second pass would find the same
    counted = {index: match.key for index, match in placement.matches.items()}
    for index in placement.repeats:
        counted.pop(index, None)
    second = _candidates(sections, frozen, counted)
    _decide(second, placement)
    return placement
