"""The design read into the values ``config/pipeline.yaml`` needs, each with its line.

Everything here is a plain value or a :class:`Value`; templates only place and
quote them, so every decision about what a document sentence means is made
(and tested) in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from designkit.diagnostics import Diagnostic, Severity
from designkit.parse import ParsedDesign
from designkit.scaffold import rules
from designkit.scaffold.slugs import NameMap, integration_slug, snake_name
from designkit.scaffold.values import Provenance, Value


@dataclass
class FieldInfo:
    name: Value  # the safe identifier; the line of the document's field
    original: str
    type: Value
    required: Value
    sensitive: bool
    many: bool = False  # written as ``lines[].sku``: one value per array element


@dataclass
class MappingInfo:
    source: Value
    target: Value
    transformation: Value
    lookup: str | None = None
    expression: Value | None = None


@dataclass
class Context:
    """What the templates render: the config values plus what the README and sample need."""

    design_name: str
    provenance: Provenance
    integration: dict[str, Value]
    entity: dict[str, Any]
    fields: list[FieldInfo]
    mappings: list[MappingInfo]
    skipped_mappings: list[str]
    lookups: dict[str, tuple[int, dict[str, str]]]
    validation: list[dict[str, Any]]
    retry_reading: Value
    retry_policies: list[dict[str, Value]]
    circuit_breaker: dict[str, Value]
    dead_letter_queue: dict[str, Value]
    idempotency: dict[str, Value]
    alerts: list[dict[str, Value]]
    success_criteria: dict[str, Value]
    redact: Value
    extras: dict[str, Any] = field(default_factory=dict)
    trigger: dict[str, Value] = field(default_factory=dict)
    # what the scaffold could not read (DK501), reported by `designkit scaffold`
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _fields(parsed: ParsedDesign, prov: Provenance, names: NameMap) -> list[FieldInfo]:
    out: list[FieldInfo] = []
    for index, item in enumerate(parsed.design.data.canonical_model.fields):
        at = f"data.canonical_model.fields[{index}]"
        line = parsed.line_of(f"{at}.name")
        safe = names.add(item.name)
        out.append(
            FieldInfo(
                name=prov.take(f"entity.fields[{index}].name", safe, line),
                original=item.name,
                type=prov.take(f"entity.fields[{index}].type", rules.field_type(item.type), line),
                required=prov.take(f"entity.fields[{index}].required", item.required, line),
                sensitive=rules.is_sensitive(item.name, item.description),
                many="[]" in item.name,
            )
        )
    if not out:  # the config needs one field; a design without a model gets an id
        out.append(
            FieldInfo(
                prov.take("entity.fields[0].name", names.add("id"), None),
                "id",
                Value("string", None),
                Value(True, None),
                False,
            )
        )
    return out


def _key_fields(text: str | None, fields: list[FieldInfo]) -> list[str]:
    """Canonical fields named in the idempotency key text, in the order written."""
    found: list[tuple[int, str]] = []
    for item in fields:
        match = re.search(rf"(?<![\w.]){re.escape(item.original)}(?![\w.])", text or "")
        if match:
            found.append((match.start(), item.name.value))
    return [name for _, name in sorted(found)]


def _mappings(
    parsed: ParsedDesign, prov: Provenance, names: NameMap, ctx_lookups: dict[str, Any]
) -> tuple[list[MappingInfo], list[str]]:
    out: list[MappingInfo] = []
    skipped: list[str] = []
    # the names a formula may use, once: per formula row it made scaffolding quadratic in
    # the mapping rows (15,000 repeated sample rows: 54 s)
    sources = {
        (m.source_field or "").split(".")[0].strip()
        for m in parsed.design.data.mappings
        if m.source_field
    }
    for index, row in enumerate(parsed.design.data.mappings):
        at = f"data.mappings[{index}]"
        line = parsed.line_of(f"{at}.target_field")
        target = names.get(row.target_field) if row.target_field else None
        if target is None:
            skipped.append(f"line {line}: target is not a canonical field")
            continue
        setting = f"mappings[{len(out)}]"
        kind = row.transformation.value if row.transformation else "direct"
        info = MappingInfo(
            source=prov.take(f"{setting}.source", (row.source_field or "").strip() or None, line),
            target=prov.take(f"{setting}.target", target, line),
            transformation=Value(kind, line),
        )
        if kind == "lookup":
            info.lookup = target
            ctx_lookups[target] = (parsed.line_of(f"{at}.notes"), rules.lookup_pairs(row.notes))
        elif kind in ("formula", "conditional"):
            expression = rules.safe_expression(row.notes, known_names=sources)
            if expression is None:
                info.transformation = Value("hook", line)
            else:
                info.expression = prov.take(f"{setting}.expression", expression, line)
        prov.rows.append((f"{setting}.transformation", info.transformation))
        out.append(info)
    return out, skipped


def _retry(parsed: ParsedDesign, prov: Provenance) -> tuple[Value, list[dict[str, Value]]]:
    policies: list[dict[str, Value]] = []
    readings: list[str] = []
    used = NameMap(fallback="policy")
    for index, row in enumerate(parsed.design.error_handling.retry_policies):
        at = f"error_handling.retry_policies[{index}]"
        line = parsed.line_of(f"{at}.scenario")
        name = f"retry.policies[{index}]"
        delays = [float(d) for d in row.backoff_seconds]
        strategy = row.strategy.value if row.strategy else ("exponential" if delays else "none")
        row_reading: str | None = None
        if row.max_attempts is not None and len(delays) > 1:
            if len(delays) == row.max_attempts:
                row_reading = "retries_after_first_try"
            elif len(delays) == row.max_attempts - 1:
                row_reading = "total_tries"
        if row_reading is not None:
            readings.append(row_reading)
        policies.append(
            {
                "name": prov.take(f"{name}.name", used.add(row.scenario), line),
                "scenario": prov.take(f"{name}.scenario", row.scenario or f"row {index + 1}", line),
                "applies_to": prov.take(f"{name}.applies_to", rules.error_classes(row.scenario), line),
                "strategy": prov.read(f"{name}.strategy", row.strategy and strategy, parsed.line_of(f"{at}.strategy"), strategy),
                "max_attempts": prov.read(
                    f"{name}.max_attempts", row.max_attempts and max(row.max_attempts, 1),
                    parsed.line_of(f"{at}.max_attempts"), max(len(delays), 1),
                ),
                "delays_seconds": prov.take(f"{name}.delays_seconds", delays, parsed.line_of(f"{at}.backoff_seconds")),
                "timeout_seconds": prov.read(
                    f"{name}.timeout_seconds",
                    row.timeout_seconds if row.timeout_seconds and row.timeout_seconds > 0 else None,
                    parsed.line_of(f"{at}.timeout_seconds"), None,
                ),
                "jitter": prov.take(f"{name}.jitter", row.jitter, line),
                "reading": Value(row_reading, parsed.line_of(f"{at}.backoff_seconds")),
            }
        )  # fmt: skip
    # the default reading is the one most rows fit; a row that fits the other says so itself
    chosen = max(
        ("retries_after_first_try", "total_tries"),
        key=lambda r: (readings.count(r), r == "retries_after_first_try"),
    )
    first_line = (
        parsed.line_of("error_handling.retry_policies[0].max_attempts") if policies else None
    )
    return prov.take("retry.reading", chosen, first_line if readings else None), policies


def _numbers(
    parsed: ParsedDesign, prov: Provenance, section: str, setting: str, defaults: dict[str, Any],
    source: Any,
) -> dict[str, Value]:  # fmt: skip
    out: dict[str, Value] = {}
    for key, default in defaults.items():
        value = getattr(source, key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
            value = None  # config.py wants positive numbers; a zero is treated as unstated
        out[key] = prov.read(f"{setting}.{key}", value, parsed.line_of(f"{section}.{key}"), default)
    return out


SAMPLE_LOOKUP_SIZE = 20


def sample_lookup(name: str) -> dict[str, str]:
    """Entries for the sample records' lookup values (see sample_data.py): marked as samples
    in the config, to be replaced with the real reference data."""
    return {f"{name}-src-{i:04d}": f"{name}-{i:04d}" for i in range(1, SAMPLE_LOOKUP_SIZE + 1)}


def build_context(parsed: ParsedDesign, design_name: str) -> Context:
    """Read every setting the generated pipeline needs out of the parsed design."""
    design = parsed.design
    prov = Provenance()
    names = NameMap()
    meta_line = parsed.line_of("meta.name")
    integration = {
        "name": prov.read("integration.name", design.meta.name, meta_line, "Integration"),
        "slug": prov.take("integration.slug", integration_slug(design.meta.name), meta_line if design.meta.name else None),
        "pattern": prov.read("integration.pattern", design.architecture.pattern and design.architecture.pattern.value, parsed.line_of("architecture.pattern"), None),
    }  # fmt: skip
    fields = _fields(parsed, prov, names)
    lookups: dict[str, Any] = {}
    mappings, skipped = _mappings(parsed, prov, names, lookups)
    for name, (line, table) in list(lookups.items()):
        if not table:  # the design names no pairs: sample ones, so `run` works on the sample data
            lookups[name] = (line, sample_lookup(name))
    idem = design.reliability.idempotency
    key_line = parsed.line_of("reliability.idempotency.key")
    key_fields = _key_fields(idem.key, fields)
    required = [f.name.value for f in fields if f.required.value] or [fields[0].name.value]
    entity_key = key_fields[0] if key_fields else required[0]
    model = design.data.canonical_model
    entity = {
        "name": prov.read("entity.name", model.entity, parsed.line_of("data.canonical_model.entity"), "Record"),
        "key": prov.take("entity.key", entity_key, key_line if key_fields else None),
        "table": snake_name(model.entity, fallback="records"),
    }  # fmt: skip
    diagnostics: list[Diagnostic] = []
    diagnostics += _unmapped_required(parsed, fields, mappings, design_name)
    trigger = _trigger(parsed, prov, design_name, diagnostics)
    validation = []
    for index, row in enumerate(design.data.validation_rules):
        at = f"data.validation_rules[{index}]"
        when = rules.validation_when(row.when)
        if when is None:
            diagnostics.append(
                Diagnostic(
                    "DK501",
                    Severity.WARNING,
                    f"validation rule {index + 1}: When {row.when!r} names no pipeline stage; "
                    "the scaffold runs it pre_send",
                    path=design_name,
                    line=parsed.line_of(f"{at}.when") or 0,
                    field=f"{at}.when",
                    hint="write Pre-send, Post-receive or On receipt",
                )
            )
        validation.append({
            "rule": Value(row.rule or f"rule {index + 1}", parsed.line_of(f"{at}.rule")),
            "when": Value(when or "pre_send", parsed.line_of(f"{at}.when") if row.when else None),
            "when_written": (row.when or "").strip(),
            "check": Value(rules.validation_check(row.rule), parsed.line_of(f"{at}.rule")),
            "action": Value(rules.validation_action(row.action), parsed.line_of(f"{at}.action")),
        })  # fmt: skip
    reading, policies = _retry(parsed, prov)
    breaker = _numbers(
        parsed, prov, "error_handling.circuit_breaker", "circuit_breaker",
        {"failure_threshold": 5, "error_rate_percent": None, "window_seconds": 60,
         "half_open_after_seconds": 30, "half_open_requests": 1, "close_after_successes": 1},
        design.error_handling.circuit_breaker,
    )  # fmt: skip
    dlq = _numbers(
        parsed, prov, "error_handling.dead_letter_queue", "dead_letter_queue",
        {"retention_days": 14, "alert_threshold": 0}, design.error_handling.dead_letter_queue,
    )  # fmt: skip
    idempotency = {
        "approach": prov.read("idempotency.approach", idem.approach and idem.approach.value, parsed.line_of("reliability.idempotency.approach"), "idempotency_key"),
        "key": prov.take("idempotency.key", key_fields or [entity_key], key_line if key_fields else None),
        "dedup_window_seconds": prov.read("idempotency.dedup_window_seconds", idem.dedup_window_seconds or None, parsed.line_of("reliability.idempotency.dedup_window_seconds"), 86400),
    }  # fmt: skip
    alerts = [
        {
            "metric": prov.take(f"monitoring.alerts[{index}].metric", metric.name, parsed.line_of(f"observability.metrics[{index}].name")),
            "description": Value(metric.description, parsed.line_of(f"observability.metrics[{index}].description")),
            "threshold": prov.take(f"monitoring.alerts[{index}].threshold", metric.alert_threshold, parsed.line_of(f"observability.metrics[{index}].alert_threshold")),
        }
        for index, metric in enumerate(design.observability.metrics)
        if metric.name and metric.alert_threshold
    ]  # fmt: skip
    success = _numbers(
        parsed, prov, "success_criteria", "success_criteria",
        dict.fromkeys(("throughput_per_minute", "latency_p95_seconds", "availability_percent", "error_rate_percent")),
        design.success_criteria,
    )  # fmt: skip
    sensitive = [f.name.value for f in fields if f.sensitive]
    redact = prov.take(
        "logging.redact",
        sensitive,
        parsed.line_of("data.canonical_model.fields[0].name") if sensitive else None,
    )
    return Context(
        design_name=design_name, provenance=prov, integration=integration, entity=entity,
        fields=fields, mappings=mappings, skipped_mappings=skipped, lookups=lookups,
        validation=validation, retry_reading=reading, retry_policies=policies,
        circuit_breaker=breaker, dead_letter_queue=dlq, idempotency=idempotency, alerts=alerts,
        success_criteria=success, redact=redact, diagnostics=diagnostics, trigger=trigger,
    )  # fmt: skip


def _unmapped_required(
    parsed: ParsedDesign, fields: list[FieldInfo], mappings: list[MappingInfo], design_name: str
) -> list[Diagnostic]:
    """Required fields no mapping fills: every record would be dead-lettered (DK502)."""
    if not mappings:  # no mapping table at all: the scaffold copies fields by name
        return []
    targets = {m.target.value for m in mappings}
    found = []
    for index, info in enumerate(fields):
        if info.required.value and info.name.value not in targets:
            found.append(Diagnostic(
                "DK502", Severity.WARNING,
                f"required field {info.original!r} has no mapping row: the pipeline will "
                "dead-letter every record until it is mapped",
                path=design_name, line=info.name.line or 0,
                field=f"data.canonical_model.fields[{index}]",
                hint="add a Mapping Specifications row with this Target Field, or make it optional",
            ))  # fmt: skip
    return found


def _trigger(
    parsed: ParsedDesign, prov: Provenance, design_name: str, diagnostics: list[Diagnostic]
) -> dict[str, Value]:
    """The trigger step of the normal flow (the first step when none is named trigger)."""
    design = parsed.design
    steps = design.flow.normal
    index = next((i for i, s in enumerate(steps) if s.step.strip().lower() == "trigger"), 0)
    text = steps[index].description if steps else None
    line = parsed.line_of(f"flow.normal[{index}].description") if steps and text else None
    reading = rules.trigger(text)
    if reading.unread:
        diagnostics.append(Diagnostic(
            "DK501", Severity.WARNING, f"trigger: {reading.unread}; the scaffold uses the file trigger",
            path=design_name, line=line or 0, field=f"flow.normal[{index}].description",
            hint="say 'webhook', 'POST /path', a cron expression or 'every 15 minutes'",
        ))  # fmt: skip
    texts = [r.rule for r in design.data.validation_rules]
    texts += [f"{a.method} {a.details}" for a in design.security.authentication]
    header = rules.signature_header(texts) if reading.kind == "webhook" else None
    header_line = next(
        (parsed.line_of(f"data.validation_rules[{i}].rule")
         for i, r in enumerate(design.data.validation_rules) if header and header in (r.rule or "")),
        line,
    )  # fmt: skip
    return {
        "kind": prov.take("trigger.kind", reading.kind, line),
        "schedule": prov.take("trigger.schedule", reading.schedule, line if reading.schedule else None),
        "path": prov.take("trigger.webhook.path", reading.path or "/records", line if reading.path else None),
        "signature_header": prov.take("trigger.webhook.signature_header", header, header_line if header else None),
        "text": Value(text or "", line),
        "command": Value(rules.container_command(reading, text), line),
    }  # fmt: skip


# --------------------------------------------------------------------------- monitoring
#
# The design's metrics table and dashboards, read into Prometheus alert rules and
# Grafana panels over the metric names the generated runtime registers
# (templates/pipeline/src/integration_pipeline/metrics.py). Counters are exported with
# ``_total`` and histograms as ``_bucket``, as prometheus_client writes them.

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
