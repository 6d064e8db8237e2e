"""One reader per platform export format, chosen by what a file holds.

Each reader module exposes ``claims(path, head) -> bool`` (does this file look like
its format: extension plus the first bytes) and ``read(path, display) -> ExportContents``.
A folder given to ``designkit assess`` is walked and every file some reader claims
is read; files no reader claims are listed as skipped, never guessed at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from designkit.assess.inventory import Connection, ContextVariable, Integration


@dataclass
class ExportContents:
    """What one export file contributes to the inventory."""

    integrations: list[Integration] = field(default_factory=list)
    shared_variables: list[ContextVariable] = field(default_factory=list)
    shared_connections: list[Connection] = field(default_factory=list)


Claims = Callable[[Path, bytes], bool]
Read = Callable[[Path, str], ExportContents]


def reader_modules() -> list[ModuleType]:
    """The readers, imported when an assessment runs (not at designkit start-up)."""
    from designkit.assess.readers import mule, talend, workato

    modules: list[ModuleType] = [talend, workato, mule]
    return modules
