"""What a reader module declares about its section, as plain data.

Kept apart from the machinery that uses it (:mod:`designkit.parse.sections`
matches headings with the aliases, :mod:`designkit.parse.readers.core` finds
text with the topics) so that a reader module can declare its section without
importing that machinery: the machinery imports the registry, never the other
way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topic:
    """What a sub-section is about, to tell its text apart inside its parent section."""

    labels: tuple[str, ...]
    """Labels that belong to this sub-section wherever they stand (``Reprocessing``)."""
    about: re.Pattern[str]
    """Words that say a heading, label or value talks about it."""


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """A template section: its heading, where it stands, and the names it goes by."""

    key: str
    """Its place in the model (``error_handling.dead_letter_queue``)."""
    title: str
    """The template's heading, for messages and rendering."""
    parent: str | None
    aliases: tuple[str, ...]
    """Names a heading may use for it, normalised (lower case, ``and`` for ``&``), surest first."""
    generic: tuple[str, ...] = ()
    """Aliases too generic to stand for the section among other words (``Summary``):
    ``## Enhancement Summary`` is not the overview. Each is also in :attr:`aliases`."""
    topic: Topic | None = None
    """For a sub-section read from labelled prose: how to tell its text in its parent."""
    integration: bool = False
    """Only an integration document has it: named as the template names it, it is
    integration content on its own (a file with ``### Retry Logic`` is not a README)."""
