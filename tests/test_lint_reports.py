"""``designkit lint --format sarif|junit|github`` and ``--fail-on``/``--strict``.

Lint writes the formats CI reads through the same writers as ``score`` (the
SARIF envelope and artifact locations, the JUnit document, the GitHub command
escaping), so the schema checks of ``test_reports.py`` apply here too: the
real samples and the blank template are linted, and every document is validated.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from designkit import __version__
from designkit.cli import main
from designkit.diagnostics import Diagnostic, Severity, fails, reaches
from designkit.lint import lint_design
from designkit.lint.codes import code_docs
from designkit.parse import parse_file
from designkit.project import REPOSITORY_URL
from designkit.report import LINT_FORMATS, LintContext, render_lint_report, sarif_lint
from designkit.report import github as github_report
from designkit.report import sarif as sarif_report
from designkit.report.rule_docs import help_uri
from tests.conftest import ROOT
from tests.test_reports import (
    TRICKY,
    _parse_command,
    context,
    glued_code_spans,
    score_path,
    validate_junit,
    validate_sarif,
)

SAMPLES = ROOT / "samples"
PARTIAL = SAMPLES / "etl-warehouse-nightly.md"  # four DK3xx/DK2xx errors, warnings, infos
GOOD = SAMPLES / "event-driven-shopify-netsuite.md"  # no error; warnings and an info
TEMPLATE = ROOT / "templates" / "integration-design-template.md"  # only DK201 warnings


def lint(path: Path) -> list[Diagnostic]:
    return lint_design(parse_file(path))


def cli(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, args)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository holding the samples and the blank template, without configuration."""
    (tmp_path / ".git").mkdir()  # the configuration search stops here
    (tmp_path / "designs").mkdir()
    for source in (PARTIAL, GOOD, TEMPLATE):
        shutil.copyfile(source, tmp_path / "designs" / source.name)
    (tmp_path / "designs" / "README.md").write_text("# Designs\n\nOne per integration.\n")
    return tmp_path


# ---------------------------------------------------------------- the library


def test_fail_on_ranks_the_severities() -> None:
    found = {s: Diagnostic("DK000", s, "m") for s in Severity}
    assert [s for s in Severity if reaches(found[s], Severity.ERROR)] == [Severity.ERROR]
    assert [s for s in Severity if reaches(found[s], Severity.WARNING)] == [
        Severity.ERROR,
        Severity.WARNING,
    ]
    assert not fails([found[Severity.WARNING], found[Severity.INFO]])
    assert fails([found[Severity.WARNING]], Severity.WARNING)
    assert not fails([found[Severity.INFO]], Severity.WARNING)
    assert not fails([], Severity.WARNING)


def test_every_lint_format_has_a_lint_writer() -> None:
    assert set(LINT_FORMATS) == {"sarif", "junit", "github"}
    for name in LINT_FORMATS:
        assert render_lint_report([], name, LintContext()) is not None


