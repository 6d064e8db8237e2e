"""Commands that review designs and integrations: ``score``, ``explain``, ``rubric``,
``roadmap`` and ``assess``."""

from __future__ import annotations

import gc
import io
import sys
from pathlib import Path
from typing import TextIO, cast

import click

from designkit.cli.app import (
    EXIT_FINDINGS,
    FORMAT_NAMES,
    Unchecked,
    encoding_option,
    main,
    skip_non_designs_option,
    user_errors,
)
from designkit.errors import UserError
from designkit.text_safety import safe_line, safe_lines


@main.command()
@click.argument("files", nargs=-1, required=True, type=Unchecked(dir_okay=False, allow_dash=True))
@click.option(
    "--rubric",
    "rubric_path",
    type=Unchecked(dir_okay=False),
    help="Rubric YAML (default: the config's, else the built-in integration-maturity rubric).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMAT_NAMES),
    help="Report format (default: the config's, else text).",
)
@click.option("--output", "-o", type=Unchecked(dir_okay=False), help="Write the report here.")
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT=PATH",
    help="Also write a report in another format (repeatable), e.g. sarif=designkit.sarif.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["revisions", "conditions"]),
    help="Exit 1 on this verdict or worse: revisions (required) or conditions (approved "
    "with conditions). Default: the config's, else revisions.",
)
@click.option(
    "--fail-under",
    type=click.IntRange(1, 5),
    help="Also exit 1 when the overall level is below this (default: the config's, else none).",
)
@click.option(
    "--base-dir",
    type=Unchecked(file_okay=False),
    help="SARIF and GitHub annotation paths are relative to this (default: the current folder).",
)
@click.option(
    "--baseline",
    type=Unchecked(dir_okay=False),
    help="Compare with this older version of the design: trends, new and fixed findings.",
)
@click.option(
    "--baseline-ref",
    metavar="GIT_REF",
    help="Compare each file with its version at this git revision (e.g. origin/main).",
)
@click.option(
    "--write-baseline",
    type=Unchecked(dir_okay=False),
    help="Record today's open findings in this file (e.g. .designkit-baseline.json); exit 0.",
)
@click.option(
    "--baseline-file",
    type=Unchecked(dir_okay=False),
    help="Hide the findings this file records (default: the config's baseline, else "
    ".designkit-baseline.json in the project root when it exists).",
)
@click.option("--all-findings", is_flag=True, help="Do not hide the findings of a baseline file.")
@skip_non_designs_option
@click.option(
    "--ignore",
    multiple=True,
    metavar="ID",
    help="Switch off a criterion id or red-flag code (repeatable; replaces the config's list).",
)
@encoding_option
@user_errors
def score(
    files: tuple[str, ...],
    rubric_path: str | None,
    output_format: str | None,
    output: str | None,
    reports: tuple[str, ...],
    fail_on: str | None,
    fail_under: int | None,
    base_dir: str | None,
    baseline: str | None,
    baseline_ref: str | None,
    write_baseline: str | None,
    baseline_file: str | None,
    all_findings: bool,
    skip_non_designs: bool,
    ignore: tuple[str, ...],
    encoding: str,
) -> None:
    """Score FILES against a maturity rubric: a level per dimension, findings, verdict.

    Exit 1 when a file's verdict is revisions required (a critical finding or a
    lint error), or worse than --fail-on, or its overall level is below
    --fail-under; 2 when a file, the rubric or the configuration is unusable; else
    0. `designkit explain --policy` states the whole scoring policy. Settings come
    from designkit.toml or [tool.designkit] in pyproject.toml; flags override them.
    """
    from designkit.review.settings import score_settings
    from designkit.scoring import score_files

    if baseline and baseline_ref:
        raise UserError("give --baseline or --baseline-ref, not both")
    if base_dir and not Path(base_dir).is_dir():
        raise UserError("--base-dir: no such folder", path=base_dir)
    settings = score_settings(
        click.get_current_context(),
        rubric_path=rubric_path,
        output_format=output_format,
        fail_under=fail_under,
        fail_on=fail_on,
        reports=reports,
        baseline_file=None if all_findings or write_baseline else baseline_file,
        use_default_baseline=not all_findings and not write_baseline,
        ignore=ignore,
        encoding=encoding,
    )
    _refuse_contradicting_suffixes(output, settings.format, settings.outputs)
    from contextlib import ExitStack

    from designkit.files import text_written_safely

    # What is loaded by now (modules, pydantic schemas, the settings) outlives the run:
    # frozen, the collector stops walking it again at every full collection while the
    # designs are scored. Thawed after, for a caller that goes on (a test, a server).
    gc.freeze()
    try:
        # Each report is written as the designs are scored, a file through a temporary one
        # renamed at the end: an error half-way leaves the previous report in place.
        with ExitStack() as files_open:
            sinks = [
                (name, files_open.enter_context(text_written_safely(target, inputs=files)))
                for name, target in settings.outputs.items()
            ]
            if output:
                stream = files_open.enter_context(text_written_safely(output, inputs=files))
            else:
                stream = cast(TextIO, _Echo())
            sinks.insert(0, (settings.format, stream))
            run = score_files(
                list(files),
                rubric_path=settings.rubric,
                fail_under=settings.fail_under,
                fail_on=settings.fail_on,
                encoding=settings.encoding,
                base_dir=Path(base_dir) if base_dir else None,
                baseline=baseline,
                baseline_ref=baseline_ref,
                known_findings=settings.baseline,
                write_baseline=write_baseline,
                ignore=settings.ignore,
                ignore_source=settings.ignore_source,
                skip_non_designs=skip_non_designs,
                sinks=sinks,
            )
    finally:
        gc.unfreeze()
    for message in run.warnings:
        click.echo(safe_line(f"designkit: warning: {message}"), err=True)
    for message in run.errors:
        click.echo(safe_line(f"designkit: {message}"), err=True)
    if run.written_baseline is not None:
        click.echo(
            safe_line(
                f"designkit: wrote {run.written_baseline} known finding(s) to {write_baseline}"
            ),
            err=True,
        )
    elif run.hidden:
        click.echo(
            safe_line(
                f"designkit: {sum(run.hidden.values())} known finding(s) hidden by "
                f"{_shown_path(settings.baseline)}"
                " (--all-findings shows them)"
            ),
            err=True,
        )
    sys.exit(run.exit_code)


