"""How fast is the generated pipeline next to an honest hand-written loop, and does its
cost per record stay flat from 100k to 1M records?

Why this exists
---------------
Issue 15: the generated pipeline should keep at least 0.67 of the throughput of a loop a
developer would write by hand for the same job (within 1.5x), and its cost per record
must not grow with the input (random idempotency keys against SQLite's default 2 MB page
cache once made the 1M run cost 33x the 100k run in system time). An earlier version of
this script compared against a generic loop (per-field closures, plain INSERT, no
idempotency record), which flattered the pipeline; the baseline here does the same work.

What is measured
----------------
``samples/event-driven-shopify-netsuite.md`` is scaffolded into a temporary folder, and
``N`` distinct records shaped like its ``data/sample.jsonl`` are written to a file.

* **pipeline** - the generated runtime in this process: ``Pipeline(config).run(input)``
  with validation, mapping, idempotency store, metrics and JSON logging at INFO (to a
  file), as ``run`` does it.
* **hand loop** (:func:`run_hand_loop`) - written by hand for this design: ``json.loads``
  per line, the design's mapping as one tuple expression (direct copies, the day-one
  hooks passing the source through, the two lookups as dict reads), a random correlation
  id per row, and every 1,000 records: one query for the keys already processed, one
  ``executemany`` UPSERT on ``event_id`` into the same table shape in the same target file
  settings (WAL, ``synchronous`` FULL, one transaction per 1,000 rows), then the batch's
  processed keys inserted into a key table in a separate state file (WAL, ``synchronous``
  NORMAL) in its own transaction after the target's: the pipeline's durability and its
  exactly-once order (target first, then the marks).

Afterwards the two targets are compared row by row (every entity column, ordered by the
key; correlation ids and load times aside) and both key stores must hold N keys: the run
fails otherwise.

CPU time (user + system of this process, ``getrusage``) is counted, not wall clock:
the sides run in alternating pairs (``paired.py``), each from an empty ``var/``, and the
script prints the median per-pair ratio with its spread, the medians of each side, and
CPU per record with its system share at every size. Targets: pipeline throughput at
least 0.67 of the hand loop's at every size; pipeline CPU per record at the largest size
within 20% of the smallest.

Run it with ``python benchmarks/pipeline_bench.py [--records 100000 1000000]
[--pairs 5 3] [--json]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paired import Pairs, alternate, describe

from designkit.cli import main as designkit_main

ROOT = Path(__file__).resolve().parents[1]
DESIGN = ROOT / "samples" / "event-driven-shopify-netsuite.md"
TARGET_RATIO = 0.67
"""Pipeline throughput must be at least this fraction of the hand loop's."""
LINEAR_LIMIT = 1.20
"""CPU per record at the largest size may be at most this multiple of the smallest's."""
BATCH = 1000
"""The hand loop's rows per transaction: the pipeline's default ``batching.commit_records``."""


def scaffold(out: Path) -> None:
    result = CliRunner().invoke(designkit_main, ["scaffold", str(DESIGN), "-o", str(out)])
    if result.exit_code != 0:
        raise SystemExit(f"scaffold failed:\n{result.output}")


