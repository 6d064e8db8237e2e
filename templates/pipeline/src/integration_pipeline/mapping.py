"""Executes the design's mapping table as data and validates the canonical record.

Formulas and conditionals the document wrote as simple expressions run through
expressions.py; anything else is a ``hook``: a function in ``user_hooks.py``, a file
the user owns and the generator never overwrites.

Every record of a run goes through :meth:`Mapper.to_canonical`, so its cost is the
pipeline's floor. While ``transform()`` in ``user_hooks.py`` is still the day-one stub
(its compiled body is exactly ``return source_value``), a hook mapping *is* a direct
copy and runs as one: no call into the hook per field. Once the user edits it, every
hook mapping calls it. The per-field checks are then laid out as one function with a
line per field (:func:`_canonical_function`): the generated text holds only numbered
local names; field names, paths and types reach it as values, never as code.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
from collections.abc import Callable, Mapping
from functools import partial
from operator import methodcaller
from typing import Any

from .config import MappingRule, PipelineConfig
from .errors import ValidationFailed
from .expressions import Expression, ExpressionError

HOOKS_FILE = "src/integration_pipeline/user_hooks.py"
_MISSING = object()


_SEGMENT = re.compile(r"^(?P<name>[^\[\]]*)(?P<steps>(?:\[\d*\])+)$")


class SourcePath:
    """A mapping's source path, compiled once: ``customer.email``, ``lines[].sku``,
    ``items[0].price``.

    Dots step into objects; ``[N]`` takes element N of an array; ``[]`` takes every
    element, so the rest of the path is read from each and the value is a list (arrays
    map to arrays). A segment with any other bracket text (``value[x]``,
    ``ID[@type=Employee_ID]``) or no brackets at all (``X-Shopify-Topic (header)``) is a
    plain key, as the design wrote it, so nothing a document says is ever lost.
    """

    __slots__ = ("plain", "steps", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        steps: list[str | int | None] = []  # key, index, or None for "every element"
        for segment in text.split("."):
            match = _SEGMENT.match(segment)
            if match is None:
                steps.append(segment)
                continue
            if match["name"]:
                steps.append(match["name"])
            for index in re.findall(r"\[(\d*)\]", match["steps"]):
                steps.append(int(index) if index else None)
        self.steps = tuple(steps)
        # the common case (plain keys only) takes the loop without list handling
        self.plain = all(isinstance(step, str) for step in steps)

    @property
    def fans_out(self) -> bool:
        """True when the path has ``[]``, so its value is a list."""
        return None in self.steps

    def get(self, record: Any) -> Any:
        """The value at the path; None when any part is missing."""
        if self.plain:
            value = record
            for step in self.steps:
                if type(value) is not dict and not isinstance(value, Mapping):  # skip the ABC
                    return None
                value = value.get(step)
            return value
        return _walk(record, self.steps)


def _walk(value: Any, steps: tuple[str | int | None, ...]) -> Any:
    for position, step in enumerate(steps):
        if step is None:
            if not isinstance(value, list):
                return None
            rest = steps[position + 1 :]
            return [_walk(item, rest) for item in value]
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return None
            value = value[step]
        elif isinstance(value, Mapping):
            value = value.get(step)
        else:
            return None
    return value


def get_path(record: Mapping[str, Any], path: str) -> Any:
    """Read ``path`` (see SourcePath) from a record; None when any part is missing."""
    return SourcePath(path).get(record)


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


def _day_one(record: Mapping[str, Any], target_field: str, source_value: Any) -> Any:
    return source_value


_NESTED = 0x10
"""CO_NESTED: set for a function defined inside another; says nothing of what it does."""


def passes_through(transform: object) -> bool:
    """Is ``transform`` the day-one stub: a plain function whose compiled body is exactly
    ``return source_value``? (Comments, docstrings and names may differ; any change in
    what it does changes its bytecode, and then it is called for every hook mapping.)"""
    code = getattr(transform, "__code__", None)
    reference = _day_one.__code__
    return (
        code is not None
        and type(transform).__name__ == "function"
        and not getattr(transform, "__defaults__", None)
        and not getattr(transform, "__kwdefaults__", None)
        and not getattr(transform, "__closure__", None)
        and code.co_argcount == 3
        and code.co_kwonlyargcount == 0
        and code.co_flags & ~_NESTED == reference.co_flags & ~_NESTED
        and code.co_code == reference.co_code
        and code.co_names == reference.co_names
    )


def _user_transform() -> Callable[[Mapping[str, Any], str, Any], Any] | None:
    """``user_hooks.transform`` when it imports cleanly, else None (the per-record path
    then reports the problem for each record, as it always did)."""
    try:
        return _load_hook()
    except Exception:
        return None


class _Rule:
    def __init__(
        self,
        rule: MappingRule,
        config: PipelineConfig,
        transform: Callable[[Mapping[str, Any], str, Any], Any] | None = None,
    ) -> None:
        self.rule = rule
        self.hook = transform
        # the top-level key this rule copies as it is (no default, no hook), else None
        self.plain_key: str | None = None
        # how to_canonical may spell this rule out inline: (plain path steps, lookup table
        # or None, default); None: it calls ``apply``
        self.inline: tuple[tuple[str, ...], Mapping[str, Any] | None, Any] | None = None
        self.expression: Expression | None = None
        if rule.transformation in ("formula", "conditional"):
            if not rule.expression:
                raise ExpressionError(f"mapping to {rule.target!r} needs an expression or a hook")
            self.expression = Expression(rule.expression)
        if rule.transformation == "lookup":
            if not rule.lookup or rule.lookup not in config.lookups:
                raise ExpressionError(f"mapping to {rule.target!r}: unknown lookup {rule.lookup!r}")
            self.table = config.lookups[rule.lookup]
        self.path = SourcePath(rule.source or rule.target)
        if self.path.fans_out and rule.transformation in ("direct", "lookup"):
            field = next((f for f in config.entity.fields if f.name == rule.target), None)
            if field is not None and not field.many and field.type != "array":
                raise ExpressionError(
                    f"mapping to {rule.target!r}: source {self.path.text!r} gives a list; "
                    f"declare the field with `many: true` or type array"
                )
        self.apply: Callable[[Mapping[str, Any]], Any] = self._compile()

    def _lookup(self, raw: Any) -> Any:
        if isinstance(raw, list):  # one entry per array element: arrays map to arrays
            return [self._lookup(item) for item in raw]
        return self.table.get(str(raw), self.rule.default) if raw is not None else self.rule.default

    def _compile(self) -> Callable[[Mapping[str, Any]], Any]:
        """``apply`` for this rule's kind: every record of a run goes through it, so the
        choices are made once here."""
        rule = self.rule
        default = rule.default
        kind = rule.transformation
        path = self.path
        read: Callable[[Any], Any] = path.get
        top_level = path.plain and len(path.steps) == 1
        if top_level:  # a top-level key: records are mappings
            read = methodcaller("get", path.steps[0])
        if kind == "hook" and self.hook is not None and passes_through(self.hook):
            if not rule.source:  # the stub returns the (absent) source value: the default
                return lambda record: default
            kind = "direct"  # the stub returns the source value: a copy
        steps = tuple(str(step) for step in path.steps) if path.plain else None
        if kind == "direct":
            if steps is not None:
                self.inline = (steps, None, default)
            if default is None:
                if top_level:
                    self.plain_key = str(path.steps[0])
                return read
            return lambda record: _or_default(read(record), default)
        if kind == "lookup":
            if steps is not None:
                self.inline = (steps, self.table, default)
            return lambda record: _or_default(self._lookup(read(record)), default)
        if kind == "hook":
            source = read if rule.source else (lambda record: None)
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


def _datetime_text(value: Any, name: str) -> Any:
    """:func:`_coerce` for a datetime, without its dispatch on the kind: the same text kept
    when it parses, the same error when it does not."""
    if type(value) is str:
        text = value.strip()
        try:
            dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return text
    return _coerce(value, "datetime", name)


_EXACT_TYPES: dict[str, type] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "object": dict,
    "array": list,
}
"""A value already of this Python type needs no coercion (bool is not an int here: exact)."""


class Mapper:
    """Compiled mappings; building it checks every expression (load-time errors).

    Every record of a run goes through :meth:`to_canonical`, so the rules are turned
    into plain getters once here: a direct copy of a top-level key is one ``dict.get``,
    and a value that already has its declared type skips coercion.
    """

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config
        hooked = any(rule.transformation == "hook" for rule in config.mappings)
        transform = _user_transform() if hooked else None
        self.rules = [_Rule(rule, config, transform) for rule in config.mappings]
        plain: dict[str, str | None] = {}
        inline: dict[str, Any] = {}
        getters: dict[str, Callable[[Mapping[str, Any]], Any]] = {}
        if not self.rules:
            for f in config.entity.fields:
                getters[f.name] = partial(_plain_key, f.name)
                plain[f.name] = f.name
        for rule in self.rules:  # the last rule for a target wins, as in map()
            getters[rule.rule.target] = rule.apply
            plain[rule.rule.target] = rule.plain_key
            inline[rule.rule.target] = (rule.inline, rule._lookup if rule.inline else None)
        self._fields = [
            (
                f.name,
                getters.get(f.name, _nothing),
                f.required,
                f.many,
                None if f.many else _EXACT_TYPES.get(f.type),
                f.type,
            )
            for f in config.entity.fields
        ]
        # rules whose target is no field still run: an expression or a hook may fail the record
        names = {f.name for f in config.entity.fields}
        self._side_rules = [
            rule.apply
            for rule in self.rules
            if rule.rule.target not in names
            and rule.rule.transformation not in ("direct", "lookup")
        ]
        self._canonical = _canonical_function(
            [
                (*spec, plain.get(spec[0]), *inline.get(spec[0], (None, None)))
                for spec in self._fields
            ],
            self._side_rules,
        )

    def map(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Source record -> canonical record (not yet type-checked)."""
        if not self.rules:
            return {f.name: record.get(f.name) for f in self.config.entity.fields}
        return {rule.rule.target: rule.apply(record) for rule in self.rules}

    def to_canonical(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """:meth:`map`'s values with required fields present and every value of its declared
        type (each element of a ``many`` field), in one pass: an empty value (None, "" or,
        for ``many``, []) is None or, when required, a ValidationFailed; a value of the
        exact declared type is kept; anything else is coerced."""
        return self._canonical(record)


_Inline = tuple[tuple[str, ...], Mapping[str, Any] | None, Any]
_FieldSpec = tuple[
    str,
    Callable[[Mapping[str, Any]], Any],
    bool,
    bool,
    type | None,
    str,
    str | None,
    _Inline | None,
    Callable[[Any], Any] | None,
]


def _step(value: Any, key: str) -> Any:
    """One step of a plain path from a value that is not a dict (SourcePath.get's rule)."""
    return value.get(key) if isinstance(value, Mapping) else None


def _missing(name: str) -> ValidationFailed:
    return ValidationFailed(f"required field {name!r} is missing", rule="entity")


def _coercer(kind: str, name: str, many: bool) -> Callable[[Any], Any]:
    if not many:
        if kind == "datetime":  # every record's timestamp arrives as text: parsed, kept
            return partial(_datetime_text, name=name)
        return lambda value: _coerce(value, kind, name)

    def each(value: Any) -> list[Any]:  # one value per element; a lone value is a list of one
        items = value if isinstance(value, list) else [value]
        return [None if item is None else _coerce(item, kind, name) for item in items]

    return each


def _canonical_function(
    fields: list[_FieldSpec], side_rules: list[Callable[[Mapping[str, Any]], Any]]
) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """``to_canonical`` as straight-line code, one block per field (see the module doc).

    Only ``v<i>``, ``K<i>`` (a top-level key copied as is), ``P<i>_<j>`` (step j of a
    plain path), ``T<i>``/``L<i>`` (a lookup table and its rule for non-strings), ``D<i>``
    (a default), ``G<i>`` (any other getter), ``E<i>`` (the exact type), ``C<i>`` (the
    coercion) and ``N<i>`` (the field name) appear in the text; their values are bound
    in the function's namespace."""
    namespace: dict[str, Any] = {
        "_missing": _missing,
        "_side": tuple(side_rules),
        "_step": _step,
    }
    lines = ["def to_canonical(record):", "    get = record.get"]
    if side_rules:
        lines.append("    for rule in _side: rule(record)")
    for i, spec in enumerate(fields):
        name, getter, required, many, exact, kind, plain_key, inline, lookup = spec
        namespace[f"N{i}"] = name
        if plain_key is not None:
            namespace[f"K{i}"] = plain_key
            lines.append(f"    v{i} = get(K{i})")
        elif inline is not None:
            steps, table, default = inline
            for j, step in enumerate(steps):
                namespace[f"P{i}_{j}"] = step
                lines.append(
                    f"    v{i} = get(P{i}_0)"
                    if j == 0
                    else f"    v{i} = v{i}.get(P{i}_{j}) if type(v{i}) is dict"
                    f" else _step(v{i}, P{i}_{j})"
                )
            namespace[f"D{i}"] = default
            if table is not None:  # a string is looked up directly; anything else by the rule
                namespace[f"T{i}"], namespace[f"L{i}"] = table, lookup
                lines.append(
                    f"    v{i} = T{i}.get(v{i}, D{i}) if type(v{i}) is str else L{i}(v{i})"
                )
            if default is not None:
                lines.append(f"    if v{i} is None:")
                lines.append(f"        v{i} = D{i}")
        elif getter is _nothing:
            lines.append(f"    v{i} = None")
        else:
            namespace[f"G{i}"] = getter
            lines.append(f"    v{i} = G{i}(record)")
        empty = f'v{i} is None or v{i} == ""' + (f" or v{i} == []" if many else "")
        lines.append(f"    if {empty}:")
        lines.append(f"        raise _missing(N{i})" if required else f"        v{i} = None")
        namespace[f"C{i}"] = _coercer(kind, name, many)
        if exact is not None:
            namespace[f"E{i}"] = exact
            lines.append(f"    elif type(v{i}) is not E{i}:")
        else:
            lines.append("    else:")
        lines.append(f"        v{i} = C{i}(v{i})")
    lines.append("    return {" + ", ".join(f"N{i}: v{i}" for i in range(len(fields))) + "}")
    exec(compile("\n".join(lines), "<to_canonical>", "exec"), namespace)
    return namespace["to_canonical"]  # type: ignore[no-any-return]


def _plain_key(name: str, record: Mapping[str, Any]) -> Any:
    return record.get(name)


def _nothing(record: Mapping[str, Any]) -> None:
    return None
