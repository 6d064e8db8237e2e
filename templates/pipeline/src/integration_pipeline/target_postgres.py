"""The PostgreSQL target (``target.kind: postgres``): one row per entity key, upserted.

Columns: one per entity field, plus ``_correlation_id``, ``_loaded_at`` and
``_write_count`` (how often the row was written: 1 when every record landed once). The
table is created by ``migrate`` (state_postgres.py).

A batch is sent as one JSON document, read back into rows by
``json_populate_recordset``: one statement and one parameter for the whole batch, where a
statement per row (even pipelined) cost the worker more CPU than everything else it did
per record. PostgreSQL reads each value with the column type's own input function, as it
reads a query parameter, and a canonical record holds every field in its declared type
(mapping.py), so the rows are the same as row by row; a batch that cannot be sent that way
(a ``many`` field, an entity key twice, a value JSON cannot carry) goes row by row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from .config import Entity, Target
from .state_postgres import PostgresState, classify_pg

_ROWS = json.JSONEncoder(separators=(",", ":"), allow_nan=False)
"""NaN and infinities raise here (JSON has none): that batch goes row by row, where the
column's input function takes them."""


class PostgresTarget:
    """Upsert on the entity key (plain insert when the entity has none)."""

    batched = True

    def __init__(
        self, target: Target, entity: Entity, state: PostgresState, *, owns_state: bool
    ) -> None:
        self.state = state
        self.owns_state = owns_state
        self.names = [f.name for f in entity.fields]
        self.json_fields = {f.name for f in entity.fields if f.type in ("object", "array")}
        self.key = entity.key if entity.key in self.names else None
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in [*self.names, "_correlation_id"])
        table = state.table(target.table)
        conflict: sql.Composable = sql.SQL("")
        if self.key is not None:
            updates: list[sql.Composable] = [
                sql.SQL("{} = excluded.{}").format(sql.Identifier(c), sql.Identifier(c))
                for c in [*self.names, "_correlation_id"]
            ]
            updates.append(sql.SQL('"_loaded_at" = now()'))
            updates.append(
                sql.SQL('"_write_count" = {}."_write_count" + 1').format(
                    sql.Identifier(target.table)
                )
            )
            conflict = sql.SQL(" ON CONFLICT ({}) DO UPDATE SET {}").format(
                sql.Identifier(self.key), sql.SQL(", ").join(updates)
            )
        placeholders = sql.SQL(", ").join(sql.Placeholder() for _ in range(len(self.names) + 1))
        self.sql = sql.SQL("INSERT INTO {} ({}) VALUES ({}){}").format(
            table, columns, placeholders, conflict
        )
        self.bulk_sql = sql.SQL(
            "INSERT INTO {} ({}) SELECT {} FROM json_populate_recordset(NULL::{}, %s::json){}"
        ).format(table, columns, columns, table, conflict)
        # a `many` field holds a list in a scalar column: only a parameter reads it the same
        self.bulk = all(not f.many or f.type in ("object", "array") for f in entity.fields)
        self._text: dict[int, str] = {}
        self.autocommit = True  # the pipeline sets False and commits per batch

    def _statement(self, query: sql.Composed) -> str:
        text = self._text.get(id(query))
        if text is None:  # rendered once: composing per call costs more than running
            text = self._text[id(query)] = query.as_string(self.state.conn)
        return text

    def _values(self, record: Mapping[str, Any], correlation_id: str) -> list[Any]:
        values = [
            Jsonb(record.get(n))
            if n in self.json_fields and record.get(n) is not None
            else record.get(n)
            for n in self.names
        ]
        values.append(correlation_id)
        return values

    def _document(self, rows: list[tuple[Mapping[str, Any], str]]) -> str | None:
        """The batch as one JSON array of rows, or None when it must go row by row."""
        if not self.bulk:
            return None
        key = self.key
        if key is not None and len({r.get(key) for r, _c in rows}) != len(rows):
            return None  # a key twice: each write counts (_write_count), in order
        try:
            return _ROWS.encode([{**r, "_correlation_id": c} for r, c in rows])
        except (TypeError, ValueError):
            return None

    def write_many(self, rows: list[tuple[Mapping[str, Any], str]], timeout: float = 30.0) -> None:
        """Upsert a batch in one statement (one round trip) inside a savepoint: on any
        error nothing of it stays and the caller writes the rows one by one to find the
        bad one."""
        if not rows:
            return
        conn = self.state.conn
        document = self._document(rows)
        try:
            with conn.transaction(), conn.cursor() as cursor:
                if document is not None:
                    cursor.execute(self._statement(self.bulk_sql), (document,))
                else:
                    cursor.executemany(
                        self._statement(self.sql), [self._values(r, c) for r, c in rows]
                    )
        except psycopg.Error as error:
            raise classify_pg(error) from error

    def write(self, record: Mapping[str, Any], correlation_id: str, timeout: float) -> None:
        conn = self.state.conn
        try:
            with conn.transaction(), conn.cursor() as cursor:  # a savepoint: one bad row
                cursor.execute(self._statement(self.sql), self._values(record, correlation_id))
        except psycopg.Error as error:
            raise classify_pg(error) from error
        if self.autocommit:
            self.state.commit()

    def flush(self) -> None:
        self.state.commit()

    def check(self) -> None:
        self.state.check()

    def close(self) -> None:
        if self.owns_state:
            self.state.commit()
            self.state.close()
