"""Answers -> a whole :class:`~designkit.model.Design`, with pattern-aware recommendations.

Each section is filled with what a reviewer would ask for given the pattern,
the data sensitivity and the criticality: an event-driven design gets an
idempotency key, a DLQ and ordering; ETL a schedule, batch sizes and a restart
point; API-led system / process / experience layers and rate limits; hub-spoke
a canonical model and routing; sensitive data encryption at rest, masked logs
and longer audit retention; tier-1 tighter RTO/RPO and automatic failover.

What the answers cannot tell (people, costs, the business fields beyond the
identifiers) is left ``None`` or as a ``[slot]`` inside a sentence, which the
rendered document shows as a template slot that ``designkit lint`` reports:
recommendations are practices, never invented facts about the systems.
"""

from __future__ import annotations

import re

from designkit.model import (
    Architecture,
    AuditEvent,
    Authentication,
    CanonicalField,
    CanonicalModel,
    CircuitBreaker,
    Compatibility,
    Dashboard,
    Data,
    DeadLetterQueue,
    Deployment,
    Design,
    DesignType,
    Diagram,
    DiagramEdge,
    DisasterRecovery,
    Encryption,
    ErrorFlow,
    ErrorHandling,
    Failover,
    Flow,
    FlowStep,
    Idempotency,
    IdempotencyApproach,
    Level,
    LogLevel,
    Mapping,
    Meta,
    Metric,
    Observability,
    OpenQuestion,
    Overview,
    Pattern,
    Phase,
    Platform,
    Reliability,
    RetryPolicy,
    RetryStrategy,
    Risk,
    SchemaVersioning,
    Security,
    SuccessCriteria,
    TestingRow,
    Transformation,
    ValidationRule,
)
from designkit.render.markdown import duration, number
from designkit.write.answers import Answers
from designkit.write.questions import Criticality, Trigger

_VENDOR_PLATFORMS = ("mulesoft", "boomi", "workato", "talend", "informatica", "snaplogic", "tibco")


def snake(text: str) -> str:
    return "_".join(re.findall(r"[a-z0-9]+", text.lower())) or "record"


def build_design(answers: Answers) -> Design:
    """The whole design for ``answers``; see the module docstring for what is recommended."""
    context = _Context(answers)
    return Design(
        meta=Meta(
            name=answers.name,
            version=answers.version,
            date=answers.date,
            designer=answers.designer,
            type=DesignType.NEW_DESIGN,
        ),
        overview=context.overview(),
        architecture=context.architecture(),
        data=context.data(),
        flow=context.flow(),
        error_handling=context.error_handling(),
        observability=context.observability(),
        security=context.security(),
        reliability=context.reliability(),
        testing=context.testing(),
        deployment=context.deployment(),
        platform=context.platform(),
        phases=context.phases(),
        success_criteria=context.success_criteria(),
        risks=context.risks(),
        open_questions=context.open_questions(),
    )


