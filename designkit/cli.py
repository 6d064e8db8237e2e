"""The ``designkit`` command: a thin layer over the library.

Each command reads its input, calls one library function, formats the result
and picks the exit code. Heavy modules are imported inside the commands so that
``designkit parse`` starts without loading what it does not use.
"""

from __future__ import annotations

import gc
import io
import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar, cast

import click

from designkit import __version__
from designkit.errors import NotADesignError, UserError
from designkit.text_safety import safe_json, safe_line, safe_lines

if TYPE_CHECKING:
    from designkit.review.config import Config

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
FORMAT_NAMES = ["text", "json", "markdown", "summary", "sarif", "junit", "github", "html"]


def _user_errors(command: F) -> F:
    """Print a :class:`UserError` as one line on stderr and exit 2; no traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UserError as error:
            click.echo(f"designkit: {error}", err=True)
            sys.exit(EXIT_UNUSABLE)

    return wrapper  # type: ignore[return-value]


class _Unchecked(click.Path):
    """A path shown as FILE (or DIRECTORY) in --help that click leaves unchecked.

    click's checks print four lines of usage for a folder, a missing or unreadable
    file or a symbolic link loop; designkit's reader (:mod:`designkit.inputs`) and
    writer (:mod:`designkit.files`) say what is wrong in one line instead.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        return value


encoding_option = click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    help="Text encoding of the input (e.g. cp1252 for files saved by old Windows tools, "
    "utf-16); a UTF-16 or UTF-32 byte-order mark is followed unless another is given.",
)

skip_non_designs_option = click.option(
    "--skip-non-designs",
    is_flag=True,
    help="Pass by files that are no integration document (a README among designs) silently; "
    "for hooks and CI globs.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="designkit")
def main() -> None:
    """Parse, lint, score, draw and scaffold integration design documents."""


@main.command()
@click.argument("file", type=_Unchecked(dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "yaml"]),
    default="json",
    show_default=True,
    help="Output format of the model.",
)
@encoding_option
@_user_errors
def parse(file: str, output_format: str, encoding: str) -> None:
    """Print the model of FILE (``-`` reads stdin); diagnostics go to stderr."""
    from designkit.diagnostics import format_text
    from designkit.parse import parse_file

    parsed = parse_file(file, encoding=encoding)
    for diagnostic in parsed.diagnostics:
        click.echo(format_text(diagnostic), err=True)
    data = parsed.design.model_dump(mode="json")
    if output_format == "yaml":
        from designkit.yaml_io import dump_yaml

        click.echo(dump_yaml(data), nl=False)
    else:
        click.echo(safe_json(json.dumps(data, indent=2, ensure_ascii=False)))


@main.command()
@click.argument("files", nargs=-1, required=True, type=_Unchecked(dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "junit", "github"]),
    default="text",
    show_default=True,
    help="text: one 'path:line:col: severity CODE message' per line; sarif, junit and github "
    "as `designkit score` writes them.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["warning", "error"]),
    help="Exit 1 on a finding of this severity or worse (default: the config's lint-fail-on, "
    "else error).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="The preset for hooks and merge gates: --fail-on warning, so an unfilled template "
    "slot or a missing section fails.",
)
@skip_non_designs_option
@encoding_option
def lint(
    files: tuple[str, ...],
    output_format: str,
    fail_on: str | None,
    strict: bool,
    skip_non_designs: bool,
    encoding: str,
) -> None:
    """Check FILES; exit 0 when clean, 1 on a finding of --fail-on's severity or worse
    (errors unless told otherwise), 2 when a file is unusable.

    Codes listed under ``ignore`` in designkit.toml or [tool.designkit] are not reported.
    """
    from designkit.diagnostics import Diagnostic, Severity, fails, format_json, format_text
    from designkit.lint import lint_design
    from designkit.parse import parse_file
    from designkit.review.config import load_config

    try:
        config = load_config()
        ignored = {code.upper() for code in config.ignore}
        _check_lint_ignore(config)
        threshold = Severity(_lint_fail_on(fail_on, strict, config.lint_fail_on))
    except UserError as error:
        click.echo(f"designkit: {error}", err=True)
        sys.exit(EXIT_UNUSABLE)
    found: list[Diagnostic] = []
    linted: list[str] = []
    unusable = False
    for file in files:
        try:
            parsed = parse_file(file, encoding=encoding)
            linted.append(parsed.path)
            found.extend(d for d in lint_design(parsed) if d.code not in ignored)
        except NotADesignError as error:
            if not skip_non_designs:
                click.echo(f"designkit: {error}", err=True)
                unusable = True
        except UserError as error:
            click.echo(f"designkit: {error}", err=True)
            unusable = True
    if output_format == "json":
        click.echo(format_json(found))
    elif output_format != "text":
        from designkit.report import LintContext, render_lint_report

        context = LintContext(
            files=linted, tool_version=__version__, fail_on=threshold, ignored=frozenset(ignored)
        )
        click.echo(render_lint_report(found, output_format, context), nl=False)
    else:
        for diagnostic in found:
            click.echo(format_text(diagnostic))
        if found:
            errors = sum(1 for d in found if d.severity.value == "error")
            click.echo(
                f"{len(found)} finding(s), {errors} error(s) in {len(files)} file(s)", err=True
            )
    if unusable:
        sys.exit(EXIT_UNUSABLE)
    sys.exit(EXIT_FINDINGS if fails(found, threshold) else EXIT_OK)


