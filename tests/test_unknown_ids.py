"""An id that names nothing is an error where it was written, never a silent no-op.

One test per place ids are written by hand: a rubric's ``disable`` list and its
overrides, ``--ignore``, a configuration file's ``ignore``, a baseline file, and
a suppression comment in a design (the one place that warns instead: the
document may belong to someone else, and the rest of it still deserves a score).
Each asserts the exit code and the exact one line, with the file, the line and
the nearest real id.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from designkit.cli import main
from designkit.rubric import RubricError, load_rubric
from tests.conftest import ROOT

EVENT = ROOT / "samples" / "event-driven-shopify-netsuite.md"


@pytest.fixture
def in_folder(tmp_path: Path) -> Iterator[Path]:
    """A fresh current folder that is its own repository (config discovery stops there)."""
    before = Path.cwd()
    os.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    try:
        yield tmp_path
    finally:
        os.chdir(before)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def one_line(result: Result) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


# ---------------------------------------------------------------- rubrics


def test_disable_an_unknown_id(in_folder: Path) -> None:
    (in_folder / "team.yaml").write_text(
        "extends: integration-maturity\nid: team\ndisable:\n  - OPS-RUNBOOK\n  - PLT-TCO-STATED\n",
        encoding="utf-8",
    )
    result = run("rubric", "check", "team.yaml")
    assert result.exit_code == 2
    assert one_line(result) == (
        "designkit: team.yaml:5: unknown id 'PLT-TCO-STATED'; did you mean 'PLT-TCO-ANNUAL'?"
    )
    scored = run("score", str(EVENT), "--rubric", "team.yaml")
    assert scored.exit_code == 2 and one_line(scored) == one_line(result)


def test_disable_in_flow_style_reports_the_items_line(in_folder: Path) -> None:
    (in_folder / "team.yaml").write_text(
        "extends: integration-maturity\nid: team\n\ndisable: [OPS-RUNBOOK, SEC-TSL]\n",
        encoding="utf-8",
    )
    result = run("rubric", "check", "team.yaml")
    assert result.exit_code == 2
    assert (
        one_line(result) == "designkit: team.yaml:4: unknown id 'SEC-TSL'; did you mean 'SEC-TLS'?"
    )


def test_disable_takes_criterion_ids_and_red_flag_codes(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        "extends: integration-maturity\nid: team\ndisable: [PLT-TCO-ANNUAL, REL-03]\n",
        encoding="utf-8",
    )
    enabled = {c.id: c.enabled for _, c in load_rubric(team).criteria()}
    assert not enabled["PLT-TCO-ANNUAL"]
    assert not enabled["REL-CB-DEFINED"]  # carries REL-03
    assert enabled["REL-CB-THRESHOLDS"]


def test_a_lint_code_cannot_be_disabled_by_a_rubric(in_folder: Path) -> None:
    (in_folder / "team.yaml").write_text(
        "extends: integration-maturity\nid: team\ndisable: [DK201]\n", encoding="utf-8"
    )
    result = run("rubric", "check", "team.yaml")
    assert result.exit_code == 2
    assert one_line(result) == (
        "designkit: team.yaml:3: 'DK201' is a lint code; a rubric's disable switches off "
        "criteria (list lint codes under ignore in designkit.toml)"
    )


def test_disable_in_a_rubric_of_its_own_is_checked_and_applied(tmp_path: Path) -> None:
    own = tmp_path / "own.yaml"
    own.write_text(
        'id: own\nname: Own\nversion: "1"\n'
        "levels: {1: a, 2: b, 3: c, 4: d, 5: e}\n"
        "dimensions:\n  - id: ops\n    name: Ops\n    weight: 1\n    criteria:\n"
        "      - id: OPS-ONE\n        title: Metrics listed\n        level: 1\n"
        "        severity: low\n        check: {count: {path: observability.metrics, min: 1}}\n"
        "        remediation: List metrics.\n"
        "disable: [OPS-ONE]\n",
        encoding="utf-8",
    )
    assert not load_rubric(own).dimensions[0].criteria[0].enabled
    own.write_text(own.read_text("utf-8").replace("[OPS-ONE]", "[OPS-ONNE]"), encoding="utf-8")
    with pytest.raises(RubricError) as raised:
        load_rubric(own)
    assert str(raised.value) == f"{own}:16: unknown id 'OPS-ONNE'; did you mean 'OPS-ONE'?"


def test_a_partial_override_of_an_unknown_id(in_folder: Path) -> None:
    (in_folder / "team.yaml").write_text(
        "extends: integration-maturity\nid: team\ndimensions:\n  - id: security\n"
        "    criteria:\n      - id: SEC-TLS\n        severity: critical\n"
        "      - id: SEC-TLS-13\n        severity: high\n",
        encoding="utf-8",
    )
    result = run("rubric", "check", "team.yaml")
    assert result.exit_code == 2
    assert one_line(result) == (
        "designkit: team.yaml:8: unknown id 'SEC-TLS-13'; did you mean 'SEC-TLS'?"
    )


def test_a_partial_override_without_a_near_id_says_what_a_new_one_needs(in_folder: Path) -> None:
    (in_folder / "team.yaml").write_text(
        "extends: integration-maturity\nid: team\ndimensions:\n  - id: security\n"
        "    criteria:\n      - id: ZZZ-QQQ\n        severity: high\n        level: 2\n",
        encoding="utf-8",
    )
    result = run("rubric", "check", "team.yaml")
    assert result.exit_code == 2
    assert one_line(result) == (
        "designkit: team.yaml:6: unknown id 'ZZZ-QQQ' in the base rubric; a new criterion "
        "also needs title, check, remediation"
    )


def test_a_complete_new_criterion_is_added(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        "extends: integration-maturity\nid: team\ndimensions:\n  - id: security\n"
        "    criteria:\n      - id: SEC-PCI-SCOPE\n        title: PCI scope is stated\n"
        "        level: 3\n        severity: high\n"
        '        check: {regex: {path: overview.scope, pattern: "PCI"}}\n'
        "        remediation: State whether card data is in PCI scope.\n",
        encoding="utf-8",
    )
    assert "SEC-PCI-SCOPE" in {c.id for _, c in load_rubric(team).criteria()}


# ---------------------------------------------------------------- --ignore and configuration


def test_ignore_option_with_an_unknown_id(in_folder: Path) -> None:
    result = run("score", str(EVENT), "--ignore", "OPS-RUNBOOK", "--ignore", "REL-RETRYS")
    assert result.exit_code == 2
    assert one_line(result) == (
        "designkit: --ignore: unknown id 'REL-RETRYS'; did you mean 'REL-RETRY-DEFINED'?"
    )
    nothing_near = run("score", str(EVENT), "--ignore", "NOT-A-REAL-ID")
    assert nothing_near.exit_code == 2
    assert one_line(nothing_near) == (
        "designkit: --ignore: unknown id 'NOT-A-REAL-ID' (designkit explain --list lists every id)"
    )


def test_designkit_toml_ignore_with_an_unknown_id(in_folder: Path) -> None:
    (in_folder / "designkit.toml").write_text(
        'format = "json"\nignore = [\n  "DK201",\n  "OPS-RUNBOK",  # the runbook\n]\n',
        encoding="utf-8",
    )
    result = run("score", str(EVENT))
    assert result.exit_code == 2
    expected = "designkit: designkit.toml:4: unknown id 'OPS-RUNBOK'; did you mean 'OPS-RUNBOOK'?"
    assert one_line(result) == expected
    linted = run("lint", str(EVENT))  # lint reads the same list
    assert linted.exit_code == 2 and one_line(linted) == expected


def test_pyproject_ignore_with_an_unknown_lint_code(in_folder: Path) -> None:
    (in_folder / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.designkit]\nignore = ["DK201", "DK2O2"]\n',
        encoding="utf-8",
    )
    result = run("score", str(EVENT))
    assert result.exit_code == 2
    assert one_line(result) == (
        "designkit: pyproject.toml:5: unknown id 'DK2O2'; did you mean 'DK202'?"
    )


def test_flags_replace_a_bad_config_list(in_folder: Path) -> None:
    """``--ignore`` replaces the file's list, so only what is used is checked."""
    (in_folder / "designkit.toml").write_text('ignore = ["NOPE-NOPE"]\n', encoding="utf-8")
    assert run("score", str(EVENT), "--ignore", "OPS-RUNBOOK").exit_code == 0


