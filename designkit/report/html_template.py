"""The HTML scorecard page's Jinja2 template, and its parts as the writer fills them.

Jinja2 autoescapes every value, and every value passes through
:func:`~designkit.report.html_text.page_text`, so none can start a line; a Content
Security Policy forbids scripts and remote loads as a second line of defence. The
page is written in parts (:data:`PARTS`): each design's section as it is scored, the
head and summary table once the designs are counted.
"""

from __future__ import annotations

from typing import NamedTuple

from jinja2 import Environment, StrictUndefined, Template
from markupsafe import Markup

from designkit.report.html_text import breakable, page_text

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


def _finalize(value: object) -> object:
    """Every ``{{ value }}`` of the template: :func:`page_text` unless it is markup already."""
    return value if isinstance(value, Markup) else page_text(value)


_ENVIRONMENT = Environment(
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    finalize=_finalize,
)
_ENVIRONMENT.filters["breakable"] = breakable


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


class PageParts(NamedTuple):
    """:data:`TEMPLATE`'s parts, compiled: see :func:`_parts`."""

    head: Template
    summary_open: Template
    summary_row: Template
    summary_close: Template
    section: Template
    footer: Template


PARTS = PageParts(*(_ENVIRONMENT.from_string(t) for t in _parts(TEMPLATE)))
