"""ADR: an architecture decision record (Context, Decision, Status, Consequences).

Both common templates are known: Nygard's (Context, Decision, Status,
Consequences) and MADR (Context and Problem Statement, Decision Drivers,
Considered Options, Decision Outcome). Status and Consequences headings alone are
common in other documents, so an ADR needs a heading that states its context or
its decision, or three signs in all.

PASS::

    # ADR-7: Queue the webhooks

    ## Context

    Webhooks are lost when a partner is down.

    ## Decision

    Put every webhook on a durable queue and retry it.

FAIL::

    # Webhook delivery

    ## Status

    Accepted.

    ## Consequences

    Partners get each webhook at least once.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from designkit.model import DocumentKind

if TYPE_CHECKING:
    from designkit.parse.kind import Outlook

KIND = DocumentKind.ADR
WORDS = "ADR"
NAMES = ("adr", "architecture_decision_record", "decision_record")

_TITLE = re.compile(r"^(?:adr\b|architecture decision|decision record)")
_HEADINGS = (
    "context",
    "decision",
    "decision outcome",
    "status",
    "consequences",
    # MADR, the other common ADR template
    "context and problem statement",
    "decision drivers",
    "considered options",
    "pros and cons of the options",
)
_CORE = frozenset({"context", "decision", "decision outcome", "context and problem statement"})
"""An ADR states its context or its decision; the other headings only support that."""


def signs(outlook: Outlook) -> list[str]:
    found: list[str] = []
    if _TITLE.search(outlook.name):
        found.append("an ADR title")
    found.extend(f"a '{word.title()}' heading" for word in _HEADINGS if word in outlook.heading_set)
    if not (_CORE & outlook.heading_set) and len(found) < 3:
        return []  # Status and Consequences alone are not an ADR
    return found
