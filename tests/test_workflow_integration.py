"""The review-workflow glue, run for real: the pre-commit hooks with pre-commit itself,
shell completion and ``--version`` (the GitHub Action: ``test_github_action.py``)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from designkit import __version__
from designkit.cli import main
from tests.conftest import ROOT

SAMPLES = ROOT / "samples"
BIN = Path(sys.executable).parent
COMMITTER = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env={**os.environ, **COMMITTER, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def hook_repository(target: Path, tag: str) -> None:
    """This working tree's package as a one-commit git repository tagged ``tag``.

    A copy rather than ``try-repo`` on the checkout, so uncommitted and new files
    are what the hooks install, exactly as in a released tag.
    """
    target.mkdir()
    for name in ("designkit", "rubrics", "templates", "samples"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, target / name)
    run(["git", "init", "-q"], target)
    run(["git", "add", "."], target)
    run(["git", "commit", "-qm", "hooks"], target)
    run(["git", "tag", tag], target)


def readme_pre_commit_snippet() -> str:
    """The README's ``.pre-commit-config.yaml`` example, as a user copies it."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("### pre-commit\n") :]
    found = re.search(r"```yaml\n(repos:\n.*?)```", section, re.DOTALL)
    assert found, "the README's pre-commit section has no ```yaml repos: example"
    return found.group(1)


def test_hook_definitions_are_valid() -> None:
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert [h["id"] for h in hooks] == ["designkit-lint", "designkit-score"]
    assert all(h["language"] == "python" and h["entry"].startswith("designkit ") for h in hooks)
    assert all("--skip-non-designs" in h["entry"].split() for h in hooks)
    assert re.search(hooks[0]["files"], "docs/designs/orders.md")
    assert not re.search(hooks[0]["files"], "README.md")


def test_the_readme_snippet_names_this_release() -> None:
    config = YAML(typ="safe").load(readme_pre_commit_snippet())
    (repo,) = config["repos"]
    assert repo["repo"] == "https://github.com/designkit-dev/designkit"
    assert repo["rev"] == f"v{__version__}"
    assert [hook["id"] for hook in repo["hooks"]] == ["designkit-lint", "designkit-score"]


@pytest.mark.slow
def test_pre_commit_runs_the_readme_snippet_on_a_repository_of_designs(tmp_path: Path) -> None:
    snippet = readme_pre_commit_snippet()
    rev = YAML(typ="safe").load(snippet)["repos"][0]["rev"]
    hook_repository(tmp_path / "designkit", rev)
    project = tmp_path / "project"
    (project / "designs" / "orders").mkdir(parents=True)
    shutil.copy2(SAMPLES / "event-driven-shopify-netsuite.md", project / "designs/orders/events.md")
    (project / "designs" / "README.md").write_text("# Designs\n\nOne file per integration.\n")
    (project / "README.md").write_text("# Not a design: the hooks leave it alone\n", "utf-8")
    (project / ".pre-commit-config.yaml").write_text(
        snippet.replace("https://github.com/designkit-dev/designkit", str(tmp_path / "designkit")),
        encoding="utf-8",
    )
    run(["git", "init", "-q"], project)
    run(["git", "add", "."], project)
    pre_commit = [str(BIN / "pre-commit"), "run", "--all-files"]
    home = str(tmp_path / "cache")

    clean = run(pre_commit, project, PRE_COMMIT_HOME=home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"designkit lint\.+Passed", clean.stdout)
    assert re.search(r"designkit score\.+Passed", clean.stdout)
    assert "README" not in clean.stdout + clean.stderr

    # A design with contradictions fails lint; a bar set in pyproject.toml fails score.
    shutil.copy2(SAMPLES / "etl-warehouse-nightly.md", project / "designs" / "nightly.md")
    (project / "pyproject.toml").write_text("[tool.designkit]\nfail-under = 5\n", "utf-8")
    run(["git", "add", "."], project)
    failing = run(pre_commit, project, PRE_COMMIT_HOME=home)
    assert failing.returncode == 1
    assert re.search(r"designkit lint\.+Failed", failing.stdout)
    assert "designs/nightly.md:50:1: error DK302" in failing.stdout
    assert re.search(r"designkit score\.+Failed", failing.stdout)
    assert "README" not in failing.stdout


def test_version_and_shell_completion() -> None:
    version = CliRunner().invoke(main, ["--version"])
    assert version.stdout == f"designkit, version {__version__}\n"
    for shell, marker in (("bash", "complete -o"), ("zsh", "compdef"), ("fish", "complete")):
        done = subprocess.run(
            [str(BIN / "designkit")],
            env={**os.environ, "_DESIGNKIT_COMPLETE": f"{shell}_source"},
            capture_output=True,
            text=True,
            check=True,
        )
        assert marker in done.stdout, shell
    words = subprocess.run(
        [str(BIN / "designkit")],
        env={
            **os.environ,
            "_DESIGNKIT_COMPLETE": "bash_complete",
            "COMP_WORDS": "designkit ex",
            "COMP_CWORD": "1",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert "explain" in words.stdout
