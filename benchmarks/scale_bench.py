"""Broker mode next to embedded: CPU per record of the publisher and of the workers,
throughput with 1, 2 and 4 workers, and what bounds it on this machine.

What is measured
----------------
``samples/event-driven-shopify-netsuite.md`` is scaffolded and ``N`` distinct records
(``--records``, default 50,000) are generated from its ``data/sample.jsonl``.

* **embedded** - ``python -m integration_pipeline run --input ...`` with the generated
  defaults (one process, SQLite target, DLQ and idempotency store).
* **rabbitmq xK** - the same project switched to ``transport: rabbitmq``, ``state:
  postgres`` and a PostgreSQL target (a fresh schema and queue per run, made by
  ``migrate``), with the generated ``batching`` settings.

Start-up (imports, configuration, opening stores, connecting) is left out of every
figure, the same way for both modes: the embedded run's CPU and seconds are those of
a run on N records minus a run on an empty input; each worker is started first, and
once it is consuming (its heartbeat file exists) it is stopped with SIGSTOP and its CPU
so far (``/proc/<pid>/stat``) is taken as its start-up. Then the records are published
(``publish``, a child process: its CPU minus an empty publish's, and its seconds, are
the publishing figures), the workers are continued (SIGCONT) and the clock runs until
the target holds N rows; the workers' CPU is read again before they are stopped.

While the workers run, the CPU of the RabbitMQ server (``beam.smp``), of the PostgreSQL
server processes and of the whole machine (``/proc/stat``) is sampled too, and the
script says which resource bounds the run: the cores (busy time near their number),
and among the processes the one that used the most.

Each setting runs ``--repeat`` times (default 2); medians are printed with their range.
RABBITMQ_URL and DATABASE_URL default to the local services.

Run it with ``python benchmarks/scale_bench.py [--records N] [--workers 1,2,4]
[--repeat R] [--json]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
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
TICK = os.sysconf("SC_CLK_TCK")
WORKER_CPU_LIMIT = 2.0
"""Issue 15's target: a worker's CPU per record at most this multiple of embedded's."""


def scaffold(folder: Path) -> Path:
    result = CliRunner().invoke(designkit_main, ["scaffold", str(DESIGN), "-o", str(folder)])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    return folder


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


def configure(project: Path, queue: str, schema: str) -> None:
    path = project / "config" / "pipeline.yaml"
    yaml = YAML(typ="safe")
    data = yaml.load(path.read_text(encoding="utf-8"))
    data["transport"], data["state"] = "rabbitmq", "postgres"
    data["rabbitmq"] = {"queue": queue, "prefetch": 20}
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


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "integration_pipeline", *args]


def timed_child(project: Path, log: Path, *args: str) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one CLI run as a child process."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with log.open("a") as handle:
        done = subprocess.run(
            command(*args), cwd=project, env=env_for(project), stdout=subprocess.DEVNULL,
            stderr=handle, check=False,
        )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}; see {log}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, time.perf_counter() - started


# -- /proc ------------------------------------------------------------------------------


def process_cpu(pid: int) -> float:
    """utime + stime of ``pid`` (and its waited-for children) in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / TICK


def pids_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def group_cpu(name: str) -> float:
    total = 0.0
    for pid in pids_named(name):
        try:
            total += process_cpu(pid)
        except OSError:  # gone meanwhile (a PostgreSQL backend that ended)
            continue
    return total


def machine_busy() -> float:
    """Seconds of CPU the whole machine has spent busy (every core, /proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK


# -- the runs -----------------------------------------------------------------------------


def embedded(project: Path, input_path: Path, empty: Path, records: int) -> dict[str, float]:
    shutil.rmtree(project / "var", ignore_errors=True)
    log = project / "embedded.log"
    base_cpu, base_wall = timed_child(project, log, "run", "--input", str(empty))
    shutil.rmtree(project / "var", ignore_errors=True)
    cpu, wall = timed_child(project, log, "run", "--input", str(input_path))
    return {"cpu_s": cpu - base_cpu, "seconds": wall - base_wall, "records": records}


def target_rows(schema: str) -> int:
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        row = conn.execute(f'SELECT count(*) FROM "{schema}".order_event').fetchone()
    return int(row[0]) if row else 0


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)


