"""Scale-out of the generated pipeline: RabbitMQ workers and PostgreSQL state, for real.

A sample is scaffolded and switched to RabbitMQ and PostgreSQL (tests/scaled_project.py,
which also scales the design's retry delays down by 20). 10,000 records are
published (every 100th a poison record that fails validation, a few whose load fails
through a trigger in the target table: always with a timeout, a rate limit or a server
error, or twice with a timeout and then never again), and 3 worker processes consume
them. Every good record must land exactly once (``_write_count`` 1), every poison or
exhausted record must sit in the DLQ once with the embedded DLQ's envelope, and the
number of tries must follow the design's retry table.

Each test module gets its own RabbitMQ vhost and user (a password that must never show
in any output) and each project its own PostgreSQL schema; all are removed afterwards.
Without the services the tests skip, unless DESIGNKIT_REQUIRE_SERVICES=1 (CI).
"""

from __future__ import annotations

import json
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Broker, rabbitmqctl
from tests.event_records import KEY_SOURCE
from tests.scaled_project import (
    DELAY_SCALE,
    RUN_TIMEOUT,
    Expected,
    Project,
    assert_loaded_once,
    assert_no_secret,
    final_state,
    make_project,
    wait_until_done,
    with_password,
    write_input,
)
from tests.vanishing_proxy import relay

RECORDS = 10_000
WORKERS = 3

# key -> (SQLSTATE the trigger raises, times it fails; -1: always)
FAULTS: dict[str, tuple[str, int]] = {
    "evt-000010": ("57014", -1),  # statement timeout -> timeout
    "evt-003010": ("57014", -1),
    "evt-006010": ("57014", -1),
    "evt-000020": ("53300", -1),  # too many connections -> rate_limited
    "evt-004020": ("53300", -1),
    "evt-008020": ("53300", -1),
    "evt-000030": ("40001", -1),  # serialization failure -> server_error
    "evt-005030": ("40001", -1),
    "evt-009030": ("40001", -1),
    "evt-000040": ("57014", 2),  # a timeout twice, then it loads
    "evt-002040": ("57014", 2),
    "evt-007040": ("57014", 2),
}
# Tries per error class, read from the design's retry table (samples/...netsuite.md:124-128):
# timeout: "Max Attempts 4" with four delays = 4 retries after the first try -> 5 tries;
# rate_limited: 5 attempts with four delays = 5 tries in all; server_error: the 5xx row,
# 3 retries after the first try -> 4 tries.
TRIES = {"timeout": 5, "rate_limited": 5, "server_error": 4}
CLASS_OF = {"57014": "timeout", "53300": "rate_limited", "40001": "server_error"}

pytestmark = [  # `services`: needs RabbitMQ and PostgreSQL (make test-fast leaves it out)
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
    pytest.mark.services,
]


# -- faults in the target ---------------------------------------------------------------


def _install_faults(project: Project) -> None:
    """A trigger that fails the FAULTS keys' writes with their SQLSTATE: always, or in the
    first ``times`` transactions that write the key (one try is one transaction: a worker
    may write a row twice in one, a batch and then the row alone; both count once)."""
    project.sql("CREATE TABLE SCHEMA.faults (key text PRIMARY KEY, sqlstate text, times int,"
                " tries text, tx text)")  # fmt: skip
    for number, (key, (state, times)) in enumerate(FAULTS.items()):
        for name in (f"fault_tries_{number}", f"fault_tx_{number}"):
            project.sql(f"CREATE SEQUENCE SCHEMA.{name} MINVALUE 0 START 0")
        project.sql(
            "INSERT INTO SCHEMA.faults VALUES (%s, %s, %s, %s, %s)",
            (key, state, times, f'"{project.schema}".fault_tries_{number}',
             f'"{project.schema}".fault_tx_{number}'),
        )  # fmt: skip
    project.sql(
        """
        CREATE FUNCTION SCHEMA.inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE f record; seen bigint; tries bigint;
        BEGIN
          SELECT * INTO f FROM SCHEMA.faults WHERE key = NEW.event_id;
          IF NOT FOUND THEN RETURN NEW; END IF;
          IF f.times >= 0 THEN
            EXECUTE format('SELECT last_value FROM %s', f.tx) INTO seen;
            IF seen <> txid_current() THEN  -- sequences ignore rollbacks: a counter
              PERFORM setval(f.tx::regclass, txid_current());
              tries := nextval(f.tries::regclass);
            ELSE
              EXECUTE format('SELECT last_value FROM %s', f.tries) INTO tries;
            END IF;
            IF tries >= f.times THEN RETURN NEW; END IF;  -- tries counts from 0
          END IF;
          RAISE EXCEPTION 'injected fault for %', NEW.event_id USING ERRCODE = f.sqlstate;
        END $$
        """.replace("SCHEMA", f'"{project.schema}"')
    )
    project.sql(
        "CREATE TRIGGER inject_fault BEFORE INSERT OR UPDATE ON SCHEMA.order_event"
        " FOR EACH ROW EXECUTE FUNCTION SCHEMA.inject_fault()"
    )


