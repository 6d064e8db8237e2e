"""The roadmap planner's shortcuts give the plan the slow path gives.

``apply_edits`` copies only what an edit touches and ``_Scorer`` memoises its
scorecards (``benchmarks/assess_bench.py`` measures the gain). These tests hold
both to the plain algorithm: a full deep copy per change, and every candidate
rendered, re-parsed and re-scored with no memo.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from designkit.parse import parse_file
from designkit.roadmap import plan, plan_roadmap
from designkit.roadmap.changes import (
    ChangeError,
    Edit,
    apply_edits,
    render_with,
    reparse,
    to_design,
)
from designkit.roadmap.donors import donor_models
from designkit.rubric import load_rubric, score_design
from designkit.rubric.scorecard import Scorecard

from .conftest import SAMPLES


def _deep_apply(data: dict[str, Any], edits: list[Edit]) -> dict[str, Any]:
    """The reference: what ``apply_edits`` did before copy on write."""
    result = copy.deepcopy(data)
    for edit in edits:
        parts = edit.path.split(".")
        current: Any = result
        for part in parts[:-1]:
            if not isinstance(current, dict):
                raise ChangeError(f"{edit.path}: {part} is not a section")
            current = current.setdefault(part, {})
        if not isinstance(current, dict):
            raise ChangeError(f"{edit.path}: not a section")
        key = parts[-1]
        if edit.op == "set":
            current[key] = copy.deepcopy(edit.value)
        else:
            rows = current.get(key)
            if rows is None:
                rows = current[key] = []
            if not isinstance(rows, list):
                raise ChangeError(f"{edit.path}: not a list")
            rows.append(copy.deepcopy(edit.value))
    return result


BASE: dict[str, Any] = {
    "meta": {"name": "orders", "owners": ["a"]},
    "reliability": {"retry": {"attempts": 3}, "queues": [{"name": "q1"}]},
    "flows": [{"id": 1}],
    "empty": None,
}
SHARED = {"name": "donor", "tags": ["x"]}

EDIT_LISTS: list[list[Edit]] = [
    [Edit(op="set", path="meta.name", value="new")],
    [Edit(op="set", path="a.b.c", value=1)],
    [Edit(op="append", path="flows", value={"id": 2})],
    [Edit(op="append", path="reliability.queues", value=SHARED)],
    [Edit(op="append", path="new.list", value=SHARED)],
    [
        Edit(op="set", path="reliability.retry", value=SHARED),
        Edit(op="append", path="reliability.retry.tags", value="y"),
        Edit(op="set", path="reliability.retry.name", value="changed"),
    ],
    [
        Edit(op="append", path="flows", value={"id": 2}),
        Edit(op="append", path="flows", value={"id": 3}),
        Edit(op="set", path="meta.owners", value=["b"]),
        Edit(op="append", path="meta.owners", value="c"),
    ],
    [Edit(op="set", path="empty.x", value=1)],
    [Edit(op="set", path="meta.name.first", value=1)],
    [Edit(op="append", path="meta.name", value=1)],
    [Edit(op="set", path="flows.x", value=1)],
]


@pytest.mark.parametrize("edits", EDIT_LISTS, ids=range(len(EDIT_LISTS)))
def test_apply_edits_is_the_deep_copy_result_and_changes_no_input(edits: list[Edit]) -> None:
    data = copy.deepcopy(BASE)
    values = [copy.deepcopy(edit.value) for edit in edits]
    try:
        expected: dict[str, Any] | str = _deep_apply(data, edits)
    except ChangeError as error:
        expected = str(error)
    try:
        got: dict[str, Any] | str = apply_edits(data, edits)
    except ChangeError as error:
        got = str(error)
    assert got == expected
    if isinstance(got, dict):
        # the same dump, key order included (the renderer follows it)
        assert json.dumps(got) == json.dumps(expected)
    assert data == BASE
    assert [edit.value for edit in edits] == values
    assert SHARED == {"name": "donor", "tags": ["x"]}


def _unmemoised(self: plan._Scorer, data: dict[str, Any]) -> Scorecard | None:
    """``_Scorer.as_file`` with no memo: every call renders, re-parses and re-scores."""
    design = to_design(data)
    if design is None:
        return None
    markdown = render_with(design, self.parsed.source)
    return score_design(reparse(markdown, self.parsed.path), self.rubric)


@pytest.mark.parametrize(
    ("sample", "target"),
    [("event-driven-shopify-netsuite.md", 5), ("api-led-salesforce-sap-orders.md", None)],
)
def test_the_memoised_plan_is_the_unmemoised_plan(
    sample: str, target: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = parse_file(str(SAMPLES / sample))
    rubric = load_rubric(None)
    donors = copy.deepcopy(donor_models())
    before = parsed.design.model_dump(mode="json")
    fast = plan_roadmap(parsed, rubric, target)
    assert fast.items, "a roadmap with items, so the comparison covers the planner"
    assert donor_models() == donors, "planning changed a donor model in place"
    assert parsed.design.model_dump(mode="json") == before
    monkeypatch.setattr(plan._Scorer, "as_file", _unmemoised)
    slow = plan_roadmap(parsed, rubric, target)
    assert fast.model_dump_json() == slow.model_dump_json()


def test_the_scorer_memo_returns_the_scorecard_of_the_rendered_file(tmp_path: Path) -> None:
    parsed = parse_file(str(SAMPLES / "hub-spoke-hr-payroll.md"))
    rubric = load_rubric(None)
    scorer = plan._Scorer(parsed, rubric)
    data = parsed.design.model_dump(mode="json")
    first = scorer.as_file(data)
    again = scorer.as_file(copy.deepcopy(data))
    assert first is not None and again is first
    expected = _unmemoised(scorer, data)
    assert expected is not None
    assert first.model_dump_json() == expected.model_dump_json()
