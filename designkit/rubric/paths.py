"""Paths into the model's JSON: ``error_handling.retry_policies[].backoff_seconds|sum``.

Grammar: dotted names; ``name[]`` steps into every item of a list, ``name[2]``
into one; ``|filter`` at the end reduces the values found (``sum``, ``max``,
``min``, ``len``, ``lower``, ``number`` (the first number in a text),
``monthly_downtime_seconds``). A path starting
with ``/`` is read from the document root even inside ``any``/``all``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_SEGMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d*|\*)\])?$")


def _numbers(values: list[Any]) -> list[float]:
    out: list[float] = []
    for value in values:
        if isinstance(value, list):
            out.extend(
                float(v) for v in value if isinstance(v, int | float) and not isinstance(v, bool)
            )
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out.append(float(value))
    return out


def _sum(values: list[Any]) -> Any:
    numbers = _numbers(values)
    return sum(numbers) if numbers or any(isinstance(v, list) for v in values) else None


def _max(values: list[Any]) -> Any:
    numbers = _numbers(values)
    return max(numbers) if numbers else None


def _min(values: list[Any]) -> Any:
    numbers = _numbers(values)
    return min(numbers) if numbers else None


def _len(values: list[Any]) -> Any:
    if len(values) == 1 and isinstance(values[0], list):
        return len(values[0])
    return len([v for v in values if v is not None])


_FIRST_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)")


def _number(values: list[Any]) -> Any:
    """The first number in a text (``> 2% for 5 minutes`` -> 2), for thresholds kept as text."""
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            match = _FIRST_NUMBER.search(value)
            if match:
                return float(match.group(1).replace(",", ""))
    return None


def _lower(values: list[Any]) -> Any:
    return [v.lower() if isinstance(v, str) else v for v in values]


def _monthly_downtime(values: list[Any]) -> Any:
    """Availability percent -> the downtime it allows in a 30-day month, in seconds."""
    numbers = _numbers(values)
    return (100.0 - numbers[0]) / 100.0 * 30 * 86400 if numbers else None


FILTERS: dict[str, Callable[[list[Any]], Any]] = {
    "sum": _sum,
    "max": _max,
    "min": _min,
    "len": _len,
    "lower": _lower,
    "number": _number,
    "monthly_downtime_seconds": _monthly_downtime,
}


class PathError(ValueError):
    """A path that does not follow the grammar."""


@dataclass(frozen=True, slots=True)
class Path:
    text: str
    absolute: bool
    segments: tuple[tuple[str, str | None], ...]  # (name, None | "" | "N")
    filter: str | None
    names: tuple[str, ...] | None = None  # set when every segment is a plain name (the fast path)
    dotted: str = ""
    flattens: bool = False
    single: str | None = None
    """The name, for one plain relative name without a filter (``source_field`` in a row):
    read straight from the item, not through a document's cache of resolved paths."""


@lru_cache(maxsize=2048)
def compile_path(text: str) -> Path:
    raw = text.strip()
    absolute = raw.startswith("/")
    raw = raw.lstrip("/")
    name, _, filter_name = raw.partition("|")
    filter_name = filter_name.strip() or ""
    if filter_name and filter_name not in FILTERS:
        raise PathError(f"unknown filter '|{filter_name}' (known: {', '.join(sorted(FILTERS))})")
    segments: list[tuple[str, str | None]] = []
    if name.strip():
        for part in name.strip().split("."):
            match = _SEGMENT.match(part)
            if match is None:
                raise PathError(f"bad path segment {part!r} in {text!r}")
            index = match.group(2)
            segments.append((match.group(1), "" if index == "*" else index))
    plain = all(index is None for _, index in segments)
    return Path(
        text,
        absolute,
        tuple(segments),
        filter_name or None,
        names=tuple(name for name, _ in segments) if plain else None,
        dotted=".".join(name for name, _ in segments),
        flattens=any(index == "" for _, index in segments),
        single=segments[0][0]
        if plain and len(segments) == 1 and not absolute and not filter_name
        else None,
    )


class Found:
    """What a path resolved to: each value with its concrete path, and the filtered value."""

    __slots__ = ("evidence", "exists", "items", "rows", "value")

    def __init__(
        self,
        items: list[tuple[str, Any]],
        value: Any,
        exists: bool,
        evidence: tuple[str, ...] | None = None,
    ) -> None:
        self.items = items
        self.value = value
        self.exists = exists
        self.evidence = (  # the concrete paths found
            evidence if evidence is not None else tuple(where for where, _ in items)
        )
        self.rows: list[tuple[str, Any]] | None = None
        """The items as ``any``/``all`` iterate them, once they have (``check_rows``)."""


def resolve(path: Path, root: Any, base: Any, prefix: str) -> Found:
    """Resolve ``path`` from ``base`` (whose concrete path is ``prefix``), or from ``root``."""
    start, start_prefix = (root, "") if path.absolute else (base, prefix)
    if path.names is not None:  # plain dotted names: one walk, one path string
        value = start
        for name in path.names:
            if not isinstance(value, dict) or name not in value:
                empty = FILTERS[path.filter]([]) if path.filter is not None else []
                return Found([], empty, False, ())
            value = value[name]
        where = (
            f"{start_prefix}.{path.dotted}"
            if start_prefix and path.dotted
            else (path.dotted or start_prefix)
        )
        items = [(where, value)]
        if path.filter is not None:
            return Found(items, FILTERS[path.filter]([value]), True, (where,))
        return Found(items, value, True, (where,))
    current: list[tuple[str, Any]] = [(start_prefix, start)]
    exists = True
    for name, index in path.segments:
        following: list[tuple[str, Any]] = []
        for where, value in current:
            if not isinstance(value, dict) or name not in value:
                exists = False
                continue
            child = value[name]
            child_path = f"{where}.{name}" if where else name
            if index is None:
                following.append((child_path, child))
            elif isinstance(child, list):
                if index == "":
                    following.extend((f"{child_path}[{i}]", item) for i, item in enumerate(child))
                elif int(index) < len(child):
                    following.append((f"{child_path}[{index}]", child[int(index)]))
        current = following
    values = [value for _, value in current]
    if path.filter is not None:
        value = FILTERS[path.filter](values)
    elif len(current) == 1 and not path.flattens:
        value = values[0]
    else:
        value = values
    return Found(current, value, exists)