def expected_outcome(good: set[str], poison: set[str]) -> Expected:
    always = {k: CLASS_OF[s] for k, (s, times) in FAULTS.items() if times < 0}
    dead = {**dict.fromkeys(poison, "validation"), **always}
    return Expected(good - set(always), dead)


def assert_final_state(project: Project, expected: Expected) -> dict[str, tuple[str, int, str]]:
    loaded, dead = final_state(project)
    assert_loaded_once(loaded, expected.loaded)
    assert {k: v[0] for k, v in dead.items()} == expected.dead
    for key, (error_class, attempts, stage) in dead.items():
        if error_class == "validation":
            assert (attempts, stage) == (1, "transform"), key
        else:
            assert (attempts, stage) == (TRIES[error_class], "load"), key
    return dead


# -- a clean run, shared by the tests that read its outcome ---------------------------


@dataclass
class Run:
    project: Project
    expected: Expected
    seconds: float


@pytest.fixture(scope="module")
def clean_run(
    broker: Broker, database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Run]:
    tmp = tmp_path_factory.mktemp("clean")
    with make_project(tmp, broker, database) as project:
        _install_faults(project)
        good, poison = write_input(project, tmp / "input.jsonl", RECORDS)
        expected = expected_outcome(good, poison)
        published = project.cli("run", "--input", str(tmp / "input.jsonl"))
        assert published.returncode == 0, published.stderr
        assert json.loads(published.stdout) == {"published": RECORDS}
        for _ in range(WORKERS):
            project.start_worker()
        seconds = wait_until_done(project, expected)
        if broker.vhost is not None:  # every worker consumes with the configured prefetch
            consumers = rabbitmqctl("list_consumers", "-p", broker.vhost, "queue_name",
                                    "prefetch_count", "--no-table-headers", "--quiet").stdout  # fmt: skip
            assert consumers.count(f"{project.queue}\t50") == WORKERS, consumers
        print(f"{RECORDS} records through {WORKERS} workers in {seconds:.1f}s")
        yield Run(project, expected, seconds)


def test_ten_thousand_records_load_exactly_once_across_three_workers(clean_run: Run) -> None:
    project = clean_run.project
    assert_final_state(project, clean_run.expected)
    assert project.stop_workers() == [0] * WORKERS  # SIGTERM: a clean, acknowledged stop
    assert_no_secret(project)


