"""The command line: wiring, output streams and exit codes (the library is tested elsewhere)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from designkit.cli import main
from tests.conftest import ROOT, SAMPLES

API_LED = ROOT / "samples" / "api-led-salesforce-sap-orders.md"
PARTIAL = ROOT / "samples" / "etl-warehouse-nightly.md"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_parse_prints_json_on_stdout_and_diagnostics_on_stderr(runner: CliRunner) -> None:
    result = runner.invoke(main, ["parse", str(PARTIAL)])
    assert result.exit_code == 0
    model = json.loads(result.stdout)
    assert model["architecture"]["pattern"] == "etl"
    assert "DK201" in result.stderr
    assert "DK201" not in result.stdout


def test_parse_yaml_matches_json(runner: CliRunner) -> None:
    as_json = json.loads(runner.invoke(main, ["parse", str(API_LED)]).stdout)
    as_yaml = runner.invoke(main, ["parse", str(API_LED), "--format", "yaml"]).stdout
    assert YAML(typ="safe").load(as_yaml) == as_json


def test_parse_reads_stdin(runner: CliRunner) -> None:
    result = runner.invoke(main, ["parse", "-"], input=API_LED.read_bytes())
    assert result.exit_code == 0
    assert json.loads(result.stdout)["meta"]["name"].startswith("Salesforce")


def test_lint_exit_codes(runner: CliRunner) -> None:
    clean = runner.invoke(main, ["lint", str(API_LED)])
    assert clean.exit_code == 0, clean.output
    broken = runner.invoke(main, ["lint", str(PARTIAL)])
    assert broken.exit_code == 1
    first = broken.stdout.splitlines()[0]
    path, line, column, rest = first.split(":", 3)
    assert path.endswith("etl-warehouse-nightly.md")
    assert int(line) > 0 and int(column) > 0
    assert rest.split()[0] in {"error", "warning", "info"}


def test_lint_json_is_a_list_of_diagnostics(runner: CliRunner) -> None:
    result = runner.invoke(main, ["lint", "--format", "json", str(PARTIAL)])
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert {"code", "severity", "message", "path", "line", "column"} <= set(found[0])
    assert any(d["code"] == "DK301" for d in found)


def test_lint_several_files_and_one_unusable(runner: CliRunner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.md"
    empty.write_text("")
    result = runner.invoke(main, ["lint", str(API_LED), str(empty)])
    assert result.exit_code == 2
    assert f"{empty}: file is empty" in result.stderr


def test_lint_files_is_what_the_command_prints(runner: CliRunner) -> None:
    """The library call and the command agree: same findings, same exit code."""
    from designkit.lint.run import lint_files, render

    run = lint_files([str(PARTIAL), str(API_LED)])
    result = runner.invoke(main, ["lint", "--format", "json", str(PARTIAL), str(API_LED)])
    assert result.exit_code == run.exit_code == 1
    assert json.loads(result.stdout) == json.loads(render(run, "json"))
    assert run.linted == [str(PARTIAL), str(API_LED)]


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "github"])
def test_lint_writes_its_report_with_o(
    runner: CliRunner, tmp_path: Path, output_format: str
) -> None:
    on_stdout = runner.invoke(main, ["lint", "--format", output_format, str(PARTIAL)])
    suffix = {"json": ".json", "sarif": ".sarif", "junit": ".xml"}.get(output_format, ".txt")
    report = tmp_path / f"lint{suffix}"
    written = runner.invoke(
        main, ["lint", "--format", output_format, str(PARTIAL), "-o", str(report)]
    )
    assert written.exit_code == on_stdout.exit_code == 1
    assert written.stdout == ""
    assert report.read_text("utf-8") == on_stdout.stdout


def test_lint_o_refuses_a_contradicting_suffix_and_the_design_itself(
    runner: CliRunner, tmp_path: Path
) -> None:
    design = tmp_path / "design.md"
    design.write_bytes(PARTIAL.read_bytes())
    wrong = runner.invoke(main, ["lint", "--format", "sarif", str(design), "-o", "x.html"])
    assert wrong.exit_code == 2
    assert wrong.stderr.count("\n") == 1 and "name it x.sarif" in wrong.stderr
    over = runner.invoke(main, ["lint", str(design), "-o", str(design)])
    assert over.exit_code == 2 and over.stderr.count("\n") == 1
    assert design.read_bytes() == PARTIAL.read_bytes()


def test_schema_is_json_schema_of_the_model(runner: CliRunner) -> None:
    schema = json.loads(runner.invoke(main, ["schema"]).stdout)
    assert schema["title"] == "Design"
    assert "error_handling" in schema["properties"]


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert "designkit" in result.stdout


def test_real_process_has_no_traceback_on_bad_input(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Through a real process: stderr is one line, exit 2."""
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = subprocess.run(
        [sys.executable, "-m", "designkit", "parse", str(binary)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(binary) in result.stderr


@pytest.mark.parametrize("command", ["lint", "score"])
def test_skip_non_designs_passes_a_readme_by_silently(command: str, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Designs\n\nOne file per integration; see the template.\n", "utf-8")
    refused = CliRunner().invoke(main, [command, str(readme)])
    assert refused.exit_code == 2
    assert "not an integration design" in refused.stderr
    alone = CliRunner().invoke(main, [command, "--skip-non-designs", str(readme)])
    assert (alone.exit_code, alone.stdout, alone.stderr) == (0, "", "")
    sample = str(SAMPLES / "hub-spoke-hr-payroll.md")
    mixed = CliRunner().invoke(main, [command, "--skip-non-designs", str(readme), sample])
    assert mixed.exit_code == 0, mixed.stderr
    assert "README" not in mixed.stdout + mixed.stderr
    assert "hub-spoke-hr-payroll.md" in mixed.stdout
    # Only "not a design" is passed by: a broken file still fails the run.
    binary = tmp_path / "designs.md"
    binary.write_bytes(b"# Integration Design: X\n\x00")
    broken = CliRunner().invoke(main, [command, "--skip-non-designs", str(binary)])
    assert broken.exit_code == 2
