"""Findings in the design's own words: labels for model paths, values in the design's units.

Why this exists: findings are read aloud in design reviews, and
``reliability.idempotency.dedup_window_seconds is 86400, needs >= ...`` is the
engine talking, not the design. This module turns what a check saw (its
:class:`~designkit.rubric.checks.Fact`) into a sentence about the design: "The
deduplication window (1 day) is shorter than DLQ retention (14 days)".

- A criterion may carry a ``message:`` template with named placeholders
  (:data:`OUTCOME_PLACEHOLDERS`, filled from the check's fact, and
  :data:`DESIGN_VALUES`, read from the design). It is used when what failed can
  fill every placeholder; otherwise the sentence is built from the check kind and
  a human label per model path (:mod:`designkit.rubric.vocabulary`), so a
  criterion whose other sub-check failed still gets a true sentence.
- Values are shown in the design's units, chosen by path: ``*_seconds`` as a
  duration (``43 min``, ``1 hour``), ``*_days`` as days or years, ``*_percent``
  with ``%``, rounded as a person would write them.
- ``remediation:`` and ``example:`` texts may use the design placeholders with a
  neutral fallback (``{error_rate_target|0.5%}``), so a fix example quotes the
  design's own values and never another design's.

Only criteria that do not pass are worded; the trace (paths, patterns, raw
values) stays with the finding for JSON, SARIF and ``designkit explain``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from designkit.rubric.checks import Fact
from designkit.rubric.paths import PathError, compile_path, resolve
from designkit.rubric.vocabulary import LABELS, PLURAL, ROWS, WORDS

PLACEHOLDER = re.compile(r"\{([a-z][a-z_]*)(?:\|([^{}]*))?\}")
"""``{name}`` or ``{name|fallback words}``; JSON such as ``{"name": ...}`` never matches."""

OUTCOME_PLACEHOLDERS: dict[str, str] = {
    "value": "the value that failed, in its unit",
    "other": "the value it was compared with, in its own unit",
    "limit": "the compared value times the check's factor, in the first value's unit",
    "expected": "the values an equals/one_of check wanted",
    "row": "the list item the check ran on, named by its first column",
    "count": "how many items a count check found",
    "min": "a count check's minimum",
    "max": "a count check's maximum",
    "label": "the checked value's name",
    "other_label": "the compared value's name",
}
"""Placeholders a ``message:`` template may use, filled from what the check saw."""

DESIGN_VALUES: dict[str, tuple[str, str]] = {
    "availability": ("success_criteria.availability_percent", "the availability target"),
    "monthly_budget": (
        "success_criteria.availability_percent|monthly_downtime_seconds",
        "the monthly downtime budget",
    ),
    "error_rate_target": ("success_criteria.error_rate_percent", "the error-rate target"),
    "latency_target": ("success_criteria.latency_p95_seconds", "the latency target"),
    "dlq_retention": ("error_handling.dead_letter_queue.retention_days", "the DLQ retention"),
    "dedup_window": ("reliability.idempotency.dedup_window_seconds", "the deduplication window"),
    "rto": ("reliability.disaster_recovery.rto_seconds", "the RTO"),
    "rpo": ("reliability.disaster_recovery.rpo_seconds", "the RPO"),
    "entity": ("data.canonical_model.entity", "Record"),
    "first_field": ("data.canonical_model.fields[0].name", "record_id"),
    "idempotency_key": ("reliability.idempotency.key", "the idempotency key"),
}
"""Placeholders any rubric text may use: name -> (model path, neutral words without it)."""

_INDEX = re.compile(r"\[\d+\]")
_LAST_INDEX = re.compile(r"^(.*)\[(\d+)\]$")
_QUOTE_LIMIT = 40


# ---------------------------------------------------------------- templates


@lru_cache(maxsize=1024)
def placeholders(text: str) -> tuple[tuple[str, str | None], ...]:
    """The ``{name}`` / ``{name|fallback}`` placeholders of a text, in order."""
    return tuple((m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(text))


def unknown_placeholders(text: str, allowed: Iterable[str]) -> list[str]:
    """Placeholder names a text uses that ``allowed`` does not offer (for rubric checking)."""
    known = set(allowed)
    return [name for name, _ in placeholders(text) if name not in known]


def _design_value(name: str, model: Mapping[str, Any] | None) -> str | None:
    """A design value for a rubric text: numbers in their unit, names as written."""
    if model is None:
        return None
    path = DESIGN_VALUES[name][0]
    value = _read(model, path)
    if value is None or value == "" or isinstance(value, list | dict):
        return None
    if isinstance(value, str):  # a name goes into an example as the design spells it
        return quote(value)[1:-1]
    return show(path, value)


def fill(text: str, model: Mapping[str, Any] | None) -> str:
    """A rubric text with its design placeholders filled from ``model``, or their fallbacks.

    ``model=None`` gives the neutral wording (``designkit explain``, passing criteria).
    """
    if "{" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        name, fallback = match.group(1), match.group(2)
        if name not in DESIGN_VALUES:
            return match.group(0)
        found = _design_value(name, model)
        if found is not None:
            return found
        return fallback if fallback is not None else DESIGN_VALUES[name][1]

    return PLACEHOLDER.sub(replace, text)


# ---------------------------------------------------------------- values and units


def _read(model: Mapping[str, Any], path: str) -> Any:
    try:
        return resolve(compile_path(path), model, model, "").value
    except PathError:
        return None


_STEP = re.compile(r"\.|(?=\[)")


@lru_cache(maxsize=1024)
def _steps(concrete: str) -> tuple[str | int, ...]:
    """``data.mappings[3]`` -> ("data", "mappings", 3): a row's way through the model."""
    return tuple(
        int(part[1:-1]) if part.startswith("[") else part for part in _STEP.split(concrete) if part
    )


