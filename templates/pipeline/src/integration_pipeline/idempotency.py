"""Idempotency store: has this record already been delivered within the dedup window?

Keys are built from the fields the design names (``idempotency.key``) and kept compact,
because the store grows by one entry per record and its b-tree must stay cheap to write:

* one key field that is not sensitive, holding a short string (at most 64 characters,
  not starting with ``~``): the value itself. Natural keys usually grow with time
  (order numbers, event ids), so new marks land at the end of the b-tree and a batch
  dirties a few pages instead of one page per record;
* anything else (several fields, a sensitive field, a long or non-string value): ``~``
  and the first 128 bits of the SHA-256 of the values as JSON, so the store never holds
  a sensitive value. The ``~`` keeps the two forms apart.

With ``approach: upsert`` the target itself de-duplicates (it upserts on the entity
key), so the store is not consulted.

The SQLite file gets a page cache and a memory map sized for a key store of millions
of entries (``CACHE_KIB``, ``MMAP_BYTES``): with SQLite's default 2 MB cache, a 1M-key
store read and rewrote pages from disk on every batch (system time 0.54 s at 100k
records, 17.8 s at 1M).
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

from .config import Entity, Idempotency

_KEY_ENCODER = json.JSONEncoder(sort_keys=True, default=str, separators=(",", ":"))
_json_string = json.encoder.encode_basestring_ascii  # what _KEY_ENCODER does to a str
_KEYS_PER_QUERY = 500
"""SQLite allows 999 parameters per statement in old builds; stay well below."""
PLAIN_KEY_MAX = 64
"""A natural key longer than this is stored as a digest."""
CACHE_KIB = 65536
"""Page cache per connection (64 MiB, allocated as used): a few million keys stay cached."""
MMAP_BYTES = 1 << 30
"""Reads through a memory map (1 GiB of address space, not memory): no pread per page."""


def tune(db: sqlite3.Connection) -> None:
    """Cache and memory-map sizes for a file that grows by one b-tree entry per record;
    neither changes durability (that is ``journal_mode`` and ``synchronous``)."""
    db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")


def plain_keys(config: Idempotency, entity: Entity | None) -> bool:
    """May a key be the natural value itself? One key field, declared and not sensitive."""
    if len(config.key) != 1 or entity is None:
        return False
    field = next((f for f in entity.fields if f.name == config.key[0]), None)
    return field is not None and not field.sensitive


def build_key(
    fields: list[str],
    record: Mapping[str, Any],
    canonical: Mapping[str, Any] | None = None,
    *,
    plain: bool = False,
) -> str:
    """A stable, compact key from the named fields (dotted paths allowed), read from the
    canonical record first and from the source record otherwise (see the module doc)."""
    parts = []
    for name in fields:
        head, *rest = _split(name)
        value: Any = (
            canonical[head] if canonical is not None and head in canonical else record.get(head)
        )
        for part in rest:
            value = value.get(part) if isinstance(value, dict | Mapping) else None
        parts.append(value)
    if plain and len(parts) == 1:
        value = parts[0]
        if type(value) is str and 0 < len(value) <= PLAIN_KEY_MAX and value[0] != "~":
            return value
    if all(type(part) is str for part in parts):  # the usual case; the same text, faster
        encoded = "[" + ",".join(map(_json_string, parts)) + "]"
    else:
        encoded = _KEY_ENCODER.encode(parts)
    return "~" + hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:32]


@lru_cache(maxsize=256)
def _split(name: str) -> tuple[str, ...]:
    return tuple(name.split("."))


class IdempotencyStore:
    def __init__(
        self,
        config: Idempotency,
        path: str | Path,
        *,
        clock: Callable[[], float] = time.time,
        entity: Entity | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.plain = plain_keys(config, entity)
        # a plain key read straight from the canonical record (build_key's first choice)
        self._plain_field = config.key[0] if self.plain and "." not in config.key[0] else None
        file = Path(path)
        file.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(file, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # Marks commit after the target's rows (durable, synchronous FULL there). If power
        # fails, NORMAL may lose the latest marks, never keep a mark whose row was lost:
        # the records are sent again and the target's upsert absorbs them.
        self._db.execute("PRAGMA synchronous=NORMAL")
        tune(self._db)
        # keyed by the key itself: one b-tree to write per mark, not a table and an index.
        # (The ``marks`` table of earlier versions held SHA-256 digests; its records are
        # sent once more after an upgrade, and the target's upsert absorbs them.)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS delivered"
            " (key TEXT PRIMARY KEY, marked_at REAL NOT NULL) WITHOUT ROWID"
        )

    @property
    def enabled(self) -> bool:
        return self.config.approach != "upsert"

    def key_for(self, record: Mapping[str, Any], canonical: Mapping[str, Any] | None = None) -> str:
        name = self._plain_field
        if name is not None and canonical is not None:  # build_key's plain case, per record
            value = canonical.get(name)
            if type(value) is str and 0 < len(value) <= PLAIN_KEY_MAX and value[0] != "~":
                return value
        return build_key(self.config.key, record, canonical, plain=self.plain)

    def seen(self, key: str) -> bool:
        return bool(self.seen_many([key]))

    def seen_many(self, keys: list[str]) -> set[str]:
        """The keys among ``keys`` already delivered within the window: one query per
        500 keys instead of one per record."""
        if not self.enabled or not keys:
            return set()
        found: set[str] = set()
        cutoff = self.clock() - self.config.dedup_window_seconds
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start : start + _KEYS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key FROM delivered WHERE marked_at > ? AND key IN ({marks})",
                (cutoff, *chunk),
            )
            found.update(key for (key,) in rows)
        return found

    def mark_many(self, keys: list[str]) -> None:
        """Record ``keys`` as delivered in the open batch (committed by :meth:`flush`)."""
        if not self.enabled or not keys:
            return
        if not self._db.in_transaction:
            self._db.execute("BEGIN")
        now = self.clock()
        self._db.executemany(
            "INSERT INTO delivered (key, marked_at) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET marked_at=excluded.marked_at",
            [(key, now) for key in keys],
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
