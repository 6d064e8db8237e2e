"""Every sample, end to end against a real fault-injecting HTTP server on 127.0.0.1.

For each design in samples/: scaffold into tmp, point the generated config's target at
the FaultServer (in config/pipeline.yaml, as an operator would; no generated code is
touched), give it an API key in the environment, and run the generated project's own
pipeline in a subprocess of this venv (tests/fault_driver.py, fake clock). Then assert,
with each design's own numbers: retry delays equal its retry table (jitter with a fixed
random draw), 429 Retry-After honoured, timeouts classified and retried, a burst opens
the breaker at the design's threshold and it half-opens after the design's cooldown and
closes after its success count, poison records in the DLQ with the full envelope (read
with the project's own `dlq show`), /metrics fetched over HTTP shows the counts, every
log line of a record carries its correlationId and the secret appears nowhere.

The ETL sample is deliberately partial (a required canonical field no mapping fills):
no record can reach the target, so its breaker and retries cannot be exercised through
its pipeline; the test asserts exactly that, and the DLQ, metrics and logs parts.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from designkit import parse_file
from designkit.cli import main
from designkit.scaffold.rules import error_classes
from tests.fault_server import FaultServer

ROOT = Path(__file__).parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.md"))
DRIVER = Path(__file__).parent / "fault_driver.py"
SECRET = "sk-test-DO-NOT-LOG-4f1c9a"
JITTER = 0.75  # the driver's fixed random draw 0.5 -> factor 0.5 + 0.5 / 2
TIMEOUT = 0.8  # target.timeout_seconds set for the test; the timeout fault waits longer
RECORD_STEPS = {"extract", "transform", "validate", "load", "confirm"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _policy(design: Any, error_class: str) -> tuple[list[float], float | None, bool]:
    """The design's retry row for ``error_class``, read as the model contract says:
    its delays (one per retry after the first try when it lists as many as its attempts,
    else attempts - 1), its total budget and its jitter; ([], None, False) for no row."""
    for row in design.error_handling.retry_policies:
        if error_class not in error_classes(row.scenario):
            continue
        delays = [float(d) for d in row.backoff_seconds]
        strategy = row.strategy.value if row.strategy else ("exponential" if delays else "none")
        if strategy == "none" or error_class in ("auth", "validation", "permanent"):
            return [], row.timeout_seconds, row.jitter
        attempts = row.max_attempts or max(len(delays), 1)
        retries = attempts - 1 if len(delays) == attempts - 1 and len(delays) > 1 else attempts
        while len(delays) < retries:  # the strategy extends a short list
            if not delays:
                delays.append(1.0)
            elif strategy == "exponential":
                delays.append(delays[-1] * 2)
            elif strategy == "linear":
                delays.append(
                    delays[-1] + (delays[-1] - delays[-2] if len(delays) > 1 else delays[0])
                )
            else:
                delays.append(delays[-1])
        delays = [d * (JITTER if row.jitter else 1) for d in delays[:retries]]
        budget = row.timeout_seconds if row.timeout_seconds and row.timeout_seconds > 0 else None
        if budget is not None:  # a retry whose wait ends past the budget is not made
            spent, kept = 0.0, []
            for delay in delays:
                if spent + delay > budget:
                    break
                spent += delay
                kept.append(delay)
            delays = kept
        return delays, budget, row.jitter
    return [], None, False


def _breaker(design: Any) -> dict[str, float]:
    cb = design.error_handling.circuit_breaker
    return {
        "threshold": cb.failure_threshold or 5,
        "cooldown": cb.half_open_after_seconds or 30,
        "successes": cb.close_after_successes or 1,
        "window": cb.window_seconds or 60,
    }


def _point_at(project: Path, server: FaultServer, metrics_port: int) -> None:
    """The operator's override, in the config file: an HTTP target with an API key."""
    yaml = YAML()  # round trip: the provenance comments stay
    file = project / "config" / "pipeline.yaml"
    data = yaml.load(file.read_text(encoding="utf-8"))
    data["target"] = {
        "kind": "http", "url": server.url, "auth": "api_key", "timeout_seconds": TIMEOUT,
    }  # fmt: skip
    data["monitoring"]["metrics_port"] = metrics_port
    with file.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)


