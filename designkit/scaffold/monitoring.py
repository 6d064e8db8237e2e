"""The design's metrics table and dashboards, read into Prometheus alert rules and
Grafana dashboard rows over the metrics the generated runtime registers
(:mod:`designkit.scaffold.promql`).

A threshold the rule cannot express is never guessed: the rule is written commented
out, with a note saying why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from designkit.parse import ParsedDesign
from designkit.scaffold.promql import (
    EXPRESSIONS,
    HISTOGRAM_TOP_BUCKET_SECONDS,
    duration_expression,
    prometheus_duration,
    promql_number,
)

_KINDS = (  # first match wins: "DLQ Depth" is not the queue, "Error rate" is not throughput
    ("dlq", r"\bdlq\b|dead[- ]letter|quarantine"),
    ("queue", r"queue|\blag\b|backlog"),
    ("errors", r"error|fail|reject|5xx"),
    ("duration", r"duration|latency|\btime\b|p9\d|p50"),
    ("rate", r"\brate\b|throughput|volume|processed|per minute|/min"),
)
_KIND_NAMES = {
    "rate": "ThroughputLow",
    "errors": "ErrorRateHigh",
    "duration": "LatencyHigh",
    "queue": "QueueDepthHigh",
    "dlq": "DeadLettersWaiting",
}
_THRESHOLD = re.compile(
    r"^\s*(?:p(?P<quantile>\d{1,2}(?:\.\d+)?)\s*)?"
    r"(?P<op>>=|<=|≥|≤|>|<)\s*"
    r"(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)\s*"
    r"(?P<unit>%|percent\b|ms\b|s\b|secs?\b|seconds?\b|m\b|mins?\b|minutes?\b|h\b|hrs?\b|hours?\b)?"
    r"\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_FOR = re.compile(r"^(?:for|over|sustained for)\s+(?P<span>.+)$", re.IGNORECASE | re.DOTALL)


@dataclass
class AlertRule:
    """One Prometheus rule; ``note`` set means it is written commented out, with the note."""

    name: str
    kind: str
    line: int | None
    source: str  # what the design says, for the annotation
    threshold_text: str = ""
    expr: str = ""
    for_: str = "0m"
    severity: str = "warning"
    summary: str = ""
    description: str = ""
    note: str | None = None
    # the comparison as numbers, for the dashboard's panel thresholds (rules written out)
    op: str = ""
    value: float | None = None
    quantile: float | None = None


@dataclass
class DashboardPanel:
    key: str  # one of PANELS
    title: str
    kind: str  # timeseries, stat or text
    expr: str | None
    unit: str


@dataclass
class DashboardRow:
    name: str
    contents: str
    line: int | None
    panels: list[DashboardPanel]


@dataclass
class Monitoring:
    rules: list[AlertRule]
    skipped: list[str]  # metrics rows with no threshold, for a comment
    rows: list[DashboardRow]


def metric_kind(*texts: str | None) -> str | None:
    """Which runtime metric a design's metric row is about, from its name then description."""
    for text in texts:
        for kind, pattern in _KINDS:
            if re.search(pattern, text or "", re.IGNORECASE):
                return kind
    return None


@dataclass
class Threshold:
    op: str
    value: float  # in the metric's unit: a ratio for errors, seconds for durations
    for_seconds: float
    quantile: float | None
    qualifier: str  # words the rule cannot express ("(business hours)"), or ""


def parse_threshold(text: str, kind: str) -> Threshold | str:
    """The threshold cell read for ``kind``, or why it cannot be read (never a guess)."""
    from designkit.parse.values import UnparseableValue, parse_duration, parse_percent

    match = _THRESHOLD.match(text)
    if not match:
        return "the threshold is not written as a comparison with a number"
    op = {"≥": ">=", "≤": "<="}.get(match["op"], match["op"])
    number = match["number"]
    unit = (match["unit"] or "").lower()
    rest = match["rest"].strip()
    value: float
    try:
        if kind == "errors":
            if unit not in ("%", "percent"):
                return "an error threshold without a % sign could be a ratio or a count"
            value = parse_percent(f"{number}%") / 100
        elif kind == "duration":
            if not unit or unit in ("%", "percent"):
                return "a duration threshold needs a time unit"
            value = parse_duration(f"{number} {unit}")
        else:
            if unit:
                return f"a {kind} threshold is a count; its unit {unit!r} does not fit"
            value = float(number.replace(",", ""))
    except UnparseableValue as exc:
        return str(exc)
    for_seconds = 0.0
    span = _FOR.match(rest)
    qualifier = rest
    if span:
        try:
            for_seconds = parse_duration(span["span"])
        except UnparseableValue:
            return "the duration after 'for' cannot be read"
        qualifier = re.sub(r"^\s*\d+(?:\.\d+)?\s*[a-zA-Z]+\.?", "", span["span"], count=1).strip()
    quantile = float(match["quantile"]) / 100 if match["quantile"] else None
    return Threshold(op, value, for_seconds, quantile, qualifier)


