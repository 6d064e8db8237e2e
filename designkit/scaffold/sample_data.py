"""Deterministic sample input, so ``run`` works the moment the project exists.

Records are shaped like the SOURCE system (the mapping table's source fields,
nested on dots) so the configured mappings really run; canonical fields no
mapping fills are added under their own names.
"""

from __future__ import annotations

import json
import re
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


_SEGMENT = re.compile(r"^(?P<name>[^\[\]]*)(?P<steps>(?:\[\d*\])+)$")
ARRAY_ITEMS = 2
"""Elements in a sample array (``lines[].sku``): more than one, so "arrays map to arrays"
is visible in the very first run."""


def path_steps(path: str) -> list[str | int | None]:
    """A source path read as the runtime's mapping.SourcePath reads it: keys, ``[N]``
    indexes and ``[]`` (every element); any other bracket text stays part of the key."""
    steps: list[str | int | None] = []
    for segment in path.split("."):
        match = _SEGMENT.match(segment)
        if match is None:
            steps.append(segment)
            continue
        if match["name"]:
            steps.append(match["name"])
        steps.extend(int(i) if i else None for i in re.findall(r"\[(\d*)\]", match["steps"]))
    return steps


def fans_out(path: str) -> bool:
    return None in path_steps(path)


def _place(record: Any, path: str | list[str | int | None], value: Any) -> None:
    """Put a value at a source path, building objects and arrays on the way. A ``[]``
    takes a list of values, one per element; a path that clashes with one already placed
    is skipped (first one wins)."""
    steps = path_steps(path) if isinstance(path, str) else path
    node = record
    for position, step in enumerate(steps[:-1]):
        following = steps[position + 1]
        empty: Any = {} if isinstance(following, str) else []
        if step is None:  # every element: one value each
            if not isinstance(value, list) or not isinstance(node, list):
                return
            while len(node) < len(value):
                node.append({} if isinstance(following, str) else [])
            for item, part in zip(node, value, strict=False):
                _place(item, steps[position + 1 :], part)
            return
        if isinstance(step, int):
            if not isinstance(node, list):
                return
            while len(node) <= step:
                node.append({} if isinstance(following, str) else [])
            node = node[step]
            continue
        if not isinstance(node, dict):
            return
        child = node.setdefault(step, empty)
        if not isinstance(child, dict | list):
            return
        node = child
    last = steps[-1] if steps else None
    if isinstance(last, str) and isinstance(node, dict):
        node.setdefault(last, value)
    elif last is None and isinstance(node, list) and isinstance(value, list) and not node:
        node.extend(value)
    elif isinstance(last, int) and isinstance(node, list):
        while len(node) <= last:
            node.append(None)
        if node[last] is None:
            node[last] = value


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
            table = context.lookups.get(mapping.lookup or "", (0, {}))[1]
            keys = sorted(table)

            def make(number: int, target: str = target, keys: list[str] = keys) -> Any:
                if keys:
                    return keys[number % len(keys)]
                return _value(types.get(target, "string"), target, number)

            if fans_out(mapping.source.value):
                value: Any = [make(index + item) for item in range(ARRAY_ITEMS)]
            else:
                value = make(index)
            _place(record, mapping.source.value, value)
        for item in context.fields:
            if item.name.value not in filled:
                _place(record, item.name.value, _value(item.type.value, item.name.value, index))
        records.append(record)
    return records


def sample_jsonl(context: Context) -> bytes:
    lines = (json.dumps(r, ensure_ascii=False, sort_keys=True) for r in sample_records(context))
    return ("\n".join(lines) + "\n").encode("utf-8")
