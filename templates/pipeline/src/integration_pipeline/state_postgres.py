"""PostgreSQL state (``state: postgres``), psycopg 3: the connection, the schema, the
idempotency store.

Shared by every worker on every machine:

* ``delivered``: the idempotency store; ``mark`` is an upsert (``ON CONFLICT DO UPDATE``)
  and ``seen`` honours the dedup window, exactly like the SQLite store;
* ``dead_letters``: the dead-letter queue of the embedded transport, and the archive and
  audit trail of the RabbitMQ DLQ (dlq_postgres.py);
* the target table (``target.kind: postgres``, target_postgres.py).

When the state and the target live in the same database they share one connection and
one transaction per batch: the target rows and their idempotency marks commit together,
so a crash can lose a batch (which the broker redelivers) but never land a row without
its mark. The schema is created by ``migrate``, never at import or connect time.

The URL comes from the environment variable named by ``postgres.url_env``
(``DATABASE_URL``): never from the configuration file, never logged (``safe_url``).
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from .config import Entity, Idempotency, PipelineConfig, Postgres, Target
from .errors import PipelineError
from .idempotency import build_key, plain_keys

SCHEMA_VERSION = 1
_JSON = json.JSONEncoder(separators=(",", ":"))
"""A batch's keys and marks travel as one JSON parameter: psycopg adapts a list one
element at a time in Python, JSON is encoded in C and PostgreSQL takes it apart."""
STATEMENT_TIMEOUT_MS = 30_000

_COLUMN_TYPES = {
    "string": "text",
    "integer": "bigint",
    "number": "double precision",
    "boolean": "boolean",
    "date": "date",
    "datetime": "timestamptz",
    "object": "jsonb",
    "array": "jsonb",
}


class MissingSetting(Exception):
    """A required environment variable is not set; the message names it (never a value)."""


def env_url(name: str, what: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise MissingSetting(f"environment variable {name} is not set (the {what} URL)")
    return value


def safe_url(url: str) -> str:
    """The URL without its password, for logs and messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable url>"
    if parts.password is None and "@" not in parts.netloc:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit((parts.scheme, f"{user}:***@{host}", parts.path, "", ""))


def scrub(text: str, url: str) -> str:
    """Remove the URL and its password from an error message before it is shown."""
    parts = urlsplit(url)
    text = text.replace(url, safe_url(url))
    if parts.password:
        text = text.replace(parts.password, "***")
    return text


def classify_pg(exc: BaseException) -> PipelineError:
    """A psycopg error as a classified PipelineError (see errors.classify)."""
    text = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
    state = getattr(exc, "sqlstate", None) or ""
    if state in ("57014", "55P03"):  # statement timeout, lock not available
        return PipelineError("timeout", text)
    if state == "53300":  # too many connections
        return PipelineError("rate_limited", text)
    if state in ("40001", "40P01") or state.startswith(("53", "58", "XX")):
        return PipelineError("server_error", text)
    if state.startswith(("08", "57P")) or (isinstance(exc, psycopg.OperationalError) and not state):
        return PipelineError("connection", text)
    if state.startswith(("28", "42501")):
        return PipelineError("auth", text)
    if state.startswith(("22", "23")) or isinstance(
        exc, psycopg.DataError | psycopg.IntegrityError
    ):
        return PipelineError("validation", text)
    return PipelineError("permanent", text)


class StateLost(Exception):
    """The database connection went away: the open batch is gone, reconnect and redo it."""


