"""The red-flag library: the codes reviewers of the assessment kit already use.

The design template comes from an assessment kit whose reviews tag critical
problems with codes such as ``REL-03`` (external dependencies without a circuit
breaker). designkit ships that library as package data (``red_flags.yaml``
beside this module) so that a code means the same thing in both: a rubric may
only put library codes in ``red_flag``, and the built-in rubric gives a criterion
a code only when failing it *is* that code's problem, with the code's severity.

Before designkit 0.2 the built-in rubric numbered codes of its own per prefix
(``REL-03`` was "RTO and RPO are stated as numbers"). That table is kept too, so a
suppression, ignore list or baseline written for the old meaning gets a warning
that says which criterion id to write instead, rather than silently suppressing
something else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

SEVERITIES = ("critical", "high", "medium", "low")
LEGACY_BEFORE = "0.2"
"""The designkit version that switched to the library's meanings."""

_DATA = Path(__file__).with_name("red_flags.yaml")


@dataclass(frozen=True, slots=True)
class RedFlag:
    """One entry of the library."""

    code: str
    meaning: str
    """The library's short meaning, e.g. 'external calls without retry'."""
    dimension: str
    """The library's dimension name (Security, Reliability, ...), not a rubric dimension id."""
    severity: str
    """critical, high, medium or low: a criterion carrying the code has this severity."""
    description: str


@dataclass(frozen=True, slots=True)
class RedFlagLibrary:
    flags: Mapping[str, RedFlag]
    """Code -> entry, in the library's order."""
    before_0_2: Mapping[str, tuple[str, ...]]
    """Old designkit code -> the built-in criteria that carried it before 0.2."""


class RedFlagDataError(RuntimeError):
    """The packaged library is broken: a bug in this installation, not a user error."""


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RedFlagDataError(f"{_DATA.name}: {where}: '{key}' must be non-empty text")
    return " ".join(value.split())


def _parse(data: Any) -> RedFlagLibrary:
    if not isinstance(data, Mapping):
        raise RedFlagDataError(f"{_DATA.name}: expected a mapping with 'flags'")
    flags: dict[str, RedFlag] = {}
    for index, entry in enumerate(data.get("flags") or []):
        where = f"flags[{index}]"
        if not isinstance(entry, Mapping):
            raise RedFlagDataError(f"{_DATA.name}: {where} must be a mapping")
        flag = RedFlag(
            code=_text(entry, "code", where),
            meaning=_text(entry, "meaning", where),
            dimension=_text(entry, "dimension", where),
            severity=_text(entry, "severity", where),
            description=_text(entry, "description", where),
        )
        if flag.severity not in SEVERITIES:
            raise RedFlagDataError(f"{_DATA.name}: {flag.code}: unknown severity {flag.severity}")
        if flag.code in flags:
            raise RedFlagDataError(f"{_DATA.name}: {flag.code} appears twice")
        flags[flag.code] = flag
    legacy: dict[str, tuple[str, ...]] = {}
    for code, criteria in (data.get("before_0_2") or {}).items():
        if not isinstance(criteria, list) or not all(isinstance(c, str) for c in criteria):
            raise RedFlagDataError(f"{_DATA.name}: before_0_2.{code} must list criterion ids")
        legacy[str(code)] = tuple(criteria)
    return RedFlagLibrary(flags=flags, before_0_2=legacy)


@lru_cache(maxsize=1)
def library() -> RedFlagLibrary:
    """The packaged library, read once per process (its YAML once per version)."""
    from designkit import compiled_cache

    data = compiled_cache.load("red-flags", _DATA)
    if data is None:
        from ruamel.yaml import YAML

        raw = _DATA.read_bytes()
        data = YAML(typ="safe").load(raw.decode("utf-8"))
        compiled_cache.store("red-flags", _DATA, [(_DATA, compiled_cache.digest(raw))], data)
    return _parse(data)


def red_flags() -> Mapping[str, RedFlag]:
    """Code -> entry, in the library's order (SEC, REL, OPS, ARC, DAT, BIZ)."""
    return library().flags


def red_flag(code: str) -> RedFlag | None:
    return library().flags.get(code.strip().upper())


def carriers(code: str, criteria: Iterable[tuple[str, str | None]]) -> list[str]:
    """The ids of the ``(id, red_flag)`` pairs that carry ``code``."""
    wanted = code.strip().upper()
    return [criterion for criterion, flag in criteria if (flag or "").upper() == wanted]


def migration_note(
    code: str,
    titles: Mapping[str, str],
    flags: Mapping[str, str | None],
    verb: str = "suppressing",
) -> str | None:
    """A warning for ``code`` when it meant other criteria before designkit 0.2, else None.

    ``titles`` maps the active rubric's criterion ids to their titles and ``flags``
    its ids to their red-flag codes. Only codes that named criteria of this rubric
    before (the built-in rubric, or one that extends it) and no longer cover all
    of them get a note: a suppression that still suppresses what it did needs none.
    """
    wanted = code.strip().upper()
    old = [c for c in library().before_0_2.get(wanted, ()) if c in titles]
    if not old:
        return None
    now = carriers(wanted, flags.items())
    lost = [c for c in old if c not in now]
    if not lost:
        return None
    named = ", ".join(f"{c} ({titles[c]})" for c in lost)
    instead = " and ".join(lost)
    flag = red_flag(wanted)
    if flag is None:
        current = f"{wanted} is not a code of the red-flag library"
    else:
        current = f"{wanted} now means '{flag.meaning}' (red-flag library)"
    return (
        f"{current}; before designkit {LEGACY_BEFORE} it named {named}: "
        f"write {instead} to keep {verb} that"
    )
