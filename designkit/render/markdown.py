"""A :class:`~designkit.model.Design` -> a Markdown document in the template's layout.

The layout lives in ``templates/design.md.j2``; this module turns each model value
into the text the parser reads back to the same value, so that
``parse(render(model)) == model`` for every model the parser can produce:

- numbers are written in units the parser converts exactly (``4 hours``,
  ``30 days``, ``99.9%``) and never in exponent form;
- enumerations are written as the template's words (``Event-driven``);
- table cells escape ``|`` as ``\\|`` and line breaks as ``<br>``, which the
  parser turns back, so free text never breaks a table;
- values the parser derives from sentences (circuit-breaker numbers, the DLQ
  alert threshold, the rollback time) are written as sentences it reads, and an
  explicit line is added when the author's sentence alone would not give the
  model's number back;
- an unknown value (``None``) is written as a template slot such as ``[X]`` so
  that ``designkit lint`` reports it: a rendered document never invents a fact.

Extra sections go at the end, each with its text exactly as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from pydantic import ValidationError

from designkit.errors import UserError
from designkit.inputs import MODEL, decode, read_input
from designkit.model import (
    CircuitBreaker,
    Compatibility,
    Dashboard,
    DeadLetterQueue,
    Deployment,
    Design,
    DesignType,
    DocumentKind,
    Failover,
    IdempotencyApproach,
    Level,
    Pattern,
    RetryPolicy,
    RetryStrategy,
    Transformation,
)
from designkit.parse import values as v
from designkit.parse.kind import KIND_WORDS
from designkit.parse.markdown import read_tree
from designkit.parse.sections import classify_heading
from designkit.resources import template_path

TEMPLATE_NAME = "design.md.j2"

PATTERN_WORDS = {
    Pattern.API_LED: "API-led",
    Pattern.EVENT_DRIVEN: "Event-driven",
    Pattern.HUB_SPOKE: "Hub-spoke",
    Pattern.ETL: "ETL",
    Pattern.HYBRID: "Hybrid",
}
DESIGN_TYPE_WORDS = {
    DesignType.NEW_DESIGN: "New Design",
    DesignType.IMPROVEMENT_ROADMAP: "Improvement Roadmap",
}
TRANSFORMATION_WORDS = {
    Transformation.DIRECT: "Direct",
    Transformation.LOOKUP: "Lookup",
    Transformation.FORMULA: "Formula",
    Transformation.CONDITIONAL: "Conditional",
}
COMPATIBILITY_WORDS = {
    Compatibility.FORWARD: "Forward",
    Compatibility.BACKWARD: "Backward",
    Compatibility.FULL: "Full",
    Compatibility.NONE: "None (no compatibility guarantee)",
}
STRATEGY_WORDS = {
    RetryStrategy.EXPONENTIAL: "Exponential backoff",
    RetryStrategy.FIXED: "Fixed delay",
    RetryStrategy.LINEAR: "Linear backoff",
    RetryStrategy.NONE: "No retry",
}
APPROACH_WORDS = {
    IdempotencyApproach.IDEMPOTENCY_KEY: "Idempotency key",
    IdempotencyApproach.NATURAL_KEY: "Natural key",
    IdempotencyApproach.UPSERT: "Upsert",
}
FAILOVER_WORDS = {Failover.MANUAL: "Manual", Failover.AUTOMATIC: "Automatic"}
LEVEL_WORDS = {Level.HIGH: "High", Level.MEDIUM: "Medium", Level.LOW: "Low"}

DIAGRAM_PLACEHOLDER = (
    "[Draw the systems and the arrows between them, e.g. [Source] --event--> [Target]]"
)

_UNITS = ((86400.0, "day", "days"), (3600.0, "hour", "hours"), (60.0, "minute", "minutes"))


# --------------------------------------------------------------------------- values -> text


def number(value: float | int) -> str:
    """``30.0`` -> ``30``, ``99.95`` -> ``99.95``; never ``1e-07``, which the parser cannot read."""
    as_float = float(value)
    if as_float.is_integer():
        return str(int(as_float))
    text = repr(as_float)
    if "e" in text or "E" in text:
        text = f"{as_float:.12f}".rstrip("0").rstrip(".")
    return text


def duration(seconds: float) -> str:
    """Seconds in the largest unit that divides them: ``14400`` -> ``4 hours``."""
    for size, one, many in _UNITS:
        count = seconds / size
        if seconds >= size and float(count).is_integer():
            return f"{number(count)} {one if count == 1 else many}"
    return f"{number(seconds)}s"


def retention(days: float) -> str:
    """Days as the parser reads them back: ``365`` -> ``1 year``, ``30`` -> ``30 days``."""
    if days >= 365 and float(days / 365).is_integer():
        years = int(days // 365)
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{number(days)} day{'s' if days != 1 else ''}"


def one_line(text: str) -> str:
    """A labelled value lives on one line; line breaks become spaces (nothing is dropped)."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def cell(text: str | None, placeholder: str = "") -> str:
    """A table cell: ``|`` escaped and line breaks as ``<br>``, both read back by the parser.

    markdown-it drops the backslash of ``\\|`` in a cell, so escaping the pipe is enough.
    """
    if text is None:
        return placeholder
    lines = [line.strip() for line in text.strip().split("\n")]
    return "<br>".join(lines).replace("|", "\\|")