class PostgresState:
    """One connection (non-autocommit) shared by the stores and the target of a process."""

    def __init__(self, config: Postgres) -> None:
        self.config = config
        self.url = env_url(config.url_env, "PostgreSQL")
        self.schema = config.schema_
        self.pending_marks: dict[str, float] = {}
        self._conn: psycopg.Connection[Any] | None = None
        self._marks: str | None = None
        self.connect()

    def connect(self) -> None:
        try:
            self._conn = psycopg.connect(
                self.url,
                connect_timeout=self.config.connect_timeout_seconds,
                options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
                application_name=f"integration_pipeline/{self.schema}"[:63],
            )
        except psycopg.Error as error:
            raise StateLost(
                f"cannot connect to {safe_url(self.url)}: {scrub(str(error), self.url)}"
            ) from None

    @property
    def conn(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            raise StateLost("database connection is closed")
        return self._conn

    @property
    def broken(self) -> bool:
        return self._conn is None or self._conn.closed or self._conn.broken

    def reconnect(self) -> None:
        self.close()
        self.pending_marks.clear()
        self.connect()

    def table(self, name: str) -> sql.Composed:
        return sql.SQL("{}.{}").format(sql.Identifier(self.schema), sql.Identifier(name))

    def commit(self) -> None:
        """Write the buffered idempotency marks, then commit everything in one transaction."""
        try:
            if self.pending_marks:  # one statement: the marks as one JSON object
                with self.conn.cursor() as cursor:
                    cursor.execute(self._mark_sql(), (_JSON.encode(self.pending_marks),))
            self.conn.commit()
        except psycopg.Error as error:  # the batch is gone either way: redo it
            self.rollback()
            raise StateLost(f"commit failed: {scrub(str(error), self.url)}") from None
        finally:
            self.pending_marks.clear()

    def _mark_sql(self) -> str:
        if self._marks is None:  # rendered once: composing per call costs more than running
            self._marks = (
                sql.SQL(
                    "INSERT INTO {} (key, marked_at)"
                    " SELECT key, value::double precision FROM json_each_text(%s::json)"
                    " ON CONFLICT (key) DO UPDATE SET marked_at = excluded.marked_at"
                )
                .format(self.table("delivered"))
                .as_string(self.conn)
            )
        return self._marks

    def rollback(self) -> None:
        self.pending_marks.clear()
        if not self.broken:
            with contextlib.suppress(psycopg.Error):
                self.conn.rollback()

    def check(self) -> None:
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT 1")
        self.conn.rollback()

    def close(self) -> None:
        if self._conn is not None and not self._conn.closed:
            with contextlib.suppress(psycopg.Error):
                self._conn.rollback()
            self._conn.close()
        self._conn = None


def migrate(config: PipelineConfig) -> list[str]:
    """Create the schema, the state tables and the target table; safe to run again."""
    state = PostgresState(config.postgres)
    done: list[str] = []
    try:
        conn = state.conn
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(state.schema))
            )
            cur.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (version integer PRIMARY KEY,"
                    " applied_at timestamptz NOT NULL DEFAULT now())"
                ).format(state.table("schema_version"))
            )
            if config.state == "postgres":
                cur.execute(
                    sql.SQL(
                        "CREATE TABLE IF NOT EXISTS {} (key text PRIMARY KEY,"
                        " marked_at double precision NOT NULL)"
                    ).format(state.table("delivered"))
                )
                cur.execute(
                    sql.SQL(
                        "CREATE TABLE IF NOT EXISTS {} ("
                        " id bigserial PRIMARY KEY,"
                        " message_id text UNIQUE,"
                        " payload jsonb NOT NULL,"
                        " source text NOT NULL,"
                        " stage text NOT NULL,"
                        " error_class text NOT NULL,"
                        " error_message text NOT NULL,"
                        " classification text NOT NULL,"
                        " attempts integer NOT NULL,"
                        " first_failure_at double precision NOT NULL,"
                        " last_failure_at double precision NOT NULL,"
                        " correlation_id text NOT NULL,"
                        " idempotency_key text,"
                        " replay_count integer NOT NULL DEFAULT 0,"
                        " status text NOT NULL DEFAULT 'queued',"
                        " fingerprint text NOT NULL)"
                    ).format(state.table("dead_letters"))
                )
                cur.execute(
                    sql.SQL(
                        "CREATE UNIQUE INDEX IF NOT EXISTS {} ON {} (fingerprint)"
                        " WHERE status = 'queued' AND message_id IS NULL"
                    ).format(
                        sql.Identifier("dead_letters_queued_fingerprint"),
                        state.table("dead_letters"),
                    )
                )
                cur.execute(
                    sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (status)").format(
                        sql.Identifier("dead_letters_status"), state.table("dead_letters")
                    )
                )
                done += [f"{state.schema}.delivered", f"{state.schema}.dead_letters"]
            if config.target.kind == "postgres":
                cur.execute(target_ddl(config.target, config.entity, state))
                done.append(f"{state.schema}.{config.target.table}")
            cur.execute(
                sql.SQL("INSERT INTO {} (version) VALUES (%s) ON CONFLICT DO NOTHING").format(
                    state.table("schema_version")
                ),
                (SCHEMA_VERSION,),
            )
    except psycopg.Error as error:
        raise PipelineError(
            "permanent", f"migrate failed: {scrub(str(error), state.url)}"
        ) from None
    finally:
        state.close()
    return done


