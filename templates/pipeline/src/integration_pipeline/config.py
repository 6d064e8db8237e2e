"""The pipeline's configuration: ``config/pipeline.yaml``, validated at start-up.

Every value was taken from the integration design by ``designkit scaffold``;
the YAML names the document line each came from. The document's text only
ever arrives here as data: names, numbers and expressions that this module
validates and the runtime interprets, never as code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

ErrorClass = Literal[
    "timeout", "connection", "rate_limited", "server_error", "auth", "validation", "permanent"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Integration(_Strict):
    name: str
    slug: str = Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")
    pattern: str | None = None


class Paging(_Strict):
    """How an HTTP source walks its pages (see sources.HttpSource)."""

    # none: one request; next_link: the body (or a Link rel="next" header) names the next
    # page's URL; cursor: the body names a cursor sent back as a parameter; page: page=1,2,..
    style: Literal["none", "next_link", "cursor", "page"] = "none"
    next_path: str = "next"  # next_link: where the body holds the next URL ("links.next")
    cursor_path: str = "next_cursor"  # cursor: where the body holds the next cursor
    cursor_param: str = "cursor"
    page_param: str = "page"
    first_page: int = Field(default=1, ge=0)
    size_param: str | None = None  # e.g. "per_page"; with it a short page is the last one
    size: int = Field(default=100, ge=1, le=10_000)
    max_pages: int = Field(default=100_000, ge=1)  # a guard against a server that never ends


class Source(_Strict):
    kind: Literal["jsonl", "csv", "http"] = "jsonl"
    path: str = "data/sample.jsonl"
    url: str | None = None
    # secrets come from SOURCE_-prefixed environment variables (or *_FILE): see http_auth.py
    auth: Literal["none", "oauth2_client_credentials", "api_key", "mtls"] = "none"
    api_key_header: str = "X-API-Key"
    records_path: str | None = None  # where a page's list of records is ("data"); None: the body
    paging: Paging = Field(default_factory=Paging)
    timeout_seconds: float = Field(default=30, gt=0)

    @model_validator(mode="after")
    def _url_for_http(self) -> Source:
        if self.kind == "http" and not self.url:
            raise ValueError("url is required when kind is http")
        if self.url and not re.match(r"^https?://", self.url):
            raise ValueError("url must start with http:// or https://")
        return self


class Target(_Strict):
    kind: Literal["sqlite", "jsonl", "http", "postgres"] = "sqlite"
    path: str = "var/target.sqlite"
    table: str = "records"
    url: str | None = None
    auth: Literal["none", "oauth2_client_credentials", "api_key", "mtls"] = "none"
    # one HTTP request's timeout; None: what is left of the retry policy's budget, at most 30 s
    timeout_seconds: float | None = Field(default=None, gt=0)

    @field_validator("table")
    @classmethod
    def _safe_table(cls, value: str) -> str:
        if not IDENTIFIER.match(value):
            raise ValueError("must be a plain identifier")
        return value


class Field_(_Strict):
    name: str
    type: Literal["string", "integer", "number", "boolean", "date", "datetime", "object", "array"]
    required: bool = False
    sensitive: bool = False
    # one value per element of a source array (the design wrote ``lines[].sku``): the
    # record holds a list and each element is checked against ``type``
    many: bool = False


class Entity(_Strict):
    name: str
    key: str | None = None  # the field records are identified by
    fields: list[Field_] = Field(min_length=1)


class MappingRule(_Strict):
    source: str | None = None  # dotted path into the source record
    target: str
    transformation: Literal["direct", "lookup", "formula", "conditional", "hook"] = "direct"
    lookup: str | None = None  # name of a table under `lookups`
    expression: str | None = None  # a safe expression (see expressions.py), for formula/conditional
    default: str | int | float | bool | None = None


WHEN_ALIASES = {
    # what designs write in the "When" column -> the stage that runs the rule
    "pre_load": "pre_send",
    "pre_publish": "pre_send",
    "before_send": "pre_send",
    "before_load": "pre_send",
    "post_load": "post_receive",
    "after_load": "post_receive",
    "after_send": "post_receive",
    "on_receive": "on_receipt",
    "on_arrival": "on_receipt",
}


def _stage_name(value: object) -> object:
    if not isinstance(value, str):
        return value
    key = re.sub(r"[\s-]+", "_", value.strip().lower())
    return WHEN_ALIASES.get(key, key)


class ValidationRuleConfig(_Strict):
    rule: str
    # on_receipt: first, as soon as the record is read (mapped); pre_send: before the load;
    # post_receive: after the target confirmed the load (failures go to the DLQ, stage confirm)
    when: Annotated[
        Literal["on_receipt", "pre_send", "post_receive"], BeforeValidator(_stage_name)
    ] = "pre_send"
    check: Literal["required", "format", "reference", "business"] = "required"
    action: Literal["reject", "transform", "default", "alert_and_queue"] = "reject"


class RetryPolicy(_Strict):
    name: str
    scenario: str
    # this row's reading of max_attempts when it differs from retry.reading (designs mix them)
    reading: Literal["retries_after_first_try", "total_tries"] | None = None
    applies_to: list[ErrorClass]
    strategy: Literal["exponential", "fixed", "linear", "none"]
    max_attempts: int = Field(ge=1, le=100)
    delays_seconds: list[float] = Field(default_factory=list)
    timeout_seconds: float | None = Field(default=None, gt=0)
    jitter: bool = False


class Retry(_Strict):
    reading: Literal["retries_after_first_try", "total_tries"] = "retries_after_first_try"
    policies: list[RetryPolicy] = Field(default_factory=list)


class CircuitBreakerConfig(_Strict):
    failure_threshold: int | None = Field(default=5, ge=1)
    error_rate_percent: float | None = Field(default=None, gt=0, le=100)
    window_seconds: float = Field(default=60, gt=0)
    half_open_after_seconds: float = Field(default=30, gt=0)
    half_open_requests: int = Field(default=1, ge=1)
    close_after_successes: int = Field(default=1, ge=1)
    # added by the runtime: calls the window must hold before the error rate can open it
    error_rate_min_calls: int = Field(default=10, ge=1)


class DeadLetterQueue(_Strict):
    path: str = "var/dlq.sqlite"
    retention_days: float = Field(default=14, gt=0)
    alert_threshold: int = Field(default=0, ge=0)


class Idempotency(_Strict):
    approach: Literal["idempotency_key", "natural_key", "upsert"] = "idempotency_key"
    key: list[str] = Field(min_length=1)  # record fields that make the key
    dedup_window_seconds: float = Field(default=86400, gt=0)
    path: str = "var/state.sqlite"


class AlertRule(_Strict):
    metric: str
    description: str | None = None
    threshold: str  # as written in the design's metrics table


class Monitoring(_Strict):
    metrics_port: int = Field(default=9464, ge=0, le=65535)
    alerts: list[AlertRule] = Field(default_factory=list)


class SuccessCriteria(_Strict):
    throughput_per_minute: float | None = None
    latency_p95_seconds: float | None = None
    availability_percent: float | None = None
    error_rate_percent: float | None = None


class Webhook(_Strict):
    """The webhook trigger's endpoint (see webhook.py)."""

    path: str = Field(default="/records", pattern=r"^/[A-Za-z0-9._~/{}*-]*$")
    max_body_bytes: int = Field(default=1_048_576, ge=1)  # larger bodies get 413
    # HMAC-SHA256 of the raw body in this header (hex or base64, "sha256=" prefix allowed);
    # None: no signature check. The shared secret is in the environment, never here.
    signature_header: str | None = None
    secret_env: str = Field(default="WEBHOOK_SECRET", pattern=r"^[A-Z_][A-Z0-9_]*$")
    max_backlog: int = Field(default=10_000, ge=1)  # accepted, unfinished records; then 503


