"""One self-contained HTML page: readable offline, nothing fetched from anywhere.

Per scored file: a header (design, file, overall level against the target,
weighted score, band, verdict), a radar chart of the dimension levels against
the target drawn as inline SVG, the dimensions, the findings, the gap list
(what to add to reach each dimension's next level), the suppressed findings,
and the design's diagram when ``context.diagrams`` has one. Several files get a
summary table first.

Jinja2 autoescapes every value, so no document text can add markup, and every
value passes through :func:`page_text`, so none can start a line; the only
markup that is not escaped is the radar SVG built here (its labels escaped) and
a Graphviz SVG from ``context.diagrams``, which is trusted. A Content Security
Policy forbids scripts and remote loads as a second line of defence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup, escape

from designkit.report import render_with, rubric_remediations, with_card_remediations
from designkit.report.spool import Spool
from designkit.report.trend_view import MAX_VALUES, headline, hidden_note
from designkit.report.verdict_view import (
    BASIS,
    dimension_next,
    kind_words,
    level_words,
    score_words,
    target_words,
)
from designkit.review.explain import Explanation, explain_criterion
from designkit.review.trends import ARROWS
from designkit.rubric.scorecard import DimensionResult, Finding, Scorecard, Verdict
from designkit.text_safety import escape_controls, safe_markup

if TYPE_CHECKING:
    from designkit.report import ReportContext

SEVERITIES = ("critical", "high", "medium", "low")
VERDICTS = {
    Verdict.APPROVED: ("Approved", "ok"),
    Verdict.APPROVED_WITH_CONDITIONS: ("Approved with conditions", "warn"),
    Verdict.REVISIONS_REQUIRED: ("Revisions required", "bad"),
}
_SVG_START = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?(?:<!--.*?-->\s*)*(?=<svg[\s>])",
    re.DOTALL | re.IGNORECASE,
)

# ---------------------------------------------------------------- radar chart


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


# ---------------------------------------------------------------- view model


@dataclass(frozen=True)
class Gap:
    dimension: str
    level: int
    next_level: int
    items: list[tuple[str, str, str]]  # criterion id, title, remediation


def _gaps(card: Scorecard, remediations: dict[str, str]) -> list[Gap]:
    gaps: list[Gap] = []
    for dimension in card.dimensions:
        if dimension.next_level is None or dimension.level is None:
            continue
        holding = [
            r for r in dimension.criteria if r.holds_back and r.level == dimension.next_level
        ]
        gaps.append(
            Gap(
                dimension=dimension.name,
                level=dimension.level,
                next_level=dimension.next_level,
                items=[
                    (r.id, r.title, r.remediation or remediations.get(r.id, "")) for r in holding
                ],
            )
        )
    return gaps


def _diagram(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    match = _SVG_START.match(text)
    if match is not None:
        # Graphviz writes labels as they are, control characters too: shown escaped.
        svg = escape_controls(safe_markup(text[match.end() :]), keep="\t\n")
        return {"svg": Markup(svg), "text": None}
    # Mermaid source: its own lines stay lines (a <pre> shows them), each one page text.
    return {"svg": None, "text": Markup("\n".join(page_text(line) for line in text.split("\n")))}


def _card_view(
    card: Scorecard,
    index: int,
    context: ReportContext,
    remediations: dict[str, str],
    explanations: Callable[[Sequence[Finding]], list[Explanation]],
) -> dict[str, Any]:
    overall = card.overall
    verdict, tone = VERDICTS.get(overall.verdict, (overall.verdict.value, "warn"))
    anchor = f"design-{index + 1}"
    open_findings: list[Finding] = [f for f in card.findings if not f.suppressed]
    return {
        "anchor": anchor,
        "card": card,
        "name": card.name or "(unnamed design)",
        "verdict": verdict,
        "tone": tone,
        "score": score_words(overall),
        "level": level_words(overall),
        "risk": "not rated" if overall.risk is None else overall.risk.value,
        "target_words": target_words(overall),
        "kind": kind_words(card),
        "target": overall.target_level,
        "radar": radar_svg(card.dimensions, overall.target_level, anchor),
        "findings": open_findings,
        "suppressed": [f for f in card.findings if f.suppressed],
        "gaps": _gaps(card, remediations),
        "diagram": _diagram(context.diagrams.get(card.file)),
        "open_count": len(open_findings),
        "comparison": context.comparisons.get(card.file),
        "headline": headline(context.comparisons[card.file])
        if card.file in context.comparisons
        else "",
        "hidden": hidden_note(context.hidden[card.file]) if context.hidden.get(card.file) else "",
        "explanations": explanations(open_findings),
    }


TEMPLATE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" \
content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{{ title }}</title>
<style>
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
main { max-width: 1200px; margin: 0 auto; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 22px; margin: 0 0 4px; }
h3 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 4px;
  border-bottom: 1px solid var(--line); }
code { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: var(--soft);
  padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.notice { border-left: 3px solid var(--warn); padding-left: 8px; }
section.design { border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px;
  margin: 24px 0; }
.overview { display: flex; flex-wrap: wrap; gap: 24px; align-items: center; }
.facts { flex: 1 1 300px; display: grid; grid-template-columns: max-content 1fr;
  gap: 6px 16px; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; }
.badge { display: inline-block; white-space: nowrap; padding: 2px 10px; border-radius: 999px; font-size: 13px;
  font-weight: 700; letter-spacing: .02em; text-transform: uppercase; color: #fff; }
.badge.ok { background: var(--ok); } .badge.warn { background: var(--warn); }
.badge.bad { background: var(--bad); }
.sev { display: inline-block; min-width: 64px; text-align: center; padding: 1px 8px;
  border-radius: 4px; font-size: 12px; font-weight: 700; text-transform: uppercase; }
.sev-critical { background: #ffebe9; color: #a40e26; border: 1px solid #ff8182; }
.sev-high { background: #fff1e5; color: #953800; border: 1px solid #ffb77c; }
.sev-medium { background: #fff8c5; color: #7d4e00; border: 1px solid #d4a72c; }
.sev-low { background: #ddf4ff; color: #0550ae; border: 1px solid #80ccff; }
figure.chart { flex: 0 1 560px; margin: 0; }
svg.radar { max-width: 100%; height: auto; display: block; }
svg.radar .ring { fill: none; stroke: #d1d9e0; stroke-width: 1; }
svg.radar .axis { stroke: #d1d9e0; stroke-width: 1; }
svg.radar .ring-label { font-size: 10px; fill: var(--muted); }
svg.radar .axis-label { font-size: 12px; fill: var(--ink); }
svg.radar .level { fill: rgba(9, 105, 218, .22); stroke: var(--accent); stroke-width: 2; }
svg.radar .dot { fill: var(--accent); }
svg.radar .target { fill: none; stroke: var(--bad); stroke-width: 2; stroke-dasharray: 6 4; }
.legend { font-size: 13px; color: var(--muted); margin: 4px 0 0; text-align: center; }
.legend .swatch { display: inline-block; width: 22px; height: 0; vertical-align: middle;
  margin: 0 6px 0 14px; border-top: 3px solid var(--accent); }
.legend .swatch.target { border-top: 3px dashed var(--bad); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px;
  border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.msg { overflow-wrap: break-word; }
td.crit { min-width: 190px; }
td.crit code { white-space: nowrap; }
.meter { width: 120px; height: 10px; background: #eaeef2; border-radius: 5px;
  overflow: hidden; display: inline-block; vertical-align: middle; }
.meter span { display: block; height: 100%; background: var(--accent); }
ul.gaps { margin: 0; padding-left: 20px; }
ul.gaps li { margin: 6px 0; }
ul.gaps ul { padding-left: 18px; }
pre.mermaid { background: var(--soft); padding: 12px; border-radius: 6px; overflow: auto;
  font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
.diagram { overflow: auto; max-height: 85vh; border: 1px solid var(--line, #d0d7de);
  border-radius: 6px; }
.diagram svg { display: block; }
input.fit { margin: 0 6px 8px 0; } label.fit { color: var(--muted); font-size: 13px; }
input.fit:checked ~ .diagram svg { max-width: 100%; height: auto; }
.trend { font-weight: 700; white-space: nowrap; }
.trend-up { color: var(--ok); } .trend-down { color: var(--bad); }
.trend-same { color: var(--muted); } .trend-new { color: var(--accent); }
p.headline { font-weight: 600; }
ul.changes { margin: 0; padding-left: 20px; } ul.changes li { margin: 4px 0; }
h4 { font-size: 15px; margin: 16px 0 6px; }
details.explain { margin-top: 12px; } details.explain > summary { cursor: pointer;
  color: var(--accent); font-weight: 600; }
details.criterion { margin: 8px 0 8px 16px; border-left: 3px solid var(--line);
  padding-left: 12px; }
pre.snippet { background: var(--soft); padding: 8px 10px; border-radius: 6px; overflow: auto;
  font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; }
pre.snippet.pass { border-left: 3px solid var(--ok); }
pre.snippet.fail { border-left: 3px solid var(--bad); }
footer { margin-top: 32px; font-size: 13px; color: var(--muted); }
a { color: var(--accent); }
</style>
</head>
<body>
<main>
<header>
<h1>{{ title }}</h1>
<p class="muted">Rubric {{ rubric.name }} {{ rubric.version }} \
({{ rubric.id }}){% if version %} · designkit {{ version }}{% endif %}</p>
</header>
{% if designs|length > 1 %}
<section class="summary">
<h3>Summary</h3>
<table>
<thead><tr><th>File</th><th>Design</th><th class="num">Score</th><th class="num">Level</th>
<th>Risk</th><th>Verdict</th><th>Target</th><th class="num">Open findings</th></tr></thead>
<tbody>
{% for d in designs %}
<tr><td><code>{{ d.card.file|breakable }}</code></td><td><a href="#{{ d.anchor }}">{{ d.name }}</a></td>
<td class="num">{{ "–" if d.card.overall.score is none else "%.1f"|format(d.card.overall.score) }}</td>
<td class="num">{{ "–" if d.card.overall.level is none else d.card.overall.level }}</td>
<td>{{ d.risk }}</td>
<td><span class="badge {{ d.tone }}">{{ d.verdict }}</span></td>
<td>{{ d.target_words }}</td>
<td class="num">{{ d.open_count }}</td></tr>
{% endfor %}
</tbody>
</table>
</section>
{% endif %}
{% for d in designs %}
{% set card = d.card %}{% set overall = card.overall %}
<section class="design" id="{{ d.anchor }}">
<h2>{{ d.name }}</h2>
<p class="muted"><code>{{ card.file|breakable }}</code></p>
<div class="overview">
<dl class="facts">
<dt>Verdict</dt><dd><span class="badge {{ d.tone }}">{{ d.verdict }}</span>\
{% if overall.reasons %} <span class="muted">({{ overall.reasons|join(", ") }})</span>{% endif %}</dd>
<dt>Overall score</dt><dd>{{ d.score }}</dd>
<dt>Overall level</dt><dd>{{ d.level }}</dd>
<dt>Risk</dt><dd>{{ d.risk }}</dd>
<dt>Target</dt><dd>{{ d.target_words }}</dd>
{% if overall.weakest %}<dt>Weakest</dt><dd>{{ overall.weakest.name }}, level {{ overall.weakest.level }}</dd>{% endif %}
{% if overall.needs_assessment %}<dt>Needs assessment</dt><dd>{{ overall.needs_assessment|join(", ") }}</dd>{% endif %}
<dt>Basis</dt><dd>{{ basis }}</dd>
{% if d.kind %}<dt>Document</dt><dd>{{ d.kind }}</dd>{% endif %}
<dt>Criteria</dt><dd>{{ card.counts.criteria }}: {{ card.counts.passed }} pass, \
{{ card.counts.failed }} fail, {{ card.counts.unknown }} unknown, \
{{ card.counts.not_applicable }} n/a</dd>
<dt>Template defaults</dt><dd>{{ card.counts.template_defaults }}</dd>
<dt>Suppressed</dt><dd>{{ card.counts.suppressed }}</dd>
</dl>
<figure class="chart">
{{ d.radar }}
<figcaption class="legend"><span class="swatch"></span>level\
{% if d.target is not none %}<span class="swatch target"></span>target {{ d.target }}{% endif %}\
</figcaption>
</figure>
</div>

{% if d.comparison %}{% set cmp = d.comparison %}
<h3>Changes against <code>{{ cmp.baseline|breakable }}</code></h3>
<p class="headline trend-{{ cmp.overall.trend.value }}">{{ d.headline }}</p>
{% if cmp.baseline_found and not cmp.roadmap_only %}
<table class="trends">
<thead><tr><th>Dimension</th><th class="num">Before</th><th class="num">After</th><th>Trend</th></tr></thead>
<tbody>
{% for t in cmp.dimensions %}
<tr><td>{{ t.name }}</td><td class="num">{{ "–" if t.old_level is none else t.old_level }}</td>
<td class="num">{{ t.new_level }}</td>\
<td><span class="trend trend-{{ t.trend.value }}">{{ arrows[t.trend] }} {{ t.trend.value }}</span></td></tr>
{% endfor %}
</tbody>
</table>
{% endif %}
{% if cmp.new_findings and cmp.baseline_found %}
<h4>New findings ({{ cmp.new_findings|length }})</h4>
<ul class="changes">
{% for f in cmp.new_findings %}
<li><span class="sev sev-{{ f.severity }}">{{ f.severity }}</span> <code>{{ f.criterion }}</code> \
line {{ f.line }}: {{ f.message|breakable }}</li>
{% endfor %}
</ul>
{% endif %}
{% if cmp.fixed_findings %}
<h4>Fixed findings ({{ cmp.fixed_findings|length }})</h4>
<ul class="changes">
{% for f in cmp.fixed_findings %}<li><code>{{ f.criterion }}</code> {{ f.title }}</li>
{% endfor %}
</ul>
{% endif %}
{% if cmp.accepted_findings %}
<h4>Accepted as risks ({{ cmp.accepted_findings|length }})</h4>
<ul class="changes">
{% for f in cmp.accepted_findings %}<li><code>{{ f.criterion }}</code> {{ f.title }}</li>
{% endfor %}
</ul>
{% endif %}
{% if cmp.values %}
<h4>Changed values ({{ cmp.values|length }})</h4>
<table class="values">
<thead><tr><th>Value</th><th>Before</th><th>After</th></tr></thead>
<tbody>
{% for v in cmp.values[:max_values] %}
<tr><td>{{ v.label }}{% if v.source == "roadmap" %} <em class="muted">(roadmap: current → target)</em>\
{% endif %}</td><td>{{ v.old }}</td><td>{{ v.new }}</td></tr>
{% endfor %}
{% if cmp.values|length > max_values %}<tr><td colspan="3">… {{ cmp.values|length - max_values }} more</td></tr>{% endif %}
</tbody>
</table>
{% endif %}
{% endif %}
{% if d.hidden %}<p class="muted">{{ d.hidden }}</p>{% endif %}
{% for n in d.card.notices %}<p class="notice"><strong>{{ n.severity }}</strong> \
<code>{{ n.path|breakable }}:{{ n.line or 1 }}</code>: {{ n.message }}</p>
{% endfor %}

<h3>Dimensions</h3>
<table class="dimensions">
<thead><tr><th>Dimension</th><th class="num">Weight</th><th class="num">Level</th><th>Label</th>
<th>Progress</th><th>Confidence</th><th>Next level</th></tr></thead>
<tbody>
{% for dim in card.dimensions %}
<tr><td>{{ dim.name }}</td><td class="num">{{ "%g"|format(dim.weight) }}</td>
<td class="num">{{ "–" if dim.level is none else dim.level }}</td><td>{{ dim.label }}</td>
<td><span class="meter"><span style="width: {{ "%.0f"|format((dim.level or 0) * 20) }}%"></span></span></td>
<td>{{ dim.confidence }}</td>
<td>{{ next_words(dim) }}</td></tr>
{% endfor %}
</tbody>
</table>

{% if card.lint_errors %}
<h3>Lint errors ({{ card.lint_errors|length }})</h3>
<p class="muted">Contradictions no level can resolve: each one means revisions required.</p>
<ul class="lint-errors">
{% for e in card.lint_errors %}<li>line {{ e.line }}: <code>{{ e.code }}</code> {{ e.message|breakable }}</li>
{% endfor %}
</ul>
{% endif %}
{% if card.quick_wins %}
<h3>Quick wins ({{ card.quick_wins|length }})</h3>
<p class="muted">Each is a one-line change that lifts a dimension by a level.</p>
<ul class="quick-wins">
{% for w in card.quick_wins %}<li><strong>{{ w.dimension_name }}</strong> {{ w.from_level }} → {{ w.to_level }}: \
{{ w.title }} <span class="muted">(<code>{{ w.criterion }}</code>, line {{ w.line }})</span></li>
{% endfor %}
</ul>
{% endif %}

<h3>Findings ({{ d.findings|length }})</h3>
{% if d.findings %}
<table class="findings">
<thead><tr><th>Severity</th><th>Criterion</th><th>Red flag</th><th class="num">Line</th>
<th>Finding</th><th>Remediation</th></tr></thead>
<tbody>
{% for f in d.findings %}
<tr><td><span class="sev sev-{{ f.severity }}">{{ f.severity }}</span></td>
<td class="crit"><code>{{ f.criterion }}</code><br><span class="muted">L{{ f.level }} · {{ f.title }}</span></td>
<td>{{ f.red_flag or "–" }}</td><td class="num">{{ f.line }}</td>
<td class="msg">{{ f.message|breakable }}{% if f.template_default %} \
<em class="muted">(template default)</em>{% endif %}\
{% if f.status.value == "unknown" %} <em class="muted">(could not be checked)</em>{% endif %}</td>
<td class="msg">{{ f.remediation }}</td></tr>
{% endfor %}
</tbody>
</table>
{% if d.explanations %}
<details class="explain">
<summary>What these criteria check and how to fix them ({{ d.explanations|length }})</summary>
{% for e in d.explanations %}
<details class="criterion" id="{{ d.anchor }}-{{ e.id }}">
<summary><code>{{ e.id }}</code> {{ e.title }}</summary>
<p class="muted">{{ e.facts }}</p>
<p><strong>Why it matters.</strong> {{ e.why }}</p>
<p><strong>What passes.</strong> {{ e.passes|breakable }}</p>
{% for x in e.pass_examples %}<pre class="snippet pass">{{ x }}</pre>
{% endfor %}
<p><strong>What fails.</strong> {{ e.fails }}</p>
{% for x in e.fail_examples %}<pre class="snippet fail">{{ x }}</pre>
{% endfor %}
<p><strong>How to fix.</strong> {{ e.fix }}</p>
</details>
{% endfor %}
</details>
{% endif %}
{% else %}
<p>No open findings.</p>
{% endif %}

<h3>Gaps to the next level</h3>
{% if d.gaps %}
<ul class="gaps">
{% for gap in d.gaps %}
<li><strong>{{ gap.dimension }}</strong>: level {{ gap.level }} → {{ gap.next_level }}
{% if gap.items %}
<ul>
{% for id, title, remediation in gap.items %}
<li><code>{{ id }}</code> {{ title }}{% if remediation %}: {{ remediation }}{% endif %}</li>
{% endfor %}
</ul>
{% else %}<span class="muted">(nothing holds it back)</span>
{% endif %}
</li>
{% endfor %}
</ul>
{% else %}
<p>Every dimension is at the top level.</p>
{% endif %}

{% if d.suppressed %}
<h3>Suppressed ({{ d.suppressed|length }})</h3>
<table class="suppressed">
<thead><tr><th>Severity</th><th>Criterion</th><th class="num">Line</th><th>Title</th>
<th>Accepted because</th></tr></thead>
<tbody>
{% for f in d.suppressed %}
<tr><td><span class="sev sev-{{ f.severity }}">{{ f.severity }}</span></td>
<td><code>{{ f.criterion }}</code></td><td class="num">{{ f.line }}</td><td>{{ f.title }}</td>
<td class="msg">{{ f.suppression_reason or "no reason given" }}</td></tr>
{% endfor %}
</tbody>
</table>
{% endif %}

{% if d.diagram %}
<h3>Diagram</h3>
{% if d.diagram.svg %}<input type="checkbox" class="fit" id="fit-{{ d.anchor }}">\
<label class="fit" for="fit-{{ d.anchor }}">fit to page width (the diagram is shown at \
full size: scroll to pan)</label>
<div class="diagram">{{ d.diagram.svg }}</div>
{% else %}<pre class="mermaid">{{ d.diagram.text }}</pre>
{% endif %}
{% endif %}
</section>
{% endfor %}
<footer>Generated by designkit{% if version %} {{ version }}{% endif %}. \
Levels: {% for level, label in levels %}{{ level }} {{ label }}{% if not loop.last %}, \
{% endif %}{% endfor %}.</footer>
</main>
</body>
</html>
"""

