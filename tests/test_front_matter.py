"""Front matter is metadata, and heading decoration is not part of a title."""

from __future__ import annotations

from designkit.model import DocumentKind
from designkit.parse import parse_design
from designkit.parse.front_matter import Field, front_matter_fields, without_front_matter
from designkit.parse.kind import filed_under
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
    for text in (
        "---\n\n# Title\n",
        "---\nplain words\n---\n",
        "---\ntitle: x\n(never closed)\n",
        "---\n# Title\n\nplain words\n---\n",  # a rule, a heading, a setext heading
    ):
        assert without_front_matter(text) == text
        assert front_matter_fields(text) == {}


MADR = """\
---
# These are optional metadata elements. Feel free to remove any of them.
status: accepted
date: 2024-03-01
---

# Use a dead letter queue for failed order webhooks

## Context and Problem Statement

Shopify order webhooks sometimes fail to reach NetSuite; failed payloads are lost.

## Decision Outcome

Chosen option: "Dead letter queue with replay", because failed payloads are kept.
"""


def test_a_yaml_comment_opening_the_front_matter_is_no_title() -> None:
    # MADR's template opens its front matter with that comment; it was read as the
    # ADR's name, and the metadata as a section titled 'status: accepted date: ...'
    parsed = parse_design(MADR, "0001-dlq.md")
    assert parsed.design.meta.name == "Use a dead letter queue for failed order webhooks"
    assert parsed.design.document_kind is DocumentKind.ADR
    assert [s.title for s in parsed.design.extra_sections] == [
        "Context and Problem Statement",
        "Decision Outcome",
    ]
    assert _values(MADR) == {"status": "accepted", "date": "2024-03-01"}
    # MADR's date is the ADR's date, at its own line and column
    assert parsed.design.meta.date == "2024-03-01"
    assert parsed.locations["meta.date"] == (4, 7)


def test_front_matter_gives_only_the_header_values_it_has() -> None:
    madr_template = MADR.replace("status: accepted", 'status: "{proposed | accepted}"').replace(
        "date: 2024-03-01", "date: {YYYY-MM-DD when the decision was last updated}"
    )
    assert parse_design(madr_template, "0001.md").design.meta.date is None  # MADR's slot
    body = DOC.split("---\n", 2)[2]
    site = "---\ntitle: Orders sync\ntype: post\nlayout: default\nauthor: [Ann, Bo]\n---\n"
    parsed = parse_design(site + body, "doc.md")
    # a site's `type: post` is no design type (no DK202), and a YAML list is no designer
    assert parsed.design.meta.type is None and parsed.design.meta.designer is None
    assert not [d for d in parsed.diagnostics if d.field and d.field.startswith("meta.")]
    stated = parse_design("---\nauthor: Ann\n---\n# T\n\n- **Author**: Bo\n" + body, "d.md")
    assert stated.design.meta.designer == "Bo"  # the document's own header line wins
    alone = parse_design("---\nauthor: Ann\n---\n# T\n\n" + body, "d.md")
    assert alone.design.meta.designer == "Ann"


def _values(text: str) -> dict[str, str]:
    return {key: field.value for key, field in front_matter_fields(text).items()}


def test_front_matter_fields_are_the_flat_keys_only() -> None:
    text = (
        '---\ntitle: "CRM sync"\nPermalink: /requirements/crm-sync/\ntags:\n  - reliable\n'
        "layout: 'adr'\nempty:\n---\n# Body\nlayout: design\n"
    )
    assert _values(text) == {
        "title": "CRM sync",
        "permalink": "/requirements/crm-sync/",
        "layout": "adr",
    }  # no nested list item, no empty value, nothing from below the block
    assert front_matter_fields(text)["layout"] == Field("adr", 6, 9)  # line, column
    for text in ("# No front matter\nlayout: adr\n", "---\n\n# Title\n", "---\nkind: adr\n"):
        assert front_matter_fields(text) == {}


def test_a_page_is_filed_under_its_folders_and_layout_not_its_slug() -> None:
    def filed(key: str, value: str) -> frozenset[str]:
        return filed_under({key: Field(value, 2, 1)})

    assert {"requirement", "requirements"} <= filed("permalink", "/requirements/crm/")
    assert "requirements" not in filed("permalink", "/designs/crm-requirements")
    assert "adr" in filed("layout", "ADRs")
    assert filed("title", "Requirements") == frozenset()


_FILED = """\
---
title: "Orders to ERP sync"
permalink: {permalink}
---

## Context

The shop must send every order to the ERP through its orders API.

## Acceptance Criteria

- Orders arrive within 5 minutes.
"""


def test_front_matter_filing_is_one_sign_of_a_kind_never_the_only_one() -> None:
    filed = parse_design(_FILED.format(permalink="/requirements/orders-sync"), "doc.md")
    assert filed.design.document_kind is DocumentKind.REQUIREMENTS
    # the same page under its slug only, or filed with no requirements heading: one sign
    slug = parse_design(_FILED.format(permalink="/designs/orders-requirements"), "doc.md")
    assert slug.design.document_kind is DocumentKind.DESIGN
    alone = _FILED.format(permalink="/requirements/orders-sync").replace(
        "## Acceptance Criteria", "## Success Criteria"
    )
    assert parse_design(alone, "doc.md").design.document_kind is DocumentKind.DESIGN


def test_emphasis_anywhere_in_a_heading_is_not_part_of_its_title() -> None:
    assert (
        clean_title("**Task 8: Contract Tests** 📋 (2 days)")
        == "Task 8: Contract Tests 📋 (2 days)"
    )
    assert clean_title("### 2. __Rollout__ plan") == "Rollout plan"
    assert clean_title("**Bold whole**") == "Bold whole"
    assert clean_title("a_b_c field") == "a_b_c field"  # snake case is not emphasis
