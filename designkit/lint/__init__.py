"""Checks that read the whole model: contradictions a single value cannot show."""

from designkit.lint.engine import RULES, Rule, lint_design

__all__ = ["RULES", "Rule", "lint_design"]
