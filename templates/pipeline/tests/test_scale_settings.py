"""The scale-out settings: validation, lazy imports, and the broker's retry routing.

The broker-side retry routing must make the same decisions as the in-process retry
executor; these tests compare the two on the same policies without a broker (pika is
only needed to import the transport module; without it they skip).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, FakeTime, base_config
from integration_pipeline.errors import CircuitOpenError, PipelineError
from integration_pipeline.retry import RetryExecutor
from pydantic import ValidationError


def test_defaults_are_the_embedded_single_process_mode() -> None:
    config = base_config()
    assert (config.transport, config.state) == ("embedded", "sqlite")
    assert config.rabbitmq.url_env == "RABBITMQ_URL" and config.postgres.url_env == "DATABASE_URL"
    assert config.rabbitmq.batch == config.rabbitmq.prefetch


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"transport": "kafka"}, "transport"),
        ({"state": "mysql"}, "state"),
        ({"rabbitmq": {"prefetch": 10, "batch_size": 20}}, "must not exceed prefetch"),
        ({"rabbitmq": {"prefetch": 0}}, "prefetch"),
        ({"rabbitmq": {"url": "amqp://user:secret@host"}}, "url"),  # secrets: env only
        ({"postgres": {"schema": "a; DROP TABLE x"}}, "plain identifier"),
        ({"postgres": {"password": "secret"}}, "password"),
    ],
)
def test_scale_settings_are_validated(override: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        base_config(**override)


def test_the_embedded_mode_imports_neither_pika_nor_psycopg(tmp_path: Path) -> None:
    probe = f"""
import json, sys
sys.path.insert(0, {str(ROOT / "src")!r})
sys.path.insert(0, {str(ROOT / "tests")!r})
from conftest import base_config
from integration_pipeline import cli
from integration_pipeline.pipeline import Pipeline
pipeline = Pipeline(base_config(), base_dir={str(tmp_path)!r})
pipeline.close()
print(json.dumps(sorted(m for m in ("pika", "psycopg") if m in sys.modules)))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def _executor_delays(config: Any, error: PipelineError) -> tuple[list[float], int]:
    fake = FakeTime()
    executor = RetryExecutor(config.retry, sleep=fake.sleep, clock=fake.clock, rng=lambda: 0.5)

    def fail(_timeout: float) -> None:
        raise error

    with pytest.raises(PipelineError) as raised:
        executor.call(fail)
    return fake.sleeps, raised.value.attempts


def _broker_delays(config: Any, error: PipelineError) -> tuple[list[float], int]:
    transport = pytest.importorskip("integration_pipeline.transport_rabbitmq")
    delays: list[float] = []
    tries = 1
    while True:
        route = transport.route_failure(config, "load", error, tries, sum(delays), lambda: 0.5)
        if not route.retry:
            return delays, tries
        delays.append(route.delay)
        tries += 1


POLICIES = {
    "retry": {
        "reading": "retries_after_first_try",
        "policies": [
            {"name": "t", "scenario": "timeouts", "applies_to": ["timeout"],
             "strategy": "exponential", "max_attempts": 4, "delays_seconds": [1, 2, 4, 8],
             "timeout_seconds": 30, "jitter": True},
            {"name": "r", "scenario": "429", "applies_to": ["rate_limited"],
             "strategy": "exponential", "max_attempts": 5, "delays_seconds": [2, 4],
             "reading": "total_tries"},
            {"name": "s", "scenario": "5xx", "applies_to": ["server_error"],
             "strategy": "fixed", "max_attempts": 6, "delays_seconds": [5],
             "timeout_seconds": 12},
        ],
    }
}  # fmt: skip


@pytest.mark.parametrize(
    "error",
    [
        PipelineError("timeout", "slow"),
        PipelineError("rate_limited", "429"),
        PipelineError("rate_limited", "429", retry_after=3),
        PipelineError("server_error", "503"),
        PipelineError("auth", "401"),
        PipelineError("validation", "bad"),
        PipelineError("connection", "no policy"),
        CircuitOpenError(),
    ],
    ids=lambda e: f"{e.error_class}-{e.retry_after}-{type(e).__name__}",
)
def test_broker_retries_follow_the_same_table_as_the_executor(error: PipelineError) -> None:
    config = base_config(**POLICIES)
    assert _broker_delays(config, error) == _executor_delays(config, error)


def test_broker_retry_queues_cover_every_designed_delay() -> None:
    transport = pytest.importorskip("integration_pipeline.transport_rabbitmq")
    config = base_config(**POLICIES)
    assert transport.designed_delays_ms(config) == [1000, 2000, 4000, 5000, 8000, 16000]
    jittered = transport.route_failure(
        config, "load", PipelineError("timeout", "slow"), 1, 0.0, lambda: 0.0
    )
    # the designed delay's queue; the message itself expires at the jittered delay
    assert (jittered.queue_ms, jittered.expiration_ms, jittered.delay) == (1000, 500, 0.5)
    validation = transport.route_failure(
        config, "transform", PipelineError("timeout", "hook timed out"), 1, 0.0
    )
    assert not validation.retry  # as in the embedded run, only loads are retried


def test_secrets_are_scrubbed_from_urls_and_messages() -> None:
    state = pytest.importorskip("integration_pipeline.state_postgres")
    url = "postgresql://app:s3cr3t@db.example:5432/prod"
    assert state.safe_url(url) == "postgresql://app:***@db.example:5432/prod"
    assert "s3cr3t" not in state.scrub(f"failed for {url}: password s3cr3t rejected", url)
