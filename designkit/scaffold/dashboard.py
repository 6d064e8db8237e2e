"""The generated project's Grafana dashboard (``monitoring/dashboard.json``).

Every dashboard opens with one overview row that any operator needs whatever the design
lists: the RED metrics (records per minute, error rate, stage latency), dead letters
waiting, the circuit breaker and retries. The design's own dashboards follow, one row
each, with the panels their contents text asks for. The design's alert thresholds
(the same rules monitoring/alerts.yml holds) become panel thresholds, so a panel turns
red where the alert fires. Document text lands only in titles and descriptions, as JSON
strings.
"""

from __future__ import annotations

import json
import math
from typing import Any

from designkit.scaffold.monitoring import PANELS, AlertRule, DashboardPanel, Monitoring
from designkit.scaffold.promql import duration_expression, promql_number

_DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
OVERVIEW = ("throughput", "errors", "latency", "dlq", "breaker", "retries")
"""The overview row's panels: rate, errors, duration, then what an operator acts on."""
OVERVIEW_TITLE = "Pipeline overview (rate, errors, duration, DLQ, breaker, retries)"
_RULE_KIND = {
    "throughput": "rate",
    "errors": "errors",
    "latency": "duration",
    "queue": "queue",
    "dlq": "dlq",
    "breaker": "breaker",
}
"""Which alert rule kind (monitoring.AlertRule.kind) a panel's thresholds come from."""
_COUNTS = ("dlq", "queue")
"""Panels whose values are whole numbers (records waiting)."""
_BREAKER_STATES = {"0": "closed", "1": "open", "2": "half-open"}


def _panel(
    panel_id: int, x: int, y: int, title: str, kind: str, description: str
) -> dict[str, Any]:
    return {
        "id": panel_id,
        "type": kind,
        "title": title,
        "description": description,
        "gridPos": {"h": 8, "w": 8, "x": x, "y": y},
    }


def _row(panel_id: int, y: int, title: str) -> dict[str, Any]:
    return {
        "id": panel_id, "type": "row", "title": title, "collapsed": False,
        "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": [],
    }  # fmt: skip


def _latency_quantile(rules: list[AlertRule]) -> float:
    """The percentile the design alerts on (P99 when it says so), else P95."""
    return next((r.quantile for r in rules if r.kind == "duration" and r.quantile), 0.95)


def _matching(
    panel: DashboardPanel, quantile: float | None, rules: list[AlertRule]
) -> list[AlertRule]:
    kind = _RULE_KIND.get(panel.key)
    return [
        r
        for r in rules
        if r.kind == kind
        and r.value is not None
        and not r.note
        and (kind != "duration" or r.quantile == quantile)
    ]


def _first_alerting(panel: DashboardPanel, rule: AlertRule) -> float:
    """Where a ``>``/``>=`` rule starts to fire. Grafana colours a value at or above the
    step, so "DLQ depth > 0" on a count starts at 1: an empty queue stays green."""
    value = rule.value or 0.0
    if rule.op == ">" and panel.key in _COUNTS:
        return float(math.floor(value) + 1)
    return value


def _thresholds(panel: DashboardPanel, rules: list[AlertRule]) -> dict[str, Any]:
    """Grafana's absolute threshold steps for the rules: the colour changes where each
    alert's comparison starts to hold (the step is the rule's number)."""
    steps: list[dict[str, Any]] = [{"color": "green", "value": None}]
    if panel.key == "breaker":
        steps += [{"color": "red", "value": 1}, {"color": "orange", "value": 2}]
        return {"mode": "absolute", "steps": steps}
    above = sorted({_first_alerting(panel, r) for r in rules if r.op in (">", ">=")})
    below = sorted({r.value for r in rules if r.op in ("<", "<=") and r.value is not None})
    if below and not above:  # "throughput < 3": red under the line, green from it
        return {
            "mode": "absolute",
            "steps": [{"color": "red", "value": None}, {"color": "green", "value": below[-1]}],
        }
    for index, value in enumerate(above):
        steps.append({"color": "red" if index == len(above) - 1 else "orange", "value": value})
    return {"mode": "absolute", "steps": steps}