def scaled(project: Path, input_path: Path, empty: Path, records: int, workers: int) -> dict:
    tag = uuid.uuid4().hex[:8]
    queue, schema = f"bench-{tag}", f"dk_bench_{tag}"
    configure(project, queue, schema)
    shutil.rmtree(project / "var", ignore_errors=True)
    log = project / f"workers-{workers}.log"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        migrated = subprocess.run(
            command("migrate"), cwd=project, env=env_for(project), capture_output=True, text=True
        )
        if migrated.returncode:
            raise SystemExit(migrated.stderr)
        publish_base, publish_base_wall = timed_child(
            project, log, "publish", "--input", str(empty)
        )
        for number in range(workers):
            beat = project / "var" / f"worker-{number}.heartbeat"
            with log.open("a") as handle:
                processes.append(
                    subprocess.Popen(
                        command("worker", "--heartbeat-file", str(beat)),
                        cwd=project,
                        env=env_for(project),
                        stdout=subprocess.DEVNULL,
                        stderr=handle,
                    )
                )
            wait_for(beat.exists, f"worker {number} to consume")
            processes[-1].send_signal(signal.SIGSTOP)
        start_cpu = [process_cpu(p.pid) for p in processes]
        publish_cpu, publish_seconds = timed_child(
            project, log, "publish", "--input", str(input_path)
        )
        broker0, database0, machine0 = group_cpu("beam.smp"), group_cpu("postgres"), machine_busy()
        started = time.perf_counter()
        for process in processes:
            process.send_signal(signal.SIGCONT)
        wait_for(lambda: target_rows(schema) >= records, f"{records} rows")
        seconds = time.perf_counter() - started
        worker_cpu = sum(process_cpu(p.pid) - s for p, s in zip(processes, start_cpu, strict=True))
        return {
            "records": records,
            "seconds": seconds,
            "worker_cpu_s": worker_cpu,
            "publish_cpu_s": publish_cpu - publish_base,
            "publish_seconds": publish_seconds - publish_base_wall,
            "broker_cpu_s": group_cpu("beam.smp") - broker0,
            "database_cpu_s": group_cpu("postgres") - database0,
            "machine_busy_s": machine_busy() - machine0,
        }
    finally:
        for process in processes:
            process.send_signal(signal.SIGCONT)
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
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


# -- the report ---------------------------------------------------------------------------


Spread = tuple[float, float, float] | None
"""Median, min and max; None when no run gave a measurable value."""


def median_range(values: list[float | None]) -> Spread:
    measured = [value for value in values if value is not None]
    if not measured:
        return None
    return statistics.median(measured), min(measured), max(measured)


def ratio(measured: Spread, baseline: Spread) -> float | None:
    """The medians' ratio, when both were measured."""
    if measured is None or baseline is None or baseline[0] <= 0:
        return None
    return measured[0] / baseline[0]


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def per_record_us(records: int, cpu_seconds: float) -> float | None:
    """CPU microseconds a record, or None when the CPU is not above the start-up subtracted
    from it (clock ticks are 10 ms: a few hundred records can read 0 or less)."""
    return 1e6 * cpu_seconds / records if cpu_seconds > 0 else None


def per_second(records: int, seconds: float) -> float | None:
    """Records a second, or None when the time is not above the start-up subtracted from it
    (a small input published as fast as an empty one: the difference is noise, and a
    negative rate would be printed as if measured)."""
    return records / seconds if seconds > 0 else None


