"""A mapping's Target Field is not in the canonical model.

The canonical model is the contract between source and target; a mapping that
writes elsewhere either misses a field in the model or has a typo.

PASS: | id | string | Direct | order_id | string | |   with "order_id" in the JSON block
FAIL: | id | string | Direct | orderId  | string | |   with only "order_id" in the JSON block

FIX: Fix the Target Field's spelling, or add the field to the canonical model's JSON block.
"""

from __future__ import annotations

from collections.abc import Iterator

from designkit.diagnostics import Severity
from designkit.lint.engine import Finding
from designkit.lint.rules._fields import field_keys
from designkit.parse.document import ParsedDesign

CODE = "DK303"
NAME = "unknown-mapping-target"
SEVERITY = Severity.ERROR


def check(parsed: ParsedDesign) -> Iterator[Finding]:
    data = parsed.design.data
    known = {field.name.lower() for field in data.canonical_model.fields}
    if not known:
        return
    entity = data.canonical_model.entity
    for index, mapping in enumerate(data.mappings):
        target = mapping.target_field
        if target and not (field_keys(target, entity) & known):
            yield Finding(
                f"mapping target '{target}' is not a field of the canonical model",
                f"data.mappings[{index}].target_field",
            )
