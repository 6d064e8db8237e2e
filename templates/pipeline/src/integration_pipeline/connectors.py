"""Sources and targets. Sources stream one record at a time so memory stays flat.

File sources are here; the HTTP source (paged, retried, behind its own breaker) is in
sources.py. Secrets for HTTP come from environment variables or files they name (never
from the config file, never logged): see http_auth.py for the names.
"""

from __future__ import annotations

import csv
import operator
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import httpx

from . import jsontext
from .config import Entity, Postgres, Source, Target
from .errors import PipelineError, classify_status
from .http_auth import HttpAuth, secret
from .idempotency import tune


def read_source(source: Source, path: str | Path) -> Iterator[dict[str, Any]]:
    """Yield records from a JSONL or CSV file, line by line."""
    file = Path(path)
    if source.kind == "csv":
        with file.open(newline="", encoding="utf-8") as handle:
            yield from csv.DictReader(handle)
        return
    if source.kind != "jsonl":  # http: sources.HttpSource, opened by Pipeline.records()
        raise PipelineError("permanent", f"source kind {source.kind!r} is not a file source")
    with file.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            try:
                record = jsontext.loads(line)  # json.loads's result, decoded by orjson
            except ValueError:
                if not line.strip():
                    continue
                record = {"_raw": line.rstrip("\n"), "_line": number}
            yield record if isinstance(record, dict) else {"_raw": record, "_line": number}


def quote_identifier(name: str) -> str:
    """SQLite identifier quoting; field names come from a document."""
    if "\x00" in name or not name:
        raise ValueError(f"unusable identifier {name!r}")
    return '"' + name.replace('"', '""') + '"'


class Target_(Protocol):
    def write(self, record: Mapping[str, Any], correlation_id: str, timeout: float) -> None: ...
    def check(self) -> None: ...
    def close(self) -> None: ...


class SqliteTarget:
    """One column per entity field plus _correlation_id and _loaded_at; upsert on the key."""

    def __init__(self, target: Target, entity: Entity, path: str | Path) -> None:
        self.entity = entity
        file = Path(path)
        file.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(file, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # a committed batch survives power loss (the WAL is synced at every commit): the
        # idempotency marks commit after it, so a mark never outlives its row
        self._db.execute("PRAGMA synchronous=FULL")
        tune(self._db)  # the key's index grows by one entry per record, like the key store
        self.names = [f.name for f in entity.fields]
        getter = operator.itemgetter(*self.names)
        self._values: Callable[[Mapping[str, Any]], tuple[Any, ...]] = (
            getter if len(self.names) > 1 else lambda record: (getter(record),)
        )
        self._json_columns = [
            index
            for index, f in enumerate(entity.fields)
            if f.type in ("object", "array") or f.many
        ]
        table = quote_identifier(target.table)
        columns = [quote_identifier(n) for n in self.names]
        key = entity.key if entity.key in self.names else None
        defs = [
            f"{c}{' PRIMARY KEY' if n == key else ''}"
            for n, c in zip(self.names, columns, strict=True)
        ]
        defs += ['"_correlation_id" TEXT', '"_loaded_at" REAL']
        self._db.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(defs)})")
        all_columns = [*columns, '"_correlation_id"', '"_loaded_at"']
        marks = ", ".join("?" for _ in all_columns)
        sql = f"INSERT INTO {table} ({', '.join(all_columns)}) VALUES ({marks})"
        if key is not None:
            updates = ", ".join(f"{c}=excluded.{c}" for c in all_columns)
            sql += f" ON CONFLICT({quote_identifier(key)}) DO UPDATE SET {updates}"
        self.sql = sql
        # False: writes collect in one transaction until flush() (the pipeline commits per
        # batch, target first, then the idempotency marks); True: each write commits.
        self.autocommit = True

    def write(self, record: Mapping[str, Any], correlation_id: str, timeout: float) -> None:
        values = [
            jsontext.dumps(v) if isinstance(v, dict | list) else v
            for v in (record.get(n) for n in self.names)
        ]
        if not self.autocommit and not self._db.in_transaction:
            self._db.execute("BEGIN")
        self._db.execute(self.sql, [*values, correlation_id, time.time()])

    def write_many(self, records: list[tuple[Mapping[str, Any], str]], timeout: float) -> None:
        """Write (record, correlation id) pairs in one statement, all or none: a failing row
        rolls the others back, so the caller can retry the batch or isolate the bad row."""
        now = time.time()
        values = self._values  # canonical records carry every field (else: KeyError, and
        # the pipeline falls back to write(), which reads them one by one)
        rows = [[*values(record), correlation_id, now] for record, correlation_id in records]
        if self._json_columns:  # nested values are stored as JSON text
            for row in rows:
                for index in self._json_columns:
                    value = row[index]
                    if isinstance(value, dict | list):
                        row[index] = jsontext.dumps(value)
        if not self.autocommit and not self._db.in_transaction:
            self._db.execute("BEGIN")
        self._db.execute("SAVEPOINT write_many")
        try:
            self._db.executemany(self.sql, rows)
        except BaseException:
            self._db.execute("ROLLBACK TO write_many")
            raise
        finally:
            self._db.execute("RELEASE write_many")

    def flush(self) -> None:
        """Commit the writes of the open batch, if any."""
        if self._db.in_transaction:
            self._db.execute("COMMIT")

    def check(self) -> None:
        self._db.execute("SELECT 1").fetchone()

    def close(self) -> None:
        self.flush()
        self._db.close()