def _query_panel(
    panel_id: int, x: int, y: int, item: DashboardPanel, description: str, rules: list[AlertRule],
    quantile: float | None = None,
) -> dict[str, Any]:  # fmt: skip
    title, expr = item.title, item.expr
    if item.key == "latency" and quantile is not None:
        title, expr = f"Stage latency P{quantile * 100:g}", duration_expression(quantile)
    matching = _matching(item, quantile or 0.95, rules)
    if matching:
        shown = "; ".join(
            f"{r.name} {r.op} {promql_number(r.value or 0)} ({r.source.split(': ')[0]})"
            for r in matching
        )
        description = f"{description} Thresholds from the design's alerts: {shown}."
    made = _panel(panel_id, x, y, title, item.kind, description)
    made["datasource"] = _DATASOURCE
    made["targets"] = [{"refId": "A", "datasource": _DATASOURCE, "expr": expr, "legendFormat": ""}]
    defaults: dict[str, Any] = {"unit": item.unit, "thresholds": _thresholds(item, matching)}
    if item.kind == "timeseries":
        defaults["custom"] = {"thresholdsStyle": {"mode": "line" if matching else "off"}}
    if item.key == "breaker":
        defaults["mappings"] = [
            {
                "type": "value",
                "options": {
                    value: {"text": text, "index": int(value)}
                    for value, text in _BREAKER_STATES.items()
                },
            }
        ]
    made["fieldConfig"] = {"defaults": defaults, "overrides": []}
    return made


def dashboard(monitoring: Monitoring, slug: str, name: str, design_file: str) -> dict[str, Any]:
    """A Grafana dashboard: the overview row, then one row per design dashboard."""
    rules = [r for r in monitoring.rules if not r.note]
    quantile = _latency_quantile(rules)
    panels: list[dict[str, Any]] = [_row(1, 0, OVERVIEW_TITLE)]
    panel_id, y = 2, 1
    overview_note = (
        f"What the runtime exports for every design (src/integration_pipeline/metrics.py); "
        f"generated from {design_file}."
    )
    for index, item in enumerate(DashboardPanel(key, *PANELS[key]) for key in OVERVIEW):
        if index and index % 3 == 0:
            y += 8
        panels.append(
            _query_panel(panel_id, (index % 3) * 8, y, item, overview_note, rules, quantile)
        )
        panel_id += 1
    y += 8
    for row in monitoring.rows:
        where = f"{design_file}:{row.line}" if row.line else design_file
        panels.append(_row(panel_id, y, row.name))
        panel_id += 1
        y += 1
        description = f"{where}: {row.contents}"
        if not row.panels:
            text = _panel(panel_id, 0, y, "No runtime metric for this view", "text", description)
            text["options"] = {
                "mode": "markdown",
                "content": "The pipeline exports no metric this view asks for; "
                "see this panel's description for what the design lists.",
            }
            panels.append(text)
            panel_id += 1
            y += 8
            continue
        for index, item in enumerate(row.panels):
            if index and index % 3 == 0:
                y += 8
            panels.append(_query_panel(panel_id, (index % 3) * 8, y, item, description, rules))
            panel_id += 1
        y += 8
    return {
        "title": f"{name} pipeline",
        "uid": slug[:40],
        "description": f"Generated by designkit from {design_file}",
        "tags": ["designkit", "integration-pipeline"],
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "time": {"from": "now-6h", "to": "now"},
        "refresh": "1m",
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Prometheus",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {},
                    "hide": 0,
                }
            ]
        },
        "annotations": {"list": []},
        "panels": panels,
    }


def dashboard_json(monitoring: Monitoring, slug: str, name: str, design_file: str) -> bytes:
    """The dashboard as JSON text; ``<``, ``>`` and ``&`` escaped so no viewer reads markup."""
    text = json.dumps(dashboard(monitoring, slug, name, design_file), indent=2, ensure_ascii=False)
    for char in "<>&":  # only ever inside JSON strings, where \uXXXX means the same character
        text = text.replace(char, f"\\u{ord(char):04x}")
    return (text + "\n").encode("utf-8")
