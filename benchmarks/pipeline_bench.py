"""How fast is the generated pipeline next to a bare parse-map-insert loop, and is its memory flat?

Why this exists
---------------
The pipeline that ``designkit scaffold`` generates promises two things about cost:
its per-record machinery (validation, mapping, idempotency, metrics, structured
logging, retry/breaker wrapping) keeps at least half the throughput of the
simplest loop that does the same job, and it streams, so its memory does not grow
with the input. This script checks both on this machine, in one run.

What is measured
----------------
``samples/event-driven-shopify-netsuite.md`` is scaffolded into a temporary folder.
``N`` input records (``--records``, default 100,000) are generated from the
project's own ``data/sample.jsonl``, cycling through its lines and rewriting the
key fields (webhook id, order id, order name, email) so every record is distinct.

* **pipeline** - the generated runtime, imported in-process from the scaffolded
  ``src``: ``Pipeline(config).run(input)`` with the file source, SQLite target,
  validation, mapping, idempotency store, metrics registry and JSON logging at
  INFO all on (logs go to a file in the temporary folder).
* **bare loop** - ``json.loads`` per line, the same map as the day-one pipeline
  (each mapping row's source value, nested paths walked, lookups through their
  tables; hooks pass the source through on day one, so the loop copies it) with no
  type checks, and ``executemany`` into a SQLite table of the same shape (every
  entity column, the key as primary key, ``_correlation_id``, ``_loaded_at``; WAL)
  in batches of 1,000 rows, one transaction per batch. The two tables are compared
  afterwards: the run fails unless both wrote the same rows.

Both start from an empty ``var/`` folder; the times cover the whole run including
opening the stores. ``rec/s`` is records per second; ``ratio`` is pipeline
throughput over bare-loop throughput, target ``>= 0.5``.

Memory: the pipeline is then run as a subprocess (the ``integration_pipeline run
--input ...`` CLI, metrics endpoint off) on N/10 and on N records, and each child
reports its own peak RSS (VmHWM from /proc/self/status, Linux) as it exits. Streaming means the two peaks are about equal
(target: the N run's peak at most 1.25x the N/10 run's).

Both loops run ``--repeat`` times (default 3), alternating; each side's best time counts.

Run it with ``python benchmarks/pipeline_bench.py [--records N] [--repeat R] [--json]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from designkit.cli import main as designkit_main

ROOT = Path(__file__).resolve().parents[1]
DESIGN = ROOT / "samples" / "event-driven-shopify-netsuite.md"
TARGET_RATIO = 0.5
"""Pipeline throughput must be at least this fraction of the bare loop's."""
RSS_GROWTH_LIMIT = 1.25
"""Peak RSS on N records may be at most this multiple of the peak on N/10."""
BATCH = 1000


def scaffold(out: Path) -> None:
    result = CliRunner().invoke(designkit_main, ["scaffold", str(DESIGN), "-o", str(out)])
    if result.exit_code != 0:
        raise SystemExit(f"scaffold failed:\n{result.output}")


def key_sources(config: Any) -> dict[str, str]:
    """Source field -> canonical field for the entity key and the other identifying fields."""
    wanted = {config.entity.key, "order_id", "order_name", "customer_email"}
    return {m.source: m.target for m in config.mappings if m.target in wanted and m.source}