def test_lint_sarif_validates_and_reports_every_finding() -> None:
    found = lint(PARTIAL) + lint(TEMPLATE)
    ctx = LintContext(files=[str(PARTIAL), str(TEMPLATE)], base_dir=ROOT, tool_version="9.9.9")
    log = json.loads(render_lint_report(found, "sarif", ctx))
    validate_sarif(log)
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "designkit" and driver["version"] == "9.9.9"
    assert driver["informationUri"] == REPOSITORY_URL
    assert [r["id"] for r in driver["rules"]] == list(code_docs())
    for rule in driver["rules"]:
        doc = code_docs()[rule["id"]]
        assert rule["helpUri"] == help_uri(rule["id"])
        assert rule["shortDescription"]["text"] == doc.title
        assert rule["defaultConfiguration"]["level"] == sarif_lint.LINT_LEVELS[doc.severity]
        assert (
            doc.title in rule["help"]["text"] and glued_code_spans(rule["help"]["markdown"]) == []
        )
    results = run["results"]
    assert len(results) == len(found)
    for result, diagnostic in zip(results, found, strict=True):
        assert result["ruleId"] == diagnostic.code
        assert driver["rules"][result["ruleIndex"]]["id"] == diagnostic.code
        assert (
            result["level"]
            == {"error": "error", "warning": "warning", "info": "note"}[diagnostic.severity]
        )
        assert result["message"]["text"].startswith(diagnostic.message)
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert artifact["uri"] in (
            "samples/etl-warehouse-nightly.md",
            TEMPLATE.relative_to(ROOT).as_posix(),
        )
        region = location["physicalLocation"]["region"]
        assert region["startLine"] == max(1, diagnostic.line)
        assert region.get("startColumn", 0) == diagnostic.column
    # the contradictions reach code scanning as errors
    contradictions = [r for r in results if r["ruleId"].startswith("DK3") and r["level"] == "error"]
    assert {r["ruleId"] for r in contradictions} == {"DK301", "DK302", "DK303"}
    prints = [json.dumps(r["partialFingerprints"]) for r in results]
    assert len(set(prints)) == len(prints)


def test_lint_and_score_share_the_sarif_envelope(tmp_path: Path) -> None:
    score_log = json.loads(sarif_report.render([score_path(PARTIAL)], context()))
    lint_log = json.loads(
        render_lint_report(lint(PARTIAL), "sarif", LintContext(base_dir=ROOT, tool_version="9.9.9"))
    )
    assert set(score_log) == set(lint_log)
    (score_run,), (lint_run,) = score_log["runs"], lint_log["runs"]
    assert set(score_run) == set(lint_run)
    assert score_run["originalUriBaseIds"] == lint_run["originalUriBaseIds"]
    for key in ("name", "version", "informationUri"):
        assert score_run["tool"]["driver"][key] == lint_run["tool"]["driver"][key]
    outside = tmp_path / "elsewhere.md"
    shutil.copyfile(PARTIAL, outside)
    log = json.loads(
        render_lint_report(lint(outside), "sarif", LintContext(base_dir=ROOT / "samples"))
    )
    validate_sarif(log)
    bases = log["runs"][0]["originalUriBaseIds"]
    assert bases["OUTSIDE1"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"]
        for r in log["runs"][0]["results"]
    } == {"OUTSIDE1"}


def test_lint_sarif_leaves_ignored_codes_out_of_its_rules() -> None:
    found = [d for d in lint(PARTIAL) if d.code != "DK201"]
    ctx = LintContext(ignored=frozenset({"DK201"}))
    rules = json.loads(render_lint_report(found, "sarif", ctx))["runs"][0]["tool"]["driver"]
    assert "DK201" not in [r["id"] for r in rules["rules"]]
    assert "DK301" in [r["id"] for r in rules["rules"]]


def _suites(text: str) -> dict[str, ET.Element]:
    validate_junit(text)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites" and root.get("skipped") is None
    return {suite.get("name", ""): suite for suite in root.findall("testsuite")}


