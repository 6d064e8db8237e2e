"""``designkit new``: ask the questions (or read the answers), build the design, render it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from designkit.model import Design
from designkit.render.markdown import render_markdown
from designkit.write.answers import Answers, validate_answers
from designkit.write.questions import QUESTIONS, InvalidAnswer, Question

Prompt = Callable[[Question, str, Callable[[str], Any]], Any]
"""Show ``question`` with its default; return the value ``check`` accepted (re-asking
until it does is the prompt's job, so click can do it in the terminal)."""


def ask(prompt: Prompt, *, today: dt.date | None = None) -> Answers:
    """Ask every question that applies, each default computed from the answers so far."""
    values: dict[str, Any] = {}
    for question in QUESTIONS:
        if not question.applies(values):
            continue
        values[question.key] = prompt(question, question.default(values), question.parse)
    return validate_answers(values, path="<prompts>", today=today)


def new_design(answers: Answers) -> Design:
    """The recommended design for ``answers`` (see :mod:`designkit.write.recommendations`)."""
    from designkit.write.recommendations import build_design

    return build_design(answers)


def new_document(answers: Answers) -> str:
    """The Markdown document ``designkit new`` writes."""
    return render_markdown(new_design(answers))


__all__ = ["InvalidAnswer", "Prompt", "ask", "new_design", "new_document"]
