"""Which template section a heading is, and how sure the match is.

Headings differ from the template in case, numbering (``## 4. Error Handling``),
missing or added words, emoji and ``&`` for ``and``. Reading a section from the
wrong heading is worse than not reading it (its values are then wrong, and a
score gives credit for them), so a match says how it was made:

* ``exact``: the heading is the template's own (``Error Handling Strategy``);
* ``alias``: the whole heading is a known name of the section (``Error Handling``,
  ``DLQ``), words in parentheses aside;
* ``loose``: a known name appears among other words (``Security Considerations``).
  Generic one-word names (``Summary``, ``Auth``, ``Validation``, ``Diagram``) match
  loosely only as a sub-heading of their own parent (``### Input Validation`` under
  ``## Data Design``): ``## Enhancement Summary`` is not the overview. Words in
  parentheses are annotations and never make a loose match (``Contact (Enhanced from
  Auth Spec)`` is not authentication).

A heading that labels an item of a list of its own (``Week 6: Testing &
Deployment``, ``Step 4: Check Existing Mapping``, ``Option A: ...``, ``Finding 3:
...``) is never a section, whatever words follow. Whether a match may stand where
the heading stands (a sub-heading of another section is not a top-level section)
is decided by :mod:`~designkit.parse.placement`, which knows the headings around it.

Each section's names are declared by its reader module (``SPEC`` in
:mod:`designkit.parse.readers`); this module only matches them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

# clean_title lived here; it moved beside the tree so the phases reader can use it
from designkit.parse.markdown import clean_title as clean_title
from designkit.parse.readers.registry import SECTIONS as REGISTERED
from designkit.parse.readers.spec import SectionSpec
from designkit.parse.values import normalise_key


class Confidence(StrEnum):
    """How a heading matched its section; ordered from most to least sure."""

    EXACT = "exact"
    ALIAS = "alias"
    LOOSE = "loose"

    @property
    def rank(self) -> int:
        """0 for exact, 2 for loose: lower is surer."""
        return _CONFIDENCE_RANK[self]


_CONFIDENCE_RANK = {Confidence.EXACT: 0, Confidence.ALIAS: 1, Confidence.LOOSE: 2}


@dataclass(frozen=True, slots=True)
class HeadingMatch:
    """A heading read as a template section: the section, how sure, and the words that matched."""

    key: str
    confidence: Confidence
    alias: str
    generic: bool = False
    """A loose match on a generic name (``Input Validation``): it stands only as a
    sub-heading of its own parent section, never on its own."""


SECTIONS: tuple[SectionSpec, ...] = tuple(reader.spec for reader in REGISTERED)
"""Every template section, in the template's order; declared by its reader module."""

SPECS = {spec.key: spec for spec in SECTIONS}
TOP_LEVEL = tuple(spec for spec in SECTIONS if spec.parent is None)

STRICT_ALIASES = frozenset(alias for spec in SECTIONS for alias in spec.generic)
"""Names too generic to stand for a section among other words: on their own they match
only as the whole heading (``## Summary``, never ``## Enhancement Summary``); among
other words only as a sub-heading of their own parent (``### Input Validation`` under
``## Data Design``)."""

LIST_ITEM_WORDS = frozenset(
    {
        "week",
        "sprint",
        "step",
        "day",
        "month",
        "iteration",
        "milestone",
        "option",
        "alternative",
        "finding",
        "issue",
        "gap",
        "recommendation",
        "task",
        "epic",
        "story",
        "stage",
        "wave",
        "release",
        "appendix",
        "annex",
        "scenario",
        "example",
        "case",
        "adr",
        "q1",
        "q2",
        "q3",
        "q4",
    }
)
"""First words of headings that label one item of a list (``Week 6: ...``,
``Finding 3: ...``): such a heading is an item of its parent, never a section."""

_ITEM_NUMBER = re.compile(r"^(?:\d+[a-z]?|[a-z]|[ivx]+)$")
_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")

_EXACT: dict[str, str] = {}
_ALIASES: list[tuple[tuple[str, ...], str, bool]] = []  # (words, key, strict)


def _index() -> None:
    for spec in SECTIONS:
        _EXACT.setdefault(normalise_key(spec.title), spec.key)
        for alias in spec.aliases:
            _ALIASES.append((tuple(alias.split()), spec.key, alias in spec.generic))


def is_list_item_heading(words: list[str]) -> bool:
    """``week 6 testing``, ``step 4 check``, ``option a real time``: an item, not a section."""
    return len(words) > 1 and words[0] in LIST_ITEM_WORDS and bool(_ITEM_NUMBER.match(words[1]))


@lru_cache(maxsize=4096)
def match_heading(title: str) -> HeadingMatch | None:
    """The section a heading stands for and how sure that is, or ``None``.

    Exact beats alias beats loose; among loose matches the longest name wins, so
    ``Architecture Diagram`` is the diagram and not the pattern.
    """
    if not _EXACT:
        _index()
    words = normalise_key(title).split()
    if not words:
        return None
    if words[0] == "phase" and len(words) > 1:
        return HeadingMatch("phases.phase", Confidence.ALIAS, "phase")
    if is_list_item_heading(words):
        return None
    joined = " ".join(words)
    if joined in _EXACT:
        return HeadingMatch(_EXACT[joined], Confidence.EXACT, joined)
    topic = normalise_key(_PARENTHESES.sub(" ", title)).split() if "(" in title else words
    if not topic:
        return None
    for alias_words, key, _ in _ALIASES:
        if list(alias_words) == topic or list(alias_words) == words:
            return HeadingMatch(key, Confidence.ALIAS, " ".join(alias_words))
    best: tuple[int, str, str, bool] | None = None
    for alias_words, key, strict in _ALIASES:
        size = len(alias_words)
        if size > len(topic):
            continue
        better = best is None or (best[3] and not strict) or (best[3] == strict and size > best[0])
        if better and any(
            tuple(topic[i : i + size]) == alias_words for i in range(len(topic) - size + 1)
        ):
            best = (size, key, " ".join(alias_words), strict)
    if best is None:
        return None
    return HeadingMatch(best[1], Confidence.LOOSE, best[2], generic=best[3])


def classify_heading(title: str) -> str | None:
    """The section key a heading stands for, wherever it stands, or ``None``.

    Kept for callers that only need the key (the renderer's phase titles, tests);
    the extractor uses :func:`match_heading` and the heading's position.
    """
    found = match_heading(title)
    return found.key if found else None
