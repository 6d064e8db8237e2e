"""Compiled YAML: what designkit builds from a YAML file, kept as JSON for the next run.

Reading the built-in rubric with the round-trip loader (which keeps the line
numbers every rubric error needs) costs about 0.3 s of CPU, more than parsing a
design, and the red-flag library another 0.08 s; validating the same rubric
from JSON takes 2 ms. An entry is keyed by its kind, designkit's version and the
file's path and bytes, and records the digest of every file it was built from
(a rubric's ``extends`` chain), so an edit to any of them, or another designkit
version, builds it again. The cache is a convenience: an entry that cannot be
read is ignored, a folder that cannot be written is left alone, and
``DESIGNKIT_CACHE_DIR=""`` switches it off.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from designkit import __version__
from designkit.errors import UserError
from designkit.inputs import RUBRIC, read_input

CACHE_ENV = "DESIGNKIT_CACHE_DIR"
_FORMAT = 1

Sources = Sequence[tuple[Path, str]]
"""The files an entry was built from, each with the digest of the bytes read."""


def cache_dir() -> Path | None:
    """``$DESIGNKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/designkit``, else ``~/.cache/designkit``."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit is not None:
        return Path(explicit) if explicit else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "designkit"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_fingerprint(folder: Path) -> str:
    """Name, size and modification time of every ``.py`` file under ``folder``: part of the
    key of an entry built by that code, so that an edited checkout (same version number)
    never reads what older code built. About 0.5 ms for designkit's parser."""
    stats = sorted(
        (str(file), file.stat().st_size, file.stat().st_mtime_ns) for file in folder.rglob("*.py")
    )
    return digest(repr(stats).encode())


def _entry(kind: str, path: Path, data: bytes, salt: str = "") -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    head = f"{_FORMAT}\0{kind}\0{__version__}\0{salt}\0{path.resolve()}\0"
    key = digest(head.encode() + data)
    return folder / kind / f"{key[:40]}.json"


def load(kind: str, path: Path, *, salt: str = "") -> Any | None:
    """The payload kept for ``path`` when every file it was built from is unchanged
    (and the ``salt`` given when it was stored is the same)."""
    try:
        entry = _entry(kind, path, _read(path), salt)
        if entry is None or not entry.is_file():
            return None
        stored = json.loads(entry.read_text("utf-8"))
        for name, expected in stored["files"]:
            if digest(_read(Path(name))) != expected:
                return None
        return stored["payload"]
    except (OSError, UserError, ValueError, KeyError, TypeError):
        return None


def _read(path: Path) -> bytes:
    """A source's bytes through the bounded reader: a FIFO or device given as a rubric is
    refused (by the loader, with its one line), never read, here either."""
    return read_input(path, RUBRIC, stdin=False)


def store(kind: str, path: Path, sources: Sources, payload: Any, *, salt: str = "") -> None:
    """Keep ``payload`` (JSON data) for the next run; ``sources`` are the files read."""
    try:
        top = next(value for source, value in sources if source == path)
        data = _read(path)
        if digest(data) != top:  # changed while it was being read: keep nothing
            return
        entry = _entry(kind, path, data, salt)
        if entry is None:
            return
        files = [[str(source.resolve()), value] for source, value in sources]
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"files": files, "payload": payload}), encoding="utf-8")
        os.replace(temporary, entry)
    except (OSError, UserError, StopIteration, TypeError, ValueError):
        return