def _plan(design: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    cb = _breaker(design)
    server_delays, _, _ = _policy(design, "server_error")
    failures = min(len(server_delays), int(cb["threshold"]) - 1) or 1
    expect: dict[str, Any] = {
        "server_error": server_delays[:failures] if server_delays else [],
        "rate_limited": [7.0] if _policy(design, "rate_limited")[0] else [],
        "timeout": _policy(design, "timeout")[0][:1],
        "breaker": cb,
    }
    plan = [
        {"name": "probe", "script": [], "stop_unless_loaded": True},
        {"name": "server_error", "script": [[500, {}, 0]] * failures},
        {"name": "rate_limited", "script": [[429, {"Retry-After": "7"}, 0]]},
        {"name": "timeout", "script": [[200, {}, TIMEOUT + 1.7]]},
        {"name": "poison_transform", "record": "poison"},
        {"name": "poison_load", "script": [[422, {}, 0]]},
        # an empty error-rate window first, so only the consecutive count can open it
        {"name": "burst", "script": [[500, {}, 0]] * 200, "advance": cb["window"] + 1,
         "repeat_until_open": True},
        {"name": "fail_fast", "script": []},
        # just before the design's cooldown after the opening: still open, no call made
        {"name": "still_open", "script": [], "advance_to_open_seconds": cb["cooldown"] - 0.5},
        {"name": "probe_after_cooldown", "script": [], "advance": 0.5},
    ]  # fmt: skip
    plan += [{"name": f"success_{n}", "script": []} for n in range(2, int(cb["successes"]) + 1)]
    return plan, expect


@pytest.mark.parametrize("design_path", SAMPLES, ids=lambda p: p.stem)
def test_sample_pipeline_under_faults(design_path: Path, tmp_path: Path) -> None:
    design = parse_file(str(design_path)).design
    project = tmp_path / "project"
    result = CliRunner().invoke(main, ["scaffold", str(design_path), "-o", str(project)])
    assert result.exit_code == 0, result.output
    server = FaultServer()
    metrics_port = _free_port()
    try:
        _point_at(project, server, metrics_port)
        plan, expect = _plan(design)
        plan_file = tmp_path / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(project / "src"), "API_KEY": SECRET}
        stderr_file = tmp_path / "stderr.log"
        with stderr_file.open("w", encoding="utf-8") as stderr:
            driver = subprocess.Popen(
                [sys.executable, str(DRIVER), str(plan_file), server.base],
                cwd=project, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=stderr, text=True,
            )  # fmt: skip
            try:
                assert driver.stdout is not None and driver.stdin is not None
                line = driver.stdout.readline()
                assert line, stderr_file.read_text(encoding="utf-8")[-3000:]
                report = {step["name"]: step for step in json.loads(line)}
                metrics = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
                driver.stdin.write("done\n")
                driver.stdin.flush()
                driver.wait(timeout=60)
            finally:
                if driver.poll() is None:
                    driver.kill()
        assert driver.returncode == 0, stderr_file.read_text(encoding="utf-8")[-3000:]
        logs = stderr_file.read_text(encoding="utf-8")
        if design_path.stem == "etl-warehouse-nightly":
            _assert_partial_etl(report, metrics, server)
        else:
            _assert_faults(report, expect, metrics, server)
        _assert_logs(logs, report)
        _assert_dlq_envelopes(project, env, design_path.stem)
    finally:
        server.close()


def _assert_partial_etl(report: dict[str, Any], metrics: str, server: FaultServer) -> None:
    probe = report["probe"]
    assert probe["summary"]["dead_lettered"] == 1 and probe["summary"]["loaded"] == 0
    assert list(report) == ["probe"]  # nothing else can be exercised through this pipeline
    assert server.calls == []  # no record ever reached the target
    assert 'pipeline_records_failed_total{error_class="validation",stage="transform"} 1.0' in (
        metrics
    )
    assert "pipeline_dlq_depth 1.0" in metrics


