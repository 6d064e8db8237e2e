"""Every report format tells the same story: score, level, risk, verdict and exit code.

Each format is read back the way its consumer reads it (text and Markdown by
their headline, HTML by its facts list, SARIF, JUnit and JSON by their
properties, GitHub by its summary notice) and compared with the scorecard the
library computes. A format that words the verdict its own way, or computes a
level of its own, fails here.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from designkit.cli import main
from designkit.parse import parse_file
from designkit.report import FORMATS
from designkit.rubric import load_rubric, score_design
from tests.conftest import ROOT

DESIGNS = [
    *sorted((ROOT / "samples").glob("*.md")),
    ROOT / "templates" / "integration-design-template.md",
    ROOT / "tests" / "data" / "documents" / "adr-webhook-retries.md",  # not a design
]


class Told(NamedTuple):
    score: str  # "3.4" or "none"
    level: str  # "3" or "none"
    risk: str  # "medium" or "none"
    verdict: str  # "approved with conditions"


def _none(value: object) -> str:
    return "none" if value in (None, "", "–", "-") else str(value)


def _from_text(report: str) -> Told:
    match = re.search(
        r"overall (?:(\d\.\d) / 5|needs assessment); (?:level (\d) \(\w[\w ]*\)|no level \(needs "
        r"assessment\)); risk (\w+(?: rated)?); verdict: ([a-z ]+?)(?: \(|;)",
        report,
    )
    assert match, report[:400]
    risk = "none" if match.group(3) == "not rated" else match.group(3)
    return Told(_none(match.group(1)), _none(match.group(2)), risk, match.group(4))


def _from_markdown(report: str) -> Told:
    verdict = re.search(r"\*\*Verdict: \[([A-Z ]+)\]\*\*", report)
    overall = re.search(
        r"Overall \*\*(?:(\d\.\d) / 5|needs assessment)\*\* · (?:level (\d)|no level)[^·]*· "
        r"risk (\w+(?: rated)?)",
        report,
    )
    assert verdict and overall, report[:400]
    risk = "none" if overall.group(3) == "not rated" else overall.group(3)
    return Told(_none(overall.group(1)), _none(overall.group(2)), risk, verdict.group(1).lower())


def _from_summary(report: str) -> Told:
    verdict = re.search(r"Review verdict: \*\*([a-z ]+)\*\*", report)
    overall = re.search(
        r"Overall maturity (\d\.\d) / 5: [^*]+\*\* \(level (\d) of 5, [^)]+\) · risk (\w+)", report
    )
    assert verdict, report[:400]
    if overall is None:
        assert "Not yet assessable" in report
        return Told("none", "none", "none", verdict.group(1))
    return Told(overall.group(1), overall.group(2), overall.group(3), verdict.group(1))


def _from_html(report: str) -> Told:
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", report, re.DOTALL))
    verdict = re.search(r'class="badge \w+">([^<]+)<', facts["Verdict"])
    assert verdict
    score = re.match(r"(\d\.\d) / 5", facts["Overall score"])
    level = re.match(r"level (\d)", facts["Overall level"])
    risk = unescape(facts["Risk"])
    return Told(
        score.group(1) if score else "none",
        level.group(1) if level else "none",
        "none" if risk == "not rated" else risk,
        unescape(verdict.group(1)).lower(),
    )


def _from_sarif(report: str) -> Told:
    card = json.loads(report)["runs"][0]["properties"]["scorecards"][0]
    score = "none" if card["score"] is None else f"{card['score']:.1f}"
    return Told(score, _none(card["level"]), _none(card["risk"]), card["verdict"])


def _from_junit(report: str) -> Told:
    properties = {
        p.get("name"): p.get("value") or "" for p in ET.fromstring(report).iter("property")
    }
    return Told(
        _none(properties["score"]),
        _none(properties["level"]),
        _none(properties["risk"]),
        properties["verdict"],
    )


def _from_github(report: str) -> Told:
    notice = next(line for line in report.splitlines() if "title=designkit score::" in line)
    return _from_text(notice.replace("%3B", ";"))


def _from_json(report: str) -> Told:
    overall = json.loads(report)["overall"]
    score = "none" if overall["score"] is None else f"{overall['score']:.1f}"
    return Told(
        score,
        _none(overall["level"]),
        _none(overall["risk"]),
        overall["verdict"].replace("_", " "),
    )


READERS = {
    "text": _from_text,
    "json": _from_json,
    "markdown": _from_markdown,
    "summary": _from_summary,
    "sarif": _from_sarif,
    "junit": _from_junit,
    "github": _from_github,
    "html": _from_html,
}


def test_every_format_has_a_reader() -> None:
    assert set(READERS) == set(FORMATS)


@pytest.mark.parametrize("design", DESIGNS, ids=lambda p: p.stem)
def test_every_format_tells_the_same_verdict_level_risk_and_exit_code(design: Path) -> None:
    card = score_design(parse_file(design), load_rubric())
    overall = card.overall
    expected = Told(
        "none" if overall.score is None else f"{overall.score:.1f}",
        _none(overall.level),
        _none(overall.risk.value if overall.risk else None),
        overall.verdict.value.replace("_", " "),
    )
    expected_exit = 1 if expected.verdict == "revisions required" else 0
    runner = CliRunner()
    for output_format, read in READERS.items():
        result = runner.invoke(main, ["score", str(design), "--format", output_format])
        assert result.exit_code == expected_exit, (output_format, result.output[-300:])
        assert read(result.stdout) == expected, output_format


def test_the_policy_is_explained_and_matches_the_readme() -> None:
    result = CliRunner().invoke(main, ["explain", "--policy"])
    assert result.exit_code == 0
    for phrase in (
        "Level 1 (Ad hoc) is the floor",
        "divided by 17",
        "4.5-5.0 -> 5 Augmented",
        "below 2.0 critical",
        "revisions required",
        "--fail-on conditions",
    ):
        assert phrase in result.stdout, phrase
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "designkit explain --policy" in readme