def test_dead_letters_carry_the_embedded_envelope(clean_run: Run) -> None:
    project = clean_run.project
    ids = dict(
        project.sql("SELECT payload->>%s, message_id FROM SCHEMA.dead_letters", (KEY_SOURCE,))
    )
    shown = project.cli("dlq", "show", ids["evt-000010"])
    assert shown.returncode == 0, shown.stderr
    entry = json.loads(shown.stdout)
    embedded = {
        "id", "payload", "source", "stage", "error_class", "error_message", "classification",
        "attempts", "first_failure_at", "last_failure_at", "correlation_id", "idempotency_key",
        "replay_count", "status",
    }  # fmt: skip
    assert set(entry) == embedded  # the fields of dlq.DeadLetter
    assert entry["payload"][KEY_SOURCE] == "evt-000010"
    assert entry["error_class"] == "timeout" and entry["attempts"] == 5
    assert entry["classification"] == "transient" and entry["stage"] == "load"
    assert "injected fault" in entry["error_message"]
    assert entry["correlation_id"] == entry["id"]
    # four retries waited at least their jittered delays: half the designed ones
    designed = [1, 2, 4, 8]
    assert entry["last_failure_at"] - entry["first_failure_at"] >= 0.5 * sum(designed) * DELAY_SCALE
    poison = json.loads(project.cli("dlq", "show", ids["evt-000099"]).stdout)
    assert (poison["error_class"], poison["attempts"], poison["stage"]) == (
        "validation", 1, "transform",
    )  # fmt: skip
    assert "not a valid number" in poison["error_message"]

    # the headers themselves, as any AMQP client sees them
    with project.channel() as channel:  # closed without an ack: the message returns to the DLQ
        method, properties, body = channel.basic_get(f"{project.queue}.dlq", auto_ack=False)
        assert method is not None
        headers = properties.headers
        for name in ("x-error-class", "x-attempts", "x-first-failure-at", "x-last-failure-at",
                     "x-correlation-id", "x-stage", "x-error-message", "x-source"):  # fmt: skip
            assert name in headers, name
        assert json.loads(body)[KEY_SOURCE]


def test_retries_follow_the_policy_table(clean_run: Run) -> None:
    project = clean_run.project
    events = [json.loads(line) for line in project.logs().splitlines() if line.startswith("{")]
    retries: dict[str, list[int]] = {}
    for event in events:
        if event.get("event") == "retrying":
            retries.setdefault(event["correlationId"], []).append(event["attempt"])
    ids = dict(project.sql("SELECT payload->>%s, correlation_id FROM SCHEMA.dead_letters",
                           (KEY_SOURCE,)))  # fmt: skip
    for key, (state, times) in FAULTS.items():
        if times < 0:
            tries = TRIES[CLASS_OF[state]]
            assert sorted(retries[ids[key]]) == list(range(1, tries)), key
    # the twice-failing records retried twice each and loaded once
    transient = [k for k, (_s, times) in FAULTS.items() if times > 0]
    rows = dict(project.sql("SELECT event_id, _correlation_id FROM SCHEMA.order_event"
                            " WHERE event_id = ANY(%s)", (transient,)))  # fmt: skip
    assert set(rows) == set(transient)
    for key in transient:
        assert sorted(retries[rows[key]]) == [1, 2], key
    # one retry queue per delay of the table, dead-lettering back to the work queue
    with project.channel() as channel:
        for delay_ms in (50, 100, 200, 400, 800, 25):
            channel.queue_declare(f"{project.queue}.retry.{delay_ms}ms", passive=True)


def test_replay_from_the_broker_dlq_after_fixing_loads_once(clean_run: Run) -> None:
    project = clean_run.project
    project.stop_workers()
    project.sql("DROP TRIGGER inject_fault ON SCHEMA.order_event")  # the cause, fixed
    replayed = project.cli("dlq", "replay", "--all")
    assert replayed.returncode == 0, replayed.stderr
    assert json.loads(replayed.stdout) == {"replayed": len(clean_run.expected.dead)}
    fixed = {k for k, (_s, times) in FAULTS.items() if times < 0}
    expected = Expected(
        clean_run.expected.loaded | fixed,
        {k: v for k, v in clean_run.expected.dead.items() if k not in fixed},
    )
    project.workers = []
    for _ in range(2):
        project.start_worker()
    wait_until_done(project, expected)
    loaded, dead = final_state(project)
    assert_loaded_once(loaded, expected.loaded)
    assert {k: v[0] for k, v in dead.items()} == expected.dead  # the poison came back
    # the poison's attempts add up over both rounds; the archive audits the replay
    assert {v[1] for v in dead.values()} == {2}
    statuses = dict(
        project.sql(
            "SELECT payload->>%s, status || ':' || replay_count FROM SCHEMA.dead_letters",
            (KEY_SOURCE,),
        )
    )
    assert {statuses[k] for k in fixed} == {"replayed:1"}
    assert {statuses[k] for k in expected.dead} == {"queued:1"}
    assert project.stop_workers() == [0, 0]


