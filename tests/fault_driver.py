"""Runs inside a generated project (cwd = the project, PYTHONPATH = its src): its own
pipeline, its own config/pipeline.yaml, a fake clock for every retry sleep and breaker
cooldown, against the FaultServer whose control URL is argv[2].

argv[1] is a JSON plan: a list of steps ``{"name", "script", "advance", "record",
"repeat_until_open"}``. For each step the driver sets the server's script, moves the
fake clock, processes the record(s) through Pipeline.process and reports the sleeps,
summary, breaker state and server calls. It then prints the report as one JSON line,
keeps the project's /metrics endpoint (monitoring.metrics_port) up, and exits when a
line arrives on stdin, so the test can fetch /metrics over HTTP first.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

import httpx
from integration_pipeline.config import load_config
from integration_pipeline.pipeline import Pipeline, RunSummary

sys.path.insert(0, str(Path.cwd() / "tests"))  # the generated project's own test helpers
from conftest import FakeTime


def main() -> None:
    plan: list[dict[str, Any]] = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    control = sys.argv[2]
    config = load_config("config/pipeline.yaml")
    fake = FakeTime()
    wall = [1_700_000_000.0]
    pipeline = Pipeline(
        config,
        base_dir=Path.cwd(),
        sleep=fake.sleep,
        clock=fake.clock,
        wall_clock=lambda: wall[0],
        rng=lambda: 0.5,  # jitter factor 0.5 + 0.5 / 2 = 0.75
        log_stream=sys.stderr,
    )
    server = pipeline.metrics.serve(config.monitoring.metrics_port)
    samples = [
        json.loads(line)
        for line in Path("data/sample.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    next_sample = itertools.cycle(samples).__next__
    report: list[dict[str, Any]] = []

    def calls() -> int:
        return int(httpx.get(control + "/_calls").json())

    def one(record: str) -> RunSummary:
        # each record is new to the idempotency store: its wall clock moves past the window
        wall[0] += config.idempotency.dedup_window_seconds + 1
        summary = RunSummary()
        payload = {"poison": True} if record == "poison" else next_sample()
        pipeline.process(payload, summary)
        pipeline.commit()
        return summary

    try:
        for step in plan:
            httpx.put(control + "/_script", json=step.get("script", []))
            fake.now += step.get("advance", 0)
            if "advance_to_open_seconds" in step and pipeline.breaker.opened_at is not None:
                fake.now = pipeline.breaker.opened_at + step["advance_to_open_seconds"]
            fake.sleeps.clear()
            before = calls()
            total = RunSummary()
            records = 0
            while True:
                summary = one(step.get("record", "sample"))
                records += 1
                for key, value in summary.__dict__.items():
                    setattr(total, key, getattr(total, key) + value)
                if not step.get("repeat_until_open") or pipeline.breaker.state == "open":
                    break
                if records >= 100:
                    break
            opened_at = pipeline.breaker.opened_at
            report.append(
                {
                    "name": step["name"],
                    "sleeps": list(fake.sleeps),
                    "summary": total.__dict__,
                    "records": records,
                    "breaker": pipeline.breaker.state,
                    "calls": calls() - before,
                    "since_open": None if opened_at is None else fake.now - opened_at,
                }
            )
            if step.get("stop_unless_loaded") and total.loaded == 0:
                break
        print(json.dumps(report), flush=True)
        sys.stdin.readline()
    finally:
        pipeline.close()
        if server is not None:
            server.shutdown()


if __name__ == "__main__":
    main()
