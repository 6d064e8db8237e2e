"""The dead-letter queue in PostgreSQL (``state: postgres``): the embedded transport's DLQ,
and the archive and audit trail of the RabbitMQ DLQ (one row per message id: queued,
replayed, discarded). The table is created by ``migrate`` (state_postgres.py)."""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from .dlq import DeadLetter
from .state_postgres import PostgresState, StateLost, scrub


class PostgresDeadLetterQueue:
    """Same interface as dlq.DeadLetterQueue, in the shared database.

    Embedded transport: the DLQ itself (a payload already queued is updated, not queued
    twice). RabbitMQ transport: the archive and audit trail of the broker's DLQ, one row
    per message id (``add(..., message_id=...)``, ``set_status``).
    """

    def __init__(
        self,
        state: PostgresState,
        *,
        clock: Callable[[], float] = time.time,
        on_depth: Callable[[int], None] | None = None,
    ) -> None:
        self.state = state
        self.clock = clock
        self.on_depth = on_depth
        self.t = state.table("dead_letters")
        self._publish()

    def _publish(self) -> None:
        if self.on_depth is not None:
            with contextlib.suppress(psycopg.Error, StateLost):
                self.on_depth(self.depth())

    def close(self) -> None:
        pass  # the state owns the connection

    def _run(
        self, query: sql.Composed | sql.SQL, params: Any = None, *, commit: bool = True
    ) -> builtins.list[tuple[Any, ...]]:
        conn = self.state.conn
        try:
            with conn.cursor() as cursor:
                cursor.execute(query, params)
                rows = cursor.fetchall() if cursor.description else []
            if commit:
                self.state.commit()
            return rows
        except psycopg.Error as error:
            if self.state.broken:
                raise StateLost(scrub(str(error), self.state.url)) from None
            raise

    def depth(self) -> int:
        idle = self.state.conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        rows = self._run(
            sql.SQL(
                "SELECT count(*) FROM {} WHERE status = 'queued' AND message_id IS NULL"
            ).format(self.t),
            commit=False,
        )
        if idle:  # end the read-only transaction; never one that holds a batch
            self.state.conn.rollback()
        return int(rows[0][0])

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
        message_id: str | None = None,
        commit: bool = True,
    ) -> int:
        now = self.clock()
        text = json.dumps(payload, default=str, sort_keys=True)
        fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()
        values = (
            message_id, Jsonb(json.loads(text)), source, stage, error_class, error_message,
            classification, attempts, first_failure_at if first_failure_at is not None else now,
            now, correlation_id, idempotency_key, fingerprint,
        )  # fmt: skip
        insert = sql.SQL(
            "INSERT INTO {} (message_id, payload, source, stage, error_class, error_message,"
            " classification, attempts, first_failure_at, last_failure_at, correlation_id,"
            " idempotency_key, fingerprint) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
        ).format(self.t)
        update = sql.SQL(
            " DO UPDATE SET stage = excluded.stage, error_class = excluded.error_class,"
            " error_message = excluded.error_message, classification = excluded.classification,"
        )
        if message_id is None:
            query = sql.SQL(
                "{} ON CONFLICT (fingerprint) WHERE status = 'queued' AND message_id IS NULL{}"
                " attempts = {}.attempts + excluded.attempts,"
                " last_failure_at = excluded.last_failure_at RETURNING id"
            ).format(insert, update, sql.Identifier("dead_letters"))
        else:  # the broker's DLQ archive: the message's latest envelope, once per message id
            query = sql.SQL(
                "{} ON CONFLICT (message_id){} attempts = excluded.attempts,"
                " first_failure_at = excluded.first_failure_at,"
                " last_failure_at = excluded.last_failure_at, status = 'queued'"
                " RETURNING id"
            ).format(insert, update)
        rows = self._run(query, values, commit=commit)
        if commit:
            self._publish()
        return int(rows[0][0])

    def set_status(self, message_id: str, status: str, *, replayed: bool = False) -> None:
        """The broker DLQ's audit trail: a message was replayed or discarded."""
        bump = sql.SQL(", replay_count = replay_count + 1" if replayed else "")
        self._run(
            sql.SQL("UPDATE {} SET status = %s{} WHERE message_id = %s").format(self.t, bump),
            (status, message_id),
        )

    def requeue(
        self, entry_id: int, *, error_class: str, error_message: str, attempts: int
    ) -> None:
        self._run(
            sql.SQL(
                "UPDATE {} SET status = 'queued', error_class = %s, error_message = %s,"
                " attempts = attempts + %s, last_failure_at = %s WHERE id = %s"
            ).format(self.t),
            (error_class, error_message, attempts, self.clock(), entry_id),
        )
        self._publish()

    _COLUMNS = sql.SQL(
        "id, payload, source, stage, error_class, error_message, classification, attempts,"
        " first_failure_at, last_failure_at, correlation_id, idempotency_key, replay_count, status"
    )

    @staticmethod
    def _row(row: tuple[Any, ...]) -> DeadLetter:
        return DeadLetter(*row)

    def list(self, status: str | None = "queued", limit: int = 100) -> builtins.list[DeadLetter]:
        where = sql.SQL("WHERE status = %s" if status is not None else "")
        params: tuple[Any, ...] = (status, limit) if status is not None else (limit,)
        rows = self._run(
            sql.SQL("SELECT {} FROM {} {} ORDER BY id LIMIT %s").format(
                self._COLUMNS, self.t, where
            ),
            params,
        )
        return [self._row(r) for r in rows]

    def show(self, entry_id: int) -> DeadLetter | None:
        rows = self._run(
            sql.SQL("SELECT {} FROM {} WHERE id = %s").format(self._COLUMNS, self.t), (entry_id,)
        )
        return self._row(rows[0]) if rows else None

    def replay(self, entry_ids: builtins.list[int] | None = None) -> builtins.list[DeadLetter]:
        condition = sql.SQL("" if entry_ids is None else " AND id = ANY(%s)")
        rows = self._run(
            sql.SQL(
                "UPDATE {} SET status = 'replayed', replay_count = replay_count + 1"
                " WHERE id IN (SELECT id FROM {} WHERE status = 'queued' AND message_id IS NULL{}"
                " ORDER BY id FOR UPDATE SKIP LOCKED) RETURNING {}"
            ).format(self.t, self.t, condition, self._COLUMNS),
            None if entry_ids is None else (entry_ids,),
        )
        self._publish()
        return sorted((self._row(r) for r in rows), key=lambda e: e.id)

    def discard(self, entry_id: int) -> bool:
        rows = self._run(
            sql.SQL(
                "UPDATE {} SET status = 'discarded' WHERE id = %s AND status = 'queued' RETURNING id"
            ).format(self.t),
            (entry_id,),
        )
        self._publish()
        return bool(rows)

    def purge(self, retention_days: float) -> int:
        cutoff = self.clock() - retention_days * 86400
        rows = self._run(
            sql.SQL("DELETE FROM {} WHERE last_failure_at < %s RETURNING id").format(self.t),
            (cutoff,),
        )
        self._publish()
        return len(rows)
