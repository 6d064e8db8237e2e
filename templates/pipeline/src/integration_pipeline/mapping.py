"""Executes the design's mapping table as data and validates the canonical record.

Formulas and conditionals the document wrote as simple expressions run through
expressions.py; anything else is a ``hook``: a function in ``user_hooks.py``, a file
the user owns and the generator never overwrites.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from .config import Entity, MappingRule, PipelineConfig
from .errors import ValidationFailed
from .expressions import Expression, ExpressionError

HOOKS_FILE = "src/integration_pipeline/user_hooks.py"
_MISSING = object()


def get_path(record: Mapping[str, Any], path: str) -> Any:
    """``a.b.c`` into nested dicts; None when any part is missing."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _load_hook() -> Callable[[Mapping[str, Any], str, Any], Any]:
    try:
        module = importlib.import_module(f"{__package__}.user_hooks")
    except ModuleNotFoundError:
        raise ValidationFailed(
            f"a mapping needs a hook: write transform() in {HOOKS_FILE}"
        ) from None
    transform = getattr(module, "transform", None)
    if not callable(transform):
        raise ValidationFailed(
            f"{HOOKS_FILE} must define transform(record, target_field, source_value)"
        )
    return transform  # type: ignore[no-any-return]


class _Rule:
    def __init__(self, rule: MappingRule, config: PipelineConfig) -> None:
        self.rule = rule
        self.hook: Callable[[Mapping[str, Any], str, Any], Any] | None = None
        self.expression: Expression | None = None
        if rule.transformation in ("formula", "conditional"):
            if not rule.expression:
                raise ExpressionError(f"mapping to {rule.target!r} needs an expression or a hook")
            self.expression = Expression(rule.expression)
        if rule.transformation == "lookup":
            if not rule.lookup or rule.lookup not in config.lookups:
                raise ExpressionError(f"mapping to {rule.target!r}: unknown lookup {rule.lookup!r}")
            self.table = config.lookups[rule.lookup]

    def apply(self, record: Mapping[str, Any]) -> Any:
        rule = self.rule
        kind = rule.transformation
        if kind == "direct":
            value = get_path(record, rule.source or rule.target)
        elif kind == "lookup":
            raw = get_path(record, rule.source or rule.target)
            value = self.table.get(str(raw), rule.default) if raw is not None else rule.default
        elif kind == "hook":
            source_value = get_path(record, rule.source) if rule.source else None
            if self.hook is None:
                self.hook = _load_hook()  # once per mapping, not per record
            value = self.hook(record, rule.target, source_value)
        else:
            assert self.expression is not None
            try:
                value = self.expression.evaluate(record)
            except ExpressionError as error:
                raise ValidationFailed(str(error), rule=f"mapping:{rule.target}") from None
        return rule.default if value is None else value


def _coerce(value: Any, kind: str, name: str) -> Any:
    def bad() -> ValidationFailed:
        return ValidationFailed(f"field {name!r}: {value!r} is not a valid {kind}", rule="entity")

    if kind == "string":
        if isinstance(value, dict | list):
            raise bad()
        return str(value)
    if kind == "integer":
        if isinstance(value, bool):
            raise bad()
        try:
            number = float(value) if isinstance(value, str) else value
            if isinstance(number, float) and not number.is_integer():
                raise bad()
            return int(number)
        except (TypeError, ValueError):
            raise bad() from None
    if kind == "number":
        if isinstance(value, bool):
            raise bad()
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad() from None
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "y"):
            return True
        if text in ("false", "0", "no", "n"):
            return False
        raise bad()
    if kind in ("date", "datetime"):
        text = str(value).strip()
        try:
            if kind == "date":
                dt.date.fromisoformat(text[:10])
            else:
                dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise bad() from None
        return text
    if kind == "object":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise bad() from None
        if not isinstance(value, dict):
            raise bad()
        return value
    if kind == "array":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise bad() from None
        if not isinstance(value, list):
            raise bad()
        return value
    raise bad()  # pragma: no cover


def validate_entity(entity: Entity, record: Mapping[str, Any]) -> dict[str, Any]:
    """Required fields present, every value coerced to its declared type."""
    result: dict[str, Any] = {}
    for field in entity.fields:
        value = record.get(field.name)
        if value is None or value == "":
            if field.required:
                raise ValidationFailed(f"required field {field.name!r} is missing", rule="entity")
            result[field.name] = None
            continue
        result[field.name] = _coerce(value, field.type, field.name)
    return result


class Mapper:
    """Compiled mappings; building it checks every expression (load-time errors)."""

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config
        self.rules = [_Rule(rule, config) for rule in config.mappings]

    def map(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Source record -> canonical record (not yet type-checked)."""
        if not self.rules:
            return {f.name: get_path(record, f.name) for f in self.config.entity.fields}
        return {rule.rule.target: rule.apply(record) for rule in self.rules}

    def to_canonical(self, record: Mapping[str, Any]) -> dict[str, Any]:
        return validate_entity(self.config.entity, self.map(record))
