"""Deterministic sample input, so ``run`` works the moment the project exists.

Records are shaped like the SOURCE system (the mapping table's source fields,
nested on dots) so the configured mappings really run; canonical fields no
mapping fills are added under their own names.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from designkit.scaffold.context import Context

RECORDS = 20


def _value(kind: str, name: str, index: int) -> Any:
    lowered = name.lower()
    if kind == "integer":
        return index + 1
    if kind == "number":
        return round(10 + index * 3.25, 2)
    if kind == "boolean":
        return index % 2 == 0
    if kind == "date":
        return (date(2024, 1, 1) + timedelta(days=index)).isoformat()
    if kind == "datetime":
        moment = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=17 * index)
        return moment.isoformat().replace("+00:00", "Z")
    if kind == "object":
        return {"id": f"obj-{index + 1}"}
    if kind == "array":
        return [{"sku": f"SKU-{index + 1:03d}", "quantity": 1 + index % 3}]
    if "email" in lowered:
        return f"user{index + 1}@example.com"
    if "currency" in lowered:
        return ("USD", "EUR", "GBP")[index % 3]
    return f"{name}-{index + 1:04d}"


def _place(record: dict[str, Any], path: str, value: Any) -> None:
    """Put a value at a dotted path; a path that clashes with one already placed is skipped."""
    parts = path.split(".")
    node = record
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            return
        node = child
    node.setdefault(parts[-1], value)


def sample_records(context: Context, count: int = RECORDS) -> list[dict[str, Any]]:
    types = {f.name.value: f.type.value for f in context.fields}
    filled = {m.target.value for m in context.mappings}
    records: list[dict[str, Any]] = []
    for index in range(count):
        record: dict[str, Any] = {}
        # lookups first: when a source field feeds a lookup and a direct copy, the value
        # must be one the lookup table knows
        for mapping in sorted(context.mappings, key=lambda m: m.lookup is None):
            if not mapping.source.value:
                continue
            target = mapping.target.value
            value = _value(types.get(target, "string"), target, index)
            table = context.lookups.get(mapping.lookup or "", (0, {}))[1]
            if table:
                keys = sorted(table)
                value = keys[index % len(keys)]
            _place(record, mapping.source.value, value)
        for item in context.fields:
            if item.name.value not in filled:
                _place(record, item.name.value, _value(item.type.value, item.name.value, index))
        records.append(record)
    return records


def sample_jsonl(context: Context) -> bytes:
    lines = (json.dumps(r, ensure_ascii=False, sort_keys=True) for r in sample_records(context))
    return ("\n".join(lines) + "\n").encode("utf-8")