class _Echo(io.TextIOBase):
    """Standard output as a stream, written through ``click.echo`` as the reports always were."""

    def write(self, text: str) -> int:
        click.echo(text, nl=False)
        return len(text)


def _refuse_contradicting_suffixes(
    output: str | None, output_format: str, outputs: dict[str, str]
) -> None:
    """Before any work: no report goes into a file whose suffix names another format."""
    from designkit.output_formats import REPORT_SUFFIXES, refuse_contradicting_suffix

    for name, target in ((output_format, output), *outputs.items()):
        if target:
            refuse_contradicting_suffix(target, name, REPORT_SUFFIXES, "report")


def _shown_path(path: str | None) -> str:
    """A path as short as it can be said: relative to the current folder when inside it."""
    if path is None:
        return ""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


@main.command()
@click.argument("ids", nargs=-1, metavar="ID...")
@click.option(
    "--rubric",
    "rubric_path",
    type=Unchecked(dir_okay=False),
    help="Rubric YAML for criterion ids (default: the config's, else the built-in one).",
)
@click.option("--list", "list_all", is_flag=True, help="List every id that can be explained.")
@click.option(
    "--policy",
    is_flag=True,
    help="How a design is scored: levels, overall score, risk, verdict and exit codes.",
)
@user_errors
def explain(ids: tuple[str, ...], rubric_path: str | None, list_all: bool, policy: bool) -> None:
    """Explain a rubric criterion (REL-RETRY-BOUNDED), red flag (REL-01) or lint code (DK301):
    why it matters, what passes and fails, how to fix it; --policy explains the scoring."""
    from designkit.review.config import load_config
    from designkit.review.explain import explain_ids, list_ids
    from designkit.rubric import load_rubric

    if policy:
        from designkit.rubric.maturity import POLICY

        click.echo(POLICY, nl=False)
        return
    loaded = load_rubric(rubric_path or load_config().rubric)
    if list_all or not ids:
        click.echo(safe_lines(list_ids(loaded)), nl=False)
        return
    click.echo(safe_lines(explain_ids(ids, loaded)), nl=False)


@main.group()
def rubric() -> None:
    """Inspect and validate rubrics."""


