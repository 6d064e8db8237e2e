"""designkit: integration design documents as data.

The public API: parse a design (:func:`parse_file`, :func:`parse_design`) and
lint it (:func:`lint_design`). Later stages (score, diagram, scaffold, render)
build on the same model.
"""

from __future__ import annotations

__version__ = "0.2.0"

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
