"""The GitHub Action and its example workflow, checked the way GitHub and a security
review see them, and the Action's scoring step run for real in a throwaway repository.

The schemas are the ones check-jsonschema ships (SchemaStore's github-workflow and
github-action); zizmor is the static analyser for GitHub Actions. Both are in the dev
extra, so CI runs them; the scoring step is ``scripts/action-score.sh`` with the
environment ``action.yml`` gives it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import ROOT, SAMPLES

BIN = Path(sys.executable).parent
ACTION = ROOT / "action.yml"
WORKFLOW = ROOT / "docs" / "github-actions" / "designkit.yml"
SCRIPT = ROOT / "scripts" / "action-score.sh"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text("utf-8"))


def tool(name: str) -> str:
    found = BIN / name
    if not found.exists():
        pytest.fail(f"{name} is not installed beside {sys.executable} (pip install -e '.[dev]')")
    return str(found)


def steps_of(document: Any) -> list[dict[str, Any]]:
    if "runs" in document:
        return list(document["runs"]["steps"])
    return [step for job in document["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize(
    ("path", "schema"),
    [(ACTION, "vendor.github-actions"), (WORKFLOW, "vendor.github-workflows")],
)
def test_action_and_workflow_match_githubs_schemas(path: Path, schema: str) -> None:
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_at_medium_or_above() -> None:
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--min-severity", "medium", str(ACTION), str(WORKFLOW)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


@pytest.mark.parametrize("path", [ACTION, WORKFLOW], ids=["action", "workflow"])
def test_every_action_is_pinned_by_commit_and_no_script_expands_an_expression(
    path: Path,
) -> None:
    text = path.read_text("utf-8")
    for step in steps_of(load(path)):
        if "uses" in step:
            assert PINNED.match(step["uses"]), f"{step['uses']} is not pinned to a commit"
            line = next(line for line in text.splitlines() if step["uses"] in line)
            assert re.search(r"# v\d+(\.\d+)*$", line), f"{line.strip()}: no '# vX.Y' comment"
        if "run" in step:
            assert "${{" not in step["run"], f"an expression inside run: {step['run']!r}"


def test_workflow_runs_on_the_default_branch_and_pull_requests_with_least_privilege() -> None:
    workflow = load(WORKFLOW)
    triggers = workflow.get("on") or workflow.get(True)  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"push", "pull_request"}
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {
        "contents": "read",
        "security-events": "write",
        "actions": "read",
    }
    uses = [step["uses"].split("@")[0] for step in job["steps"]]
    assert uses == ["actions/checkout", "designkit-dev/designkit"]


def test_the_workflow_pins_a_release_tag_of_this_repository() -> None:
    """The example names a commit and its tag: a release no newer than this checkout,
    and, wherever this clone has the tag, the very commit the tag names."""
    step = next(s for s in steps_of(load(WORKFLOW)) if s["uses"].startswith("designkit-dev/"))
    sha = step["uses"].split("@")[1]
    line = next(line for line in WORKFLOW.read_text("utf-8").splitlines() if step["uses"] in line)
    tag = line.rsplit("# ", 1)[1].strip()
    from designkit import __version__

    found = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)", tag)
    assert found, f"{tag!r} is not a release tag vX.Y.Z"
    current = tuple(int(part) for part in __version__.split(".")[:3])
    assert tuple(int(part) for part in found.groups()) <= current
    tagged = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{tag}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if tagged.returncode != 0:
        pytest.skip(f"this clone has no tag {tag} (a copy without tags)")
    assert tagged.stdout.strip() == sha


# -- the scoring step, run as the Action runs it ---------------------------------------


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def score_step_env(inputs: dict[str, str]) -> dict[str, str]:
    """The score step's environment as action.yml maps it, inputs filled in as GitHub does."""
    action = load(ACTION)
    values = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    values.update(inputs)
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "score")
    env: dict[str, str] = {}
    for name, expression in step["env"].items():
        found = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", expression)
        if found:
            env[name] = values[found.group(1)]
    env["DESIGNKIT"] = str(BIN / "designkit")
    return env