def _item(model: Mapping[str, Any], concrete: str) -> Any:
    """The value at a concrete path without filters: a plain walk, for naming rows fast."""
    current: Any = model
    for step in _steps(concrete):
        if isinstance(step, int):
            current = current[step] if isinstance(current, list) and step < len(current) else None
        else:
            current = current.get(step) if isinstance(current, dict) else None
    return current


@lru_cache(maxsize=4096)
def generic(path: str) -> str:
    """``error_handling.retry_policies[1].timeout_seconds`` -> ``...retry_policies[].timeout_seconds``."""
    return _INDEX.sub("[]", path)


@lru_cache(maxsize=4096)
def unit(path: str) -> str:
    """The unit a path's values are in: duration, days, percent, weeks, rate, count, level
    or "" (a plain number or a text)."""
    base, _, filter_name = generic(path).partition("|")
    if filter_name == "monthly_downtime_seconds":
        return "duration"
    if filter_name == "len":
        return "count"
    if filter_name == "number":
        return ""
    leaf = base.rsplit(".", 1)[-1].removesuffix("[]")
    for suffix, name in (
        ("_seconds", "duration"),
        ("_days", "days"),
        ("_percent", "percent"),
        ("_weeks", "weeks"),
        ("_per_minute", "rate"),
        ("_level", "level"),
    ):
        if leaf.endswith(suffix):
            return name
    return ""


def _plural(count: float, word: str) -> str:
    return f"{_number(count)} {word}" + ("" if count == 1 else "s")


def _number(value: float) -> str:
    """At most three decimals, no trailing zeros: 0.5, 99.95, 1296."""
    rounded = round(float(value), 3)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:g}"


def duration(seconds: float) -> str:
    """Seconds as a person writes them: 45 seconds, 90 seconds, 22 min, 1 hour, 2 h 10 min, 14 days."""
    value = float(seconds)
    if value < 60:
        return _plural(round(value, 1), "second")
    if value < 3600:
        if value % 60 and value < 600:
            return _plural(round(value), "second")
        return f"{round(value / 60)} min"
    if value < 86400:
        minutes = round(value / 60)
        hours, rest = divmod(minutes, 60)
        if rest == 0:
            return _plural(hours, "hour")
        return f"{minutes} min" if minutes < 120 else f"{hours} h {rest} min"
    if value % 86400 == 0:
        return days(value / 86400)
    if value % 3600 == 0:
        return _plural(value / 3600, "hour")
    return f"{value / 86400:.1f} days"


def days(count: float) -> str:
    """Days as written in a design: 1 day, 14 days, 7 years (a parsed '7 years' is 2555)."""
    value = float(count)
    if value >= 365 and value % 365 == 0:
        return _plural(value / 365, "year")
    if not value.is_integer() and value < 1:
        return duration(value * 86400)
    return _plural(value, "day")


def _text(value: str, field: str = "") -> str:
    """An enum value as words (``natural_key`` -> ``natural key``), a free text quoted."""
    if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", value):
        return WORDS.get(field, {}).get(value) or value.replace("_", " ")
    return quote(value)


