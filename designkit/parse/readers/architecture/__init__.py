"""Architecture Pattern: which integration pattern was chosen, and why.

The pattern decides what the rest of the design is checked against (an
event-driven design needs a DLQ, a batch ETL a schedule), so it is read only
from a value that names one of the five patterns; anything else is an error, not
a guess. Rationale and alternatives are kept whole, wrapped lines included.

PASS::

    ## Architecture Pattern

    **Selected Pattern**: Event-driven
    **Rationale**: Orders arrive in bursts; the ERP must not be polled.

FAIL (DK202)::

    ## Architecture Pattern

    **Selected Pattern**: Carrier pigeon

FAIL::

    ## Architecture Pattern

    **Selected Pattern**: [API-led | Event-driven | Hub-spoke | ETL | Hybrid]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.model import Pattern
from designkit.parse.readers._prose import carried_over
from designkit.parse.readers.spec import SectionSpec
from designkit.parse.tables import find_label

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

SPEC = SectionSpec(
    "architecture",
    "Architecture Pattern",
    None,
    ("architecture pattern", "architecture", "integration pattern", "pattern"),
    generic=("pattern",),
)

PATTERNS = {
    "api_led": Pattern.API_LED,
    "api": Pattern.API_LED,
    "api_first": Pattern.API_LED,
    "event_driven": Pattern.EVENT_DRIVEN,
    "event_based": Pattern.EVENT_DRIVEN,
    "event": Pattern.EVENT_DRIVEN,
    "eda": Pattern.EVENT_DRIVEN,
    "pub_sub": Pattern.EVENT_DRIVEN,
    "hub_spoke": Pattern.HUB_SPOKE,
    "hub_and_spoke": Pattern.HUB_SPOKE,
    "hub": Pattern.HUB_SPOKE,
    "etl": Pattern.ETL,
    "elt": Pattern.ETL,
    "batch": Pattern.ETL,
    "batch_etl": Pattern.ETL,
    "hybrid": Pattern.HYBRID,
}


def read(doc: Reader) -> dict[str, Any]:
    labels = doc.labels("architecture")
    out: dict[str, Any] = {}
    found = find_label(labels, ("selected pattern", "pattern", "integration pattern"))
    if found is not None:
        out["pattern"] = doc.enum(
            found.value, PATTERNS, "pattern", "architecture.pattern", found.line, found.column
        )
    for name, aliases in (
        ("rationale", ("rationale", "why")),
        ("alternatives", ("alternatives considered", "alternatives")),
    ):
        found = find_label(labels, aliases)
        if found is not None:
            value = carried_over(doc, "architecture", found.item, found.value)
            out[name] = doc.text(value, f"architecture.{name}", found.line, found.column)
    return out
