"""Section tree -> :class:`~designkit.model.Design`.

Every malformed piece becomes a diagnostic, never an exception: a reviewer
wants all the problems of a document in one run. Every value that lands in the
model records where it came from (``locations``), so later stages can point at
the line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from designkit.diagnostics import Diagnostic, Severity
from designkit.model import (
    Compatibility,
    DesignType,
    DocumentKind,
    Failover,
    IdempotencyApproach,
    Level,
    Pattern,
    RetryStrategy,
    Transformation,
)
from designkit.parse import values as v
from designkit.parse.architecture import find_architecture
from designkit.parse.diagram import read_diagram
from designkit.parse.kind import (
    DECLARED_KINDS,
    KIND_WORDS,
    Shape,
    has_flow_table,
    library_shape,
    recognise_shape,
    vocabulary,
)
from designkit.parse.markdown import DocumentTree, Fence, Line, Section
from designkit.parse.placement import PHASE, Placement, place_headings
from designkit.parse.sections import SPECS, TOP_LEVEL, Confidence, HeadingMatch, clean_title
from designkit.parse.tables import (
    Cell,
    Labelled,
    NamedTable,
    TableRow,
    find_label,
    find_table,
    key_matches,
    labelled_lines,
    split_label,
)

T = TypeVar("T")

Location = tuple[int, int]

# --------------------------------------------------------------------------- enum vocabularies

PATTERNS = {
    "api_led": Pattern.API_LED,
    "api": Pattern.API_LED,
    "api_first": Pattern.API_LED,
    "event_driven": Pattern.EVENT_DRIVEN,
    "event_based": Pattern.EVENT_DRIVEN,
    "event": Pattern.EVENT_DRIVEN,
    "eda": Pattern.EVENT_DRIVEN,
    "pub_sub": Pattern.EVENT_DRIVEN,
    "hub_spoke": Pattern.HUB_SPOKE,
    "hub_and_spoke": Pattern.HUB_SPOKE,
    "hub": Pattern.HUB_SPOKE,
    "etl": Pattern.ETL,
    "elt": Pattern.ETL,
    "batch": Pattern.ETL,
    "batch_etl": Pattern.ETL,
    "hybrid": Pattern.HYBRID,
}
DESIGN_TYPES = {
    "new_design": DesignType.NEW_DESIGN,
    "new": DesignType.NEW_DESIGN,
    "improvement_roadmap": DesignType.IMPROVEMENT_ROADMAP,
    "improvement": DesignType.IMPROVEMENT_ROADMAP,
    "roadmap": DesignType.IMPROVEMENT_ROADMAP,
}
TRANSFORMATIONS = {
    "direct": Transformation.DIRECT,
    "copy": Transformation.DIRECT,
    "direct_copy": Transformation.DIRECT,
    "passthrough": Transformation.DIRECT,
    "pass_through": Transformation.DIRECT,
    "lookup": Transformation.LOOKUP,
    "look_up": Transformation.LOOKUP,
    "map": Transformation.LOOKUP,
    "formula": Transformation.FORMULA,
    "calculated": Transformation.FORMULA,
    "computed": Transformation.FORMULA,
    "expression": Transformation.FORMULA,
    "concatenate": Transformation.FORMULA,
    "concat": Transformation.FORMULA,
    "conditional": Transformation.CONDITIONAL,
    "if": Transformation.CONDITIONAL,
    "case": Transformation.CONDITIONAL,
}
COMPATIBILITY = {
    "forward": Compatibility.FORWARD,
    "backward": Compatibility.BACKWARD,
    "backwards": Compatibility.BACKWARD,
    "full": Compatibility.FULL,
    "none": Compatibility.NONE,
}
STRATEGIES = {
    "exponential": RetryStrategy.EXPONENTIAL,
    "exp": RetryStrategy.EXPONENTIAL,
    "fixed": RetryStrategy.FIXED,
    "constant": RetryStrategy.FIXED,
    "fixed_delay": RetryStrategy.FIXED,
    "retry_after": RetryStrategy.FIXED,
    "linear": RetryStrategy.LINEAR,
    "incremental": RetryStrategy.LINEAR,
    "none": RetryStrategy.NONE,
    "no_retry": RetryStrategy.NONE,
    "no": RetryStrategy.NONE,
    "do_not_retry": RetryStrategy.NONE,
    "fail_fast": RetryStrategy.NONE,
    "never": RetryStrategy.NONE,
}
APPROACHES = {
    "idempotency_key": IdempotencyApproach.IDEMPOTENCY_KEY,
    "idempotency": IdempotencyApproach.IDEMPOTENCY_KEY,
    "natural_key": IdempotencyApproach.NATURAL_KEY,
    "business_key": IdempotencyApproach.NATURAL_KEY,
    "upsert": IdempotencyApproach.UPSERT,
    "merge": IdempotencyApproach.UPSERT,
}
FAILOVER = {
    "manual": Failover.MANUAL,
    "automatic": Failover.AUTOMATIC,
    "automated": Failover.AUTOMATIC,
    "auto": Failover.AUTOMATIC,
}
LEVELS = {
    "h": Level.HIGH,
    "high": Level.HIGH,
    "m": Level.MEDIUM,
    "med": Level.MEDIUM,
    "medium": Level.MEDIUM,
    "l": Level.LOW,
    "low": Level.LOW,
}

# --------------------------------------------------------------------------- column vocabularies

MAPPING_COLUMNS = {
    "source_field": ("source field", "source", "from", "source attribute"),
    "source_type": ("source type",),
    "transformation": (
        "transformation",
        "transform",
        "transformation type",
        "mapping type",
        "rule",
        "logic",
    ),
    "target_field": ("target field", "target", "to", "target attribute", "destination field"),
    "target_type": ("target type",),
    "notes": ("notes", "note", "comments", "comment", "remarks", "description"),
}
VALIDATION_COLUMNS = {
    "rule": ("rule", "validation", "check"),
    "when": ("when", "stage", "timing"),
    "action": ("action on failure", "action", "on failure", "failure action"),
}
RETRY_COLUMNS = {
    "scenario": ("scenario", "error", "condition", "error type", "failure"),
    "strategy": ("strategy", "retry strategy", "policy"),
    "max_attempts": ("max attempts", "attempts", "max retries", "retries", "maximum attempts"),
    "backoff": ("backoff", "delays", "delay", "backoff delays", "intervals"),
    "timeout": ("timeout", "time limit", "per attempt timeout"),
}
LOGGING_COLUMNS = {
    "level": ("level", "log level"),
    "what": ("what to log", "what", "events", "content"),
    "example": ("example", "examples", "sample"),
}
METRIC_COLUMNS = {
    "name": ("metric", "name", "signal"),
    "description": ("description", "meaning", "measures"),
    "alert_threshold": ("alert threshold", "threshold", "alert", "alerting"),
}
AUTH_COLUMNS = {
    "connection": ("connection", "system", "interface", "endpoint"),
    "method": ("auth method", "method", "authentication", "mechanism"),
    "details": ("details", "detail", "notes", "rotation"),
}
AUDIT_COLUMNS = {
    "event": ("event", "events", "audit event"),
    "fields": ("logged fields", "fields", "data logged"),
    "retention": ("retention", "retention period", "kept for"),
}
METRIC_TARGET_COLUMNS = {
    "metric": ("metric", "measure", "kpi", "aspect"),
    "target": ("target", "goal", "value", "objective"),
    "current": ("current", "today", "baseline", "as is"),
}
TESTING_COLUMNS = {
    "type": ("type", "test type", "level", "kind"),
    "coverage_target": ("coverage target", "coverage", "scope", "target"),
    "tools": ("tools", "tool", "framework", "tooling"),
    "when": ("when", "frequency", "cadence", "trigger"),
}
ASPECT_COLUMNS = {
    "aspect": ("aspect", "item", "consideration", "topic"),
    "details": ("details", "detail", "value", "notes", "description"),
}
RISK_COLUMNS = {
    "risk": ("risk", "risk description", "description"),
    "probability": ("probability", "likelihood", "prob"),
    "impact": ("impact", "severity"),
    "mitigation": ("mitigation", "mitigations", "response", "mitigation strategy"),
}
QUESTION_COLUMNS = {
    "question": ("question", "questions", "topic"),
    "owner": ("owner", "who", "assignee"),
    "due": ("due", "due date", "when", "deadline"),
    "status": ("status", "state"),
}

_TITLE_PREFIX = re.compile(r"^integration\s+design\s*[:\-–—]\s*", re.IGNORECASE)
_INTEGER = r"(\d[\d,]*)"
_FAILURES = re.compile(
    _INTEGER + r"\s*(?:consecutive\s+)?(?:failures|failed|errors|faults|timeouts)\b", re.IGNORECASE
)
_PERCENT_IN_TEXT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_WINDOW = re.compile(
    r"\b(?:in|within|over|per|during)\s+(?:an?\s+|the\s+last\s+|a\s+rolling\s+)?"
    r"(\d+(?:\.\d+)?\s*[a-zA-Z]+|minute|hour|second)\b",
    re.IGNORECASE,
)
_AFTER = re.compile(r"\bafter\s+(?:an?\s+)?(\d+(?:\.\d+)?\s*[a-zA-Z]+)", re.IGNORECASE)
_PROBES = re.compile(
    _INTEGER + r"\s*(?:test\s+|trial\s+|probe\s+)?(?:requests?|calls?|probes?|messages?)\b",
    re.IGNORECASE,
)
_SUCCESSES = re.compile(
    _INTEGER + r"\s*(?:consecutive\s+)?(?:successes|successful|success)\b", re.IGNORECASE
)
_THRESHOLD = re.compile(r"(?:>=?|≥|above|over|exceeds|more than)\s*(\d[\d,]*)", re.IGNORECASE)
_WITHIN = re.compile(r"\b(?:within|in under|in|under)\s+(\d+(?:\.\d+)?\s*[a-zA-Z]+)", re.IGNORECASE)
_CODE = frozenset(
    {
        "json",
        "yaml",
        "yml",
        "toml",
        "ini",
        "xml",
        "go",
        "golang",
        "python",
        "py",
        "javascript",
        "js",
        "typescript",
        "ts",
        "tsx",
        "jsx",
        "java",
        "kotlin",
        "csharp",
        "cs",
        "c",
        "cpp",
        "rust",
        "ruby",
        "php",
        "swift",
        "sql",
        "bash",
        "sh",
        "shell",
        "zsh",
        "powershell",
        "console",
        "http",
        "graphql",
        "dockerfile",
        "hcl",
        "terraform",
        "env",
        "diff",
    }
)
"""Fence info strings of program code, configuration or data: never a diagram. JSON is
still read where JSON is wanted (the canonical model)."""
_LIST_MARKER = re.compile(r"^(?:[-*+]|\d{1,9}[.)])(?:\s|$)")
_PAREN_DURATION = re.compile(r"\(([^()]*)\)\s*$")
_TEMPLATE_DIAGRAM_NODES = frozenset(
    {"Source System", "Integration Layer", "Target System", "Trigger", "Transform/Route", "Deliver"}
)


@dataclass(frozen=True, slots=True)
class Topic:
    """What a sub-section is about, to tell its text apart inside its parent section."""

    labels: tuple[str, ...]
    """Labels that belong to this sub-section wherever they stand (``Reprocessing``)."""
    about: re.Pattern[str]
    """Words that say a heading, label or value talks about it."""


TOPICS: dict[str, Topic] = {
    "error_handling.dead_letter_queue": Topic(
        ("when to dlq", "dlq", "dead letter", "reprocessing", "reprocess", "replay", "redrive"),
        re.compile(
            r"\bdlq|dead[\s-]?letter|poison|quarantin|\bpark(?:ed|ing)\b|replay|reprocess|"
            r"re-?drive|re-?queue|failed\s+(?:messages?|events?|records?|rows?|items?|"
            r"orders?|deliver(?:y|ies)|jobs?|payloads?|webhooks?)",
            re.IGNORECASE,
        ),
    ),
    "error_handling.circuit_breaker": Topic(
        (
            "open after",
            "opens after",
            "trip after",
            "trips",
            "half open",
            "half opened",
            "halfopen",
            "close after",
            "closes after",
            "reset after",
            "circuit breaker",
            "breaker",
        ),
        re.compile(r"circuit|breaker|half[\s-]?open|\btrip", re.IGNORECASE),
    ),
    "reliability.idempotency": Topic(
        (
            "idempotency",
            "idempotency key",
            "dedup",
            "dedupe",
            "deduplication",
            "dedup key",
            "deduplication key",
        ),
        re.compile(
            r"idempot|de-?dup|duplicate|upsert|exactly[\s-]once|natural\s+key|business\s+key",
            re.IGNORECASE,
        ),
    ),
    "security.encryption": Topic(
        (
            "in transit",
            "at rest",
            "encryption",
            "secrets",
            "secret management",
            "secrets management",
            "key management",
        ),
        re.compile(
            r"encrypt|\btls\b|\bssl\b|https|\baes\b|\bkms\b|\bhsm\b|vault|secret|cipher|"
            r"at\s+rest|in\s+transit|key\s+management|certificate",
            re.IGNORECASE,
        ),
    ),
    "observability.logging": Topic(
        (
            "correlation id",
            "correlation",
            "trace id",
            "tracing",
            "structured format",
            "log format",
            "logging",
        ),
        re.compile(
            r"\blog|json|structured|logfmt|\becs\b|opentelemetry|\botel\b|trac(?:e|ing)|correlat",
            re.IGNORECASE,
        ),
    ),
    "architecture.diagram": Topic(
        ("diagram",),
        re.compile(
            r"diagram|architecture|topology|landscape|context|overview|data\s*flow|"
            r"integration\s+flow|components|systems",
            re.IGNORECASE,
        ),
    ),
    "data.canonical_model": Topic(
        ("canonical model", "data model"),
        re.compile(r"canonical|model|schema|entity|contract", re.IGNORECASE),
    ),
    "data.schema_versioning": Topic(
        ("versioning", "compatibility", "compatibility mode", "schema", "evolution"),
        re.compile(
            r"version|schema|compatib|evolution|semver|registry|avro|protobuf|breaking",
            re.IGNORECASE,
        ),
    ),
}
"""Sub-sections whose fields are read from labelled prose, and how to tell their text."""


@dataclass
class Extraction:
    """What the extractor produced: plain data for the model, plus diagnostics and locations."""

    data: dict[str, Any]
    diagnostics: list[Diagnostic]
    locations: dict[str, Location]
    sections: dict[str, int] = field(default_factory=dict)
    confidence: dict[str, Confidence] = field(default_factory=dict)
    """How sure each section's heading match is (exact, alias, loose)."""


