"""Maturity rubrics: YAML criteria checked against the design model."""

from designkit.rubric.engine import score_design
from designkit.rubric.loader import RubricError, load_rubric

__all__ = ["RubricError", "load_rubric", "score_design"]