def _go_template_text(text: str) -> str:
    """Prometheus expands annotations as Go templates: a ``{{`` from the document is
    written as the template for a literal ``{{`` so it stays text."""
    return text.replace("{{", "{{`{{`}}")


def _metric_rule(
    index: int, name: str, description: str, text: str, line: int | None, where: str
) -> AlertRule:
    kind = metric_kind(name, description)
    source = f"{where}: metric {name!r}, alert threshold {text!r}"
    rule = AlertRule(
        name=_KIND_NAMES.get(kind or "", f"DesignMetric{index + 1}"),
        kind=kind or "unknown",
        line=line,
        source=source,
        threshold_text=text,
    )
    if kind is None:
        rule.note = f"no runtime metric matches {name!r}"
        return rule
    reading = parse_threshold(text, kind)
    if isinstance(reading, str):
        rule.note = reading
        return rule
    if kind == "duration":
        if reading.quantile is None:
            rule.note = (
                "the threshold names no percentile; the runtime times each stage, not a whole run"
            )
            return rule
        if reading.value >= HISTOGRAM_TOP_BUCKET_SECONDS and reading.op in (">", ">="):
            rule.note = (
                f"the runtime's duration histogram tops out at "
                f"{HISTOGRAM_TOP_BUCKET_SECONDS:g} s, so a P{reading.quantile * 100:g} above "
                f"{promql_number(reading.value)} s can never be seen: add larger buckets to "
                f"metrics.py first"
            )
            return rule
        expr = duration_expression(reading.quantile)
    else:
        expr = EXPRESSIONS[kind]
    rule.expr = f"{expr} {reading.op} {promql_number(reading.value)}"
    rule.op, rule.value, rule.quantile = reading.op, reading.value, reading.quantile
    rule.for_ = prometheus_duration(reading.for_seconds)
    rule.summary = _go_template_text(f"{name}: {description or name} {text}")
    notes = [source]
    if reading.qualifier:
        notes.append(f"not encoded in the rule: {reading.qualifier!r}")
    if kind == "rate":
        notes.append("read as records completed per minute")
    rule.description = _go_template_text("; ".join(notes))
    return rule


PANELS: dict[str, tuple[str, str, str, str]] = {
    # key: (title, panel type, expression, unit); chosen by the patterns in _PANEL_WORDS
    "throughput": ("Throughput (records/min)", "timeseries", EXPRESSIONS["rate"], "short"),
    "errors": ("Error rate", "timeseries", EXPRESSIONS["errors"], "percentunit"),
    "latency": ("Stage latency P95", "timeseries", duration_expression(0.95), "s"),
    "queue": ("Queue depth", "timeseries", EXPRESSIONS["queue"], "short"),
    "dlq": ("Dead letters waiting", "stat", EXPRESSIONS["dlq"], "short"),
    "breaker": ("Circuit breaker (0 closed, 1 open, 2 half-open)", "stat", EXPRESSIONS["breaker"], "short"),
    "retries": ("Retries (per min)", "timeseries", EXPRESSIONS["retries"], "short"),
    "duplicates": ("Duplicates skipped (per min)", "timeseries", EXPRESSIONS["duplicates"], "short"),
}  # fmt: skip
_PANEL_WORDS = (
    (
        "throughput",
        r"throughput|(?<!error )(?<!acceptance )\brate\b|per minute|/min|volume|processed",
    ),
    ("errors", r"error|fail|reject|acceptance rate|5xx"),
    ("latency", r"latency|duration|response time|\btime\b|p9\d"),
    ("queue", r"queue|\blag\b|backlog"),
    ("dlq", r"\bdlq\b|dead[- ]letter|quarantine"),
    ("breaker", r"breaker"),
    ("retries", r"retr(y|ies)"),
    ("duplicates", r"duplicate|dedup"),
)


