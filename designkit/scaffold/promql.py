"""The metric names the generated runtime registers, and the PromQL written over them.

The names are those of templates/pipeline/src/integration_pipeline/metrics.py: counters
are exported with ``_total`` and histograms as ``_bucket``, as prometheus_client writes
them. Alert rules (:mod:`designkit.scaffold.monitoring`) and the Grafana dashboard
(:mod:`designkit.scaffold.dashboard`) both query through these expressions, so a panel
and the rule behind its thresholds always read the same series.
"""

from __future__ import annotations

PROCESSED = "pipeline_records_processed_total"  # labels: stage (extract = read, load = done)
FAILED = "pipeline_records_failed_total"  # labels: stage, error_class
RETRIES = "pipeline_retries_total"  # labels: error_class
DUPLICATES = "pipeline_records_duplicate_total"
DURATION_BUCKET = "pipeline_stage_duration_seconds_bucket"  # labels: stage, le
QUEUE_DEPTH = "pipeline_queue_depth"
DLQ_DEPTH = "pipeline_dlq_depth"
BREAKER_STATE = "pipeline_circuit_breaker_state"  # labels: name; 0 closed, 1 open, 2 half-open
# the runtime's duration histogram (metrics.DURATION_BUCKETS) ends at 300 s: a quantile
# above that cannot be told apart (histogram_quantile answers 300 for anything in +Inf)
HISTOGRAM_TOP_BUCKET_SECONDS = 300.0
RATE_WINDOW = "5m"

EXPRESSIONS = {
    "rate": f'(sum(rate({PROCESSED}{{stage="load"}}[{RATE_WINDOW}])) or vector(0)) * 60',
    "errors": (
        f"sum(rate({FAILED}[{RATE_WINDOW}]))"
        f' / sum(rate({PROCESSED}{{stage="extract"}}[{RATE_WINDOW}]))'
    ),
    "queue": f"max({QUEUE_DEPTH})",
    "dlq": f"max({DLQ_DEPTH})",
    "breaker": f"max({BREAKER_STATE})",
    "retries": f"sum(rate({RETRIES}[{RATE_WINDOW}])) * 60",
    "duplicates": f"sum(rate({DUPLICATES}[{RATE_WINDOW}])) * 60",
}


def duration_expression(quantile: float) -> str:
    """The quantile of each stage's duration (the runtime times stages, not whole records)."""
    return (
        f"histogram_quantile({quantile:g}, "
        f"sum by (le, stage) (rate({DURATION_BUCKET}[{RATE_WINDOW}])))"
    )


def prometheus_duration(seconds: float) -> str:
    """``300`` -> ``5m``; Prometheus durations are integers with one unit."""
    whole = round(seconds)
    if whole <= 0:
        return "0m"
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if whole % size == 0:
            return f"{whole // size}{unit}"
    return f"{whole}s"


def promql_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
