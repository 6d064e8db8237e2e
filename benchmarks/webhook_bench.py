"""Load test of ``serve``'s webhook: signed requests against the generated server on 127.0.0.1.

What is measured
----------------
``samples/event-driven-shopify-netsuite.md`` (an HMAC-signed webhook) is scaffolded into
a temporary folder twice:

* **new** - the project as this checkout generates it: uvicorn (h11) and the ASGI app;
* **old** - the same project with ``src/integration_pipeline`` replaced by the runtime
  of ``--baseline`` (default ``fc53b50``, this branch's base: the standard library's
  ``ThreadingHTTPServer``) and the ``server:`` section, which it does not know, removed.

Each run starts ``python -m integration_pipeline serve`` (logs at INFO to a file, as
generated), waits for /health, then a raw asyncio client with ``--concurrency`` open
connections sends ``--requests`` signed POSTs, one record each, with a distinct
``X-Shopify-Webhook-Id`` so every record is loaded (none skipped as a duplicate). The
client keeps a connection alive when the server allows it (the old server answers
HTTP/1.0 and closes each one: the client reconnects, as any client would). The run ends
when the target holds every record.

Reported per side, as medians over the runs: requests/s (requests over the seconds from
the first request sent to the last answer), p50 and p99 latency of one request, and the
server process's CPU (user + system, from /proc) per request from the first request
until the last record is loaded, so the worker's mapping and loading count too. The two
sides run in alternating pairs (benchmarks/paired.py); the CPU ratio is new over old.

The new server writes one JSON access line per request, which the old one does not;
``--access-log off`` turns it off to compare the same log volume.

Run it with ``python benchmarks/webhook_bench.py [--requests N] [--concurrency C]
[--pairs P] [--access-log on|off] [--json]``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import io
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner
from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).resolve().parent))
from paired import alternate, describe

from designkit.cli import main as designkit_main

ROOT = Path(__file__).resolve().parents[1]
DESIGN = ROOT / "samples" / "event-driven-shopify-netsuite.md"
SECRET = "bench-secret"
HEADER_SOURCES = ("X-Shopify-Topic", "X-Shopify-Triggered-At", "X-Shopify-Shop-Domain")
TICK = os.sysconf("SC_CLK_TCK")


def scaffold(folder: Path, baseline: str | None, *, access_log: bool = True) -> Path:
    project = folder / ("old" if baseline else "new")
    result = CliRunner().invoke(designkit_main, ["scaffold", str(DESIGN), "-o", str(project)])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    if not access_log:  # the old server writes no access line: compare like with like
        yaml = YAML()
        config_file = project / "config" / "pipeline.yaml"
        config = yaml.load(config_file)
        config["server"]["access_log"] = False
        yaml.dump(config, config_file)
    if baseline:
        runtime = project / "src" / "integration_pipeline"
        template = ROOT / "templates" / "pipeline" / "src" / "integration_pipeline"
        for file in template.iterdir():  # the template's modules go; user_hooks.py stays
            if file.is_file():
                (runtime / file.name).unlink(missing_ok=True)
        archive = subprocess.run(
            ["git", "archive", baseline, "templates/pipeline/src/integration_pipeline"],
            cwd=ROOT, check=True, capture_output=True,
        ).stdout  # fmt: skip
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder / "baseline", filter="data")
        shutil.copytree(
            folder / "baseline" / "templates/pipeline/src/integration_pipeline", runtime,
            dirs_exist_ok=True,
        )  # fmt: skip
        yaml = YAML()
        config_file = project / "config" / "pipeline.yaml"
        config = yaml.load(config_file)
        config.pop("server", None)
        yaml.dump(config, config_file)
    return project


def requests(project: Path, count: int) -> tuple[str, list[bytes]]:
    """The webhook path and ``count`` signed requests, each a distinct event."""
    config = YAML(typ="safe").load((project / "config" / "pipeline.yaml").read_text())
    path = config["trigger"]["webhook"]["path"]
    header = config["trigger"]["webhook"]["signature_header"]
    line = (project / "data" / "sample.jsonl").read_text().splitlines()[0]
    base = json.loads(line)
    headers = {name: str(base.pop(f"{name} (header)", "x")) for name in HEADER_SOURCES}
    base.pop("X-Shopify-Webhook-Id (header)", None)
    made = []
    for number in range(count):
        body = json.dumps({**base, "id": f"order-{number}"}).encode()
        digest = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest())
        lines = [
            f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
            f"Content-Length: {len(body)}", f"{header}: {digest.decode()}",
            f"X-Shopify-Webhook-Id: evt-{number:07d}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]  # fmt: skip
        made.append(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    return path, made


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool]:
    """One request; (status, whether the server keeps the connection)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    fields = {
        k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)
    }
    await reader.readexactly(int(fields.get("content-length", "0")))
    keep = lines[0].startswith("HTTP/1.1") and fields.get("connection", "").lower() != "close"
    return status, keep


