"""Design: a document written from the template, and what any document is when unsure.

It shows no signs of its own: a document is a design unless the shape of
another kind says otherwise with two signs, so that one ``## Recommendations``
heading does not make a design a review report.

PASS::

    # Integration Design: Orders

    ## Overview

    **Purpose**: Sync orders.

    ## Recommendations

    Use a queue.

FAIL::

    # ADR-7: Queue the webhooks

    ## Context

    Webhooks are lost when a partner is down.

    ## Decision

    Put every webhook on a durable queue and retry it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from designkit.model import DocumentKind

if TYPE_CHECKING:
    from designkit.parse.kind import Outlook

KIND = DocumentKind.DESIGN
WORDS = "Design"
NAMES = ("design", "integration_design", "new_design")


def signs(outlook: Outlook) -> list[str]:
    return []