def test_lint_junit_validates_and_fails_what_the_exit_code_fails() -> None:
    files = [str(PARTIAL), str(GOOD), str(TEMPLATE)]
    found = [d for path in files for d in lint(Path(path))]
    for threshold in (Severity.ERROR, Severity.WARNING):
        ctx = LintContext(files=files, fail_on=threshold)
        suites = _suites(render_lint_report(found, "junit", ctx))
        assert list(suites) == files
        for path, suite in suites.items():
            mine = [d for d in found if d.path == path]
            cases = {c.get("name", "").split(":")[0]: c for c in suite.findall("testcase")}
            assert list(cases) == list(code_docs())  # one test case per code, clean or not
            assert int(suite.get("tests", "-1")) == len(code_docs())
            failing = {d.code for d in mine if reaches(d, threshold)}
            assert {c for c, case in cases.items() if case.find("failure") is not None} == failing
            assert int(suite.get("failures", "-1")) == len(failing)
            assert (int(suite.get("failures", "0")) > 0) == fails(mine, threshold)
            for code in failing:
                failure = cases[code].find("failure")
                assert failure is not None
                lines = (failure.text or "").splitlines()
                wanted = [d for d in mine if d.code == code and reaches(d, threshold)]
                assert lines == [
                    f"{d.path}:{d.line}:{d.column}: {d.severity} {d.code} {d.message}"
                    + (f" (hint: {d.hint})" if d.hint else "")
                    for d in wanted
                ]
            below = {d.code for d in mine if not reaches(d, threshold)}
            assert {c for c, case in cases.items() if case.find("system-out") is not None} == below
    # the template passes lint by default and fails under --fail-on warning
    template = [d for d in found if d.path == str(TEMPLATE)]
    lenient = _suites(render_lint_report(template, "junit", LintContext(files=[str(TEMPLATE)])))
    strict = _suites(
        render_lint_report(
            template, "junit", LintContext(files=[str(TEMPLATE)], fail_on=Severity.WARNING)
        )
    )
    assert lenient[str(TEMPLATE)].get("failures") == "0"
    assert strict[str(TEMPLATE)].get("failures") == "1"  # DK201, with every slot listed


def test_lint_junit_skips_ignored_codes_and_escapes_hostile_text() -> None:
    hostile = Diagnostic("DK301", Severity.ERROR, TRICKY + "\x01", "d/<x>.md", 3, 1)
    text = render_lint_report(
        [hostile], "junit", LintContext(files=["d/<x>.md"], ignored=frozenset({"DK201"}))
    )
    suite = _suites(text)["d/<x>.md"]
    skipped = [c.get("name") for c in suite.findall("testcase") if c.find("skipped") is not None]
    assert skipped == [f"DK201: {code_docs()['DK201'].title}"]
    assert suite.get("skipped") == "1"
    failure = suite.find("testcase/failure")
    assert failure is not None and "<script>" in (failure.text or "")


def test_lint_github_one_annotation_per_finding_escaped() -> None:
    hostile = Diagnostic("DK301", Severity.ERROR, TRICKY, "d/a,b:c.md", 3, 7, hint="x\n::y")
    found = [hostile, *lint(GOOD)]
    lines = render_lint_report(found, "github", LintContext(base_dir=ROOT)).splitlines()
    assert len(lines) == len(found)
    assert all(line.startswith("::") for line in lines)
    name, props, message = _parse_command(lines[0])
    assert (name, props) == (
        "error",
        {"file": "d/a,b:c.md", "line": "3", "col": "7", "title": "DK301"},
    )
    assert message == f"{TRICKY}\nHint: x\n::y"
    commands = [_parse_command(line)[0] for line in lines[1:]]
    assert commands == [github_report.LINT_COMMANDS[d.severity] for d in found[1:]]
    assert "notice" in commands and "warning" in commands
    assert all(
        _parse_command(line)[1]["file"] == "samples/event-driven-shopify-netsuite.md"
        for line in lines[1:]
    )


# ---------------------------------------------------------------- the command