_BREAK_AFTER = re.compile(r"([./_\]|])")
_SPLIT = re.compile(r"#(?=#)|:(?=:)")


def page_text(value: object) -> Markup:
    """A value escaped for the page, which may also end up printed in a CI log.

    HTML escaping keeps markup out; on top of it a line break in document text
    becomes a character reference (the page renders the same, but no line of the
    file starts with the document's next line), other control characters are shown
    escaped as in every text output, and ``##`` and ``::`` are split by a reference,
    so that no line of the page is a GitHub workflow command (``##[error]``,
    ``::add-mask::``).
    """
    text = str(escape(value)).replace("\r", "&#13;").replace("\n", "&#10;")
    return Markup(_SPLIT.sub(lambda m: f"&#{ord(m.group())};", escape_controls(text)))


def _finalize(value: object) -> object:
    """Every ``{{ value }}`` of the template: :func:`page_text` unless it is markup already."""
    return value if isinstance(value, Markup) else page_text(value)


def breakable(text: object) -> Markup:
    """Escaped text with line-break opportunities after ``.``, ``/``, ``_``, ``]`` and ``|``,
    so that model paths such as ``error_handling.retry_policies[3].timeout_seconds`` wrap."""
    return Markup(_BREAK_AFTER.sub(r"\1<wbr>", str(page_text(text))))


