"""``inventory.md`` and ``inventory.json``: what the exports hold, every row with its source.

The Markdown is for the client meeting (one section per integration, tables a
reader can scan); the JSON is the same inventory for tools, with the red flags
beside it. Export text is data: every value goes through :func:`md_text`, which
backslash-escapes Markdown and HTML punctuation, so a job named
``<img src=x onerror=...>`` or ``| fake | row |`` shows as the characters it is.
Secret values are never in the inventory (the readers drop them); a secret shows
as ``secret, plain text in the export`` or ``secret``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from designkit.assess.inventory import (
    ContextVariable,
    Integration,
    Inventory,
    Source,
    StepKind,
)
from designkit.diagnostics import Diagnostic
from designkit.rubric.red_flags import red_flag
from designkit.text_safety import escape_controls, safe_json

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>&|#!~{}()])")


def md_text(text: object) -> str:
    """Export text shown literally in Markdown, on one line."""
    flat = escape_controls(" ".join(str(text).split()))
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat)


def md_code(text: object) -> str:
    """Export text as an inline code span (no Markdown or HTML inside one), on one line."""
    flat = escape_controls(" ".join(str(text).split()))
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    ticks = "`" * (longest + 1)
    return (
        f"{ticks} {flat} {ticks}"
        if flat.startswith("`") or flat.endswith("`")
        else f"{ticks}{flat}{ticks}"
    )


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(md_text(value) for value in row) + " |" for row in rows)
    return lines


def _where(source: Source, home: str) -> str:
    """``line 12`` inside the integration's own file, ``file:line`` elsewhere."""
    if source.file == home:
        return f"line {source.line}" if source.line else "the whole file"
    return str(source)


def kit_severity(flag: Diagnostic) -> str:
    """The assessment kit's word (critical, high, medium) for a red flag."""
    known = red_flag(flag.code)
    return known.severity if known else flag.severity.value


def _variable_value(variable: ContextVariable) -> str:
    if variable.secret:
        return "secret, plain text in the export" if variable.has_plain_value else "secret"
    return variable.value


def _flags_by_integration(flags: Iterable[Diagnostic]) -> dict[str, list[Diagnostic]]:
    grouped: dict[str, list[Diagnostic]] = {}
    for flag in flags:
        grouped.setdefault(flag.field or "", []).append(flag)
    return grouped


def _integration_section(integration: Integration, flags: list[Diagnostic]) -> list[str]:
    home = integration.source.file
    lines = ["", f"## {md_text(integration.name)}", ""]
    lines.append(f"{md_text(integration.platform)}, read from {md_code(integration.source)}.")
    if integration.description:
        lines += ["", md_text(integration.description)]
    lines += ["", "**Triggers**", ""]
    triggers = [(t.kind.value, t.detail, _where(t.source, home)) for t in integration.triggers]
    lines += (
        _table(["Kind", "Detail", "Source"], triggers)
        if triggers
        else ["None stated in the export."]
    )
    sections: list[tuple[str, list[str], list[tuple[object, ...]]]] = [
        (
            "Systems and connections",
            ["Name", "Connector", "Kind", "Endpoint or object", "Auth", "Direction", "Source"],
            [
                (
                    c.name,
                    c.connector,
                    c.system_kind,
                    c.endpoint,
                    c.auth,
                    c.direction,
                    _where(c.source, home),
                )
                for c in integration.connections
            ],
        ),
        (
            "Steps in order",
            ["#", "Name", "Component", "Kind", "Connection", "Detail", "Source"],
            [
                (
                    n,
                    s.name,
                    s.component,
                    s.kind.value,
                    s.connection,
                    s.detail,
                    _where(s.source, home),
                )
                for n, s in enumerate(integration.steps, 1)
            ],
        ),
        (
            "Field mappings",
            ["Source expression", "Target field", "Kind", "Step", "Source"],
            [
                (m.source_expression, m.target_field, m.kind.value, m.step, _where(m.source, home))
                for m in integration.mappings
            ],
        ),
        (
            "Error handling",
            ["Kind", "Step", "Attempts", "Delay (s)", "Timeout (s)", "Detail", "Source"],
            [
                (
                    h.kind.value,
                    h.step,
                    "" if h.attempts is None else h.attempts,
                    "" if h.delay_seconds is None else h.delay_seconds,
                    "" if h.timeout_seconds is None else h.timeout_seconds,
                    h.detail,
                    _where(h.source, home),
                )
                for h in integration.error_handling
            ],
        ),
        (
            "Calls to other jobs",
            ["Caller", "Callee", "Synchronous", "Source"],
            [
                (c.caller, c.callee, "yes" if c.synchronous else "no", _where(c.source, home))
                for c in integration.calls
            ],
        ),
        (
            "Context variables and properties",
            ["Name", "Value", "Scope", "Source"],
            [
                (v.name, _variable_value(v), v.scope, _where(v.source, home))
                for v in integration.variables
            ],
        ),
    ]
    for title, header, rows in sections:
        lines += ["", f"**{title}**", ""]
        lines += _table(header, rows) if rows else ["None in the export."]
    unknown = [s for s in integration.steps if s.kind is StepKind.UNKNOWN]
    if unknown:
        names = ", ".join(sorted({s.component for s in unknown}))
        lines += [
            "",
            f"Components designkit does not know (listed above as unknown): {md_text(names)}.",
        ]
    lines += ["", "**Red flags**", ""]
    rows = [
        (f.code, kit_severity(f), f.message, _where(Source(file=f.path, line=f.line), home))
        for f in flags
    ]
    lines += _table(["Code", "Severity", "Finding", "Source"], rows) if rows else ["None found."]
    return [*lines, ""]


