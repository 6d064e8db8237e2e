"""What an operator sees: the run's exit code and one-line verdict, the DLQ listing for
people and scripts, one start-up warning for what needs a person, and the environment
settings a container uses instead of editing the configuration."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, base_config
from integration_pipeline.config import ConfigError, RunPolicy, load_config
from integration_pipeline.pipeline import Pipeline
from integration_pipeline.reports import run_failure
from ruamel.yaml import YAML


def _project(tmp_path: Path, **overrides: Any) -> Path:
    """A folder with this project's config (plus overrides) and an input file."""
    data = base_config(**overrides).model_dump(by_alias=True, exclude_none=True)
    (tmp_path / "config").mkdir(parents=True)
    with (tmp_path / "config" / "pipeline.yaml").open("w", encoding="utf-8") as handle:
        YAML().dump(data, handle)
    return tmp_path


def _cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PIPELINE_METRICS": "0"}
    return subprocess.run(
        [sys.executable, "-m", "integration_pipeline", *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _write_input(path: Path, good: int, bad: int) -> Path:
    lines = [
        {"id": f"A{n}", "amount": 2, "qty": 3, "state": "N", "customer": {"email": "a@b.c"}}
        for n in range(good)
    ]
    lines += [{"id": f"B{n}", "state": "N"} for n in range(bad)]  # no amount: no total
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_run_that_loads_nothing_and_dead_letters_exits_1(tmp_path: Path) -> None:
    project = _project(tmp_path)
    data = _write_input(tmp_path / "in.jsonl", good=0, bad=20)
    done = _cli(project, "run", "--input", str(data))
    assert done.returncode == 1, done.stderr[-2000:]
    assert json.loads(done.stdout) == {
        "read": 20, "loaded": 0, "skipped_duplicates": 0, "dead_lettered": 20,
    }  # fmt: skip
    last = done.stderr.strip().splitlines()[-1]
    assert last == (
        "run failed: 0 of 20 records loaded, 20 dead-lettered "
        "(run.fail_when_nothing_loaded); see `dlq list`"
    )
    assert "Traceback" not in done.stderr


def test_partial_success_exits_0_unless_a_ratio_is_set(tmp_path: Path) -> None:
    data = _write_input(tmp_path / "in.jsonl", good=15, bad=5)
    first = _project(tmp_path / "a")
    assert _cli(first, "run", "--input", str(data)).returncode == 0
    lenient = _project(tmp_path / "b", run={"max_dead_letter_ratio": 0.3})
    assert _cli(lenient, "run", "--input", str(data)).returncode == 0  # 25 % <= 30 %
    stricter = _project(tmp_path / "c", run={"max_dead_letter_ratio": 0.1})
    done = _cli(stricter, "run", "--input", str(data))
    assert done.returncode == 1
    assert "25% is above run.max_dead_letter_ratio 0.1" in done.stderr


def test_the_verdict_rules() -> None:
    default = RunPolicy()
    assert run_failure(20, 0, 20, default) is not None
    assert run_failure(20, 0, 0, default) is None  # all duplicates: the work was done before
    assert run_failure(0, 0, 0, default) is None  # an empty input is not a failure
    assert run_failure(20, 19, 1, default) is None
    assert run_failure(20, 0, 20, RunPolicy(fail_when_nothing_loaded=False)) is None


def test_dlq_list_has_a_header_aligned_columns_and_json(tmp_path: Path) -> None:
    project = _project(tmp_path)
    empty = _cli(project, "dlq", "list")
    assert empty.returncode == 0
    assert empty.stdout.strip() == "no queued dead letters: the queue is empty"
    assert json.loads(_cli(project, "dlq", "list", "--format", "json").stdout) == []
    data = _write_input(tmp_path / "in.jsonl", good=1, bad=3)
    assert _cli(project, "run", "--input", str(data)).returncode == 0
    lines = _cli(project, "dlq", "list").stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "STATUS", "STAGE"]
    assert len(lines) == 4
    starts = {line.index("queued") for line in lines[1:]}
    assert starts == {lines[0].index("STATUS")}  # every row's column under its header
    rows = json.loads(_cli(project, "dlq", "list", "--format", "json").stdout)
    assert [row["status"] for row in rows] == ["queued"] * 3
    assert {row["error_class"] for row in rows} == {"validation"}
    assert set(rows[0]) == {
        "id", "status", "stage", "error_class", "attempts", "correlation_id", "error_message",
    }  # fmt: skip
    shown = _cli(project, "dlq", "list", "--status", "replayed")
    assert shown.stdout.strip() == "no replayed dead letters: the queue is empty"


def test_one_startup_warning_names_only_the_rules_nobody_checks() -> None:
    rules = [
        {"rule": "Required fields present", "check": "required"},  # the entity enforces it
        {"rule": "total >= 0"},  # an expression: evaluated
        {"rule": "status is known", "check": "reference"},  # names a field: checked
        {"rule": "HMAC signature valid", "check": "format"},  # the webhook verifies it
        {"rule": "Totals reconcile with the ERP", "check": "business"},
        {"rule": "Customer exists in the CRM", "check": "reference"},
    ]
    trigger = {"kind": "webhook", "webhook": {"signature_header": "X-Sig"}}
    stream = io.StringIO()
    pipeline = Pipeline(
        base_config(validation=rules, trigger=trigger, target={"kind": "jsonl", "path": "-"}),
        base_dir=Path.cwd(),
        log_stream=stream,
    )
    pipeline.close()
    warnings = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(warnings) == 1
    assert warnings[0]["event"].startswith(
        "2 validation rule(s) not enforced: 'Totals reconcile with the ERP', "
        "'Customer exists in the CRM';"
    )
    assert pipeline.validator.unenforced == [
        "Totals reconcile with the ERP", "Customer exists in the CRM",
    ]  # fmt: skip


def test_without_the_webhook_header_a_signature_rule_is_not_enforced() -> None:
    stream = io.StringIO()
    config = base_config(
        validation=[{"rule": "HMAC signature valid", "check": "format"}],
        target={"kind": "jsonl", "path": "-"},
    )
    Pipeline(config, base_dir=Path.cwd(), log_stream=stream).close()
    assert "'HMAC signature valid'" in stream.getvalue()


def test_environment_settings_override_the_file_and_name_the_variable(tmp_path: Path) -> None:
    project = _project(tmp_path)
    file = project / "config" / "pipeline.yaml"
    assert load_config(file, {}).trigger.host == "127.0.0.1"  # the local default stays
    env = {"PIPELINE_HOST": "0.0.0.0", "PIPELINE_PORT": "9000", "PIPELINE_TRANSPORT": "rabbitmq",
           "PIPELINE_STATE": "postgres", "PIPELINE_METRICS_PORT": "9100"}  # fmt: skip
    config = load_config(file, env)
    assert (config.trigger.host, config.trigger.port) == ("0.0.0.0", 9000)
    assert (config.transport, config.state, config.monitoring.metrics_port) == (
        "rabbitmq", "postgres", 9100,
    )  # fmt: skip
    assert load_config(file, {"PIPELINE_HOST": ""}).trigger.host == "127.0.0.1"
    with pytest.raises(ConfigError, match=r"transport \(from PIPELINE_TRANSPORT\)"):
        load_config(file, {"PIPELINE_TRANSPORT": "kafka"})
