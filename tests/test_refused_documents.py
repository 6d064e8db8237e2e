"""What is no integration document and refused, and what only looks like one.

A library README, a changelog, an index of other documents (a ``designs/README.md``,
a scorecard saved as Markdown) are refused with the reason; a description or a
design that merely links to other documents is still read.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from designkit import UserError, parse_design, parse_file
from designkit.cli import main
from tests.conftest import ROOT

DOCUMENTS = Path(__file__).parent / "data" / "documents"


@pytest.mark.parametrize("name", ["library-readme.md", "changelog.md", "designs-index.md"])
def test_documents_without_integration_content_are_still_refused(name: str) -> None:
    with pytest.raises(UserError, match="not an integration design"):
        parse_file(DOCUMENTS / "not-integration" / name)


def test_an_index_of_designs_is_passed_by_as_the_hooks_promise() -> None:
    # a designs/README.md listing the designs uses their words (webhooks, DLQ, SFTP,
    # upserts) without being one; scored, it failed every pre-commit run (exit 1)
    index = str(DOCUMENTS / "not-integration" / "designs-index.md")
    listed = re.escape("a list of other Markdown files (2 of its 2 rows and items name one, ")
    with pytest.raises(UserError, match=listed + "e.g. 'orders-sync.md'"):
        parse_file(index)
    catalogue = DOCUMENTS.parent / "real-world" / "README.md"  # this project's own, 9 rows
    with pytest.raises(UserError, match=re.escape("(9 of its 9 rows and items")):
        parse_file(catalogue)
    result = CliRunner().invoke(main, ["score", "--skip-non-designs", index])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_a_scorecard_in_markdown_is_not_scored_as_a_design(tmp_path: Path) -> None:
    # `score -o designs/scorecard.md` then `score designs/*.md`: the report's rows point
    # at the design's lines, and its headings and words are the rubric's
    card = tmp_path / "scorecard.md"
    sample = str(ROOT / "samples" / "hub-spoke-hr-payroll.md")
    CliRunner().invoke(main, ["score", sample, "--format", "markdown", "-o", str(card)])
    with pytest.raises(UserError, match=re.escape("rows and items name one, e.g. '")):
        parse_file(card)


@pytest.mark.parametrize(
    "links",
    [
        # two links among more list items of its own: not mostly an index
        "- [ADR-001](adr-001.md)\n- [ADR-002](adr-002.md)\n- Retries go to a queue\n"
        "- Webhooks are idempotent\n- Payloads are mapped field by field\n",
        # one link only
        "- [Runbook](runbook.md)\n",
    ],
)
def test_a_description_that_links_to_documents_is_still_read(links: str) -> None:
    text = (
        "# How orders reach the ERP\n\nThe shop sends a webhook per order; the integration "
        "maps the payload, retries on 5xx and parks failures in a dead-letter queue.\n\n"
        f"## See also\n\n{links}"
    )
    assert parse_design(text, "how.md").design.meta.name == "How orders reach the ERP"


def test_a_template_design_whose_tables_link_to_documents_is_read() -> None:
    text = (
        "# Integration Design: Orders\n\n## Overview\n\n| Document | Link |\n|---|---|\n"
        "| ADR | [adr-001.md](adr-001.md) |\n| Runbook | [runbook.md](runbook.md) |\n"
    )
    assert parse_design(text, "orders.md").design.meta.name == "Orders"