class JsonlTarget:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.path.open("a", encoding="utf-8")

    def write(self, record: Mapping[str, Any], correlation_id: str, timeout: float) -> None:
        line = jsontext.dumps({**record, "_correlation_id": correlation_id}, default_str=True)
        self._handle.write(line + "\n")
        self._handle.flush()

    def write_many(self, records: list[tuple[Mapping[str, Any], str]], timeout: float) -> None:
        """Append (record, correlation id) pairs with one flush."""
        self._handle.write(
            "".join(
                jsontext.dumps({**record, "_correlation_id": cid}, default_str=True) + "\n"
                for record, cid in records
            )
        )
        self._handle.flush()

    def check(self) -> None:
        if not os.access(self.path.parent, os.W_OK):
            raise PipelineError("permanent", f"{self.path.parent} is not writable")

    def close(self) -> None:
        self._handle.close()


class HttpTarget:
    """POST each record as JSON; HTTP errors are raised already classified."""

    def __init__(self, target: Target, client: httpx.Client | None = None) -> None:
        if not target.url:
            raise PipelineError("permanent", "target.url is required for an http target")
        self.url = target.url
        self.timeout = target.timeout_seconds
        self.auth = HttpAuth(target.auth)
        self.client = client or httpx.Client(cert=self.auth.cert())

    def _headers(self, correlation_id: str) -> dict[str, str]:
        headers = {"X-Correlation-ID": correlation_id, "Idempotency-Key": correlation_id}
        headers.update(self.auth.headers(self.client))
        return headers

    def write(self, record: Mapping[str, Any], correlation_id: str, timeout: float) -> None:
        response = self.client.post(
            self.url,
            json=dict(record),
            headers=self._headers(correlation_id),
            timeout=timeout if self.timeout is None else min(timeout, self.timeout),
        )
        self.auth.rejected(response.status_code)  # token expired: the next attempt refreshes
        if response.status_code >= 400:
            raise classify_status(response.status_code, response.headers.get("Retry-After"))

    def check(self) -> None:
        try:
            self.client.request("HEAD", self.url, timeout=5)
        except httpx.HTTPError as error:
            raise PipelineError("connection", f"{self.url} unreachable: {error}") from None

    def close(self) -> None:
        self.client.close()


def _env(name: str) -> str:
    """A secret from the environment (or NAME_FILE); kept for code that imported it here."""
    return secret(name)


def open_target(
    target: Target, entity: Entity, base: Path, postgres: Postgres | None = None
) -> SqliteTarget | JsonlTarget | HttpTarget:
    if target.kind == "postgres":  # psycopg only when selected
        from .state_postgres import PostgresState
        from .target_postgres import PostgresTarget

        state = PostgresState(postgres or Postgres())
        return PostgresTarget(target, entity, state, owns_state=True)  # type: ignore[return-value]
    if target.kind == "sqlite":
        return SqliteTarget(target, entity, base / target.path)
    if target.kind == "jsonl":
        return JsonlTarget(base / target.path)
    return HttpTarget(target)