def write_input(project: Path, path: Path, count: int) -> None:
    """``count`` distinct records: the sample's lines in turn, identifying fields rewritten."""
    templates = [
        json.loads(line)
        for line in (project / "data" / "sample.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    with path.open("w", encoding="utf-8") as handle:
        for number, template in zip(range(count), itertools.cycle(templates), strict=False):
            record = dict(template)
            record["X-Shopify-Webhook-Id (header)"] = f"event_id-{number:09d}"
            record["id"] = f"order_id-{number:09d}"
            record["name"] = f"order_name-{number:09d}"
            record["email"] = f"user{number}@example.com"
            handle.write(json.dumps(record) + "\n")


def reset(project: Path) -> None:
    shutil.rmtree(project / "var", ignore_errors=True)
    (project / "var").mkdir()


def cpu() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


class Side:
    """One side's runs: total CPU seconds for ``alternate``, and the system share kept."""

    def __init__(self) -> None:
        self.system: list[float] = []

    def measure(self, work: Any) -> float:
        user0, sys0 = cpu()
        work()
        user1, sys1 = cpu()
        self.system.append(sys1 - sys0)
        return (user1 - user0) + (sys1 - sys0)


def run_pipeline(project: Path, input_path: Path, expected: int) -> None:
    """The generated runtime in this process, as ``run --input`` drives it."""
    from integration_pipeline.config import load_config
    from integration_pipeline.pipeline import Pipeline

    reset(project)
    config = load_config(project / "config" / "pipeline.yaml")
    with (project / "var" / "pipeline.log").open("w", encoding="utf-8") as log:
        pipeline = Pipeline(config, base_dir=project, log_stream=log)
        try:
            summary = pipeline.run(input_path)
        finally:
            pipeline.close()
    if summary.loaded != expected:
        raise SystemExit(f"pipeline loaded {summary.loaded} of {expected}: {summary}")


HAND_TABLE = """CREATE TABLE "order_event" (
    "event_id" PRIMARY KEY, "event_type", "occurred_at", "shop_domain", "order_id",
    "order_name", "customer_email", "currency", "subtotal_amount", "tax_amount",
    "shipping_amount", "financial_status", "lines", "netsuite_subsidiary_id",
    "netsuite_location_id", "_correlation_id" TEXT, "_loaded_at" REAL)"""
HAND_UPSERT = (
    'INSERT INTO "order_event" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)'
    ' ON CONFLICT("event_id") DO UPDATE SET "event_type"=excluded."event_type",'
    ' "occurred_at"=excluded."occurred_at", "shop_domain"=excluded."shop_domain",'
    ' "order_id"=excluded."order_id", "order_name"=excluded."order_name",'
    ' "customer_email"=excluded."customer_email", "currency"=excluded."currency",'
    ' "subtotal_amount"=excluded."subtotal_amount", "tax_amount"=excluded."tax_amount",'
    ' "shipping_amount"=excluded."shipping_amount",'
    ' "financial_status"=excluded."financial_status", "lines"=excluded."lines",'
    ' "netsuite_subsidiary_id"=excluded."netsuite_subsidiary_id",'
    ' "netsuite_location_id"=excluded."netsuite_location_id",'
    ' "_correlation_id"=excluded."_correlation_id", "_loaded_at"=excluded."_loaded_at"'
)


def run_hand_loop(project: Path, input_path: Path, lookups: dict[str, dict[str, Any]]) -> int:
    """What a developer would write for this one design (see the module docstring)."""
    import time

    reset(project)
    target = sqlite3.connect(project / "var" / "hand-target.sqlite", isolation_level=None)
    target.execute("PRAGMA journal_mode=WAL")
    target.execute("PRAGMA synchronous=FULL")
    target.execute(HAND_TABLE)
    state = sqlite3.connect(project / "var" / "hand-state.sqlite", isolation_level=None)
    state.execute("PRAGMA journal_mode=WAL")
    state.execute("PRAGMA synchronous=NORMAL")
    state.execute("CREATE TABLE done (key TEXT PRIMARY KEY, at REAL NOT NULL) WITHOUT ROWID")
    subsidiary = lookups["netsuite_subsidiary_id"]
    location = lookups["netsuite_location_id"]
    loaded = 0

    def flush(batch: list[list[Any]]) -> int:
        keys = [row[0] for row in batch]
        marks = ",".join("?" * len(keys))
        done = {k for (k,) in state.execute(f"SELECT key FROM done WHERE key IN ({marks})", keys)}
        fresh = [row for row in batch if row[0] not in done]
        ids = os.urandom(16 * len(fresh)).hex()
        now = time.time()
        for index, row in enumerate(fresh):
            row.append(ids[32 * index : 32 * index + 32])
            row.append(now)
        target.execute("BEGIN")
        target.executemany(HAND_UPSERT, fresh)
        target.execute("COMMIT")
        state.execute("BEGIN")
        state.executemany("INSERT INTO done VALUES (?, ?)", [(row[0], now) for row in fresh])
        state.execute("COMMIT")
        return len(fresh)

    batch: list[list[Any]] = []
    with input_path.open(encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            shipping = r.get("total_shipping_price_set")
            country = (r.get("shipping_address") or {}).get("country_code")
            batch.append(
                [
                    r["X-Shopify-Webhook-Id (header)"],
                    r["X-Shopify-Topic (header)"],
                    r["X-Shopify-Triggered-At (header)"],
                    r["X-Shopify-Shop-Domain (header)"],
                    r["id"],
                    r["name"],
                    r["email"],
                    r["presentment_currency"],
                    float(r["current_subtotal_price"]),
                    float(r["current_total_tax"]),
                    shipping["shop_money"]["amount"] if shipping else None,
                    r["financial_status"],
                    json.dumps(r["line_items"]),
                    subsidiary.get(r["X-Shopify-Shop-Domain (header)"]),
                    location.get(country) if country is not None else None,
                ]
            )
            if len(batch) == BATCH:
                loaded += flush(batch)
                batch = []
    if batch:
        loaded += flush(batch)
    target.close()
    state.close()
    return loaded


COLUMNS = (
    "event_id, event_type, occurred_at, shop_domain, order_id, order_name, customer_email,"
    " currency, subtotal_amount, tax_amount, shipping_amount, financial_status, lines,"
    " netsuite_subsidiary_id, netsuite_location_id"
)


def check_same(project: Path, config: Any, count: int) -> None:
    """Both targets hold the same rows (every entity column), both key stores ``count`` keys."""
    query = f'SELECT {COLUMNS} FROM "{config.target.table}" ORDER BY event_id'
    ours = sqlite3.connect(project / "pipeline-target.sqlite")
    hand = sqlite3.connect(project / "var" / "hand-target.sqlite")
    rows = 0
    for mine, theirs in itertools.zip_longest(ours.execute(query), hand.execute(query)):
        if mine != theirs:
            raise SystemExit(f"the targets differ at row {rows}: {mine} != {theirs}")
        rows += 1
    if rows != count:
        raise SystemExit(f"expected {count} rows, the targets hold {rows}")
    kept = sqlite3.connect(project / "var" / "hand-state.sqlite")
    marks = sqlite3.connect(project / "pipeline-state.sqlite")
    counts = (
        kept.execute("SELECT COUNT(*) FROM done").fetchone()[0],
        marks.execute("SELECT COUNT(*) FROM delivered").fetchone()[0],
    )
    if counts != (count, count):
        raise SystemExit(f"key stores hold {counts} keys, expected {count} each")


def bench_size(project: Path, tmp: Path, config: Any, count: int, pairs: int) -> dict[str, Any]:
    input_path = tmp / f"input-{count}.jsonl"
    write_input(project, input_path, count)
    ours, hand = Side(), Side()
    lookups = dict(config.lookups)

    def measured() -> float:
        return ours.measure(lambda: run_pipeline(project, input_path, count))

    def baseline() -> float:
        return hand.measure(lambda: run_hand_loop(project, input_path, lookups))

    result: Pairs = alternate(measured, baseline, pairs, warmup=0)
    # the last pipeline run's files, for the row check against the last hand loop's
    run_pipeline(project, input_path, count)
    shutil.copy(project / config.target.path, project / "pipeline-target.sqlite")
    shutil.copy(project / config.idempotency.path, project / "pipeline-state.sqlite")
    if run_hand_loop(project, input_path, lookups) != count:
        raise SystemExit("the hand loop did not load every record")
    check_same(project, config, count)
    input_path.unlink()
    summary = result.summary()
    throughput = 1 / summary["ratio_median"]  # pipeline rec/s over hand-loop rec/s
    return {
        "records": count,
        "pairs": pairs,
        "cpu_ratio": summary,
        "describe": describe(summary),
        "throughput_ratio": round(throughput, 3),
        "throughput_ratio_range": [
            round(1 / summary["ratio_max"], 3),
            round(1 / summary["ratio_min"], 3),
        ],
        "pipeline_us_per_record": round(1e6 * summary["measured_median_s"] / count, 2),
        "hand_us_per_record": round(1e6 * summary["baseline_median_s"] / count, 2),
        "pipeline_system_s": round(statistics.median(ours.system), 3),
        "hand_system_s": round(statistics.median(hand.system), 3),
        "pipeline_cpu_s": [round(s, 3) for s in result.measured],
        "hand_cpu_s": [round(s, 3) for s in result.baseline],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--pairs", type=int, nargs="+", default=[5, 3], help="pairs per size")
    parser.add_argument("--json", action="store_true", help="one JSON line instead of text")
    args = parser.parse_args(argv)
    pairs = args.pairs + [args.pairs[-1]] * (len(args.records) - len(args.pairs))

    sizes = []
    with tempfile.TemporaryDirectory(prefix="pipeline-bench-") as tmp_name:
        tmp = Path(tmp_name)
        project = tmp / "project"
        scaffold(project)
        sys.path.insert(0, str(project / "src"))
        import integration_pipeline.pipeline  # noqa: F401  imports are not timed
        from integration_pipeline.config import load_config

        config = load_config(project / "config" / "pipeline.yaml")
        for count, runs in zip(args.records, pairs, strict=False):
            sizes.append(bench_size(project, tmp, config, count, runs))

    ratios_met = all(s["throughput_ratio"] >= TARGET_RATIO for s in sizes)
    growth = sizes[-1]["pipeline_us_per_record"] / sizes[0]["pipeline_us_per_record"]
    result = {
        "sizes": sizes,
        "target_ratio": TARGET_RATIO,
        "throughput_met": ratios_met,
        "per_record_growth": round(growth, 3),
        "linear_limit": LINEAR_LIMIT,
        "linear_met": growth <= LINEAR_LIMIT,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
    }
    if args.json:
        print(json.dumps(result))
        return 0 if ratios_met and result["linear_met"] else 1
    print(
        f"pipeline bench: CPU time (user+system), alternating pairs; Python {result['python']},"
        f" SQLite {result['sqlite']}, {result['machine']}"
    )
    for s in sizes:
        print(f"  {s['records']:>9,} records, {s['pairs']} pairs")
        print(f"    pipeline/hand CPU  {s['describe']}")
        low, high = s["throughput_ratio_range"]
        print(
            f"    throughput ratio   {s['throughput_ratio']:.3f} (min {low:.3f}, max {high:.3f};"
            f" target >= {TARGET_RATIO})"
        )
        print(
            f"    pipeline           {s['cpu_ratio']['measured_median_s']:7.2f} s CPU"
            f" ({s['pipeline_system_s']:.2f} s system), {s['pipeline_us_per_record']:.1f} us/record"
        )
        print(
            f"    hand loop          {s['cpu_ratio']['baseline_median_s']:7.2f} s CPU"
            f" ({s['hand_system_s']:.2f} s system), {s['hand_us_per_record']:.1f} us/record"
        )
    verdict = "met" if ratios_met else "NOT met"
    print(f"  throughput >= {TARGET_RATIO} of the hand loop at every size: {verdict}")
    verdict = "met" if result["linear_met"] else "NOT met"
    print(
        f"  pipeline CPU per record, {sizes[-1]['records']:,} vs {sizes[0]['records']:,}:"
        f" {growth:.2f}x (limit {LINEAR_LIMIT}x): {verdict}"
    )
    return 0 if ratios_met and result["linear_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