# ---------------------------------------------------------------- baseline files


def test_a_baseline_file_with_an_unknown_rule(in_folder: Path) -> None:
    wrote = run("score", str(EVENT), "--write-baseline", "known.json")
    assert wrote.exit_code == 0
    data = json.loads((in_folder / "known.json").read_text("utf-8"))
    assert data["findings"], "the sample is expected to have findings"
    data["findings"][1]["rule"] = "OPS-RUNBOK"
    (in_folder / "known.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    line = next(
        number
        for number, text in enumerate((in_folder / "known.json").read_text("utf-8").splitlines(), 1)
        if '"rule": "OPS-RUNBOK"' in text
    )
    result = run("score", str(EVENT), "--baseline-file", "known.json")
    assert result.exit_code == 2
    assert one_line(result) == (
        f"designkit: known.json:{line}: unknown id 'OPS-RUNBOK'; did you mean 'OPS-RUNBOOK'?"
    )
    assert line > 1


# ---------------------------------------------------------------- suppression comments


def test_a_suppression_comment_with_an_unknown_id_is_a_warning(in_folder: Path) -> None:
    design = in_folder / "orders.md"
    text = EVENT.read_text("utf-8") + "\n<!-- designkit: ignore REL-RETRYS accepted -->\n"
    design.write_text(text, encoding="utf-8")
    line = text.splitlines().index("<!-- designkit: ignore REL-RETRYS accepted -->") + 1
    result = run("score", "orders.md", "--format", "json")
    assert result.exit_code == 0  # a warning on the scorecard, not an unusable input
    assert json.loads(result.stdout)["notices"] == [
        {
            "severity": "warning",
            "message": "unknown id 'REL-RETRYS' in a suppression comment; "
            "did you mean 'REL-RETRY-DEFINED'?",
            "path": "orders.md",
            "line": line,
        }
    ]
    text_report = run("score", "orders.md").stdout
    assert (
        f"  orders.md:{line}: warning  unknown id 'REL-RETRYS' in a suppression comment; "
        "did you mean 'REL-RETRY-DEFINED'?"
    ) in text_report


def test_every_format_shows_a_notice(in_folder: Path) -> None:
    design = in_folder / "orders.md"
    design.write_text(
        EVENT.read_text("utf-8") + "\n<!-- designkit: ignore NOPE-NOPE because -->\n",
        encoding="utf-8",
    )
    wanted = "unknown id 'NOPE-NOPE' in a suppression comment"
    for output_format in ("text", "json", "markdown", "junit", "github"):
        assert wanted in run("score", "orders.md", "--format", output_format).stdout
    html = run("score", "orders.md", "--format", "html").stdout
    assert "unknown id &#39;NOPE-NOPE&#39; in a suppression comment" in html
    sarif = json.loads(run("score", "orders.md", "--format", "sarif").stdout)
    notices = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "designkit-notice"]
    assert len(notices) == 1 and notices[0]["level"] == "warning"
    assert notices[0]["message"]["text"].startswith(wanted)
    github = run("score", "orders.md", "--format", "github").stdout
    assert "::warning file=orders.md,line=" in github and "title=designkit::unknown id" in github
