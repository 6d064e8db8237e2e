"""Errors the user can act on.

Anything raised as :class:`UserError` is printed by the CLI as one line
(``file:line: message``) with exit code 2; everything else is a bug.
"""

from __future__ import annotations

from designkit.text_safety import safe_line


class DesignkitError(Exception):
    """Base class for every error designkit raises on purpose."""


class UserError(DesignkitError):
    """Unusable input: the message names the file (and line) and says what to do."""

    def __init__(
        self, message: str, *, path: str | None = None, line: int | None = None, hint: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        """One line, whatever the message quotes from the document (see text_safety)."""
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        return safe_line(f"{text} ({self.hint})" if self.hint else text)


class NotADesignError(UserError):
    """The file is Markdown but no integration document at all (a README, a changelog).

    Its own class so that hooks run over a whole folder can pass such files by
    (``--skip-non-designs``) while every other refusal still fails the run.
    """
