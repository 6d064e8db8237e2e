"""Which file suffixes each output format is written to, and refusing the ones that lie.

``designkit diagram -o x.txt`` used to write SVG into a text file, and ``score -o
report.json --format html`` HTML into a ``.json`` file: a file whose suffix names
another format than its content is opened by the wrong program, uploaded as the
wrong artefact, or parsed and rejected later in CI. So a suffix that belongs to
another format is an error (one line, exit 2). A suffix no format here claims
(``.out``, none at all) is the user's business and is left alone.

Plain-text formats accept ``.txt``: DOT and Mermaid are text, and so are the text
and GitHub annotation reports. SARIF is JSON, so ``.sarif.json`` (suffix
``.json``) fits it too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from designkit.errors import UserError

DIAGRAM_SUFFIXES: Mapping[str, Sequence[str]] = {
    "svg": (".svg",),
    "png": (".png",),
    "pdf": (".pdf",),
    "dot": (".dot", ".gv", ".txt"),
    "mermaid": (".mmd", ".mermaid", ".txt"),
    "structurizr": (".dsl", ".txt"),
    "structurizr-json": (".json",),
    "plantuml": (".puml", ".plantuml", ".txt"),
}
"""Format -> the suffixes it may be written to; the first is the one to suggest."""

REPORT_SUFFIXES: Mapping[str, Sequence[str]] = {
    "text": (".txt", ".text", ".log"),
    "json": (".json",),
    "markdown": (".md", ".markdown"),
    "summary": (".md", ".markdown"),
    "sarif": (".sarif", ".json"),
    "junit": (".xml",),
    "github": (".txt", ".log"),
    "html": (".html", ".htm"),
}

_IMAGES = (".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".eps", ".ps")

KNOWN: frozenset[str] = frozenset(
    suffix
    for table in (DIAGRAM_SUFFIXES, REPORT_SUFFIXES)
    for suffixes in table.values()
    for suffix in suffixes
) | frozenset(_IMAGES)
"""Every suffix that says what a file holds; only these can contradict a format."""


def _suffix(path: str) -> str:
    return Path(path).suffix.lower()


def refuse_contradicting_suffix(
    path: str, output_format: str, table: Mapping[str, Sequence[str]], noun: str
) -> None:
    """Raise a one-line :class:`UserError` when ``path``'s suffix names another format
    than ``output_format`` (a key of ``table``); ``noun`` is "diagram" or "report"."""
    suffix = _suffix(path)
    if not suffix or suffix not in KNOWN or suffix in table[output_format]:
        return
    fitting = [name for name, suffixes in table.items() if suffix in suffixes]
    better = Path(path).with_suffix(table[output_format][0]).name
    said = f"{suffix} is for --format {' or '.join(fitting)}" if fitting else ""
    raise UserError(
        f"the {output_format} {noun} would go into a {suffix} file; name it {better}",
        path=path,
        hint=said or f"no {noun} format writes {suffix} files",
    )


def diagram_format(output: str | None, requested: str | None) -> str:
    """The diagram format: the one asked for (its suffix must not contradict it), else
    the one the output's suffix names, else SVG. A known suffix that names no single
    diagram format (``.txt``: DOT or Mermaid; ``.html``: none) needs ``--format``."""
    if requested:
        if output:
            refuse_contradicting_suffix(output, requested, DIAGRAM_SUFFIXES, "diagram")
        return requested
    if not output:
        return "svg"
    suffix = _suffix(output)
    fitting = [name for name, suffixes in DIAGRAM_SUFFIXES.items() if suffix in suffixes]
    if len(fitting) == 1:
        return fitting[0]
    if suffix in KNOWN:
        which = " or ".join(fitting) if fitting else "svg, png, pdf, dot or mermaid"
        raise UserError(
            f"cannot tell the diagram format from {suffix}; give --format {which}", path=output
        )
    return "svg"
