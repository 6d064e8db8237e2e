"""A system in the diagram cannot be reached from any source.

A box no arrow leads to from a source never receives data; the diagram is missing an arrow or the box is stale.

PASS: [A] --> [B] --> [C]
FAIL: [A] --> [B] plus [X] --> [Y] --> [X]

FIX: Draw the arrow that feeds the box from a source, or delete the stale box.
"""

from __future__ import annotations

from collections.abc import Iterator

from designkit.diagnostics import Severity
from designkit.lint.engine import Finding
from designkit.parse.document import ParsedDesign

CODE = "DK404"
NAME = "unreachable-system"
SEVERITY = Severity.WARNING


def check(parsed: ParsedDesign) -> Iterator[Finding]:
    from designkit.diagram.checks import unreachable_systems

    for message, field in unreachable_systems(parsed):
        yield Finding(message, field)
