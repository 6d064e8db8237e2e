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
from designkit.parse.markdown import DocumentTree, Fence, Section
from designkit.parse.sections import SPECS, TOP_LEVEL, classify_heading, clean_title
from designkit.parse.tables import (
    Cell,
    Labelled,
    NamedTable,
    TableRow,
    find_label,
    find_table,
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
_PAREN_DURATION = re.compile(r"\(([^()]*)\)\s*$")
_TEMPLATE_DIAGRAM_NODES = frozenset(
    {"Source System", "Integration Layer", "Target System", "Trigger", "Transform/Route", "Deliver"}
)


@dataclass
class Extraction:
    """What the extractor produced: plain data for the model, plus diagnostics and locations."""

    data: dict[str, Any]
    diagnostics: list[Diagnostic]
    locations: dict[str, Location]
    sections: dict[str, int] = field(default_factory=dict)


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
        sections = self.tree.sections
        lines = self.tree.source_lines
        unknown_until = -1  # an unknown heading swallows deeper unknown headings
        unknown_level = 0
        for index, section in enumerate(sections):
            if section.level == 0:
                continue
            if self.title is None and section.level == 1 and not self.by_key:
                self.title = section
                continue
            key = classify_heading(section.title)
            if key is None:
                if index <= unknown_until and section.level > unknown_level:
                    continue
                end = section.end_line
                for later in sections[index + 1 :]:
                    if later.level <= section.level or classify_heading(later.title) is not None:
                        break
                    end = later.end_line
                    unknown_until = sections.index(later)
                unknown_level = section.level
                text = "\n".join(lines[section.line : end]).strip("\n")
                self.extras.append((section, text))
                parent = self._parent_key(index)
                if parent is not None:
                    self.children.setdefault(parent, []).append(section)
                continue
            unknown_until = -1
            if key == "phases.phase":
                self.phases.append(section)
                continue
            if key in self.by_key:
                first = self.by_key[key]
                self.report(
                    "DK103",
                    Severity.WARNING,
                    f"section '{section.title}' repeats '{first.title}' (line {first.line}); "
                    "only the first is read",
                    section.line,
                    1,
                    key,
                )
                self.extras.append(
                    (section, "\n".join(lines[section.line : section.end_line]).strip("\n"))
                )
                continue
            self.by_key[key] = section

    def _parent_key(self, index: int) -> str | None:
        level = self.tree.sections[index].level
        for earlier in reversed(self.tree.sections[:index]):
            if 0 < earlier.level < level:
                key = classify_heading(earlier.title)
                if key is not None and key != "phases.phase":
                    return key
                level = earlier.level
        return None

    def scopes(self, key: str) -> list[Section]:
        """Where to look for a sub-section's content: itself (and its unknown children),
        else its parent section."""
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

    def looks_like_design(self) -> bool:
        titled = self.title is not None and _TITLE_PREFIX.match(self.title.title) is not None
        top = sum(1 for spec in TOP_LEVEL if spec.key in self.by_key)
        return titled or top >= 2

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
        return labelled_lines(self.scopes(key))

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
        data: dict[str, Any] = {
            "meta": self.meta(),
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
        return Extraction(data, self.diagnostics, self.locations, sections)

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
        found = find_label(labels, ("type", "design type", "document type"))
        if found is not None:
            out["type"] = self.enum(
                found.value, DESIGN_TYPES, "design type", "meta.type", found.line, found.column
            )
        return out

    def _labelled_fields(
        self, key: str, prefix: str, fields: Sequence[tuple[str, tuple[str, ...]]]
    ) -> dict[str, Any]:
        labels = self.labels(key)
        out: dict[str, Any] = {}
        for name, aliases in fields:
            found = find_label(labels, aliases)
            if found is not None:
                out[name] = self.text(found.value, f"{prefix}.{name}", found.line, found.column)
        return out

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
                out["purpose"] = self.text(
                    " ".join(line.text for line in plain),
                    "overview.purpose",
                    plain[0].line,
                    plain[0].column,
                )
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
                out[name] = self.text(found.value, f"architecture.{name}", found.line, found.column)
        out["diagram"] = self.diagram()
        return out

    def diagram(self) -> dict[str, Any]:
        fences = [
            fence
            for section in self.scopes("architecture.diagram")
            for fence in section.fences
            if fence.info.lower() not in {"json", "yaml", "yml"}
        ]
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
            for s in scopes
            for f in s.fences
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
                out[name] = self.text(
                    found.value, f"data.schema_versioning.{name}", found.line, found.column
                )
        found = find_label(labels, ("compatibility", "compatibility mode"))
        if found is not None:
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
            backoff = self.convert(
                text, v.parse_duration_list, f"{path}.backoff_seconds", line, column
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
        labels = self.labels("observability.logging") + self.labels("observability")
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


def _failover(text: str) -> Failover:
    return v.parse_enum(text, FAILOVER, what="failover")


def _text_value(text: str) -> str:
    return text


def extract(tree: DocumentTree, path: str) -> tuple[Extractor, Extraction]:
    extractor = Extractor(tree, path)
    return extractor, extractor.run()