def bound_by(run: dict[str, float], cpus: int) -> str:
    """Which resource the run used up: the cores, and which process used most of them."""
    seconds = run["seconds"]
    shares = {
        "workers": run["worker_cpu_s"] / seconds,
        "PostgreSQL": run["database_cpu_s"] / seconds,
        "RabbitMQ": run["broker_cpu_s"] / seconds,
    }
    busy = run["machine_busy_s"] / seconds
    others = max(0.0, busy - sum(shares.values()))
    top = max(shares, key=lambda name: shares[name])
    parts = ", ".join(f"{name} {share:.2f}" for name, share in shares.items())
    verdict = "CPU-bound" if busy >= 0.85 * cpus else "not CPU-bound (waits: I/O, round trips)"
    return (
        f"{verdict}: {busy:.2f} of {cpus} cores busy ({parts}, other processes {others:.2f});"
        f" most: {top}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    cpus = os.cpu_count() or 1
    folder = Path(tempfile.mkdtemp(prefix="scale-bench-"))
    runs: dict[str, list[dict[str, float]]] = {"embedded": []}
    try:
        local = scaffold(folder / "embedded")
        broker = scaffold(folder / "broker")
        input_path, empty = folder / "input.jsonl", folder / "empty.jsonl"
        write_input(local, input_path, args.records)
        empty.write_text("", encoding="utf-8")
        for _ in range(args.repeat):  # alternate the settings, so load drift hits all
            runs["embedded"].append(embedded(local, input_path, empty, args.records))
            for workers in counts:
                run = scaled(broker, input_path, empty, args.records, workers)
                runs.setdefault(str(workers), []).append(run)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    n = args.records
    emb_us = median_range([per_record_us(n, r["cpu_s"]) for r in runs["embedded"]])
    emb_rate = median_range([per_second(n, r["seconds"]) for r in runs["embedded"]])
    result: dict[str, Any] = {
        "records": n,
        "repeat": args.repeat,
        "machine": f"{platform.machine()}, {cpus} CPUs, Python {platform.python_version()}",
        "embedded": {"cpu_us_per_record": emb_us, "rate": emb_rate},
        "rabbitmq": {},
    }
    for workers in counts:
        rows = runs[str(workers)]
        worker_us = median_range([per_record_us(n, r["worker_cpu_s"]) for r in rows])
        result["rabbitmq"][str(workers)] = {
            "worker_cpu_us_per_record": worker_us,
            "publisher_cpu_us_per_record": median_range(
                [per_record_us(n, r["publish_cpu_s"]) for r in rows]
            ),
            "publish_rate": median_range([per_second(n, r["publish_seconds"]) for r in rows]),
            "rate": median_range([per_second(n, r["seconds"]) for r in rows]),
            "worker_vs_embedded_cpu": ratio(worker_us, emb_us),
            "bound_by": bound_by(rows[len(rows) // 2], cpus),
            "runs": rows,
        }
    if args.json:
        print(json.dumps(result, indent=2))
        return

    def fmt(values: Spread, spec: str) -> str:
        if values is None:
            return "n/a (not above start-up)"
        return f"{values[0]:{spec}} ({values[1]:{spec}}-{values[2]:{spec}})"

    print(f"scale bench: {n:,} records, {args.repeat} runs per setting; {result['machine']}")
    print("start-up excluded everywhere; medians (range)")
    print(f"  embedded      CPU {fmt(emb_us, '.1f')} us/record, {fmt(emb_rate, ',.0f')} rec/s")
    one = result["rabbitmq"][str(counts[0])]["rate"]
    for workers in counts:
        row = result["rabbitmq"][str(workers)]
        print(
            f"  rabbitmq x{workers}   workers CPU {fmt(row['worker_cpu_us_per_record'], '.1f')}"
            f" us/record ({fmt_ratio(row['worker_vs_embedded_cpu'])} embedded),"
            f" {fmt(row['rate'], ',.0f')} rec/s ({fmt_ratio(ratio(row['rate'], one))} one worker)"
        )
        print(
            f"                publisher CPU {fmt(row['publisher_cpu_us_per_record'], '.1f')}"
            f" us/record, {fmt(row['publish_rate'], ',.0f')} rec/s"
        )
        print(f"                {row['bound_by']}")
    ratios = [r["worker_vs_embedded_cpu"] for r in result["rabbitmq"].values()]
    if None in ratios:
        print(f"  worker CPU per record <= {WORKER_CPU_LIMIT}x embedded: not measured")
        return
    worst = max(ratios)
    verdict = "met" if worst <= WORKER_CPU_LIMIT else "NOT met"
    print(
        f"  worker CPU per record <= {WORKER_CPU_LIMIT}x embedded: {verdict} (worst {worst:.2f}x)"
    )


if __name__ == "__main__":
    main()
