"""Idempotency store: has this record already been delivered within the dedup window?

Keys are built from the fields the design names (``idempotency.key``), hashed so the
store never holds the record's values. With ``approach: upsert`` the target itself
de-duplicates (it upserts on the entity key), so the store is not consulted.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .config import Idempotency


def build_key(fields: list[str], record: Mapping[str, Any]) -> str:
    """A stable key from the named fields (dotted paths allowed)."""
    parts = []
    for name in fields:
        value: Any = record
        for part in name.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        parts.append(value)
    encoded = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


class IdempotencyStore:
    def __init__(
        self, config: Idempotency, path: str | Path, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.config = config
        self.clock = clock
        file = Path(path)
        file.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(file, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS delivered (key TEXT PRIMARY KEY, marked_at REAL NOT NULL)"
        )

    @property
    def enabled(self) -> bool:
        return self.config.approach != "upsert"

    def key_for(self, record: Mapping[str, Any]) -> str:
        return build_key(self.config.key, record)

    def seen(self, key: str) -> bool:
        if not self.enabled:
            return False
        row = self._db.execute("SELECT marked_at FROM delivered WHERE key=?", (key,)).fetchone()
        return row is not None and self.clock() - row[0] < self.config.dedup_window_seconds

    def mark(self, key: str, *, commit: bool = True) -> None:
        """Record ``key`` as delivered; ``commit=False`` leaves it in the open batch."""
        if not self.enabled:
            return
        if not self._db.in_transaction:
            self._db.execute("BEGIN")
        self._db.execute(
            "INSERT INTO delivered (key, marked_at) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET marked_at=excluded.marked_at",
            (key, self.clock()),
        )
        if commit:
            self.flush()

    def flush(self) -> None:
        """Commit the marks of the open batch, if any."""
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    def close(self) -> None:
        self.flush()
        self._db.close()
