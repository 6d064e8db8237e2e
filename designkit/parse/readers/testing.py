"""Testing Strategy: which kinds of test, covering what, with which tools, when.

One row per kind of test; the type is required, the rest may be blank. ``Tests``
names the section only as the whole heading; a plan item such as ``### Week 6:
Testing & Deployment`` never does.

PASS::

    ## Testing Strategy

    | Type | Coverage Target | Tools | When |
    |---|---|---|---|
    | Contract | Every mapping | Pact | On each PR |

FAIL::

    ## Plan

    ### Week 6: Testing & Deployment

    | Type | Coverage Target |
    |---|---|
    | Contract | Every mapping |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designkit.parse.readers._rows import plain_rows
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

SPEC = SectionSpec(
    "testing",
    "Testing Strategy",
    None,
    ("testing strategy", "testing", "test strategy", "tests"),
    generic=("tests",),
)

COLUMNS = {
    "type": ("type", "test type", "level", "kind"),
    "coverage_target": ("coverage target", "coverage", "scope", "target"),
    "tools": ("tools", "tool", "framework", "tooling"),
    "when": ("when", "frequency", "cadence", "trigger"),
}


def read(doc: Reader) -> list[dict[str, Any]]:
    table = doc.table("testing", COLUMNS, ("type",))
    return plain_rows(doc, table, "testing", ("type", "coverage_target", "tools", "when"))
