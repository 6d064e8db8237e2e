"""``designkit parse`` and ``designkit lint`` must start without the heavy dependencies.

networkx, graphviz and jinja2 serve the diagram, scoring and scaffolding
stages, and ruamel.yaml only the YAML output; importing any of them on the way
to a JSON model costs start-up time for nothing. ``lint`` runs the graph checks
(DK401-DK407), so it may load networkx, but never graphviz or jinja2. Each case runs
the command in a fresh interpreter and lists the top-level modules that running
designkit added to ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SAMPLE = SAMPLES / "api-led-salesforce-sap-orders.md"

HEAVY = frozenset({"networkx", "graphviz", "jinja2", "ruamel"})

PROBE = """
import contextlib, io, json, sys

before = set(sys.modules)
argv, report = json.loads(sys.argv[1]), sys.argv[2]
from designkit.cli import main

captured = io.StringIO()
code = 0
with contextlib.redirect_stdout(captured):
    try:
        main(argv, standalone_mode=False)
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
added = sorted({name.partition(".")[0] for name in set(sys.modules) - before})
with open(report, "w", encoding="utf-8") as file:
    json.dump({"code": code, "stdout": captured.getvalue(), "modules": added}, file)
"""


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    modules: frozenset[str]
    """Top-level names of the modules that running the command added to ``sys.modules``."""


def run_cli(argv: list[str], tmp_path: Path) -> Run:
    """Run ``designkit ARGV`` in a fresh interpreter, importing designkit from this checkout."""
    report = tmp_path / "modules.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv), str(report)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"probe failed:\n{result.stderr[-4000:]}"
    data = json.loads(report.read_text(encoding="utf-8"))
    return Run(int(data["code"]), str(data["stdout"]), frozenset(data["modules"]))


def test_parse_json_imports_none_of_the_heavy_modules(tmp_path: Path) -> None:
    found = run_cli(["parse", str(SAMPLE)], tmp_path)
    assert found.code == 0
    assert json.loads(found.stdout)["meta"]["name"]
    assert {"designkit", "markdown_it", "pydantic"} <= found.modules, "probe saw no parse"
    assert not found.modules & HEAVY, f"designkit parse imported {sorted(found.modules & HEAVY)}"


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "github"])
def test_lint_imports_none_of_the_heavy_modules(tmp_path: Path, output_format: str) -> None:
    samples = [str(path) for path in sorted(SAMPLES.glob("*.md"))]
    found = run_cli(["lint", "--format", output_format, *samples], tmp_path)
    assert found.code in (0, 1), f"lint could not read a sample (exit {found.code})"
    assert {"designkit", "markdown_it", "pydantic"} <= found.modules, "probe saw no lint"
    heavy = HEAVY - {"networkx"}
    assert not found.modules & heavy, f"designkit lint imported {sorted(found.modules & heavy)}"
