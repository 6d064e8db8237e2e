"""A current-state design per integration, written from the template with what the export proves.

The design is a :class:`~designkit.model.Design` of type Improvement Roadmap,
rendered by the same renderer as every other design, so ``designkit score``,
``lint``, ``diagram`` and ``roadmap`` work on it unchanged. Only facts the export
states are filled in; everything else stays a template placeholder, which is
what makes the score an honest preliminary one: a gap is shown as a gap, never
guessed away. Two extra sections carry the evidence: every fact with the file
and line it was read from, and the red flags found.
"""

from __future__ import annotations

from collections.abc import Iterable

from designkit.assess.inventory import (
    ErrorHandling,
    ErrorHandlingKind,
    Integration,
    MappingKind,
    Source,
    StepKind,
    TriggerKind,
)
from designkit.diagnostics import Diagnostic
from designkit.model import (
    Architecture,
    Authentication,
    DeadLetterQueue,
    Design,
    DesignType,
    Diagram,
    DiagramEdge,
    ErrorFlow,
    ExtraSection,
    FlowStep,
    Mapping,
    Meta,
    Overview,
    Pattern,
    RetryPolicy,
    RetryStrategy,
    Transformation,
)
from designkit.render.markdown import cell, render_markdown, table

_TRANSFORMATIONS = {
    MappingKind.DIRECT: Transformation.DIRECT,
    MappingKind.FORMULA: Transformation.FORMULA,
    MappingKind.LOOKUP: Transformation.LOOKUP,
    MappingKind.CONDITIONAL: Transformation.CONDITIONAL,
}
EVIDENCE_TITLE = "Assessment Evidence"
FLAGS_TITLE = "Red Flags Found in the Export"