def target_ddl(target: Target, entity: Entity, state: PostgresState) -> sql.Composed:
    names = [f.name for f in entity.fields]
    key = entity.key if entity.key in names else None
    columns: list[sql.Composable] = [
        sql.SQL("{} {}{}").format(
            sql.Identifier(f.name),
            sql.SQL(_COLUMN_TYPES[f.type]),
            sql.SQL(" PRIMARY KEY" if f.name == key else ""),
        )
        for f in entity.fields
    ]
    columns += [
        sql.SQL('"_correlation_id" text'),
        sql.SQL('"_loaded_at" timestamptz NOT NULL DEFAULT now()'),
        sql.SQL('"_write_count" integer NOT NULL DEFAULT 1'),
    ]
    return sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(
        state.table(target.table), sql.SQL(", ").join(columns)
    )


def distinct_dead_letters(state: PostgresState) -> int:
    """Dead letters of the broker's DLQ counted once per message id (the archive's rows).

    The broker may hold two copies of one dead letter: a worker killed between the DLQ
    copy's confirm and its batch's ack gets the message redelivered and dead-letters it
    again. The archive keeps one row per message id, so this is what ``health`` reports.
    """
    with state.conn.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "SELECT count(DISTINCT message_id) FROM {}"
                " WHERE status = 'queued' AND message_id IS NOT NULL"
            ).format(state.table("dead_letters"))
        )
        row = cursor.fetchone()
    state.conn.rollback()
    return int(row[0]) if row else 0


def schema_ready(state: PostgresState) -> bool:
    with state.conn.cursor() as cur:
        cur.execute("SELECT to_regclass(%s)", (f'"{state.schema}".schema_version',))
        row = cur.fetchone()
    state.conn.rollback()
    return bool(row and row[0])


class PostgresIdempotencyStore:
    """Same interface as idempotency.IdempotencyStore; marks buffer until the batch commits."""

    def __init__(
        self,
        config: Idempotency,
        state: PostgresState,
        *,
        clock: Callable[[], float] = time.time,
        entity: Entity | None = None,
    ) -> None:
        self.config = config
        self.state = state
        self.clock = clock
        self.plain = plain_keys(config, entity)
        self._seen = sql.SQL("SELECT marked_at FROM {} WHERE key = %s").format(
            state.table("delivered")
        )
        self._seen_many = sql.SQL(
            "SELECT key, marked_at FROM {}"
            " WHERE key = ANY(ARRAY(SELECT json_array_elements_text(%s::json)))"
        ).format(state.table("delivered"))
        self._rendered: dict[int, str] = {}

    def _text(self, query: sql.Composed) -> str:
        """The statement rendered once: composing it per call costs more than running it."""
        text = self._rendered.get(id(query))
        if text is None:
            text = self._rendered[id(query)] = query.as_string(self.state.conn)
        return text

    def seen_many(self, keys: list[str]) -> set[str]:
        """The keys delivered within the dedup window (one query for a whole batch)."""
        if not self.enabled or not keys:
            return set()
        now = self.clock()
        window = self.config.dedup_window_seconds
        pending = self.state.pending_marks  # marks of the open batch, not yet written
        found = {k for k in keys if now - pending.get(k, -1e18) < window} if pending else set()
        try:
            with self.state.conn.cursor() as cursor:
                cursor.execute(self._text(self._seen_many), (_JSON.encode(keys),))
                rows = cursor.fetchall()
        except psycopg.Error as error:
            raise classify_pg(error) from error
        return found | {str(k) for k, at in rows if now - float(at) < window}

    @property
    def enabled(self) -> bool:
        return self.config.approach != "upsert"

    def key_for(self, record: Mapping[str, Any], canonical: Mapping[str, Any] | None = None) -> str:
        return build_key(self.config.key, record, canonical, plain=self.plain)

    def seen(self, key: str) -> bool:
        if not self.enabled:
            return False
        now = self.clock()
        pending = self.state.pending_marks.get(key)
        if pending is not None:
            return now - pending < self.config.dedup_window_seconds
        try:
            with self.state.conn.cursor() as cursor:
                cursor.execute(self._text(self._seen), (key,))
                row = cursor.fetchone()
        except psycopg.Error as error:
            raise classify_pg(error) from error
        return row is not None and now - float(row[0]) < self.config.dedup_window_seconds

    def mark_many(self, keys: builtins.list[str]) -> None:
        """Buffer ``keys`` as delivered; the batch's commit writes them with its rows."""
        if not self.enabled:
            return
        now = self.clock()
        for key in keys:
            self.state.pending_marks[key] = now

    def mark(self, key: str, *, commit: bool = True) -> None:
        self.mark_many([key])
        if commit:
            self.flush()

    def flush(self) -> None:
        self.state.commit()

    def close(self) -> None:
        pass  # the state owns the connection