# -- chaos ------------------------------------------------------------------------------


def test_sigkill_and_connection_loss_change_nothing(
    broker: Broker, database: str, tmp_path: Path
) -> None:
    """One worker is SIGKILLed mid-batch, then the broker closes every connection of the
    vhost (`rabbitmqctl close_all_connections`), then PostgreSQL ends every worker's
    session: the survivors reconnect and the final state is the clean run's."""
    if broker.vhost is None:
        pytest.skip("rabbitmqctl is not available to close the broker's connections")
    with make_project(tmp_path, broker, database) as project:
        _install_faults(project)
        # pace the workers (3 ms a record, in the user's hook) so each blow lands mid-run
        (project.root / "src" / "integration_pipeline" / "user_hooks.py").write_text(
            "import time\n\n\ndef transform(record, target_field, source_value):\n"
            "    if target_field == 'event_type':\n        time.sleep(0.003)\n"
            "    return source_value\n",
            encoding="utf-8",
        )
        good, poison = write_input(project, tmp_path / "input.jsonl", RECORDS)
        expected = expected_outcome(good, poison)
        for _ in range(WORKERS):
            project.start_worker()
        published = project.cli("publish", "--input", str(tmp_path / "input.jsonl"))
        assert published.returncode == 0, published.stderr
        deadline = time.monotonic() + RUN_TIMEOUT

        def rows_above(count: int) -> int:
            while (rows := project.counts()[0]) <= count and time.monotonic() < deadline:
                time.sleep(0.02)
            assert rows < len(expected.loaded), "the run finished before the blow"
            return rows

        rows_above(1500)
        victim = project.workers[0]
        victim.send_signal(signal.SIGKILL)
        assert victim.wait(timeout=10) == -signal.SIGKILL
        rows_above(project.counts()[0] + 1500)
        closed = rabbitmqctl("close_all_connections", "-p", broker.vhost, "chaos test")
        assert closed.returncode == 0, closed.stderr
        rows_above(project.counts()[0] + 1500)
        ended = project.sql(  # and the database drops every worker's session
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (f"integration_pipeline/{project.schema}",),
        )
        assert len(ended) >= WORKERS - 1
        assert project.counts()[0] < len(expected.loaded), "the run finished before the drop"
        wait_until_done(project, expected)
        assert_final_state(project, expected)
        logs = project.logs()  # the survivors noticed both losses and reconnected
        assert "ConnectionClosedByBroker" in logs and "StateLost" in logs
        assert project.stop_workers()[1:] == [0] * (WORKERS - 1)
        assert_no_secret(project, published.stdout, published.stderr)


# -- operations -------------------------------------------------------------------------