def labelled(text: str | None, placeholder: str) -> str:
    return placeholder if text is None else one_line(text)


def _word(words: dict[Any, str], value: Any, placeholder: str) -> str:
    return placeholder if value is None else words[value]


# --------------------------------------------------------------------------- tables


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GFM table; cells are already escaped."""
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("-" * (len(name) + 2) for name in header) + "|",
    ]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def _extra_headers(rows: Iterable[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for name in row.extra_columns:
            seen.setdefault(name, None)
    return list(seen)


def _extras(row: Any, headers: Sequence[str]) -> list[str]:
    return [cell(row.extra_columns.get(name), "") for name in headers]


# --------------------------------------------------------------------------- sentences


def _parser_dlq_threshold(text: str) -> int | None:
    """The alert threshold the parser reads from a DLQ monitoring sentence, if any."""
    from designkit.parse.readers.error_handling.dead_letter_queue import alert_threshold

    if v.is_placeholder(text) or v.has_slot(text):
        return None
    try:
        return alert_threshold(text)
    except v.UnparseableValue:
        return None


def dead_letter_lines(dlq: DeadLetterQueue) -> list[tuple[str, str]]:
    """The DLQ bullets; an explicit threshold line when the monitoring text does not give it."""
    lines = [
        (
            "When to DLQ",
            labelled(
                dlq.when, "[After max retries exhausted, poison messages, permanent failures]"
            ),
        ),
        ("Monitoring", labelled(dlq.monitoring, "[Alert on DLQ depth > threshold]")),
    ]
    derived = None if dlq.monitoring is None else _parser_dlq_threshold(one_line(dlq.monitoring))
    if dlq.monitoring is None or derived != dlq.alert_threshold:
        shown = "[threshold]" if dlq.alert_threshold is None else f"> {dlq.alert_threshold}"
        if dlq.alert_threshold is None and dlq.monitoring is not None:
            shown = "N/A"
        lines.append(("Alert threshold", shown))
    lines.append(
        ("Reprocessing", labelled(dlq.reprocessing, "[Manual review then replay or discard]"))
    )
    lines.append(
        (
            "Retention",
            "[7/14/30 days]" if dlq.retention_days is None else retention(dlq.retention_days),
        )
    )
    return lines


def circuit_breaker_lines(breaker: CircuitBreaker) -> list[tuple[str, str]]:
    """Sentences the parser picks the same numbers out of."""
    parts: list[str] = []
    if breaker.failure_threshold is not None:
        parts.append(f"{breaker.failure_threshold} consecutive failures")
    if breaker.error_rate_percent is not None:
        parts.append(f"{number(breaker.error_rate_percent)}% error rate")
    if breaker.window_seconds is not None:
        opened = " or ".join(parts) if parts else "failures"
        opened = f"{opened} in {duration(breaker.window_seconds)}"
    elif parts:
        opened = " or ".join(parts)
    else:
        opened = "[N] consecutive failures or [X]% error rate in [Y] seconds"
    after = breaker.half_open_after_seconds
    probes = breaker.half_open_requests
    if after is None and probes is None:
        half = "Try 1 request after [Z] seconds cooldown"
    else:
        tried = "Try trial requests" if probes is None else f"Try {probes} request"
        if probes is not None and probes != 1:
            tried += "s"
        half = f"{tried} after {duration(after)} cooldown" if after is not None else tried
    close = (
        "[N] consecutive successes"
        if breaker.close_after_successes is None
        else f"{breaker.close_after_successes} consecutive successes"
    )
    return [("Open after", opened), ("Half-open", half), ("Close after", close)]


def _within_seconds(text: str) -> float | None:
    from designkit.parse.readers.deployment import WITHIN

    match = WITHIN.search(text)
    if match is None:
        return None
    try:
        return v.parse_duration(match.group(1))
    except v.UnparseableValue:
        return None


def rollback_text(deployment: Deployment) -> str:
    """The rollback line; the model's rollback time is appended when the text lacks it."""
    within = deployment.rollback_within_seconds
    if deployment.rollback is None:
        if within is None:
            return "[Automated / Manual] - revert to previous version within [X] minutes"
        return f"within {duration(within)}"
    text = one_line(deployment.rollback)
    if within is not None and _within_seconds(text) != within:
        text = f"{text} (within {duration(within)})"
    return text


