"""Open Questions: what is still undecided, who answers it, by when.

One row per question; owner, due date and status may be blank. ``Questions``
names the section only as the whole heading (``## Questions``), never among
other words (``## Frequently Asked Questions``).

PASS::

    ## Open Questions

    | Question | Owner | Due | Status |
    |---|---|---|---|
    | Are refunds in scope? | Finance | 2024-06-01 | Open |

FAIL::

    ## Frequently Asked Questions

    | Question | Owner |
    |---|---|
    | Are refunds in scope? | Finance |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.parse.readers._rows import plain_rows
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

SPEC = SectionSpec(
    "open_questions",
    "Open Questions",
    None,
    ("open questions", "questions", "open issues"),
    generic=("questions",),
)

COLUMNS = {
    "question": ("question", "questions", "topic"),
    "owner": ("owner", "who", "assignee"),
    "due": ("due", "due date", "when", "deadline"),
    "status": ("status", "state"),
}


def read(doc: Reader) -> list[dict[str, Any]]:
    table = doc.table("open_questions", COLUMNS, ("question",))
    return plain_rows(doc, table, "open_questions", ("question", "owner", "due", "status"))
