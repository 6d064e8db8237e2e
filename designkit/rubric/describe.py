"""``designkit rubric show``: the criteria as a readable list."""

from __future__ import annotations

from designkit.rubric.schema import Rubric


def describe_rubric(rubric: Rubric) -> str:
    total = sum(len(d.criteria) for d in rubric.dimensions)
    lines = [
        f"{rubric.name} ({rubric.id} {rubric.version}): {len(rubric.dimensions)} dimensions, "
        f"{total} criteria",
        "levels: " + ", ".join(f"{k} {v}" for k, v in sorted(rubric.levels.items())),
    ]
    for dimension in rubric.dimensions:
        lines += ["", f"{dimension.name} [{dimension.id}] weight {dimension.weight:g}"]
        for criterion in sorted(dimension.criteria, key=lambda c: (c.level, c.id)):
            flag = f" {criterion.red_flag}" if criterion.red_flag else ""
            off = " (disabled)" if not criterion.enabled else ""
            lines.append(
                f"  L{criterion.level} {criterion.severity.value:<8} {criterion.id}{flag}: "
                f"{criterion.title}{off}"
            )
    return "\n".join(lines) + "\n"
