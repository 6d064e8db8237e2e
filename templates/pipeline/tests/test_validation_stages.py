"""Validation rules run at the stage their ``when`` names: on_receipt, pre_send,
post_receive (after the target confirmed the load); designs' words are accepted as
aliases and an unknown stage is a configuration error naming the key."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import FakeTime, base_config
from integration_pipeline.config import ConfigError, load_config
from integration_pipeline.pipeline import Pipeline


def _record(n: int, total: float = 10) -> dict[str, object]:
    return {"id": f"A{n}", "amount": total, "qty": 1, "state": "N", "customer": {"email": "x@y.z"}}


@pytest.mark.parametrize(
    ("written", "stage"),
    [
        ("Pre-send", "pre_send"),
        ("pre_load", "pre_send"),
        ("Pre-publish", "pre_send"),
        ("Post-receive", "post_receive"),
        ("post-load", "post_receive"),
        ("On receipt", "on_receipt"),
        ("on_receipt", "on_receipt"),
    ],
)
def test_design_words_are_stages(written: str, stage: str) -> None:
    config = base_config(validation=[{"rule": "total >= 0", "when": written}])
    assert config.validation[0].when == stage


def test_unknown_stage_is_a_config_error_naming_the_key(tmp_path: Path) -> None:
    file = tmp_path / "pipeline.yaml"
    file.write_text(
        "integration: {name: T, slug: t}\n"
        "entity: {name: E, fields: [{name: id, type: string}]}\n"
        "idempotency: {key: [id]}\n"
        "validation: [{rule: x, when: whenever}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"pipeline\.yaml: validation\.0\.when: Input should be"):
        load_config(file)


def test_post_receive_rule_runs_after_the_load(tmp_path: Path, fake_time: FakeTime) -> None:
    """A record that breaks a post_receive rule was loaded, then lands in the DLQ at the
    confirm stage (alert_and_queue: for a person); on_receipt rules run before pre_send."""
    rules = [
        {"rule": "total < 100", "when": "Post-receive", "action": "alert_and_queue"},
        {"rule": "total >= 0", "when": "Pre-send", "action": "reject"},
        {"rule": "total != 7", "when": "On receipt", "action": "alert_and_queue"},
    ]
    config = base_config(validation=rules)
    pipeline = Pipeline(config, base_dir=tmp_path, log_stream=io.StringIO(), sleep=fake_time.sleep)
    try:
        summary = pipeline.process_all([_record(1), _record(2, 500), _record(3, -1), _record(4, 7)])
        assert (summary.loaded, summary.dead_lettered) == (1, 3)
        entries = {e.payload["id"]: e for e in pipeline.dlq.list()}
        assert entries["A2"].stage == "confirm" and entries["A2"].classification == "alert"
        assert entries["A3"].stage == "validate" and entries["A3"].classification == "permanent"
        assert entries["A4"].stage == "validate" and entries["A4"].classification == "alert"
    finally:
        pipeline.close()
    import sqlite3

    rows = sqlite3.connect(tmp_path / "var/target.sqlite").execute("SELECT order_id FROM records")
    assert sorted(r[0] for r in rows) == ["A1", "A2"]  # A2 was delivered before its check