def _lint_fail_on(flag: str | None, strict: bool, configured: str | None) -> str:
    """The flag, else --strict's warning, else the configuration's, else error."""
    if strict and flag not in (None, "warning"):
        raise UserError(f"--strict fails on warnings; it contradicts --fail-on {flag}")
    return flag or ("warning" if strict else None) or configured or "error"


def _check_lint_ignore(config: Config) -> None:
    """An unknown id in the configuration's ``ignore`` is an error for lint too.

    Lint codes are checked without loading anything; only an entry that is not one
    (a criterion id or red-flag code, meant for ``score``) needs the rubric, so a
    plain ``designkit lint`` stays as light as it was.
    """
    from designkit.lint.codes import code_docs

    others = [code for code in config.ignore if code.upper() not in code_docs()]
    if not others:
        return
    from designkit.rubric import load_rubric
    from designkit.rubric.ids import IdSource, check_ids, known_ids

    source = IdSource(config.shown, config.ignore_lines)
    check_ids(others, known_ids(load_rubric(config.rubric)), source)


@main.command()
@click.argument("files", nargs=-1, required=True, type=_Unchecked(dir_okay=False, allow_dash=True))
@click.option(
    "--rubric",
    "rubric_path",
    type=_Unchecked(dir_okay=False),
    help="Rubric YAML (default: the config's, else the built-in integration-maturity rubric).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMAT_NAMES),
    help="Report format (default: the config's, else text).",
)
@click.option("--output", "-o", type=_Unchecked(dir_okay=False), help="Write the report here.")
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
    type=_Unchecked(file_okay=False),
    help="SARIF and GitHub annotation paths are relative to this (default: the current folder).",
)
@click.option(
    "--baseline",
    type=_Unchecked(dir_okay=False),
    help="Compare with this older version of the design: trends, new and fixed findings.",
)
@click.option(
    "--baseline-ref",
    metavar="GIT_REF",
    help="Compare each file with its version at this git revision (e.g. origin/main).",
)
@click.option(
    "--write-baseline",
    type=_Unchecked(dir_okay=False),
    help="Record today's open findings in this file (e.g. .designkit-baseline.json); exit 0.",
)
@click.option(
    "--baseline-file",
    type=_Unchecked(dir_okay=False),
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
@_user_errors
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
    type=_Unchecked(dir_okay=False),
    help="Rubric YAML for criterion ids (default: the config's, else the built-in one).",
)
@click.option("--list", "list_all", is_flag=True, help="List every id that can be explained.")
@click.option(
    "--policy",
    is_flag=True,
    help="How a design is scored: levels, overall score, risk, verdict and exit codes.",
)
@_user_errors
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
    type=_Unchecked(dir_okay=False),
    help="Rubric YAML (default: the built-in one).",
)
@_user_errors
def rubric_show(rubric_path: str | None) -> None:
    """List the rubric's dimensions and criteria."""
    from designkit.rubric import load_rubric
    from designkit.rubric.describe import describe_rubric

    click.echo(describe_rubric(load_rubric(rubric_path)), nl=False)


@rubric.command("check")
@click.argument("file", type=_Unchecked(dir_okay=False))
@_user_errors
def rubric_check(file: str) -> None:
    """Validate a rubric file; errors are 'file:line: message', exit 2."""
    from designkit.rubric import load_rubric

    loaded = load_rubric(file)
    count = sum(len(d.criteria) for d in loaded.dimensions)
    click.echo(safe_line(f"{file}: ok ({len(loaded.dimensions)} dimensions, {count} criteria)"))


