"""Review workflows on real files: trends against an older version (a file or a git revision),
known-findings baseline files, configuration discovery and ``designkit explain``."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from designkit.cli import main
from designkit.parse import parse_file
from designkit.review.baseline_file import read_baseline
from designkit.review.config import load_config
from designkit.review.trends import Trend, roadmap_changes
from designkit.review.values import duration, stable_field
from designkit.scoring import score_files
from tests.conftest import ROOT

EVENT = ROOT / "samples" / "event-driven-shopify-netsuite.md"
ROADMAP = ROOT / "samples" / "hub-spoke-hr-payroll.md"
RETRY_NEW = "| NetSuite timeout | Exponential with jitter | 4 | 1s, 2s, 4s, 8s | ±20% | 30s |"
RETRY_OLD = "| NetSuite timeout | Exponential | 3 | 1s, 2s, 4s | | 30s |"
RTO_NEW = "| RTO (Recovery Time) | 1h | N/A |"
RTO_OLD = "| RTO (Recovery Time) | 4h | N/A |"


def older(text: str) -> str:
    """The event-driven sample as it was before a change: fewer retries, a 4h RTO."""
    assert RETRY_NEW in text and RTO_NEW in text
    return text.replace(RETRY_NEW, RETRY_OLD).replace(RTO_NEW, RTO_OLD)


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, Path]:
    new = tmp_path / "orders.md"
    old = tmp_path / "orders-old.md"
    new.write_text(EVENT.read_text(encoding="utf-8"), encoding="utf-8")
    old.write_text(older(EVENT.read_text(encoding="utf-8")), encoding="utf-8")
    return old, new


@pytest.fixture
def in_folder(tmp_path: Path) -> Iterator[Path]:
    """Run with the current folder in a fresh temp folder (config discovery starts there)."""
    before = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(before)


def git(folder: Path, *args: str) -> str:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(
        ["git", *args], cwd=folder, env=environment, capture_output=True, text=True, check=True
    )
    return done.stdout


# ---------------------------------------------------------------- trends


def test_trend_against_an_older_file(versions: tuple[Path, Path]) -> None:
    old, new = versions
    run = score_files([str(new)], baseline=str(old))
    comparison = run.comparisons[str(new)]
    trends = {d.id: d for d in comparison.dimensions}
    assert trends["reliability"].trend is Trend.UP
    assert (trends["reliability"].old_level, trends["reliability"].new_level) == (3, 4)
    assert trends["security"].trend is Trend.SAME
    assert comparison.overall.trend is Trend.UP
    assert [f.criterion for f in comparison.fixed_findings] == ["REL-RTO-WITHIN-QUARTER-BUDGET"]
    assert comparison.new_findings == []  # level-5 findings coming into view are not new
    changes = {c.label: (c.old, c.new) for c in comparison.values}
    assert changes["retry 'NetSuite timeout' max attempts"] == ("3", "4")
    assert changes["retry 'NetSuite timeout' backoff"] == ("1s, 2s, 4s", "1s, 2s, 4s, 8s")
    assert changes["disaster recovery RTO"] == ("4h", "1h")


def test_the_reverse_change_is_a_regression(versions: tuple[Path, Path]) -> None:
    old, new = versions
    comparison = score_files([str(old)], baseline=str(new)).comparisons[str(old)]
    assert {d.id: d.trend for d in comparison.dimensions}["reliability"] is Trend.DOWN
    assert [f.criterion for f in comparison.new_findings] == ["REL-RTO-WITHIN-QUARTER-BUDGET"]
    assert comparison.fixed_findings == []


def test_trend_shows_in_every_format(versions: tuple[Path, Path]) -> None:
    old, new = versions
    runs = {
        fmt: score_files([str(new)], baseline=str(old), output_format=fmt).report
        for fmt in ("text", "json", "markdown", "sarif", "junit", "github", "html")
    }
    assert "disaster recovery RTO: 4h -> 1h" in runs["text"]
    assert "3 → 4 ▲ up" in runs["text"]
    assert json.loads(runs["json"])["comparison"]["dimensions"][3]["trend"] == "up"
    assert "#### Changes against" in runs["markdown"]
    assert "| disaster recovery RTO | 4h | 1h |" in runs["markdown"]
    assert "| Change |" in runs["markdown"]
    sarif = json.loads(runs["sarif"])["runs"][0]
    assert {r["baselineState"] for r in sarif["results"]} == {"unchanged"}
    assert sarif["properties"]["scorecards"][0]["comparison"]["overall"]["trend"] == "up"
    assert 'name="trend.reliability" value="3 → 4 ▲ up"' in runs["junit"]
    assert "disaster recovery RTO: 4h -> 1h" in runs["github"]
    assert "Changes against" in runs["html"] and "trend-up" in runs["html"]


def test_reports_without_a_baseline_are_unchanged(versions: tuple[Path, Path]) -> None:
    _, new = versions
    run = score_files([str(new)], output_format="markdown")
    assert "Changes against" not in run.report and "| Change |" not in run.report
    assert "comparison" not in json.loads(score_files([str(new)], output_format="json").report)


def test_a_regression_is_new_in_sarif(versions: tuple[Path, Path]) -> None:
    old, new = versions
    sarif = json.loads(score_files([str(old)], baseline=str(new), output_format="sarif").report)
    states = {r["ruleId"]: r["baselineState"] for r in sarif["runs"][0]["results"]}
    assert states["REL-RTO-WITHIN-QUARTER-BUDGET"] == "new"


def test_roadmap_current_values_are_their_own_baseline() -> None:
    changes = roadmap_changes(parse_file(ROADMAP).design)
    assert {c.label: (c.old, c.new) for c in changes} == {
        "disaster recovery RTO": ("1d", "4h"),
        "disaster recovery RPO": ("12h", "1h"),
        "disaster recovery failover": ("manual", "automatic"),
        "disaster recovery backup": (
            "Single Atom, nightly VM snapshot",
            "3-node Molecule across 2 AZs, processes in Git",
        ),
    }
    assert all(c.source == "roadmap" for c in changes)
    report = score_files([str(ROADMAP)], baseline=str(ROADMAP), output_format="markdown").report
    assert "| disaster recovery RTO *(roadmap: current → target)* | 1d | 4h |" in report
    assert roadmap_changes(parse_file(EVENT).design) == []  # a new design has no Current column


def test_a_roadmap_design_shows_its_roadmap_without_a_baseline() -> None:
    """No older version given: the Current -> Target values are the change, in every format;
    levels and findings are not compared with themselves."""
    formats = ("text", "markdown", "json", "sarif", "junit", "github", "html")
    reports = {fmt: score_files([str(ROADMAP)], output_format=fmt).report for fmt in formats}
    assert "roadmap: 4 value(s) move from Current to Target" in reports["text"]
    assert "disaster recovery RTO: 1d -> 4h [roadmap: current -> target]" in reports["text"]
    assert "  dimension                        trend" not in reports["text"]
    assert (
        "| disaster recovery RTO *(roadmap: current → target)* | 1d | 4h |" in reports["markdown"]
    )
    assert "| Change |" not in reports["markdown"]
    comparison = json.loads(reports["json"])["comparison"]
    assert comparison["roadmap_only"] is True and len(comparison["values"]) == 4
    results = json.loads(reports["sarif"])["runs"][0]["results"]
    assert results and all("baselineState" not in r for r in results)
    assert "trend." not in reports["junit"] and "disaster recovery RTO" in reports["junit"]
    assert "roadmap: 4 value(s)" in reports["github"]
    assert "1d" in reports["html"] and 'class="trends"' not in reports["html"]
    # with an older version given, the comparison is a real one (and keeps the roadmap)
    compared = score_files([str(ROADMAP)], baseline=str(ROADMAP)).comparisons[str(ROADMAP)]
    assert not compared.roadmap_only and len(compared.values) == 4


def test_rows_are_named_not_numbered() -> None:
    design = parse_file(EVENT).design
    assert stable_field(design, "error_handling.retry_policies[0].max_attempts") == (
        "error_handling.retry_policies[NetSuite timeout].max_attempts"
    )
    assert stable_field(design, "error_handling.retry_policies[99]") == (
        "error_handling.retry_policies[99]"
    )
    assert [duration(s) for s in (14400, 5400, 90, 0.5, 86400)] == [
        "4h",
        "1h 30m",
        "1m 30s",
        "500ms",
        "1d",
    ]


def test_baseline_ref_reads_the_old_version_from_git(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "designs").mkdir(parents=True)
    design = repo / "designs" / "orders.md"
    design.write_text(older(EVENT.read_text(encoding="utf-8")), encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "old")
    design.write_text(EVENT.read_text(encoding="utf-8"), encoding="utf-8")
    (repo / "designs" / "added.md").write_text(EVENT.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "score",
            str(design),
            str(repo / "designs" / "added.md"),
            "--baseline-ref",
            "main",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    first, second = json.loads(result.stdout)["scorecards"]
    assert first["comparison"]["baseline"] == "main:designs/orders.md"
    assert first["comparison"]["dimensions"][3]["trend"] == "up"
    assert {"old": "4h", "new": "1h"}.items() <= first["comparison"]["values"][-1].items()
    assert second["comparison"]["baseline_found"] is False
    assert {d["trend"] for d in second["comparison"]["dimensions"]} == {"new"}
    bad = CliRunner().invoke(main, ["score", str(design), "--baseline-ref", "no-such-branch"])
    assert bad.exit_code == 2
    assert bad.stderr.strip().endswith("--baseline-ref: unknown git revision 'no-such-branch'")
    outside = tmp_path / "loose.md"
    outside.write_text(EVENT.read_text(encoding="utf-8"), encoding="utf-8")
    lone = CliRunner().invoke(main, ["score", str(outside), "--baseline-ref", "main"])
    assert lone.exit_code == 2 and "not inside a git repository" in lone.stderr


# ---------------------------------------------------------------- known-findings baseline file


def test_write_baseline_then_only_new_findings(in_folder: Path) -> None:
    (in_folder / ".git").mkdir()  # the project root: where the default baseline file lives
    design = in_folder / "designs" / "orders.md"
    design.parent.mkdir()
    text = EVENT.read_text(encoding="utf-8")
    design.write_text(text, encoding="utf-8")
    runner = CliRunner()
    wrote = runner.invoke(
        main, ["score", "designs/orders.md", "--write-baseline", ".designkit-baseline.json"]
    )
    assert wrote.exit_code == 0
    assert "wrote 9 known finding(s) to .designkit-baseline.json" in wrote.stderr
    entries = json.loads((in_folder / ".designkit-baseline.json").read_text())["findings"]
    assert {e["file"] for e in entries} == {"designs/orders.md"}
    assert not any(ch.isdigit() for e in entries for ch in e["field"].split("[")[0])

    # Text moves down by ten lines and a retry row is inserted: nothing new.
    moved = text.replace("## Overview", "## Overview\n" + "\n" * 10, 1)
    moved = moved.replace(
        RETRY_NEW, "| Inventory API 5xx | Exponential | 3 | 1s, 2s, 4s | | 30s |\n" + RETRY_NEW
    )
    design.write_text(moved, encoding="utf-8")
    quiet = runner.invoke(main, ["score", "designs/orders.md", "--format", "json"])
    assert quiet.exit_code == 0
    card = json.loads(quiet.stdout)
    assert card["findings"] == [] and card["known_findings_hidden"] == 9
    assert "9 known finding(s) hidden" in quiet.stderr

    # A regression is reported, and only it.
    design.write_text(moved.replace(RTO_NEW, RTO_OLD), encoding="utf-8")
    loud = runner.invoke(main, ["score", "designs/orders.md", "--format", "json"])
    assert [f["criterion"] for f in json.loads(loud.stdout)["findings"]] == [
        "REL-RTO-WITHIN-QUARTER-BUDGET"
    ]
    everything = runner.invoke(
        main, ["score", "designs/orders.md", "--all-findings", "--format", "json"]
    )
    assert len(json.loads(everything.stdout)["findings"]) > 1


def test_known_findings_let_a_legacy_design_below_target_pass(in_folder: Path) -> None:
    legacy = in_folder / "legacy.md"
    legacy.write_text((ROOT / "samples" / "etl-warehouse-nightly.md").read_text("utf-8"), "utf-8")
    assert score_files([str(legacy)], fail_under=4).exit_code == 1
    assert score_files([str(legacy)]).exit_code == 1  # lint errors: revisions required
    wrote = score_files([str(legacy)], fail_under=4, write_baseline=str(in_folder / "known.json"))
    assert wrote.exit_code == 0
    run = score_files([str(legacy)], fail_under=4, known_findings=str(in_folder / "known.json"))
    assert run.exit_code == 1  # --fail-under still holds: the level stays honest
    assert run.hidden[str(legacy)] > 0
    assert run.cards[0].overall.level is not None and run.cards[0].overall.level < 4
    gate = score_files([str(legacy)], known_findings=str(in_folder / "known.json"))
    assert gate.exit_code == 0  # its known findings and lint errors no longer decide the verdict
    assert gate.cards[0].overall.lint_errors == 0


def test_a_broken_baseline_file_is_one_line(in_folder: Path) -> None:
    (in_folder / "known.json").write_text('{"version": 1,\n "findings": [}', encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(EVENT), "--baseline-file", "known.json"])
    assert result.exit_code == 2
    assert result.stderr.startswith("designkit: known.json:2: invalid JSON")
    assert read_baseline  # imported for the library path


# ---------------------------------------------------------------- configuration


def test_config_is_found_walking_up_and_flags_override_it(in_folder: Path) -> None:
    (in_folder / ".git").mkdir()
    (in_folder / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.designkit]\nformat = "json"\nfail-under = 5\n'
        'ignore = ["REL-DEDUP-COVERS-DLQ", "DK201"]\n\n[tool.designkit.outputs]\n'
        'sarif = "build/designkit.sarif"\n',
        encoding="utf-8",
    )
    nested = in_folder / "docs" / "designs"
    nested.mkdir(parents=True)
    os.chdir(nested)
    config = load_config()
    assert config.path == in_folder / "pyproject.toml"
    runner = CliRunner()
    result = runner.invoke(main, ["score", str(EVENT)])
    assert result.exit_code == 1  # fail-under 5 from the file
    card = json.loads(result.stdout)  # format json from the file
    assert "REL-DEDUP-COVERS-DLQ" not in {f["criterion"] for f in card["findings"]}
    assert (in_folder / "build" / "designkit.sarif").is_file()
    flagged = runner.invoke(main, ["score", str(EVENT), "--format", "text", "--fail-under", "3"])
    assert flagged.exit_code == 0 and flagged.stdout.startswith(str(EVENT))
    linted = runner.invoke(main, ["lint", str(ROOT / "samples" / "etl-warehouse-nightly.md")])
    assert "DK201" not in linted.stdout and "DK302" in linted.stdout


def test_designkit_toml_wins_and_stops_at_the_repository_root(in_folder: Path) -> None:
    (in_folder / "designkit.toml").write_text('format = "markdown"\n', encoding="utf-8")
    inner = in_folder / "repo"
    inner.mkdir()
    (inner / ".git").mkdir()
    assert load_config(start=inner).path is None  # not above the repository root
    assert load_config(start=in_folder).format == "markdown"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'format = "json"\nfail-undr = 3\n',
            "designkit.toml:2: unknown key 'fail-undr'; did you mean 'fail-under'?",
        ),
        (
            "fail-under = 9\n",
            "designkit.toml:1: fail-under must be a whole number from 0 to 5, got 9",
        ),
        ('format = "pdf"\n', "designkit.toml:1: format must be one of text, json, markdown"),
        ("ignore = 'DK201'\n", "designkit.toml:1: ignore must be a list of codes"),
        ("\n\nformat = = 1\n", "designkit.toml:3: invalid TOML: Invalid value"),
        ('[outputs]\nsarif = "a"\npng = "b"\n', "designkit.toml:3: outputs: unknown format 'png'"),
    ],
)
def test_a_bad_config_is_one_line_and_exit_2(in_folder: Path, text: str, message: str) -> None:
    (in_folder / ".git").mkdir()
    (in_folder / "designkit.toml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(EVENT)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"designkit: {message}")


# ---------------------------------------------------------------- explain


def test_explain_a_criterion_and_a_lint_code() -> None:
    result = CliRunner().invoke(main, ["explain", "REL-RETRY-SERVER-ERRORS", "dk301"])
    assert result.exit_code == 0
    text = result.stdout
    for heading in ("Why it matters", "What passes", "What fails", "How to fix"):
        assert text.count(heading) == 2
    assert "| Server error (5xx) | Exponential | 3 | 2s, 4s, 8s | 60s |" in text
    assert "| API timeout | Exponential | 2 | 1s, 2s, 4s, 8s | 30s |" in text
    assert "lint code retry-backoff-mismatch · severity error" in text


def test_explain_a_red_flag_lists_its_criteria_and_unknown_ids_fail() -> None:
    flag = CliRunner().invoke(main, ["explain", "SEC-01"])
    assert flag.exit_code == 0
    assert flag.stdout.startswith("SEC-01: credentials in plain text in code or config\n")
    assert "Security · severity critical" in flag.stdout
    assert "SEC-SECRETS-VAULT  L3 critical Secrets are kept in a named secrets vault" in flag.stdout
    assert "SEC-01 named SEC-TLS (TLS 1.2 or better in transit)" in flag.stdout  # its old meaning
    unknown = CliRunner().invoke(main, ["explain", "REL-RETYR"])
    assert unknown.exit_code == 2
    assert unknown.stderr == (
        "designkit: unknown id 'REL-RETYR'; did you mean 'REL-RETRY-DEFINED'?\n"
    )


def test_every_id_has_an_explanation_with_examples() -> None:
    listed = CliRunner().invoke(main, ["explain", "--list"]).stdout
    ids = [line.split()[0] for line in listed.splitlines() if line.startswith("  ")]
    codes = [i for i in ids if i.startswith("DK")]
    assert len(codes) == 24  # lint codes (DK105, DK106: parser notes; DK501, DK502: scaffold)
    assert len(ids) == len(codes) + 154 + 34  # 34 red flags
    ids = ids[: len(codes) + 154]
    for code in codes:
        text = CliRunner().invoke(main, ["explain", code]).stdout
        assert "\n  e.g.\n" in text.split("What fails")[1], code  # a failing snippet
        assert "How to fix\n  " in text
    criteria = CliRunner().invoke(main, ["explain", *ids[len(codes) :]]).stdout
    assert criteria.count("What passes") == 154


def test_the_explain_text_is_the_sarif_help_and_is_in_the_html(versions: tuple[Path, Path]) -> None:
    _, new = versions
    sarif = json.loads(score_files([str(new)], output_format="sarif").report)
    rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    explained = CliRunner().invoke(main, ["explain", "SEC-TLS"]).stdout
    help_text = rules["SEC-TLS"]["help"]["text"]
    assert help_text.splitlines()[:3] == explained.splitlines()[:3]
    assert "```markdown\n- **In Transit**: HTTPS\n```" in rules["SEC-TLS"]["help"]["markdown"]
    html = score_files([str(new)], output_format="html").report
    assert "What these criteria check and how to fix them" in html
    assert "<strong>Why it matters.</strong>" in html


def test_an_added_design_is_new_without_repeating_its_findings(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("x\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "start")
    added = repo / "payroll.md"
    added.write_text(ROADMAP.read_text(encoding="utf-8"), encoding="utf-8")
    run = score_files([str(added)], baseline_ref="main", output_format="markdown")
    assert "new design (no earlier version: main:payroll.md (not in main: a new design))" in (
        run.report
    )
    assert "**New findings" not in run.report
    assert "| disaster recovery RTO *(roadmap: current → target)* | 1d | 4h |" in run.report


def test_comments_with_comparisons_stay_under_the_limit(tmp_path: Path) -> None:
    from designkit.report.markdown import MAX_CHARS

    old = tmp_path / "old.md"
    old.write_text(older(EVENT.read_text(encoding="utf-8")), encoding="utf-8")
    copies = []
    for number in range(40):
        copy = tmp_path / f"design-{number}.md"
        copy.write_text(EVENT.read_text(encoding="utf-8"), encoding="utf-8")
        copies.append(str(copy))
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "base")
    for copy in copies:
        Path(copy).write_text(old.read_text(encoding="utf-8"), encoding="utf-8")
    report = score_files(copies, baseline_ref="main", output_format="markdown").report
    assert len(report) <= MAX_CHARS
    assert "#### Changes against" in report