class Server(_Strict):
    """``serve``'s HTTP server (uvicorn, see http_server.py): /health, /metrics, the webhook.

    Each bound is what keeps one slow or hostile client from holding the process: the
    standard library's server had none, so a client that never finished its headers held
    a thread for ever.
    """

    # a request head (request line and headers) not complete this long after the
    # connection opened, or after the previous answer on it: the connection is closed
    header_timeout_seconds: float = Field(default=10.0, gt=0, le=3600)
    # a body not complete this long after its head: 408 and the connection is closed
    body_timeout_seconds: float = Field(default=30.0, gt=0, le=3600)
    keep_alive_seconds: float = Field(default=5.0, gt=0, le=3600)  # idle keep-alive connection
    max_header_bytes: int = Field(default=16_384, ge=1024, le=1_048_576)  # larger heads: 431
    # open connections beyond this get 503 (uvicorn's limit_concurrency)
    max_connections: int = Field(default=1000, ge=1, le=1_000_000)
    # webhook requests being read or stored at once (and the threads that store them);
    # beyond this: 503 with Retry-After
    max_concurrent_requests: int = Field(default=64, ge=1, le=10_000)
    max_json_depth: int = Field(default=64, ge=1, le=1000)  # deeper webhook bodies: 400
    # SIGTERM: requests in progress get this long to finish before they are cancelled
    shutdown_grace_seconds: float = Field(default=30.0, gt=0, le=3600)
    access_log: bool = True  # one JSON line per answered request


