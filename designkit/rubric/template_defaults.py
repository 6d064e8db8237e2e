"""Is a value still the blank template's example? (levels 3+ never count one)

The template ships example values (``TLS 1.2+``, a retry row of 3 attempts); a
design that left them unchanged has decided nothing. The template's own model is
parsed once (and kept in the compiled cache), its values looked up once per
path, and a design's rows compared with the template's rows of the same table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from designkit import compiled_cache
from designkit.parse.document import parse_design
from designkit.resources import template_path

TEMPLATE_DEFAULT_MAX_LEVEL = 2
"""The highest level a template default may satisfy."""
_FIRST_ROW = re.compile(r"^(.*?)\[(\d+)\]")
_PATH_SPLIT = re.compile(r"\.|(?=\[)")


@lru_cache(maxsize=4096)
def _path_parts(concrete: str) -> tuple[str, ...]:
    return tuple(_PATH_SPLIT.split(concrete))


@lru_cache(maxsize=1)
def template_model() -> dict[str, Any]:
    """The blank template's own model: its example values are the 'template defaults'.

    Kept in the compiled cache, keyed by the template and by the parser's code (parsing
    the template is 7 ms of every ``designkit score`` start-up)."""
    path = template_path("integration-design-template.md")
    salt = compiled_cache.source_fingerprint(Path(__file__).parents[1] / "parse")
    cached = compiled_cache.load("template-model", path, salt=salt)
    if isinstance(cached, dict):
        return cached
    data = path.read_bytes()
    model = parse_design(data.decode("utf-8"), str(path)).design.model_dump(mode="json")
    sources = [(path, compiled_cache.digest(data))]
    compiled_cache.store("template-model", path, sources, model, salt=salt)
    return model


def _get(data: Any, concrete: str) -> Any:
    current = data
    for part in _path_parts(concrete):
        if not part:
            continue
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(current, list) or index >= len(current):
                return None
            current = current[index]
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            return None
    return current


def _without_extras(item: Any) -> Any:
    if isinstance(item, dict):
        return {k: v for k, v in item.items() if k != "extra_columns"}
    return item


@lru_cache(maxsize=256)
def _template_rows(list_path: str) -> tuple[Any, ...]:
    rows = _get(template_model(), list_path) or []
    return tuple(_without_extras(row) for row in rows)


@lru_cache(maxsize=4096)
def _row_of(concrete: str) -> tuple[str, str] | None:
    """``x.rows[2].y`` -> (``x.rows[2]``, ``x.rows``): the row a path is in, and its list."""
    match = _FIRST_ROW.match(concrete)
    return None if match is None else (match.group(0), match.group(1))


@lru_cache(maxsize=4096)
def _template_value(concrete: str) -> Any:
    """The blank template's value at a path, looked up once per path, not once per design."""
    return _get(template_model(), concrete)


def is_template_default(model: Mapping[str, Any], concrete: str) -> bool:
    """True when the value at ``concrete`` is exactly what the blank template ships.

    Inside a list the whole row is compared with every row of the template's
    list (the template's retry rows, logging rows, audit rows); elsewhere the
    value is compared with the template's value at the same path. Where the
    template has no rows or no value, the design's is not read at all.
    """
    row_of = _row_of(concrete)
    if row_of is not None:
        template_rows = _template_rows(row_of[1])
        if not template_rows:
            return False
        row = _without_extras(_get(model, row_of[0]))
        return row is not None and row in template_rows
    expected = _template_value(concrete)
    if expected is None:
        return False  # a filled value never equals None, and an empty one is no default
    value = _get(model, concrete)
    if value in (None, [], "", {}):
        return False
    return bool(expected == value)


def only_template_defaults(evidence: Sequence[str], is_default: Callable[[str], bool]) -> bool:
    """``all(map(is_default, evidence_roots(evidence)))``, stopping at the first row that is
    not the template's: most passing criteria read a real value first, and an ``all``'s
    evidence is every row of its table."""
    seen: set[str] = set()
    for path in evidence:
        root = _root(path)
        if root not in seen:
            if not is_default(root):
                return False
            seen.add(root)
    return True


@lru_cache(maxsize=8192)
def _root(path: str) -> str:
    """The row a concrete path is in (``x[0].y`` -> ``x[0]``), or the path itself."""
    match = _FIRST_ROW.match(path)
    return match.group(0) if match else path


def evidence_roots(evidence: Sequence[str]) -> list[str]:
    """The values a check read, one per row: ``retry_policies[0].timeout_seconds`` and
    ``retry_policies[0]`` are the same row.

    In first-seen order, kept by a dict: a list's ``in`` made this quadratic in the
    rows of a table (60,000 mapping rows took most of a minute).
    """
    roots: dict[str, None] = {}
    for path in evidence:
        match = _FIRST_ROW.match(path)
        roots.setdefault(match.group(0) if match else path, None)
    return list(roots)
