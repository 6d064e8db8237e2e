"""The PostgreSQL target's batch write (one JSON document per batch) lands exactly the rows
that writing them one by one lands: every column type, text that needs escaping, numbers
at the edges of float and bigint, NULLs, a record written again (``_write_count`` 2), an
entity key twice in one batch and a NaN (both sent row by row). The idempotency store's
marks and lookups (one JSON parameter each) round-trip keys that need escaping.

Runs tests/postgres_batch_driver.py against the real local PostgreSQL (skipped without
it unless DESIGNKIT_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, require_python_module, require_service

ROOT = Path(__file__).resolve().parents[1]
DRIVER = Path(__file__).parent / "postgres_batch_driver.py"

pytestmark = pytest.mark.services


def test_batch_write_lands_the_rows_a_row_by_row_write_lands() -> None:
    require_python_module("psycopg")
    require_service("PostgreSQL", POSTGRES_URL, default_port=5432)
    import psycopg

    schema = f"dk_batch_{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "templates" / "pipeline" / "src"),
        "DATABASE_URL": POSTGRES_URL,
    }
    try:
        done = subprocess.run(
            [sys.executable, str(DRIVER), schema], env=env, capture_output=True, text=True
        )
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["documents"] == [True, True, False, False]  # the last two row by row
    assert report["batched"] == report["single"]
    rows = {row[0]: row for row in report["batched"]}
    assert len(rows) == 90 + 3
    assert [rows[f"k-{i:03d}"][-1] for i in (0, 29, 30, 59, 60, 89)] == [1, 1, 2, 2, 1, 1]
    assert rows["k-200"][-2:] == ["cid-dup-2", 2] and rows["k-300"][2] == "NaN"
    assert report["seen"] == report["marked"]
