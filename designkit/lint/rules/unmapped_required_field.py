"""A required canonical field that no mapping fills.

Every record would then fail validation: either a mapping is missing or the
field is not really required.

PASS: canonical field {"name": "order_id", "required": true},
      and a mapping whose Target Field is order_id
FAIL: canonical field {"name": "currency", "required": true} and no mapping targets currency

FIX: Add a mapping row whose Target Field is the required field, or mark the field "required": false in the canonical model.
"""

from __future__ import annotations

from collections.abc import Iterator

from designkit.diagnostics import Severity
from designkit.lint.engine import Finding
from designkit.lint.rules._fields import field_keys
from designkit.parse.document import ParsedDesign

CODE = "DK302"
NAME = "unmapped-required-field"
SEVERITY = Severity.ERROR


def check(parsed: ParsedDesign) -> Iterator[Finding]:
    data = parsed.design.data
    if not data.mappings:
        return
    entity = data.canonical_model.entity
    targets: set[str] = set()
    for mapping in data.mappings:
        if mapping.target_field:
            targets |= field_keys(mapping.target_field, entity)
    for index, field in enumerate(data.canonical_model.fields):
        if field.required and field.name.lower() not in targets:
            yield Finding(
                f"required canonical field '{field.name}' is not filled by any mapping",
                f"data.canonical_model.fields[{index}]",
            )
