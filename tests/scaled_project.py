"""A scaffolded pipeline project switched to RabbitMQ workers and PostgreSQL state.

The sample design is scaffolded into tmp and switched, in its config/pipeline.yaml
only, to ``transport: rabbitmq``, ``state: postgres`` and a PostgreSQL target, in a
queue and a schema of its own (removed by :meth:`Project.close`). The design's retry
delays (1-16 s) are scaled down by 20, and the circuit breaker's threshold raised:
the tests inject faults per record, not a target that is down, and the breaker's own
behaviour is tested in the runtime's tests.

The services come from the ``broker`` and ``database`` fixtures (tests/conftest.py);
the tests that use them are tests/test_scale_out.py, test_broker_loss.py and
test_broker_batches.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from designkit.cli import main
from tests.conftest import Broker
from tests.event_records import KEY_SOURCE, write_events

if TYPE_CHECKING:
    from pika.adapters.blocking_connection import BlockingChannel

DESIGN = Path(__file__).parent.parent / "samples" / "event-driven-shopify-netsuite.md"
POISON_EVERY = 100
RUN_TIMEOUT = 180.0
DELAY_SCALE = 0.05


def with_password(url: str, password: str) -> str:
    """The database URL with a password in it (trust auth ignores it): must never leak."""
    scheme, rest = url.split("://", 1)
    user, host = rest.split("@", 1) if "@" in rest else ("postgres", rest)
    return f"{scheme}://{user.split(':')[0]}:{password}@{host}"


@dataclass
class Project:
    root: Path
    env: dict[str, str]
    schema: str
    queue: str
    secrets: list[str]
    database: str
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def cli(
        self, *args: str, timeout: float = 120, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """``python -m integration_pipeline ARGS`` in the project, with its own
        environment unless ``env`` (other URLs, a variable left out) is given."""
        return subprocess.run(
            [sys.executable, "-m", "integration_pipeline", *args],
            cwd=self.root, env=self.env if env is None else env, capture_output=True,
            text=True, timeout=timeout, check=False,
        )  # fmt: skip

    def start_worker(self) -> subprocess.Popen[bytes]:
        number = len(self.workers)
        with (self.root / f"worker-{number}.log").open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "integration_pipeline", "worker",
                 "--heartbeat-file", f"var/worker-{number}.heartbeat"],
                cwd=self.root, env=self.env, stdout=log, stderr=log,
            )  # fmt: skip
        self.workers.append(process)
        return process

    def stop_workers(self) -> list[int | None]:
        for process in self.workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes: list[int | None] = []
        for process in self.workers:
            try:
                codes.append(process.wait(timeout=30))
            except subprocess.TimeoutExpired:
                process.kill()
                codes.append(process.wait())
        return codes

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.database, autocommit=True) as conn:
            cursor = conn.execute(query.replace("SCHEMA", f'"{self.schema}"'), params or None)
            return cursor.fetchall() if cursor.description else []

    def counts(self) -> tuple[int, int]:
        loaded = self.sql("SELECT count(*) FROM SCHEMA.order_event")[0][0]
        dead = self.sql("SELECT count(*) FROM SCHEMA.dead_letters WHERE status = 'queued'")[0][0]
        return int(loaded), int(dead)

    def logs(self) -> str:
        return "".join(
            p.read_text("utf-8", "replace") for p in sorted(self.root.glob("worker-*.log"))
        )

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Kill the workers still running, drop the project's schema."""
        for process in self.workers:
            if process.poll() is None:
                process.kill()
                process.wait()
        import psycopg

        with psycopg.connect(self.database, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')

    @contextlib.contextmanager
    def config(self) -> Iterator[dict[str, Any]]:
        """config/pipeline.yaml as data, written back when the block ends."""
        path = self.root / "config" / "pipeline.yaml"
        yaml = YAML(typ="safe")
        data = yaml.load(path.read_text(encoding="utf-8"))
        yield data
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(data, handle)

    @contextlib.contextmanager
    def channel(self) -> Iterator[BlockingChannel]:
        """A channel on the project's broker, as any AMQP client sees it."""
        import pika

        connection = pika.BlockingConnection(pika.URLParameters(self.env["RABBITMQ_URL"]))
        try:
            yield connection.channel()
        finally:
            connection.close()


def make_project(tmp: Path, broker: Broker, database: str, *, level: str = "WARNING") -> Project:
    """The sample scaffolded into ``tmp/project``, configured for the services, migrated."""
    root = tmp / "project"
    result = CliRunner().invoke(main, ["scaffold", str(DESIGN), "-o", str(root)])
    assert result.exit_code == 0, result.output
    tag = uuid.uuid4().hex[:8]
    queue, schema = f"orders-{tag}", f"dk_scale_{tag}"
    db_password = secrets.token_hex(12)
    env = {
        **os.environ,
        "PYTHONPATH": str(root / "src"),
        "PIPELINE_METRICS": "0",
        "RABBITMQ_URL": broker.url,
        "DATABASE_URL": with_password(database, db_password),
    }
    project = Project(
        root, env, schema, queue, [s for s in (broker.password, db_password) if s], database
    )
    with project.config() as data:
        data["transport"] = "rabbitmq"
        data["state"] = "postgres"
        data["rabbitmq"] = {"queue": queue, "prefetch": 50, "commit_seconds": 0.5}
        data["postgres"] = {"schema": schema}
        data["target"]["kind"] = "postgres"
        data["logging"]["level"] = level
        data["circuit_breaker"]["failure_threshold"] = 100_000  # see the module docstring
        data["circuit_breaker"]["error_rate_percent"] = None
        for policy in data["retry"]["policies"]:
            policy["delays_seconds"] = [d * DELAY_SCALE for d in policy["delays_seconds"]]
    migrated = project.cli("migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert f"ready: {schema}.order_event" in migrated.stdout
    return project


def write_input(project: Project, path: Path, records: int) -> tuple[set[str], set[str]]:
    """Distinct records shaped like data/sample.jsonl, every POISON_EVERY-th a poison
    record; returns (good keys, poison keys)."""
    return write_events(project.root, path, records, POISON_EVERY)


@dataclass(frozen=True)
class Expected:
    loaded: set[str]
    dead: dict[str, str]  # key -> error class


def wait_until_done(project: Project, expected: Expected, timeout: float = RUN_TIMEOUT) -> float:
    started = time.monotonic()
    want = (len(expected.loaded), len(expected.dead))
    while time.monotonic() - started < timeout:
        if project.counts() == want:
            depth = json.loads(project.cli("health").stdout.splitlines()[0])["queue_depth"]
            if depth["work"] == 0 and depth["retry"] == 0:
                return time.monotonic() - started
        for process in project.workers:
            assert process.poll() is None or process.returncode in (0, -signal.SIGKILL), (
                project.logs()[-3000:]
            )
        time.sleep(0.5)
    pytest.fail(
        f"not done after {timeout}s: {project.counts()} != {want}\n{project.logs()[-3000:]}"
    )


def final_state(project: Project) -> tuple[dict[str, int], dict[str, tuple[str, int, str]]]:
    """(key -> write count in the target, key -> (error class, attempts, stage) in the DLQ)."""
    loaded = dict(project.sql("SELECT event_id, _write_count FROM SCHEMA.order_event"))
    listed = project.cli("dlq", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    dead: dict[str, tuple[str, int, str]] = {}
    archive = dict(
        project.sql(
            "SELECT message_id, payload->>%s FROM SCHEMA.dead_letters WHERE status = 'queued'",
            (KEY_SOURCE,),
        )
    )
    for row in json.loads(listed.stdout):
        message_id, status, stage = row["id"], row["status"], row["stage"]
        error_class, attempts = row["error_class"], row["attempts"]
        assert status == "queued"
        key = archive[message_id]
        assert key not in dead, f"{key} twice in the DLQ"
        dead[key] = (error_class, int(attempts), stage)
    return loaded, dead


def assert_loaded_once(loaded: dict[str, int], keys: set[str]) -> None:
    """The target holds exactly ``keys``, each written once (``_write_count`` 1)."""
    assert set(loaded) == keys, (
        f"lost {sorted(keys - set(loaded))[:5]}, extra {sorted(set(loaded) - keys)[:5]}"
    )
    assert {k: n for k, n in loaded.items() if n != 1} == {}, "a record was written twice"


def assert_no_secret(project: Project, *texts: str) -> None:
    for secret in project.secrets:
        for text in (project.logs(), *texts):
            assert secret not in text, "a password reached the output"
