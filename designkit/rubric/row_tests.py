"""Row tests: whether an ``any``/``all`` sub-check passes on one list item, as a plain predicate.

``all`` over a table of mappings runs its sub-check on every row of every design,
and most rows pass; a passing row adds only its own path to the evidence, never
the sub-check's. So a row that passes needs no :class:`Context`, no ``Found`` and
no :class:`Outcome`: a predicate over the row's mapping says the same. Rows it
does not pass are evaluated by the compiled check as before, for the outcome a
report words.

A row test exists only where that equivalence is plain: the sub-check uses the
kinds below, each reading one field of the row by a single relative name (no
filter, no absolute path, no nested list). Otherwise :func:`row_test` returns
``None`` and the compiled check runs on every row. ``tests/test_rubric_checks.py``
holds each row test to its compiled check on every row of the sample designs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from designkit.rubric.check_kinds import LoweredPattern, fast_pattern, same
from designkit.rubric.outcome import filled
from designkit.rubric.paths import compile_path

RowTest = Callable[[Any, str], bool]
"""(the row's value, the row's concrete path) -> the sub-check passes on it."""

_ABSENT: list[Any] = []
"""What a check reads for a field the row does not have (``Found``'s empty value)."""


def row_test(check: Mapping[str, Any]) -> RowTest | None:
    """The predicate equivalent to ``check`` passing on a row, or ``None`` (see above)."""
    ((name, args),) = check.items()
    if name in ("all_of", "any_of"):
        tests = [row_test(sub) for sub in args]
        if any(test is None for test in tests):
            return None
        return _all_of(tuple(tests)) if name == "all_of" else _any_of(tuple(tests))  # type: ignore[arg-type]
    build = _LEAVES.get(name)
    if build is None or not isinstance(args, Mapping):
        return None
    field = compile_path(str(args["path"])).single
    if field is None:
        return None
    return build(field, args)


def _read(row: Any, field: str) -> Any:
    if isinstance(row, dict) and field in row:
        return row[field]
    return _ABSENT


def _present(field: str, args: Mapping[str, Any]) -> RowTest:
    def present(row: Any, where: str) -> bool:
        return isinstance(row, dict) and filled(row.get(field))  # absent: None, not filled

    return present


def _one_of(field: str, args: Mapping[str, Any]) -> RowTest:
    values = list(args["values"]) if "values" in args else [args["value"]]
    texts = frozenset(v.strip().lower() for v in values if isinstance(v, str))

    def one_of(row: Any, where: str) -> bool:
        value = _read(row, field)
        if isinstance(value, list) and len(value) == 1 and "[" in where:
            value = value[0]  # what ``_scalar`` takes from a one-item list in a row
        if type(value) is str:
            return bool(value) and value.strip().lower() in texts
        if not filled(value) and value is not False:
            return False
        return any(same(value, v) for v in values)

    return one_of


def _regex(field: str, args: Mapping[str, Any]) -> RowTest:
    pattern = fast_pattern(str(args["pattern"]))
    lowered = isinstance(pattern, LoweredPattern)
    search = pattern.compiled.search if isinstance(pattern, LoweredPattern) else pattern.search

    def regex(row: Any, where: str) -> bool:
        value = _read(row, field)
        if type(value) is str:
            return bool(value) and search(value.lower() if lowered else value) is not None
        texts = [
            v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v
        ]
        return any(search(t.lower() if lowered else t) for t in texts)

    return regex


def _all_of(tests: tuple[RowTest, ...]) -> RowTest:
    def all_of(row: Any, where: str) -> bool:
        for test in tests:  # noqa: SIM110 - a loop: no generator made per row
            if not test(row, where):
                return False
        return True

    return all_of


def _any_of(tests: tuple[RowTest, ...]) -> RowTest:
    def any_of(row: Any, where: str) -> bool:
        for test in tests:  # noqa: SIM110 - a loop: no generator made per row
            if test(row, where):
                return True
        return False

    return any_of


_LEAVES: dict[str, Callable[[str, Mapping[str, Any]], RowTest]] = {
    "present": _present,
    "equals": _one_of,
    "one_of": _one_of,
    "regex": _regex,
}
