"""designkit scaffold: monitoring/alerts.yml and monitoring/dashboard.json.

The alert rules must be real Prometheus rule files over the metric names the generated
runtime registers, with the design's thresholds; the dashboard real Grafana JSON; and
neither may let document text become structure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import venv
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from designkit import parse_file
from designkit.cli import main
from designkit.scaffold import plan_project
from designkit.scaffold.dashboard import OVERVIEW_TITLE
from designkit.scaffold.monitoring import Threshold, build_monitoring, parse_threshold
from designkit.scaffold.promql import HISTOGRAM_TOP_BUCKET_SECONDS, prometheus_duration

SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.md"))
_PROMQL_WORDS = {"sum", "rate", "max", "by", "le", "stage", "or", "vector", "histogram_quantile"}


def _scaffold(design: Path, out: Path) -> None:
    result = CliRunner().invoke(main, ["scaffold", str(design), "-o", str(out)])
    assert result.exit_code == 0, result.output


def _registered_names(out: Path) -> set[str]:
    """Every series name the generated project's Metrics registry exports."""
    name = f"_scaffold_metrics_{abs(hash(out))}"
    spec = importlib.util.spec_from_file_location(
        name, out / "src" / "integration_pipeline" / "metrics.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    suffixes = {
        "counter": ("_total", "_created"),
        "histogram": ("_bucket", "_sum", "_count", "_created"),
        "gauge": ("",),
    }
    names: set[str] = set()
    for family in module.Metrics().registry.collect():
        names.update(family.name + suffix for suffix in suffixes[family.type])
    return names


def _alerts(out: Path) -> dict[str, Any]:
    text = (out / "monitoring" / "alerts.yml").read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    assert isinstance(data, dict) and list(data) == ["groups"]
    return data


