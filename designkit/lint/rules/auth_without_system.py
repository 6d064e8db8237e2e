"""An authentication row names no system in the diagram.

The diagram and the security table describe the same connections; a row with no box is either a missing arrow or a stale row.

PASS: 'Salesforce to order-exp-api' with [Salesforce] and [order-exp-api] in the diagram
FAIL: 'Legacy FTP to ERP' with no FTP box

FIX: Draw the system in '### Architecture Diagram', or delete the stale authentication row.
"""

from __future__ import annotations

from collections.abc import Iterator

from designkit.diagnostics import Severity
from designkit.lint.engine import Finding
from designkit.parse.document import ParsedDesign

CODE = "DK402"
NAME = "auth-without-system"
SEVERITY = Severity.INFO


def check(parsed: ParsedDesign) -> Iterator[Finding]:
    from designkit.diagram.checks import auth_rows_without_system

    for message, field in auth_rows_without_system(parsed):
        yield Finding(message, field)
