"""The README stays true: its CLI reference is today's ``--help``, and its pictures are
rendered from the samples by the documented command."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = ROOT / "README.md"


def test_cli_reference_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "cli_reference.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_cli_reference_covers_every_command() -> None:
    text = README.read_text("utf-8")
    for command in ("score", "explain", "lint", "parse", "diagram", "scaffold", "rubric show"):
        assert f"#### `designkit {command}`" in text
    assert "--baseline-ref GIT_REF" in text


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_readme_pictures_exist_and_are_referenced() -> None:
    text = README.read_text("utf-8")
    for name in ("pr-comment.png", "html-report.png"):
        assert f"(docs/images/{name})" in text
        width, height = _png_size(ROOT / "docs" / "images" / name)
        assert width >= 1000 and height >= 1000


@pytest.mark.browser
def test_the_pictures_are_rendered_by_the_documented_command(tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run must `apt-get install -y chromium`")
        pytest.skip("chromium not installed; the README pictures are not re-rendered")
    assert "readme-images:" in (ROOT / "Makefile").read_text("utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme_images.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for name in ("pr-comment.png", "html-report.png"):
        assert _png_size(tmp_path / name) == _png_size(ROOT / "docs" / "images" / name)
    comment = (ROOT / "build" / "readme-images" / "pr-comment.md").read_text("utf-8")
    assert re.search(r"#### Changes against `samples/history/", comment)


def _block_after(text: str, marker: str) -> str:
    """The body of the fenced block whose first line (or the line before it) is ``marker``."""
    start = text.index(marker)
    body = text[text.index("\n", start) + 1 :]
    return body[: body.index("```")]


def test_the_extending_example_is_a_valid_rubric_and_its_typo_is_reported(
    tmp_path: Path,
) -> None:
    from designkit.rubric import RubricError, load_rubric

    text = README.read_text("utf-8")
    start = text.index("extends: integration-maturity      #")
    example = text[start : text.index("```", start)]
    team = tmp_path / "team.yaml"
    team.write_text(example, encoding="utf-8")
    assert "SEC-PCI-SCOPE" in {c.id for _, c in load_rubric(team).criteria()}
    documented = re.search(r"designkit: team\.yaml:(\d+): (unknown id 'PLT-TCO-STATED'.*)", text)
    assert documented is not None
    team.write_text(example.replace("PLT-TCO-ANNUAL", "PLT-TCO-STATED"), encoding="utf-8")
    with pytest.raises(RubricError) as raised:
        load_rubric(team)
    assert str(raised.value) == f"{team}:{documented.group(1)}: {documented.group(2)}"


def test_the_red_flag_table_is_the_builtin_rubrics() -> None:
    from designkit.rubric import load_rubric
    from designkit.rubric.red_flags import red_flags

    text = README.read_text("utf-8")
    table = text[text.index("<!-- red-flags:start -->") : text.index("<!-- red-flags:end -->")]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in table.splitlines()
        if re.match(r"\| [A-Z]{3}-\d\d ", line)
    ]
    detected: dict[str, list[str]] = {}
    for _, criterion in load_rubric().criteria():
        if criterion.red_flag:
            detected.setdefault(criterion.red_flag, []).append(criterion.id)
    expected = [
        [f.code, f.meaning, f.severity, ", ".join(detected.get(f.code, [])) or "–"]
        for f in red_flags().values()
    ]
    assert rows == expected


def test_the_explain_example_is_todays_output() -> None:
    from click.testing import CliRunner

    from designkit.cli import main

    shown = _block_after(README.read_text("utf-8"), "$ designkit explain REL-03")
    assert CliRunner().invoke(main, ["explain", "REL-03"]).stdout == shown
