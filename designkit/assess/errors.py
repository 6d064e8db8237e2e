"""The one error an unreadable export raises: file and line, exit 2, no traceback."""

from __future__ import annotations

from designkit.errors import UserError


class ExportError(UserError):
    """A malformed or unrecognised export file (named with its line where known)."""