def _assert_faults(
    report: dict[str, Any], expect: dict[str, Any], metrics: str, server: FaultServer
) -> None:
    cb = expect["breaker"]
    assert report["probe"]["summary"]["loaded"] == 1
    # retries follow the design's table (fake clock: the sleeps are the delays)
    assert report["server_error"]["sleeps"] == expect["server_error"]
    assert report["server_error"]["summary"]["loaded"] == 1
    assert report["rate_limited"]["sleeps"] == expect["rate_limited"]  # Retry-After: 7
    assert report["timeout"]["sleeps"] == expect["timeout"]
    assert report["timeout"]["summary"]["loaded"] == (1 if expect["timeout"] else 0)
    # poison records: one the mapping rejects, one the target rejects (422, never retried)
    assert report["poison_transform"]["calls"] == 0
    assert report["poison_transform"]["summary"]["dead_lettered"] == 1
    assert report["poison_load"]["calls"] == 1 and report["poison_load"]["sleeps"] == []
    # the burst opens the circuit after exactly the design's threshold of failed calls
    burst = report["burst"]
    assert burst["breaker"] == "open" and burst["calls"] == cb["threshold"]
    assert report["fail_fast"]["calls"] == 0 and report["fail_fast"]["breaker"] == "open"
    assert report["still_open"]["calls"] == 0 and report["still_open"]["breaker"] == "open"
    probe = report["probe_after_cooldown"]
    assert probe["calls"] == 1 and probe["summary"]["loaded"] == 1
    successes = int(cb["successes"])
    assert probe["breaker"] == ("closed" if successes == 1 else "half-open")
    for n in range(2, successes + 1):
        step = report[f"success_{n}"]
        assert step["summary"]["loaded"] == 1
        assert step["breaker"] == ("closed" if n == successes else "half-open")
    # every request carried the key from the environment and a correlation id
    assert all(
        h.get("X-API-Key") == SECRET and h.get("X-Correlation-ID") for _, _, h in server.calls
    )
    # /metrics, fetched over HTTP from the project's own endpoint
    sleeps_by_step = sum(len(step["sleeps"]) for step in report.values())
    total = sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("pipeline_retries_total{")
    )
    assert total == sleeps_by_step  # one retry counted per sleep
    loaded = sum(step["summary"]["loaded"] for step in report.values())
    dead = sum(step["summary"]["dead_lettered"] for step in report.values())
    assert f'pipeline_records_processed_total{{stage="load"}} {loaded:.1f}' in metrics
    assert f"pipeline_dlq_depth {dead:.1f}" in metrics
    assert 'pipeline_records_failed_total{error_class="validation",stage="load"} 1.0' in metrics
    assert 'pipeline_circuit_breaker_state{name="target"} 0.0' in metrics
    if expect["timeout"]:
        assert 'pipeline_retries_total{error_class="timeout"} 1.0' in metrics


def _assert_logs(logs: str, report: dict[str, Any]) -> None:
    assert SECRET not in logs
    assert "@example.com" not in logs  # personal data redacted
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    record_lines = [line for line in lines if line.get("step") in RECORD_STEPS]
    assert record_lines
    assert all(line.get("correlationId") for line in record_lines)


def _assert_dlq_envelopes(project: Path, env: dict[str, str], stem: str) -> None:
    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "integration_pipeline", *args], cwd=project,
            env={**env, "PIPELINE_METRICS": "0"}, capture_output=True, text=True, timeout=60,
            check=True,
        )  # fmt: skip
        return done.stdout

    listed = json.loads(cli("dlq", "list", "--format", "json"))
    assert listed
    stages = {row["stage"] for row in listed}
    assert "transform" in stages
    if stem != "etl-warehouse-nightly":
        assert "load" in stages
    for row in listed:
        envelope = json.loads(cli("dlq", "show", str(row["id"])))
        for key in (
            "payload", "source", "stage", "error_class", "error_message", "classification",
            "attempts", "first_failure_at", "last_failure_at", "correlation_id", "status",
        ):  # fmt: skip
            assert envelope[key] not in (None, ""), (key, envelope)
        assert envelope["status"] == "queued" and envelope["replay_count"] == 0
        assert SECRET not in json.dumps(envelope)