class _Evidence:
    """The (section, fact, source) rows of the evidence table, in the order facts are used."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, Source]] = []

    def add(self, section: str, fact: str, source: Source) -> None:
        self.rows.append((section, fact, source))


def pattern_of(integration: Integration) -> tuple[Pattern | None, str | None]:
    """The pattern the running integration follows, only where its trigger makes it plain."""
    kinds = {trigger.kind for trigger in integration.triggers}
    moves_data = any(s.kind in (StepKind.READ, StepKind.WRITE) for s in integration.steps)
    if kinds & {TriggerKind.EVENT, TriggerKind.WEBHOOK} and not kinds & {TriggerKind.SCHEDULE}:
        return Pattern.EVENT_DRIVEN, "it runs when an event or webhook arrives"
    batch = {TriggerKind.SCHEDULE, TriggerKind.POLLING, TriggerKind.MANUAL}
    if kinds and kinds <= batch and moves_data:
        return (
            Pattern.ETL,
            "it runs on a schedule, by polling or by hand and moves data in batches",
        )
    return None, None


def _diagram(integration: Integration, evidence: _Evidence) -> Diagram:
    reads: list[str] = []
    writes: list[str] = []
    for step in integration.steps:
        if not step.connection:
            continue
        target = writes if step.kind in (StepKind.WRITE, StepKind.CALL) else reads
        if (
            step.kind in (StepKind.READ, StepKind.WRITE, StepKind.CALL)
            and step.connection not in target
        ):
            target.append(step.connection)
            evidence.add("Architecture Diagram", f"{step.name} uses {step.connection}", step.source)
    hub = integration.name
    edges = [DiagramEdge(source=name, target=hub, label="read") for name in reads]
    edges += [DiagramEdge(source=hub, target=name, label="write") for name in writes]
    nodes = [hub] if not edges else []
    return Diagram(nodes=nodes, edges=edges)


def _retry_policies(integration: Integration, evidence: _Evidence) -> list[RetryPolicy]:
    timeouts = {
        h.step: h.timeout_seconds
        for h in integration.error_handling
        if h.kind is ErrorHandlingKind.TIMEOUT and h.timeout_seconds is not None
    }
    policies = []
    for handler in integration.error_handling:
        if handler.kind is not ErrorHandlingKind.RETRY:
            continue
        scenario = f"{handler.step} fails" if handler.step else "Any step fails"
        delay = handler.delay_seconds
        policies.append(
            RetryPolicy(
                scenario=scenario,
                strategy=RetryStrategy.FIXED if delay is not None else None,
                max_attempts=handler.attempts,
                backoff_seconds=[delay] if delay is not None else [],
                timeout_seconds=timeouts.get(handler.step),
            )
        )
        evidence.add("Retry Logic", f"{scenario}: {handler.detail or 'retry'}", handler.source)
    return policies


def _error_flows(integration: Integration, evidence: _Evidence) -> list[ErrorFlow]:
    flows = []
    for handler in integration.error_handling:
        if handler.kind in (ErrorHandlingKind.RETRY, ErrorHandlingKind.TIMEOUT):
            continue
        where = f" ({handler.step})" if handler.step else ""
        flows.append(ErrorFlow(kind=f"{_words(handler)}{where}", handling=handler.detail or None))
        evidence.add("Error Flow", f"{_words(handler)}{where}", handler.source)
    return flows


def _words(handler: ErrorHandling) -> str:
    return handler.kind.value.replace("_", " ").capitalize()


def _dead_letter(integration: Integration, evidence: _Evidence) -> DeadLetterQueue:
    for handler in integration.error_handling:
        if handler.kind is ErrorHandlingKind.DEAD_LETTER:
            evidence.add(
                "Dead Letter Queue", handler.detail or "dead-letter target", handler.source
            )
            return DeadLetterQueue(when=handler.detail or "A step fails (as exported)")
    return DeadLetterQueue()


def current_state_design(integration: Integration, flags: Iterable[Diagnostic] = ()) -> Design:
    """The integration as a template design holding only what the export states."""
    evidence = _Evidence()
    evidence.add("Overview", f"{integration.platform} {integration.name}", integration.source)
    triggers = "; ".join(
        f"{t.kind.value}{f' ({t.detail})' if t.detail else ''}" for t in integration.triggers
    )
    for trigger in integration.triggers:
        evidence.add(
            "Overview", f"trigger: {trigger.kind.value} {trigger.detail}".strip(), trigger.source
        )
    systems = ", ".join(dict.fromkeys(c.name for c in integration.connections))
    purpose = integration.description or (
        f"Current state of the {integration.platform} integration {integration.name}, "
        f"read from {integration.source.file}."
    )
    pattern, rationale = pattern_of(integration)
    design = Design(
        meta=Meta(
            name=integration.name,
            type=DesignType.IMPROVEMENT_ROADMAP,
            assessment_ref=f"designkit assess of {integration.source.file}",
        ),
        overview=Overview(
            purpose=purpose,
            scope=f"Systems: {systems or 'none named'}. Triggered by: "
            f"{triggers or 'not stated in the export'}.",
        ),
        architecture=Architecture(
            pattern=pattern,
            rationale=f"Current state: {rationale}." if rationale else None,
            diagram=_diagram(integration, evidence),
        ),
    )
    for mapping in integration.mappings:
        design.data.mappings.append(
            Mapping(
                source_field=mapping.source_expression,
                transformation=_TRANSFORMATIONS.get(mapping.kind),
                target_field=mapping.target_field,
                notes=f"constant ({mapping.step})"
                if mapping.kind is MappingKind.CONSTANT
                else mapping.step or None,
            )
        )
        evidence.add(
            "Mapping Specifications",
            f"{mapping.target_field} <- {mapping.source_expression}",
            mapping.source,
        )
    for trigger in integration.triggers:
        said = f"{trigger.kind.value}: {trigger.detail}" if trigger.detail else trigger.kind.value
        design.flow.normal.append(FlowStep(step="trigger", description=f"Starts on {said}"))
    for step in integration.steps:
        detail = f"{step.component}, {step.kind.value}" + (
            f": {step.detail}" if step.detail else ""
        )
        design.flow.normal.append(FlowStep(step=step.name, description=detail))
        evidence.add("Normal Flow", step.name, step.source)
    design.flow.errors = _error_flows(integration, evidence)
    design.error_handling.retry_policies = _retry_policies(integration, evidence)
    design.error_handling.dead_letter_queue = _dead_letter(integration, evidence)
    for connection in integration.connections:
        if connection.auth:
            design.security.authentication.append(
                Authentication(connection=connection.name, method=connection.auth)
            )
            evidence.add(
                "Authentication & Authorization",
                f"{connection.name}: {connection.auth}",
                connection.source,
            )
    if integration.passes_correlation_id is not None:
        design.observability.correlation_id = "Passed on to the systems called (as exported)"
        evidence.add("Logging Strategy", "correlation id passed", integration.passes_correlation_id)
    design.extra_sections.append(ExtraSection(title=EVIDENCE_TITLE, text=_evidence_table(evidence)))
    design.extra_sections.append(ExtraSection(title=FLAGS_TITLE, text=_flags_table(list(flags))))
    return design


def _evidence_table(evidence: _Evidence) -> str:
    intro = (
        "Every fact above was read from the platform export at the place below. Anything "
        "left as a placeholder is not in the export and needs an interview or runtime data."
    )
    rows = [
        (cell(section), cell(fact), f"`{cell(str(source))}`")
        for section, fact, source in evidence.rows
    ]
    return intro + "\n\n" + table(["Section", "Fact", "Source"], rows)


def _flags_table(flags: list[Diagnostic]) -> str:
    if not flags:
        return "None of the red flags an export can prove was found."
    rows = [
        (f.code, f.severity.value, cell(f.message), f"`{cell(f'{f.path}:{f.line}')}`")
        for f in flags
    ]
    return table(["Code", "Severity", "Finding", "Source"], rows)


def current_state_markdown(integration: Integration, flags: Iterable[Diagnostic] = ()) -> str:
    return render_markdown(current_state_design(integration, flags))
