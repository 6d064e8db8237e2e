"""Answers from a file (``designkit new --answers FILE``) or from the prompts, checked once.

A file is YAML or JSON with the question keys (see :data:`QUESTION_KEYS`). A
missing required answer, an invalid value or an unknown key (a typo that would
otherwise be silently ignored) is one error naming the key and its line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from designkit.errors import UserError
from designkit.inputs import ANSWERS, read_input_text
from designkit.model import Pattern
from designkit.write.questions import (
    EXTRA_KEYS,
    QUESTION_KEYS,
    QUESTIONS,
    Criticality,
    InvalidAnswer,
    Sensitivity,
    Trigger,
    text,
)


@dataclass(frozen=True)
class Answers:
    """Everything ``designkit new`` knows about the integration, validated."""

    name: str
    source: str
    target: str
    entity: str
    purpose: str
    pattern: Pattern
    trigger: Trigger
    schedule: str | None
    daily_volume: int
    peak_per_minute: int
    latency: float
    sensitivity: Sensitivity
    criticality: Criticality
    platform: str
    date: str
    version: str = "0.1"
    designer: str | None = None

    @property
    def sensitive(self) -> bool:
        return self.sensitivity in (Sensitivity.CONFIDENTIAL, Sensitivity.RESTRICTED)


def _date(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise InvalidAnswer(f"expected a date such as 2026-03-01, got {value!r}")


def validate_answers(
    data: Mapping[str, Any],
    *,
    path: str = "<answers>",
    source_text: str = "",
    today: dt.date | None = None,
) -> Answers:
    """Check every answer, filling the ones a file may leave out with their defaults."""

    def fail(key: str, message: str) -> UserError:
        return UserError(f"answer '{key}': {message}", path=path, line=_line_of(source_text, key))

    known = set(QUESTION_KEYS) | set(EXTRA_KEYS)
    for key in data:
        if key not in known:
            hint = ", ".join(QUESTION_KEYS)
            raise UserError(
                f"unknown answer '{key}'",
                path=path,
                line=_line_of(source_text, str(key)),
                hint=f"the answers are: {hint}, and optionally {', '.join(EXTRA_KEYS)}",
            )
    values: dict[str, Any] = {}
    for question in QUESTIONS:
        if not question.applies(values):
            values[question.key] = None
            continue
        if question.key in data and data[question.key] is not None:
            raw = data[question.key]
        elif question.required_in_file:
            raise fail(question.key, "missing (it has no default in an answers file)")
        else:
            raw = question.default(values)
        try:
            values[question.key] = question.parse(raw)
        except InvalidAnswer as error:
            raise fail(question.key, str(error)) from None
    extras: dict[str, Any] = {
        "date": lambda raw: _date(raw) if raw else (today or dt.date.today()).isoformat(),
        "version": lambda raw: "0.1" if raw is None else text(raw),
        "designer": lambda raw: text(raw) if raw else None,
    }
    for key, parse in extras.items():
        try:
            values[key] = parse(data.get(key))
        except InvalidAnswer as error:
            raise fail(key, str(error)) from None
    return Answers(**values)


def _line_of(source_text: str, key: str) -> int | None:
    """The line a key is written on in a YAML or JSON file (for the error message)."""
    if not source_text:
        return None
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*:", re.MULTILINE)
    match = pattern.search(source_text)
    return source_text.count("\n", 0, match.start()) + 1 if match else None


def load_answers(path: str | Path, *, today: dt.date | None = None) -> Answers:
    """Read and check an answers file (YAML or JSON)."""
    from designkit.render.markdown import load_mapping

    name = str(path)
    source = read_input_text(path, ANSWERS)
    data = load_mapping(source, name)
    return validate_answers(data, path=name, source_text=source, today=today)
