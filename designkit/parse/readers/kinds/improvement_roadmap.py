"""Improvement roadmap: a plan to change an existing integration.

Signs: an improvement title (roadmap, remediation, target state...),
improvement headings (up to two count), a plan by week, sprint, milestone, phase or
task, and
a table comparing current and target values.

PASS::

    # Order Sync Improvement Plan

    ## Week 1: Retries

    Retry failed webhook deliveries from a queue.

    ## Week 2: Monitoring

FAIL::

    # Order Sync

    ## Week 1: Retries

    ## Notes
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from designkit.model import DocumentKind
from designkit.parse.values import normalise_key

if TYPE_CHECKING:
    from designkit.parse.kind import Outlook

KIND = DocumentKind.IMPROVEMENT_ROADMAP
WORDS = "Improvement roadmap"
NAMES = ("improvement_roadmap", "improvement_plan", "roadmap")

_WORDS = re.compile(
    r"\b(?:roadmap|improvement|improvements|enhancement|enhancements|remediation|"
    r"target state|gap analysis|migration plan|modernisation|modernization)\b"
)
_PLAN_ITEM = re.compile(r"^(?:week|sprint|milestone|phase|task)\s+\d")


def signs(outlook: Outlook) -> list[str]:
    found: list[str] = []
    if _WORDS.search(outlook.name):
        found.append("an improvement title")
    hits = sum(1 for heading in outlook.headings if _WORDS.search(heading))
    found.extend(["improvement headings"] * min(hits, 2))
    if sum(1 for heading in outlook.headings if _PLAN_ITEM.match(heading)) >= 2:
        found.append("a plan by week, phase or task")
    if any(
        {"current", "target"} <= {normalise_key(cell) for cell in table.header}
        for section in outlook.tree.sections
        for table in section.tables
    ):
        found.append("a current vs target table")
    return found
