"""A roadmap as Markdown (for people), JSON (for tools) or plain text (for a terminal).

Every piece of text that came from a document (names, remediation filled with the
design's values, change values) is escaped as in the score reports: Markdown
through :func:`designkit.report.markdown.escape`, text lines through
:func:`~designkit.text_safety.safe_line`, JSON through
:func:`~designkit.text_safety.safe_json`.
"""

from __future__ import annotations

import json
from typing import Any

from designkit.report.markdown import escape
from designkit.roadmap.plan import GROUP_TITLES, GROUPS, LEGEND, Item, OverallState, Roadmap
from designkit.text_safety import safe_json, safe_lines

FORMATS = ("markdown", "json", "text")
VALUE_CHARS = 90
"""A change's value is shown up to this many characters in Markdown and text (JSON has all)."""


def _level(level: int | None) -> str:
    return "needs assessment" if level is None else str(level)


def _overall(state: OverallState) -> str:
    if state.score is None:
        return "not assessed"
    return f"{state.score} / 5 (level {state.level} {state.label}, risk {state.risk})"


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def change_words(item: Item) -> list[str]:
    """Each edit of an item as one line: ``set PATH = VALUE`` or ``append to PATH: VALUE``."""
    return [
        f"set {edit.path} = {_value(edit.value)}"
        if edit.op == "set"
        else f"append to {edit.path}: {_value(edit.value)}"
        for edit in item.changes
    ]


def render_json(roadmap: Roadmap) -> str:
    return safe_json(json.dumps(roadmap.model_dump(mode="json"), indent=2, ensure_ascii=False))


def render_markdown(roadmap: Roadmap) -> str:
    out = [f"# Improvement roadmap: {escape(roadmap.name or roadmap.file)}", ""]
    target = "each dimension's next level" if roadmap.target is None else f"level {roadmap.target}"
    out += [
        f"*{escape(roadmap.assessment.capitalize())}* of `{escape(roadmap.file)}`: "
        "read from the document, without runtime data. "
        f"Target: {target}.",
        "",
        f"**Overall**: {escape(_overall(roadmap.before))} → {escape(_overall(roadmap.after))}",
        "",
        escape(roadmap.message),
        "",
        "## Levels",
        "",
        "| Dimension | Weight | Confidence | Before | Target | After | Blocked by |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in roadmap.dimensions:
        out.append(
            f"| {escape(d.name)} | {d.weight:g} | {d.confidence} | {_level(d.level_before)} | "
            f"{d.target} | {_level(d.level_after)} | {escape(', '.join(d.blocked_by)) or '—'} |"
        )
    for group in GROUPS:
        items = [item for item in roadmap.items if item.group == group]
        if not items:
            continue
        out += ["", f"## {GROUP_TITLES[group]}", "", f"*{escape(LEGEND[group])}*", ""]
        out += [
            "| # | Criteria | Dimension | Level | Effort | Change | How |",
            "|---|---|---|---|---|---|---|",
        ]
        for item in items:
            number = roadmap.items.index(item) + 1
            criteria = "<br>".join(f"{escape(c.id)}: {escape(c.title)}" for c in item.criteria)
            changes = "<br>".join(escape(line) for line in change_words(item))
            out.append(
                f"| {number} | {criteria} | {escape(item.dimension_name)} | "
                f"{_level(item.level_before)} → {_level(item.level_after)} | {item.effort} | "
                f"{changes} | {escape(item.remediation)} |"
            )
    if roadmap.blocked:
        out += [
            "",
            "## Blocked",
            "",
            "| Criterion | Dimension | Level | Why |",
            "|---|---|---|---|",
        ]
        out += [
            f"| {escape(b.criterion)}: {escape(b.title)} | {escape(b.dimension)} | {b.level} | "
            f"{escape(b.reason)} |"
            for b in roadmap.blocked
        ]
    out += ["", "## Legend", ""]
    out += [
        f"- **{escape(key.replace('_', ' '))}**: {escape(text)}" for key, text in LEGEND.items()
    ]
    out += [f"- Note: {escape(notice)}" for notice in roadmap.notices]
    return "\n".join(out) + "\n"


def render_text(roadmap: Roadmap) -> str:
    target = "next level" if roadmap.target is None else f"level {roadmap.target}"
    out = [
        f"{roadmap.file}: roadmap to {target} ({roadmap.assessment})",
        f"  overall {_overall(roadmap.before)} -> {_overall(roadmap.after)}",
        f"  {roadmap.message}",
    ]
    for d in roadmap.dimensions:
        blocked = f"  blocked by {', '.join(d.blocked_by)}" if d.blocked_by else ""
        out.append(
            f"  {d.name}: {_level(d.level_before)} -> {_level(d.level_after)} "
            f"(target {d.target}, confidence {d.confidence}){blocked}"
        )
    for number, item in enumerate(roadmap.items, 1):
        ids = ", ".join(c.id for c in item.criteria)
        out.append(
            f"{number:>3}. [{GROUP_TITLES[item.group]}, {item.effort}] {item.dimension_name} "
            f"{_level(item.level_before)} -> {_level(item.level_after)}: {ids}"
        )
        out += [f"       {line}" for line in change_words(item)]
    for b in roadmap.blocked:
        out.append(f"  blocked: {b.criterion} ({b.dimension}, level {b.level}): {b.title}")
    return safe_lines("\n".join(out)) + "\n"


def render(roadmap: Roadmap, output_format: str) -> str:
    """The roadmap in one of :data:`FORMATS`."""
    if output_format == "json":
        return render_json(roadmap) + "\n"
    if output_format == "markdown":
        return render_markdown(roadmap)
    return render_text(roadmap)
