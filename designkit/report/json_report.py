"""The full scorecard as JSON: one object for one file, ``{"scorecards": [...]}`` for several.

The schema is :class:`designkit.rubric.scorecard.Scorecard`'s JSON Schema.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from designkit.rubric.scorecard import Scorecard

if TYPE_CHECKING:
    from designkit.report import ReportContext


def render(cards: Sequence[Scorecard], context: ReportContext) -> str:
    dumped = [card.model_dump(mode="json") for card in cards]
    data: object = dumped[0] if len(dumped) == 1 else {"scorecards": dumped}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