def inventory_markdown(
    inventory: Inventory, flags: list[Diagnostic], skipped: Sequence[str] = ()
) -> str:
    """The inventory for people: a summary table, then one section per integration."""
    grouped = _flags_by_integration(flags)
    lines = ["# Integration Inventory", ""]
    lines.append(
        f"{len(inventory.integrations)} integration(s) read from {len(inventory.exports)} export "
        "file(s) by `designkit assess`. Every row names the file and line it was read from. "
        "This is a static reading of the exports: what runs in production may differ."
    )
    lines += ["", "## Summary", ""]
    summary = [
        (
            i.name,
            i.platform,
            ", ".join(dict.fromkeys(t.kind.value for t in i.triggers)) or "not stated",
            len(i.connections),
            len(i.steps),
            len(i.mappings),
            ", ".join(sorted({f.code for f in grouped.get(i.name, [])})) or "none",
            i.source,
        )
        for i in inventory.integrations
    ]
    lines += _table(
        [
            "Integration",
            "Platform",
            "Trigger",
            "Systems",
            "Steps",
            "Mappings",
            "Red flags",
            "Source",
        ],
        summary,
    )
    shared = grouped.get("", [])
    if inventory.shared_variables or inventory.shared_connections or shared:
        lines += ["", "## Shared context, properties and connections"]
        if inventory.shared_variables:
            lines += [
                "",
                *_table(
                    ["Name", "Value", "Scope", "Source"],
                    [
                        (v.name, _variable_value(v), v.scope, v.source)
                        for v in inventory.shared_variables
                    ],
                ),
            ]
        if inventory.shared_connections:
            lines += [
                "",
                *_table(
                    ["Connection", "Connector", "Kind", "Endpoint or object", "Auth", "Source"],
                    [
                        (c.name, c.connector, c.system_kind, c.endpoint, c.auth, c.source)
                        for c in inventory.shared_connections
                    ],
                ),
            ]
        if shared:
            lines += [
                "",
                "**Red flags**",
                "",
                *_table(
                    ["Code", "Severity", "Finding", "Source"],
                    [(f.code, kit_severity(f), f.message, f"{f.path}:{f.line}") for f in shared],
                ),
            ]
    for integration in inventory.integrations:
        lines += _integration_section(integration, grouped.get(integration.name, []))
    if skipped:
        lines += [
            "## Files not read",
            "",
            "No reader recognised these files; nothing was guessed from them.",
            "",
        ]
        lines += [f"- {md_code(path)}" for path in skipped] + [""]
    return "\n".join(lines).rstrip("\n") + "\n"


def inventory_json(
    inventory: Inventory, flags: list[Diagnostic], skipped: Sequence[str] = ()
) -> str:
    """The inventory for tools: the model, the red flags and the files not read."""
    data = {
        "inventory": inventory.model_dump(mode="json"),
        "red_flags": [flag.to_dict() for flag in flags],
        "skipped": list(skipped),
    }
    return safe_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
