"""A target is reached only through a cycle.

Data that must loop before it reaches its target risks duplicates and endless retries; name the path out of the loop.

PASS: [A] --> [B] --> [T]
FAIL: [A] --> [B] --> [C] --> [B] and [C] --> [T]

FIX: Draw the path from outside the loop to the target, or explain the loop's exit in the flow.
"""

from __future__ import annotations

from collections.abc import Iterator

from designkit.diagnostics import Severity
from designkit.lint.engine import Finding
from designkit.parse.document import ParsedDesign

CODE = "DK406"
NAME = "target-only-through-cycle"
SEVERITY = Severity.WARNING


def check(parsed: ParsedDesign) -> Iterator[Finding]:
    from designkit.diagram.checks import targets_only_through_cycles

    for message, field in targets_only_through_cycles(parsed):
        yield Finding(message, field)
