"""A single point of failure sits between sources and targets while failover is claimed automatic.

Automatic failover is only as good as the weakest box on the path; every articulation point needs its own redundancy.

PASS: [S] --> [A] --> [T] and [S] --> [B] --> [T] with Failover Automatic
FAIL: [S] --> [Hub] --> [T] with Failover Automatic

FIX: Make the box redundant (two instances, an alternative route), or write the failover as manual.
"""

from __future__ import annotations

from collections.abc import Iterator

from designkit.diagnostics import Severity
from designkit.lint.engine import Finding
from designkit.parse.document import ParsedDesign

CODE = "DK407"
NAME = "single-point-of-failure"
SEVERITY = Severity.INFO


def check(parsed: ParsedDesign) -> Iterator[Finding]:
    from designkit.diagram.checks import single_points_of_failure

    for message, field in single_points_of_failure(parsed):
        yield Finding(message, field)
