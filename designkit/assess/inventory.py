"""What a platform export says about the integrations it holds, each fact with its source.

``designkit assess`` reads exports from iPaaS and ETL platforms (Talend, Workato,
MuleSoft) into this one model, so that everything after reading (the inventory
report, red flags, current-state designs, the roadmap) is written once and works
for every platform. Every fact keeps the file and line it was read from
(:class:`Source`): a consultant must be able to show the client where a finding
comes from, and a statement without a source is not made.

Readers never drop what they do not understand: a component or step of an
unknown kind is kept as a :class:`Step` with ``kind="unknown"``.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Source(BaseModel):
    """Where in the export a fact was read: the file (as given on the command line) and line."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class TriggerKind(StrEnum):
    SCHEDULE = "schedule"
    WEBHOOK = "webhook"
    POLLING = "polling"
    EVENT = "event"
    MANUAL = "manual"
    CALLED = "called"
    """Started by another job, recipe or flow (callable recipe, child job, flow-ref target)."""
    UNKNOWN = "unknown"


class Trigger(BaseModel):
    kind: TriggerKind
    detail: str = ""
    """Platform wording: the cadence (``every 5 minutes``, a cron), the path, the event name."""
    source: Source


class Connection(BaseModel):
    """A system the integration talks to, as far as the export names it."""

    name: str
    """The connection's or system's name in the export (``salesforce``, ``tMysqlOutput_1``)."""
    connector: str
    """Connector or component kind (``salesforce``, ``tMysqlOutput``, ``http:request``)."""
    system_kind: str = "application"
    """``database``, ``file``, ``http``, ``queue``, ``application``, ``email``, ``ftp`` ..."""
    endpoint: str = ""
    """Host, URL, table, object or path where the export names one (never a credential)."""
    auth: str = ""
    """Authentication method where the export names it (``basic``, ``oauth2``, ``api key``)."""
    direction: str = ""
    """``read``, ``write`` or ``read/write`` where the step makes it clear."""
    source: Source


class StepKind(StrEnum):
    TRIGGER = "trigger"
    READ = "read"
    WRITE = "write"
    CALL = "call"
    """An external call (HTTP, SOAP, connector action) that is neither plainly read nor write."""
    TRANSFORM = "transform"
    ROUTE = "route"
    """Condition, filter, choice, loop."""
    ERROR_HANDLER = "error_handler"
    LOG = "log"
    CODE = "code"
    """Custom code (tJava, Ruby/JS steps, Groovy, scripts)."""
    SUBJOB = "subjob"
    """A call into another job, recipe or flow."""
    OTHER = "other"
    UNKNOWN = "unknown"


class Step(BaseModel):
    name: str
    component: str
    """The platform's own kind for the step (``tMap``, ``salesforce.search_records``)."""
    kind: StepKind
    connection: str = ""
    """Name of the :class:`Connection` it uses, if any."""
    detail: str = ""
    source: Source


class MappingKind(StrEnum):
    DIRECT = "direct"
    FORMULA = "formula"
    LOOKUP = "lookup"
    CONDITIONAL = "conditional"
    CONSTANT = "constant"


class FieldMapping(BaseModel):
    source_expression: str
    target_field: str
    kind: MappingKind
    step: str = ""
    source: Source


class ErrorHandlingKind(StrEnum):
    RETRY = "retry"
    ON_ERROR = "on_error"
    """An error handler (catch block, on-error-continue/propagate, COMPONENT_ERROR link)."""
    ERROR_OUTPUT = "error_output"
    """A reject / error row output kept apart (Talend REJECT, tMap error output)."""
    DEAD_LETTER = "dead_letter"
    DIE_ON_ERROR = "die_on_error"
    TIMEOUT = "timeout"
    LOG = "log"


class ErrorHandling(BaseModel):
    kind: ErrorHandlingKind
    step: str = ""
    """The step it protects or belongs to, when the export ties it to one."""
    attempts: int | None = None
    """For retries: total attempts or retries as the platform counts them (see ``detail``)."""
    delay_seconds: float | None = None
    timeout_seconds: float | None = None
    detail: str = ""
    """What the handler does, in the platform's words (``on-error-continue: logs and continues``)."""
    continues: bool = False
    """Processing goes on after the failure (on-error-continue, a catch that does not re-raise,
    die-on-error off): the failed record is gone unless the handler logs or dead-letters it."""
    logs: bool = False
    """The handler (or the error output) logs the failure or keeps the failed record."""
    source: Source


class JobCall(BaseModel):
    """One job calling another (callable recipe, tRunJob child job, flow-ref)."""

    caller: str
    callee: str
    synchronous: bool = True
    source: Source


class ContextVariable(BaseModel):
    """A context variable or property. ``secret`` marks a credential-like name;
    ``value`` is never kept for a secret (only ``has_plain_value`` says it was filled)."""

    name: str
    value: str = ""
    secret: bool = False
    has_plain_value: bool = False
    """For a secret: the export holds a literal, non-empty, non-placeholder value."""
    scope: str = ""
    """Context group / environment / properties file the variable belongs to."""
    source: Source


class Integration(BaseModel):
    """One job, recipe or flow: the unit an assessment describes and scores."""

    name: str
    platform: str
    """``talend``, ``workato`` or ``mule``."""
    description: str = ""
    source: Source
    triggers: list[Trigger] = Field(default_factory=list)
    connections: list[Connection] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    mappings: list[FieldMapping] = Field(default_factory=list)
    error_handling: list[ErrorHandling] = Field(default_factory=list)
    calls: list[JobCall] = Field(default_factory=list)
    variables: list[ContextVariable] = Field(default_factory=list)
    passes_correlation_id: Source | None = None
    """Where the integration propagates a correlation/trace id, if anywhere."""


class Inventory(BaseModel):
    """Everything read from the exports given to one ``designkit assess`` run."""

    exports: list[str] = Field(default_factory=list)
    integrations: list[Integration] = Field(default_factory=list)
    shared_variables: list[ContextVariable] = Field(default_factory=list)
    """Variables not tied to one integration (Talend context groups, Mule properties files)."""
    shared_connections: list[Connection] = Field(default_factory=list)
    """Connections declared apart from any integration (Workato connection lists, Talend metadata)."""
