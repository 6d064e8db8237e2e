"""A design model as flat, readable values: what a reviewer sees change between versions.

List items are named by what identifies them in the document (a retry row by its
scenario, a mapping by source and target field), not by their position, so
inserting a row does not make every row after it look changed; the same names
make finding fingerprints survive inserted rows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from designkit.model import Design

_KEY_FIELDS = (
    "scenario",
    "name",
    "metric",
    "connection",
    "kind",
    "step",
    "rule",
    "level",
    "type",
    "risk",
    "question",
)
"""The first of these an item has (and fills) is its name within its list."""

_LIST_NOUNS = {
    "retry_policies": "retry",
    "mappings": "mapping",
    "fields": "field",
    "normal": "step",
    "errors": "error flow",
    "metrics": "metric",
    "dashboards": "dashboard",
    "logging": "log level",
    "authentication": "authentication",
    "validation_rules": "validation rule",
    "risks": "risk",
    "phases": "phase",
    "open_questions": "question",
    "edges": "arrow",
    "testing": "testing",
    "other": "success criterion",
    "extra_sections": "section",
}

_FRIENDLY = {
    "rto_seconds": "RTO",
    "rpo_seconds": "RPO",
    "current_rto_seconds": "current RTO",
    "current_rpo_seconds": "current RPO",
    "latency_p95_seconds": "p95 latency",
    "maturity_target_level": "maturity target",
    "throughput_per_minute": "throughput per minute",
}

_SKIPPED = {"architecture.diagram.text", "architecture.diagram.nodes"}
"""Drawn text and its box list: every change shows up as an added or removed arrow."""

_INDEX = re.compile(r"\[(\d+)\]")


def item_key(item: Any, index: int) -> str:
    """The name of a list item: its identifying field, ``source -> target``, else its position."""
    if isinstance(item, dict):
        if item.get("source_field") or item.get("target_field"):
            return f"{item.get('source_field') or '?'} -> {item.get('target_field') or '?'}"
        if "source" in item and "target" in item:
            return f"{item['source']} -> {item['target']}"
        for name in _KEY_FIELDS:
            value = item.get(name)
            if isinstance(value, str) and value.strip():
                return " ".join(value.split())[:60]
    return f"#{index + 1}"


def _keys(items: list[Any]) -> list[str]:
    """Item names, made unique (``name``, ``name (2)``) when a list repeats one."""
    seen: dict[str, int] = {}
    keys: list[str] = []
    for index, item in enumerate(items):
        key = item_key(item, index)
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key} ({seen[key]})")
    return keys


def _walk(node: Any, path: str, items: dict[str, str]) -> Iterator[tuple[str, Any]]:
    if path in _SKIPPED:
        return
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _walk(value, f"{path}.{name}" if path else name, items)
    elif isinstance(node, list) and any(isinstance(v, dict) for v in node):
        for key, value in zip(_keys(node), node, strict=True):
            item_path = f"{path}[{key}]"
            items[item_path] = path
            yield from _walk(value, item_path, items)
    else:
        yield path, node


def flatten(design: Design) -> tuple[dict[str, Any], dict[str, str]]:
    """``{path: value}`` for every leaf of the model, and ``{item path: list path}``.

    Lists of plain values (backoff delays, phase items) are one value.
    """
    items: dict[str, str] = {}
    values = dict(_walk(design.model_dump(mode="json"), "", items))
    return values, items


def stable_field(design: Design, field: str | None, dumped: Any = None) -> str:
    """``data.mappings[14].notes`` -> ``data.mappings[Order.Id -> order_id].notes``.

    A finding's model path names rows by position; the position changes when a row
    is inserted above, the row's own name does not. ``dumped`` is the design's
    ``model_dump(mode="json")`` when the caller has it: naming every finding of a
    scorecard dumped the model once per finding.
    """
    if not field:
        return ""
    data: Any = design.model_dump(mode="json") if dumped is None else dumped
    out: list[str] = []
    position = 0
    for match in _INDEX.finditer(field):
        prefix = field[position : match.start()]
        out.append(prefix)
        for part in (p for p in prefix.split(".") if p):
            data = data.get(part) if isinstance(data, dict) else None
        index = int(match.group(1))
        if isinstance(data, list) and index < len(data):
            out.append(f"[{_keys(data)[index]}]")
            data = data[index]
        else:
            out.append(match.group(0))
            data = None
        position = match.end()
    out.append(field[position:])
    return "".join(out)


# ---------------------------------------------------------------- readable labels and values


def _words(name: str) -> str:
    if name in _FRIENDLY:
        return _FRIENDLY[name]
    for suffix in ("_seconds", "_days", "_percent"):
        name = name.removesuffix(suffix)
    return name.replace("_", " ")


_SEGMENT = re.compile(r"([^.\[]+)(?:\[([^\]]*)\])?")


def label(path: str) -> str:
    """``error_handling.retry_policies[NetSuite timeout].max_attempts`` ->
    ``retry 'NetSuite timeout' max attempts``; the section name is left out when a
    more specific name follows."""
    parts: list[str] = []
    segments = _SEGMENT.findall(path)
    for position, (name, key) in enumerate(segments):
        if key:
            parts.append(f"{_LIST_NOUNS.get(name, _words(name))} '{key}'")
        elif (position == 0 and len(segments) > 1) or name == "extra_columns":
            continue
        else:
            parts.append(_words(name))
    return " ".join(parts) or path


def duration(seconds: float) -> str:
    """``14400`` -> ``4h``, ``5400`` -> ``1h 30m``, ``0.5`` -> ``500ms``."""
    if seconds < 1 and seconds > 0:
        return f"{seconds * 1000:g}ms"
    rest = round(seconds)
    parts: list[str] = []
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)):
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return " ".join(parts[:2]) or "0s"


def _number(value: float) -> str:
    return f"{value:g}" if not float(value).is_integer() else str(int(value))


def show(path: str, value: Any, width: int = 60) -> str:
    """A value as the document would say it: durations in h/m/s, percentages with ``%``."""
    leaf = path.rsplit(".", 1)[-1]
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(show(path, v, width) for v in value) or "–"
    if isinstance(value, int | float) and math.isfinite(value):
        if leaf.endswith("_seconds"):
            return duration(float(value))
        if leaf.endswith("_days"):
            return f"{_number(value)}d"
        if leaf.endswith("_percent"):
            return f"{_number(value)}%"
        return _number(value)
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"
