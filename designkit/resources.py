"""The one place that finds the files designkit ships (templates and rubrics).

Installed from a wheel they live in ``designkit/_data``; in a source checkout
they are the top-level ``templates/`` and ``rubrics/`` folders.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=4)
def data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def builtin_rubric_path(name: str) -> Path | None:
    path = data_dir("rubrics") / f"{name}.yaml"
    return path if path.exists() else None


def template_path(name: str) -> Path:
    return data_dir("templates") / name