class Trigger(_Strict):
    """What starts a run under ``serve`` (``run`` always processes the input once)."""

    kind: Literal["file", "schedule", "webhook"] = "file"
    # schedule: a cron expression, "every 15 minutes" or "daily at 02:00" (schedule.py);
    # with kind webhook, a schedule also runs the source as a catch-up ("15-minute delta")
    schedule: str | None = None
    timezone: str = "UTC"
    poll_seconds: float = Field(default=60, gt=0)  # file: how often source.path is looked at
    host: str = "127.0.0.1"  # serve listens here: /health, /metrics and the webhook
    port: int = Field(default=8080, ge=0, le=65535)
    webhook: Webhook = Field(default_factory=Webhook)

    @model_validator(mode="after")
    def _readable_schedule(self) -> Trigger:
        from .schedule import parse_schedule

        if self.kind == "schedule" and not self.schedule:
            raise ValueError("schedule is required when kind is schedule")
        if self.schedule:
            parse_schedule(self.schedule, self.timezone)  # ValueError names what is accepted
        return self


class Logging(_Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    redact: list[str] = Field(default_factory=list)  # field names whose values never reach a log


ENV_NAME = r"^[A-Z_][A-Z0-9_]{0,63}$"


class RabbitMQ(_Strict):
    """``transport: rabbitmq``: the broker's URL comes from the environment, never from here."""

    url_env: str = Field(default="RABBITMQ_URL", pattern=ENV_NAME)
    # work queue name; the DLQ is QUEUE.dlq and the retry queues QUEUE.retry.<ms>ms
    queue: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.:-]{1,200}$")
    prefetch: int = Field(default=100, ge=1, le=65535)
    # deliveries per database commit and ack (at most prefetch; default: prefetch)
    batch_size: int | None = Field(default=None, ge=1, le=65535)
    commit_seconds: float = Field(default=1.0, gt=0, le=60)
    heartbeat_seconds: int = Field(default=30, ge=0, le=3600)
    reconnect_initial_seconds: float = Field(default=0.5, gt=0)
    reconnect_max_seconds: float = Field(default=30.0, gt=0)
    publish_window: int = Field(default=1000, ge=1, le=100_000)  # unconfirmed publishes
    # `run`/`publish` give up (one line, exit 1) after this long without a broker confirm
    publish_give_up_seconds: float = Field(default=300.0, gt=0)
    # a worker gives up (one line, exit 1) after this long without a working broker and
    # database connection; until then it reconnects with the backoff above
    worker_give_up_seconds: float = Field(default=300.0, gt=0)

    @model_validator(mode="after")
    def _batch_fits_prefetch(self) -> RabbitMQ:
        if self.batch_size is not None and self.batch_size > self.prefetch:
            raise ValueError(
                f"batch_size ({self.batch_size}) must not exceed prefetch ({self.prefetch}):"
                " a worker holds at most prefetch unacknowledged messages"
            )
        if self.reconnect_max_seconds < self.reconnect_initial_seconds:
            raise ValueError("reconnect_max_seconds must be >= reconnect_initial_seconds")
        return self

    @property
    def batch(self) -> int:
        return self.batch_size or self.prefetch


class Batching(_Strict):
    """How many records travel and commit together: fewer, larger transactions and
    messages cost less per record; a crash redoes at most one open batch."""

    # records transformed, checked against the idempotency store and written per call
    chunk_records: int = Field(default=500, ge=1, le=100_000)
    # records per transaction on a SQLite target and its idempotency marks
    commit_records: int = Field(default=1000, ge=1, le=1_000_000)
    # an open batch older than this commits at the next record (a slow source still lands)
    commit_seconds: float = Field(default=1.0, gt=0, le=3600)
    # transport: rabbitmq - records per published message (one confirm per message)
    records_per_message: int = Field(default=100, ge=1, le=10_000)


