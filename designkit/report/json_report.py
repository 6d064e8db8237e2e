"""The full scorecard as JSON: one object for one file, ``{"scorecards": [...]}`` for several.

The schema is :class:`designkit.rubric.scorecard.Scorecard`'s JSON Schema; with a
baseline each object also has ``comparison`` (:class:`designkit.review.trends.Comparison`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from designkit.rubric.scorecard import Scorecard
from designkit.text_safety import safe_json

if TYPE_CHECKING:
    from designkit.report import ReportContext


def _dump(card: Scorecard, context: ReportContext) -> dict[str, object]:
    """The scorecard, plus ``comparison`` (against the baseline) and ``known_findings_hidden``
    (by a baseline file) when the run has them; without them it is the plain scorecard."""
    data: dict[str, object] = card.model_dump(mode="json")
    comparison = context.comparisons.get(card.file)
    if comparison is not None:
        data["comparison"] = comparison.model_dump(mode="json")
    if context.hidden.get(card.file):
        data["known_findings_hidden"] = context.hidden[card.file]
    return data


def render(cards: Sequence[Scorecard], context: ReportContext) -> str:
    dumped = [_dump(card, context) for card in cards]
    data: object = dumped[0] if len(dumped) == 1 else {"scorecards": dumped}
    return safe_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
