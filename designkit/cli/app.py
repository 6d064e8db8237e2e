"""The ``designkit`` group and what its commands share: exit codes, path arguments
that designkit checks itself, the common options and one-line user errors."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from designkit import __version__
from designkit.errors import UserError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
FORMAT_NAMES = ["text", "json", "markdown", "summary", "sarif", "junit", "github", "html"]


def user_errors(command: F) -> F:
    """Print a :class:`UserError` as one line on stderr and exit 2; no traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UserError as error:
            click.echo(f"designkit: {error}", err=True)
            sys.exit(EXIT_UNUSABLE)

    return wrapper  # type: ignore[return-value]


class Unchecked(click.Path):
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
