"""Requirements document: what the integration shall do, as statements to meet.

Signs: a requirements title (requirements, PRD, specification), requirements or
user-story headings (up to two count), and three or more shall/must statements
in its lines or table cells.

PASS::

    # Shopify Integration Requirements

    ## Functional Requirements

    - The integration shall import every order from the Shopify API.
    - The integration must not import an order twice.
    - The integration shall retry a failed import from a queue.

FAIL::

    # Shopify Integration

    ## Notes

    The sync must not lose orders.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from designkit.model import DocumentKind

if TYPE_CHECKING:
    from designkit.parse.kind import Outlook

KIND = DocumentKind.REQUIREMENTS
WORDS = "Requirements document"
NAMES = ("requirements", "requirements_document", "requirements_specification", "prd")

_TITLE = re.compile(r"\b(?:requirements?|prd|specification|spec)\b")
_HEADINGS = ("requirements", "user stories", "acceptance criteria", "use cases")
_SHALL = re.compile(r"\b(?:shall|must)\b", re.IGNORECASE)


def signs(outlook: Outlook) -> list[str]:
    found: list[str] = []
    if _TITLE.search(outlook.name):
        found.append("a requirements title")
    hits = outlook.count_headings(_HEADINGS)
    found.extend(["requirements headings"] * min(hits, 2))
    sections = outlook.tree.sections
    statements = sum(
        1 for section in sections for line in section.lines if _SHALL.search(line.text) is not None
    ) + sum(
        1
        for section in sections
        for table in section.tables
        for row in table.rows
        if any(_SHALL.search(cell) for cell in row.cells)
    )
    if statements >= 3:
        found.append("shall/must statements")
    return found