def test_health_and_secrets(broker: Broker, database: str, tmp_path: Path) -> None:
    """Readiness reports the broker's queue depths; liveness reads the worker heartbeat;
    a missing URL is a one-line configuration error; no password is ever printed."""
    with make_project(tmp_path, broker, database, level="INFO") as project:
        first = project.cli("health")
        assert first.returncode == 1 and "start a worker" in first.stderr  # no queues yet
        published = project.cli("run")  # the bundled sample: 20 records
        assert json.loads(published.stdout) == {"published": 20}
        ready = project.cli("health")
        assert ready.returncode == 0, ready.stderr
        facts = json.loads(ready.stdout.splitlines()[0])
        # one message: the 20 records travel together (batching.records_per_message: 100)
        assert facts["queue_depth"] == {"work": 1, "retry": 0, "dlq": 0}
        assert project.cli("health", "--live").returncode == 1  # no worker yet
        worker = project.cli("worker", "--exit-when-idle", "1", timeout=60)
        assert worker.returncode == 0, worker.stderr[-2000:]
        assert json.loads(worker.stdout.splitlines()[-1])["loaded"] == 20
        live = project.cli("health", "--live", "--heartbeat-file", "var/worker.heartbeat")
        assert live.returncode == 0, live.stderr
        assert project.counts() == (20, 0)
        outputs = [first.stderr, published.stderr, ready.stdout, worker.stderr, worker.stdout]
        outputs.append(_metrics_from_the_broker(project, tmp_path))
        assert '"worker started"' in worker.stderr
        assert_no_secret(project, *outputs)

        # wrong credentials and an unreachable database: errors name no password
        wrong = dict(project.env)
        other = secrets.token_hex(12)
        project.secrets.append(other)
        if broker.password:
            wrong["RABBITMQ_URL"] = project.env["RABBITMQ_URL"].replace(broker.password, other)
        wrong["DATABASE_URL"] = with_password("postgresql://postgres@127.0.0.1:1/test", other)
        failed = project.cli("health", env=wrong)
        assert failed.returncode == 1
        assert "postgres" in failed.stderr and "rabbitmq" in failed.stderr
        assert_no_secret(project, failed.stdout, failed.stderr)
        missing = {k: v for k, v in project.env.items() if k != "RABBITMQ_URL"}
        unset = project.cli("worker", env=missing, timeout=60)
        assert unset.returncode == 2
        assert "environment variable RABBITMQ_URL is not set" in unset.stderr

        # the broker down at the start: one line, exit 1, no password
        down = dict(project.env, RABBITMQ_URL=f"amqp://guest:{other}@127.0.0.1:1/%2F")
        refused = project.cli("run", env=down, timeout=60)
        assert refused.returncode == 1 and "unavailable: cannot connect" in refused.stderr
        assert "Traceback" not in refused.stderr and len(refused.stderr.splitlines()) == 1
        assert_no_secret(project, refused.stdout, refused.stderr)


def test_publishing_gives_up_when_the_broker_goes_away(
    broker: Broker, database: str, tmp_path: Path
) -> None:
    """The broker vanishes mid-publish and stays away: `run` reconnects with backoff, then
    gives up after `publish_give_up_seconds` with one line saying how far it got."""
    with make_project(tmp_path, broker, database) as project:
        with project.config() as data:
            data["rabbitmq"].update(
                publish_give_up_seconds=1.5,
                reconnect_initial_seconds=0.2,
                reconnect_max_seconds=0.4,
            )
            # a record per message: confirms flow back steadily, so the proxy's byte counts
            # below show publishing under way (batches would send the file before a confirm)
            data["batching"]["records_per_message"] = 1
        big = tmp_path / "big.jsonl"
        write_input(project, big, 200_000)
        proxy, relayed = relay(project.env["RABBITMQ_URL"], 5672)
        env = dict(project.env, RABBITMQ_URL=relayed)
        with (tmp_path / "publish.log").open("w+") as log:
            publisher = subprocess.Popen(
                [sys.executable, "-m", "integration_pipeline", "run", "--input", str(big)],
                cwd=project.root, env=env, stdout=log, stderr=log, text=True,
            )  # fmt: skip
            # records flowing and confirms coming back (the handshake is under 1 KB each way)
            proxy.wait_for(to_broker=1_000_000, from_broker=4_000)
            proxy.kill()
            code = publisher.wait(timeout=60)
            log.seek(0)
            output = log.read()
        assert code == 1, output[-2000:]
        last = output.strip().splitlines()[-1]
        assert "no confirm for 1.5 s" in last and "records published" in last, last
        published = int(last.split("; ")[-1].split(" records published")[0])
        assert 0 < published < 200_000
        assert '"reconnecting"' in output and "Traceback" not in output
        assert_no_secret(project, output)


