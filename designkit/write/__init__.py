"""Write a new design from an architect's answers (``designkit new``)."""

from __future__ import annotations

from designkit.write.answers import Answers, load_answers, validate_answers
from designkit.write.new_design import ask, new_design, new_document
from designkit.write.questions import QUESTIONS, Question

__all__ = [
    "QUESTIONS",
    "Answers",
    "Question",
    "ask",
    "load_answers",
    "new_design",
    "new_document",
    "validate_answers",
]
