"""Error Flow: what happens to each kind of failure.

Each numbered item names a kind of failure by its label and says how it is
handled (``1. **Validation error**: send to the DLQ``).

PASS::

    ## Flow Design

    ### Error Flow

    1. **Validation error**: Send to the DLQ and alert the data owner.

FAIL (DK201)::

    ## Flow Design

    ### Error Flow

    1. **Transient error**: [How it is handled]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.parse.readers.flow import steps
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

SPEC = SectionSpec(
    "flow.errors",
    "Error Flow",
    "flow",
    ("error flow", "error flows", "failure flow", "exception flow"),
    integration=True,
)


def read(doc: Reader) -> list[dict[str, Any]]:
    return steps(doc, "flow.errors", "kind", "handling")