@main.command()
@click.argument("file", type=_Unchecked(dir_okay=False, allow_dash=True))
@click.option(
    "--output",
    "-o",
    type=_Unchecked(dir_okay=False),
    help="Write here (the format follows the suffix unless --format is given; a suffix of "
    "another format is an error).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(
        ["svg", "png", "pdf", "dot", "mermaid", "structurizr", "structurizr-json", "plantuml"]
    ),
    help="Output format (default: from -o's suffix, else svg); structurizr, structurizr-json "
    "and plantuml are C4 models.",
)
@click.option(
    "--view",
    type=click.Choice(["architecture", "systems", "flow", "security"]),
    default="architecture",
    show_default=True,
    help="What to draw: the whole architecture, the systems only, the flow's steps, or "
    "the arrows by auth method.",
)
@click.option(
    "--direction",
    type=click.Choice(["LR", "TB"]),
    default="LR",
    show_default=True,
    help="Left to right or top to bottom.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Also run the graph checks; exit 1 when one fails. Without -o it prints only their "
    "findings, no drawing.",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Draw even when the document names no systems (else exit 1).",
)
@encoding_option
@_user_errors
def diagram(
    file: str,
    output: str | None,
    output_format: str | None,
    view: str,
    direction: str,
    check: bool,
    allow_empty: bool,
    encoding: str,
) -> None:
    """Draw the architecture of FILE: systems, flow and failure paths.

    DOT and Mermaid need nothing installed; SVG, PNG and PDF need Graphviz. A
    document with no readable architecture exits 1 unless --allow-empty is given.
    """
    from designkit.diagram.drawing import draw, format_for, graph_findings, has_systems
    from designkit.parse import parse_file

    chosen = format_for(output, output_format)  # a contradicting suffix fails before any work
    parsed = parse_file(file, encoding=encoding)
    if not allow_empty and not has_systems(parsed):
        click.echo(
            safe_line(
                f"designkit: {parsed.path}: no architecture found (no diagram arrows, Mermaid "
                "flowchart or source/target table); --allow-empty draws anyway"
            ),
            err=True,
        )
        sys.exit(EXIT_FINDINGS)
    if check and not output:  # the findings are the output: no drawing, no Graphviz needed
        data, findings = b"", graph_findings(parsed)
    else:
        data, findings = draw(parsed, chosen, direction, check=check, view=view)
    if check:
        from designkit.diagnostics import format_text

        for diagnostic in findings:
            click.echo(format_text(diagnostic), err=True)
        if not output:
            sys.exit(EXIT_FINDINGS if findings else EXIT_OK)
    if output:
        from designkit.files import write_bytes_safely

        write_bytes_safely(output, data, inputs=[file])
    elif chosen in ("png", "pdf"):
        raise UserError(f"--format {chosen} is binary; give an output file with -o")
    else:
        click.echo(data.decode("utf-8"), nl=False)
    sys.exit(EXIT_FINDINGS if check and findings else EXIT_OK)