def quote(text: str, limit: int = _QUOTE_LIMIT) -> str:
    """A document text inside a sentence: one line, at most about 40 characters, quoted."""
    flat = " ".join(str(text).replace("`", "").replace("**", "").split())
    if len(flat) > limit:
        flat = flat[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
    return f"'{flat}'"


def show(path: str, value: Any, as_unit: str | None = None) -> str:
    """A value in the unit of its path (or ``as_unit``), rounded as a person would write it."""
    kind = unit(path) if as_unit is None else as_unit
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(show(path, item, kind) for item in value) or "none"
    if isinstance(value, str):
        return _text(value, generic(path).partition("|")[0].rsplit(".", 1)[-1])
    if not isinstance(value, int | float) or math.isnan(value):
        return quote(str(value))
    if kind == "duration":
        return duration(value)
    if kind == "days":
        return days(value)
    if kind == "percent":
        return f"{_number(value)}%"
    if kind == "weeks":
        return _plural(value, "week")
    if kind == "rate":
        return f"{_number(value)} per minute"
    if kind == "level":
        return f"level {_number(value)}"
    return _number(value)


@lru_cache(maxsize=4096)
def label(path: str) -> str:
    """What a reviewer calls the value at ``path``; never the path itself.

    A path over every item of a list (``flow.normal[].description``) is named by the
    list: the check read all of it.
    """
    if "[]" in path:
        return label(path.split("[]", 1)[0])
    found = LABELS.get(generic(path))
    if found is not None:
        return found
    base = generic(path).partition("|")[0]
    leaf = base.rsplit(".", 1)[-1].replace("[]", "")
    for suffix in ("_seconds", "_days", "_percent", "_weeks"):
        leaf = leaf.removesuffix(suffix)
    return leaf.replace("_", " ") or "the value"


def row_name(row: str, model: Mapping[str, Any] | None) -> str:
    """A list item named by its first column: ``retry row 'NetSuite timeout'``."""
    match = _LAST_INDEX.match(row)
    if match is None:
        return label(row)
    list_path, index = match.group(1), int(match.group(2))
    noun, columns = ROWS.get(generic(list_path), ("item", ()))
    item = _item(model, row) if model is not None else None
    if isinstance(item, dict) and noun == "arrow":  # an arrow is named by both ends
        ends = " -> ".join(str(item.get(column) or "?") for column in columns)
        return f"arrow {quote(ends, 60)}"
    if isinstance(item, dict):
        for column in columns:
            value = item.get(column)
            if isinstance(value, str) and value.strip():
                if generic(list_path) in ("flow.normal", "flow.errors"):
                    return f"the {value.replace('_', ' ').title()} {noun.split()[-1]}"
                return f"{noun} {quote(value)}"
    if noun == "item":
        return f"item {index + 1} of {label(list_path)}"
    return f"{noun} {index + 1}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():  # an acronym: 'DLQ retention', 'TLS 1.2'
        return text
    return text[:1].lower() + text[1:]


# ---------------------------------------------------------------- messages


_VIOLATED = {
    "<=": "more than",
    "<": "not less than",
    ">=": "less than",
    ">": "not more than",
    "==": "different from",
    "!=": "the same as",
}
"""A compare operator -> how the failing value stands to the limit."""


_ROW_OF = re.compile(r"^(.*\[\d+\])\.[^\[]+$")


@lru_cache(maxsize=4096)
def _row_of(path: str) -> str | None:
    """The list item a concrete path is inside: ``data.mappings[3].target_field`` -> ``data.mappings[3]``."""
    match = _ROW_OF.match(path.partition("|")[0])
    return match.group(1) if match else None


def _in_row(fact: Fact) -> bool:
    row = fact.row or _row_of(fact.path)
    return bool(row) and fact.path.startswith(f"{row}.")


_OFFERS: dict[str, frozenset[str]] = {
    "compare": frozenset({"value", "other", "limit"}),
    "one_of": frozenset({"value", "expected"}),
    "count": frozenset({"count"}),
    "subset": frozenset({"value", "other_label"}),
}
"""The outcome placeholders each kind of fact can fill (``label`` and ``row`` aside)."""


class OutcomeValues(Mapping[str, str]):
    """The placeholders a fact can fill, formatted in the design's units on first use.

    Lazy because most findings need one or two of them (a template without
    placeholders needs none), and scoring words every criterion that fails.
    """

    def __init__(self, fact: Fact, model: Mapping[str, Any] | None) -> None:
        self.fact = fact
        self.model = model
        self.row = fact.row or _row_of(fact.path)
        names = {"label", *_OFFERS.get(fact.kind, ())}
        if self.row:
            names.add("row")
        if fact.kind == "compare" and fact.other is not None:
            names.add("other_label")
        if fact.kind == "count":
            low, high = fact.expected
            names |= {"min"} if low is not None else set()
            names |= {"max"} if high is not None else set()
        self.names = frozenset(names)
        self.done: dict[str, str] = {}

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.names))

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, name: str) -> str:
        if name not in self.names:
            raise KeyError(name)
        found = self.done.get(name)
        if found is None:
            found = self.done[name] = self._format(name)
        return found

    def _format(self, name: str) -> str:
        fact = self.fact
        if name == "label":
            return label(fact.path)
        if name == "row":
            return row_name(self.row or "", self.model)
        if name == "other_label":
            return label(fact.other or "")
        if fact.kind == "count":
            low, high = fact.expected
            return _number({"count": fact.value, "min": low, "max": high}[name])
        if fact.kind == "one_of":
            if name == "expected":
                return _either([show(fact.path, v) for v in fact.expected])
            return show(fact.path, fact.value)
        if fact.kind == "subset":
            return quote(str(fact.value))
        left_unit = unit(fact.path)  # compare
        other_unit = unit(fact.other) if fact.other else left_unit
        shared = left_unit or other_unit  # 'alert_threshold|number' takes the target's %
        if name == "value":
            return show(fact.path, fact.value, shared)
        if name == "limit":
            return show(fact.path, fact.other_value * fact.factor, shared)
        if fact.other is None:
            return show(fact.path, fact.other_value, shared)
        return show(fact.other, fact.other_value, other_unit or shared)


