"""The radar chart of a scorecard's dimension levels, as inline SVG for the HTML page.

The chart is the one markup of the page not written by the template, so every label
in it goes through :func:`~designkit.report.html_text.page_text` here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup

from designkit.report.html_text import page_text
from designkit.rubric.scorecard import DimensionResult


def _point(cx: float, cy: float, radius: float, index: int, count: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def _label_lines(name: str, width: int = 16) -> list[str]:
    """Split a dimension name into at most two short lines."""
    words = name.split()
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width and len(lines) < 1:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return lines


def _level_text(dimension: DimensionResult) -> str:
    return "needs assessment" if dimension.level is None else f"level {dimension.level}"


def radar_svg(dimensions: Sequence[DimensionResult], target: int | None, title: str) -> Markup:
    """The dimension levels (0-5) as a filled polygon, the target as a dashed one."""
    width, height = 560, 440
    cx, cy, radius = width / 2, height / 2, 150.0
    count = max(len(dimensions), 1)
    out: list[str] = [
        f'<svg class="radar" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{page_text(title)}-t">',
        f'<title id="{page_text(title)}-t">Dimension levels (0-5)'
        + (f" against target {target}" if target is not None else "")
        + "</title>",
    ]
    for ring in range(1, 6):
        ring_points = [_point(cx, cy, radius * ring / 5, i, count) for i in range(count)]
        out.append(f'<polygon class="ring" points="{_points(ring_points)}"/>')
    for i in range(count):
        x, y = _point(cx, cy, radius, i, count)
        out.append(f'<line class="axis" x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}"/>')
    for ring in range(1, 6):
        out.append(
            f'<text class="ring-label" x="{cx + 4:.1f}" y="{cy - radius * ring / 5 - 3:.1f}">'
            f"{ring}</text>"
        )
    if target is not None and dimensions:
        level = max(0, min(5, target))
        target_points = [_point(cx, cy, radius * level / 5, i, count) for i in range(count)]
        out.append(f'<polygon class="target" points="{_points(target_points)}"/>')
    if dimensions:
        level_points = [
            _point(cx, cy, radius * max(0, min(5, d.level or 0)) / 5, i, count)
            for i, d in enumerate(dimensions)
        ]
        out.append(f'<polygon class="level" points="{_points(level_points)}"/>')
        for (x, y), dimension in zip(level_points, dimensions, strict=True):
            out.append(
                f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3.5">'
                f"<title>{page_text(dimension.name)}: {page_text(_level_text(dimension))}</title></circle>"
            )
    for i, dimension in enumerate(dimensions):
        x, y = _point(cx, cy, radius + 16, i, count)
        dx = x - cx
        anchor = "middle" if abs(dx) < 1 else ("start" if dx > 0 else "end")
        lines = _label_lines(
            f"{dimension.name} ({'n/a' if dimension.level is None else dimension.level})"
        )
        dy = y - cy
        first = y + 4 - (len(lines) - 1) * 14 / 2
        if dy < -radius * 0.9:
            first = y - (len(lines) - 1) * 14
        elif dy > radius * 0.9:
            first = y + 10
        spans = "".join(
            f'<tspan x="{x:.1f}" y="{first + n * 14:.1f}">{page_text(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        out.append(f'<text class="axis-label" text-anchor="{anchor}">{spans}</text>')
    out.append("</svg>")
    return Markup("\n".join(out))
