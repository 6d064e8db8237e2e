"""Report text that must wait for the end of a run, kept on disk instead of in memory.

A report whose head depends on every design (SARIF's rules and folder bases, JUnit's
totals, the summary tables of text, HTML and the stakeholder summary) writes each
design's part here as it is scored and copies it after the head at the end: memory
holds one design at a time however many there are.
"""

from __future__ import annotations

import codecs
import tempfile
from typing import BinaryIO, TextIO

PIECE = 1 << 13
"""Bytes copied at a time. The file is binary, decoded piece by piece, so the peak is one
piece whatever the file's length. Read back through a text wrapper the peak grew with the
file: a SARIF writer's process peaked at 57.6 MiB RSS after 100 designs and 65.4 MiB
after 1,000 with pieces of 1 Mi characters; with pieces of 64 Ki characters, copying a
354 KB summary spool (200 designs) still peaked 566 KB above the start (279 KB for 50)."""


class Spool:
    """A temporary file (deleted when closed, or when the process ends) written in order."""

    def __init__(self) -> None:
        self._file: BinaryIO | None = None
        self.empty = True

    def write(self, text: str) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115  # closed by copy_to or close
        self._file.write(text.encode("utf-8"))
        self.empty = self.empty and not text

    def copy_to(self, out: TextIO) -> None:
        """Everything written, onto ``out``, :data:`PIECE` bytes at a time; the spool is
        closed."""
        if self._file is None:
            return
        self._file.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        while piece := self._file.read(PIECE):
            out.write(decoder.decode(piece))
        if rest := decoder.decode(b"", final=True):  # raises on a cut character
            out.write(rest)
        self.close()

    def close(self) -> None:
        """Drop what was written (a part the report turned out not to need)."""
        if self._file is not None:
            self._file.close()
            self._file = None