def strategy_text(policy: RetryPolicy) -> str:
    if policy.strategy is None:
        return "[Exponential / Fixed / No retry]"
    words = STRATEGY_WORDS[policy.strategy]
    if policy.jitter and not any("jitter" in name.lower() for name in policy.extra_columns):
        words += " with jitter"
    return words


def diagram_text(design: Design) -> str | None:
    """The diagram as written, or drawn from the edges when only they are known.

    ``None`` when there is nothing to draw: the template's example boxes would be
    read back as real systems, so the section gets a placeholder sentence instead.
    """
    diagram = design.architecture.diagram
    if diagram.text is not None:
        return diagram.text
    lines: list[str] = []
    drawn: set[str] = set()
    for edge in diagram.edges:
        arrow = "-->" if edge.label is None else f"--|{edge.label}|-->"
        lines.append(f"[{edge.source}] {arrow} [{edge.target}]")
        drawn.update((edge.source, edge.target))
    lines.extend(f"[{node}]" for node in diagram.nodes if node not in drawn)
    return "\n".join(lines) if lines else None


def fence(text: str, info: str = "") -> str:
    """A fenced block longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}{info}\n{text}\n{marks}"


def canonical_json(design: Design) -> str:
    model = design.data.canonical_model
    lines = [
        "{",
        f'  "entity": {json.dumps(model.entity or "[EntityName]", ensure_ascii=False)},',
        f'  "version": {json.dumps(model.version or "[X.X]", ensure_ascii=False)},',
    ]
    if not model.fields:
        lines.append('  "fields": []')
    else:
        lines.append('  "fields": [')
        for index, field in enumerate(model.fields):
            item = {
                "name": field.name,
                "type": field.type,
                "required": field.required,
                "description": field.description,
            }
            comma = "," if index < len(model.fields) - 1 else ""
            lines.append(f"    {json.dumps(item, ensure_ascii=False)}{comma}")
        lines.append("  ]")
    lines.append("}")
    return "\n".join(lines)


def dashboard_line(board: Dashboard) -> str:
    """``**Name**: contents``; a dashboard known only by name is written plainly when
    the parser would not mistake the name for a label, so no empty value is reported."""
    name = one_line(board.name)
    if board.contents is not None:
        return f"**{name}**: {one_line(board.contents)}"
    if ":" in name or name.startswith(("*", "_")):
        return f"**{name}**"
    return name


def step_label(name: str) -> str:
    """``transient_error`` -> ``Transient Error``: the parser snake-cases it back."""
    return " ".join(word.capitalize() for word in name.split("_")) or name


def _heading_levels(text: str) -> list[int]:
    return [section.level for section in read_tree(text).sections if section.level]


def extra_heading_level(text: str) -> int:
    """Level 2, unless the section's own text has level-2 headings it must keep beneath it."""
    levels = _heading_levels(text) if "#" in text else []
    return 1 if levels and min(levels) <= 2 else 2


