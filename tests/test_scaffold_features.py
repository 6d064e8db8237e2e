"""designkit scaffold: what each sample's design says about validation stages, nested
source paths and triggers, read into config/pipeline.yaml (and DK501 when it cannot be)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from designkit import parse_file
from designkit.cli import main
from designkit.scaffold import plan_project
from designkit.scaffold.rules import validation_when
from designkit.scaffold.sample_data import path_steps

ROOT = Path(__file__).parent.parent
SAMPLES = {p.stem: p for p in sorted((ROOT / "samples").glob("*.md"))}
RUNTIME = ROOT / "templates" / "pipeline" / "src"


def _runtime(module: str) -> ModuleType:
    """A module of the generated runtime (the template's own copy), imported by path."""
    if str(RUNTIME) not in sys.path:
        sys.path.insert(0, str(RUNTIME))
    return importlib.import_module(f"integration_pipeline.{module}")


def _config(design: Path, out: Path) -> Any:
    result = CliRunner().invoke(main, ["scaffold", str(design), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return _runtime("config").load_config(out / "config" / "pipeline.yaml")


def test_validation_stages_of_every_sample(tmp_path: Path) -> None:
    expected = {
        "api-led-salesforce-sap-orders": ["pre_send"] * 4 + ["post_receive"],
        "etl-warehouse-nightly": ["pre_send", "post_receive", "post_receive", "pre_send"],
        "event-driven-shopify-netsuite": [
            "on_receipt", "pre_send", "pre_send", "pre_send", "post_receive",
        ],
        "hub-spoke-hr-payroll": ["pre_send"] * 4 + ["post_receive"],
        "hybrid-claims-platform": ["pre_send"] * 4 + ["post_receive"],
    }  # fmt: skip
    for stem, stages in expected.items():
        config = _config(SAMPLES[stem], tmp_path / stem)
        assert [rule.when for rule in config.validation] == stages, stem
    text = (tmp_path / "etl-warehouse-nightly" / "config" / "pipeline.yaml").read_text()
    assert 'when: "pre_send"  # etl-warehouse-nightly.md:' in text
    assert '(written as "Pre-load")' in text or "(written as Pre-load)" in text


def test_every_when_of_the_template_and_samples_names_a_stage() -> None:
    written = {"Pre-send", "Post-receive"}  # the template's
    for design in SAMPLES.values():
        written |= {r.when for r in parse_file(str(design)).design.data.validation_rules if r.when}
    for text in written:
        assert validation_when(text) is not None, text


def test_unknown_when_is_reported_as_dk501(tmp_path: Path) -> None:
    text = SAMPLES["hub-spoke-hr-payroll"].read_text(encoding="utf-8")
    design = tmp_path / "design.md"
    design.write_text(
        text.replace("| Termination date >= hire date | Pre-send |", "| Termination date >= hire date | Whenever |"),
        encoding="utf-8",
    )  # fmt: skip
    result = CliRunner().invoke(main, ["scaffold", str(design), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert "warning DK501 validation rule 4: When 'Whenever' names no pipeline stage" in (
        result.output
    )
    plan = plan_project(parse_file(str(design)), "design.md")
    assert [d.code for d in plan.diagnostics] == ["DK501"]
    explained = CliRunner().invoke(main, ["explain", "DK501"])
    assert explained.exit_code == 0 and "scaffold" in explained.output


@pytest.mark.parametrize(
    "path",
    [
        "customer.email", "lines[].sku", "items[0].price", "estimate.lines[].qty",
        "Observation.code.coding[0].code", "Observation.value[x]", "matrix[][]",
        "Worker_Reference.ID[@type=Employee_ID]", "X-Shopify-Topic (header)", "a..b",
    ],
)  # fmt: skip
def test_sample_data_reads_paths_as_the_runtime_does(path: str) -> None:
    assert tuple(path_steps(path)) == _runtime("mapping").SourcePath(path).steps


def test_hybrid_array_fields_map_to_arrays(tmp_path: Path) -> None:
    config = _config(SAMPLES["hybrid-claims-platform"], tmp_path)
    many = {f.name for f in config.entity.fields if f.many}
    assert many == {
        "injury_observations_code", "injury_observations_value",
        "line_items_sku", "line_items_quantity", "line_items_amount",
    }  # fmt: skip
    record = json.loads((tmp_path / "data" / "sample.jsonl").read_text().splitlines()[0])
    assert isinstance(record["estimate"]["lines"], list) and len(record["estimate"]["lines"]) == 2
    script = (
        "import json, sys\n"
        "from integration_pipeline.config import load_config\n"
        "from integration_pipeline.mapping import Mapper\n"
        "mapper = Mapper(load_config('config/pipeline.yaml'))\n"
        "print(json.dumps(mapper.to_canonical(json.loads(sys.argv[1]))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(record)], cwd=tmp_path, capture_output=True,
        text=True, check=True, env={**os.environ, "PYTHONPATH": str(tmp_path / "src")},
    )  # fmt: skip
    canonical = json.loads(done.stdout)
    assert canonical["line_items_quantity"] == [1, 2]
    assert canonical["line_items_sku"] == ["line_items_sku-0001", "line_items_sku-0002"]
    assert canonical["injury_observations_code"] == ["injury_observations_code-0001"]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_runs_the_designs_webhook_through_the_cli(tmp_path: Path) -> None:
    """`<slug> serve` of the API-led sample: its webhook on the design's path
    (POST /api/v1/orders), a record from its sample data, 202, loaded, SIGTERM ends it."""
    import signal
    import time

    import httpx

    _config(SAMPLES["api-led-salesforce-sap-orders"], tmp_path)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src"), "PIPELINE_METRICS": "0"}
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "integration_pipeline", "serve", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(base + "/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        record = json.loads((tmp_path / "data" / "sample.jsonl").read_text().splitlines()[0])
        sent = httpx.post(base + "/api/v1/orders", json=record, headers={"X-Correlation-ID": "c-1"})
        assert sent.status_code == 202 and sent.json()["correlationIds"] == ["c-1"]
        for _ in range(200):
            if (
                'pipeline_records_processed_total{stage="load"} 1.0'
                in httpx.get(base + "/metrics").text
            ):
                break
            time.sleep(0.05)
        else:
            raise AssertionError((tmp_path / "serve.log").read_text()[-2000:])
        assert httpx.post(base + "/api/v1/orders", content=b"{oops").status_code == 400
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        log.close()
    logs = (tmp_path / "serve.log").read_text()
    assert '"correlationId": "c-1"' in logs


def test_serve_without_the_webhook_secret_is_one_line_exit_2(tmp_path: Path) -> None:
    _config(SAMPLES["event-driven-shopify-netsuite"], tmp_path)  # HMAC-signed webhook
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEBHOOK_SECRET")}
    done = subprocess.run(
        [sys.executable, "-m", "integration_pipeline", "serve", "--port", "0"],
        cwd=tmp_path, env={**env, "PYTHONPATH": str(tmp_path / "src")}, capture_output=True,
        text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    # the startup warnings are JSON log lines; the error is the one plain line
    assert [line for line in done.stderr.splitlines() if not line.startswith("{")] == [
        "cannot serve: config/pipeline.yaml: trigger.webhook.signature_header is set but "
        "environment variable WEBHOOK_SECRET (or WEBHOOK_SECRET_FILE) is not set"
    ]
