"""``roadmap.md`` of an assessment: per integration, the export's red flags first, then its roadmap.

The red flags an export proves (a plain-text password, a call over HTTP) are the
fixes a client must hear about first, whatever the document score says, so they
head each integration's entry with their file and line. The level-by-level plan
comes from ``designkit roadmap`` on the current-state design (written beside it
as ``roadmaps/NAME.md``), so the levels it promises are the ones ``designkit
score`` gives once the changes are made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from designkit.assess.inventory_report import kit_severity, md_code, md_text
from designkit.diagnostics import Diagnostic
from designkit.roadmap.plan import GROUP_TITLES, Roadmap

_FIRST = ("critical", "high")


@dataclass
class RoadmapEntry:
    integration: str
    design: str
    """The current-state design, relative to the assessment folder."""
    roadmap_file: str
    roadmap: Roadmap
    flags: Sequence[Diagnostic]


def _score(state: object) -> str:
    score = getattr(state, "score", None)
    level = getattr(state, "level", None)
    return "needs assessment" if score is None else f"{score:.1f} (level {level})"


def roadmap_index(entries: Sequence[RoadmapEntry]) -> str:
    lines = [
        "# Improvement Roadmap",
        "",
        "*Preliminary, static assessment*: read from the platform exports and the "
        "current-state designs written from them, without runtime data or interviews. "
        "Confidence per dimension follows the maturity model: high for Architecture and "
        "Data Quality, medium for Security and Maintainability, low for the rest.",
        "",
        "| Integration | Fix first (export) | Overall now | After the roadmap | Changes | Roadmap |",
        "|---|---|---|---|---|---|",
    ]
    for entry in entries:
        first = sum(1 for flag in entry.flags if kit_severity(flag) in _FIRST)
        lines.append(
            f"| {md_text(entry.integration)} | {first} | {_score(entry.roadmap.before)} | "
            f"{_score(entry.roadmap.after)} | {len(entry.roadmap.items)} | "
            f"[{md_text(entry.roadmap_file)}]({entry.roadmap_file}) |"
        )
    for entry in entries:
        lines += ["", f"## {md_text(entry.integration)}", ""]
        lines.append(f"Current-state design: [{md_text(entry.design)}]({entry.design}).")
        urgent = [flag for flag in entry.flags if kit_severity(flag) in _FIRST]
        lines += ["", "**Critical fixes proven by the export** (before any level work)", ""]
        if urgent:
            lines += ["| Code | Severity | Finding | Where |", "|---|---|---|---|"]
            lines += [
                f"| {flag.code} | {kit_severity(flag)} | {md_text(flag.message)} | "
                f"{md_code(f'{flag.path}:{flag.line}')} |"
                for flag in urgent
            ]
        else:
            lines.append("None of critical or high severity.")
        lines += ["", f"**Level by level**: {md_text(entry.roadmap.message)}"]
        groups: dict[str, int] = {}
        for item in entry.roadmap.items:
            groups[item.group] = groups.get(item.group, 0) + 1
        if groups:
            counted = ", ".join(
                f"{count} {GROUP_TITLES.get(group, group).lower()}"
                for group, count in groups.items()
            )
            lines.append(f"({counted}; see [{md_text(entry.roadmap_file)}]({entry.roadmap_file})).")
    return "\n".join(lines) + "\n"