class _Context:
    """The answers plus the names derived from them, shared by every section."""

    def __init__(self, answers: Answers) -> None:
        self.a = answers
        self.pattern = answers.pattern
        self.entity = answers.entity
        self.e = snake(answers.entity)
        self.key = f"{self.e}_id"
        self.topic = f"{self.e.replace('_', '-')}.events.v1"
        self.tier1 = answers.criticality is Criticality.TIER_1
        self.tier3 = answers.criticality is Criticality.TIER_3

    @property
    def error_rate(self) -> float:
        return 0.5 if self.tier1 else 1.0

    @property
    def dlq_retention_days(self) -> int:
        return 30 if self.tier1 or self.a.sensitive else 14

    @property
    def dedup_window_seconds(self) -> int:
        """As long as dead letters are kept: a replay from the DLQ stays idempotent."""
        return self.dlq_retention_days * 86400

    # ------------------------------------------------------------------ words

    @property
    def trigger_text(self) -> str:
        a = self.a
        source, entity = a.source, self.entity.lower()
        if a.trigger is Trigger.SCHEDULE:
            return f"Scheduled run on {a.schedule}; extracts {entity} records changed since the last watermark"
        return {
            Trigger.EVENT: f"{source} publishes a {self.e}.changed event when a {entity} is created or updated",
            Trigger.WEBHOOK: f"{source} sends a webhook when a {entity} is created or updated",
            Trigger.API: f"A client calls POST /api/v1/{self.e}s on the experience API",
            Trigger.FILE: f"{source} drops a {entity} export file in the landing folder",
            Trigger.CDC: f"Change data capture streams {entity} changes from the {source} database log",
            Trigger.SCHEDULE: "",
        }[a.trigger]

    @property
    def edge_in(self) -> str:
        return {
            Trigger.EVENT: f"{self.e}.changed event",
            Trigger.WEBHOOK: "webhook",
            Trigger.API: f"POST /api/v1/{self.e}s",
            Trigger.FILE: "export file",
            Trigger.CDC: "CDC stream",
            Trigger.SCHEDULE: "scheduled extract",
        }[self.a.trigger]

    @property
    def idempotency_field(self) -> str:
        if self.pattern is Pattern.ETL:
            return self.key
        if self.pattern is Pattern.API_LED:
            return "request_id"
        return "event_id"

    # ------------------------------------------------------------------ overview

    def overview(self) -> Overview:
        a = self.a
        entity = self.entity.lower()
        return Overview(
            purpose=a.purpose,
            scope=(
                f"Included: {entity} creates and updates from {a.source} to {a.target}, "
                f"up to {a.daily_volume} records per day and {a.peak_per_minute} per minute at "
                f"peak. Excluded: deletes, historical backfill and any write-back from "
                f"{a.target} to {a.source} (separate designs if needed)."
            ),
            stakeholders=(
                "Business owner: [name]. Technical owner: [name]. "
                f"Users: teams working in {a.source} and {a.target}."
            ),
        )

    # ------------------------------------------------------------------ architecture

    def architecture(self) -> Architecture:
        a = self.a
        latency = duration(a.latency)
        rationale = {
            Pattern.EVENT_DRIVEN: (
                f"{a.source} changes must reach {a.target} within {latency} and peaks reach "
                f"{a.peak_per_minute} per minute; a durable topic decouples {a.source} from "
                f"{a.target} throughput, gives replay, and partitioning by {self.key} keeps "
                f"the changes to one {self.entity.lower()} ordered."
            ),
            Pattern.ETL: (
                f"{a.target} needs {a.daily_volume} records a day with a freshness of "
                f"{latency}, not per-record latency; a scheduled incremental batch with a "
                "watermark is the simplest design that meets it and is easy to re-run."
            ),
            Pattern.API_LED: (
                f"Callers need a synchronous answer within {latency}; system APIs wrap "
                f"{a.source} and {a.target}, a process API owns the orchestration and an "
                "experience API serves callers with rate limits, so each layer is reusable."
            ),
            Pattern.HUB_SPOKE: (
                f"{a.source} and {a.target} (and the systems that will follow) exchange "
                f"{self.entity.lower()} data through one hub: each spoke maps to one "
                "canonical model and the hub routes by message type, so adding a system "
                "adds one adapter, not one integration per pair."
            ),
            Pattern.HYBRID: (
                f"Callers need a synchronous API answer within {latency} (API-led), while "
                f"delivery to {a.target} is asynchronous through an event topic partitioned "
                f"by {self.key}, and a nightly batch reconciles both systems."
            ),
        }[self.pattern]
        alternatives = {
            Pattern.EVENT_DRIVEN: (
                "Scheduled polling (rejected: latency of the poll interval and missed "
                "intermediate changes). Point-to-point API calls (rejected: no buffer when "
                f"{a.target} is down)."
            ),
            Pattern.ETL: (
                "Event streaming (rejected: per-record latency is not needed and would cost "
                f"more to run). Point-to-point API calls (rejected: {a.target} bulk load is "
                "cheaper than per-record calls)."
            ),
            Pattern.API_LED: (
                f"Direct point-to-point calls from callers to {a.target} (rejected: no reuse "
                "and no central rate limiting). Event-driven (rejected: callers need a "
                "synchronous answer)."
            ),
            Pattern.HUB_SPOKE: (
                "Point-to-point integrations (rejected: one mapping per pair of systems "
                "grows quadratically). Event streaming without a canonical model (rejected: "
                "each consumer would map every producer)."
            ),
            Pattern.HYBRID: (
                "Pure API-led (rejected: the caller would wait on "
                f"{a.target}). Pure event-driven (rejected: callers need a synchronous answer)."
            ),
        }[self.pattern]
        return Architecture(
            pattern=self.pattern,
            rationale=rationale,
            alternatives=alternatives,
            diagram=self.diagram(),
        )

    def diagram(self) -> Diagram:
        a = self.a
        source, target, e = a.source, a.target, self.e
        edges: list[tuple[str, str, str | None]]
        if self.pattern is Pattern.EVENT_DRIVEN:
            topic = f"Topic {self.topic}"
            consumer = f"{target} Consumer"
            edges = [
                (source, topic, self.edge_in),
                (topic, consumer, f"partitioned by {self.key}"),
                (consumer, target, "API upsert"),
                (consumer, f"DLQ {self.topic}.dlq", "exhausted or poison"),
            ]
        elif self.pattern is Pattern.ETL:
            job = f"{self.entity} Load Job"
            edges = [
                (source, f"Staging {e}_raw", self.edge_in),
                (f"Staging {e}_raw", job, "batch of 5000 rows"),
                (job, target, "bulk upsert"),
                (job, f"Quarantine {e}_rejected", "rejected rows"),
            ]
        elif self.pattern is Pattern.API_LED:
            experience = f"{e}-experience-api"
            process = f"{e}-process-api"
            edges = [
                (source, experience, self.edge_in),
                (experience, process, "HTTPS, rate limited"),
                (process, f"{snake(target)}-system-api", "HTTPS"),
                (f"{snake(target)}-system-api", target, "native API"),
                (process, f"Error queue {e}.errors", "failed after retries"),
            ]
        elif self.pattern is Pattern.HUB_SPOKE:
            hub = f"Hub: canonical {self.entity} v1"
            edges = [
                (source, f"{source} Spoke Adapter", self.edge_in),
                (f"{source} Spoke Adapter", hub, f"canonical {e} message"),
                (hub, f"{target} Spoke Adapter", "routed by message_type"),
                (f"{target} Spoke Adapter", target, "native API"),
                (hub, "Hub DLQ", "unroutable or invalid"),
            ]
        else:
            api = f"{e}-api"
            topic = f"Topic {self.topic}"
            consumer = f"{target} Consumer"
            edges = [
                (source, api, self.edge_in),
                (api, topic, f"{e}.accepted event"),
                (topic, consumer, f"partitioned by {self.key}"),
                (consumer, target, "API upsert"),
                (consumer, f"DLQ {self.topic}.dlq", "exhausted or poison"),
                (target, "Reconciliation Job", "nightly extract"),
            ]
        lines = [
            f"[{s}] --{label}--> [{t}]" if label else f"[{s}] --> [{t}]" for s, t, label in edges
        ]
        nodes: list[str] = []
        for s, t, _ in edges:
            for name in (s, t):
                if name not in nodes:
                    nodes.append(name)
        return Diagram(
            text="\n".join(lines),
            nodes=nodes,
            edges=[DiagramEdge(source=s, target=t, label=label) for s, t, label in edges],
        )

    # ------------------------------------------------------------------ data

    def data(self) -> Data:
        a = self.a
        fields = [
            CanonicalField(
                name=self.key,
                type="string",
                required=True,
                description=f"Identifier of the {self.entity.lower()} in {a.source}",
            ),
            CanonicalField(
                name="updated_at",
                type="datetime",
                required=True,
                description=f"Time of the last change in {a.source}, UTC",
            ),
            CanonicalField(
                name="source_system",
                type="string",
                required=True,
                description=f"Always '{a.source}'",
            ),
            CanonicalField(
                name="schema_version",
                type="string",
                required=True,
                description="Version of this canonical model, e.g. 1.0",
            ),
        ]
        mappings = [
            Mapping(
                source_field="id",
                source_type="string",
                transformation=Transformation.DIRECT,
                target_field=self.key,
                target_type="string",
                notes=f"Confirm the field name in {a.source}",
            ),
            Mapping(
                source_field="last_modified",
                source_type="datetime",
                transformation=Transformation.FORMULA,
                target_field="updated_at",
                target_type="datetime",
                notes="Convert to UTC, ISO 8601",
            ),
            Mapping(
                source_field="(constant)",
                source_type="string",
                transformation=Transformation.FORMULA,
                target_field="source_system",
                target_type="string",
                notes=f"Constant '{a.source}'",
            ),
            Mapping(
                source_field="(constant)",
                source_type="string",
                transformation=Transformation.FORMULA,
                target_field="schema_version",
                target_type="string",
                notes="Constant '1.0'",
            ),
        ]
        if self.idempotency_field != self.key:
            described = {
                "event_id": "Unique id of this change; the idempotency key",
                "request_id": "Idempotency-Key header of the request; the idempotency key",
            }[self.idempotency_field]
            fields.insert(
                1,
                CanonicalField(
                    name=self.idempotency_field, type="string", required=True, description=described
                ),
            )
            mappings.insert(
                1,
                Mapping(
                    source_field="Idempotency-Key header"
                    if self.pattern is Pattern.API_LED
                    else "event id",
                    source_type="string",
                    transformation=Transformation.DIRECT,
                    target_field=self.idempotency_field,
                    target_type="string",
                    notes="Generate a UUID v4 when the source sends none",
                ),
            )
        if self.pattern is Pattern.HUB_SPOKE:
            fields.append(
                CanonicalField(
                    name="message_type",
                    type="string",
                    required=True,
                    description=f"Routing key, e.g. {self.e}.created or {self.e}.updated",
                )
            )
            mappings.append(
                Mapping(
                    source_field="change type",
                    source_type="string",
                    transformation=Transformation.LOOKUP,
                    target_field="message_type",
                    target_type="string",
                    notes=f"create -> {self.e}.created, update -> {self.e}.updated",
                )
            )
        rules = [
            ValidationRule(
                rule=f"{self.key} and updated_at present",
                when="Pre-send",
                action="Reject to the DLQ with VALIDATION_FAILED",
            ),
            ValidationRule(
                rule="updated_at is a valid UTC timestamp",
                when="On receipt",
                action="Reject to the DLQ with VALIDATION_FAILED",
            ),
            ValidationRule(
                rule=f"Reference data used by {a.target} resolves",
                when="Pre-send",
                action="Hold and alert; retry after the next reference data sync",
            ),
        ]
        rules.append(
            ValidationRule(
                rule=f"The {self.entity.lower()} exists in {a.target} after the write",
                when="Post-delivery",
                action="Re-query once, then alert and queue for reconciliation",
            )
        )
        if a.sensitive:
            rules.append(
                ValidationRule(
                    rule="No unmasked personal data in log lines",
                    when="Before logging",
                    action="Mask the field or drop it from the log",
                )
            )
        full = self.pattern is Pattern.HUB_SPOKE
        return Data(
            canonical_model=CanonicalModel(entity=self.entity, version="1.0", fields=fields),
            mappings=mappings,
            schema_versioning=SchemaVersioning(
                approach="Semantic versioning (MAJOR.MINOR) carried in schema_version; JSON Schema published in the schema registry",
                compatibility=Compatibility.FULL if full else Compatibility.BACKWARD,
                evolution=(
                    "Add optional fields only; deprecate a field for one minor version before "
                    "removal; breaking changes need a new major version"
                ),
            ),
            validation_rules=rules,
        )

    # ------------------------------------------------------------------ flow

    def flow(self) -> Flow:
        a = self.a
        entity = self.entity.lower()
        steps: dict[Pattern, list[tuple[str, str]]] = {
            Pattern.EVENT_DRIVEN: [
                (
                    "extract",
                    f"Ingest validates the payload and publishes it to {self.topic}, keyed by {self.key} so changes to one {entity} stay ordered in a partition",
                ),
                (
                    "transform",
                    f"The {a.target} consumer maps the event to the canonical model and checks {self.idempotency_field} against the idempotency store",
                ),
                (
                    "load",
                    f"Upsert into {a.target} by {self.key}; events older than the stored updated_at are dropped",
                ),
                (
                    "confirm",
                    f"Commit the consumer offset only after {a.target} acknowledges the write, and record the {a.target} id",
                ),
            ],
            Pattern.ETL: [
                (
                    "extract",
                    f"Read {entity} records changed since the stored watermark, in batches of 5000 rows, into staging",
                ),
                (
                    "transform",
                    "Apply the mappings and validation rules; rejected rows go to quarantine with the reason",
                ),
                (
                    "load",
                    f"Bulk upsert into {a.target} by {self.key}, one batch per transaction, writing a checkpoint after each batch",
                ),
                (
                    "confirm",
                    "Advance the watermark only when every batch is committed, and record the run status and row counts",
                ),
            ],
            Pattern.API_LED: [
                (
                    "extract",
                    f"The experience API authenticates the caller, applies the rate limit ({a.peak_per_minute * 2} requests per minute per client) and validates the request",
                ),
                (
                    "transform",
                    "The process API maps the request to the canonical model and orchestrates the system APIs",
                ),
                (
                    "load",
                    f"The {a.target} system API writes the {entity}, passing the Idempotency-Key through",
                ),
                (
                    "confirm",
                    f"Return 201 with the {a.target} id to the caller; a repeated Idempotency-Key returns the original response",
                ),
            ],
            Pattern.HUB_SPOKE: [
                (
                    "extract",
                    f"The {a.source} spoke adapter reads the change and maps it to the canonical {entity} model v1.0",
                ),
                (
                    "transform",
                    "The hub validates the canonical message against the schema registry and routes it by message_type to the subscribed spokes",
                ),
                (
                    "load",
                    f"The {a.target} spoke adapter maps from the canonical model and upserts by {self.key}",
                ),
                (
                    "confirm",
                    "Each spoke acknowledges to the hub, which records the delivery status per spoke",
                ),
            ],
            Pattern.HYBRID: [
                (
                    "extract",
                    f"The {self.e}-api validates the request, stores it and publishes {self.e}.accepted to {self.topic}, keyed by {self.key} so events of one {entity} stay ordered",
                ),
                (
                    "transform",
                    f"The {a.target} consumer maps the event to the canonical model and checks event_id against the idempotency store",
                ),
                (
                    "load",
                    f"Upsert into {a.target} by {self.key}; a nightly batch reconciles both systems",
                ),
                (
                    "confirm",
                    f"The API returns 202 with a tracking id; the consumer commits its offset after {a.target} acknowledges",
                ),
            ],
        }
        normal = [FlowStep(step="trigger", description=self.trigger_text)]
        normal += [FlowStep(step=step, description=text) for step, text in steps[self.pattern]]
        errors = [
            ("transient_error", "Retry with exponential backoff (see Retry Logic)"),
            (
                "validation_error",
                "Reject the record to the DLQ with the reason, continue with the next",
            ),
            (
                "system_unavailable",
                f"Circuit breaker opens; records wait in the queue until {a.target} recovers",
            ),
            ("permanent_error", "Route to the DLQ and alert the on-call engineer"),
        ]
        errors.append(
            {
                Pattern.EVENT_DRIVEN: (
                    "duplicate_event",
                    "Same event_id within the deduplication window is acknowledged and skipped",
                ),
                Pattern.ETL: (
                    "partial_batch_failure",
                    "Re-run resumes from the last checkpoint; committed batches are not loaded twice (upsert by key)",
                ),
                Pattern.API_LED: (
                    "rate_limited",
                    f"Callers over the limit get 429 with Retry-After; 429 from {a.target} is retried with a fixed delay",
                ),
                Pattern.HUB_SPOKE: (
                    "unroutable_message",
                    "A message_type with no route goes to the hub DLQ and alerts the integration team",
                ),
                Pattern.HYBRID: (
                    "duplicate_submission",
                    "The same Idempotency-Key returns the original response; the consumer skips a repeated event_id",
                ),
            }[self.pattern]
        )
        return Flow(
            normal=normal,
            errors=[ErrorFlow(kind=kind, handling=handling) for kind, handling in errors],
        )

    # ------------------------------------------------------------------ error handling

    def error_handling(self) -> ErrorHandling:
        a = self.a
        policies = [
            RetryPolicy(
                scenario=f"{a.target} API timeout",
                strategy=RetryStrategy.EXPONENTIAL,
                max_attempts=3,
                backoff_seconds=[1, 2, 4],
                jitter=True,
                timeout_seconds=30,
            ),
            RetryPolicy(
                scenario=f"{a.target} rate limited (429)",
                strategy=RetryStrategy.FIXED,
                max_attempts=5,
                backoff_seconds=[60, 60, 60, 60],
                timeout_seconds=300,
            ),
            RetryPolicy(
                scenario="Auth failure (401/403)",
                strategy=RetryStrategy.NONE,
                max_attempts=1,
                backoff_seconds=[],
                timeout_seconds=None,
            ),
            RetryPolicy(
                scenario=f"{a.target} server error (5xx)",
                strategy=RetryStrategy.EXPONENTIAL,
                max_attempts=3,
                backoff_seconds=[2, 4, 8],
                jitter=True,
                timeout_seconds=60,
            ),
        ]
        threshold = 0 if self.tier1 else 10
        return ErrorHandling(
            retry_policies=policies,
            dead_letter_queue=DeadLetterQueue(
                when="After max retries exhausted, poison messages, validation and permanent failures",
                monitoring=f"Alert the on-call engineer when DLQ depth > {threshold}",
                alert_threshold=threshold,
                reprocessing="Manual review, then a replay job re-publishes selected messages, or discard with a reason code",
                retention_days=self.dlq_retention_days,
            ),
            circuit_breaker=CircuitBreaker(
                failure_threshold=5,
                error_rate_percent=50,
                window_seconds=60,
                half_open_after_seconds=30,
                half_open_requests=1,
                close_after_successes=3,
            ),
        )

    # ------------------------------------------------------------------ observability

    def observability(self) -> Observability:
        a = self.a
        low = max(1, a.daily_volume // 1440 // 10)
        error_rate = self.error_rate
        masked = "masked" if a.sensitive else "sanitized"
        return Observability(
            logging=[
                LogLevel(
                    level="INFO",
                    what="Business events",
                    example=f'"Processed 150 {self.e} records, 148 success, 2 failed"',
                ),
                LogLevel(
                    level="WARN",
                    what="Recoverable issues",
                    example=f'"Retry attempt 2/3 for {self.key} X"',
                ),
                LogLevel(
                    level="ERROR",
                    what="Failures requiring attention",
                    example=f'"Circuit breaker opened for {a.target}"',
                ),
                LogLevel(
                    level="DEBUG",
                    what="Technical details",
                    example=f"Request/response payloads ({masked}: personal data redacted)",
                ),
            ],
            correlation_id="Generated at entry (or taken from the source's id), passed through every step as a header and logged on every line",
            structured_format=f"JSON with timestamp, correlationId, {self.key}, step, status",
            metrics=[
                Metric(
                    name="Rate",
                    description=f"{self.entity} records processed per minute",
                    alert_threshold=f"< {low} for 30 minutes",
                ),
                Metric(
                    name="Errors",
                    description="Error rate percentage",
                    alert_threshold=f"> {number(error_rate)}% for 5 minutes",
                ),
                Metric(
                    name="Duration",
                    description="Processing time P50/P95/P99",
                    alert_threshold=f"P95 > {duration(a.latency)}",
                ),
                Metric(
                    name="Queue Depth",
                    description="Messages waiting",
                    alert_threshold=f"> {a.peak_per_minute * 5} for 10 minutes",
                ),
                Metric(name="DLQ Depth", description="Failed messages", alert_threshold="> 0"),
            ],
            dashboards=[
                Dashboard(
                    name="Operations", contents="Throughput, error rate, latency, queue depth"
                ),
                Dashboard(
                    name="Business",
                    contents=f"{self.entity} records delivered, success rate, SLA compliance",
                ),
                Dashboard(
                    name="Health",
                    contents=f"Availability of {a.source} and {a.target}, circuit breaker state, resource usage",
                ),
            ],
        )

    # ------------------------------------------------------------------ security

    def security(self) -> Security:
        a = self.a
        rows = [
            Authentication(
                connection=f"{a.source}",
                method="OAuth 2.0",
                details=f"Client credentials scoped to read {self.entity.lower()} data; secret rotated every 90 days",
            ),
            Authentication(
                connection=f"{a.target}",
                method="OAuth 2.0",
                details=f"Client credentials scoped to write {self.entity.lower()} data; secret rotated every 90 days",
            ),
            Authentication(
                connection="Internal",
                method="mTLS",
                details="Service certificates rotated automatically every 30 days",
            ),
        ]
        if a.sensitive:
            at_rest = "AES-256 with customer-managed keys (KMS) for queues, DLQ, staging and logs"
            audit = [
                ("Authentication", "Timestamp, principal, client id, result", 365),
                ("Data access", "Timestamp, principal, resource, action", 2555),
                ("Data modification", "Timestamp, before/after (hash), principal", 2555),
                ("Errors", "Timestamp, error, correlation id, context", 365),
            ]
        else:
            at_rest = "AES-256 (platform-managed keys) for queues, DLQ and staging"
            audit = [
                ("Authentication", "Timestamp, principal, client id, result", 180),
                ("Data access", "Timestamp, principal, resource, action", 365),
                ("Data modification", "Timestamp, before/after (hash), principal", 365),
                ("Errors", "Timestamp, error, correlation id, context", 90),
            ]
        return Security(
            authentication=rows,
            encryption=Encryption(
                in_transit="TLS 1.3 between all components (TLS 1.2 minimum where a system lacks 1.3)",
                at_rest=at_rest,
                secrets="Secrets manager (HashiCorp Vault or the cloud's key vault), rotated automatically - never in code or config",
            ),
            audit=[
                AuditEvent(event=event, fields=fields, retention_days=days)
                for event, fields, days in audit
            ],
        )

    # ------------------------------------------------------------------ reliability

    def reliability(self) -> Reliability:
        if self.pattern is Pattern.ETL:
            idempotency = Idempotency(
                approach=IdempotencyApproach.UPSERT,
                key=f"{self.key} (upsert; a re-run overwrites, never duplicates)",
                dedup_window_seconds=self.dedup_window_seconds,
            )
        elif self.pattern is Pattern.API_LED:
            idempotency = Idempotency(
                approach=IdempotencyApproach.IDEMPOTENCY_KEY,
                key="Idempotency-Key header (client UUID), stored as request_id",
                dedup_window_seconds=self.dedup_window_seconds,
            )
        else:
            idempotency = Idempotency(
                approach=IdempotencyApproach.IDEMPOTENCY_KEY,
                key="event_id",
                dedup_window_seconds=self.dedup_window_seconds,
            )
        # one outage at the RTO fits in a month's downtime budget of the availability target
        # (success_criteria: 99.95% -> 21.6 min, 99.5% -> 3.6 h, 99.0% -> 7.2 h)
        if self.tier1:
            rto, rpo, failover = 15 * 60, 5 * 60, Failover.AUTOMATIC
        elif self.tier3:
            rto, rpo, failover = 6 * 3600, 6 * 3600, Failover.MANUAL
        else:
            rto, rpo, failover = 2 * 3600, 3600, Failover.MANUAL
        backup = {
            Pattern.EVENT_DRIVEN: "Topics replicated across availability zones (replication factor 3); idempotency store backed up daily",
            Pattern.ETL: "Staging and watermark tables backed up daily to a second zone; a run can be repeated from the source",
            Pattern.API_LED: "Stateless APIs run across availability zones; idempotency store backed up daily",
            Pattern.HUB_SPOKE: "Hub queues replicated across availability zones; schema registry and routing table backed up daily",
            Pattern.HYBRID: "Topics replicated across availability zones; API store and idempotency store backed up daily",
        }[self.pattern]
        if self.tier1:
            backup += "; warm standby in a second region"
        return Reliability(
            idempotency=idempotency,
            disaster_recovery=DisasterRecovery(
                rto_seconds=rto, rpo_seconds=rpo, failover=failover, backup=backup
            ),
        )

    # ------------------------------------------------------------------ delivery

    def testing(self) -> list[TestingRow]:
        a = self.a
        return [
            TestingRow(
                type="Unit",
                coverage_target=">80% transformation logic",
                tools="pytest or JUnit (the team's language)",
                when="Every commit",
            ),
            TestingRow(
                type="Integration",
                coverage_target="Key flows, error paths (timeout, 429, 5xx, DLQ)",
                tools=f"Testcontainers with {a.target} sandbox",
                when="Every PR",
            ),
            TestingRow(
                type="Contract",
                coverage_target="Canonical model v1.0 against every producer and consumer",
                tools="Pact",
                when="Every PR",
            ),
            TestingRow(
                type="E2E",
                coverage_target="Full business scenarios",
                tools=f"{a.source} and {a.target} sandboxes",
                when="Pre-release",
            ),
            TestingRow(
                type="Performance",
                coverage_target=f"Load at {a.peak_per_minute * 2} records/minute + stress",
                tools="k6",
                when="Pre-release + quarterly",
            ),
        ]

    def deployment(self) -> Deployment:
        minutes = 5 if self.tier1 else 15
        strategy = {
            Pattern.EVENT_DRIVEN: "Rolling (consumers drain and rebalance partitions)",
            Pattern.ETL: "Blue-green (load to a new version of the job, switch the schedule)",
            Pattern.API_LED: "Canary (5% of traffic, then 50%, then 100%)",
            Pattern.HUB_SPOKE: "Rolling, one spoke adapter at a time",
            Pattern.HYBRID: "Canary for the API, rolling for consumers",
        }[self.pattern]
        return Deployment(
            strategy=strategy,
            pipeline="Build -> Test -> Stage -> Approve -> Deploy (approval gate before production)",
            rollback=f"Automated - revert to previous version within {minutes} minutes",
            rollback_within_seconds=minutes * 60,
            environments="Dev -> Test -> Staging -> Production",
        )

    def platform(self) -> Platform:
        a = self.a
        vendor = any(name in a.platform.lower() for name in _VENDOR_PLATFORMS)
        return Platform(
            platform=a.platform,
            rationale=f"Fits the {self.pattern.value.replace('_', '-')} pattern with native connectors or adapters for {a.source} and {a.target}; confirm the team's existing skills and licences",
            lock_in_risk=Level.HIGH if vendor else Level.MEDIUM,
            portability=f"Canonical model, mappings and tests are portable; flows built in {a.platform} are platform-specific",
            tco=None,
        )

    def phases(self) -> list[Phase]:
        return [
            Phase(
                name="Phase 1: MVP",
                duration_weeks=4,
                items=[
                    "Core data flow (happy path)",
                    "Basic error handling (retry + logging)",
                    "Essential monitoring",
                ],
            ),
            Phase(
                name="Phase 2: Hardening",
                duration_weeks=4 if self.tier1 else 3,
                items=[
                    "Advanced error handling (DLQ, circuit breaker)",
                    "Full observability (3 pillars)",
                    "Security hardening",
                    "Integration tests",
                ],
            ),
            Phase(
                name="Phase 3: Optimization",
                duration_weeks=3,
                items=[
                    "Performance tuning",
                    "Auto-scaling",
                    "Advanced monitoring (dashboards, alerting)",
                    "E2E tests + chaos engineering",
                ],
            ),
        ]

    def success_criteria(self) -> SuccessCriteria:
        a = self.a
        availability = {
            Criticality.TIER_1: 99.95,
            Criticality.TIER_2: 99.5,
            Criticality.TIER_3: 99.0,
        }
        return SuccessCriteria(
            throughput_per_minute=a.peak_per_minute,
            latency_p95_seconds=a.latency,
            availability_percent=availability[a.criticality],
            error_rate_percent=self.error_rate,
            maturity_target_level=4 if self.tier1 else 3,
        )

    def risks(self) -> list[Risk]:
        a = self.a
        entity = self.entity.lower()
        risks = [
            Risk(
                risk=f"{a.source} changes a field or its API without notice",
                probability=Level.MEDIUM,
                impact=Level.MEDIUM,
                mitigation="Contract tests in CI; schema validation rejects to the DLQ with an alert",
            ),
        ]
        risks.append(
            {
                Pattern.EVENT_DRIVEN: Risk(
                    risk=f"Out-of-order events for the same {entity}",
                    probability=Level.MEDIUM,
                    impact=Level.HIGH,
                    mitigation=f"Partition by {self.key}; drop events older than the stored updated_at",
                ),
                Pattern.ETL: Risk(
                    risk="A batch overruns its window at peak volume",
                    probability=Level.MEDIUM,
                    impact=Level.MEDIUM,
                    mitigation="Incremental extract by watermark; alert when a run exceeds its expected duration",
                ),
                Pattern.API_LED: Risk(
                    risk=f"{a.target} rate limits throttle peak traffic",
                    probability=Level.MEDIUM,
                    impact=Level.HIGH,
                    mitigation="Rate limits at the experience layer; 429 retried with a fixed delay; capacity agreed with the owner",
                ),
                Pattern.HUB_SPOKE: Risk(
                    risk="A canonical model change breaks a spoke",
                    probability=Level.MEDIUM,
                    impact=Level.HIGH,
                    mitigation="Full compatibility in the schema registry; contract tests per spoke",
                ),
                Pattern.HYBRID: Risk(
                    risk="The API and the event path disagree about a record",
                    probability=Level.LOW,
                    impact=Level.HIGH,
                    mitigation="Nightly reconciliation batch; idempotent consumers keyed by event_id",
                ),
            }[self.pattern]
        )
        if a.sensitive:
            risks.append(
                Risk(
                    risk="Personal data leaks through logs or the DLQ",
                    probability=Level.LOW,
                    impact=Level.HIGH,
                    mitigation="Masking in logs, encryption at rest with customer-managed keys, DLQ access restricted",
                )
            )
        if self.tier1:
            risks.append(
                Risk(
                    risk="Loss of the primary region",
                    probability=Level.LOW,
                    impact=Level.HIGH,
                    mitigation="Automatic failover to a warm standby; failover tested every quarter",
                )
            )
        return risks

    def open_questions(self) -> list[OpenQuestion]:
        a = self.a
        return [
            OpenQuestion(
                question=f"Which {self.entity.lower()} fields beyond the identifiers must reach {a.target}? Add them to the canonical model and the mappings.",
                owner=None,
                due=None,
                status="Open",
            ),
            OpenQuestion(
                question="Who are the business and technical owners?",
                owner=None,
                due=None,
                status="Open",
            ),
            OpenQuestion(
                question=f"What does {a.platform} cost per year (licence, infrastructure, people)?",
                owner=None,
                due=None,
                status="Open",
            ),
        ]
