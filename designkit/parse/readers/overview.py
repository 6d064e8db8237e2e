"""Overview: what the integration is for, what it covers, and who cares about it.

The purpose is what every later reader of the design (and the score) starts
from, so it is read even when it is not labelled: the section's first plain
paragraph, with the list that follows an "... including:". A summary of
something else is not the overview: ``Summary`` alone names it only as the whole
heading (``## Enhancement Summary`` is a heading the template does not know).

PASS::

    ## Overview

    **Purpose**: Keep Shopify orders and NetSuite sales orders in step.
    **Scope**: Orders, refunds and fulfilments.

PASS::

    ## Overview

    Replaces the nightly CSV export with an event-driven sync, including:

    - order creation
    - refunds

FAIL (DK201)::

    ## Overview

    **Purpose**: [What this integration does and why]

FAIL::

    ## Enhancement Summary

    The table below lists all areas requiring attention.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.parse.readers._prose import carried_over, labelled_fields
from designkit.parse.readers.spec import SectionSpec
from designkit.parse.tables import split_label

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

SPEC = SectionSpec(
    "overview",
    "Overview",
    None,
    ("overview", "summary", "executive summary", "introduction"),
    generic=("summary", "introduction"),
)

FIELDS = (
    ("purpose", ("purpose", "goal", "objective", "summary")),
    ("scope", ("scope", "in scope")),
    ("stakeholders", ("stakeholders", "owners", "stakeholder")),
)


def read(doc: Reader) -> dict[str, Any]:
    out = labelled_fields(doc, "overview", "overview", FIELDS)
    section = doc.outline.by_key.get("overview")
    if "purpose" not in out and section is not None:
        plain = [line for line in section.lines if not line.depth and split_label(line) is None]
        if plain:
            text = " ".join(line.text for line in plain)
            if text.endswith(":"):  # '... including:' and the list below it
                text = carried_over(doc, "overview", plain[-1], text)
            out["purpose"] = doc.text(text, "overview.purpose", plain[0].line, plain[0].column)
    return out
