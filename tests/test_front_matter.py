"""Front matter is metadata, and heading decoration is not part of a title."""

from __future__ import annotations

from designkit.parse import parse_design
from designkit.parse.front_matter import without_front_matter
from designkit.parse.sections import clean_title

DOC = """\
---
title: "Orders to ERP sync"
tags: [reliable]
---

## Overview

**Purpose**: Keep ERP orders in step with the shop through webhooks and a retry queue.
"""


def test_front_matter_is_blanked_and_its_title_kept_on_its_line() -> None:
    out = without_front_matter(DOC)
    assert out.split("\n")[:5] == ["", "# Orders to ERP sync", "", "", ""]
    assert out.count("\n") == DOC.count("\n")  # every later line keeps its number
    parsed = parse_design(DOC, "doc.md")
    assert parsed.design.meta.name == "Orders to ERP sync"
    assert parsed.design.overview.purpose and parsed.design.overview.purpose.startswith("Keep")
    assert parsed.sections["overview"] == 6
    assert not any("tags" in s.title for s in parsed.design.extra_sections)


def test_a_leading_rule_without_keys_is_not_front_matter() -> None:
    for text in ("---\n\n# Title\n", "---\nplain words\n---\n", "---\ntitle: x\n(never closed)\n"):
        assert without_front_matter(text) == text


def test_emphasis_anywhere_in_a_heading_is_not_part_of_its_title() -> None:
    assert (
        clean_title("**Task 8: Contract Tests** 📋 (2 days)")
        == "Task 8: Contract Tests 📋 (2 days)"
    )
    assert clean_title("### 2. __Rollout__ plan") == "Rollout plan"
    assert clean_title("**Bold whole**") == "Bold whole"
    assert clean_title("a_b_c field") == "a_b_c field"  # snake case is not emphasis
