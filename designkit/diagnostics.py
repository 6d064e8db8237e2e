"""The one finding type every stage reports, and the one place that formats it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum

from designkit.text_safety import safe_json, safe_line


class Severity(StrEnum):
    """How much a finding matters; ``error`` fails ``designkit lint``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding about a design document.

    ``path`` is the file, ``line`` and ``column`` are 1-based (0 when unknown),
    ``field`` is the model path the finding is about (``error_handling.retry_policies[0]``),
    when there is one.
    """

    code: str
    severity: Severity
    message: str
    path: str = "<stdin>"
    line: int = 0
    column: int = 0
    field: str | None = None
    hint: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Stable order (file, line, column, code) so output is byte-for-byte repeatable."""
    return sorted(diagnostics, key=Diagnostic.sort_key)


def format_text(diagnostic: Diagnostic) -> str:
    """``path:line:col: severity CODE message`` as compilers and editors expect.

    Always one line: messages quote the document, so the line goes through
    :func:`~designkit.text_safety.safe_line` and a value holding a newline or
    ``::add-mask::`` can neither print a finding of its own nor a workflow command.
    """
    line = f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: "
    line += f"{diagnostic.severity.value} {diagnostic.code} {diagnostic.message}"
    if diagnostic.hint:
        line += f" (hint: {diagnostic.hint})"
    return safe_line(line)


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    """A JSON array of diagnostics, one object each, for tools (printable: see safe_json)."""
    return safe_json(json.dumps([d.to_dict() for d in diagnostics], indent=2, ensure_ascii=False))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def reaches(diagnostic: Diagnostic, fail_on: Severity) -> bool:
    """Whether ``diagnostic`` is at least as severe as ``fail_on`` (error > warning > info).

    ``designkit lint --fail-on`` names the lowest severity that fails the run;
    the exit code and every report's idea of a failure come from this one test.
    """
    return diagnostic.severity.rank <= fail_on.rank


def fails(diagnostics: Iterable[Diagnostic], fail_on: Severity = Severity.ERROR) -> bool:
    """Whether any diagnostic fails a run that fails on ``fail_on`` and worse."""
    return any(reaches(d, fail_on) for d in diagnostics)
