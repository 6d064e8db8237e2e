"""Writing output files without losing what the user wrote."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from designkit.errors import UserError


def write_text_safely(path: str | Path, text: str) -> None:
    """Write atomically (temp file + rename) so a failed write never leaves half a file.

    Refuses to overwrite a Markdown design document, the one thing a report
    path must never clobber by mistake.
    """
    target = Path(path)
    if target.suffix.lower() in {".md", ".markdown"} and target.exists():
        raise UserError("refusing to overwrite a Markdown document with a report", path=str(target))
    if target.is_dir():
        raise UserError("is a folder; give a file name for the report", path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UserError(f"cannot write: {error.strerror}", path=str(target)) from None