def dashboard_panels(contents: str | None) -> list[DashboardPanel]:
    """The runtime's panels a dashboard's contents text asks for, in a fixed order."""
    text = contents or ""
    chosen = [key for key, pattern in _PANEL_WORDS if re.search(pattern, text, re.IGNORECASE)]
    return [DashboardPanel(key, *PANELS[key]) for key in chosen]


def build_monitoring(parsed: ParsedDesign, design_file: str) -> Monitoring:
    """Alert rules and dashboard rows from the design's observability and DLQ sections."""
    design = parsed.design
    rules_out: list[AlertRule] = []
    skipped: list[str] = []
    for index, metric in enumerate(design.observability.metrics):
        at = f"observability.metrics[{index}]"
        line = parsed.line_of(f"{at}.alert_threshold") or parsed.line_of(f"{at}.name")
        name = metric.name or f"metric {index + 1}"
        if not (metric.alert_threshold or "").strip():
            skipped.append(f"{design_file}:{line}: {name} has no alert threshold")
            continue
        rules_out.append(
            _metric_rule(
                index, name, metric.description or "", metric.alert_threshold or "", line,
                f"{design_file}:{line}",
            )
        )  # fmt: skip
    dlq = design.error_handling.dead_letter_queue
    dlq_line = parsed.line_of("error_handling.dead_letter_queue.alert_threshold")
    where = f"{design_file}:{dlq_line}" if dlq_line else "the design's dead letter queue section"
    dlq_rule = AlertRule(
        name="DeadLetterQueueAboveThreshold", kind="dlq", line=dlq_line, severity="critical",
        source=f"{where}: dead letter queue alert threshold",
        threshold_text=str(dlq.alert_threshold) if dlq.alert_threshold is not None else "",
    )  # fmt: skip
    if dlq.alert_threshold is None:
        dlq_rule.note = "the design states no numeric DLQ alert threshold"
    else:
        dlq_rule.expr = f"{EXPRESSIONS['dlq']} > {dlq.alert_threshold}"
        dlq_rule.op, dlq_rule.value = ">", float(dlq.alert_threshold)
        dlq_rule.summary = f"More than {dlq.alert_threshold} dead letters waiting"
        dlq_rule.description = _go_template_text(
            f"{dlq_rule.source}: {dlq.monitoring or dlq.alert_threshold}"
        )
    rules_out.append(dlq_rule)
    breaker_line = next(
        (
            line
            for key in ("failure_threshold", "error_rate_percent", "window_seconds",
                        "half_open_after_seconds")
            if (line := parsed.line_of(f"error_handling.circuit_breaker.{key}"))
        ),
        None,
    )  # fmt: skip
    breaker_where = (
        f"{design_file}:{breaker_line}: circuit breaker"
        if breaker_line
        else "default: the design states no circuit breaker; the runtime's breaker"
    )
    rules_out.append(
        AlertRule(
            name="CircuitBreakerOpen", kind="breaker", line=breaker_line, severity="critical",
            source=breaker_where, threshold_text="open",
            expr=f"{EXPRESSIONS['breaker']} == 1", op="==", value=1.0,
            summary="The target's circuit breaker is open: deliveries are paused",
            description=_go_template_text(f"{breaker_where} is open (state 1)"),
        )
    )  # fmt: skip
    used: dict[str, int] = {}
    for rule in rules_out:  # alert names unique within the group
        used[rule.name] = used.get(rule.name, 0) + 1
        if used[rule.name] > 1:
            rule.name = f"{rule.name}{used[rule.name]}"
    rows = [
        DashboardRow(
            name=board.name,
            contents=board.contents or "",
            line=parsed.line_of(f"observability.dashboards[{index}].contents")
            or parsed.line_of(f"observability.dashboards[{index}]"),
            panels=dashboard_panels(board.contents),
        )
        for index, board in enumerate(design.observability.dashboards)
    ]
    return Monitoring(rules=rules_out, skipped=skipped, rows=rows)
