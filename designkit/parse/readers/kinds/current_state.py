"""Current-state description: how an integration runs today, and its known issues.

Signs: a current-state title (current state, as-is, existing, limitations, or
"how ... works"), as-is headings (known issues, pain points, limitations; up to
two count), sentences about what the integration does or cannot do today
(three or more: "currently", "does not", "cannot"...), and sequence diagrams of
the running flow.

PASS::

    # Current State: Oracle Integration Cloud order flow

    ## Known Issues

    The integration polls the ERP API every hour; failed messages are lost.

FAIL::

    # Oracle Integration Cloud order flow

    ## Known Issues

    Orders are polled every hour.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from designkit.model import DocumentKind

if TYPE_CHECKING:
    from designkit.parse.kind import Outlook

KIND = DocumentKind.CURRENT_STATE
WORDS = "Current-state description"
NAMES = ("current_state", "current_state_description", "as_is")

_WORDS = re.compile(
    r"\b(?:current state|as is|today|existing|known issues|pain points|current architecture|"
    r"current process|current flow|limitations)\b"
)
_HOW_IT_WORKS = re.compile(r"^how\b.*\bworks?\b")
_TODAY = re.compile(
    r"\b(?:currently|today|at present|at the moment|does not|doesn't|do not|don't|cannot|"
    r"can't|is not possible|are not supported|is not supported)\b",
    re.IGNORECASE,
)
_SEQUENCE = re.compile(r"^\s*sequenceDiagram\b")


def signs(outlook: Outlook) -> list[str]:
    found: list[str] = []
    if _WORDS.search(outlook.name) or _HOW_IT_WORKS.search(outlook.name):
        found.append("a current-state title")
    hits = sum(1 for heading in outlook.headings if _WORDS.search(heading))
    found.extend(["as-is headings"] * min(hits, 2))
    lines = [line.text for section in outlook.tree.sections for line in section.lines]
    if sum(1 for text in lines if _TODAY.search(text)) >= 3:
        found.append("sentences about what it does today")
    fences = (fence for section in outlook.tree.sections for fence in section.fences)
    if any(
        fence.info.strip().lower() == "mermaid" and _SEQUENCE.search(fence.content)
        for fence in fences
    ):
        found.append("sequence diagrams of the running flow")
    return found
