"""Canonical Data Model: the entity every system maps to, as a JSON block.

Read from the first JSON block of the section (a ```json fence, or one that
starts with ``{``): ``entity``, ``version`` and ``fields``, the fields either a
list of objects or a ``{name: type}`` object. Invalid JSON is an error at the
line and column the JSON parser names, so the author can fix it there.

PASS::

    ## Data Design

    ### Canonical Data Model

    ```json
    {"entity": "Order", "version": "1.0",
     "fields": [{"name": "order_id", "type": "string", "required": true}]}
    ```

FAIL (DK203)::

    ## Data Design

    ### Canonical Data Model

    ```json
    {"entity": "Order",, }
    ```

FAIL (DK104)::

    ## Data Design

    ### Canonical Data Model

    Orders, customers and products.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from designkit.diagnostics import Severity
from designkit.parse import values as v
from designkit.parse.markdown import Fence
from designkit.parse.readers.spec import SectionSpec, Topic

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "data.canonical_model"

SPEC = SectionSpec(
    KEY,
    "Canonical Data Model",
    "data",
    ("canonical data model", "canonical model", "data model"),
    topic=Topic(
        ("canonical model", "data model"),
        re.compile(r"canonical|model|schema|entity|contract", re.IGNORECASE),
    ),
    integration=True,
)


def read(doc: Reader) -> dict[str, Any]:
    fences = [
        fence
        for fence in doc.fences(KEY, code=True)
        if fence.info.lower().startswith("json") or fence.content.lstrip().startswith("{")
    ]
    if not fences:
        if doc.scopes(KEY):
            doc.report(
                "DK104",
                Severity.WARNING,
                f"{KEY}: no ```json block found",
                doc.section_line(KEY),
                1,
                KEY,
            )
        return {}
    return _from_fence(doc, fences[0])


def _from_fence(doc: Reader, fence: Fence) -> dict[str, Any]:
    base = fence.line + 1
    doc.at(KEY, fence.line)
    try:
        document = json.loads(fence.content)
    except json.JSONDecodeError as error:
        doc.report(
            "DK203",
            Severity.ERROR,
            f"{KEY}: invalid JSON: {error.msg}",
            base + error.lineno - 1,
            error.colno,
            KEY,
        )
        return {}
    if not isinstance(document, dict):
        doc.report("DK203", Severity.ERROR, f"{KEY}: expected a JSON object", base, 1, KEY)
        return {}
    lines = fence.content.split("\n")

    def line_of(needle: str) -> int:
        for offset, text in enumerate(lines):
            if needle in text:
                return base + offset
        return base

    out: dict[str, Any] = {}
    for name in ("entity", "version"):
        raw = document.get(name)
        if raw is not None:
            out[name] = doc.text(str(raw), f"{KEY}.{name}", line_of(f'"{name}"'))
    raw_fields = document.get("fields", [])
    if isinstance(raw_fields, dict):
        raw_fields = [
            {"name": key, **(value if isinstance(value, dict) else {"type": value})}
            for key, value in raw_fields.items()
        ]
    if not isinstance(raw_fields, list):
        doc.report(
            "DK203",
            Severity.ERROR,
            f"{KEY}.fields: expected a list",
            line_of('"fields"'),
            1,
            f"{KEY}.fields",
        )
        return out
    out["fields"] = _fields(doc, raw_fields, line_of)
    return out


def _fields(
    doc: Reader, raw_fields: list[Any], line_of: Callable[[str], int]
) -> list[dict[str, Any]]:
    """The named fields; a field with no name is the template's example row (DK201)."""
    fields: list[dict[str, Any]] = []
    for raw in raw_fields:
        if not isinstance(raw, dict):
            continue
        name = str(raw.get("name") or "").strip()
        path = f"{KEY}.fields[{len(fields)}]"
        line = line_of(f'"{name}"') if name else line_of('"name"')
        if not name or v.is_placeholder(name):
            doc.report(
                "DK201",
                Severity.WARNING,
                f"{KEY}.fields: a field with no name (template row)",
                line,
                1,
                f"{KEY}.fields",
            )
            continue
        doc.at(path, line)
        required = raw.get("required", False)
        fields.append(
            {
                "name": name,
                "type": doc.text(str(raw["type"]), f"{path}.type", line)
                if raw.get("type")
                else None,
                "required": required is True or str(required).lower() in {"true", "yes", "y"},
                "description": str(raw["description"]).strip() or None
                if raw.get("description")
                else None,
            }
        )
    return fields
