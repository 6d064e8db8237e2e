"""Runs the lint rules: rules report facts, the engine stamps code, severity and position."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType

from designkit.diagnostics import Diagnostic, Severity, sort_diagnostics
from designkit.parse.document import ParsedDesign


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found: a message and the model path it is about."""

    message: str
    field: str


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    check: Callable[[ParsedDesign], Iterator[Finding]]


def _load(module: ModuleType) -> Rule:
    doc = (module.__doc__ or "").strip()
    return Rule(
        code=module.CODE,
        name=module.NAME,
        severity=module.SEVERITY,
        summary=doc.splitlines()[0] if doc else module.NAME,
        check=module.check,
    )


def _discover() -> tuple[Rule, ...]:
    from designkit.lint import rules

    found = [
        _load(importlib.import_module(f"{rules.__name__}.{info.name}"))
        for info in pkgutil.iter_modules(rules.__path__)
        if not info.name.startswith("_")
    ]
    return tuple(sorted(found, key=lambda rule: rule.code))


RULES: tuple[Rule, ...] = _discover()


def lint_design(parsed: ParsedDesign, rules: tuple[Rule, ...] = RULES) -> list[Diagnostic]:
    """Parse diagnostics plus every rule's findings, in a stable order."""
    found = list(parsed.diagnostics)
    for rule in rules:
        for finding in rule.check(parsed):
            found.append(
                Diagnostic(
                    rule.code,
                    rule.severity,
                    finding.message,
                    parsed.path,
                    parsed.line_of(finding.field),
                    parsed.column_of(finding.field),
                    finding.field,
                )
            )
    return sort_diagnostics(found)
