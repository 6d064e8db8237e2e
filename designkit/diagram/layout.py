"""Whether a drawing reads: overlapping labels, measured on Graphviz's own layout.

A label over another label or over a box is what makes a diagram unreadable
at any size, and it cannot be seen in the DOT text: only after layout. So the
DOT is laid out by ``dot -Tjson`` and every text run it places (edge labels,
cluster titles, the graph title) is boxed from its anchor, alignment, width and
font size, and compared with the other labels and with every node's box.
Text inside a node is the node's own business and is not compared with it.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from typing import Any

from designkit.errors import UserError

POINTS_PER_INCH = 72.0
SLACK = 1.0  # points of overlap ignored: anti-aliasing, not a collision


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned box in Graphviz points, and what it belongs to."""

    owner: str
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box) -> bool:
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.y1, other.y1) - max(self.y0, other.y0)
        return width > SLACK and height > SLACK


@dataclass(frozen=True, slots=True)
class Overlap:
    first: Box
    second: Box

    def describe(self) -> str:
        return f"{self.first.text!r} ({self.first.owner}) overlaps {self.second.text!r} ({self.second.owner})"


def _text_boxes(owner: str, ops: list[dict[str, Any]]) -> list[Box]:
    """One box per text run of an xdot draw list (``F`` sets the size, ``T`` draws)."""
    size = 14.0
    boxes = []
    for op in ops:
        if op.get("op") == "F":
            size = float(op["size"])
        elif op.get("op") == "T":
            x, y = (float(v) for v in op["pt"])
            width = float(op["width"])
            align = op.get("align", "c")
            left = x - width / 2 if align == "c" else x if align == "l" else x - width
            # the baseline is y: ascenders reach ~0.8 of the size, descenders ~0.2
            boxes.append(
                Box(owner, str(op["text"]), left, y - 0.2 * size, left + width, y + 0.8 * size)
            )
    return boxes


def _node_box(node: dict[str, Any]) -> Box | None:
    if "pos" not in node or "width" not in node:
        return None
    x, y = (float(v) for v in str(node["pos"]).split(",")[:2])
    half_w = float(node["width"]) * POINTS_PER_INCH / 2
    half_h = float(node["height"]) * POINTS_PER_INCH / 2
    name = str(node.get("name"))
    return Box(
        f"node {name}", str(node.get("label", name)), x - half_w, y - half_h, x + half_w, y + half_h
    )


def layout_json(dot_text: str) -> dict[str, Any]:
    """The layout Graphviz computes for DOT text (``dot -Tjson``)."""
    try:
        done = subprocess.run(
            ["dot", "-Tjson"], input=dot_text.encode("utf-8"), capture_output=True, check=False
        )
    except FileNotFoundError:
        raise UserError("checking the layout needs the Graphviz 'dot' program") from None
    if done.returncode != 0:
        raise UserError(f"Graphviz failed: {done.stderr.decode(errors='replace').strip()}")
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def label_boxes(layout: dict[str, Any]) -> tuple[list[Box], list[Box]]:
    """(labels, nodes): every placed label's text box, and every node's box."""
    labels: list[Box] = _text_boxes("graph title", layout.get("_ldraw_", []))
    nodes: list[Box] = []
    objects = layout.get("objects", [])
    for obj in objects:
        if "nodes" in obj or str(obj.get("name", "")).startswith("cluster"):
            labels += _text_boxes(f"cluster {obj.get('name')}", obj.get("_ldraw_", []))
        else:
            box = _node_box(obj)
            if box is not None:
                nodes.append(box)
    for index, edge in enumerate(layout.get("edges", [])):
        tail = objects[edge["tail"]].get("name")
        head = objects[edge["head"]].get("name")
        owner = f"edge {index} {tail}->{head}"
        for key in ("_ldraw_", "_tldraw_", "_hldraw_", "_tlldraw_", "_hlldraw_"):
            labels += _text_boxes(owner, edge.get(key, []))
    return labels, nodes


def overlaps(dot_text: str) -> list[Overlap]:
    """Every label that overlaps another owner's label, or any node's box."""
    return overlaps_in(layout_json(dot_text))


def overlaps_in(layout: dict[str, Any]) -> list[Overlap]:
    """The same, on a layout already computed (``dot -Tjson``'s output)."""
    labels, nodes = label_boxes(layout)
    found: list[Overlap] = []
    for i, first in enumerate(labels):
        for second in labels[i + 1 :]:
            if first.owner != second.owner and first.overlaps(second):
                found.append(Overlap(first, second))
        for node in nodes:
            if first.overlaps(node):
                found.append(Overlap(first, node))
    return found


def _bezier_points(points: list[list[float]], steps: int = 12) -> list[tuple[float, float]]:
    """Points along a cubic B-spline as xdot writes it (1 + 3n control points)."""
    out: list[tuple[float, float]] = []
    for start in range(0, len(points) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[start : start + 4]
        for step in range(steps + 1):
            t = step / steps
            u = 1 - t
            out.append(
                (
                    u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                    u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
                )
            )
    return out


def crossings(dot_text: str) -> list[tuple[str, Box]]:
    """Labels that another edge's line runs through: (the edge, the label)."""
    layout = layout_json(dot_text)
    labels, _ = label_boxes(layout)
    objects = layout.get("objects", [])
    found: list[tuple[str, Box]] = []
    for index, edge in enumerate(layout.get("edges", [])):
        owner = (
            f"edge {index} {objects[edge['tail']].get('name')}->{objects[edge['head']].get('name')}"
        )
        points = [
            (x, y)
            for op in edge.get("_draw_", [])
            if op.get("op") == "b"
            for x, y in _bezier_points(op["points"])
        ]
        for label in labels:
            if label.owner == owner:
                continue
            inner = Box(
                label.owner,
                label.text,
                label.x0 + SLACK,
                label.y0 + SLACK,
                label.x1 - SLACK,
                label.y1 - SLACK,
            )
            if any(inner.x0 < x < inner.x1 and inner.y0 < y < inner.y1 for x, y in points):
                found.append((owner, label))
    return found
