"""Golden generated projects: every file the scaffold renders from a sample's values.

Files copied verbatim from ``templates/pipeline/`` (the runtime, its tests) are checked
against the template itself; the manifest only lists hashes. What remains (config with
provenance, README, pyproject, Dockerfile, .dockerignore, compose.yaml, .env.example,
CI workflow, alerts, Prometheus config, dashboard, sample data, ``user_hooks.py``) is
reviewed like code. Regenerate with ``make golden``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from designkit.cli import main
from tests.conftest import GOLDEN, ROOT, Golden

SAMPLES = sorted((ROOT / "samples").glob("*.md"))
TEMPLATE = ROOT / "templates" / "pipeline"
MANIFEST = ".designkit-manifest.json"


@pytest.mark.parametrize("design", SAMPLES, ids=lambda p: p.stem)
def test_generated_project_matches_its_golden_files(
    design: Path, tmp_path: Path, golden: Golden
) -> None:
    out = tmp_path / "project"
    result = CliRunner().invoke(main, ["scaffold", str(design), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rendered = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        relative = path.relative_to(out).as_posix()
        static = TEMPLATE / relative
        if relative == MANIFEST or (static.is_file() and static.read_bytes() == path.read_bytes()):
            continue
        rendered.append(relative)
        golden.check(GOLDEN / design.stem / "project" / relative, path.read_text(encoding="utf-8"))
    assert "config/pipeline.yaml" in rendered and "README.md" in rendered
    expected = GOLDEN / design.stem / "project"
    if not golden.update:  # no golden file left over from a file the scaffold stopped writing
        kept = {p.relative_to(expected).as_posix() for p in expected.rglob("*") if p.is_file()}
        assert kept == set(rendered)