def write_input(project: Path, config: Any, path: Path, count: int) -> None:
    """``count`` distinct records shaped like data/sample.jsonl."""
    templates = [
        json.loads(line)
        for line in (project / "data" / "sample.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    sources = key_sources(config)
    with path.open("w", encoding="utf-8") as handle:
        for number, template in zip(range(count), itertools.cycle(templates), strict=False):
            record = dict(template)
            for source, target in sources.items():
                if "." in source:
                    continue
                if "email" in target:
                    record[source] = f"user{number}@example.com"
                else:
                    record[source] = f"{target}-{number:09d}"
            handle.write(json.dumps(record) + "\n")


def reset(project: Path) -> None:
    shutil.rmtree(project / "var", ignore_errors=True)


def run_pipeline(project: Path, input_path: Path) -> tuple[float, dict[str, int]]:
    """The generated runtime in this process; returns (seconds, summary)."""
    from integration_pipeline.config import load_config
    from integration_pipeline.pipeline import Pipeline

    reset(project)
    config = load_config(project / "config" / "pipeline.yaml")
    (project / "var").mkdir()
    with (project / "var" / "pipeline.log").open("w", encoding="utf-8") as log:
        started = time.perf_counter()
        pipeline = Pipeline(config, base_dir=project, log_stream=log)
        try:
            summary = pipeline.run(input_path)
        finally:
            pipeline.close()
        elapsed = time.perf_counter() - started
    return elapsed, dict(summary.__dict__)


def bare_getters(config: Any) -> list[tuple[str, Any]]:
    """(target field, getter) per mapping row: the same map the day-one pipeline makes.

    A direct copy or a hook (whose day-one stub passes the source value through) reads
    the source path, a lookup reads its table; the loop does no type checks."""
    getters: list[tuple[str, Any]] = []
    for rule in config.mappings:
        parts = (rule.source or rule.target).split(".")
        if len(parts) == 1:
            name = parts[0]

            def read(record: dict[str, Any], name: str = name) -> Any:
                return record.get(name)
        else:

            def read(record: dict[str, Any], parts: list[str] = parts) -> Any:
                value: Any = record
                for part in parts:
                    value = value.get(part) if isinstance(value, dict) else None
                return value

        if rule.transformation == "lookup":
            table, default = config.lookups[rule.lookup], rule.default

            def look(
                record: dict[str, Any], read: Any = read, table: Any = table, default: Any = default
            ) -> Any:
                raw = read(record)
                return default if raw is None else table.get(str(raw), default)

            getters.append((rule.target, look))
        elif rule.transformation in ("direct", "hook"):
            getters.append((rule.target, read))
        else:
            raise SystemExit(f"the bare loop has no {rule.transformation!r} mapping")
    return getters


def run_bare(project: Path, config: Any, input_path: Path) -> tuple[float, int]:
    """json.loads, the same mappings, executemany into a table of the same shape."""
    reset(project)
    started = time.perf_counter()
    getters = bare_getters(config)
    names = [f.name for f in config.entity.fields]
    folder = project / "var"
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(folder / "bare.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    columns = [f'"{n}"{" PRIMARY KEY" if n == config.entity.key else ""}' for n in names] + [
        '"_correlation_id" TEXT',
        '"_loaded_at" REAL',
    ]
    table = config.target.table
    db.execute(f'CREATE TABLE "{table}" ({", ".join(columns)})')
    all_names = [*names, "_correlation_id", "_loaded_at"]
    quoted = ", ".join(f'"{n}"' for n in all_names)
    marks = ", ".join("?" for _ in all_names)
    sql = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'
    count = 0
    batch: list[tuple[Any, ...]] = []
    with input_path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            mapped = {target: get(record) for target, get in getters}
            batch.append(
                (
                    *(
                        json.dumps(v) if isinstance(v, dict | list) else v
                        for v in (mapped.get(n) for n in names)
                    ),
                    None,
                    None,
                )
            )
            if len(batch) >= BATCH:
                db.execute("BEGIN")
                db.executemany(sql, batch)
                db.execute("COMMIT")
                count += len(batch)
                batch.clear()
    if batch:
        db.execute("BEGIN")
        db.executemany(sql, batch)
        db.execute("COMMIT")
        count += len(batch)
    db.close()
    return time.perf_counter() - started, count


def same_rows(project: Path, config: Any, pipeline_db: Path) -> bool:
    """Both loops must have written the same values (ids and timestamps aside)."""
    names = ", ".join(f'"{f.name}"' for f in config.entity.fields)
    table = config.target.table
    order = f'"{config.entity.key}"' if config.entity.key else names
    query = f'SELECT {names} FROM "{table}" ORDER BY {order}'
    with (
        sqlite3.connect(pipeline_db) as ours,
        sqlite3.connect(project / "var" / "bare.sqlite") as bare,
    ):
        return ours.execute(query).fetchall() == bare.execute(query).fetchall()


_MEASURED_CHILD = """
import atexit, os, runpy, sys

def _report() -> None:
    with open("/proc/self/status", encoding="ascii") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["PEAK_RSS_FILE"], "w", encoding="ascii") as out:
        out.write(peak)

atexit.register(_report)
sys.argv = ["integration_pipeline", *sys.argv[1:]]
runpy.run_module("integration_pipeline", run_name="__main__")
"""
"""Runs the pipeline CLI and writes its own peak RSS (VmHWM, KiB) at exit.

``ru_maxrss`` from ``wait4`` is no good here: a child started with vfork (as
``subprocess`` does on Linux) inherits the *parent's* high-water mark at exec, so it
would report this benchmark's own memory. VmHWM belongs to the child's address space.
"""


def peak_rss_kib(project: Path, input_path: Path) -> tuple[int, float]:
    """Run the pipeline CLI as a child; (its peak RSS in KiB, seconds)."""
    reset(project)
    peak_file = project / "peak-rss.txt"
    env = {
        **os.environ,
        "PYTHONPATH": str(project / "src"),
        "PIPELINE_METRICS": "0",
        "PEAK_RSS_FILE": str(peak_file),
    }
    (project / "var").mkdir()
    with (project / "var" / "pipeline.log").open("w", encoding="utf-8") as log:
        started = time.perf_counter()
        returncode = subprocess.call(
            [sys.executable, "-c", _MEASURED_CHILD, "run", "--input", str(input_path)],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        elapsed = time.perf_counter() - started
    if returncode != 0:
        raise SystemExit(f"pipeline exited {returncode}; see {project}/var/pipeline.log")
    return int(peak_file.read_text(encoding="ascii")), elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000, help="input size N")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side; best counts")
    parser.add_argument("--json", action="store_true", help="one JSON line instead of text")
    args = parser.parse_args(argv)
    n = max(args.records, 10)
    small_n = n // 10

    with tempfile.TemporaryDirectory(prefix="pipeline-bench-") as tmp:
        project = Path(tmp) / "project"
        scaffold(project)
        sys.path.insert(0, str(project / "src"))
        from integration_pipeline.config import load_config

        config = load_config(project / "config" / "pipeline.yaml")
        big = Path(tmp) / "big.jsonl"
        small = Path(tmp) / "small.jsonl"
        write_input(project, config, big, n)
        write_input(project, config, small, small_n)

        # warm-up on the small input so imports and first-call costs are not timed
        run_pipeline(project, small)
        run_bare(project, config, small)

        pipe_seconds = bare_seconds = float("inf")
        pipeline_db = Path(tmp) / "pipeline-target.sqlite"
        for _ in range(args.repeat):  # alternate, keep each side's best: less noise
            seconds, summary = run_pipeline(project, big)
            pipe_seconds = min(pipe_seconds, seconds)
            shutil.copy(project / config.target.path, pipeline_db)
            seconds, bare_count = run_bare(project, config, big)
            bare_seconds = min(bare_seconds, seconds)
        if summary["loaded"] != n or bare_count != n:
            raise SystemExit(f"expected {n} loaded, got pipeline {summary}, bare {bare_count}")
        if not same_rows(project, config, pipeline_db):
            raise SystemExit("the pipeline and the bare loop wrote different rows")
        rss_small, _ = peak_rss_kib(project, small)
        rss_big, _ = peak_rss_kib(project, big)

    pipe_rate = n / pipe_seconds
    bare_rate = n / bare_seconds
    ratio = pipe_rate / bare_rate
    growth = rss_big / rss_small
    result = {
        "records": n,
        "repeat": args.repeat,
        "pipeline_seconds": round(pipe_seconds, 3),
        "pipeline_records_per_second": round(pipe_rate, 1),
        "bare_seconds": round(bare_seconds, 3),
        "bare_records_per_second": round(bare_rate, 1),
        "ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "throughput_met": ratio >= TARGET_RATIO,
        "peak_rss_kib": {str(small_n): rss_small, str(n): rss_big},
        "rss_growth": round(growth, 3),
        "rss_growth_limit": RSS_GROWTH_LIMIT,
        "memory_flat": growth <= RSS_GROWTH_LIMIT,
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"pipeline bench: {n:,} records, best of {args.repeat}, Python {result['python']}")
        print(f"  pipeline   {pipe_seconds:8.3f} s  {pipe_rate:12,.0f} rec/s")
        print(f"  bare loop  {bare_seconds:8.3f} s  {bare_rate:12,.0f} rec/s")
        verdict = "met" if result["throughput_met"] else "NOT met"
        print(f"  ratio      {ratio:.3f} (target >= {TARGET_RATIO}): {verdict}")
        print(f"  peak RSS   {small_n:>9,} records: {rss_small:,} KiB")
        print(f"  peak RSS   {n:>9,} records: {rss_big:,} KiB")
        verdict = "flat" if result["memory_flat"] else "NOT flat"
        print(f"  RSS growth {growth:.3f}x for 10x records (limit {RSS_GROWTH_LIMIT}x): {verdict}")
    return 0 if result["throughput_met"] and result["memory_flat"] else 1


if __name__ == "__main__":
    sys.exit(main())
