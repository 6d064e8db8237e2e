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
from functools import lru_cache
from pathlib import Path
from typing import Any

from .config import Idempotency

_KEY_ENCODER = json.JSONEncoder(sort_keys=True, default=str, separators=(",", ":"))
_json_string = json.encoder.encode_basestring_ascii  # what _KEY_ENCODER does to a str
_KEYS_PER_QUERY = 500
"""SQLite allows 999 parameters per statement in old builds; stay well below."""


def build_key(
    fields: list[str], record: Mapping[str, Any], canonical: Mapping[str, Any] | None = None
) -> str:
    """A stable key from the named fields (dotted paths allowed), read from the canonical
    record first and from the source record otherwise."""
    parts = []
    for name in fields:
        head, *rest = _split(name)
        value: Any = (
            canonical[head] if canonical is not None and head in canonical else record.get(head)
        )
        for part in rest:
            value = value.get(part) if isinstance(value, dict | Mapping) else None
        parts.append(value)
    if all(type(part) is str for part in parts):  # the usual case; the same text, faster
        encoded = "[" + ",".join(map(_json_string, parts)) + "]"
    else:
        encoded = _KEY_ENCODER.encode(parts)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@lru_cache(maxsize=256)
def _split(name: str) -> tuple[str, ...]:
    return tuple(name.split("."))


def _digest(key: str) -> bytes:
    """What the store keeps of a key: its first 128 bits as bytes (a quarter of the hex
    text's size, so four times the marks per page; collisions stay out of reach)."""
    return bytes.fromhex(key[:32])


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
        # Marks commit after the target's rows (durable, synchronous FULL there). If power
        # fails, NORMAL may lose the latest marks, never keep a mark whose row was lost:
        # the records are sent again and the target's upsert absorbs them.
        self._db.execute("PRAGMA synchronous=NORMAL")
        # keyed by the digest itself: one b-tree to write per mark, not a table and an index
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS marks"
            " (digest BLOB PRIMARY KEY, marked_at REAL NOT NULL) WITHOUT ROWID"
        )

    @property
    def enabled(self) -> bool:
        return self.config.approach != "upsert"

    def key_for(self, record: Mapping[str, Any], canonical: Mapping[str, Any] | None = None) -> str:
        return build_key(self.config.key, record, canonical)

    def seen(self, key: str) -> bool:
        return bool(self.seen_many([key]))

    def seen_many(self, keys: list[str]) -> set[str]:
        """The keys among ``keys`` already delivered within the window: one query per
        500 keys instead of one per record."""
        if not self.enabled or not keys:
            return set()
        by_digest = {_digest(key): key for key in keys}
        digests = list(by_digest)
        found: set[str] = set()
        cutoff = self.clock() - self.config.dedup_window_seconds
        for start in range(0, len(digests), _KEYS_PER_QUERY):
            chunk = digests[start : start + _KEYS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT digest FROM marks WHERE marked_at > ? AND digest IN ({marks})",
                (cutoff, *chunk),
            )
            found.update(by_digest[digest] for (digest,) in rows)
        return found

    def mark_many(self, keys: list[str]) -> None:
        """Record ``keys`` as delivered in the open batch (committed by :meth:`flush`)."""
        if not self.enabled or not keys:
            return
        if not self._db.in_transaction:
            self._db.execute("BEGIN")
        now = self.clock()
        self._db.executemany(
            "INSERT INTO marks (digest, marked_at) VALUES (?, ?)"
            " ON CONFLICT(digest) DO UPDATE SET marked_at=excluded.marked_at",
            [(_digest(key), now) for key in keys],
        )

    def mark(self, key: str, *, commit: bool = True) -> None:
        """Record ``key`` as delivered; ``commit=False`` leaves it in the open batch."""
        self.mark_many([key])
        if commit:
            self.flush()

    def flush(self) -> None:
        """Commit the marks of the open batch, if any."""
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    def close(self) -> None:
        self.flush()
        self._db.close()