class Extractor:
    """Reads one document tree. Use :func:`extract`."""

    def __init__(self, tree: DocumentTree, path: str) -> None:
        self.tree = tree
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.locations: dict[str, Location] = {}
        self.by_key: dict[str, Section] = {}
        self.children: dict[str, list[Section]] = {}
        self.phases: list[Section] = []
        self.extras: list[tuple[Section, str]] = []
        self.title: Section | None = None
        self.placement = Placement()
        self.found: dict[str, HeadingMatch] = {}
        self.declared_kind: DocumentKind | None = None
        self.declared_type: DesignType | None = None
        self._shape: Shape | None = None
        self._slots_reported: set[tuple[int, int]] = set()
        self._classify()

    # ------------------------------------------------------------------ diagnostics

    def report(
        self,
        code: str,
        severity: Severity,
        message: str,
        line: int,
        column: int = 1,
        field_path: str | None = None,
        hint: str | None = None,
    ) -> None:
        if code == "DK201":  # one placeholder finding per place, however many fields read it
            if (line, column) in self._slots_reported:
                return
            self._slots_reported.add((line, column))
        self.diagnostics.append(
            Diagnostic(code, severity, message, self.path, line, column, field_path, hint)
        )

    def at(self, path: str, line: int, column: int = 1) -> None:
        self.locations[path] = (line, column)

    # ------------------------------------------------------------------ structure

    def _classify(self) -> None:
        """Sort the headings into sections, extras, phases and repeats (see placement.py)."""
        sections = self.tree.sections
        lines = self.tree.source_lines
        placement = place_headings(sections)
        self.placement = placement
        if placement.title is not None:
            self.title = sections[placement.title]
        unknown_until = -1  # an unknown heading swallows deeper unknown headings
        unknown_level = 0
        for index, section in enumerate(sections):
            if section.level == 0 or index == placement.title:
                continue
            found = placement.matches.get(index)
            if index in placement.repeats and found is not None:
                first = sections[placement.repeats[index]]
                self.report(
                    "DK103",
                    Severity.WARNING,
                    f"section '{section.title}' repeats '{first.title}' (line {first.line}); "
                    "only the first is read",
                    section.line,
                    1,
                    found.key,
                )
                found = None  # kept whole as an extra section, like a heading nobody knows
            if found is None:
                if index <= unknown_until and section.level > unknown_level:
                    continue
                end = section.end_line
                for later in range(index + 1, len(sections)):
                    after = sections[later]
                    if after.level <= section.level or (
                        later in placement.matches and later not in placement.repeats
                    ):
                        break
                    end = after.end_line
                    unknown_until = later
                unknown_level = section.level
                text = "\n".join(lines[section.line : end]).strip("\n")
                self.extras.append((section, text))
                parent = self._parent_key(index)
                if parent is not None:
                    self.children.setdefault(parent, []).append(section)
                continue
            unknown_until = -1
            if found.key == PHASE:
                self.phases.append(section)
                continue
            self.by_key[found.key] = section
            self.found[found.key] = found
            if found.confidence is Confidence.LOOSE:
                self.report(
                    "DK105",
                    Severity.INFO,
                    f"heading '{section.title}' read as section '{SPECS[found.key].title}' "
                    f"(loose match on '{found.alias}')",
                    section.line,
                    1,
                    found.key,
                    f"rename it '{SPECS[found.key].title}' if that is what it is",
                )

    def _parent_key(self, index: int) -> str | None:
        level = self.tree.sections[index].level
        for earlier in range(index - 1, 0, -1):
            section = self.tree.sections[earlier]
            if 0 < section.level < level:
                key = self.placement.key_at(earlier)
                if key is not None and key != PHASE:
                    return key
                level = section.level
        return None

    def scopes(self, key: str) -> list[Section]:
        """Where to look for a sub-section's content: itself (and its unknown children),
        else its parent section (and the parent's unknown children)."""
        found: list[Section] = []
        section = self.by_key.get(key)
        if section is not None:
            found.append(section)
            found.extend(self.children.get(key, ()))
            return found
        parent = SPECS[key].parent if key in SPECS else None
        if parent is not None and parent in self.by_key:
            found.append(self.by_key[parent])
            found.extend(self.children.get(parent, ()))
        return found

    def section_line(self, key: str) -> int:
        section = self.by_key.get(key)
        if section is not None:
            return section.line
        parent = SPECS[key].parent if key in SPECS else None
        if parent and parent in self.by_key:
            return self.by_key[parent].line
        return 1

    @property
    def titled(self) -> bool:
        """Written from the template: its title is ``# Integration Design: NAME``."""
        return self.title is not None and _TITLE_PREFIX.match(self.title.title) is not None

    def is_integration_document(self) -> bool:
        """Whether there is anything here to read as an integration document.

        The template's title or two of its sections are enough (as they always
        were). Otherwise one of: an integration sub-section named as the template
        names it (Retry Logic, Dead Letter Queue, Mapping Specifications...), a
        table of systems, flows or mappings (Source and Target columns), or a
        section or an integration-document shape (ADR, review, requirements...)
        together with integration vocabulary. A library README or a changelog
        needs more than vocabulary: it talks about APIs and retries too.
        """
        if self.titled:
            return True
        top = sum(1 for spec in TOP_LEVEL if spec.key in self.by_key)
        if top >= 2:
            return True
        if any(
            key in _INTEGRATION_SUBSECTIONS and found.confidence is not Confidence.LOOSE
            for key, found in self.found.items()
        ):
            return True
        if has_flow_table(self.tree):
            return True
        if library_shape(self.tree):
            return False
        if (
            not self.by_key
            and self.declared_kind is None
            and self.shape().kind is DocumentKind.DESIGN
        ):
            return False
        return vocabulary("\n".join(self.tree.source_lines)) >= 3

    def shape(self) -> Shape:
        if self._shape is None:
            self._shape = recognise_shape(self.tree, self.title)
        return self._shape

    def document_kind(self) -> DocumentKind:
        """Stated (``**Document Kind**: ADR``), else ``design`` for a template document,
        else what the document's shape says."""
        if self.declared_kind is not None:
            return self.declared_kind
        if self.titled:
            return DocumentKind.DESIGN
        if self.declared_type is DesignType.IMPROVEMENT_ROADMAP:
            return DocumentKind.IMPROVEMENT_ROADMAP
        return self.shape().kind

    def _report_not_from_template(self, kind: DocumentKind) -> None:
        found = [SPECS[key].title for key in SPECS if key in self.by_key]
        named = f" ({', '.join(found)})" if found else ""
        signs = self.shape().signs if kind is self.shape().kind else ()
        why = f" ({', '.join(signs)})" if signs and self.declared_kind is None else ""
        self.report(
            "DK106",
            Severity.INFO,
            "not written from the template (no '# Integration Design: NAME' title): read as "
            f"{_with_article(KIND_WORDS[kind])}{why}; "
            f"{len(found)} of {len(SPECS)} template sections found{named}",
            1,
            1,
            "document_kind",
            "designkit reads what maps onto the template; the rest is kept as extra sections",
        )

    # ------------------------------------------------------------------ values

    def text(
        self,
        value: str | None,
        path: str,
        line: int,
        column: int = 1,
        *,
        optional: bool = False,
        numeric: bool = False,
    ) -> str | None:
        """Free text: kept as written; placeholders become ``None`` with a warning."""
        if value is None:
            return None
        value = value.strip()
        slot = v.slot_text(value) if "[" in value else None
        unfilled = v.is_placeholder(value) or (
            slot is not None
            and (value.startswith(slot) or (numeric and not _has_digit_outside_slots(value)))
        )
        if unfilled:
            self.at(path, line, column)
            if not (optional or v.is_not_applicable(value)):
                self._placeholder(value, path, line, column)
            return None
        self.at(path, line, column)
        if slot is not None:
            self.report(
                "DK201",
                Severity.WARNING,
                f"{path}: template slot {slot} left in {value!r}",
                line,
                column,
                path,
            )
        return value

    def _placeholder(self, value: str, path: str, line: int, column: int) -> None:
        shown = value if value else "an empty value"
        self.report(
            "DK201",
            Severity.WARNING,
            f"{path}: placeholder {shown!r} left unfilled" if value else f"{path}: left empty",
            line,
            column,
            path,
            "fill it in, or write N/A when it does not apply",
        )

    def convert(
        self,
        value: str | None,
        parser: Callable[[str], T],
        path: str,
        line: int,
        column: int = 1,
        *,
        optional: bool = False,
    ) -> T | None:
        """A typed value; placeholders -> ``None`` + warning, unparseable -> ``None`` + error."""
        if value is None:
            return None
        value = value.strip()
        self.at(path, line, column)
        if v.is_placeholder(value) or (v.has_slot(value) and not _has_digit_outside_slots(value)):
            if v.is_not_applicable(value) or (optional and v.is_blank(value)):
                return None
            self._placeholder(value, path, line, column)
            return None
        try:
            return parser(value)
        except v.UnparseableValue as error:
            self.report("DK202", Severity.ERROR, f"{path}: {error}", line, column, path)
            return None

    def enum(
        self,
        value: str | None,
        choices: dict[str, T],
        what: str,
        path: str,
        line: int,
        column: int = 1,
    ) -> T | None:
        return self.convert(
            value, lambda text: v.parse_enum(text, choices, what=what), path, line, column
        )

    def cell(self, row_cells: dict[str, Cell], name: str) -> tuple[str | None, int, int]:
        found = row_cells.get(name)
        if found is None:
            return None, 0, 0
        return found.text, found.line, found.column

    def labels(self, key: str) -> list[Labelled]:
        """The labelled lines a sub-section's fields are read from.

        Under the sub-section's own heading every label counts, and so does every
        label under a heading about it (``### Failed Message Handling`` for the
        DLQ). Read from the rest of the parent, a label counts only when it talks
        about the sub-section: its label is one of the sub-section's own
        (``Reprocessing``, ``Open after``), or its label or value names the topic.
        ``**Recovery**: User clicks Reconnect, goes through OAuth again`` under
        ``## Error Handling`` is not how dead letters are reprocessed.
        """
        scopes = self.scopes(key)
        if key not in TOPICS or key in self.by_key:
            return labelled_lines(scopes)
        return self.about(key, scopes)

    def about(self, key: str, sections: Sequence[Section]) -> list[Labelled]:
        """The labelled lines of ``sections`` that talk about sub-section ``key``: all
        of those under a heading about it, elsewhere only labels of its own or labels
        whose words name it (see :data:`TOPICS`)."""
        topic = TOPICS[key]
        found: list[Labelled] = []
        for section in sections:
            labels = labelled_lines((section,))
            if section.level and topic.about.search(section.title) is not None:
                found.extend(labels)
                continue
            found.extend(
                labelled
                for labelled in labels
                if key_matches(labelled.key, topic.labels)
                or topic.about.search(labelled.label) is not None
                or topic.about.search(labelled.value) is not None
            )
        return found

    def fences(self, key: str, *, code: bool = False) -> list[Fence]:
        """Fenced blocks a sub-section may be read from: its own (and its unknown
        children's), else its parent's own and those under a heading about it; unless
        ``code``, never a block of program code or data. ``### Directory Structure``
        under ``## Architecture`` is no architecture diagram, nor is a Go snippet."""
        found: list[Fence] = []
        own = key in self.by_key
        topic = TOPICS.get(key)
        for index, section in enumerate(self.scopes(key)):
            if not own and index and topic is not None and not topic.about.search(section.title):
                continue
            for fence in section.fences:
                language = fence.info.split()[0].lower() if fence.info.strip() else ""
                if code or language not in _CODE:
                    found.append(fence)
        return found

    def table(
        self,
        key: str,
        columns: Mapping[str, Sequence[str]],
        required: Sequence[str],
        *,
        report_missing: bool = True,
    ) -> NamedTable | None:
        found = find_table(self.scopes(key), columns, required, self.tree.source_lines)
        if found is None and report_missing and self.scopes(key):
            needed = ", ".join(repr(columns[name][0].title()) for name in required)
            self.report(
                "DK104",
                Severity.WARNING,
                f"{key}: no table with column(s) {needed} found",
                self.section_line(key),
                1,
                key,
            )
        if found is not None:
            self.at(key, found.line)
        return found

    # ------------------------------------------------------------------ the document

    def run(self) -> Extraction:
        meta = self.meta()
        kind = self.document_kind()
        if not self.titled:
            self._report_not_from_template(kind)
        data: dict[str, Any] = {
            "document_kind": kind,
            "meta": meta,
            "overview": self.overview(),
            "architecture": self.architecture(),
            "data": self.data(),
            "flow": self.flow(),
            "error_handling": self.error_handling(),
            "observability": self.observability(),
            "security": self.security(),
            "reliability": self.reliability(),
            "testing": self.testing(),
            "deployment": self.deployment(),
            "platform": self.platform(),
            "phases": self.read_phases(),
            "success_criteria": self.success_criteria(),
            "risks": self.risks(),
            "open_questions": self.open_questions(),
            "extra_sections": [
                {"title": clean_title(section.title), "text": text} for section, text in self.extras
            ],
        }
        for index, (section, _) in enumerate(self.extras):
            self.at(f"extra_sections[{index}]", section.line)
        self._report_missing()
        sections = {key: section.line for key, section in self.by_key.items()}
        confidence = {key: found.confidence for key, found in self.found.items()}
        return Extraction(data, self.diagnostics, self.locations, sections, confidence)

    def _report_missing(self) -> None:
        for spec in SPECS.values():
            if spec.key in self.by_key:
                continue
            if spec.key == "phases" and self.phases:
                continue
            if spec.parent is None:
                self.report(
                    "DK101",
                    Severity.WARNING,
                    f"missing section '{spec.title}'",
                    1,
                    1,
                    spec.key,
                    f"add a '## {spec.title}' section",
                )
            elif spec.parent in self.by_key:
                self.report(
                    "DK102",
                    Severity.INFO,
                    f"no '{spec.title}' heading under '{self.by_key[spec.parent].title}'",
                    self.by_key[spec.parent].line,
                    1,
                    spec.key,
                    f"add a '### {spec.title}' heading",
                )

    def meta(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.title is not None:
            title = self.title.title
            match = _TITLE_PREFIX.match(title)
            name = title[match.end() :] if match else title
            self.at("meta", self.title.line)
            out["name"] = self.text(name, "meta.name", self.title.line, 1)
            pre = [self.title]
        else:
            self.report(
                "DK101",
                Severity.WARNING,
                "missing title '# Integration Design: NAME'",
                1,
                1,
                "meta.name",
            )
            pre = [self.tree.sections[0]]
        labels = labelled_lines(pre)
        for name, aliases in (
            ("version", ("version",)),
            ("date", ("date", "last updated")),
            ("designer", ("designer", "author", "owner", "architect")),
            ("assessment_ref", ("assessment reference", "assessment")),
            ("scorecard_ref", ("scorecard reference", "scorecard")),
        ):
            found = find_label(labels, aliases)
            if found is not None:
                out[name] = self.text(found.value, f"meta.{name}", found.line, found.column)
        found = find_label(labels, ("document kind", "kind of document"))
        if found is not None and not v.is_placeholder(found.value):
            self.declared_kind = self.enum(
                found.value,
                DECLARED_KINDS,
                "document kind",
                "document_kind",
                found.line,
                found.column,
            )
        found = find_label(labels, ("type", "design type", "document type"))
        if found is not None:
            stated = DECLARED_KINDS.get(v.snake_case(found.value))
            if stated is not None and stated not in _DESIGN_KINDS:
                # '**Type**: ADR' names the kind of document, not a design type
                self.declared_kind = self.declared_kind or stated
                self.at("meta.type", found.line, found.column)
            else:
                out["type"] = self.enum(
                    found.value, DESIGN_TYPES, "design type", "meta.type", found.line, found.column
                )
                self.declared_type = out["type"]
        return out

    def _labelled_fields(
        self,
        key: str,
        prefix: str,
        fields: Sequence[tuple[str, tuple[str, ...]]],
    ) -> dict[str, Any]:
        """Free-text fields read from labels, each whole (see :meth:`carried_over`)."""
        labels = self.labels(key)
        out: dict[str, Any] = {}
        for name, aliases in fields:
            found = find_label(labels, aliases)
            if found is not None:
                value = self.carried_over(key, found.item, found.value)
                out[name] = self.text(value, f"{prefix}.{name}", found.line, found.column)
        return out

    def carried_over(self, key: str, start: Line, text: str) -> str:
        """``text`` (read from line ``start``) with what continues it after that line.

        A value goes on past its first line in two ways: the rest of its paragraph
        (a wrapped line that is not a label itself), and, when it ends with a colon
        ("... including:"), the list right below it. Both are kept, joined into one
        line the way they read (list items after the colon, separated by their own
        punctuation or '; '), so the value is whole and still writes back as one line.
        """
        lines = next(
            (
                section.lines
                for section in self.scopes(key)
                if any(ln is start for ln in section.lines)
            ),
            None,
        )
        if lines is None:
            return text
        index = next(i for i, ln in enumerate(lines) if ln is start) + 1
        source = self.tree.source_lines
        value = text.strip()
        previous = start.line
        while index < len(lines):  # the rest of the paragraph
            line = lines[index]
            raw = source[line.line - 1].lstrip() if line.line <= len(source) else ""
            if (
                line.depth != start.depth
                or line.line != previous + 1
                or _LIST_MARKER.match(raw)
                or split_label(line) is not None
            ):
                break
            value = f"{value} {line.text}".strip()
            previous = line.line
            index += 1
        if not value.endswith(":"):
            return value
        items: list[str] = []
        while index < len(lines) and lines[index].depth > start.depth:
            items.append(lines[index].text.strip())
            index += 1
        for item in items:
            joiner = " " if value.endswith((":", ",", ";", ".")) else "; "
            value = f"{value}{joiner}{item}"
        return value

    def overview(self) -> dict[str, Any]:
        out = self._labelled_fields(
            "overview",
            "overview",
            (
                ("purpose", ("purpose", "goal", "objective", "summary")),
                ("scope", ("scope", "in scope")),
                ("stakeholders", ("stakeholders", "owners", "stakeholder")),
            ),
        )
        if "purpose" not in out and "overview" in self.by_key:
            plain = [
                line
                for line in self.by_key["overview"].lines
                if not line.depth and split_label(line) is None
            ]
            if plain:
                text = " ".join(line.text for line in plain)
                if text.endswith(":"):  # '... including:' and the list below it
                    text = self.carried_over("overview", plain[-1], text)
                out["purpose"] = self.text(text, "overview.purpose", plain[0].line, plain[0].column)
        return out

    def architecture(self) -> dict[str, Any]:
        labels = self.labels("architecture")
        out: dict[str, Any] = {}
        found = find_label(labels, ("selected pattern", "pattern", "integration pattern"))
        if found is not None:
            out["pattern"] = self.enum(
                found.value, PATTERNS, "pattern", "architecture.pattern", found.line, found.column
            )
        for name, aliases in (
            ("rationale", ("rationale", "why")),
            ("alternatives", ("alternatives considered", "alternatives")),
        ):
            found = find_label(labels, aliases)
            if found is not None:
                value = self.carried_over("architecture", found.item, found.value)
                out[name] = self.text(value, f"architecture.{name}", found.line, found.column)
        out["diagram"] = self.diagram()
        return out

    def diagram(self) -> dict[str, Any]:
        fences = self.fences("architecture.diagram")
        drawn = read_diagram(fences[0].content.rstrip("\n")) if fences else None
        if drawn is None or not drawn.edges:  # no template arrows: boxes, Mermaid, flow tables
            arch = [s for k, s in self.by_key.items() if k.split(".", 1)[0] == "architecture"]
            found = find_architecture(self.tree, arch)
            if found is not None:
                for path, (line, column) in found.locations().items():
                    self.at(path, line, column)
                return found.model()
        if not fences or drawn is None:
            return {}
        fence = fences[0]
        text = fence.content.rstrip("\n")
        self.at("architecture.diagram.text", fence.line)
        edges = []
        names: set[str] = set()
        for index, edge in enumerate(drawn.edges):
            self.at(f"architecture.diagram.edges[{index}]", fence.line + edge.line, edge.column)
            edges.append({"source": edge.source, "target": edge.target, "label": edge.label})
            names.update((edge.source, edge.target))
        for index, box in enumerate(drawn.boxes):
            self.at(f"architecture.diagram.nodes[{index}]", fence.line + box.line, box.column)
        for arrow in drawn.dangling:
            self.report(
                "DK405",
                Severity.WARNING,
                f"architecture.diagram: arrow '{arrow.name}' has no box at one end",
                fence.line + arrow.line,
                arrow.column,
                "architecture.diagram",
                "put the system it points to in brackets, e.g. [Target System]",
            )
        if names and names <= _TEMPLATE_DIAGRAM_NODES:
            self.report(
                "DK201",
                Severity.WARNING,
                "architecture.diagram: still the template's example diagram",
                fence.line,
                1,
                "architecture.diagram",
                "name the real systems in the diagram",
            )
        return {"text": text, "nodes": [box.name for box in drawn.boxes], "edges": edges}

    # ------------------------------------------------------------------ data

    def data(self) -> dict[str, Any]:
        return {
            "canonical_model": self.canonical_model(),
            "mappings": self.mappings(),
            "schema_versioning": self.schema_versioning(),
            "validation_rules": self.validation_rules(),
        }

    def canonical_model(self) -> dict[str, Any]:
        scopes = self.scopes("data.canonical_model")
        fences = [
            f
            for f in self.fences("data.canonical_model", code=True)
            if f.info.lower().startswith("json") or f.content.lstrip().startswith("{")
        ]
        if not fences:
            if scopes:
                self.report(
                    "DK104",
                    Severity.WARNING,
                    "data.canonical_model: no ```json block found",
                    self.section_line("data.canonical_model"),
                    1,
                    "data.canonical_model",
                )
            return {}
        return self._canonical_from_fence(fences[0])

    def _canonical_from_fence(self, fence: Fence) -> dict[str, Any]:
        base = fence.line + 1
        self.at("data.canonical_model", fence.line)
        try:
            document = json.loads(fence.content)
        except json.JSONDecodeError as error:
            self.report(
                "DK203",
                Severity.ERROR,
                f"data.canonical_model: invalid JSON: {error.msg}",
                base + error.lineno - 1,
                error.colno,
                "data.canonical_model",
            )
            return {}
        if not isinstance(document, dict):
            self.report(
                "DK203",
                Severity.ERROR,
                "data.canonical_model: expected a JSON object",
                base,
                1,
                "data.canonical_model",
            )
            return {}
        lines = fence.content.split("\n")

        def line_of(needle: str) -> int:
            for offset, text in enumerate(lines):
                if needle in text:
                    return base + offset
            return base

        out: dict[str, Any] = {}
        for name in ("entity", "version"):
            raw = document.get(name)
            if raw is not None:
                out[name] = self.text(
                    str(raw), f"data.canonical_model.{name}", line_of(f'"{name}"')
                )
        raw_fields = document.get("fields", [])
        if isinstance(raw_fields, dict):
            raw_fields = [
                {"name": key, **(value if isinstance(value, dict) else {"type": value})}
                for key, value in raw_fields.items()
            ]
        if not isinstance(raw_fields, list):
            self.report(
                "DK203",
                Severity.ERROR,
                "data.canonical_model.fields: expected a list",
                line_of('"fields"'),
                1,
                "data.canonical_model.fields",
            )
            return out
        fields: list[dict[str, Any]] = []
        for raw in raw_fields:
            if not isinstance(raw, dict):
                continue
            name = str(raw.get("name") or "").strip()
            path = f"data.canonical_model.fields[{len(fields)}]"
            line = line_of(f'"{name}"') if name else line_of('"name"')
            if not name or v.is_placeholder(name):
                self.report(
                    "DK201",
                    Severity.WARNING,
                    "data.canonical_model.fields: a field with no name (template row)",
                    line,
                    1,
                    "data.canonical_model.fields",
                )
                continue
            self.at(path, line)
            required = raw.get("required", False)
            fields.append(
                {
                    "name": name,
                    "type": self.text(str(raw["type"]), f"{path}.type", line)
                    if raw.get("type")
                    else None,
                    "required": required is True or str(required).lower() in {"true", "yes", "y"},
                    "description": str(raw["description"]).strip() or None
                    if raw.get("description")
                    else None,
                }
            )
        out["fields"] = fields
        return out

    def mappings(self) -> list[dict[str, Any]]:
        table = self.table("data.mappings", MAPPING_COLUMNS, ("target_field",))
        if table is None:
            return []
        rows: list[dict[str, Any]] = []
        for path, row in self.filled_rows(
            table,
            "data.mappings",
            report=lambda row: any(cell.text for cell in row.cells.values()) or not row.extra,
        ):
            item: dict[str, Any] = {}
            for name in ("source_field", "source_type", "target_field", "target_type"):
                text, line, column = self.cell(row.cells, name)
                item[name] = self.text(
                    _identifier(text),
                    f"{path}.{name}",
                    line,
                    column,
                    optional=name.endswith("type"),
                )
            text, line, column = self.cell(row.cells, "transformation")
            item["transformation"] = self.enum(
                text, TRANSFORMATIONS, "transformation", f"{path}.transformation", line, column
            )
            text, line, column = self.cell(row.cells, "notes")
            item["notes"] = self.text(text, f"{path}.notes", line, column, optional=True)
            if row.extra:
                item["extra_columns"] = row.extra
            rows.append(item)
        return rows

    def schema_versioning(self) -> dict[str, Any]:
        labels = self.labels("data.schema_versioning")
        out: dict[str, Any] = {}
        for name, aliases in (
            ("approach", ("approach", "versioning", "scheme")),
            ("evolution", ("evolution", "rules", "policy")),
        ):
            found = find_label(labels, aliases)
            if found is not None:
                value = self.carried_over("data.schema_versioning", found.item, found.value)
                out[name] = self.text(
                    value, f"data.schema_versioning.{name}", found.line, found.column
                )
        found = find_label(labels, ("compatibility", "compatibility mode"))
        if found is not None and _says_none(found.value):
            # 'None' is one of the contract's compatibility modes, not a placeholder
            self.at("data.schema_versioning.compatibility", found.line, found.column)
            out["compatibility"] = Compatibility.NONE
        elif found is not None:
            out["compatibility"] = self.enum(
                found.value,
                COMPATIBILITY,
                "compatibility",
                "data.schema_versioning.compatibility",
                found.line,
                found.column,
            )
        return out

    def validation_rules(self) -> list[dict[str, Any]]:
        table = self.table("data.validation_rules", VALIDATION_COLUMNS, ("rule", "action"))
        return self._plain_rows(table, "data.validation_rules", ("rule", "when", "action"))

    def filled_rows(
        self, table: NamedTable, prefix: str, *, report: Callable[[TableRow], bool] | None = None
    ) -> Iterator[tuple[str, TableRow]]:
        """The rows someone filled in, each with its model path (``prefix[i]``) recorded.

        A row still in template form is skipped with a DK201 warning, unless
        ``report`` says this one is not worth one.
        """
        count = 0
        for row in table.rows:
            if all(v.is_placeholder(cell.text) for cell in row.cells.values()):
                if report is None or report(row):
                    self.report(
                        "DK201",
                        Severity.WARNING,
                        f"{prefix}: template row left unfilled",
                        row.line,
                        1,
                        prefix,
                    )
                continue
            path = f"{prefix}[{count}]"
            count += 1
            self.at(path, row.line)
            yield path, row

    def _plain_rows(
        self,
        table: NamedTable | None,
        prefix: str,
        names: Sequence[str],
        optional: Sequence[str] = (),
        numeric: Sequence[str] = (),
    ) -> list[dict[str, Any]]:
        if table is None:
            return []
        rows: list[dict[str, Any]] = []
        for path, row in self.filled_rows(table, prefix):
            item: dict[str, Any] = {}
            for name in names:
                text, line, column = self.cell(row.cells, name)
                item[name] = self.text(
                    text,
                    f"{path}.{name}",
                    line,
                    column,
                    optional=name in optional,
                    numeric=name in numeric,
                )
            if row.extra and prefix in _KEEPS_EXTRA_COLUMNS:
                item["extra_columns"] = row.extra
            rows.append(item)
        return rows

    # ------------------------------------------------------------------ flow

    def flow(self) -> dict[str, Any]:
        return {
            "normal": self._steps("flow.normal", "step", "description"),
            "errors": self._steps("flow.errors", "kind", "handling"),
        }

    def _steps(self, key: str, name_field: str, text_field: str) -> list[dict[str, Any]]:
        section = self.by_key.get(key)
        if section is None:
            return []
        items = [
            item
            for item in section.items
            if item.depth == 1 and (item.ordered or item.number is None)
        ]
        out: list[dict[str, Any]] = []
        for item in items:
            if not item.ordered and not any(i.ordered for i in items):
                pass
            elif not item.ordered:
                continue
            labelled = split_label(item)
            path = f"{key}[{len(out)}]"
            if labelled is not None:
                name = v.snake_case(labelled.label) or f"step_{len(out) + 1}"
                text = self.text(
                    labelled.value, f"{path}.{text_field}", labelled.line, labelled.column
                )
            else:
                name = f"step_{item.number or len(out) + 1}"
                text = self.text(item.text, f"{path}.{text_field}", item.line, item.column)
            self.at(path, item.line, item.column)
            out.append({name_field: name, text_field: text})
        return out

    # ------------------------------------------------------------------ error handling

    def error_handling(self) -> dict[str, Any]:
        return {
            "retry_policies": self.retry_policies(),
            "dead_letter_queue": self.dead_letter_queue(),
            "circuit_breaker": self.circuit_breaker(),
        }

    def retry_policies(self) -> list[dict[str, Any]]:
        table = self.table(
            "error_handling.retry_policies", RETRY_COLUMNS, ("scenario", "max_attempts")
        )
        if table is None:
            return []
        rows: list[dict[str, Any]] = []
        for path, row in self.filled_rows(table, "error_handling.retry_policies"):
            item: dict[str, Any] = {}
            text, line, column = self.cell(row.cells, "scenario")
            item["scenario"] = self.text(text, f"{path}.scenario", line, column)
            strategy_text, line, column = self.cell(row.cells, "strategy")
            item["strategy"] = self.enum(
                strategy_text, STRATEGIES, "retry strategy", f"{path}.strategy", line, column
            )
            text, line, column = self.cell(row.cells, "max_attempts")
            item["max_attempts"] = self.convert(
                text, v.parse_count, f"{path}.max_attempts", line, column
            )
            text, line, column = self.cell(row.cells, "backoff")
            named, offset, delays = _strategy_and_delays(text)
            if named is not None and "strategy" not in row.cells:
                # 'exponential (1s/2s/4s)' in a table without a Strategy column names both
                strategy_text = named
                item["strategy"] = self.enum(
                    named, STRATEGIES, "retry strategy", f"{path}.strategy", line, column
                )
            backoff = self.convert(
                delays, v.parse_duration_list, f"{path}.backoff_seconds", line, column + offset
            )
            item["backoff_seconds"] = backoff or []
            text, line, column = self.cell(row.cells, "timeout")
            item["timeout_seconds"] = self.convert(
                text, v.parse_duration, f"{path}.timeout_seconds", line, column
            )
            item["jitter"] = _mentions_jitter(strategy_text, row.extra)
            if row.extra:
                item["extra_columns"] = row.extra
            rows.append(item)
        return rows

    def dead_letter_queue(self) -> dict[str, Any]:
        key = "error_handling.dead_letter_queue"
        prefix = "error_handling.dead_letter_queue"
        labels = self.labels(key)
        out = self._labelled_fields(
            key,
            prefix,
            (
                ("when", ("when to dlq", "when", "triggers", "trigger", "conditions")),
                ("monitoring", ("monitoring", "alerting", "alerts")),
                ("reprocessing", ("reprocessing", "replay", "reprocess", "recovery")),
            ),
        )
        threshold = find_label(labels, ("alert threshold", "threshold"))
        source = threshold or find_label(labels, ("monitoring", "alerting", "alerts"))
        if source is not None:
            out["alert_threshold"] = self.convert(
                source.value,
                _dlq_threshold,
                f"{prefix}.alert_threshold",
                source.line,
                source.column,
            )
        found = find_label(labels, ("retention", "retention period", "kept for", "ttl"))
        if found is not None:
            out["retention_days"] = self.convert(
                found.value,
                v.parse_retention_days,
                f"{prefix}.retention_days",
                found.line,
                found.column,
            )
        return out

    def circuit_breaker(self) -> dict[str, Any]:
        prefix = "error_handling.circuit_breaker"
        labels = self.labels(prefix)
        out: dict[str, Any] = {}
        opened = find_label(labels, ("open after", "opens after", "open", "trip after", "trips"))
        if opened is not None:
            value = opened.value
            if (
                v.is_placeholder(value) or not _has_digit_outside_slots(value)
            ) and not v.is_not_applicable(value):
                self._placeholder(value, f"{prefix}.failure_threshold", opened.line, opened.column)
            else:
                out["failure_threshold"] = self._pick(
                    value, _FAILURES, v.parse_count, f"{prefix}.failure_threshold", opened
                )
                out["error_rate_percent"] = self._pick(
                    value,
                    _PERCENT_IN_TEXT,
                    float,
                    f"{prefix}.error_rate_percent",
                    opened,
                )
                out["window_seconds"] = self._pick(
                    value, _WINDOW, v.parse_duration, f"{prefix}.window_seconds", opened
                )
        half = find_label(labels, ("half open", "half opened", "halfopen", "probe"))
        if half is not None and v.has_slot(half.value) and not _states_half_open_delay(half.value):
            self._placeholder(
                half.value, f"{prefix}.half_open_after_seconds", half.line, half.column
            )
        elif half is not None:
            out["half_open_after_seconds"] = self._pick(
                half.value,
                _AFTER,
                v.parse_duration,
                f"{prefix}.half_open_after_seconds",
                half,
                required=True,
            )
            out["half_open_requests"] = self._pick(
                half.value, _PROBES, v.parse_count, f"{prefix}.half_open_requests", half
            )
        closed = find_label(labels, ("close after", "closes after", "close", "reset after"))
        if (
            closed is not None
            and v.has_slot(closed.value)
            and not _has_digit_outside_slots(closed.value)
        ):
            self._placeholder(
                closed.value, f"{prefix}.close_after_successes", closed.line, closed.column
            )
        elif closed is not None:
            out["close_after_successes"] = self._pick(
                closed.value,
                _SUCCESSES,
                v.parse_count,
                f"{prefix}.close_after_successes",
                closed,
                required=True,
            )
        return out

    def _pick(
        self,
        text: str,
        pattern: re.Pattern[str],
        parser: Callable[[str], T],
        path: str,
        found: Labelled,
        *,
        required: bool = False,
    ) -> T | None:
        """One number out of a sentence: '5 consecutive failures or 50% error rate in 60s'."""
        match = pattern.search(text)
        if match is None:
            if v.has_slot(text):
                self.report(
                    "DK201",
                    Severity.WARNING,
                    f"{path}: template slot left in {text!r}",
                    found.line,
                    found.column,
                    path,
                )
            elif required:
                self.report(
                    "DK202",
                    Severity.ERROR,
                    f"{path}: no number found in {text!r}",
                    found.line,
                    found.column,
                    path,
                )
            return None
        try:
            result = parser(match.group(1))
        except (v.UnparseableValue, ValueError) as error:
            self.report("DK202", Severity.ERROR, f"{path}: {error}", found.line, found.column, path)
            return None
        self.at(path, found.line, found.column + match.start(1))
        return result

    # ------------------------------------------------------------------ observability

    def observability(self) -> dict[str, Any]:
        logging_table = self.table("observability.logging", LOGGING_COLUMNS, ("level",))
        out: dict[str, Any] = {
            "logging": self._plain_rows(
                logging_table,
                "observability.logging",
                ("level", "what", "example"),
                optional=("example",),
            ),
        }
        labels = self.labels("observability.logging")
        if "observability.logging" in self.by_key:
            labels += self.about("observability.logging", self.scopes("observability"))
        for name, aliases in (
            ("correlation_id", ("correlation id", "correlation", "trace id", "tracing")),
            ("structured_format", ("structured format", "format", "log format")),
        ):
            found = find_label(labels, aliases)
            if found is not None:
                out[name] = self.text(
                    found.value, f"observability.{name}", found.line, found.column
                )
        metrics = self.table("observability.metrics", METRIC_COLUMNS, ("name",))
        out["metrics"] = self._plain_rows(
            metrics,
            "observability.metrics",
            ("name", "description", "alert_threshold"),
            numeric=("alert_threshold",),
        )
        out["dashboards"] = self.dashboards()
        return out

    def dashboards(self) -> list[dict[str, Any]]:
        section = self.by_key.get("observability.dashboards")
        if section is None:
            return []
        out: list[dict[str, Any]] = []
        for item in section.items:
            if item.depth != 1:
                continue
            labelled = split_label(item)
            path = f"observability.dashboards[{len(out)}]"
            self.at(path, item.line, item.column)
            if labelled is not None:
                out.append(
                    {
                        "name": labelled.label,
                        "contents": self.text(
                            labelled.value, f"{path}.contents", labelled.line, labelled.column
                        ),
                    }
                )
            else:
                out.append({"name": item.text, "contents": None})
        return out

    # ------------------------------------------------------------------ security

    def security(self) -> dict[str, Any]:
        auth = self.table("security.authentication", AUTH_COLUMNS, ("connection", "method"))
        audit = self.table("security.audit", AUDIT_COLUMNS, ("event",))
        audit_rows: list[dict[str, Any]] = []
        if audit is not None:
            for path, row in self.filled_rows(audit, "security.audit", report=lambda _: False):
                event, line, column = self.cell(row.cells, "event")
                fields, fline, fcolumn = self.cell(row.cells, "fields")
                retention, rline, rcolumn = self.cell(row.cells, "retention")
                audit_rows.append(
                    {
                        "event": self.text(event, f"{path}.event", line, column),
                        "fields": self.text(fields, f"{path}.fields", fline, fcolumn),
                        "retention_days": self.convert(
                            retention,
                            v.parse_retention_days,
                            f"{path}.retention_days",
                            rline,
                            rcolumn,
                        ),
                    }
                )
        encryption = self._labelled_fields(
            "security.encryption",
            "security.encryption",
            (
                ("in_transit", ("in transit", "transit", "transport")),
                ("at_rest", ("at rest", "rest", "storage")),
                (
                    "secrets",
                    (
                        "secrets",
                        "secret management",
                        "secrets management",
                        "key management",
                        "keys",
                    ),
                ),
            ),
        )
        return {
            "authentication": self._plain_rows(
                auth,
                "security.authentication",
                ("connection", "method", "details"),
                optional=("details",),
            ),
            "encryption": encryption,
            "audit": audit_rows,
        }

    # ------------------------------------------------------------------ reliability

    def reliability(self) -> dict[str, Any]:
        prefix = "reliability.idempotency"
        labels = self.labels(prefix)
        idempotency: dict[str, Any] = {}
        found = find_label(labels, ("approach", "strategy", "method"))
        if found is not None:
            idempotency["approach"] = self.enum(
                found.value,
                APPROACHES,
                "idempotency approach",
                f"{prefix}.approach",
                found.line,
                found.column,
            )
        found = find_label(labels, ("key", "idempotency key", "dedup key", "deduplication key"))
        if found is not None:
            idempotency["key"] = self.text(found.value, f"{prefix}.key", found.line, found.column)
        found = find_label(
            labels,
            (
                "deduplication window",
                "dedup window",
                "dedupe window",
                "window",
                "deduplication",
                "dedup",
            ),
        )
        if found is not None:
            idempotency["dedup_window_seconds"] = self.convert(
                found.value,
                v.parse_duration,
                f"{prefix}.dedup_window_seconds",
                found.line,
                found.column,
            )
        return {"idempotency": idempotency, "disaster_recovery": self.disaster_recovery()}

    def disaster_recovery(self) -> dict[str, Any]:
        prefix = "reliability.disaster_recovery"
        table = self.table(prefix, METRIC_TARGET_COLUMNS, ("metric", "target"))
        out: dict[str, Any] = {}
        if table is None:
            return out
        parser: Callable[[str], Any]
        for row in table.rows:
            metric = v.normalise_key(row.cells["metric"].text if "metric" in row.cells else "")
            if metric.startswith(("rto", "recovery time")):
                name, parser = "rto_seconds", v.parse_duration
            elif metric.startswith(("rpo", "recovery point")):
                name, parser = "rpo_seconds", v.parse_duration
            elif metric.startswith("failover"):
                name, parser = "failover", _failover
            elif metric.startswith("backup"):
                name, parser = "backup", _text_value
            else:
                continue
            for column, field_name in (("target", name), ("current", f"current_{name}")):
                text, line, col = self.cell(row.cells, column)
                if text is None:
                    continue
                path = f"{prefix}.{field_name}"
                if parser is _text_value:
                    out[field_name] = self.text(text, path, line, col, optional=column == "current")
                else:
                    out[field_name] = self.convert(
                        text, parser, path, line, col, optional=column == "current"
                    )
        return out

    # ------------------------------------------------------------------ delivery

    def testing(self) -> list[dict[str, Any]]:
        table = self.table("testing", TESTING_COLUMNS, ("type",))
        return self._plain_rows(table, "testing", ("type", "coverage_target", "tools", "when"))

    def deployment(self) -> dict[str, Any]:
        out = self._labelled_fields(
            "deployment",
            "deployment",
            (
                ("strategy", ("strategy", "deployment strategy", "release strategy")),
                ("pipeline", ("pipeline", "ci cd", "ci cd pipeline")),
                ("rollback", ("rollback", "roll back")),
                ("environments", ("environment promotion", "environments", "promotion")),
            ),
        )
        rollback = out.get("rollback")
        if isinstance(rollback, str):
            match = _WITHIN.search(rollback)
            if match is not None:
                line, column = self.locations.get("deployment.rollback", (0, 1))
                seconds = self.convert(
                    match.group(1),
                    v.parse_duration,
                    "deployment.rollback_within_seconds",
                    line,
                    column,
                )
                out["rollback_within_seconds"] = seconds
        return out

    def platform(self) -> dict[str, Any]:
        prefix = "platform"
        table = self.table(prefix, ASPECT_COLUMNS, ("aspect", "details"), report_missing=False)
        pairs: list[tuple[str, str, int, int]] = []
        if table is not None:
            for row in table.rows:
                aspect = row.cells.get("aspect")
                detail = row.cells.get("details")
                if aspect is not None and detail is not None:
                    pairs.append(
                        (v.normalise_key(aspect.text), detail.text, detail.line, detail.column)
                    )
        else:
            pairs = [(lab.key, lab.value, lab.line, lab.column) for lab in self.labels(prefix)]
        out: dict[str, Any] = {}
        names = (
            ("platform", ("platform", "tool", "ipaas")),
            ("rationale", ("rationale", "why")),
            ("lock_in_risk", ("lock in risk", "lock in", "vendor lock in")),
            ("portability", ("portability",)),
            ("tco", ("tco estimate", "tco", "cost", "total cost of ownership")),
        )
        for key, text, line, column in pairs:
            for name, aliases in names:
                if name in out or not any(key == a or key.startswith(a + " ") for a in aliases):
                    continue
                if name == "lock_in_risk":
                    out[name] = self.enum(
                        text, LEVELS, "risk level", "platform.lock_in_risk", line, column
                    )
                else:
                    out[name] = self.text(text, f"platform.{name}", line, column)
                break
        return out

    def read_phases(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for section in self.phases:
            path = f"phases[{len(out)}]"
            self.at(path, section.line)
            title = (
                clean_title(section.title)
                if not section.title.lower().startswith("phase")
                else section.title.strip()
            )
            weeks: float | None = None
            match = _PAREN_DURATION.search(title)
            if match is not None and _looks_like_duration(match.group(1)):
                inside = match.group(1)
                title = title[: match.start()].strip()
                seconds = self.convert(
                    inside, v.parse_duration, f"{path}.duration_weeks", section.line, 1
                )
                weeks = round(seconds / 604800, 3) if seconds is not None else None
            items = [item.text for item in section.items if item.depth == 1]
            out.append({"name": title, "duration_weeks": weeks, "items": items})
        return out

    def success_criteria(self) -> dict[str, Any]:
        prefix = "success_criteria"
        table = self.table(prefix, METRIC_TARGET_COLUMNS, ("metric", "target"))
        out: dict[str, Any] = {}
        other: list[dict[str, Any]] = []
        if table is None:
            return out
        for row in table.rows:
            metric_cell = row.cells.get("metric")
            text, line, column = self.cell(row.cells, "target")
            if metric_cell is None:
                continue
            metric = v.normalise_key(metric_cell.text)
            target: tuple[str, Callable[[str], Any]] | None = None
            if metric.startswith(("throughput", "volume", "rate")):
                target = ("throughput_per_minute", v.parse_rate_per_minute)
            elif metric.startswith("latency") or " latency" in f" {metric}":
                target = ("latency_p95_seconds", v.parse_duration)
            elif metric.startswith(("availability", "uptime")):
                target = ("availability_percent", v.parse_percent)
            elif metric.startswith(("error rate", "errors", "failure rate")):
                target = ("error_rate_percent", v.parse_percent)
            elif metric.startswith(("maturity target", "maturity", "target maturity")):
                target = ("maturity_target_level", v.parse_level)
            if target is None or target[0] in out:
                path = f"{prefix}.other[{len(other)}]"
                self.at(path, row.line)
                other.append(
                    {
                        "metric": metric_cell.text,
                        "target": self.text(text, f"{path}.target", line, column),
                    }
                )
                continue
            out[target[0]] = self.convert(text, target[1], f"{prefix}.{target[0]}", line, column)
        if other:
            out["other"] = other
        return out

    def risks(self) -> list[dict[str, Any]]:
        table = self.table("risks", RISK_COLUMNS, ("risk",))
        if table is None:
            return []
        rows: list[dict[str, Any]] = []
        for path, row in self.filled_rows(table, "risks"):
            item: dict[str, Any] = {}
            for name in ("risk", "mitigation"):
                text, line, column = self.cell(row.cells, name)
                item[name] = self.text(text, f"{path}.{name}", line, column)
            for name in ("probability", "impact"):
                text, line, column = self.cell(row.cells, name)
                item[name] = self.enum(text, LEVELS, name, f"{path}.{name}", line, column)
            if row.extra:
                item["extra_columns"] = row.extra
            rows.append(item)
        return rows

    def open_questions(self) -> list[dict[str, Any]]:
        table = self.table("open_questions", QUESTION_COLUMNS, ("question",))
        return self._plain_rows(table, "open_questions", ("question", "owner", "due", "status"))


_INTEGRATION_SUBSECTIONS = frozenset(
    {
        "data.canonical_model",
        "data.mappings",
        "flow.normal",
        "flow.errors",
        "error_handling.retry_policies",
        "error_handling.dead_letter_queue",
        "error_handling.circuit_breaker",
        "reliability.idempotency",
    }
)
"""Sub-sections only an integration document has: one named as the template names it
is integration content on its own."""
_DESIGN_KINDS = frozenset({DocumentKind.DESIGN, DocumentKind.IMPROVEMENT_ROADMAP})


def _with_article(words: str) -> str:
    """``an ADR``, ``a review report``, ``an improvement roadmap``."""
    if words.isupper():
        return ("an " if words[0] in "AEFHILMNORSX" else "a ") + words
    return ("an " if words[0].lower() in "aeiou" else "a ") + words[0].lower() + words[1:]


_KEEPS_EXTRA_COLUMNS = frozenset(
    {"data.validation_rules"}
)  # plain-row tables whose model has extra_columns


def _identifier(text: str | None) -> str | None:
    """Field names lose the Markdown around them: ``\\`order_id\\``` -> ``order_id``."""
    if text is None:
        return None
    stripped = text.strip()
    if len(stripped) > 1 and stripped[0] == stripped[-1] == "`" and "`" not in stripped[1:-1]:
        return stripped[1:-1].strip()
    return stripped


def _has_digit_outside_slots(text: str) -> bool:
    remainder = text
    while True:
        slot = v.slot_text(remainder)
        if slot is None:
            break
        remainder = remainder.replace(slot, " ", 1)
    return any(ch.isdigit() for ch in remainder)


def _states_half_open_delay(text: str) -> bool:
    """True when the 'after ...' part of a half-open sentence is filled in."""
    match = _AFTER.search(text)
    return match is not None


def _mentions_jitter(strategy: str | None, extra: dict[str, str]) -> bool:
    if strategy and "jitter" in strategy.lower():
        return True
    for header, value in extra.items():
        if "jitter" in header.lower():
            lowered = value.strip().lower()
            return bool(lowered) and lowered not in {"no", "none", "false", "n/a", "-", "off"}
    return False


_STRATEGY_LEAD = re.compile(
    r"^([A-Za-z][A-Za-z \t_-]*?)[ \t]*(?:([:(\u2013\u2014-])[ \t]*)?(?=[\d.])"
)


def _strategy_and_delays(text: str | None) -> tuple[str | None, int, str | None]:
    """A Backoff cell that starts by naming its strategy: ``exponential (1s/2s/4s)``,
    ``fixed: 5s, 5s``, ``Exponential backoff: 2s, 4s, 8s``.

    Returns the strategy words (only when they name a strategy), the offset of the
    delays in the cell, and the delays; a cell without such a lead is returned whole.
    """
    if text is None:
        return None, 0, None
    stripped = text.strip()
    match = _STRATEGY_LEAD.match(stripped)
    if match is None:
        return None, 0, text
    lead = match.group(1).strip()
    try:
        v.parse_enum(lead, STRATEGIES, what="retry strategy")
    except v.UnparseableValue:
        return None, 0, text
    delays = stripped[match.end() :]
    if match.group(2) == "(" and delays.endswith(")") and "(" not in delays:
        delays = delays[:-1]
    return lead, text.find(stripped) + match.end(), delays


def _looks_like_duration(text: str) -> bool:
    """``4 weeks``, ``[X weeks]``, ``2-3 sprints``: a phase's parenthetical meant as its length."""
    lowered = text.lower()
    return v.has_slot(text) or any(
        unit in lowered for unit in ("week", "day", "month", "sprint", "wk")
    )


def _dlq_threshold(text: str) -> int:
    match = _THRESHOLD.search(text)
    if match is not None:
        return v.parse_count(match.group(1))
    return v.parse_count(text)


def _says_none(text: str) -> bool:
    """``None``, ``**None**``, ``none.``: the word itself, which ``N/A`` is not."""
    return text.strip().strip("*_`").strip().rstrip(".").lower() == "none"


def _failover(text: str) -> Failover:
    return v.parse_enum(text, FAILOVER, what="failover")


def _text_value(text: str) -> str:
    return text


def extract(tree: DocumentTree, path: str) -> tuple[Extractor, Extraction]:
    extractor = Extractor(tree, path)
    return extractor, extractor.run()
