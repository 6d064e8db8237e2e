"""A configuration value together with where it came from.

Every setting the scaffold writes is either read from a document line or a
default; carrying the line with the value lets the YAML comment and the README
provenance table come from the same record, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Value:
    """One setting: its value and its document line (``None`` means a default)."""

    value: Any
    line: int | None

    @property
    def is_default(self) -> bool:
        return self.line is None


@dataclass
class Provenance:
    """Records each setting as it is made, for the README's "where it came from" table."""

    rows: list[tuple[str, Value]] = field(default_factory=list)

    def take(self, setting: str, value: Any, line: int | None) -> Value:
        """A value read from the document (or a default when ``line`` is ``None``)."""
        made = Value(value, line)
        self.rows.append((setting, made))
        return made

    def read(self, setting: str, value: Any, line: int, default: Any) -> Value:
        """The document's value, or ``default`` (marked as such) when the document is silent."""
        if value is None:
            return self.take(setting, default, None)
        return self.take(setting, value, line)