def run_score_step(
    repo: Path, inputs: dict[str, str], **github: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    output, summary = repo.parent / "output.txt", repo.parent / "summary.md"
    output.write_text("")
    summary.write_text("")
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GITHUB_", "DESIGNKIT_"))
    }
    environment.update(score_step_env(inputs))
    environment.update(GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary), **github)
    done = subprocess.run(
        ["bash", str(SCRIPT)],
        cwd=repo,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return done, outputs, summary.read_text("utf-8")


@pytest.fixture
def designs_repo(tmp_path: Path) -> Path:
    """A clone whose origin/main holds one design and a README under designs/."""
    origin = tmp_path / "origin"
    (origin / "designs" / "orders").mkdir(parents=True)
    shutil.copy2(SAMPLES / "event-driven-shopify-netsuite.md", origin / "designs/orders/events.md")
    (origin / "designs" / "README.md").write_text("# Designs\n\nOne file per integration.\n")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", ".")
    git(origin, "commit", "-qm", "base")
    git(tmp_path, "clone", "-q", str(origin), "repo")
    return tmp_path / "repo"


def test_score_step_scores_designs_and_passes_a_readme_by(designs_repo: Path) -> None:
    done, outputs, summary = run_score_step(designs_repo, {})
    assert done.returncode == 0, done.stderr
    assert outputs["exit-code"] == "0", done.stdout + done.stderr
    assert "README" not in done.stdout + done.stderr
    sarif = json.loads((designs_repo / outputs["sarif-file"]).read_text("utf-8"))
    (run,) = sarif["runs"]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert uris == {"designs/orders/events.md"}
    assert summary.startswith("## designkit scorecard: Shopify Order Events to NetSuite\n")
    assert "Changes against" not in summary  # a push: nothing to compare with


def test_score_step_compares_a_pull_request_with_its_base(designs_repo: Path) -> None:
    design = designs_repo / "designs" / "orders" / "events.md"
    design.write_text(design.read_text("utf-8").replace("| 1h | N/A |", "| 4h | N/A |"))
    done, outputs, summary = run_score_step(
        designs_repo, {"format": "sarif junit"}, GITHUB_BASE_REF="main"
    )
    assert outputs["exit-code"] == "0", done.stdout + done.stderr
    assert "Changes against `origin/main:designs/orders/events.md`" in summary
    assert "| disaster recovery RTO | 1h | 4h |" in summary
    assert (designs_repo / "designkit-reports" / "designkit.xml").read_text().startswith("<?xml")


def test_score_step_fails_on_the_verdict_unless_told_never(designs_repo: Path) -> None:
    shutil.copy2(SAMPLES / "etl-warehouse-nightly.md", designs_repo / "designs" / "nightly.md")
    done, outputs, summary = run_score_step(designs_repo, {})
    assert outputs["exit-code"] == "1", done.stdout + done.stderr
    assert "revisions required" in summary.lower()
    done, outputs, _ = run_score_step(designs_repo, {"fail-on": "never"})
    assert outputs["exit-code"] == "0", done.stdout + done.stderr


def test_score_step_with_no_matching_file_says_so(designs_repo: Path) -> None:
    done, outputs, summary = run_score_step(designs_repo, {"paths": "specs/**/*.md"})
    assert outputs == {"exit-code": "0", "sarif-file": "", "summary-file": outputs["summary-file"]}
    assert "no file matches" in done.stdout
    assert "no design document matched `specs/**/*.md`" in summary


def test_score_step_refuses_an_unknown_format(designs_repo: Path) -> None:
    done, outputs, _ = run_score_step(designs_repo, {"format": "pdf"})
    assert outputs["exit-code"] == "2"
    assert "unknown format 'pdf'" in done.stderr
