"""Golden scorecards for every sample and the blank template, and scoring the documents
other teams wrote without a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designkit.parse import parse_file
from designkit.rubric import load_rubric, score_design
from tests.conftest import GOLDEN, REAL_WORLD, ROOT, Golden, require_shared, sample_paths

TEMPLATE = ROOT / "templates" / "integration-design-template.md"


def _cases() -> list[tuple[str, Path]]:
    return [(path.stem, path) for path in sample_paths()] + [("template", TEMPLATE)]


@pytest.mark.parametrize(("name", "path"), _cases(), ids=[name for name, _ in _cases()])
def test_golden_scorecard(name: str, path: Path, golden: Golden) -> None:
    parsed = parse_file(path, display=path.relative_to(ROOT).as_posix())
    card = score_design(parsed, load_rubric())
    text = json.dumps(card.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    golden.check(GOLDEN / name / "scorecard.json", text)


def test_scoring_is_byte_for_byte_repeatable() -> None:
    path = sample_paths()[0]
    rubric = load_rubric()
    first = score_design(parse_file(path), rubric).model_dump_json()
    assert score_design(parse_file(path), load_rubric()).model_dump_json() == first


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in REAL_WORLD.glob("*.md") if p.name != "README.md")
    or ["ipaas-shopify-netsuite-order-sync.md"],
)
def test_real_world_documents_score(name: str) -> None:
    path = require_shared(REAL_WORLD / name)
    encoding = "cp1252" if name.startswith("sitesense") else "utf-8"
    card = score_design(parse_file(path, encoding=encoding), load_rubric())
    assert card.overall.level is None or 1 <= card.overall.level <= 5
    assert all(f.line >= 1 for f in card.findings)
