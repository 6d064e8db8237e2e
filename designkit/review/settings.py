"""Command-line flags over the configuration file: the settings one ``score`` run uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click
from click.core import ParameterSource

from designkit.errors import UserError
from designkit.review.baseline_file import DEFAULT_NAME
from designkit.review.config import FORMATS, load_config, repository_root
from designkit.rubric.ids import IdSource


@dataclass(frozen=True)
class ScoreSettings:
    rubric: str | None
    format: str
    fail_under: int | None
    fail_on: str
    encoding: str
    baseline: str | None
    ignore: tuple[str, ...]
    outputs: dict[str, str] = field(default_factory=dict)
    ignore_source: IdSource = field(default_factory=lambda: IdSource("--ignore"))
    """Where ``ignore`` was written: the option, or the configuration file and its lines."""


def parse_reports(reports: tuple[str, ...]) -> dict[str, str]:
    """``("sarif=out.sarif", ...)`` -> ``{"sarif": "out.sarif"}``."""
    parsed: dict[str, str] = {}
    for item in reports:
        name, sep, target = item.partition("=")
        if not sep or name not in FORMATS or not target:
            raise UserError(
                f"--report {item!r}: expected FORMAT=PATH with FORMAT one of {', '.join(FORMATS)}"
            )
        parsed[name] = target
    return parsed


def score_settings(
    context: click.Context,
    *,
    rubric_path: str | None,
    output_format: str | None,
    fail_under: int | None,
    fail_on: str | None,
    reports: tuple[str, ...],
    baseline_file: str | None,
    use_default_baseline: bool,
    ignore: tuple[str, ...],
    encoding: str,
) -> ScoreSettings:
    """Each setting from the flag when given, else the configuration file, else the default.

    The known-findings file defaults to ``.designkit-baseline.json`` in the project
    root (the configuration file's folder, else the repository root, else the
    current folder) when that file exists, so a repository that wrote one once
    gets "only new findings" from every later run without a flag.
    """
    config = load_config()
    from_flag = context.get_parameter_source("encoding") is ParameterSource.COMMANDLINE
    baseline = baseline_file
    if baseline is None and use_default_baseline:
        baseline = config.baseline
        if baseline is None:
            root = config.root or repository_root() or Path.cwd()
            candidate = root / DEFAULT_NAME
            baseline = str(candidate) if candidate.is_file() else None
    outputs = {**config.outputs, **parse_reports(reports)}
    return ScoreSettings(
        rubric=rubric_path or config.rubric,
        format=output_format or config.format or "text",
        fail_under=fail_under if fail_under is not None else config.fail_under,
        fail_on=fail_on or config.fail_on or "revisions",
        encoding=encoding if from_flag or config.encoding is None else config.encoding,
        baseline=baseline,
        ignore=ignore or config.ignore,
        outputs=outputs,
        ignore_source=(
            IdSource("--ignore") if ignore else IdSource(config.shown, config.ignore_lines)
        ),
    )