@pytest.mark.parametrize("output_format", ["sarif", "junit", "github"])
def test_cli_lint_writes_each_ci_format(
    output_format: str, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = ["designs/etl-warehouse-nightly.md", "designs/integration-design-template.md"]
    done = cli(["lint", "--format", output_format, *files], project, monkeypatch)
    assert done.exit_code == 1, done.output  # the sample's contradictions are errors
    expected = [d for f in files for d in lint(project / f)]
    if output_format == "sarif":
        log = json.loads(done.stdout)
        validate_sarif(log)
        assert len(log["runs"][0]["results"]) == len(expected)
        assert log["runs"][0]["tool"]["driver"]["version"] == __version__
        assert (
            log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            == project.resolve().as_uri() + "/"
        )
    elif output_format == "junit":
        assert list(_suites(done.stdout)) == files
    else:
        assert len(done.stdout.splitlines()) == len(expected)
    assert "error(s) in" not in done.output  # the text summary is for people


def test_cli_lint_junit_has_no_suite_for_a_skipped_readme(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["lint", "--format", "junit", "--skip-non-designs", "designs/README.md"]
    args.append("designs/event-driven-shopify-netsuite.md")
    done = cli(args, project, monkeypatch)
    assert done.exit_code == 0, done.output
    assert list(_suites(done.stdout)) == ["designs/event-driven-shopify-netsuite.md"]


def test_the_blank_template_passes_by_default_and_fails_strict(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = "designs/integration-design-template.md"
    default = cli(["lint", template], project, monkeypatch)
    assert default.exit_code == 0
    assert "0 error(s)" in default.stderr
    for args in (["--strict"], ["--fail-on", "warning"], ["--strict", "--fail-on", "warning"]):
        done = cli(["lint", *args, template], project, monkeypatch)
        assert done.exit_code == 1, (args, done.output)
        assert "warning DK201" in done.stdout
    hook = cli(
        ["lint", "--skip-non-designs", "--strict", template, "designs/README.md"],
        project,
        monkeypatch,
    )
    assert hook.exit_code == 1 and "README" not in hook.output
    clean_readme = cli(
        ["lint", "--skip-non-designs", "--strict", "designs/README.md"], project, monkeypatch
    )
    assert (clean_readme.exit_code, clean_readme.output) == (0, "")
    explicit = cli(["lint", "--fail-on", "error", template], project, monkeypatch)
    assert explicit.exit_code == 0


def test_info_findings_never_fail(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With its warnings ignored, the good sample keeps only an info finding: strict passes."""
    good = "designs/event-driven-shopify-netsuite.md"
    assert cli(["lint", "--strict", good], project, monkeypatch).exit_code == 1
    (project / "designkit.toml").write_text('ignore = ["DK401"]\n', encoding="utf-8")
    done = cli(["lint", "--strict", good], project, monkeypatch)
    assert done.exit_code == 0, done.output
    assert " info DK407 " in done.stdout and "DK401" not in done.stdout


def test_strict_contradicting_fail_on_is_one_line(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = cli(
        ["lint", "--strict", "--fail-on", "error", "designs/etl-warehouse-nightly.md"],
        project,
        monkeypatch,
    )
    assert done.exit_code == 2
    assert done.stdout == ""
    assert done.stderr == "designkit: --strict fails on warnings; it contradicts --fail-on error\n"


def test_lint_fail_on_from_the_configuration(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = "designs/integration-design-template.md"
    (project / "designkit.toml").write_text('lint-fail-on = "warning"\n', encoding="utf-8")
    assert cli(["lint", template], project, monkeypatch).exit_code == 1
    assert cli(["lint", "--fail-on", "error", template], project, monkeypatch).exit_code == 0
    (project / "designkit.toml").unlink()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.designkit]\nfail-on = "conditions"\nlint-fail-on = "sometimes"\n',
        encoding="utf-8",
    )
    bad = cli(["lint", template], project, monkeypatch)
    assert bad.exit_code == 2
    assert bad.stderr == (
        "designkit: pyproject.toml:6: lint-fail-on must be one of warning, error, got 'sometimes'\n"
    )


def test_score_ignores_lint_fail_on(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key is lint's alone: score's verdict and exit code do not move."""
    (project / "designkit.toml").write_text('lint-fail-on = "warning"\n', encoding="utf-8")
    done = cli(
        ["score", "--format", "json", "designs/event-driven-shopify-netsuite.md"],
        project,
        monkeypatch,
    )
    (project / "designkit.toml").unlink()
    again = cli(
        ["score", "--format", "json", "designs/event-driven-shopify-netsuite.md"],
        project,
        monkeypatch,
    )
    assert done.exit_code == again.exit_code
    assert json.loads(done.stdout) == json.loads(again.stdout)
