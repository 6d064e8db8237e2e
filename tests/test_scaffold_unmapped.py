"""DK502: scaffolding says before the first run that a required field is never filled."""

from __future__ import annotations

from pathlib import Path

import pytest

from designkit.parse import parse_file
from designkit.scaffold import plan_project

SAMPLES = Path(__file__).parents[1] / "samples"


def dk502(design: Path) -> list[tuple[int, str]]:
    plan = plan_project(parse_file(str(design)), design.name)
    return [(d.line, d.message) for d in plan.diagnostics if d.code == "DK502"]


def test_the_etl_sample_leaves_amount_usd_unmapped() -> None:
    found = dk502(SAMPLES / "etl-warehouse-nightly.md")
    assert [line for line, _ in found] == [50]
    assert "'amount_usd'" in found[0][1] and "dead-letter every record" in found[0][1]


@pytest.mark.parametrize(
    "name",
    [p.name for p in sorted(SAMPLES.glob("*.md")) if p.name != "etl-warehouse-nightly.md"],
)
def test_samples_that_map_every_required_field_get_no_warning(name: str) -> None:
    assert dk502(SAMPLES / name) == []


def test_a_design_without_mappings_copies_fields_by_name_and_is_not_warned(tmp_path: Path) -> None:
    text = (SAMPLES / "etl-warehouse-nightly.md").read_text()
    start = text.index("### Mapping Specifications")
    end = text.index("### ", start + 5)
    design = tmp_path / "no-mappings.md"
    design.write_text(text[:start] + text[end:])
    assert dk502(design) == []