@main.command()
@click.argument("file", type=_Unchecked(dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(), help="The project folder.")
@click.option("--dry-run", is_flag=True, help="List what would change; write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the project has drifted.")
@encoding_option
@_user_errors
def scaffold(file: str, output: str, dry_run: bool, check: bool, encoding: str) -> None:
    """Generate (or refresh) a runnable pipeline project for the design in FILE.

    Files you changed are never overwritten: the new version goes beside them as
    FILE.designkit-new and is reported as a conflict.
    """
    from designkit.diagnostics import format_text
    from designkit.parse import parse_file
    from designkit.scaffold import plan_project, write_project

    plan = plan_project(parse_file(file, encoding=encoding), Path(file).name)
    for diagnostic in plan.diagnostics:  # design values the scaffold could not read
        click.echo(format_text(diagnostic), err=True)
    report = write_project(plan, output, dry_run=dry_run, check=check)
    for item in report.actions:
        if item.action not in ("unchanged", "kept"):
            click.echo(safe_line(f"{item.action:<9} {item.path}"))
    prefix = "" if report.written else "would be: "
    click.echo(safe_line(f"{output}: {prefix}{report.summary()}"))
    sys.exit(EXIT_FINDINGS if check and report.drifted else EXIT_OK)


@main.command()
@click.argument("exports", nargs=-1, required=True, type=_Unchecked(), metavar="EXPORT...")
@click.option(
    "--output", "-o", required=True, type=click.Path(), help="The assessment folder to write."
)
@_user_errors
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


@main.command()
@click.argument("file", type=_Unchecked(dir_okay=False, allow_dash=True))
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
@click.option("--output", "-o", type=_Unchecked(dir_okay=False), help="Write the roadmap here.")
@click.option(
    "--rubric",
    "rubric_path",
    type=_Unchecked(dir_okay=False),
    help="Rubric YAML (default: the built-in integration-maturity rubric).",
)
@encoding_option
@_user_errors
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
def schema() -> None:
    """Print the JSON Schema of the design model."""
    from designkit.model import Design

    click.echo(json.dumps(Design.model_json_schema(), indent=2, sort_keys=False))


def _refuse_overwrite(output: str | None, force: bool) -> None:
    """Check before any work (and before any question is asked) that the output may be written."""
    if output and output != "-" and Path(output).is_dir():
        raise UserError("is a folder; give a file name for the output", path=output)
    if output and output != "-" and Path(output).exists() and not force:
        raise UserError("already exists; pass --force to overwrite it", path=output)


def _write_document(text: str, output: str | None, inputs: tuple[str, ...] = ()) -> None:
    if output and output != "-":
        from designkit.files import write_text_safely

        write_text_safely(output, text, inputs=inputs)
        click.echo(safe_line(f"wrote {output}"), err=True)
    else:
        click.echo(text, nl=False)


@main.command()
@click.option("--output", "-o", type=_Unchecked(dir_okay=False), help="Write the design here.")
@click.option(
    "--answers",
    "answers_file",
    type=_Unchecked(dir_okay=False),
    help="Answer the questions from this YAML or JSON file instead of prompting.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@_user_errors
def new(output: str | None, answers_file: str | None, force: bool) -> None:
    """Write a new design document from a few answers, with recommendations filled in.

    Prompts go to stderr, so the document can go to stdout when no -o is given.
    """
    from designkit.write import ask, load_answers, new_document
    from designkit.write.questions import InvalidAnswer

    _refuse_overwrite(output, force)
    if answers_file:
        answers = load_answers(answers_file)
    else:

        def prompt(question: Any, default: str, check: Callable[[str], Any]) -> Any:
            def value_proc(text: str) -> Any:
                try:
                    return check(text)
                except InvalidAnswer as error:
                    raise click.BadParameter(str(error)) from None

            label = question.prompt
            if question.choices:
                label += f" ({', '.join(question.choices)})"
            return click.prompt(label, default=default, value_proc=value_proc, err=True)

        answers = ask(prompt)
    _write_document(new_document(answers), output)


@main.command()
@click.argument("file", type=_Unchecked(dir_okay=False, allow_dash=True))
@click.option("--output", "-o", type=_Unchecked(dir_okay=False), help="Write the draft here.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@encoding_option
@_user_errors
def draft(file: str, output: str | None, force: bool, encoding: str) -> None:
    """Migrate an integration document (ADR, requirements, review, ...) onto the template.

    Every template section in order; the values FILE states rebuilt into the template's
    tables and labels, each followed by <!-- from FILE:LINE -->; the rest of each section's
    text carried over under its heading; the template's slots where FILE says nothing, so
    that `designkit lint` lists what is left to write. A design that already follows the
    template is kept as written and only gets the sections it lacks.
    """
    from designkit.draft import MIGRATED, draft_file
    from designkit.parse.kind import KIND_WORDS
    from designkit.parse.sections import SPECS

    _refuse_overwrite(output, force)
    made = draft_file(file, encoding=encoding)
    _write_document(made.text, output, inputs=(file,))
    read = f"{KIND_WORDS[made.kind]}, {made.sections_found} of {len(SPECS)} template sections"
    if made.mode == MIGRATED:
        done = f"migrated onto the template; {made.carried} value(s) carried with their source line"
    else:
        added = ", ".join(SPECS[key].title for key in made.added) or "none"
        done = f"follows the template, kept as written; sections added: {added}"
    hint = f"; `designkit lint {output}` lists what is left to write" if output else ""
    click.echo(safe_line(f"designkit: {file} ({read}): {done}{hint}"), err=True)


@main.command()
@click.argument("model_file", metavar="MODEL", type=_Unchecked(dir_okay=False))
@click.option("--output", "-o", type=_Unchecked(dir_okay=False), help="Write the document here.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@encoding_option
@_user_errors
def render(model_file: str, output: str | None, force: bool, encoding: str) -> None:
    """Render a design model (JSON or YAML, as `designkit parse` prints) as Markdown."""
    from designkit.render import load_model_file, render_markdown

    _refuse_overwrite(output, force)
    design = load_model_file(model_file, encoding=encoding)
    _write_document(render_markdown(design), output, inputs=(model_file,))


if __name__ == "__main__":  # pragma: no cover
    main()
