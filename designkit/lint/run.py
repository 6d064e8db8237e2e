"""Lint several files as ``designkit lint`` does: the configuration's ignore list and
fail-on threshold, every file's findings, the report text and the exit code.

Kept apart from the command so that a hook, a test or another tool gets the same
result without click: the command only prints what :func:`lint_files` returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from designkit import __version__
from designkit.diagnostics import Diagnostic, Severity, fails, format_json, format_text
from designkit.errors import UserError
from designkit.lint.engine import lint_design
from designkit.parse import parse_files
from designkit.review.config import Config, load_config

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
LINT_FORMATS = ("text", "json", "sarif", "junit", "github")


@dataclass
class LintRun:
    """What one ``designkit lint`` found and how it ends."""

    findings: list[Diagnostic] = field(default_factory=list)
    linted: list[str] = field(default_factory=list)
    """Every file read as a design, as its diagnostics name it."""
    errors: list[str] = field(default_factory=list)
    """One line per unusable file (missing, unreadable, no design)."""
    threshold: Severity = Severity.ERROR
    ignored: frozenset[str] = frozenset()

    @property
    def exit_code(self) -> int:
        if self.errors:
            return EXIT_UNUSABLE
        return EXIT_FINDINGS if fails(self.findings, self.threshold) else EXIT_OK

    def summary(self, files: int) -> str:
        """The text format's closing line (stderr), e.g. '3 finding(s), 1 error(s) in 2 file(s)'."""
        errors = sum(1 for d in self.findings if d.severity is Severity.ERROR)
        return f"{len(self.findings)} finding(s), {errors} error(s) in {files} file(s)"


def fail_on_threshold(flag: str | None, strict: bool, configured: str | None) -> Severity:
    """The flag, else --strict's warning, else the configuration's, else error."""
    if strict and flag not in (None, "warning"):
        raise UserError(f"--strict fails on warnings; it contradicts --fail-on {flag}")
    return Severity(flag or ("warning" if strict else None) or configured or "error")


def check_ignore_ids(config: Config) -> None:
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


def lint_files(
    files: Sequence[str],
    *,
    fail_on: str | None = None,
    strict: bool = False,
    skip_non_designs: bool = False,
    encoding: str = "utf-8",
    config: Config | None = None,
) -> LintRun:
    """Lint ``files`` under ``config`` (default: designkit.toml / pyproject.toml found from
    the current folder). A broken configuration raises :class:`UserError`; a broken
    file is one line in ``errors`` and the others are still linted."""
    config = config if config is not None else load_config()
    ignored = frozenset(code.upper() for code in config.ignore)
    check_ignore_ids(config)
    run = LintRun(threshold=fail_on_threshold(fail_on, strict, config.lint_fail_on))
    run.ignored = ignored
    designs = parse_files(files, run.errors, encoding=encoding, skip_non_designs=skip_non_designs)
    for parsed in designs:
        run.linted.append(parsed.path)
        run.findings.extend(d for d in lint_design(parsed) if d.code not in ignored)
    return run


def render(run: LintRun, output_format: str) -> str:
    """The report: one 'path:line:col: severity CODE message' line per finding (text), a
    JSON array, or the SARIF / JUnit / GitHub report ``designkit score`` writes too."""
    if output_format == "text":
        return "".join(f"{format_text(d)}\n" for d in run.findings)
    if output_format == "json":
        return format_json(run.findings) + "\n"
    from designkit.report import LintContext, render_lint_report

    context = LintContext(
        files=run.linted, tool_version=__version__, fail_on=run.threshold, ignored=run.ignored
    )
    return render_lint_report(run.findings, output_format, context)
