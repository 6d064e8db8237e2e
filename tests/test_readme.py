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
