"""Broker and database loss at each point of the scale-out pipeline, with real services.

A TCP proxy (tests/vanishing_proxy.py) stands between a process and RabbitMQ or PostgreSQL
and vanishes the moment a given frame or statement passes it: the publisher's
``queue.declare``, a worker's ``basic.consume``, its DLQ ``basic.publish``, its
``basic.ack``, or its database ``COMMIT`` (relayed first: the commit may have happened,
the worker cannot know). Each process must end in the one-line give-up with exit 1 and
no traceback; a worker started afterwards must leave every record loaded once and every
poison record dead-lettered once. A last test SIGKILLs a worker between a DLQ copy's
confirm and its batch's ack and checks that ``health`` still counts each dead letter once.
"""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Broker
from tests.scaled_project import (
    Project,
    assert_loaded_once,
    assert_no_secret,
    make_project,
    write_input,
)
from tests.vanishing_proxy import relay

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
    pytest.mark.services,
]

RECORDS = 300  # every 100th a poison record

# AMQP method frames begin with their class and method ids (two shorts each)
QUEUE_DECLARE = b"\x00\x32\x00\x0a"
BASIC_CONSUME = b"\x00\x3c\x00\x14"
BASIC_PUBLISH = b"\x00\x3c\x00\x28"
BASIC_ACK = b"\x00\x3c\x00\x50"


def _tune(project: Project, **rabbitmq: object) -> None:
    with project.config() as data:
        data["rabbitmq"].update(
            reconnect_initial_seconds=0.2, reconnect_max_seconds=0.4, **rabbitmq
        )


def _gives_up(result: subprocess.CompletedProcess[str], what: str) -> str:
    """Exit 1, exactly one give-up line (the last), no traceback; returns that line."""
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("unavailable:")]
    assert len(lines) == 1, result.stderr[-3000:]
    assert result.stderr.strip().splitlines()[-1] == lines[0]
    assert what in lines[0], lines[0]
    return lines[0]


def _all_once(project: Project, good: set[str], poison: set[str]) -> None:
    """A worker without the proxy finishes the job: nothing lost, nothing twice."""
    worker = project.cli("worker", "--exit-when-idle", "1", timeout=120)
    assert worker.returncode == 0, worker.stderr[-3000:]
    rows = dict(project.sql("SELECT event_id, _write_count FROM SCHEMA.order_event"))
    assert_loaded_once(rows, good)
    listed = project.cli("dlq", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == len(poison)
    health = project.cli("health")
    assert health.returncode == 0, health.stderr
    assert json.loads(health.stdout.splitlines()[0])["queue_depth"]["dlq"] == len(poison)


def test_publisher_gives_up_when_the_broker_goes_away_while_declaring(
    broker: Broker,
    database: str,
    tmp_path: Path,
) -> None:
    with make_project(tmp_path, broker, database) as project:
        _tune(project, publish_give_up_seconds=1.0)
        write_input(project, tmp_path / "input.jsonl", RECORDS)
        proxy, relayed = relay(project.env["RABBITMQ_URL"], 5672)
        proxy.cut_on("to broker", QUEUE_DECLARE)
        env = dict(project.env, RABBITMQ_URL=relayed)
        result = project.cli("run", "--input", str(tmp_path / "input.jsonl"), env=env, timeout=60)
        assert proxy.cut.is_set()
        line = _gives_up(result, "declaring the queues")
        assert "gave up after 1 s without the broker" in line
        assert '"reconnecting"' in result.stderr
        assert_no_secret(project, result.stdout, result.stderr)


@pytest.mark.parametrize(
    ("service", "pattern", "after"),
    [
        ("broker", QUEUE_DECLARE, False),
        ("broker", BASIC_CONSUME, False),
        ("broker", BASIC_PUBLISH, False),  # the first poison record's DLQ copy
        ("broker", BASIC_ACK, False),
        ("database", b"COMMIT", True),  # relayed: committed or not, the worker cannot tell
    ],
    ids=["declare", "consume", "dlq-publish", "ack", "commit"],
)
def test_worker_loss_gives_up_in_one_line_and_a_restart_loses_nothing(
    broker: Broker,
    database: str,
    tmp_path: Path,
    service: str,
    pattern: bytes,
    after: bool,
) -> None:
    with make_project(tmp_path, broker, database) as project:
        _tune(project, worker_give_up_seconds=1.0)
        good, poison = write_input(project, tmp_path / "input.jsonl", RECORDS)
        published = project.cli("publish", "--input", str(tmp_path / "input.jsonl"))
        assert published.returncode == 0, published.stderr
        variable = "RABBITMQ_URL" if service == "broker" else "DATABASE_URL"
        proxy, relayed = relay(project.env[variable], 5672 if service == "broker" else 5432)
        proxy.cut_on("to broker", pattern, after=after)  # "broker": the proxied service
        env = dict(project.env, **{variable: relayed})
        result = project.cli("worker", "--exit-when-idle", "5", env=env)
        assert proxy.cut.is_set(), result.stderr[-3000:]
        _gives_up(result, f"without the {service}")
        assert '"connection lost"' in result.stderr
        assert_no_secret(project, result.stdout, result.stderr)
        _all_once(project, good, poison)


def test_health_counts_a_dead_letter_once_after_a_sigkill_between_copy_and_ack(
    broker: Broker,
    database: str,
    tmp_path: Path,
) -> None:
    """The archive's insert is held by a table lock, so the worker is stopped right after
    the broker confirmed the first DLQ copy and before its batch commits and acks."""
    import psycopg

    with make_project(tmp_path, broker, database) as project:
        good, poison = write_input(project, tmp_path / "input.jsonl", RECORDS)
        assert project.cli("publish", "--input", str(tmp_path / "input.jsonl")).returncode == 0
        with psycopg.connect(project.database) as lock:
            lock.execute(f'LOCK TABLE "{project.schema}".dead_letters IN EXCLUSIVE MODE')
            worker = project.start_worker()
            # the condition: the worker waits on the lock, its DLQ copy is confirmed
            query = (
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
                " AND wait_event_type = 'Lock'"
            )
            app = f"integration_pipeline/{project.schema}"
            waiting: list[tuple[object, ...]] = []
            for _ in range(600):  # bounded: 600 polls of a real condition
                waiting = project.sql(query, (app,))
                if waiting[0][0]:
                    break
                assert worker.poll() is None, project.logs()[-3000:]
                lock.execute("SELECT pg_sleep(0.05)")
            assert waiting[0][0] == 1, "the worker never reached the archive insert"
            dlq_messages = _broker_dlq(project)
            assert dlq_messages == 1
            worker.send_signal(signal.SIGKILL)
            assert worker.wait(timeout=10) == -signal.SIGKILL
            lock.rollback()
        _all_once(project, good, poison)
        health = json.loads(project.cli("health").stdout.splitlines()[0])
        assert health["queue_depth"]["dlq"] == len(poison)
        assert health["dlq_messages"] == len(poison) + 1  # the broker holds one copy twice


def _broker_dlq(project: Project) -> int:
    with project.channel() as channel:
        declared = channel.queue_declare(f"{project.queue}.dlq", passive=True)
        return int(declared.method.message_count)
