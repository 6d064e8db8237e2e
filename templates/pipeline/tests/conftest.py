"""Shared fixtures: a small self-contained config, so tests run in every generated project."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from integration_pipeline.config import PipelineConfig  # noqa: E402


def base_config(**overrides: Any) -> PipelineConfig:
    data: dict[str, Any] = {
        "integration": {"name": "Test", "slug": "test"},
        "target": {"kind": "sqlite", "path": "var/target.sqlite", "table": "records"},
        "entity": {
            "name": "Order",
            "key": "order_id",
            "fields": [
                {"name": "order_id", "type": "string", "required": True},
                {"name": "total", "type": "number", "required": True},
                {"name": "status", "type": "string"},
                {"name": "email", "type": "string", "sensitive": True},
            ],
        },
        "mappings": [
            {"source": "id", "target": "order_id"},
            {"target": "total", "transformation": "formula", "expression": "amount * qty"},
            {
                "source": "state",
                "target": "status",
                "transformation": "lookup",
                "lookup": "states",
                "default": "unknown",
            },
            {"source": "customer.email", "target": "email"},
        ],
        "lookups": {"states": {"N": "new", "S": "shipped"}},
        "retry": {
            "reading": "retries_after_first_try",
            "policies": [
                {
                    "name": "transient",
                    "scenario": "5xx",
                    "applies_to": ["server_error", "timeout", "connection", "rate_limited"],
                    "strategy": "exponential",
                    "max_attempts": 3,
                    "delays_seconds": [1, 2, 4],
                    "timeout_seconds": 60,
                },
            ],
        },
        "circuit_breaker": {"failure_threshold": 5, "half_open_after_seconds": 30},
        "idempotency": {"approach": "idempotency_key", "key": ["order_id"]},
        "monitoring": {"metrics_port": 0},
        "logging": {"redact": ["email"]},
    }
    data.update(overrides)
    return PipelineConfig.model_validate(data)


class FakeTime:
    """One clock for everything; ``sleep`` only advances it and records the wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()
