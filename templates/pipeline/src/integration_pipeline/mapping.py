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
        if type(value) is not dict and not isinstance(value, Mapping):  # dict: skip the ABC
            return None
        value = value.get(part)
    return value


def _direct_getter(path: str) -> Callable[[Mapping[str, Any]], Any]:
    if "." in path or "[" in path:
        return lambda record: get_path(record, path)
    return lambda record: record.get(path)


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
    """One mapping row, compiled: :attr:`apply` is a closure made for its kind."""

    def __init__(self, rule: MappingRule, config: PipelineConfig) -> None:
        self.rule = rule
        self.hook: Callable[[Mapping[str, Any], str, Any], Any] | None = None
        self.expression: Expression | None = None
        self.table: Mapping[str, Any] = {}
        if rule.transformation in ("formula", "conditional"):
            if not rule.expression:
                raise ExpressionError(f"mapping to {rule.target!r} needs an expression or a hook")
            self.expression = Expression(rule.expression)
        if rule.transformation == "lookup":
            if not rule.lookup or rule.lookup not in config.lookups:
                raise ExpressionError(f"mapping to {rule.target!r}: unknown lookup {rule.lookup!r}")
            self.table = config.lookups[rule.lookup]
        self.apply: Callable[[Mapping[str, Any]], Any] = self._compile()

    def _compile(self) -> Callable[[Mapping[str, Any]], Any]:
        rule = self.rule
        default = rule.default
        kind = rule.transformation
        if kind in ("direct", "lookup"):
            get = _direct_getter(rule.source or rule.target)
            if kind == "direct":
                return lambda record: _or_default(get(record), default)
            table = self.table
            return lambda record: _or_default(
                table.get(str(raw), default) if (raw := get(record)) is not None else default,
                default,
            )
        if kind == "hook":
            source = _direct_getter(rule.source) if rule.source else (lambda record: None)
            target = rule.target

            def hook(record: Mapping[str, Any]) -> Any:
                user_hook = self.hook
                if user_hook is None:
                    user_hook = self.hook = _load_hook()  # once per mapping, not per record
                value = user_hook(record, target, source(record))
                return default if value is None else value

            return hook
        expression = self.expression
        assert expression is not None

        def evaluate(record: Mapping[str, Any]) -> Any:
            try:
                value = expression.evaluate(record)
            except ExpressionError as error:
                raise ValidationFailed(str(error), rule=f"mapping:{rule.target}") from None
            return _or_default(value, default)

        return evaluate


def _or_default(value: Any, default: Any) -> Any:
    return default if value is None else value


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


_EXACT_TYPES: dict[str, type] = {"string": str, "integer": int, "number": float, "boolean": bool}
"""A value already of this Python type needs no coercion (bool is not an int here: exact)."""


class Mapper:
    """Compiled mappings; building it checks every expression (load-time errors).

    Every record of a run goes through :meth:`to_canonical`, so the rules are turned
    into plain getters once here: a direct copy is one ``dict.get``, and a value that
    already has its declared type skips coercion.
    """

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config
        self.rules = [_Rule(rule, config) for rule in config.mappings]
        self._getters: list[tuple[str, Callable[[Mapping[str, Any]], Any], Any]] = []
        if not self.rules:
            self._getters = [(f.name, _direct_getter(f.name), None) for f in config.entity.fields]
        for rule in self.rules:
            if rule.rule.transformation == "direct":
                getter = _direct_getter(rule.rule.source or rule.rule.target)
                self._getters.append((rule.rule.target, getter, rule.rule.default))
            else:  # apply() has put the default in already
                self._getters.append((rule.rule.target, rule.apply, None))
        # to_canonical: per entity field, the getter of the last rule that fills it (as in
        # map()), and the expressions and hooks of rules whose target is no field, which
        # still run (they may fail the record)
        fields = {f.name for f in config.entity.fields}
        last = {target: (getter, default) for target, getter, default in self._getters}
        self._fields = [
            (
                f.name,
                *last.get(f.name, (_nothing, None)),
                f.required,
                _EXACT_TYPES.get(f.type),
                f.type,
            )
            for f in config.entity.fields
        ]
        self._side_rules = [
            rule.apply
            for rule in self.rules
            if rule.rule.target not in fields
            and rule.rule.transformation not in ("direct", "lookup")
        ]

    def map(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Source record -> canonical record (not yet type-checked)."""
        mapped: dict[str, Any] = {}
        for target, getter, default in self._getters:
            value = getter(record)
            mapped[target] = default if value is None else value
        return mapped

    def to_canonical(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Mapped, required fields present, every value of its declared type
        (the same result as :func:`validate_entity` on :meth:`map`, in one pass)."""
        for side_rule in self._side_rules:
            side_rule(record)
        result: dict[str, Any] = {}
        for name, getter, default, required, exact, kind in self._fields:
            value = getter(record)
            if value is None:
                value = default
            if value is None or value == "":
                if required:
                    raise ValidationFailed(f"required field {name!r} is missing", rule="entity")
                result[name] = None
            elif type(value) is exact:
                result[name] = value
            else:
                result[name] = _coerce(value, kind, name)
        return result


def _nothing(record: Mapping[str, Any]) -> None:
    return None
