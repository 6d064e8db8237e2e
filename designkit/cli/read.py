"""Commands that read a design: ``parse``, ``lint``, ``diagram`` and ``schema``."""

from __future__ import annotations

import json
import sys

import click

from designkit.cli.app import (
    EXIT_FINDINGS,
    EXIT_OK,
    Unchecked,
    encoding_option,
    main,
    skip_non_designs_option,
    user_errors,
)
from designkit.errors import UserError
from designkit.text_safety import safe_json, safe_line


@main.command()
@click.argument("file", type=Unchecked(dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "yaml"]),
    default="json",
    show_default=True,
    help="Output format of the model.",
)
@encoding_option
@user_errors
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
@click.argument("files", nargs=-1, required=True, type=Unchecked(dir_okay=False, allow_dash=True))
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
    "--output", "-o", type=Unchecked(dir_okay=False), help="Write the report here (else stdout)."
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
@user_errors
def lint(
    files: tuple[str, ...],
    output_format: str,
    output: str | None,
    fail_on: str | None,
    strict: bool,
    skip_non_designs: bool,
    encoding: str,
) -> None:
    """Check FILES; exit 0 when clean, 1 on a finding of --fail-on's severity or worse
    (errors unless told otherwise), 2 when a file is unusable.

    Codes listed under ``ignore`` in designkit.toml or [tool.designkit] are not reported.
    """
    from designkit.lint.run import lint_files, render

    if output:
        from designkit.output_formats import REPORT_SUFFIXES, refuse_contradicting_suffix

        refuse_contradicting_suffix(output, output_format, REPORT_SUFFIXES, "report")
    run = lint_files(
        files, fail_on=fail_on, strict=strict, skip_non_designs=skip_non_designs, encoding=encoding
    )
    for message in run.errors:
        click.echo(safe_line(f"designkit: {message}"), err=True)
    report = render(run, output_format)
    if output:
        from designkit.files import write_text_safely

        write_text_safely(output, report, inputs=files)
    else:
        click.echo(report, nl=False)
    if output_format == "text" and run.findings:
        click.echo(run.summary(len(files)), err=True)
    sys.exit(run.exit_code)


@main.command()
@click.argument("file", type=Unchecked(dir_okay=False, allow_dash=True))
@click.option(
    "--output",
    "-o",
    type=Unchecked(dir_okay=False),
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
@user_errors
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
def schema() -> None:
    """Print the JSON Schema of the design model."""
    from designkit.model import Design

    click.echo(json.dumps(Design.model_json_schema(), indent=2, sort_keys=False))
