"""Dead-letter queue in a SQLite file (WAL), so it needs no server and survives crashes.

Each entry is the full envelope an operator needs to decide: the original payload,
where and why it failed, how often it was tried, and how to de-duplicate a replay.

A payload that is already queued is not queued twice: running the same input again
(after a crash, or on purpose) updates the waiting entry's failure details and attempt
count instead of adding a second entry (matched on a hash of the payload).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    payload TEXT NOT NULL,
    source TEXT NOT NULL,
    stage TEXT NOT NULL,
    error_class TEXT NOT NULL,
    error_message TEXT NOT NULL,
    classification TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    first_failure_at REAL NOT NULL,
    last_failure_at REAL NOT NULL,
    correlation_id TEXT NOT NULL,
    idempotency_key TEXT,
    replay_count INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'queued'
);
CREATE INDEX IF NOT EXISTS dead_letters_status ON dead_letters(status);
"""


@dataclass(frozen=True)
class DeadLetter:
    """One dead letter with its envelope; ``id`` is the row id in the embedded DLQ and the
    message id in the broker's (``transport: rabbitmq``)."""

    id: int | str
    payload: Any
    source: str
    stage: str
    error_class: str
    error_message: str
    classification: str
    attempts: int
    first_failure_at: float
    last_failure_at: float
    correlation_id: str
    idempotency_key: str | None
    replay_count: int
    status: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class DeadLetterQueue:
    """The queue; ``clock`` returns epoch seconds and ``on_depth`` receives the queued count."""

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Callable[[], float] = time.time,
        on_depth: Callable[[int], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.clock = clock
        self.on_depth = on_depth
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(dead_letters)")}
        if "fingerprint" not in columns:  # a queue file from before de-duplication
            self._db.execute("ALTER TABLE dead_letters ADD COLUMN fingerprint TEXT")
        self._db.execute(
            "CREATE INDEX IF NOT EXISTS dead_letters_fingerprint"
            " ON dead_letters(fingerprint, status)"
        )
        self._publish()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        self._publish()

    def _publish(self) -> None:
        if self.on_depth is not None:
            self.on_depth(self.depth())

    def depth(self) -> int:
        row = self._db.execute("SELECT COUNT(*) FROM dead_letters WHERE status='queued'").fetchone()
        return int(row[0])

    def add(
        self,
        payload: Any,
        *,
        source: str,
        stage: str,
        error_class: str,
        error_message: str,
        classification: str,
        attempts: int,
        correlation_id: str,
        idempotency_key: str | None = None,
        first_failure_at: float | None = None,
    ) -> int:
        now = self.clock()
        text = json.dumps(payload, default=str, sort_keys=True)
        fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self._tx() as db:
            queued = db.execute(
                "SELECT id FROM dead_letters WHERE fingerprint=? AND status='queued'"
                " ORDER BY id LIMIT 1",
                (fingerprint,),
            ).fetchone()
            if queued is not None:
                db.execute(
                    "UPDATE dead_letters SET stage=?, error_class=?, error_message=?,"
                    " classification=?, attempts=attempts+?, last_failure_at=? WHERE id=?",
                    (stage, error_class, error_message, classification, attempts, now, queued[0]),
                )
                return int(queued[0])
            cursor = db.execute(
                "INSERT INTO dead_letters (payload, source, stage, error_class, error_message,"
                " classification, attempts, first_failure_at, last_failure_at, correlation_id,"
                " idempotency_key, fingerprint) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    text,
                    source,
                    stage,
                    error_class,
                    error_message,
                    classification,
                    attempts,
                    first_failure_at if first_failure_at is not None else now,
                    now,
                    correlation_id,
                    idempotency_key,
                    fingerprint,
                ),
            )
            return int(cursor.lastrowid or 0)

    def requeue(
        self, entry_id: int, *, error_class: str, error_message: str, attempts: int
    ) -> None:
        """A replayed entry failed again: back to queued, keeping its first failure time."""
        with self._tx() as db:
            db.execute(
                "UPDATE dead_letters SET status='queued', error_class=?, error_message=?,"
                " attempts=attempts+?, last_failure_at=? WHERE id=?",
                (error_class, error_message, attempts, self.clock(), entry_id),
            )

    @staticmethod
    def _row(row: tuple[Any, ...]) -> DeadLetter:
        values = list(row[: len(fields(DeadLetter))])  # the fingerprint column stays inside
        values[1] = json.loads(values[1])
        return DeadLetter(*values)

    def list(self, status: str | None = "queued", limit: int = 100) -> list[DeadLetter]:
        if status is None:
            rows = self._db.execute("SELECT * FROM dead_letters ORDER BY id LIMIT ?", (limit,))
        else:
            rows = self._db.execute(
                "SELECT * FROM dead_letters WHERE status=? ORDER BY id LIMIT ?", (status, limit)
            )
        return [self._row(r) for r in rows.fetchall()]

    def show(self, entry_id: int) -> DeadLetter | None:
        row = self._db.execute("SELECT * FROM dead_letters WHERE id=?", (entry_id,)).fetchone()
        return self._row(row) if row else None

    def replay(self, entry_ids: list[int] | None = None) -> list[DeadLetter]:
        """Mark entries replayed (all queued ones when ``entry_ids`` is None) and return them.

        The caller re-processes the payloads and calls ``requeue`` for any that fail again.
        """
        with self._tx() as db:
            if entry_ids is None:
                rows = db.execute("SELECT * FROM dead_letters WHERE status='queued' ORDER BY id")
            else:
                marks = ",".join("?" for _ in entry_ids)
                rows = db.execute(
                    f"SELECT * FROM dead_letters WHERE status='queued' AND id IN ({marks})"
                    " ORDER BY id",
                    entry_ids,
                )
            entries = [self._row(r) for r in rows.fetchall()]
            db.executemany(
                "UPDATE dead_letters SET status='replayed', replay_count=replay_count+1 WHERE id=?",
                [(e.id,) for e in entries],
            )
        return [
            DeadLetter(**{**e.as_dict(), "status": "replayed", "replay_count": e.replay_count + 1})
            for e in entries
        ]

    def discard(self, entry_id: int) -> bool:
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE dead_letters SET status='discarded' WHERE id=? AND status='queued'",
                (entry_id,),
            )
            return cursor.rowcount > 0

    def purge(self, retention_days: float) -> int:
        """Delete entries whose last failure is older than the retention period."""
        cutoff = self.clock() - retention_days * 86400
        with self._tx() as db:
            cursor = db.execute("DELETE FROM dead_letters WHERE last_failure_at < ?", (cutoff,))
            return cursor.rowcount
