"""The pipeline's configuration: ``config/pipeline.yaml``, validated at start-up.

Every value was taken from the integration design by ``designkit scaffold``;
the YAML names the document line each came from. The document's text only
ever arrives here as data: names, numbers and expressions that this module
validates and the runtime interprets, never as code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
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


class Source(_Strict):
    kind: Literal["jsonl", "csv", "http"] = "jsonl"
    path: str = "data/sample.jsonl"
    url: str | None = None
    auth: Literal["none", "oauth2_client_credentials", "api_key", "mtls"] = "none"


class Target(_Strict):
    kind: Literal["sqlite", "jsonl", "http", "postgres"] = "sqlite"
    path: str = "var/target.sqlite"
    table: str = "records"
    url: str | None = None
    auth: Literal["none", "oauth2_client_credentials", "api_key", "mtls"] = "none"

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


class ValidationRuleConfig(_Strict):
    rule: str
    when: Literal["pre_send", "post_receive"] = "pre_send"
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


class PipelineConfig(_Strict):
    integration: Integration
    # where records travel between stages and where the shared state lives (issue: scale out)
    transport: Literal["embedded", "rabbitmq"] = "embedded"
    state: Literal["sqlite", "postgres"] = "sqlite"
    rabbitmq: RabbitMQ = Field(default_factory=RabbitMQ)
    postgres: Postgres = Field(default_factory=Postgres)
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


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file and the setting."""


def load_config(path: str | Path) -> PipelineConfig:
    """Read and validate the YAML; one clear line per problem, never a traceback."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    file = Path(path)
    try:
        data = YAML(typ="safe").load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such configuration file") from None
    except YAMLError as error:
        raise ConfigError(f"{file}: invalid YAML: {error}") from None
    try:
        return PipelineConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{file}: {where}: {first['msg']}") from None
