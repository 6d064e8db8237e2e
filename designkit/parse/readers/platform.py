"""Platform Considerations: the tool the integration runs on, and what choosing it costs.

Written as an Aspect / Details table or as labelled lines; either way each
aspect is recognised by its first words (``Lock-in risk (vendor)``), and the
lock-in risk is rated High, Medium or Low. A missing table is no finding: the
labelled form is as good.

PASS::

    ## Platform Considerations

    | Aspect | Details |
    |---|---|
    | Platform | MuleSoft |
    | Lock-in risk | Medium |

PASS::

    ## Platform Considerations

    - **Platform**: Azure Logic Apps

FAIL (DK202)::

    ## Platform Considerations

    - **Lock-in risk**: Considerable
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.parse import values as v
from designkit.parse.readers._vocabulary import LEVELS
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

SPEC = SectionSpec(
    "platform",
    "Platform Considerations",
    None,
    ("platform considerations", "platform", "tooling and platform", "platform selection"),
)

COLUMNS = {
    "aspect": ("aspect", "item", "consideration", "topic"),
    "details": ("details", "detail", "value", "notes", "description"),
}

NAMES = (
    ("platform", ("platform", "tool", "ipaas")),
    ("rationale", ("rationale", "why")),
    ("lock_in_risk", ("lock in risk", "lock in", "vendor lock in")),
    ("portability", ("portability",)),
    ("tco", ("tco estimate", "tco", "cost", "total cost of ownership")),
)
"""Model field -> the aspects (first words, normalised) it is written under."""


def read(doc: Reader) -> dict[str, Any]:
    table = doc.table("platform", COLUMNS, ("aspect", "details"), report_missing=False)
    pairs: list[tuple[str, str, int, int]] = []
    if table is not None:
        for row in table.rows:
            aspect = row.cells.get("aspect")
            detail = row.cells.get("details")
            if aspect is not None and detail is not None:
                pairs.append(
                    (v.normalise_key(aspect.text), detail.text, detail.line, detail.column)
                )
    else:
        pairs = [(lab.key, lab.value, lab.line, lab.column) for lab in doc.labels("platform")]
    out: dict[str, Any] = {}
    for key, text, line, column in pairs:
        for name, aliases in NAMES:
            if name in out or not any(key == a or key.startswith(a + " ") for a in aliases):
                continue
            if name == "lock_in_risk":
                out[name] = doc.enum(
                    text, LEVELS, "risk level", "platform.lock_in_risk", line, column
                )
            else:
                out[name] = doc.text(text, f"platform.{name}", line, column)
            break
    return out
