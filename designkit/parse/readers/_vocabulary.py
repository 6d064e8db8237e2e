"""Words several sections' tables share, kept once so they cannot drift apart."""

from __future__ import annotations

from designkit.model import Level

LEVELS = {
    "h": Level.HIGH,
    "high": Level.HIGH,
    "m": Level.MEDIUM,
    "med": Level.MEDIUM,
    "medium": Level.MEDIUM,
    "l": Level.LOW,
    "low": Level.LOW,
}
"""High / Medium / Low, as risks and the platform's lock-in risk are rated."""

METRIC_TARGET_COLUMNS = {
    "metric": ("metric", "measure", "kpi", "aspect"),
    "target": ("target", "goal", "value", "objective"),
    "current": ("current", "today", "baseline", "as is"),
}
"""A Metric / Target / Current table: disaster recovery and success criteria."""