def phase_title(name: str, index: int) -> str:
    """Phases are read from ``### Phase ...`` headings; other names get that prefix."""
    if classify_heading(name) == "phases.phase":
        return one_line(name)
    return f"Phase {index + 1}: {one_line(name)}"


# --------------------------------------------------------------------------- the document


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_path("")),
        autoescape=False,  # Markdown, not HTML: values are escaped by the helpers above
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render_markdown(design: Design) -> str:
    """The design as a Markdown document in the template's layout (see the module docstring)."""
    env = _environment()
    env.globals.update(
        cell=cell,
        labelled=labelled,
        table=table,
        duration=duration,
        retention=retention,
        number=number,
        one_line=one_line,
    )
    return env.get_template(TEMPLATE_NAME).render(view=_view(design), d=design)


def _view(design: Design) -> dict[str, Any]:
    """Everything the template shows, as text already in the parser's terms."""
    data = design.data
    mapping_extra = _extra_headers(data.mappings)
    rule_extra = _extra_headers(data.validation_rules)
    retry_extra = _extra_headers(design.error_handling.retry_policies)
    risk_extra = _extra_headers(design.risks)
    recovery = design.reliability.disaster_recovery
    criteria = design.success_criteria
    idempotency = design.reliability.idempotency
    drawing = diagram_text(design)

    def seconds(value: float | None, placeholder: str) -> str:
        return placeholder if value is None else duration(value)

    def current(value: Any, show: Any) -> str:
        return "" if value is None else show(value)

    return {
        "meta": [
            ("Version", labelled(design.meta.version, "[X.X]")),
            ("Date", labelled(design.meta.date, "[DATE]")),
            ("Designer", labelled(design.meta.designer, "[NAME]")),
            (
                "Type",
                _word(DESIGN_TYPE_WORDS, design.meta.type, "[New Design / Improvement Roadmap]"),
            ),
            ("Assessment Reference", labelled(design.meta.assessment_ref, "[Link to assessment]")),
            ("Scorecard Reference", labelled(design.meta.scorecard_ref, "[Link to scorecard]")),
            *(
                [("Document Kind", KIND_WORDS[design.document_kind])]
                if design.document_kind is not DocumentKind.DESIGN
                else []
            ),
        ],
        "name": labelled(design.meta.name, "[NAME]"),
        "overview": [
            ("Purpose", labelled(design.overview.purpose, "[What this integration does and why]")),
            ("Scope", labelled(design.overview.scope, "[What's included and excluded]")),
            (
                "Stakeholders",
                labelled(design.overview.stakeholders, "[Business owner, technical owner, users]"),
            ),
        ],
        "architecture": [
            (
                "Selected Pattern",
                _word(
                    PATTERN_WORDS,
                    design.architecture.pattern,
                    "[API-led / Event-driven / Hub-spoke / ETL / Hybrid]",
                ),
            ),
            (
                "Rationale",
                labelled(design.architecture.rationale, "[Why this pattern fits the requirements]"),
            ),
            (
                "Alternatives Considered",
                labelled(design.architecture.alternatives, "[Other patterns and why not chosen]"),
            ),
        ],
        "diagram": DIAGRAM_PLACEHOLDER if drawing is None else fence(drawing),
        "canonical": fence(canonical_json(design), "json"),
        "mappings": table(
            [
                "Source Field",
                "Source Type",
                "Transformation",
                "Target Field",
                "Target Type",
                "Notes",
                *mapping_extra,
            ],
            [
                [
                    cell(row.source_field, "[source field]"),
                    cell(row.source_type),
                    _word(
                        TRANSFORMATION_WORDS,
                        row.transformation,
                        "[Direct / Lookup / Formula / Conditional]",
                    ),
                    cell(row.target_field, "[target field]"),
                    cell(row.target_type),
                    cell(row.notes),
                    *_extras(row, mapping_extra),
                ]
                for row in data.mappings
            ],
        ),
        "versioning": [
            (
                "Approach",
                labelled(data.schema_versioning.approach, "[Semantic versioning / Date-based]"),
            ),
            (
                "Compatibility",
                _word(
                    COMPATIBILITY_WORDS,
                    data.schema_versioning.compatibility,
                    "[Forward / Backward / Full]",
                ),
            ),
            (
                "Evolution",
                labelled(data.schema_versioning.evolution, "[Add fields, deprecate, never remove]"),
            ),
        ],
        "validation": table(
            ["Rule", "When", "Action on Failure", *rule_extra],
            [
                [
                    cell(row.rule, "[rule]"),
                    cell(row.when, "[when]"),
                    cell(row.action, "[action]"),
                    *_extras(row, rule_extra),
                ]
                for row in data.validation_rules
            ],
        ),
        "normal": [
            (step_label(step.step), labelled(step.description, "[describe this step]"))
            for step in design.flow.normal
        ],
        "errors": [
            (step_label(step.kind), labelled(step.handling, "[how it is handled]"))
            for step in design.flow.errors
        ],
        "retry": table(
            ["Scenario", "Strategy", "Max Attempts", "Backoff", "Timeout", *retry_extra],
            [
                [
                    cell(row.scenario, "[scenario]"),
                    strategy_text(row),
                    "[N]" if row.max_attempts is None else str(row.max_attempts),
                    ", ".join(duration(s) for s in row.backoff_seconds)
                    if row.backoff_seconds
                    else "N/A",
                    "N/A" if row.timeout_seconds is None else duration(row.timeout_seconds),
                    *_extras(row, retry_extra),
                ]
                for row in design.error_handling.retry_policies
            ],
        ),
        "dead_letter": dead_letter_lines(design.error_handling.dead_letter_queue),
        "circuit_breaker": circuit_breaker_lines(design.error_handling.circuit_breaker),
        "logging": table(
            ["Level", "What to Log", "Example"],
            [
                [cell(row.level, "[level]"), cell(row.what, "[what to log]"), cell(row.example)]
                for row in design.observability.logging
            ],
        ),
        "logging_lines": [
            (
                "Correlation ID",
                labelled(
                    design.observability.correlation_id,
                    "[Generated at entry, passed through all steps]",
                ),
            ),
            (
                "Structured format",
                labelled(design.observability.structured_format, "[JSON with standard fields]"),
            ),
        ],
        "metrics": table(
            ["Metric", "Description", "Alert Threshold"],
            [
                [
                    cell(row.name, "[metric]"),
                    cell(row.description, "[description]"),
                    cell(row.alert_threshold, "[X]"),
                ]
                for row in design.observability.metrics
            ],
        ),
        "dashboards": [dashboard_line(board) for board in design.observability.dashboards],
        "authentication": table(
            ["Connection", "Auth Method", "Details"],
            [
                [
                    cell(row.connection, "[connection]"),
                    cell(row.method, "[OAuth 2.0 / API Key / mTLS]"),
                    cell(row.details),
                ]
                for row in design.security.authentication
            ],
        ),
        "encryption": [
            ("In Transit", labelled(design.security.encryption.in_transit, "[TLS 1.2+]")),
            (
                "At Rest",
                labelled(
                    design.security.encryption.at_rest,
                    "[AES-256 if data is stored, N/A if pass-through]",
                ),
            ),
            (
                "Secrets",
                labelled(
                    design.security.encryption.secrets, "[Vault / Parameter Store / Key Vault]"
                ),
            ),
        ],
        "audit": table(
            ["Event", "Logged Fields", "Retention"],
            [
                [
                    cell(row.event, "[event]"),
                    cell(row.fields, "[fields]"),
                    "[X days]" if row.retention_days is None else retention(row.retention_days),
                ]
                for row in design.security.audit
            ],
        ),
        "idempotency": [
            (
                "Approach",
                _word(
                    APPROACH_WORDS, idempotency.approach, "[Idempotency key / Natural key / Upsert]"
                ),
            ),
            ("Key", labelled(idempotency.key, "[Field or generated UUID]")),
            (
                "Deduplication Window",
                seconds(idempotency.dedup_window_seconds, "[X hours/days]"),
            ),
        ],
        "recovery": table(
            ["Metric", "Target", "Current"],
            [
                [
                    "RTO (Recovery Time)",
                    seconds(recovery.rto_seconds, "[X hours]"),
                    current(recovery.current_rto_seconds, duration),
                ],
                [
                    "RPO (Recovery Point)",
                    seconds(recovery.rpo_seconds, "[X hours]"),
                    current(recovery.current_rpo_seconds, duration),
                ],
                [
                    "Failover",
                    _word(FAILOVER_WORDS, recovery.failover, "[Manual / Automatic]"),
                    current(recovery.current_failover, FAILOVER_WORDS.__getitem__),
                ],
                [
                    "Backup",
                    cell(recovery.backup, "[Strategy]"),
                    current(recovery.current_backup, cell),
                ],
            ],
        ),
        "testing": table(
            ["Type", "Coverage Target", "Tools", "When"],
            [
                [
                    cell(row.type, "[type]"),
                    cell(row.coverage_target, "[coverage target]"),
                    cell(row.tools, "[Framework]"),
                    cell(row.when, "[when]"),
                ]
                for row in design.testing
            ],
        ),
        "deployment": [
            (
                "Strategy",
                labelled(design.deployment.strategy, "[Blue-green / Canary / Rolling]"),
            ),
            (
                "Pipeline",
                labelled(design.deployment.pipeline, "[Build -> Test -> Stage -> Deploy]"),
            ),
            ("Rollback", rollback_text(design.deployment)),
            (
                "Environment Promotion",
                labelled(design.deployment.environments, "[Dev -> Test -> Production]"),
            ),
        ],
        "platform": table(
            ["Aspect", "Details"],
            [
                [
                    "Platform",
                    cell(
                        design.platform.platform, "[MuleSoft / Workato / Talend / Boomi / Custom]"
                    ),
                ],
                ["Rationale", cell(design.platform.rationale, "[Why this platform fits]")],
                [
                    "Lock-in Risk",
                    _word(LEVEL_WORDS, design.platform.lock_in_risk, "[Low / Medium / High]"),
                ],
                [
                    "Portability",
                    cell(
                        design.platform.portability,
                        "[What's portable, what's platform-specific]",
                    ),
                ],
                [
                    "TCO Estimate",
                    cell(design.platform.tco, "[License + infra + labor per year]"),
                ],
            ],
        ),
        "phases": [
            {
                "title": phase_title(phase.name, index),
                "weeks": "[X weeks]"
                if phase.duration_weeks is None
                else f"{number(phase.duration_weeks)} week"
                + ("" if phase.duration_weeks == 1 else "s"),
                "items": [one_line(item) for item in phase.items],
            }
            for index, phase in enumerate(design.phases)
        ],
        "success": table(
            ["Metric", "Target"],
            [
                [
                    "Throughput",
                    "[X records/minute]"
                    if criteria.throughput_per_minute is None
                    else f"{number(criteria.throughput_per_minute)} records/minute",
                ],
                ["Latency (P95)", seconds(criteria.latency_p95_seconds, "[X seconds]")],
                [
                    "Availability",
                    "[99.X%]"
                    if criteria.availability_percent is None
                    else f"{number(criteria.availability_percent)}%",
                ],
                [
                    "Error Rate",
                    "[<X%]"
                    if criteria.error_rate_percent is None
                    else f"< {number(criteria.error_rate_percent)}%",
                ],
                [
                    "Maturity Target",
                    "[Level X across all dimensions]"
                    if criteria.maturity_target_level is None
                    else f"Level {criteria.maturity_target_level} across all dimensions",
                ],
                *([cell(row.metric), cell(row.target, "[target]")] for row in criteria.other),
            ],
        ),
        "risks": table(
            ["Risk", "Probability", "Impact", "Mitigation", *risk_extra],
            [
                [
                    cell(row.risk, "[Risk description]"),
                    _word(LEVEL_WORDS, row.probability, "[H/M/L]"),
                    _word(LEVEL_WORDS, row.impact, "[H/M/L]"),
                    cell(row.mitigation, "[Strategy]"),
                    *_extras(row, risk_extra),
                ]
                for row in design.risks
            ],
        ),
        "questions": table(
            ["#", "Question", "Owner", "Due", "Status"],
            [
                [
                    str(index + 1),
                    cell(row.question, "[Question]"),
                    cell(row.owner, "[Who]"),
                    cell(row.due, "[When]"),
                    cell(row.status, "[Open/Resolved]"),
                ]
                for index, row in enumerate(design.open_questions)
            ],
        ),
        "extras": [
            {
                "marks": "#" * extra_heading_level(section.text),
                "title": one_line(section.title),
                "text": section.text,
            }
            for section in design.extra_sections
        ],
    }


