"""Documents other teams wrote: parsed gracefully, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from designkit import UserError, lint_design, parse_file
from tests.conftest import REAL_WORLD, require_shared

DOCUMENTS = sorted(p.name for p in REAL_WORLD.glob("*.md") if p.name != "README.md") or [
    "ipaas-shopify-netsuite-order-sync.md"
]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_real_document_parses_or_is_refused_with_one_clear_line(name: str) -> None:
    path = require_shared(REAL_WORLD / name)
    encoding = "cp1252" if name.startswith("sitesense") else "utf-8"  # see the README there
    parsed = parse_file(path, encoding=encoding)
    found = lint_design(parsed)
    assert all(d.line >= 1 for d in found)
    assert parsed.design.overview.purpose or parsed.design.extra_sections


def test_windows_1252_document_reads_with_the_encoding_option() -> None:
    path = require_shared(REAL_WORLD / "sitesense-expenses-to-accounting.md")
    with pytest.raises(
        UserError, match=r"sitesense-expenses-to-accounting\.md:\d+: not valid utf-8"
    ):
        parse_file(path)
    parsed = parse_file(path, encoding="cp1252")
    assert parsed.design.meta.name and "Expenses Made Easy" in parsed.design.meta.name
    assert len(parsed.design.extra_sections) > 5


def test_unknown_sections_are_kept_with_their_text() -> None:
    path: Path = require_shared(REAL_WORLD / "ipaas-shopify-netsuite-order-sync.md")
    design = parse_file(path).design
    titles = [section.title for section in design.extra_sections]
    assert "Features" in titles or any("Feature" in t for t in titles)
    total = sum(len(section.text) for section in design.extra_sections)
    assert total > 2000