def outcome_values(fact: Fact, model: Mapping[str, Any] | None) -> OutcomeValues:
    """The message placeholders this fact can fill, formatted in the design's units."""
    return OutcomeValues(fact, model)


def _either(words: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _be(name: str) -> str:
    return "are" if name in PLURAL else "is"


def _have(name: str) -> str:
    return "have" if name in PLURAL else "has"


def _bare(name: str) -> str:
    """``the total backoff`` -> ``total backoff``, for "has no ..."."""
    return name.removeprefix("the ")


def _fits(template: str, values: Mapping[str, str], model: Mapping[str, Any] | None) -> bool:
    for name, fallback in placeholders(template):
        if name in DESIGN_VALUES:
            if fallback is None and _design_value(name, model) is None:
                return False
        elif name not in values:
            return False
    return True


def _fill_message(template: str, values: Mapping[str, str], model: Mapping[str, Any] | None) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        return fill(match.group(0), model)

    return PLACEHOLDER.sub(replace, template)


def _generic(fact: Fact, values: Mapping[str, str], title: str) -> str:
    """A sentence from the check kind alone, for when no template fits what failed."""
    name = values["label"]
    row = values["row"] if _in_row(fact) else ""  # a row is named only when it is the subject
    where = f"{row}: " if row else ""
    subject = f"{where}{name}" if where else name
    if fact.kind in ("present", "missing"):
        return f"{row} has no {_bare(name)}" if row else f"{name} {_be(name)} not stated"
    if fact.kind == "one_of":
        return f"{subject} {_be(name)} {values['value']}, not {values['expected']}"
    if fact.kind == "compare":
        gap = _VIOLATED.get(fact.op or "", "outside")
        if fact.other is None:
            return f"{subject} {_be(name)} {values['value']}, {gap} {values['other']}"
        limit = values["limit"] if fact.factor != 1 else values["other"]
        return f"{subject} ({values['value']}) {_be(name)} {gap} {values['other_label']} ({limit})"
    if fact.kind == "count":
        low = fact.expected[0]
        if low is not None and fact.value < low:
            return f"{subject} {_have(name)} fewer than {values['min']} entries"
        return f"{subject} {_have(name)} more than {values.get('max', values['count'])} entries"
    if fact.kind == "empty":
        noun = ROWS.get(generic(fact.path), ("", ()))[0]
        if noun and not where:
            return f"the design has no {noun}s"
        return f"{subject} {_have(name)} no entries"
    if fact.kind == "subset":
        return f"{where}{values['value']} is not among {values['other_label']}"
    return f"{subject} does not show that {_lower_first(title)}"


def compose(
    templates: str | Sequence[str] | None,
    title: str,
    fact: Fact | None,
    model: Mapping[str, Any] | None,
    unknown: bool = False,
) -> str:
    """The finding's message: the first of the criterion's templates that what failed can
    fill, else a sentence from the check kind; a value that is not there (unknown) is
    always "... is not stated", whatever the templates say about a wrong value."""
    if fact is None:
        return _sentence(f"The design does not show that {_lower_first(title)}")
    values = outcome_values(fact, model)
    if unknown or fact.kind == "missing":
        missing = Fact("missing", fact.path, row=fact.row)
        return _sentence(_generic(missing, values, title))
    for template in (templates,) if isinstance(templates, str) else templates or ():
        if _fits(template, values, model):
            return _sentence(_fill_message(template, values, model))
    return _sentence(_generic(fact, values, title))


def template_default(concrete: str, model: Mapping[str, Any] | None) -> str:
    """The message for a value left exactly as the blank template's example."""
    name = row_name(concrete, model) if _LAST_INDEX.match(concrete) else label(concrete)
    return _sentence(f"{name} is still the template's example value")
