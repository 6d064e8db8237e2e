"""Report text that must wait for the end of a run, kept on disk instead of in memory.

A report whose head depends on every design (SARIF's rules and folder bases, JUnit's
totals, the summary table of HTML and the stakeholder summary) writes each design's
part here as it is scored and copies it after the head at the end: memory holds one
design at a time however many there are.
"""

from __future__ import annotations

import shutil
import tempfile
from typing import TextIO


class Spool:
    """A temporary file (deleted when closed, or when the process ends) written in order."""

    def __init__(self) -> None:
        self._file: TextIO | None = None
        self.empty = True

    def write(self, text: str) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115  # closed by copy_to
        self._file.write(text)
        self.empty = self.empty and not text

    def copy_to(self, out: TextIO) -> None:
        """Everything written, onto ``out``; the spool is closed."""
        if self._file is None:
            return
        self._file.seek(0)
        shutil.copyfileobj(self._file, out, 1 << 20)
        self._file.close()
        self._file = None
