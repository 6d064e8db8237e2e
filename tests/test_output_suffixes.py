"""Output files whose suffix names another format, and ``diagram --check`` output.

A suffix that belongs to another format than the one written is one line and
exit 2, before any work (no file written); a suffix that fits, or that no format
claims, is written as before. ``diagram --check`` without ``-o`` prints its
findings and no drawing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from designkit.cli import main
from designkit.errors import UserError
from designkit.output_formats import DIAGRAM_SUFFIXES, REPORT_SUFFIXES, diagram_format
from tests.conftest import SAMPLES

HUB = SAMPLES / "hub-spoke-hr-payroll.md"  # DK407 on its hub: --check finds something


def _refused(arguments: list[str], target: Path, expected: str) -> None:
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"designkit: {target}: "), result.stderr
    assert expected in lines[0]
    assert "Usage:" not in result.stderr
    assert not target.exists()
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("name", "flags", "expected"),
    [
        ("x.txt", [], "cannot tell the diagram format from .txt; give --format dot or mermaid"),
        ("x.txt", ["--format", "svg"], "the svg diagram would go into a .txt file; name it x.svg"),
        ("x.png", ["--format", "mermaid"], "name it x.mmd (.png is for --format png)"),
        ("x.svg", ["--format", "dot"], "the dot diagram would go into a .svg file"),
        ("x.html", [], "cannot tell the diagram format from .html"),
        ("x.jpg", ["--format", "png"], "(no diagram format writes .jpg files)"),
    ],
)
def test_diagram_refuses_a_suffix_of_another_format(
    name: str, flags: list[str], expected: str, tmp_path: Path
) -> None:
    target = tmp_path / name
    _refused(["diagram", str(HUB), "-o", str(target), *flags], target, expected)


@pytest.mark.parametrize(
    ("name", "flags", "starts"),
    [
        ("x.dot", [], "digraph"),
        ("x.gv", [], "digraph"),
        ("x.mmd", [], "flowchart"),
        ("x.mermaid", [], "flowchart"),
        ("x.txt", ["--format", "dot"], "digraph"),
        ("x.txt", ["--format", "mermaid"], "flowchart"),
        ("x.MMD", [], "flowchart"),
        ("graph", ["--format", "mermaid"], "flowchart"),
        ("x.out", ["--format", "dot"], "digraph"),
    ],
)
def test_diagram_writes_a_suffix_that_fits_or_that_no_format_claims(
    name: str, flags: list[str], starts: str, tmp_path: Path
) -> None:
    target = tmp_path / name
    result = CliRunner().invoke(main, ["diagram", str(HUB), "-o", str(target), *flags])
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith(starts)


def test_a_suffix_no_format_claims_still_defaults_to_svg() -> None:
    assert diagram_format("picture", None) == "svg"
    assert diagram_format("picture.out", None) == "svg"
    assert diagram_format(None, None) == "svg"
    assert diagram_format("x.PDF", None) == "pdf"
    with pytest.raises(UserError, match=r"^x\.md: cannot tell"):
        diagram_format("x.md", None)


def test_every_format_suggests_a_suffix_that_is_its_own() -> None:
    for table in (DIAGRAM_SUFFIXES, REPORT_SUFFIXES):
        for name, suffixes in table.items():
            assert suffixes and all(s.startswith(".") and s == s.lower() for s in suffixes), name
    assert [n for n, s in DIAGRAM_SUFFIXES.items() if s[0] == ".txt"] == []


@pytest.mark.parametrize(
    ("arguments", "bad", "expected"),
    [
        (["-o", "report.json", "--format", "html"], "report.json", "name it report.html"),
        (["-o", "report.html", "--format", "json"], "report.html", "name it report.json"),
        (["-o", "out.xml", "--format", "sarif"], "out.xml", "(.xml is for --format junit)"),
        (["-o", "out.md", "--format", "text"], "out.md", "is for --format markdown or summary"),
        (["-o", "out.svg", "--format", "markdown"], "out.svg", "(no report format writes .svg"),
        (["--report", "sarif=x.html", "--format", "text"], "x.html", "name it x.sarif"),
        (["--report", "junit=x.json"], "x.json", "the junit report would go into a .json"),
    ],
)
def test_score_refuses_a_report_suffix_of_another_format(
    arguments: list[str], bad: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["score", str(HUB), *arguments])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().startswith(f"designkit: {bad}: "), result.stderr
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # refused before any report was written


@pytest.mark.parametrize(
    ("name", "output_format"),
    [
        ("r.json", "json"),
        ("r.sarif", "sarif"),
        ("r.sarif.json", "sarif"),
        ("r.xml", "junit"),
        ("r.md", "markdown"),
        ("r.md", "summary"),
        ("r.html", "html"),
        ("r.txt", "text"),
        ("r.log", "github"),
        ("r.out", "html"),
        ("report", "json"),
    ],
)
def test_score_writes_a_report_whose_suffix_fits_or_is_unclaimed(
    name: str, output_format: str, tmp_path: Path
) -> None:
    target = tmp_path / name
    result = CliRunner().invoke(
        main, ["score", str(HUB), "-o", str(target), "--format", output_format]
    )
    assert result.exit_code in (0, 1), result.stderr
    assert target.stat().st_size > 0


def test_diagram_check_without_output_prints_findings_and_no_drawing() -> None:
    result = CliRunner().invoke(main, ["diagram", str(HUB), "--format", "dot", "--check"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "digraph" not in result.output
    assert "DK407" in result.stderr
    assert all(" DK4" in line for line in result.stderr.strip().splitlines())


def test_diagram_check_needs_no_graphviz_and_no_output_for_a_binary_format() -> None:
    """Without -o nothing is drawn, so --format png (which needs -o and Graphviz to
    draw) is only a statement of what would be drawn."""
    result = CliRunner().invoke(main, ["diagram", str(HUB), "--format", "png", "--check"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "DK407" in result.stderr


def test_diagram_check_clean_prints_nothing(tmp_path: Path) -> None:
    clean = tmp_path / "clean.md"
    clean.write_text(
        "# Integration Design: Clean\n\n## Overview\n\n**Purpose**: x\n\n## Architecture\n\n"
        "### Architecture Diagram\n\n```\n[A] --> [B]\n```\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["diagram", str(clean), "--check"])
    assert result.exit_code == 0
    assert result.output == ""


def test_diagram_check_with_output_still_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "hub.mmd"
    result = CliRunner().invoke(main, ["diagram", str(HUB), "-o", str(target), "--check"])
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8").startswith("flowchart")
    assert result.stdout == ""
    assert "DK407" in result.stderr


def test_diagram_without_check_still_prints_the_drawing() -> None:
    result = CliRunner().invoke(main, ["diagram", str(HUB), "--format", "mermaid"])
    assert result.exit_code == 0
    assert result.stdout.startswith("flowchart LR")


def test_score_refuses_a_configured_output_of_another_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "designkit.toml").write_text('[outputs]\nsarif = "scan.html"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["score", str(HUB)])
    assert result.exit_code == 2, result.output
    assert "the sarif report would go into a .html file; name it scan.sarif" in result.stderr
    assert not (tmp_path / "scan.html").exists()
