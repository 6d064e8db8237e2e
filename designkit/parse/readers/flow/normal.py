"""Normal Flow (Happy Path): what happens, step by step, when nothing goes wrong.

Each numbered step is one item; its label, when it has one, names the step
(``1. **Receive**: ...`` -> ``receive``), so later stages can refer to it.

PASS::

    ## Flow Design

    ### Normal Flow (Happy Path)

    1. **Receive**: Shopify sends the order webhook.
    2. **Transform**: Map the order to a sales order.

FAIL::

    ## Flow Design

    ### Normal Flow (Happy Path)

    The order goes from Shopify to NetSuite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.parse.readers.flow import steps
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

SPEC = SectionSpec(
    "flow.normal",
    "Normal Flow (Happy Path)",
    "flow",
    ("normal flow", "happy path", "main flow", "primary flow"),
    integration=True,
)


def read(doc: Reader) -> list[dict[str, Any]]:
    return steps(doc, "flow.normal", "step", "description")
