"""designkit: integration design documents as data.

The public API: parse a design (:func:`parse_file`, :func:`parse_design`) and
lint it (:func:`lint_design`). Later stages (score, diagram, scaffold, render)
build on the same model.

The names below are imported on first use (PEP 562), so ``import designkit``
and every command that needs only part of it start without loading the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

_EXPORTS = {
    "Design": "designkit.model",
    "DesignkitError": "designkit.errors",
    "Diagnostic": "designkit.diagnostics",
    "ParsedDesign": "designkit.parse",
    "Severity": "designkit.diagnostics",
    "UserError": "designkit.errors",
    "lint_design": "designkit.lint",
    "parse_design": "designkit.parse",
    "parse_file": "designkit.parse",
}

if TYPE_CHECKING:
    from designkit.diagnostics import Diagnostic, Severity
    from designkit.errors import DesignkitError, UserError
    from designkit.lint import lint_design
    from designkit.model import Design
    from designkit.parse import ParsedDesign, parse_design, parse_file

__all__ = [
    "Design",
    "DesignkitError",
    "Diagnostic",
    "ParsedDesign",
    "Severity",
    "UserError",
    "__version__",
    "lint_design",
    "parse_design",
    "parse_file",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'designkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