_ENVIRONMENT = Environment(
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    finalize=_finalize,
)
_ENVIRONMENT.filters["breakable"] = breakable
_TEMPLATE = _ENVIRONMENT.from_string(TEMPLATE)


def _parts(template: str) -> tuple[str, str, str, str, str, str]:
    """:data:`TEMPLATE` cut where the page is written in parts: the head, the summary
    table's opening, one row of it, its close, one design's section (the body of the
    loop over designs) and the footer. The table's ``if`` and ``for`` are left out:
    the writer counts the designs and writes each row as its design is scored."""
    opening = "{% if designs|length > 1 %}\n"
    rows = "{% for d in designs %}\n<tr>"
    loop = "{% for d in designs %}\n{% set card = d.card %}"
    summary = template.index(opening)
    row = template.index(rows)
    row_end = template.index("{% endfor %}\n</tbody>")
    close_end = template.index("{% endif %}\n", row_end)
    section = template.index(loop)
    footer = template.index("{% endfor %}\n<footer>")
    return (
        template[:summary],
        template[summary + len(opening) : row],
        template[row + len("{% for d in designs %}\n") : row_end],
        template[row_end + len("{% endfor %}\n") : close_end],
        template[section + len("{% for d in designs %}\n") : footer],
        template[footer + len("{% endfor %}\n") :],
    )


