"""The design's validation rules, with their actions.

Rules are free text in the design ("customer_id is required", "email must be a valid
email"), so each rule is read as: the entity fields it names, plus its ``check`` kind.
A rule that is itself a safe expression (``total >= 0``) is evaluated as a predicate.
Rules the runtime cannot check (prose that names no field and is not enforced elsewhere)
are listed in one start-up warning, so the log says once what still needs a person.

Actions: ``reject`` -> the record goes to the DLQ (classification validation);
``transform`` -> the value is normalised (trimmed, type-coerced) and re-checked;
``default`` -> the mapping's default (or null) replaces the value; ``alert_and_queue``
-> an alert is logged and the record is queued in the DLQ for a person.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .config import PipelineConfig, ValidationRuleConfig
from .errors import ValidationFailed
from .expressions import Expression, ExpressionError
from .mapping import _coerce

BEFORE_LOAD = ("on_receipt", "pre_send")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SIGNATURE_WORDS = re.compile(r"hmac|signature|signed", re.IGNORECASE)


class AlertAndQueue(ValidationFailed):
    """A rule with action alert_and_queue failed: queue it and raise an alert."""


@dataclass
class _Compiled:
    config: ValidationRuleConfig
    fields: list[str]
    predicate: Expression | None


class Validator:
    def __init__(
        self, config: PipelineConfig, *, warn: Callable[[str], None] | None = None
    ) -> None:
        self.config = config
        self.types = {f.name: f.type for f in config.entity.fields}
        self.many = {f.name for f in config.entity.fields if f.many}
        self.defaults = {m.target: m.default for m in config.mappings}
        self.rules: list[_Compiled] = []
        for rule in config.validation:
            predicate: Expression | None = None
            try:
                predicate = Expression(rule.rule)
            except ExpressionError:
                predicate = None
            words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", rule.rule))
            fields = [name for name in self.types if name in words]
            self.rules.append(_Compiled(rule, fields, predicate))
        self.unenforced = [r.config.rule for r in self.rules if not self._enforced(r)]
        if self.unenforced and warn is not None:  # once, one line: what needs a person
            names = ", ".join(repr(rule) for rule in self.unenforced)
            warn(
                f"{len(self.unenforced)} validation rule(s) not enforced: {names}; write each"
                " `rule` in config/pipeline.yaml as an expression (`total >= 0`) or name the"
                " fields it checks"
            )
        # on_receipt rules before pre_send ones, each group in the design's order
        self.ordered = sorted(self.rules, key=lambda r: r.config.when != "on_receipt")
        self._plans: dict[str | None, list[tuple[_Compiled, str | None]]] = {}
        # True when a post_receive rule has something to check (a rule naming no field is
        # reported above and checks nothing): then every loaded record goes through them
        self.after_load = bool(self._plan(("post_receive",)))

    def _enforced(self, rule: _Compiled) -> bool:
        """Whether the runtime checks this rule without the user's help.

        An expression or a rule naming fields is checked here; "Required fields" with
        no names is what the entity's ``required`` flags already enforce on every record;
        a signature rule is what the webhook verifies when its header is configured.
        The rest (reference data, business rules in prose) needs a person.
        """
        if rule.predicate is not None or rule.fields:
            return True
        if rule.config.check == "required":
            return True
        webhook = self.config.trigger.webhook
        return bool(
            self.config.trigger.kind == "webhook"
            and webhook.signature_header
            and SIGNATURE_WORDS.search(rule.config.rule)
        )

    def _passes(self, rule: _Compiled, record: dict[str, Any], field: str | None) -> bool:
        if rule.predicate is not None and field is None:
            try:
                return bool(rule.predicate.evaluate(record))
            except ExpressionError:
                return False
        assert field is not None
        value = record.get(field)
        if isinstance(value, list) and field in self.many:  # each element of a `many` field
            if rule.config.check == "required" and not value:
                return False
            return all(self._passes(rule, {**record, field: item}, field) for item in value)
        check = rule.config.check
        if check == "required":
            return value is not None and value != ""
        if value is None or value == "":
            return True  # absence is the required check's business
        if check == "format":
            if "email" in field.lower() or "email" in rule.config.rule.lower():
                return bool(EMAIL.match(str(value)))
            try:
                _coerce(value, self.types[field], field)
            except ValidationFailed:
                return False
            return True
        if check == "reference":
            tables = [
                t for name, t in self.config.lookups.items() if field in name or name in field
            ]
            return not tables or any(str(value) in t for t in tables)
        return True

    def apply(self, record: dict[str, Any], when: str | None = None) -> dict[str, Any]:
        """Return the (possibly fixed) record or raise ValidationFailed / AlertAndQueue.

        ``when`` None runs every rule that comes before the load: ``on_receipt`` rules
        first, then ``pre_send``; ``post_receive`` rules run after the load, on their own.
        """
        plan = self._plans.get(when)
        if plan is None:
            plan = self._plans[when] = self._plan(BEFORE_LOAD if when is None else (when,))
        for rule, field in plan:
            if not self._passes(rule, record, field):
                record = self._act(rule, record, field)
        return record

    def _plan(self, stages: tuple[str, ...]) -> list[tuple[_Compiled, str | None]]:
        """(rule, field) pairs to check for these stages, in order: worked out once per
        stage, not per record. A rule that is an expression is one pair with no field."""
        return [
            (rule, field)
            for rule in self.ordered
            if rule.config.when in stages
            for field in ([None] if rule.predicate is not None else rule.fields)
        ]

    def _act(self, rule: _Compiled, record: dict[str, Any], field: str | None) -> dict[str, Any]:
        action = rule.config.action
        message = f"validation rule failed: {rule.config.rule}"
        if action == "transform" and field is not None:
            value = record.get(field)
            fixed = value.strip() if isinstance(value, str) else value
            try:
                fixed = (
                    _coerce(fixed, self.types[field], field) if fixed not in (None, "") else fixed
                )
            except ValidationFailed:
                raise ValidationFailed(message, rule=rule.config.rule) from None
            record = {**record, field: fixed}
            if self._passes(rule, record, field):
                return record
            raise ValidationFailed(message, rule=rule.config.rule)
        if action == "default" and field is not None:
            return {**record, field: self.defaults.get(field)}
        if action == "alert_and_queue":
            raise AlertAndQueue(message, rule=rule.config.rule)
        raise ValidationFailed(message, rule=rule.config.rule)
