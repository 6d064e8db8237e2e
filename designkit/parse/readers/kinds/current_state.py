"""Current-state description: how an integration runs today, and its known issues.

Signs: a current-state title (current state, as-is, existing...) and as-is
headings (known issues, pain points, limitations; up to two count).

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


def signs(outlook: Outlook) -> list[str]:
    found: list[str] = []
    if _WORDS.search(outlook.name):
        found.append("a current-state title")
    hits = sum(1 for heading in outlook.headings if _WORDS.search(heading))
    found.extend(["as-is headings"] * min(hits, 2))
    return found