class Postgres(_Strict):
    """``state: postgres`` (and ``target.kind: postgres``); URL from the environment."""

    url_env: str = Field(default="DATABASE_URL", pattern=ENV_NAME)
    schema_: str = Field(default="public", alias="schema")
    connect_timeout_seconds: int = Field(default=5, ge=1, le=300)

    @field_validator("schema_")
    @classmethod
    def _safe_schema(cls, value: str) -> str:
        if not IDENTIFIER.match(value):
            raise ValueError("must be a plain identifier")
        return value


class RunPolicy(_Strict):
    """When ``run`` counts as failed (exit 1) although it finished.

    A run that loaded nothing while it sent records to the DLQ did no work the target
    will see: a scheduler or CI must notice, so that fails by default. Partial success
    (some loaded, some dead-lettered) exits 0 unless ``max_dead_letter_ratio`` is set.
    """

    fail_when_nothing_loaded: bool = True
    # exit 1 when dead-lettered / read exceeds this (0.1: more than 10 %); None: no limit
    max_dead_letter_ratio: float | None = Field(default=None, ge=0, le=1)


class PipelineConfig(_Strict):
    integration: Integration
    trigger: Trigger = Field(default_factory=Trigger)
    server: Server = Field(default_factory=Server)
    # where records travel between stages and where the shared state lives (issue: scale out)
    transport: Literal["embedded", "rabbitmq"] = "embedded"
    state: Literal["sqlite", "postgres"] = "sqlite"
    rabbitmq: RabbitMQ = Field(default_factory=RabbitMQ)
    postgres: Postgres = Field(default_factory=Postgres)
    batching: Batching = Field(default_factory=Batching)
    source: Source = Field(default_factory=Source)
    target: Target = Field(default_factory=Target)
    entity: Entity
    mappings: list[MappingRule] = Field(default_factory=list)
    lookups: dict[str, dict[str, str | int | float | bool | None]] = Field(default_factory=dict)
    validation: list[ValidationRuleConfig] = Field(default_factory=list)
    retry: Retry = Field(default_factory=Retry)
    circuit_breaker: CircuitBreakerConfig = Field(default_factory=CircuitBreakerConfig)
    dead_letter_queue: DeadLetterQueue = Field(default_factory=DeadLetterQueue)
    idempotency: Idempotency
    monitoring: Monitoring = Field(default_factory=Monitoring)
    success_criteria: SuccessCriteria = Field(default_factory=SuccessCriteria)
    logging: Logging = Field(default_factory=Logging)
    run: RunPolicy = Field(default_factory=RunPolicy)


# Settings a container sets without editing the file: compose.yaml and the Dockerfile use
# them (a container must listen on 0.0.0.0, the file's default stays 127.0.0.1 so a
# laptop run is never reachable from the network). An empty variable changes nothing.
ENV_OVERRIDES: dict[str, tuple[str, ...]] = {
    "PIPELINE_TRANSPORT": ("transport",),
    "PIPELINE_STATE": ("state",),
    "PIPELINE_TARGET_KIND": ("target", "kind"),
    "PIPELINE_HOST": ("trigger", "host"),
    "PIPELINE_PORT": ("trigger", "port"),
    "PIPELINE_METRICS_PORT": ("monitoring", "metrics_port"),
}


def _apply_environment(data: object, environ: Mapping[str, str]) -> dict[tuple[str, ...], str]:
    """Write the ENV_OVERRIDES that are set into ``data``; returns path -> variable."""
    used: dict[tuple[str, ...], str] = {}
    if not isinstance(data, dict):
        return used
    for name, path in ENV_OVERRIDES.items():
        value = environ.get(name, "")
        if not value:
            continue
        node = data
        for key in path[:-1]:
            child = node.get(key)
            if child is None:
                child = node[key] = {}
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[path[-1]] = value
            used[path] = name
    return used


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file and the setting."""


def load_config(path: str | Path, environ: Mapping[str, str] | None = None) -> PipelineConfig:
    """Read and validate the YAML, then the ENV_OVERRIDES set in ``environ`` (default:
    the process environment); one clear line per problem, never a traceback."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    file = Path(path)
    try:
        data = YAML(typ="safe").load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such configuration file") from None
    except YAMLError as error:
        raise ConfigError(f"{file}: invalid YAML: {error}") from None
    used = _apply_environment(data, os.environ if environ is None else environ)
    try:
        return PipelineConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        variable = used.get(tuple(str(part) for part in first["loc"]))
        if variable is not None:
            where = f"{where} (from {variable})"
        raise ConfigError(f"{file}: {where}: {first['msg']}") from None
