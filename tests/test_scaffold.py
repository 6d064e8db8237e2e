"""designkit scaffold: valid config for every sample, safe re-runs, adversarial designs."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from designkit import parse_file
from designkit.cli import main
from designkit.scaffold import plan_project, write_project
from designkit.scaffold.quoting import toml_string, yaml_string
from designkit.scaffold.rules import safe_expression
from designkit.scaffold.slugs import NameMap, integration_slug, snake_name

SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.md"))


def _load_config_module(out: Path) -> ModuleType:
    """The generated project's own config module, imported by path under a unique name."""
    package = f"_scaffold_pipeline_{abs(hash(out))}"
    folder = out / "src" / "integration_pipeline"
    spec = importlib.util.spec_from_file_location(
        package, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[package] = module  # config.py imports its siblings (schedule.py) relatively
    spec.loader.exec_module(module)
    return importlib.import_module(f"{package}.config")


def _config(out: Path) -> Any:
    return _load_config_module(out).load_config(out / "config" / "pipeline.yaml")


def _scaffold(design: Path, out: Path, *extra: str) -> Any:
    return CliRunner().invoke(main, ["scaffold", str(design), "-o", str(out), *extra])


def _comment_line(yaml_text: str, pattern: str) -> int:
    match = re.search(pattern + r".*# [\w.-]+\.md:(\d+)", yaml_text)
    assert match, pattern
    return int(match.group(1))


@pytest.mark.parametrize("design", SAMPLES, ids=lambda p: p.stem)
def test_sample_scaffolds_to_a_valid_config(design: Path, tmp_path: Path) -> None:
    parsed = parse_file(str(design))
    started = time.perf_counter()
    result = _scaffold(design, tmp_path)
    print(f"{design.stem}: scaffold took {time.perf_counter() - started:.3f}s")
    assert result.exit_code == 0, result.output
    config = _config(tmp_path)
    d = parsed.design
    assert config.integration.name == d.meta.name
    for made, written in zip(config.retry.policies, d.error_handling.retry_policies, strict=True):
        assert made.max_attempts == (written.max_attempts or max(len(written.backoff_seconds), 1))
        assert made.delays_seconds == written.backoff_seconds
    assert config.dead_letter_queue.retention_days == (
        d.error_handling.dead_letter_queue.retention_days or 14
    )
    text = (tmp_path / "config" / "pipeline.yaml").read_text(encoding="utf-8")
    assert _comment_line(text, r"max_attempts: \d+") == parsed.line_of(
        "error_handling.retry_policies[0].max_attempts"
    )
    if d.error_handling.dead_letter_queue.retention_days is None:
        assert "retention_days: 14  # default: not stated in the design" in text
    else:
        assert _comment_line(text, r"retention_days: [\d.]+") == parsed.line_of(
            "error_handling.dead_letter_queue.retention_days"
        )
    assert f"{design.name}:" in text
    assert (tmp_path / "data" / "sample.jsonl").read_text().count("\n") == 20
    assert "pyproject.toml" in result.output or "created" in result.output


def test_rerun_is_a_no_op_and_user_edits_survive(tmp_path: Path) -> None:
    design = SAMPLES[0]
    assert _scaffold(design, tmp_path).exit_code == 0
    manifest = (tmp_path / ".designkit-manifest.json").read_bytes()
    again = _scaffold(design, tmp_path)
    assert again.exit_code == 0
    assert "created" not in again.output and "updated" not in again.output
    assert (tmp_path / ".designkit-manifest.json").read_bytes() == manifest

    readme = tmp_path / "README.md"
    readme.write_text("my notes\n", encoding="utf-8")
    hooks = tmp_path / "src" / "integration_pipeline" / "user_hooks.py"
    hooks.write_text("HOOKS = {'x': 1}\n", encoding="utf-8")
    edited = tmp_path / "design.md"
    edited.write_text(
        design.read_text(encoding="utf-8").replace(
            "# Integration Design:", "# Integration Design: New", 1
        ),
        encoding="utf-8",
    )
    result = _scaffold(edited, tmp_path)
    assert result.exit_code == 0
    assert "conflict  README.md" in result.output
    assert readme.read_text(encoding="utf-8") == "my notes\n"
    assert (tmp_path / "README.md.designkit-new").exists()
    assert hooks.read_text(encoding="utf-8") == "HOOKS = {'x': 1}\n"
    assert "updated   config/pipeline.yaml" in result.output


def test_dry_run_writes_nothing_and_check_reports_drift(tmp_path: Path) -> None:
    out = tmp_path / "project"
    result = _scaffold(SAMPLES[1], out, "--dry-run")
    assert result.exit_code == 0 and "would be:" in result.output
    assert not out.exists()
    assert _scaffold(SAMPLES[1], out).exit_code == 0
    assert _scaffold(SAMPLES[1], out, "--check").exit_code == 0
    changed = tmp_path / "changed.md"
    changed.write_text(
        SAMPLES[1].read_text(encoding="utf-8").replace("30 days", "31 days"), encoding="utf-8"
    )
    before = (out / "config" / "pipeline.yaml").read_bytes()
    assert _scaffold(changed, out, "--check").exit_code == 1
    assert (out / "config" / "pipeline.yaml").read_bytes() == before


ADVERSARIAL = """# Integration Design: ../../etc/passwd "quoted"\\n __import__('os')

## Architecture
- **Pattern**: Hybrid

## Data
### Canonical Model
```json
{"entity": "class\\n../../x", "version": "1", "fields": [
  {"name": "__import__('os')", "type": "string", "required": true, "description": "x"},
  {"name": "class", "type": "integer", "required": true, "description": "customer email"},
  {"name": "../../etc/passwd", "type": "weird\\"type", "required": false},
  {"name": "naïve ünïcode ✓", "type": "date", "required": false},
  {"name": "a\\"b'c", "type": "boolean", "required": false}
]}
```

### Field Mappings
| Source Field | Source Type | Transformation | Target Field | Target Type | Notes |
|---|---|---|---|---|---|
| x"y | string | Formula | __import__('os') | string | __import__("os").system("rm -rf /") |
| a.b | integer | Formula | class | integer | a + 1 |
| ../../etc/passwd | string | Direct | ../../etc/passwd | string | |

## Error Handling
### Retry Policies
| Scenario | Strategy | Max Attempts | Backoff | Timeout |
|---|---|---|---|---|
| "; rm -rf / # 429 | Fixed | 3 | 1s, 1s | 5s |
"""


def test_adversarial_design_is_inert_and_stays_inside(tmp_path: Path) -> None:
    design = tmp_path / 'evil "name".md'
    design.write_text(ADVERSARIAL, encoding="utf-8")
    out = tmp_path / "out"
    result = _scaffold(design, out)
    assert result.exit_code == 0, result.output
    config = _config(out)
    names = [f.name for f in config.entity.fields]
    assert all(n.isidentifier() and not n.startswith("_") for n in names)
    assert len(set(names)) == len(names)
    assert "class" not in names
    rules = {m.target: m for m in config.mappings}
    dangerous = rules[names[0]]
    assert dangerous.transformation == "hook" and dangerous.expression is None
    assert rules["class_"].expression == "a + 1"
    assert config.integration.slug == "etc-passwd-quoted-n-import-os"
    root = out.resolve()
    for path in out.rglob("*"):
        assert root in path.resolve().parents
    assert not (tmp_path / "etc").exists()


def test_write_refuses_paths_outside(tmp_path: Path) -> None:
    plan = plan_project(parse_file(str(SAMPLES[0])))
    for bad in ("../escape.txt", "/tmp/abs.txt", "a/../../b"):
        plan.files[bad] = b"x"
        with pytest.raises(Exception, match="outside the output folder"):
            write_project(plan, tmp_path / "p")
        del plan.files[bad]
    (tmp_path / "p").mkdir(exist_ok=True)
    (tmp_path / "p" / "link").symlink_to(tmp_path)
    plan.files["link/x.txt"] = b"x"
    with pytest.raises(Exception, match="outside the output folder"):
        write_project(plan, tmp_path / "p")


@given(st.text())
def test_yaml_string_round_trips(text: str) -> None:
    text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
    assert YAML(typ="safe").load(f"key: {yaml_string(text)}\n") == {"key": text}


@given(st.text())
def test_toml_string_round_trips(text: str) -> None:
    import tomllib

    text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
    assert tomllib.loads(f"key = {toml_string(text)}\n") == {"key": text}


def test_names_are_safe() -> None:
    assert integration_slug("") == "integration"
    assert integration_slug("123 ../..") == "integration"
    assert integration_slug("Shopify → NetSuite") == "shopify-netsuite"
    assert len(integration_slug("a" * 200)) == 63
    assert snake_name("class") == "class_"
    assert snake_name("__init__") == "init"
    assert snake_name("9lives") == "field_9lives"
    names = NameMap()
    assert [names.add(n) for n in ("Order ID", "order_id", "Order ID")] == [
        "order_id",
        "order_id_2",
        "order_id",
    ]
    assert names.originals["order_id_2"] == "order_id"
    assert safe_expression('__import__("os").system("rm -rf /")') is None
    assert safe_expression("amount / 100", known_names={"amount"}) == "amount / 100"
    assert safe_expression("trim + lower-case", known_names={"email"}) is None  # prose
    assert safe_expression("UTC") is None


def _project(design: Path, out: Path) -> dict[str, str]:
    assert _scaffold(design, out).exit_code == 0
    return {**os.environ, "PYTHONPATH": str(out / "src"), "PIPELINE_METRICS": "0"}


def _run(out: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "integration_pipeline", *args],
        cwd=out, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("design", SAMPLES, ids=lambda p: p.stem)
def test_generated_project_runs_on_its_sample_data(design: Path, tmp_path: Path) -> None:
    """Day one: `run` with no arguments processes the bundled data; a second run loads
    nothing twice (idempotency); the partial ETL design's unmapped required field sends
    every record to the DLQ, with its envelope, instead of losing it."""
    env = _project(design, tmp_path)
    first = _run(tmp_path, env, "run")
    summary = json.loads(first.stdout.strip().splitlines()[-1])
    assert summary["read"] == 20
    if design.stem == "etl-warehouse-nightly":  # nothing loaded: the run failed, exit 1
        assert first.returncode == 1, first.stderr[-2000:]
        assert summary["dead_lettered"] == 20
        verdict = first.stderr.strip().splitlines()[-1]
        assert verdict.startswith("run failed: 0 of 20 records loaded, 20 dead-lettered")
        listed = _run(tmp_path, env, "dlq", "list")
        assert "required field 'amount_usd' is missing" in listed.stdout
    else:
        assert first.returncode == 0, first.stderr[-2000:]
        assert summary["loaded"] == 20 and summary["dead_lettered"] == 0
        again = json.loads(_run(tmp_path, env, "run").stdout.strip().splitlines()[-1])
        assert again["loaded"] == 0 and again["skipped_duplicates"] == 20
    assert "correlationId" in first.stderr  # JSON logs, one correlation id per record
    assert "@example.com" not in first.stderr  # personal data is redacted from the logs


def test_generated_project_passes_its_own_tests(tmp_path: Path) -> None:
    env = _project(SAMPLES[2], tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout


def test_rows_with_the_other_reading_carry_their_own(tmp_path: Path) -> None:
    """The event-driven design's 429 row (5 attempts, 4 delays) and Kafka row (3 attempts,
    2 delays) read as total tries while its other rows list one delay per attempt."""
    assert _scaffold(SAMPLES[2], tmp_path).exit_code == 0
    config = _config(tmp_path)
    readings = {p.name: p.reading for p in config.retry.policies}
    assert config.retry.reading == "retries_after_first_try"
    assert readings["net_suite_concurrency_limit_429"] == "total_tries"
    assert readings["kafka_produce_failure_ingest_lambda"] == "total_tries"
    assert readings["net_suite_timeout"] is None