_HEAD, _SUMMARY_OPEN, _SUMMARY_ROW, _SUMMARY_CLOSE, _SECTION, _FOOTER = (
    _ENVIRONMENT.from_string(t) for t in _parts(TEMPLATE)
)


def _summary_row(view: dict[str, Any]) -> dict[str, Any]:
    """What the summary table shows of a design: a few words, not its scorecard."""
    card: Scorecard = view["card"]
    overall = {"score": card.overall.score, "level": card.overall.level}
    return {
        "card": {"file": card.file, "overall": overall},
        **{k: view[k] for k in ("anchor", "name", "risk", "tone", "verdict", "target_words")},
        "open_count": view["open_count"],
    }


class Writer:
    """Each design's section and its row of the summary table as it is scored, into
    temporary files: the table and the page title come first but count the designs.
    Explanations of a criterion are worked out once per report, not once per design."""

    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out
        self.context = context
        self.remediations = rubric_remediations(context)
        self.explained: dict[str, Explanation] = {}
        self.sections = Spool()
        self.rows = Spool()
        self.count = 0
        self.first_title = ""

    def _explanations(self, findings: Sequence[Finding]) -> list[Explanation]:
        criteria: dict[str, tuple[Any, Any]] | None = None
        seen: dict[str, Explanation] = {}
        for finding in findings:
            if finding.criterion in seen:
                continue
            if finding.criterion not in self.explained:
                if criteria is None:
                    criteria = {c.id: (d, c) for d, c in self.context.rubric.criteria()}
                if finding.criterion not in criteria:
                    continue
                dimension, criterion = criteria[finding.criterion]
                self.explained[finding.criterion] = explain_criterion(
                    dimension, criterion, self.context.rubric
                )
            seen[finding.criterion] = self.explained[finding.criterion]
        return list(seen.values())

    def add(self, card: Scorecard, context: ReportContext) -> None:
        remediations = with_card_remediations(self.remediations, card)
        view = _card_view(card, self.count, context, remediations, self._explanations)
        names = self._globals()
        self.sections.write(_SECTION.render(d=view, **names))
        self.rows.write(_SUMMARY_ROW.render(d=_summary_row(view), **names))
        self.count += 1
        if self.count == 1:
            self.first_title = f"designkit scorecard: {card.name or card.file}"

    def _globals(self) -> dict[str, Any]:
        rubric = self.context.rubric
        return {
            "rubric": {"id": rubric.id, "name": rubric.name, "version": rubric.version},
            "version": self.context.tool_version,
            "levels": sorted(rubric.levels.items()),
            "arrows": ARROWS,
            "max_values": MAX_VALUES,
            "basis": BASIS[0].upper() + BASIS[1:],
            "next_words": dimension_next,
        }

    def end(self) -> None:
        if not self.count:
            return
        title = (
            self.first_title if self.count == 1 else f"designkit scorecards: {self.count} designs"
        )
        names = {"title": title, **self._globals()}
        self.out.write(_HEAD.render(names))
        if self.count > 1:
            self.out.write(_SUMMARY_OPEN.render(names))
            self.rows.copy_to(self.out)
            self.out.write(_SUMMARY_CLOSE.render(names))
        self.rows.close()
        self.sections.copy_to(self.out)
        self.out.write(_FOOTER.render(names))


def render(cards: Sequence[Scorecard], context: ReportContext) -> str:
    return render_with(Writer, cards, context)
