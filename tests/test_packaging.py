"""The wheel is what users get: build it, look inside, install it alone and run it.

A source checkout hides packaging mistakes (a data folder not shipped, an entry
point that only works from the repository, a module imported from the working
directory). These tests build the real wheel, check that the force-included
data folders are in it, install it into a brand-new virtual environment and run
the installed ``designkit`` command from an empty folder.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "api-led-salesforce-sap-orders.md"
DATA_DIRS = ("designkit/_data/templates/", "designkit/_data/rubrics/", "designkit/_data/samples/")
PACKAGE_DATA = ("designkit/rubric/red_flags.yaml",)
"""Data files inside the package itself (the red-flag library), not force-included."""
TIMEOUT = 900


DISTRIBUTION = "integration-designkit"
"""The name on the package index: ``designkit`` there is another project."""
WHEEL_PREFIX = DISTRIBUTION.replace("-", "_")


def project_version() -> str:
    """The version, from the one place it is written (``designkit/__init__.py``)."""
    source = (ROOT / "designkit" / "__init__.py").read_text("utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', source, re.MULTILINE)
    assert found, "designkit/__init__.py has no __version__ line"
    return found.group(1)


def test_the_version_is_written_once() -> None:
    """pyproject.toml takes the version from the package, so the two cannot disagree."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)
    assert project["project"]["name"] == DISTRIBUTION
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "designkit/__init__.py"


def clean_env() -> dict[str, str]:
    """The current environment without what could make a venv see this checkout."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONNOUSERSITE"] = "1"
    return env


def run(command: list[str | Path], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} exited {result.returncode}\n"
        f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
    )
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built by pip with the running interpreter."""
    out = tmp_path_factory.mktemp("wheel")
    command: list[str | Path] = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", out]
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-build-isolation")
    run([*command, ROOT])
    wheels = sorted(out.glob(f"{WHEEL_PREFIX}-*.whl"))
    assert len(wheels) == 1, f"expected one {DISTRIBUTION} wheel in {out}, found {wheels}"
    return wheels[0]


@pytest.fixture(scope="module")
def venv_bin(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with only the wheel (and its dependencies) installed."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    run([sys.executable, "-m", "venv", venv])
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel])
    return bin_dir


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """An empty working directory, so nothing can be imported from the checkout."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def test_wheel_is_named_for_the_project_version(wheel: Path) -> None:
    assert wheel.name.startswith(f"{WHEEL_PREFIX}-{project_version()}-")


def test_wheel_metadata_names_the_distribution(wheel: Path) -> None:
    """Name, version, licence and links as the package index shows them."""
    with zipfile.ZipFile(wheel) as archive:
        metadata_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(metadata_name).decode("utf-8")
    headers = metadata.split("\n\n", 1)[0]
    assert f"\nName: {DISTRIBUTION}\n" in headers
    assert f"\nVersion: {project_version()}\n" in headers
    assert "\nLicense-Expression: MIT\n" in headers


def test_wheel_ships_the_licence_classifiers_and_links(wheel: Path) -> None:
    """The MIT text itself travels with the wheel, and the index shows where the project is."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)["project"]
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        licences = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert len(licences) == 1, names
        shipped = archive.read(licences[0]).decode("utf-8")
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert shipped == licence
    assert licence.startswith("MIT License\n\nCopyright (c) 2026 designkit developers\n")
    headers = metadata.decode("utf-8").split("\n\n", 1)[0].splitlines()
    assert "License-File: LICENSE" in headers
    assert [h.removeprefix("Classifier: ") for h in headers if h.startswith("Classifier: ")] == (
        sorted(project["classifiers"])
    )
    assert not [h for h in headers if h.startswith("Classifier: License ::")]  # PEP 639: SPDX only
    links = dict(
        h.removeprefix("Project-URL: ").split(", ", 1)
        for h in headers
        if h.startswith("Project-URL: ")
    )
    assert links == project["urls"]
    assert set(links) == {"Homepage", "Source", "Documentation", "Issues", "Changelog"}
    assert all(u.startswith("https://github.com/designkit-dev/designkit") for u in links.values())
    assert "Requires-Dist: markdown-it-py<5,>=4.3" in headers


def test_wheel_ships_the_data_folders(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    for folder in DATA_DIRS:
        assert any(name.startswith(folder) for name in names), (
            f"{folder} is not in {wheel.name}; entries under designkit/_data: "
            f"{[name for name in names if name.startswith('designkit/_data')]}"
        )
    for data in PACKAGE_DATA:
        assert data in names, f"{data} is not in {wheel.name}"


def test_installed_designkit_comes_from_the_venv(venv_bin: Path, elsewhere: Path) -> None:
    result = run(
        [venv_bin / "python", "-c", "import designkit; print(designkit.__file__)"], cwd=elsewhere
    )
    location = Path(result.stdout.strip()).resolve()
    assert venv_bin.parent.resolve() in location.parents
    assert ROOT not in location.parents


def test_installed_cli_parses_a_sample(venv_bin: Path, elsewhere: Path) -> None:
    result = run([venv_bin / "designkit", "parse", SAMPLE.resolve()], cwd=elsewhere)
    data = json.loads(result.stdout)
    name = data["meta"]["name"]
    assert isinstance(name, str)
    assert name.strip()


def test_installed_cli_reports_its_version(venv_bin: Path, elsewhere: Path) -> None:
    result = run([venv_bin / "designkit", "--version"], cwd=elsewhere)
    assert result.stdout == f"designkit, version {project_version()}\n"
    installed = run(
        [
            venv_bin / "python",
            "-c",
            f"import importlib.metadata as m; print(m.version({DISTRIBUTION!r}))",
        ],
        cwd=elsewhere,
    )
    assert installed.stdout.strip() == project_version()


def test_installed_cli_explains_a_red_flag_from_package_data(
    venv_bin: Path, elsewhere: Path
) -> None:
    result = run([venv_bin / "designkit", "explain", "REL-03"], cwd=elsewhere)
    assert result.stdout.startswith("REL-03: external dependencies without a circuit breaker\n")
    assert "REL-CB-DEFINED" in result.stdout
