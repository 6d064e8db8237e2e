"""Prometheus metrics (RED plus queue, DLQ and breaker state) in a registry of our own.

An own CollectorRegistry keeps tests independent and lets several pipelines live in one
process; ``serve`` exposes it on /metrics.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

DURATION_BUCKETS = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 120.0, 300.0, float("inf"),
)  # fmt: skip
"""Seconds. From 1 ms (a SQLite write) up to 5 minutes: the designs' retry budgets and
latency alerts go to 60 s and more, and a P95 above the top finite bucket could not be
told apart from it. (prometheus_client's defaults stop at 10 s.)"""


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.processed = Counter(
            "pipeline_records_processed",
            "Records that completed a stage",
            ["stage"],
            registry=self.registry,
        )
        self.failed = Counter(
            "pipeline_records_failed",
            "Records that failed, by stage and error class",
            ["stage", "error_class"],
            registry=self.registry,
        )
        self.duplicates = Counter(
            "pipeline_records_duplicate",
            "Records skipped as already delivered",
            registry=self.registry,
        )
        self.retries = Counter(
            "pipeline_retries",
            "Retries made, by error class",
            ["error_class"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "pipeline_stage_duration_seconds",
            "Time spent per stage",
            ["stage"],
            registry=self.registry,
            buckets=DURATION_BUCKETS,
        )
        # the backlog: records read (a file line, a fetched page, an accepted webhook
        # body) but not yet finished; see Backlog in sources.py for each source's meaning
        self.queue_depth = Gauge(
            "pipeline_queue_depth", "Records read but not yet finished", registry=self.registry
        )
        self.dlq_depth = Gauge(
            "pipeline_dlq_depth", "Dead letters waiting (status queued)", registry=self.registry
        )
        self.breaker_state = Gauge(
            "pipeline_circuit_breaker_state",
            "0 closed, 1 open, 2 half-open",
            ["name"],
            registry=self.registry,
        )

    def set_breaker(self, name: str, value: int) -> None:
        self.breaker_state.labels(name=name).set(value)

    def value(self, metric: str, /, **labels: str) -> float:
        """A sample's current value (0 when absent); for tests and the health command."""
        result = self.registry.get_sample_value(metric, labels)
        return float(result or 0.0)

    def serve(self, port: int) -> Any:
        """Start /metrics on ``port`` (0 means off); returns the server or None."""
        if port == 0:
            return None
        try:
            server, _thread = start_http_server(port, registry=self.registry)
        except OSError:
            return None  # port taken: the run matters more than its metrics endpoint
        return server