async def load(port: int, batch: list[bytes], concurrency: int) -> tuple[float, list[float]]:
    """Send ``batch`` over ``concurrency`` connections: (seconds, latency of each)."""
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for request in batch:
        queue.put_nowait(request)
    latencies: list[float] = []

    async def client() -> None:
        reader = writer = None
        while not queue.empty():
            request = queue.get_nowait()
            started = time.perf_counter()
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert reader is not None
            status, keep = await _exchange(reader, writer, request)
            latencies.append(time.perf_counter() - started)
            if status != 202:
                raise SystemExit(f"answer {status}")
            if not keep:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies


def cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def loaded(project: Path) -> int:
    table = YAML(typ="safe").load((project / "config" / "pipeline.yaml").read_text())["target"]
    try:
        with sqlite3.connect(project / "var" / "target.sqlite") as db:
            query = f'SELECT COUNT(*) FROM "{table["table"]}"'  # the scaffold's own name
            return int(db.execute(query).fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def one_run(project: Path, batch: list[bytes], concurrency: int, port: int) -> dict[str, float]:
    shutil.rmtree(project / "var", ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "PIPELINE_METRICS": "0",
           "WEBHOOK_SECRET": SECRET}  # fmt: skip
    log = (project / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "integration_pipeline", "serve", "--port", str(port)],
        cwd=project, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit((project / "serve.log").read_text()[-2000:])
            time.sleep(0.02)
        before = cpu(server.pid)
        seconds, latencies = asyncio.run(load(port, batch, concurrency))
        deadline = time.monotonic() + 120
        while loaded(project) < len(batch):
            if time.monotonic() > deadline:
                raise SystemExit(f"only {loaded(project)} of {len(batch)} loaded")
            time.sleep(0.02)
        spent = cpu(server.pid) - before
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "rps": len(batch) / seconds,
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
        "cpu_ms_per_request": spent / len(batch) * 1000,
        "cpu_s": spent,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--baseline", default="fc53b50")
    parser.add_argument(
        "--access-log", choices=["on", "off"], default="on",
        help="the new server's server.access_log (the old one writes no access line)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        new = scaffold(folder, None, access_log=args.access_log == "on")
        old = scaffold(folder, args.baseline)
        _path, batch = requests(new, args.requests)
        runs: dict[str, list[dict[str, float]]] = {"new": [], "old": []}

        def side(name: str, project: Path, port: int) -> Any:
            def run() -> float:
                result = one_run(project, batch, args.concurrency, port)
                runs[name].append(result)
                return result["cpu_s"]

            return run

        pairs = alternate(side("new", new, 18431), side("old", old, 18432), args.pairs, warmup=1)
    report = {
        name: {
            key: statistics.median(r[key] for r in results[1:])  # the warm-up run is left out
            for key in ("rps", "p50_ms", "p99_ms", "cpu_ms_per_request")
        }
        | {
            "rps_min": min(r["rps"] for r in results[1:]),
            "rps_max": max(r["rps"] for r in results[1:]),
        }
        for name, results in runs.items()
    }
    summary = pairs.summary()
    if args.json:
        print(json.dumps({"sides": report, "cpu_new_over_old": summary}, indent=2))
        return
    print(
        f"{args.requests} signed POSTs, {args.concurrency} connections, "
        f"{int(summary['pairs'])} pairs, new server's access log {args.access_log}"
        " (medians; rps min-max)"
    )
    for name, label in (("old", "stdlib ThreadingHTTPServer"), ("new", "uvicorn + ASGI")):
        r = report[name]
        print(
            f"  {label:27} {r['rps']:7.0f} req/s ({r['rps_min']:.0f}-{r['rps_max']:.0f})"
            f"  p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms"
            f"  server CPU {r['cpu_ms_per_request']:.2f} ms/request"
        )
    print(f"  server CPU, new over old: {describe(summary)}")


if __name__ == "__main__":
    main()
