"""Review report: an assessment of a design or an integration, with findings.

Signs: a review title (review, assessment, audit, analysis...) and headings of
findings, recommendations or a verdict (up to three count).

PASS::

    # Order Sync Design Review

    ## Key Findings

    Retries of failed webhook deliveries are unbounded.

    ## Recommendations

    Bound the retries; park what still fails in a dead-letter queue.

FAIL::

    # Order Sync

    ## Recommendations

    Bound the retries.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from designkit.model import DocumentKind

if TYPE_CHECKING:
    from designkit.parse.kind import Outlook

KIND = DocumentKind.REVIEW_REPORT
WORDS = "Review report"
NAMES = ("review_report", "review", "design_review", "assessment")

_TITLE = re.compile(r"\b(?:review|assessment|audit|feasibility|analysis|evaluation)\b")
_HEADINGS = (
    "findings",
    "finding",
    "recommendations",
    "recommendation",
    "verdict",
    "observations",
    "review scope",
    "assessment",
    "conclusion",
    "conclusions",
)


def signs(outlook: Outlook) -> list[str]:
    found: list[str] = []
    if _TITLE.search(outlook.name):
        found.append("a review title")
    hits = outlook.count_headings(_HEADINGS)
    found.extend(["findings/recommendations/verdict headings"] * min(hits, 3))
    return found
