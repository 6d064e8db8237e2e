"""An external call has no failure path while the design has a DLQ.

A DLQ only catches what is routed to it: a call with no retry and no arrow to the DLQ loses its failures.

PASS: a retry table with attempts > 1, or [Adapter] --> [DLQ]
FAIL: a DLQ section, no retry rows, and [Adapter] --> [Target] only

FIX: Give the call a retry row with more than one attempt, or draw its failure path: '[Adapter] --> [DLQ]'.
"""

from __future__ import annotations

from collections.abc import Iterator

from designkit.diagnostics import Severity
from designkit.lint.engine import Finding
from designkit.parse.document import ParsedDesign

CODE = "DK403"
NAME = "call-without-failure-path"
SEVERITY = Severity.WARNING


def check(parsed: ParsedDesign) -> Iterator[Finding]:
    from designkit.diagram.checks import calls_without_failure_path

    for message, field in calls_without_failure_path(parsed):
        yield Finding(message, field)
