"""Which ids exist, and the one message for an id that does not.

Criterion ids, red-flag codes and lint codes are written by hand in many places:
a rubric's ``disable`` list and overrides, ``--ignore``, a configuration file's
``ignore``, a baseline file, a suppression comment in a design. A typo there used
to be accepted without a word and then did nothing, which is the worst outcome
for a switch that hides findings. Every one of those places now checks its ids
here and reports an unknown one the same way, with the nearest real id:
``file:line: unknown id 'PLT-TCO-STATED'; did you mean 'PLT-TCO-ANNUAL'?``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from designkit.errors import UserError

if TYPE_CHECKING:
    from designkit.rubric.schema import Rubric
    from designkit.rubric.scorecard import Notice


class UnknownId(ValueError):
    """Raised inside rubric validation; the loader adds the file and line."""


def _similar(a: str, b: str) -> float:
    import difflib  # only for an unknown id: every `score` imports this module

    return difflib.SequenceMatcher(None, a, b).ratio()


def nearest(identifier: str, candidates: Iterable[str]) -> str | None:
    """The id most likely meant, or None.

    Ids are hierarchical (``PLT-TCO-ANNUAL``: dimension, topic, aspect), so an id
    whose dimension and topic match real ones (``REL-RETRYS`` ~ ``REL-RETRY``) means
    one of those: the one whose last words are a near-typo of the ones written
    (``REL-RETRY-BOUNDD`` -> ``REL-RETRY-BOUNDED``), else the topic's first, most
    basic criterion in ``candidates`` order (``PLT-TCO-STATED`` -> ``PLT-TCO-ANNUAL``
    rather than the similar-looking ``PLT-EXIT-STRATEGY``). Otherwise plain string
    similarity decides (:func:`difflib.get_close_matches`).
    """
    wanted = identifier.strip().upper()
    ordered = list(dict.fromkeys(candidates))
    segments = wanted.split("-")
    if len(segments) >= 2:
        rest = "-".join(segments[2:])
        topic = [
            (candidate, "-".join(parts[2:]))
            for candidate in ordered
            if len(parts := candidate.split("-")) >= 2
            and parts[0] == segments[0]
            and _similar(parts[1], segments[1]) >= 0.8
        ]
        if topic:
            best, tail = max(topic, key=lambda item: _similar(item[1], rest))
            return best if _similar(tail, rest) >= 0.6 else topic[0][0]
    import difflib

    near = difflib.get_close_matches(wanted, ordered, n=1)
    return near[0] if near else None


def unknown_id_message(identifier: str, candidates: Iterable[str], *, fallback: str = "") -> str:
    """``unknown id 'X'; did you mean 'Y'?``, or ``unknown id 'X'`` + ``fallback``."""
    near = nearest(identifier, candidates)
    if near is not None:
        return f"unknown id {identifier!r}; did you mean {near!r}?"
    return f"unknown id {identifier!r}{fallback}"


def lint_codes() -> frozenset[str]:
    from designkit.lint.codes import code_docs

    return frozenset(code_docs())


@dataclass(frozen=True)
class KnownIds:
    """The ids one run understands: the rubric's criteria, the red-flag library, lint codes."""

    titles: Mapping[str, str]
    """Criterion id -> title, including disabled criteria (switching one off is not a typo)."""
    flags: Mapping[str, str | None]
    """Criterion id -> its red-flag code."""
    red_flags: frozenset[str]
    lint: frozenset[str]

    def __contains__(self, identifier: object) -> bool:
        if not isinstance(identifier, str):
            return False
        wanted = identifier.strip().upper()
        return wanted in self.titles or wanted in self.red_flags or wanted in self.lint

    @property
    def candidates(self) -> list[str]:
        return [*self.titles, *self.red_flags, *self.lint]

    def unknown(self, identifier: str) -> str:
        return unknown_id_message(
            identifier, self.candidates, fallback=" (designkit explain --list lists every id)"
        )

    def migration_note(self, identifier: str, verb: str = "suppressing") -> str | None:
        """The warning for a red-flag code whose meaning changed in designkit 0.2."""
        from designkit.rubric.red_flags import migration_note

        return migration_note(identifier, self.titles, self.flags, verb)

    def is_legacy(self, identifier: str) -> bool:
        """A code that named criteria of this rubric before designkit 0.2 (``REL-08``).

        Only for the built-in rubric or one that extends it: in a rubric of a team's
        own, designkit's old numbering never meant anything.
        """
        from designkit.rubric.red_flags import library

        old = library().before_0_2.get(identifier.strip().upper(), ())
        return any(criterion in self.titles for criterion in old)


def known_ids(rubric: Rubric) -> KnownIds:
    from designkit.rubric.red_flags import red_flags

    criteria = rubric.criteria()
    return KnownIds(
        titles={c.id: c.title for _, c in criteria},
        flags={c.id: c.red_flag for _, c in criteria},
        red_flags=frozenset(red_flags()),
        lint=lint_codes(),
    )


@dataclass(frozen=True)
class IdSource:
    """Where a list of ids came from, so an unknown one is reported where it was written.

    ``label`` is the option (``--ignore``) or the file as errors name it; ``lines``
    gives each id's line in that file (ids without one are reported on the file);
    ``verb`` is what the ids do there, for migration warnings ("to keep ignoring that").
    """

    label: str
    lines: Mapping[str, int] | None = None
    verb: str = "ignoring"

    def error(self, identifier: str, message: str) -> UserError:
        line = (self.lines or {}).get(identifier)
        return UserError(message, path=self.label, line=line)


def check_ids(ids: Iterable[str], known: KnownIds, source: IdSource) -> list[str]:
    """Raise on the first unknown id; return the migration warnings for the others.

    A code that only meant something before designkit 0.2 (``REL-08``) is not an
    error: it gets its migration warning, like a library code whose meaning changed.
    """
    warnings: list[str] = []
    for identifier in ids:
        if identifier not in known and not known.is_legacy(identifier):
            raise source.error(identifier, known.unknown(identifier))
        note = known.migration_note(identifier, source.verb)
        if note is not None:
            where = source.label
            line = (source.lines or {}).get(identifier)
            warnings.append(f"{where}:{line}: {note}" if line else f"{where}: {note}")
    return warnings


def suppression_notices(
    comments: Iterable[tuple[str, str, int]], rubric: Rubric, path: str
) -> list[Notice]:
    """Warnings for the suppression comments of one design: unknown ids, changed meanings.

    Not errors: the comment is in a document someone else may own, and the rest of the
    design still deserves a score. The warning stands on the scorecard, at the
    comment's line, in every report format.
    """
    from designkit.rubric.scorecard import Notice

    known = known_ids(rubric)
    notices: list[Notice] = []
    for code, _, line in comments:
        if code not in known and not known.is_legacy(code):
            near = nearest(code, known.candidates)
            message = f"unknown id {code!r} in a suppression comment" + (
                f"; did you mean {near!r}?"
                if near
                else " (designkit explain --list lists every id)"
            )
            notices.append(Notice(severity="warning", message=message, path=path, line=line))
            continue
        note = known.migration_note(code)
        if note is not None:
            notices.append(Notice(severity="warning", message=note, path=path, line=line))
    return notices
