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
