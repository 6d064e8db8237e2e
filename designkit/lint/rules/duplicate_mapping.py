"""Two mappings copy the same source field into the same target field.

The second row adds nothing, or it was meant to say something else (a different
source, a condition). Different sources feeding one target, as in a union of
two systems, are fine.

PASS: | invoices.currency_code | ... | currency | ... |
      | charge.currency       | ... | currency | ... |
FAIL: | email | string | Direct | customer_email | ... | twice

FIX: Delete the repeated row, or change it to say what was meant (another source, a condition in Notes).
"""

from __future__ import annotations

from collections.abc import Iterator

from designkit.diagnostics import Severity
from designkit.lint.engine import Finding
from designkit.parse.document import ParsedDesign

CODE = "DK306"
NAME = "duplicate-mapping"
SEVERITY = Severity.WARNING


def check(parsed: ParsedDesign) -> Iterator[Finding]:
    first: dict[str, int] = {}
    for index, mapping in enumerate(parsed.design.data.mappings):
        if not mapping.target_field:
            continue
        key = f"{mapping.source_field or ''}\0{mapping.target_field}".strip().lower()
        if key in first:
            line = parsed.line_of(f"data.mappings[{first[key]}]")
            yield Finding(
                f"mapping {mapping.source_field} -> {mapping.target_field} repeats the "
                f"mapping on line {line}",
                f"data.mappings[{index}].target_field",
            )
        else:
            first[key] = index
