"""Throughput of the generated pipeline with 1, 2 and 4 RabbitMQ workers, next to embedded.

What is measured
----------------
``samples/event-driven-shopify-netsuite.md`` is scaffolded into a temporary folder and
``N`` distinct records (``--records``, default 20,000) are generated from its
``data/sample.jsonl``.

* **embedded** - ``python -m integration_pipeline run --input ...`` with the generated
  defaults (one process, SQLite target, SQLite DLQ and idempotency store).
* **rabbitmq xK** - the same project switched to ``transport: rabbitmq``,
  ``state: postgres`` and a PostgreSQL target (a fresh schema and queue per K, created
  with ``migrate``). The records are published first (the publish rate is printed
  too), then K ``worker`` processes start and the clock runs until the target holds all
  N rows; worker start-up (about half a second of imports and connecting) is included.

Every run logs at INFO to files, as generated. ``rec/s`` is N over the seconds;
``scaling`` is the K-worker rate over the 1-worker rate, ``vs embedded`` over the
embedded rate. The machine's cores bound the scaling: the broker, the database and the
workers share them. RABBITMQ_URL and DATABASE_URL default to the local services.

Run it with ``python benchmarks/scale_bench.py [--records N] [--workers 1,2,4] [--json]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from ruamel.yaml import YAML

from designkit.cli import main as designkit_main

ROOT = Path(__file__).resolve().parents[1]
DESIGN = ROOT / "samples" / "event-driven-shopify-netsuite.md"
KEY_SOURCE = "X-Shopify-Webhook-Id (header)"
RABBITMQ_URL = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def scaffold(folder: Path) -> Path:
    project = folder / "project"
    result = CliRunner().invoke(designkit_main, ["scaffold", str(DESIGN), "-o", str(project)])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    return project


def write_input(project: Path, path: Path, records: int) -> None:
    lines = (project / "data" / "sample.jsonl").read_text(encoding="utf-8").splitlines()
    templates = [json.loads(line) for line in lines if line.strip()]
    with path.open("w", encoding="utf-8") as handle:
        for number, template in zip(range(records), itertools.cycle(templates), strict=False):
            record = {
                **template,
                KEY_SOURCE: f"evt-{number:07d}",
                "id": f"order-{number}",
                "name": f"#B-{number}",
                "email": f"user{number}@example.com",
            }
            handle.write(json.dumps(record) + "\n")


def configure(project: Path, *, scaled: bool, queue: str = "", schema: str = "") -> None:
    path = project / "config" / "pipeline.yaml"
    yaml = YAML(typ="safe")
    data = yaml.load(path.read_text(encoding="utf-8"))
    if scaled:
        data["transport"], data["state"] = "rabbitmq", "postgres"
        data["rabbitmq"] = {"queue": queue, "prefetch": 200}
        data["postgres"] = {"schema": schema}
        data["target"]["kind"] = "postgres"
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)


def env_for(project: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(project / "src"),
        "PIPELINE_METRICS": "0",
        "RABBITMQ_URL": RABBITMQ_URL,
        "DATABASE_URL": DATABASE_URL,
    }


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "integration_pipeline", *args],
        cwd=project, env=env_for(project), capture_output=True, text=True, check=False,
    )  # fmt: skip


def target_rows(schema: str) -> int:
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        row = conn.execute(f'SELECT count(*) FROM "{schema}".order_event').fetchone()
    return int(row[0]) if row else 0


def embedded(folder: Path, input_path: Path, records: int) -> float:
    project = scaffold(folder / "embedded")
    started = time.perf_counter()
    with (folder / "embedded.log").open("w") as log:
        subprocess.run(
            [sys.executable, "-m", "integration_pipeline", "run", "--input", str(input_path)],
            cwd=project, env=env_for(project), stdout=subprocess.DEVNULL, stderr=log, check=True,
        )  # fmt: skip
    return time.perf_counter() - started


def scaled(folder: Path, input_path: Path, records: int, workers: int) -> dict[str, float]:
    project = scaffold(folder / f"workers-{workers}")
    tag = uuid.uuid4().hex[:8]
    queue, schema = f"bench-{tag}", f"dk_bench_{tag}"
    configure(project, scaled=True, queue=queue, schema=schema)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        migrated = cli(project, "migrate")
        if migrated.returncode:
            raise SystemExit(migrated.stderr)
        started = time.perf_counter()
        published = cli(project, "publish", "--input", str(input_path))
        if published.returncode:
            raise SystemExit(published.stderr)
        publish_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for number in range(workers):
            with (folder / f"workers-{workers}-{number}.log").open("w") as log:
                processes.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "integration_pipeline",
                            "worker",
                            "--heartbeat-file",
                            f"var/worker-{number}.heartbeat",
                        ],
                        cwd=project,
                        env=env_for(project),
                        stdout=subprocess.DEVNULL,
                        stderr=log,
                    )
                )
        deadline = started + 900
        while target_rows(schema) < records:
            if time.perf_counter() > deadline or any(p.poll() is not None for p in processes):
                raise SystemExit(f"workers did not finish; see {folder}")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "publish_seconds": publish_seconds}
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        cleanup(queue, schema)


def cleanup(queue: str, schema: str) -> None:
    import pika
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    channel = connection.channel()
    for name in (queue, f"{queue}.dlq"):
        channel.queue_delete(name)
    for delay in (500, 1000, 2000, 4000, 8000, 16000):
        channel.queue_delete(f"{queue}.retry.{delay}ms")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="scale-bench-"))
    try:
        input_path = folder / "input.jsonl"
        scaffold_project = scaffold(folder / "input")
        write_input(scaffold_project, input_path, args.records)
        base = embedded(folder, input_path, args.records)
        results: dict[str, Any] = {
            "records": args.records,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "embedded": {"seconds": base, "rate": args.records / base},
            "rabbitmq": {},
        }
        for workers in counts:
            run = scaled(folder, input_path, args.records, workers)
            results["rabbitmq"][str(workers)] = {
                **run,
                "rate": args.records / run["seconds"],
                "publish_rate": args.records / run["publish_seconds"],
            }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    embedded_rate = results["embedded"]["rate"]
    one = results["rabbitmq"][str(counts[0])]["rate"]
    print(f"{args.records:,} records, {results['cpus']} CPUs, Python {results['python']}")
    print(f"{'mode':<16}{'seconds':>9}{'rec/s':>10}{'scaling':>10}{'vs embedded':>13}")
    print(f"{'embedded':<16}{base:>9.2f}{embedded_rate:>10,.0f}{'':>10}{1:>13.2f}")
    for workers in counts:
        row = results["rabbitmq"][str(workers)]
        print(
            f"{'rabbitmq x' + str(workers):<16}{row['seconds']:>9.2f}{row['rate']:>10,.0f}"
            f"{row['rate'] / one:>10.2f}{row['rate'] / embedded_rate:>13.2f}"
            f"   (publish {row['publish_rate']:,.0f} rec/s)"
        )


if __name__ == "__main__":
    main()