def _rules(data: dict[str, Any]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for group in data["groups"]:
        assert isinstance(group["name"], str) and group["name"]
        assert isinstance(group["rules"], list)
        rules.extend(group["rules"])
    return rules


def _metric_tokens(expr: str) -> set[str]:
    """Names in a PromQL expression other than functions and label names: metric names."""
    bare = re.sub(r"\[[^\]]*\]", "", re.sub(r'"[^"]*"', "", expr))  # strings, [5m] windows
    return set(re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", bare)) - _PROMQL_WORDS


def _check_rule(rule: dict[str, Any], registered: set[str]) -> None:
    assert set(rule) == {"alert", "expr", "for", "labels", "annotations"}
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", rule["alert"])
    assert re.fullmatch(r"\d+[smhd]", rule["for"])
    assert rule["labels"]["severity"] in ("warning", "critical")
    annotations = rule["annotations"]
    assert annotations["summary"] and annotations["description"]
    assert re.fullmatch(r"[\w.-]+\.md:\d+|default", annotations["source"])
    for text in annotations.values():  # Prometheus reads annotations as Go templates
        assert "{{" not in text.replace("{{`{{`}}", "")
    used = _metric_tokens(rule["expr"])
    assert used, rule["expr"]
    assert used <= registered, used - registered


@pytest.mark.parametrize("design", SAMPLES, ids=lambda p: p.stem)
def test_alert_rules_are_prometheus_rules_over_runtime_metrics(
    design: Path, tmp_path: Path
) -> None:
    _scaffold(design, tmp_path)
    registered = _registered_names(tmp_path)
    rules = _rules(_alerts(tmp_path))
    assert rules
    for rule in rules:
        _check_rule(rule, registered)
    names = [r["alert"] for r in rules]
    assert len(set(names)) == len(names)
    assert "CircuitBreakerOpen" in names
    parsed = parse_file(str(design))
    # every threshold the table states is either a rule naming its line or a commented note
    text = (tmp_path / "monitoring" / "alerts.yml").read_text(encoding="utf-8")
    sources = {r["annotations"]["source"] for r in rules}
    for index, metric in enumerate(parsed.design.observability.metrics):
        if not metric.alert_threshold:
            continue
        where = f"{design.name}:{parsed.line_of(f'observability.metrics[{index}].alert_threshold')}"
        assert where in sources or (f"from {where}:" in text and "# NOT GENERATED" in text), where


def _by_name(out: Path) -> dict[str, dict[str, Any]]:
    return {r["alert"]: r for r in _rules(_alerts(out))}


def test_event_driven_thresholds_match_the_design(tmp_path: Path) -> None:
    design = next(p for p in SAMPLES if p.stem == "event-driven-shopify-netsuite")
    _scaffold(design, tmp_path)
    rules = _by_name(tmp_path)
    parsed = parse_file(str(design))
    errors = rules["ErrorRateHigh"]
    assert errors["expr"].endswith("> 0.01") and errors["for"] == "5m"
    assert "pipeline_records_failed_total" in errors["expr"]
    line = parsed.line_of("observability.metrics[1].alert_threshold")
    assert errors["annotations"]["source"] == f"{design.name}:{line}"
    assert rules["ThroughputLow"]["expr"].endswith("* 60 < 1")
    assert rules["ThroughputLow"]["for"] == "5m"
    assert "during store hours" in rules["ThroughputLow"]["annotations"]["description"]
    assert rules["QueueDepthHigh"]["expr"] == "max(pipeline_queue_depth) > 5000"
    assert rules["QueueDepthHigh"]["for"] == "10m"
    assert rules["DeadLettersWaiting"]["expr"] == "max(pipeline_dlq_depth) > 0"
    assert rules["DeadLetterQueueAboveThreshold"]["expr"] == "max(pipeline_dlq_depth) > 25"
    # P95 > 10 s: the runtime's buckets go to 300 s (they stopped at 10 s, where this
    # rule could never fire)
    assert rules["LatencyHigh"]["expr"].endswith(") > 10")
    assert "le, stage" in rules["LatencyHigh"]["expr"]


def test_api_led_latency_and_etl_unreadable_thresholds(tmp_path: Path) -> None:
    api = next(p for p in SAMPLES if p.stem == "api-led-salesforce-sap-orders")
    _scaffold(api, tmp_path / "api")
    rules = _by_name(tmp_path / "api")
    assert rules["LatencyHigh"]["expr"] == (
        "histogram_quantile(0.95, sum by (le, stage) "
        "(rate(pipeline_stage_duration_seconds_bucket[5m]))) > 4"
    )
    assert rules["ErrorRateHigh"]["expr"].endswith("> 0.02")
    assert rules["ThroughputLow"]["for"] == "30m"
    etl = next(p for p in SAMPLES if p.stem == "etl-warehouse-nightly")
    _scaffold(etl, tmp_path / "etl")
    rules = _by_name(tmp_path / "etl")
    text = (tmp_path / "etl" / "monitoring" / "alerts.yml").read_text(encoding="utf-8")
    # "> 3h" DAG run time: no run-duration metric; "[threshold]" DLQ: no number
    assert "LatencyHigh" not in rules and "# NOT GENERATED: LatencyHigh" in text
    assert "DeadLetterQueueAboveThreshold" not in rules
    assert "no numeric DLQ alert threshold" in text
    assert "# no rule: etl-warehouse-nightly.md:" in text  # rows without a threshold


def test_threshold_reading() -> None:
    reading = parse_threshold("> 2% for 5 minutes", "errors")
    assert isinstance(reading, Threshold)
    assert (reading.op, reading.value, reading.for_seconds) == (">", 0.02, 300)
    reading = parse_threshold("< 2 for 30 minutes (business hours)", "rate")
    assert isinstance(reading, Threshold)
    assert (reading.value, reading.for_seconds, reading.qualifier) == (2, 1800, "(business hours)")
    reading = parse_threshold("P95 > 500ms", "duration")
    assert isinstance(reading, Threshold) and (reading.quantile, reading.value) == (0.95, 0.5)
    assert isinstance(parse_threshold("> 1,000 for 10 minutes", "queue"), Threshold)
    for text, kind in (
        ("high", "rate"), ("> 5", "errors"), ("> lots", "queue"), ("> 5%", "queue"),
        ("P95 > 4", "duration"), ("> 2% for a while", "errors"),
    ):  # fmt: skip
        assert isinstance(parse_threshold(text, kind), str), text
    assert [prometheus_duration(s) for s in (0, 90, 300, 3600, 5400)] == [
        "0m", "90s", "5m", "1h", "90m"
    ]  # fmt: skip


def test_histogram_top_bucket_is_the_runtimes() -> None:
    """The alert reader's top bucket is the runtime's, which reaches 60 s and starts at 1 ms."""
    pytest.importorskip("prometheus_client")
    path = Path(__file__).parent.parent / "templates/pipeline/src/integration_pipeline/metrics.py"
    spec = importlib.util.spec_from_file_location("_runtime_metrics_buckets", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    finite = [b for b in module.DURATION_BUCKETS if b != float("inf")]
    assert max(finite) == HISTOGRAM_TOP_BUCKET_SECONDS
    assert min(finite) <= 0.001 and 60.0 in finite
    parsed = module.Metrics()
    parsed.duration.labels(stage="load").observe(45)
    assert parsed.value("pipeline_stage_duration_seconds_bucket", stage="load", le="60.0") == 1
    assert parsed.value("pipeline_stage_duration_seconds_bucket", stage="load", le="30.0") == 0


@pytest.mark.parametrize("design", SAMPLES, ids=lambda p: p.stem)
def test_dashboard_has_a_row_per_design_dashboard(design: Path, tmp_path: Path) -> None:
    _scaffold(design, tmp_path)
    registered = _registered_names(tmp_path)
    board = json.loads((tmp_path / "monitoring" / "dashboard.json").read_text(encoding="utf-8"))
    assert 36 <= board["schemaVersion"] <= 41
    parsed = parse_file(str(design))
    rows = [p for p in board["panels"] if p["type"] == "row"]
    assert rows[0]["title"] == OVERVIEW_TITLE  # every design, the ETL one without dashboards
    assert [r["title"] for r in rows[1:]] == [
        d.name for d in parsed.design.observability.dashboards
    ]
    ids = [p["id"] for p in board["panels"]]
    assert len(set(ids)) == len(ids)
    current = None
    counts: dict[str, int] = {}
    for panel in board["panels"]:
        if panel["type"] == "row":
            current = panel["title"]
            counts[current] = 0
            continue
        assert current is not None
        counts[current] += 1
        assert panel["type"] in ("timeseries", "stat", "text")
        if current != OVERVIEW_TITLE:
            assert panel["description"].startswith(f"{design.name}:")
        assert panel["type"] == "text" or panel["targets"], panel["title"]
        for target in panel.get("targets", []):
            used = _metric_tokens(target["expr"])
            assert used and used <= registered, used - registered
    assert all(counts.values()), counts
    overview = [p["title"] for p in board["panels"][1 : 1 + counts[OVERVIEW_TITLE]]]
    assert counts[OVERVIEW_TITLE] == 6, overview
    for word in ("Throughput", "Error rate", "latency", "Dead letters", "breaker", "Retries"):
        assert any(word in title for title in overview), word
    # the design's thresholds, as the alert rules read them, are the panels' thresholds
    steps = {
        p["title"]: [s["value"] for s in p["fieldConfig"]["defaults"]["thresholds"]["steps"]]
        for p in board["panels"][1 : 1 + counts[OVERVIEW_TITLE]]
    }
    alert_rules = build_monitoring(parsed, design.name).rules
    for rule in alert_rules:
        if rule.kind == "errors" and not rule.note:
            assert rule.value in steps["Error rate"]
        if rule.kind == "dlq" and not rule.note:  # "> 25" on a count turns red at 26
            assert rule.op == ">" and rule.value is not None
            assert rule.value + 1 in steps["Dead letters waiting"]
    assert steps["Circuit breaker (0 closed, 1 open, 2 half-open)"] == [None, 1, 2]
    if design.stem == "etl-warehouse-nightly":  # "> 1%" in its metrics table
        assert steps["Error rate"] == [None, 0.01]
    if design.stem == "event-driven-shopify-netsuite":
        titles = [p["title"] for p in board["panels"]]
        assert "Error rate" in titles and any("Circuit breaker" in t for t in titles)


ADVERSARIAL = """# Integration Design: Evil "</script>" {{ 7*7 }} \\n name

## Error Handling

### Dead Letter Queue

- **Monitoring**: Alert on DLQ depth > 3 {{ .Labels }} </script>

## Monitoring & Observability

### Metrics

| Metric | Description | Alert Threshold |
|--------|-------------|-----------------|
| Errors "quoted" {{ $value }} | </script><script>alert(1)</script> | > 5% for 2m {{ range }} |
| Rate \\| pipe | per minute\\nnewline | < 3 for 10 minutes '; DROP |
| Duration | P95 {{ | P95 > 2 seconds }} |
| Mystery {{ x }} | ??? | > 1 |
| Queue Depth | lag | whenever it feels high |

### Dashboards

1. **Ops "</script>" {{ x }}**: Throughput, error rate, dlq, breaker {{ . }} </script>
2. **Line\\nbreak**: nothing we export
"""


def test_adversarial_monitoring_stays_valid(tmp_path: Path) -> None:
    design = tmp_path / "evil.md"
    design.write_text(ADVERSARIAL, encoding="utf-8")
    out = tmp_path / "out"
    _scaffold(design, out)
    registered = _registered_names(out)
    text = (out / "monitoring" / "alerts.yml").read_text(encoding="utf-8")
    rules = _rules(_alerts(out))
    for rule in rules:
        _check_rule(rule, registered)
    by_name = {r["alert"]: r for r in rules}
    assert by_name["ErrorRateHigh"]["expr"].endswith("> 0.05")
    assert by_name["ErrorRateHigh"]["for"] == "2m"
    assert by_name["DeadLetterQueueAboveThreshold"]["expr"].endswith("> 3")
    assert "QueueDepthHigh" not in by_name  # "whenever it feels high": a note, not a number
    assert "# NOT GENERATED: QueueDepthHigh" in text
    raw = (out / "monitoring" / "dashboard.json").read_text(encoding="utf-8")
    assert "<" not in raw and ">" not in raw
    board = json.loads(raw)
    rows = [p for p in board["panels"] if p["type"] == "row"]
    assert len(rows) == 3 and "</script>" in rows[1]["title"]
    assert "{{ x }}" in rows[1]["title"]
    assert board["title"].startswith("Evil")


@pytest.mark.slow
def test_generated_project_installs_and_its_entry_point_runs(tmp_path: Path) -> None:
    """pip install the generated project (with its test extra) into a fresh venv, then
    run its console script and its own tests: the pyproject.toml really works."""
    design = next(p for p in SAMPLES if p.stem == "event-driven-shopify-netsuite")
    project = tmp_path / "project"
    _scaffold(design, project)
    slug = plan_project(parse_file(str(design))).slug
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIPELINE_METRICS"] = "0"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    def run(*args: str | Path, timeout: int = 240) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(a) for a in args], cwd=project, env=env, capture_output=True, text=True,
            timeout=timeout, check=False,
        )  # fmt: skip

    installed = run(bin_dir / "python", "-m", "pip", "install", "-q", f"{project}[test]")
    assert installed.returncode == 0, installed.stderr[-3000:]
    script = bin_dir / slug
    assert script.exists()
    first = run(script, "run", timeout=120)
    assert first.returncode == 0, first.stderr[-2000:]
    summary = json.loads(first.stdout.strip().splitlines()[-1])
    assert summary["read"] == 20 and summary["loaded"] == 20
    health = run(script, "health", timeout=60)
    assert health.returncode == 0, health.stdout[-2000:] + health.stderr[-2000:]
    tests = run(bin_dir / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", timeout=300)
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout
