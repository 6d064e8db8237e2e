"""Row tests say "passes" exactly when the compiled sub-check would: every ``any``/``all``
of the built-in rubric, on every row of the sample designs and on rows made to probe the
edges (absent fields, one-item lists, empty texts, ``False``, rows that are no mapping)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from designkit.parse import parse_file
from designkit.rubric import load_rubric
from designkit.rubric.checks import PASS, Context, compile_check
from designkit.rubric.paths import compile_path, resolve
from designkit.rubric.row_tests import row_test

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = sorted((ROOT / "samples").glob("*.md"))


def _row_checks(check: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(list path, sub-check) of every ``any``/``all`` inside ``check``."""
    ((kind, args),) = check.items()
    if kind in ("all_of", "any_of"):
        for sub in args:
            yield from _row_checks(sub)
    elif kind == "not":
        yield from _row_checks(args)
    elif kind in ("any", "all"):
        yield args["path"], args["where"]
        yield from _row_checks(args["where"])


def _rubric_row_checks() -> list[tuple[str, Mapping[str, Any]]]:
    found: list[tuple[str, Mapping[str, Any]]] = []
    for dimension in load_rubric().dimensions:
        for criterion in dimension.criteria:
            for check in (criterion.check, criterion.applies_if):
                if check is not None:
                    found += _row_checks(check)
    return found


ROW_CHECKS = _rubric_row_checks()


def _fields(check: Mapping[str, Any]) -> set[str]:
    ((_kind, args),) = check.items()
    if isinstance(args, list):
        return set().union(*(_fields(sub) for sub in args))
    if isinstance(args, Mapping) and "path" in args:
        return {str(args["path"])}
    return set()


def _probes(check: Mapping[str, Any], real: list[Any]) -> list[Any]:
    """Real rows, and each real row with one field the check reads set to an edge value."""
    edges: list[Any] = [None, "", "  ", [], ["x"], ["Direct"], [""], False, True, 0, 2.5, {}]
    probes: list[Any] = [*real, None, "text", 3, [], {}]
    for row in real[:3]:
        if not isinstance(row, dict):
            continue
        for field in _fields(check):
            if compile_path(field).single is None:
                continue
            probes.append({k: v for k, v in row.items() if k != field})
            probes += [{**row, field: edge} for edge in edges]
    return probes


def test_most_row_checks_have_a_row_test() -> None:
    """The built-in rubric's tables are checked by row tests, or this speed-up is gone."""
    covered = sum(row_test(where) is not None for _, where in ROW_CHECKS)
    assert covered >= 50, covered


@pytest.mark.parametrize("design", DESIGNS, ids=lambda path: path.stem)
def test_row_test_agrees_with_the_compiled_check(design: Path) -> None:
    model = parse_file(design).design.model_dump(mode="json")
    compared = 0
    for list_path, where in ROW_CHECKS:
        test = row_test(where)
        if test is None:
            continue
        compiled = compile_check(where)
        found = resolve(compile_path(list_path), model, model, "")
        items = found.items
        if len(items) == 1 and isinstance(items[0][1], list):
            items = [(f"{items[0][0]}[{i}]", row) for i, row in enumerate(items[0][1])]
        rows = [row for _, row in items]
        for index, row in enumerate(_probes(where, rows)):
            for prefix in (f"{list_path}[{index}]", list_path):  # "[" decides one-item lists
                expected = compiled(Context(model, row, prefix)).status == PASS
                assert test(row, prefix) is expected, (where, prefix, row)
                compared += 1
    assert compared > 100
