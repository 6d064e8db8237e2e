"""Batch messages in broker mode (``batching.records_per_message``), with the real local
RabbitMQ and PostgreSQL: a worker SIGKILLed in the middle of a batch leaves it to be
redelivered, and it loads exactly once; a batch delivered again after it was committed
loads nothing twice; a poison record of a batch goes to the DLQ alone while the rest of
its batch loads.

The services and the project are tests/scaled_project.py's (same skips)."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from tests.conftest import Broker
from tests.event_records import KEY_SOURCE
from tests.scaled_project import (
    Expected,
    Project,
    assert_loaded_once,
    assert_no_secret,
    final_state,
    make_project,
    wait_until_done,
    write_input,
)

pytestmark = [  # `services`: needs RabbitMQ and PostgreSQL (make test-fast leaves it out)
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
    pytest.mark.services,
]

RECORDS = 300  # poison at 99, 199, 299 (scaled_project's POISON_EVERY = 100)
PER_MESSAGE = 50
KILL_AT = "evt-000130"  # in the third message: the worker dies while it prepares it


def _batching(project: Project) -> None:
    with project.config() as data:
        data["batching"]["records_per_message"] = PER_MESSAGE
        data["rabbitmq"].update(prefetch=2, commit_seconds=0.2)
        data["logging"]["level"] = "INFO"


def _kill_once_at(project: Project, key: str) -> None:
    """The user's hook SIGKILLs its own worker the first time it meets ``key`` (a marker
    file, written first, lets the next worker through)."""
    (project.root / "src" / "integration_pipeline" / "user_hooks.py").write_text(
        "import os, signal\n\nMARK = 'var/killed'\n\n\n"
        "def transform(record, target_field, source_value):\n"
        f"    if target_field == 'event_type' and record.get({KEY_SOURCE!r}) == {key!r}:\n"
        "        if not os.path.exists(MARK):\n"
        "            os.makedirs('var', exist_ok=True)\n"
        "            open(MARK, 'w').close()\n"
        "            os.kill(os.getpid(), signal.SIGKILL)\n"
        "    return source_value\n",
        encoding="utf-8",
    )


def test_a_batch_killed_mid_way_loads_once_and_its_poison_goes_alone(
    broker: Broker,
    database: str,
    tmp_path: Path,
) -> None:
    with make_project(tmp_path, broker, database) as project:
        _batching(project)
        _kill_once_at(project, KILL_AT)
        good, poison = write_input(project, tmp_path / "input.jsonl", RECORDS)
        published = project.cli("run", "--input", str(tmp_path / "input.jsonl"))
        assert published.returncode == 0, published.stderr
        assert json.loads(published.stdout) == {"published": RECORDS}
        depth = json.loads(project.cli("health").stdout.splitlines()[0])["queue_depth"]
        assert depth["work"] == RECORDS // PER_MESSAGE  # six messages of 50 records

        victim = project.start_worker()
        assert victim.wait(timeout=120) == -signal.SIGKILL
        assert (project.root / "var" / "killed").exists()
        loaded_before = project.counts()[0]
        assert loaded_before < len(good)  # the third batch, at least, was not loaded

        expected = Expected(good, dict.fromkeys(poison, "validation"))
        project.start_worker()
        wait_until_done(project, expected)
        loaded, dead = final_state(project)
        assert_loaded_once(loaded, good)
        assert {k: v[:1] for k, v in dead.items()} == dict.fromkeys(poison, ("validation",))
        for key in poison:  # the poison left alone: one record per DLQ message
            assert dead[key][1:] == (1, "transform"), key
        archived = project.sql(
            "SELECT payload, message_id, correlation_id FROM SCHEMA.dead_letters"
        )
        assert len(archived) == len(poison)
        for payload, message_id, correlation_id in archived:
            assert isinstance(payload, dict) and payload[KEY_SOURCE] in poison
            assert message_id == correlation_id  # the record's own id, not its batch's

        logs = project.logs()
        batches = [
            event["records"]
            for event in map(json.loads, filter(None, logs.splitlines()))
            if event.get("event") == "loaded"
        ]
        assert max(batches) > 1 and sum(batches) >= len(good) - loaded_before

        assert project.stop_workers() == [-signal.SIGKILL, 0]

        # the same batch delivered again after its commit (an ack lost with its worker):
        # every record is a duplicate, nothing is written twice
        _publish_again(project, tmp_path / "input.jsonl", first=0, count=PER_MESSAGE)
        again = project.cli("worker", "--exit-when-idle", "1", timeout=120)
        assert again.returncode == 0, again.stderr[-2000:]
        summary = json.loads(again.stdout.splitlines()[-1])
        assert summary["loaded"] == 0 and summary["skipped_duplicates"] == PER_MESSAGE
        loaded, _dead = final_state(project)
        assert_loaded_once(loaded, good)
        assert_no_secret(project, published.stdout, published.stderr)


def _publish_again(project: Project, source: Path, *, first: int, count: int) -> None:
    """Publish records ``first``.. as one batch message carrying the correlation ids they
    were loaded with: what the broker redelivers when a worker dies after its commit."""
    import pika

    lines = source.read_text(encoding="utf-8").splitlines()[first : first + count]
    records = [json.loads(line) for line in lines]
    keys = [record[KEY_SOURCE] for record in records]
    ids = dict(
        project.sql(
            "SELECT event_id, _correlation_id FROM SCHEMA.order_event WHERE event_id = ANY(%s)",
            (keys,),
        )
    )
    assert len(ids) == count  # no poison among them
    body = json.dumps({"ids": [ids[k] for k in keys], "records": records}).encode()
    with project.channel() as channel:
        channel.confirm_delivery()
        channel.basic_publish(
            "",
            project.queue,
            body,
            pika.BasicProperties(
                delivery_mode=2,
                type="integration_pipeline.records",
                message_id=ids[keys[0]],
                correlation_id=ids[keys[0]],
                timestamp=int(time.time()),
            ),
            mandatory=True,
        )
