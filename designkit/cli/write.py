"""Commands that write: ``new`` and ``draft`` (design documents), ``render`` (a model back
to Markdown) and ``scaffold`` (a pipeline project)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from designkit.cli.app import EXIT_FINDINGS, EXIT_OK, Unchecked, encoding_option, main, user_errors
from designkit.errors import UserError
from designkit.text_safety import safe_line


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
@click.option("--output", "-o", type=Unchecked(dir_okay=False), help="Write the design here.")
@click.option(
    "--answers",
    "answers_file",
    type=Unchecked(dir_okay=False),
    help="Answer the questions from this YAML or JSON file instead of prompting.",
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@user_errors
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
@click.argument("file", type=Unchecked(dir_okay=False, allow_dash=True))
@click.option("--output", "-o", type=Unchecked(dir_okay=False), help="Write the draft here.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@encoding_option
@user_errors
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
@click.argument("model_file", metavar="MODEL", type=Unchecked(dir_okay=False))
@click.option("--output", "-o", type=Unchecked(dir_okay=False), help="Write the document here.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@encoding_option
@user_errors
def render(model_file: str, output: str | None, force: bool, encoding: str) -> None:
    """Render a design model (JSON or YAML, as `designkit parse` prints) as Markdown."""
    from designkit.render import load_model_file, render_markdown

    _refuse_overwrite(output, force)
    design = load_model_file(model_file, encoding=encoding)
    _write_document(render_markdown(design), output, inputs=(model_file,))


@main.command()
@click.argument("file", type=Unchecked(dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(), help="The project folder.")
@click.option("--dry-run", is_flag=True, help="List what would change; write nothing.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the project has drifted.")
@encoding_option
@user_errors
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