def test_an_http_source_is_published_page_by_page(
    broker: Broker, database: str, tmp_path: Path
) -> None:
    """`run` with `transport: rabbitmq` and an HTTP source publishes the source's pages
    (through its retries), not a file; the workers load every record once."""
    with make_project(tmp_path, broker, database) as project:
        records = [
            json.loads(line)
            for line in (project.root / "data" / "sample.jsonl").read_text("utf-8").splitlines()
            if line.strip()
        ]
        requests: list[str] = []

        class Pages(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                start = int(self.path.rsplit("from=", 1)[-1]) if "from=" in self.path else 0
                body: dict[str, Any] = {"items": records[start : start + 7]}
                if start + 7 < len(records):
                    body["next"] = f"/orders?from={start + 7}"
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with project.config() as data:
                data["source"] = {
                    "kind": "http",
                    "url": f"http://127.0.0.1:{server.server_address[1]}/orders",
                    "records_path": "items",
                    "paging": {"style": "next_link", "next_path": "next"},
                }
            published = project.cli("run")
            assert published.returncode == 0, published.stderr[-2000:]
            assert json.loads(published.stdout.splitlines()[-1]) == {"published": len(records)}
            assert len(requests) == 3  # 7 + 7 + 6
            worker = project.cli("worker", "--exit-when-idle", "1", timeout=60)
            assert worker.returncode == 0, worker.stderr[-2000:]
            assert project.counts() == (len(records), 0)
        finally:
            server.shutdown()
            server.server_close()


def test_embedded_transport_with_postgres_state(
    broker: Broker, database: str, tmp_path: Path
) -> None:
    """`state: postgres` alone: one process, its DLQ and idempotency marks in PostgreSQL
    (shared, so a second process sees the first one's marks), the dlq commands on it."""
    with make_project(tmp_path, broker, database) as project:
        with project.config() as data:
            data["transport"] = "embedded"
        good, poison = write_input(project, tmp_path / "input.jsonl", records=300)
        first = project.cli("run", "--input", str(tmp_path / "input.jsonl"))
        assert first.returncode == 0, first.stderr[-2000:]
        summary = json.loads(first.stdout)
        assert (summary["loaded"], summary["dead_lettered"]) == (len(good), len(poison))
        again = json.loads(project.cli("run", "--input", str(tmp_path / "input.jsonl")).stdout)
        assert again["skipped_duplicates"] == len(good)  # the marks are in the database
        assert project.counts() == (len(good), len(poison))  # the payload is queued once
        assert not (project.root / "var" / "dlq.sqlite").exists()
        listed = json.loads(project.cli("dlq", "list", "--format", "json").stdout)
        assert len(listed) == len(poison)
        entry_id = str(listed[0]["id"])
        shown = json.loads(project.cli("dlq", "show", entry_id).stdout)
        assert shown["error_class"] == "validation" and shown["attempts"] == 2  # two runs
        assert project.cli("dlq", "discard", entry_id).stdout.strip() == f"discarded {entry_id}"
        replayed = json.loads(project.cli("dlq", "replay", "--all").stdout)
        assert replayed["dead_lettered"] == len(poison) - 1  # still poison: back in the queue
        loaded = project.sql("SELECT max(_write_count) FROM SCHEMA.order_event")[0][0]
        assert loaded == 1


def _metrics_from_the_broker(project: Project, tmp_path: Path) -> str:
    """A worker's /metrics shows the DLQ depth it read from the broker."""
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with project.config() as data:
        data["monitoring"]["metrics_port"] = port
    poison = tmp_path / "poison.jsonl"
    poison.write_text(json.dumps({KEY_SOURCE: "evt-poison"}) + "\n", encoding="utf-8")
    assert project.cli("publish", "--input", str(poison)).returncode == 0
    project.env["PIPELINE_METRICS"] = "1"
    worker = project.start_worker()
    text = ""
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "pipeline_dlq_depth 1.0" not in text:
            time.sleep(0.5)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
                    text = r.read().decode("utf-8")
            except OSError:
                continue
        assert "pipeline_dlq_depth 1.0" in text, text[-2000:]
        assert "pipeline_queue_depth 0.0" in text
    finally:
        project.env["PIPELINE_METRICS"] = "0"
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    return text
