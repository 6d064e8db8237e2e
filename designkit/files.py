"""Writing output files without losing what the user wrote."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from designkit.errors import UserError


def write_text_safely(path: str | Path, text: str, *, inputs: Iterable[str | Path] = ()) -> None:
    """Write text; see :func:`write_bytes_safely`."""
    write_bytes_safely(path, text.encode("utf-8"), inputs=inputs)


def write_bytes_safely(path: str | Path, data: bytes, *, inputs: Iterable[str | Path] = ()) -> None:
    """Write atomically (temp file + rename) so a failed write never leaves half a file.

    Refuses to overwrite any of ``inputs``: a report written over the design
    it was made from would lose what the user wrote.
    """
    atomic_write(_checked_target(path, inputs), data)


def _checked_target(path: str | Path, inputs: Iterable[str | Path]) -> Path:
    target = Path(path)
    if target.exists() and any(target.resolve() == Path(p).resolve() for p in inputs if p != "-"):
        raise UserError("refusing to overwrite an input document with the output", path=str(target))
    if target.is_dir():
        raise UserError("is a folder; give a file name for the report", path=str(target))
    return target


@contextmanager
def text_written_safely(path: str | Path, *, inputs: Iterable[str | Path] = ()) -> Iterator[TextIO]:
    """A UTF-8 text stream that becomes ``path`` only when the ``with`` block ends normally.

    For a report written as it is produced (``designkit score`` over hundreds of
    designs): the text goes to a temporary file in the same folder, renamed over
    ``path`` at the end, so an error or an interrupt half-way leaves the user's
    previous file as it was and no half report. The checks of
    :func:`write_bytes_safely` come first, before any work is done.
    """
    target = _checked_target(path, inputs)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise UserError(f"cannot write: {error.strerror}", path=str(target)) from None
    stream = os.fdopen(handle, "w", encoding="utf-8", newline="")
    try:
        yield stream
    except BaseException:
        stream.close()
        Path(temporary).unlink(missing_ok=True)
        raise
    try:
        stream.close()
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UserError(f"cannot write: {error.strerror}", path=str(target)) from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write(target: Path, data: bytes) -> None:
    """Temp file + rename in the same folder, so a failed write never leaves half a file.

    The file gets the mode it already had, or the usual one for a new file
    (0666 less the umask), not the private mode of a temporary file.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UserError(f"cannot write: {error.strerror}", path=str(target)) from None