# --------------------------------------------------------------------------- model files


def load_model_file(path: str | Path, *, encoding: str = "utf-8") -> Design:
    """Read a model from JSON or YAML, with one line naming the file and the bad key path."""
    name = "<stdin>" if str(path) == "-" else str(path)
    raw = read_input(path, MODEL, name=name)
    text = decode(raw, name, encoding=encoding, document="a JSON or YAML model")
    data = load_mapping(text, name)
    try:
        return Design.model_validate(data)
    except ValidationError as error:
        raise UserError(validation_message(error), path=name) from None


def load_mapping(text: str, name: str) -> dict[str, Any]:
    """JSON or YAML text -> a mapping; a syntax error names its line."""
    if not text.strip():
        raise UserError("file is empty", path=name)
    data: Any
    if name.lower().endswith(".json") or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise UserError(f"invalid JSON: {error.msg}", path=name, line=error.lineno) from None
    else:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import MarkedYAMLError, YAMLError

        yaml = YAML(typ="safe", pure=True)
        yaml.Constructor = _dates_as_text()
        try:
            data = yaml.load(text)
        except MarkedYAMLError as error:
            mark = error.problem_mark
            line = mark.line + 1 if mark is not None else None
            raise UserError(f"invalid YAML: {error.problem}", path=name, line=line) from None
        except (YAMLError, ValueError) as error:  # ruamel raises ValueError for 2026-02-30
            raise UserError(f"invalid YAML: {error}", path=name) from None
    if not isinstance(data, dict):
        raise UserError(
            f"expected a mapping of keys to values, got {type(data).__name__}", path=name
        )
    return data


@lru_cache(maxsize=1)
def _dates_as_text() -> type:
    """A safe YAML constructor that keeps ``2026-03-01`` as text: the model's dates are
    strings, and an impossible date becomes a clear answer error rather than a crash."""
    from ruamel.yaml.constructor import SafeConstructor

    class TextDates(SafeConstructor):
        pass

    TextDates.add_constructor(
        "tag:yaml.org,2002:timestamp",
        lambda constructor, node: constructor.construct_scalar(node),
    )
    return TextDates


def validation_message(error: ValidationError) -> str:
    """The first pydantic error as ``key.path[0].name: message`` (plus a count of the rest)."""
    errors = error.errors()
    first = errors[0]
    path = ""
    for part in first["loc"]:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{path or 'model'}: {message}{more}"