@rubric.command("show")
@click.option(
    "--rubric",
    "rubric_path",
    type=Unchecked(dir_okay=False),
    help="Rubric YAML (default: the built-in one).",
)
@user_errors
def rubric_show(rubric_path: str | None) -> None:
    """List the rubric's dimensions and criteria."""
    from designkit.rubric import load_rubric
    from designkit.rubric.describe import describe_rubric

    click.echo(describe_rubric(load_rubric(rubric_path)), nl=False)


@rubric.command("check")
@click.argument("file", type=Unchecked(dir_okay=False))
@user_errors
def rubric_check(file: str) -> None:
    """Validate a rubric file; errors are 'file:line: message', exit 2."""
    from designkit.rubric import load_rubric

    loaded = load_rubric(file)
    count = sum(len(d.criteria) for d in loaded.dimensions)
    click.echo(safe_line(f"{file}: ok ({len(loaded.dimensions)} dimensions, {count} criteria)"))


@main.command()
@click.argument("file", type=Unchecked(dir_okay=False, allow_dash=True))
@click.option(
    "--target",
    metavar="LEVEL",
    help="Level 1-5 or its name (e.g. Centralized) for every dimension "
    "(default: each dimension's next level).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "json", "text"]),
    default="markdown",
    show_default=True,
    help="Roadmap format.",
)
@click.option("--output", "-o", type=Unchecked(dir_okay=False), help="Write the roadmap here.")
@click.option(
    "--rubric",
    "rubric_path",
    type=Unchecked(dir_okay=False),
    help="Rubric YAML (default: the built-in integration-maturity rubric).",
)
@encoding_option
@user_errors
def roadmap(
    file: str,
    target: str | None,
    output_format: str,
    output: str | None,
    rubric_path: str | None,
    encoding: str,
) -> None:
    """Plan the changes that bring the design in FILE to a target level, grouped as
    critical fixes, quick wins, strategic improvements and optimisation.

    Each item names the criteria it satisfies, its effort (S/M/L) and a concrete
    change to the design model; the levels promised are those `designkit score`
    gives once the changes are made (each is re-scored while planning). Exit 1
    when criteria no document change satisfies block the target (they are
    listed); 2 when FILE is no design or an option is wrong; else 0.
    """
    from designkit.parse import parse_file
    from designkit.roadmap import parse_target, plan_roadmap
    from designkit.roadmap.render import render as render_roadmap
    from designkit.rubric import load_rubric

    rubric_model = load_rubric(rubric_path)
    level = parse_target(target, rubric_model)
    plan = plan_roadmap(parse_file(file, encoding=encoding), rubric_model, level)
    text = render_roadmap(plan, output_format)
    if output and output != "-":
        from designkit.files import write_text_safely

        write_text_safely(output, text, inputs=(file,))
    else:
        click.echo(text, nl=False)
    if not plan.reachable:
        for dimension in plan.dimensions:
            if not dimension.reached:
                blockers = ", ".join(dimension.blocked_by) or "no criterion (needs assessment)"
                click.echo(
                    safe_line(
                        f"designkit: {file}: {dimension.name} cannot reach level "
                        f"{dimension.target} by document changes; blocked by {blockers}"
                    ),
                    err=True,
                )
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.argument("exports", nargs=-1, required=True, type=Unchecked(), metavar="EXPORT...")
@click.option(
    "--output", "-o", required=True, type=click.Path(), help="The assessment folder to write."
)
@user_errors
def assess(exports: tuple[str, ...], output: str) -> None:
    """Assess running integrations from their platform exports (Talend, Workato, Mule 4).

    EXPORT is a file or a folder (a Talend project, a Workato package, a Mule
    application). Writes inventory.md and inventory.json (every job, its trigger,
    systems, steps, mappings, error handling, and the red flags the export proves,
    each with file:line) and a current-state design per integration under designs/,
    ready for `designkit score` and `designkit roadmap`. Secret values are never
    written anywhere, only where they are.
    """
    from designkit.assess.run import assess as run_assessment

    result = run_assessment(exports, output)
    critical = sum(1 for flag in result.flags if flag.severity.value == "error")
    click.echo(
        safe_line(
            f"{output}: {len(result.inventory.integrations)} integration(s) from "
            f"{len(result.inventory.exports)} file(s), {len(result.flags)} red flag(s) "
            f"({critical} critical), {len(result.skipped)} file(s) not recognised"
        )
    )
    for path in result.written:
        click.echo(safe_line(f"wrote {path}"))
