"""docs/rules.md and the SARIF links into it: current, one section per id, every link lands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from designkit.lint.codes import code_docs
from designkit.project import DOCS_URL, REPOSITORY_URL
from designkit.report import sarif as sarif_report
from designkit.report.rule_docs import anchor, documented_ids, help_uri
from designkit.rubric.scorecard import Notice
from tests.conftest import ROOT
from tests.test_reports import (
    FENCE,
    TEMPLATE,
    context,
    finding,
    glued_code_spans,
    make_card,
    rubric,
    score_path,
)

PAGE = ROOT / "docs" / "rules.md"


def page_anchors() -> list[str]:
    """The anchors of the page's headings, as GitHub makes them (fenced snippets are no headings)."""
    text = FENCE.sub("", PAGE.read_text(encoding="utf-8"))
    return [anchor(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.MULTILINE)]


def test_the_rules_page_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "rules_doc.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_staleness_check_can_fail(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "rules_doc.py"
    copy = tmp_path / "scripts" / "rules_doc.py"
    copy.parent.mkdir()
    copy.write_text(script.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "rules.md").write_text(
        PAGE.read_text(encoding="utf-8").replace("### DK301", "### DK3O1"), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, str(copy), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "docs/rules.md is stale" in done.stderr


def test_github_anchors() -> None:
    assert anchor("DK301") == "dk301"
    assert anchor("REL-RETRY-BOUNDED") == "rel-retry-bounded"
    assert anchor("designkit-notice") == "designkit-notice"
    assert anchor("Criteria: Architecture & Design") == "criteria-architecture--design"


def test_one_section_per_id_and_no_other_heading_clashes() -> None:
    anchors = page_anchors()
    assert len(anchors) == len(set(anchors))  # GitHub would suffix a repeat with -1
    ids = documented_ids()
    assert {anchor(i) for i in ids} <= set(anchors)
    assert set(code_docs()) <= ids
    assert {c.id for _, c in rubric().criteria()} <= ids
    assert "designkit-notice" in ids
    assert "ZZZ-NEW" not in ids


def test_the_page_keeps_code_spans_apart_from_words() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert text.count("`") > 200
    assert glued_code_spans(text) == []


def test_every_sarif_rule_links_to_its_own_section() -> None:
    cards = [score_path(TEMPLATE), make_card([finding("ZZZ-NEW")])]
    notice = Notice(severity="warning", message="unknown id", path="a.md", line=2)
    noticed = cards[0].model_copy(update={"notices": [notice]})
    log = json.loads(sarif_report.render([noticed, cards[1]], context()))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == REPOSITORY_URL
    anchors = set(page_anchors())
    rules = {r["id"]: r for r in driver["rules"]}
    assert "designkit-notice" in rules
    for rule_id, rule in rules.items():
        if rule_id == "ZZZ-NEW":  # not in the built-in rubric: the page cannot explain it
            assert "helpUri" not in rule
            continue
        assert rule["helpUri"] == f"{DOCS_URL}/rules.md#{anchor(rule_id)}" == help_uri(rule_id)
        assert rule["helpUri"].startswith(REPOSITORY_URL + "/")
        assert anchor(rule_id) in anchors, rule_id


def test_the_repository_url_is_the_packages() -> None:
    """pyproject.toml names the repository too; the two must not drift apart."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    github = [u for u in project.get("urls", {}).values() if "github.com" in u]
    assert all(u == REPOSITORY_URL or u.startswith(REPOSITORY_URL + "/") for u in github), github
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert f"repo: {REPOSITORY_URL}" in hooks
