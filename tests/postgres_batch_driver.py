"""Runs with PYTHONPATH = the pipeline template's src and DATABASE_URL set: writes the same
batches to two PostgreSQL target tables of one fresh schema (argv[1]), one in batches
(``PostgresTarget.write_many``, one JSON document per batch) and one row by row
(``write``, one parameter per value), and prints both tables and the idempotency store's
answers as one JSON line for tests/test_postgres_batches.py to compare."""

from __future__ import annotations

import json
import math
import sys
from typing import Any

from integration_pipeline.config import PipelineConfig
from integration_pipeline.state_postgres import PostgresIdempotencyStore, PostgresState, migrate
from integration_pipeline.target_postgres import PostgresTarget

FIELDS = [
    ("id", "string"),
    ("n", "integer"),
    ("x", "number"),
    ("ok", "boolean"),
    ("day", "date"),
    ("at", "datetime"),
    ("doc", "object"),
    ("items", "array"),
    ("note", "string"),
]

TEXTS = [
    "plain",
    "quote ' and \" and \\ back",
    "unicode é ü 中文 🙂",
    "",
    "line\nbreak\ttab",
    "{a,b}",
]
TIMES = ["2024-05-01T10:00:00Z", "2024-05-01T10:00:00+05:30", "2024-05-01 10:00:00", "2024-02-29"]


def record(number: int) -> dict[str, Any]:
    """A canonical record: every field in its declared type (or None), as mapping.py makes."""
    return {
        "id": f"k-{number:03d}",
        "n": [0, -1, 2**62, 7][number % 4] + number,
        "x": [0.1, -2.5e-7, 1e300, 5e-324, 12.0][number % 5],
        "ok": [True, False, None][number % 3],
        "day": ["2024-02-29", "1999-12-31", None][number % 3],
        "at": TIMES[number % len(TIMES)] if number % 7 else None,
        "doc": {"name": TEXTS[number % len(TEXTS)], "nested": {"v": [1, 2.5, None, True]}}
        if number % 5
        else None,
        "items": [{"sku": f"s{number}", "qty": number % 3}, "x"] if number % 4 else [],
        "note": TEXTS[number % len(TEXTS)] if number % 6 else None,
    }


def config(schema: str, table: str) -> PipelineConfig:
    return PipelineConfig.model_validate({
        "integration": {"name": "Batch", "slug": "batch"},
        "state": "postgres",
        "postgres": {"schema": schema},
        "target": {"kind": "postgres", "table": table},
        "idempotency": {"approach": "idempotency_key", "key": ["id"]},
        "entity": {
            "name": "Thing",
            "key": "id",
            "fields": [{"name": n, "type": t} for n, t in FIELDS],
        },
    })  # fmt: skip


def rows(state: PostgresState, table: str) -> list[list[Any]]:
    columns = ", ".join(f'"{n}"::text' for n, _t in FIELDS)
    query = (
        f'SELECT {columns}, "_correlation_id", "_write_count" FROM "{state.schema}"."{table}"'
        ' ORDER BY "id"'
    )
    with state.conn.cursor() as cursor:
        cursor.execute(query)
        found = [list(row) for row in cursor.fetchall()]
    state.conn.rollback()
    return found


def main() -> None:
    schema = sys.argv[1]
    batched, single = config(schema, "batched"), config(schema, "single")
    migrate(batched)
    migrate(single)
    state = PostgresState(batched.postgres)
    bulk = PostgresTarget(batched.target, batched.entity, state, owns_state=False)
    alone = PostgresTarget(single.target, single.entity, state, owns_state=False)
    bulk.autocommit = alone.autocommit = False
    batches = [
        [(record(i), f"cid-{i}") for i in range(60)],  # fresh rows
        [(record(i), f"cid-again-{i}") for i in range(30, 90)],  # half of them again
        [(record(200), "cid-dup-1"), (record(200), "cid-dup-2")],  # one key twice
        [(record(300) | {"x": math.nan}, "cid-nan"), (record(301), "cid-301")],  # JSON has no NaN
    ]
    documents = []
    for batch in batches:
        documents.append(bulk._document(batch) is not None)
        bulk.write_many(batch)
        for canonical, cid in batch:
            alone.write(canonical, cid, 30.0)
        state.commit()

    store = PostgresIdempotencyStore(batched.idempotency, state, clock=lambda: 1_700_000_000.5)
    keys = [f"key {text}" for text in TEXTS] + ["k-000", "k-001"]
    store.mark_many(keys[:5])
    state.commit()
    report = {
        "batched": rows(state, "batched"),
        "single": rows(state, "single"),
        "documents": documents,
        "seen": sorted(store.seen_many(keys)),
        "marked": sorted(keys[:5]),
    }
    print(json.dumps(report))
    state.close()


if __name__ == "__main__":
    main()
