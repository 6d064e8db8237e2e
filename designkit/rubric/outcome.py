"""What a check returns (:class:`Outcome`, :class:`Fact`) and where it reads (:class:`Context`).

Kept apart from the check kinds (:mod:`designkit.rubric.check_kinds`) and their
compiler (:mod:`designkit.rubric.checks`) so that both can use these types
without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from designkit.rubric.paths import Found, Path, compile_path, resolve

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


@dataclass(slots=True)  # not frozen: built on every failing sub-check, and frozen costs more
class Fact:
    """What a check that did not pass saw, as data rather than text.

    Built only on the failing path (passing checks never pay for it). ``kind`` is
    the check kind that decided (``missing`` when the value was not there, ``empty``
    when a list had no items); ``path`` and ``other`` are concrete model paths,
    filters included; ``row`` is the list item the check ran inside (``any``/``all``).
    """

    kind: str
    path: str
    value: Any = None
    op: str | None = None
    other: str | None = None
    other_value: Any = None
    factor: float = 1.0
    expected: tuple[Any, ...] = ()
    row: str | None = None


@dataclass(slots=True)
class Outcome:
    status: str
    evidence: Sequence[str] = ()
    detail: str = ""
    progress: int = 0  # sub-checks of an all_of that passed before it failed: the nearest miss
    fact: Fact | None = None


def cache_key(path: Path, prefix: str) -> str | tuple[str, str]:
    """The key of a resolved path in a document's cache.

    A path read from the document root (absolute, or relative at the top) is keyed
    by its text alone, a string whose hash Python keeps; a path read inside a list
    item by its text and the item's concrete path. Compiled checks compute the same
    key (:func:`reader`), so they share one cache.
    """
    if path.absolute or not prefix:
        return path.text
    return (path.text, prefix)


@dataclass(slots=True)
class Context:
    """Where a check reads from: the document root, the current item and its concrete path.

    ``cache`` is shared by every context of one document, so a path read by many
    criteria is resolved once.
    """

    root: Mapping[str, Any]
    base: Any
    prefix: str
    cache: dict[str | tuple[str, str], Found] = field(default_factory=dict)
    template_row: Callable[[str], bool] | None = None
    """For criteria where template values do not count: tells ``any`` which rows are the
    template's own, so it can stop at the first real passing row instead of scanning all."""

    def get(self, path: str | Path) -> Found:
        """What ``path`` finds here (compiled checks read through their own readers)."""
        compiled = path if type(path) is Path else compile_path(str(path))
        name = compiled.single
        if name is not None and self.prefix:
            base = self.base
            if isinstance(base, dict) and name in base:
                where = f"{self.prefix}.{name}"
                value = base[name]
                return Found([(where, value)], value, True, (where,))
            return Found([], [], False, ())
        key = cache_key(compiled, self.prefix)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = resolve(compiled, self.root, self.base, self.prefix)
        return found

    def child(self, base: Any, prefix: str) -> Context:
        return Context(self.root, base, prefix, self.cache, self.template_row)

    def name(self, path: str | Path) -> str:
        """A path as the report shows it: concrete inside ``any``/``all`` items."""
        text = path.text if isinstance(path, Path) else path
        if text.startswith("/") or not self.prefix:
            return text.lstrip("/")
        return f"{self.prefix}.{text}"


Reader = Callable[[Context], Found]


def reader(path: Path) -> Reader:
    """A function reading ``path`` in a context, specialised for the path once.

    Keys the document's cache as :meth:`Context.get` does
    (:func:`cache_key`).
    """
    text = path.text
    single = path.single
    if single is not None:

        def read_name(ctx: Context) -> Found:
            prefix = ctx.prefix
            if prefix:
                # A field of a list item: one dict lookup costs less than caching it, and
                # most are read once (the same as ``resolve`` would find).
                base = ctx.base
                if isinstance(base, dict) and single in base:
                    where = f"{prefix}.{single}"
                    value = base[single]
                    return Found([(where, value)], value, True, (where,))
                return Found([], [], False, ())
            cache = ctx.cache
            found = cache.get(text)
            if found is None:
                found = cache[text] = resolve(path, ctx.root, ctx.base, prefix)
            return found

        return read_name

    if path.absolute:

        def read_root(ctx: Context) -> Found:
            cache = ctx.cache
            found = cache.get(text)
            if found is None:
                found = cache[text] = resolve(path, ctx.root, ctx.base, ctx.prefix)
            return found

        return read_root

    def read_relative(ctx: Context) -> Found:
        prefix = ctx.prefix
        key = (text, prefix) if prefix else text
        cache = ctx.cache
        found = cache.get(key)
        if found is None:
            found = cache[key] = resolve(path, ctx.root, ctx.base, prefix)
        return found

    return read_relative


Compiled = Callable[[Context], Outcome]
"""A check compiled once by :func:`designkit.rubric.checks.compile_check`: a closure with
its paths, patterns and sub-checks prepared."""


class CheckError(ValueError):
    """A check written wrongly; ``where`` is the key path inside the check."""

    def __init__(self, message: str, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.where = where


def filled(value: Any) -> bool:
    """Filled in: not null, and not an empty text, list or mapping."""
    if value is None:
        return False
    if isinstance(value, str | list | dict):
        return len(value) > 0
    return True


def show(value: Any) -> str:
    """A value as the engine's trace shows it."""
    if isinstance(value, float):
        value = round(value, 6)  # the trace shows 1296, not 1295.9999999999263
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:57] + "...")
    return repr(value) if isinstance(value, str) else str(value)


def number(value: Any) -> float | None:
    """A number a comparison can use (booleans are not numbers here)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None
