"""``designkit roadmap``: the levels it promises are the levels ``designkit score`` gives.

The key test applies every item's change, one after another, writes the design
as a file and scores it with the same library call as ``designkit score``; each
item's promised level and the final levels must be exactly those scores.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from designkit.cli import main
from designkit.parse import parse_file
from designkit.roadmap import Roadmap, apply_to_document, plan_roadmap
from designkit.roadmap.plan import (
    CRITICAL,
    GROUPS,
    OPTIMISATION,
    QUICK_WIN,
    STRATEGIC,
    effort_of,
    group_of,
)
from designkit.rubric import load_rubric
from designkit.rubric.schema import Criterion, Rubric
from designkit.rubric.scorecard import CriterionResult, Status
from designkit.scoring import score_files

from .conftest import SAMPLES

SAMPLE_FILES = sorted(SAMPLES.glob("*.md"))


@lru_cache(maxsize=1)
def _rubric() -> Rubric:
    return load_rubric(None)


def _levels(path: Path) -> dict[str, int | None]:
    run = score_files([str(path)], output_format="json")
    assert not run.errors, run.errors
    (card,) = run.cards
    return {d.id: d.level for d in card.dimensions}


@pytest.mark.parametrize("target", [2, 3, 4, 5])
@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_applying_every_item_gives_the_promised_levels(
    sample: Path, target: int, tmp_path: Path
) -> None:
    parsed = parse_file(str(sample))
    roadmap = plan_roadmap(parsed, _rubric(), target)
    levels = _levels(sample)
    assert {d.id: d.level_before for d in roadmap.dimensions} == levels
    edits = []
    for number, item in enumerate(roadmap.items, 1):
        assert item.level_before == levels[item.dimension], f"item {number}"
        edits += item.changes
        changed = tmp_path / f"step-{number}.md"
        changed.write_text(apply_to_document(parsed, edits), encoding="utf-8")
        levels = _levels(changed)
        assert levels[item.dimension] == item.level_after, f"item {number}: {item.criteria}"
    assert {d.id: d.level_after for d in roadmap.dimensions} == levels
    for dimension in roadmap.dimensions:
        # short of the target only where a listed criterion blocks it
        assert dimension.reached or dimension.blocked_by, dimension
        assert dimension.reached == ((levels[dimension.id] or 0) >= target)


def test_items_come_in_group_order_and_each_satisfies_its_own_criterion() -> None:
    roadmap = plan_roadmap(parse_file(str(SAMPLES / "etl-warehouse-nightly.md")), _rubric(), 4)
    ranks = [GROUPS.index(item.group) for item in roadmap.items]
    assert ranks == sorted(ranks)
    assert {item.group for item in roadmap.items} == set(GROUPS)
    titles = {c.id: c.title for _, c in _rubric().criteria()}
    for item in roadmap.items:
        assert item.changes, item
        for ref in item.criteria:
            assert ref.title == titles[ref.id]  # the rubric's own wording


def _criterion(criterion_id: str) -> Criterion:
    return next(c for _, c in _rubric().criteria() if c.id == criterion_id)


def _failing(criterion: Criterion, *, template_default: bool = False) -> CriterionResult:
    red_flag = None if template_default else criterion.red_flag
    return CriterionResult(
        criterion.id,
        criterion.title,
        criterion.level,
        criterion.severity.value,
        Status.FAIL,
        red_flag,
        template_default=template_default,
    )


@pytest.mark.parametrize(
    ("criterion_id", "group", "effort"),
    [
        ("SEC-AUTH-METHODS", CRITICAL, "S"),  # red flag, critical severity
        ("ARC-RATIONALE", QUICK_WIN, "S"),  # one value, no red flag
        ("ARC-HAPPY-PATH-DESCRIBED", STRATEGIC, "M"),  # every row of a table
        ("REL-RTO-WITHIN-MONTHLY-BUDGET", OPTIMISATION, "S"),  # level 5
        ("ARC-SCOPE-EXCLUSIONS", OPTIMISATION, "S"),  # low severity
    ],
)
def test_grouping_and_effort_rules(criterion_id: str, group: str, effort: str) -> None:
    criterion = _criterion(criterion_id)
    result = _failing(criterion)
    assert effort_of(result, criterion) == effort
    assert group_of(result, criterion, effort_of(result, criterion)) == group


def test_a_template_example_is_no_red_flag_and_one_line_to_fix() -> None:
    criterion = _criterion("SEC-AUTH-METHODS")
    result = _failing(criterion, template_default=True)
    assert effort_of(result, criterion) == "S"
    assert group_of(result, criterion, "S") == QUICK_WIN


def test_checks_relating_two_sections_are_large() -> None:
    relating = [
        c
        for _, c in _rubric().criteria()
        if c.level < 5
        and c.severity.value != "low"
        and not c.red_flag
        and effort_of(_failing(c), c) == "L"
    ]
    assert relating, "the built-in rubric has cross-section criteria"
    assert all(group_of(_failing(c), c, "L") == STRATEGIC for c in relating)


def test_a_design_at_the_target_gets_an_empty_roadmap(tmp_path: Path) -> None:
    sample = SAMPLES / "api-led-salesforce-sap-orders.md"
    result = CliRunner().invoke(main, ["roadmap", str(sample), "--target", "Enlightened"])
    assert result.exit_code == 0, result.output
    assert "already meets the target" in result.output
    assert "## Quick wins" not in result.output
    data = json.loads(
        CliRunner()
        .invoke(main, ["roadmap", str(sample), "--target", "2", "--format", "json"])
        .output
    )
    assert data["items"] == [] and data["blocked"] == []
    assert data["before"] == data["after"]


def test_json_shape(tmp_path: Path) -> None:
    out = tmp_path / "roadmap.json"
    sample = SAMPLES / "hub-spoke-hr-payroll.md"
    result = CliRunner().invoke(
        main, ["roadmap", str(sample), "--target", "4", "--format", "json", "-o", str(out)]
    )
    assert result.exit_code in (0, 1), result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= {
        "file",
        "target",
        "assessment",
        "legend",
        "before",
        "after",
        "dimensions",
        "items",
        "blocked",
        "message",
    }
    assert data["assessment"] == "preliminary, static assessment"
    assert set(data["before"]) == {"score", "level", "label", "risk"}
    assert {d["confidence"] for d in data["dimensions"]} <= {"high", "medium", "low"}
    item = data["items"][0]
    assert set(item) >= {
        "group",
        "criteria",
        "dimension",
        "level_before",
        "level_after",
        "effort",
        "changes",
    }
    assert item["changes"][0]["op"] in ("set", "append")
    assert (
        Roadmap.model_validate(data).items[0].criteria
        == Roadmap.model_validate(data).items[0].criteria
    )
    assert set(data["legend"]) >= set(GROUPS)


def test_an_unreachable_target_names_the_blocking_criteria() -> None:
    sample = SAMPLES / "etl-warehouse-nightly.md"
    result = CliRunner().invoke(main, ["roadmap", str(sample), "--target", "3", "--format", "text"])
    assert result.exit_code == 1
    roadmap = plan_roadmap(parse_file(str(sample)), _rubric(), 3)
    blocked = [b.criterion for b in roadmap.blocked]
    assert blocked
    assert all(code in result.stderr for code in blocked)
    assert "cannot reach level 3" in result.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--target", "Wrong"], "is no level"),
        (["--target", "6"], "is no level"),
    ],
)
def test_bad_options_exit_2_in_one_line(args: list[str], needle: str) -> None:
    sample = SAMPLES / "hub-spoke-hr-payroll.md"
    result = CliRunner().invoke(main, ["roadmap", str(sample), *args])
    assert result.exit_code == 2
    assert needle in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_file_that_is_no_design_exits_2_in_one_line(tmp_path: Path) -> None:
    readme = tmp_path / "CHANGELOG.md"
    readme.write_text("# Changelog\n\n- fixed a thing\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["roadmap", str(readme)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and str(readme) in result.stderr
    assert "Traceback" not in result.stderr


def test_output_never_overwrites_the_design(tmp_path: Path) -> None:
    design = tmp_path / "design.md"
    design.write_bytes((SAMPLES / "hub-spoke-hr-payroll.md").read_bytes())
    before = design.read_bytes()
    result = CliRunner().invoke(main, ["roadmap", str(design), "-o", str(design)])
    assert result.exit_code == 2
    assert design.read_bytes() == before


def test_document_text_is_escaped_in_markdown_and_text(tmp_path: Path) -> None:
    source = (SAMPLES / "hub-spoke-hr-payroll.md").read_text(encoding="utf-8")
    _first, rest = source.split("\n", 1)
    design = tmp_path / "design.md"
    design.write_text("# Integration Design: HR <img src=x> | \x1b[31m\n" + rest, encoding="utf-8")
    markdown = CliRunner().invoke(main, ["roadmap", str(design)]).output
    assert "<img" not in markdown and "\x1b" not in markdown
    text = CliRunner().invoke(main, ["roadmap", str(design), "--format", "text"]).output
    assert "\x1b" not in text
