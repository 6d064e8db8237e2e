"""Command line: ``run``, ``serve``, ``publish``, ``worker``, ``migrate``, ``dlq ...`` and ``health``.

Paths are relative to the current folder (the project root), so ``run`` with no
arguments processes data/sample.jsonl with config/pipeline.yaml. A configuration error
prints one line and exits 2.

``transport: embedded`` (the default): ``run`` processes the input in this process.
``transport: rabbitmq``: ``run`` (or ``publish``) puts the input on the work queue and
``worker`` processes, as many of them as you start, on as many machines; ``dlq``
commands act on the broker's DLQ. ``state: postgres``: run ``migrate`` once first.
Broker and database URLs come from the environment (RABBITMQ_URL, DATABASE_URL).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from .config import ConfigError, PipelineConfig, load_config
from .dlq import DeadLetterQueue

DEFAULT_CONFIG = "config/pipeline.yaml"
DEFAULT_HEARTBEAT = "var/worker.heartbeat"


def _config(path: str) -> PipelineConfig:
    try:
        return load_config(path)
    except ConfigError as error:
        click.echo(f"configuration error: {error}", err=True)
        sys.exit(2)


def _unavailable(error: BaseException) -> None:
    """A missing URL variable or an unreachable service: one line (no secret), exit 2/1."""
    from .state_postgres import MissingSetting

    click.echo(f"{'configuration error' if isinstance(error, MissingSetting) else 'unavailable'}:"
               f" {' '.join(str(error).split())}", err=True)  # fmt: skip
    sys.exit(2 if isinstance(error, MissingSetting) else 1)


def _service_errors(config: PipelineConfig) -> tuple[type[BaseException], ...]:
    """The exceptions that mean "a service is missing", imported only when selected."""
    errors: list[type[BaseException]] = []
    if config.state == "postgres" or config.target.kind == "postgres":
        from .state_postgres import MissingSetting, StateLost

        errors += [MissingSetting, StateLost]
    if config.transport == "rabbitmq":
        from .state_postgres import MissingSetting
        from .transport_rabbitmq import BrokerUnavailable

        errors += [MissingSetting, BrokerUnavailable]
    return tuple(errors)


def _pipeline(config: PipelineConfig):  # type: ignore[no-untyped-def]
    from .expressions import ExpressionError
    from .pipeline import Pipeline

    try:
        return Pipeline(config, base_dir=Path.cwd())
    except ExpressionError as error:
        click.echo(f"configuration error: {error}", err=True)
        sys.exit(2)
    except _service_errors(config) as error:
        _unavailable(error)


def _metrics_server(pipeline: Any, config: PipelineConfig) -> Any:
    """/metrics on monitoring.metrics_port, unless PIPELINE_METRICS=0 (tests, benchmarks)."""
    if os.environ.get("PIPELINE_METRICS", "1") != "1":
        return None
    return pipeline.metrics.serve(config.monitoring.metrics_port)


config_option = click.option("--config", "config_path", default=DEFAULT_CONFIG, show_default=True)


@click.group()
def main() -> None:
    """Run the integration pipeline and operate its dead-letter queue."""


def _publish(config: PipelineConfig, input_path: str | None) -> None:
    from .connectors import read_source
    from .errors import PipelineError
    from .logs import make_logger
    from .transport_rabbitmq import publish_records

    log = make_logger(config.logging.redact, None, config.logging.level)
    started = time.perf_counter()
    pipeline = None
    if config.source.kind == "http" and input_path is None:
        # the HTTP source's pages, through its own retries and breaker, as `run` reads them
        pipeline = _pipeline(config)
        records: Iterator[dict[str, Any]] = pipeline.records(None)
        where = f"http:{config.source.url}"
    else:
        path = Path(input_path) if input_path is not None else Path.cwd() / config.source.path
        records, where = read_source(config.source, path), f"{config.source.kind}:{path}"
    try:
        count = publish_records(config, records, where, log=log)
    except _service_errors(config) as error:
        _unavailable(error)
    except PipelineError as error:  # the source failed (after its retries): one line, exit 1
        click.echo(f"publish failed: {error.error_class}: {error.message}", err=True)
        sys.exit(1)
    finally:
        if pipeline is not None:
            pipeline.close()
    seconds = time.perf_counter() - started
    log.info("published", step="trigger", status="done", published=count, seconds=seconds)
    click.echo(json.dumps({"published": count}))


@main.command()
@config_option
@click.option("--input", "input_path", default=None, help="Input file (default: source.path).")
def run(config_path: str, input_path: str | None) -> None:
    """Process the input file once (transport: rabbitmq: publish it for the workers)."""
    config = _config(config_path)
    if config.transport == "rabbitmq":
        _publish(config, input_path)
        return
    pipeline = _pipeline(config)
    server = _metrics_server(pipeline, config)
    from .errors import PipelineError

    try:
        summary = pipeline.run(input_path)
    except PipelineError as error:  # the source failed (after its retries): one line, exit 1
        click.echo(f"run failed: {error.error_class}: {error.message}", err=True)
        sys.exit(1)
    finally:
        pipeline.close()
        if server is not None:
            server.shutdown()
    click.echo(json.dumps(summary.__dict__))
    from .reports import run_failure

    failure = run_failure(summary.read, summary.loaded, summary.dead_lettered, config.run)
    if failure is not None:  # finished, but the target saw too little of the work
        click.echo(f"run failed: {failure}", err=True)
        sys.exit(1)


@main.command()
@config_option
@click.option("--port", type=int, default=None, help="Listen here instead of trigger.port.")
def serve(config_path: str, port: int | None) -> None:
    """Run the trigger until stopped (SIGTERM or Ctrl-C): file, schedule or webhook.

    /health and /metrics are served on trigger.host:trigger.port for every kind.
    """
    import signal
    import threading

    from .triggers import Service, TriggerError

    config = _config(config_path)
    pipeline = _pipeline(config)
    try:
        service = Service(config, pipeline, port=port)
    except TriggerError as error:
        pipeline.close()
        click.echo(f"cannot serve: {config_path}: {error}", err=True)
        sys.exit(2)
    done = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: done.set())
    service.start()  # its "serving" JSON line says where; stderr carries JSON lines only
    try:
        done.wait()
    finally:
        service.stop()
        pipeline.close()


@main.command()
@config_option
@click.option("--input", "input_path", default=None, help="Input file (default: source.path).")
def publish(config_path: str, input_path: str | None) -> None:
    """Publish the input file's records to the work queue (transport: rabbitmq)."""
    config = _config(config_path)
    if config.transport != "rabbitmq":
        click.echo("publish needs transport: rabbitmq in the configuration", err=True)
        sys.exit(2)
    _publish(config, input_path)


@main.command()
@config_option
@click.option(
    "--exit-when-idle",
    type=float,
    default=None,
    help="Stop after this many seconds without work and with empty queues (batch jobs).",
)
@click.option(
    "--heartbeat-file",
    default=DEFAULT_HEARTBEAT,
    show_default=True,
    help="Touched every second; `health --live` reads it.",
)
def worker(config_path: str, exit_when_idle: float | None, heartbeat_file: str) -> None:
    """Consume the work queue until SIGTERM (transport: rabbitmq). Start one per core."""
    config = _config(config_path)
    if config.transport != "rabbitmq":
        click.echo("worker needs transport: rabbitmq in the configuration", err=True)
        sys.exit(2)
    pipeline = _pipeline(config)
    from .transport_rabbitmq import Worker

    server = _metrics_server(pipeline, config)
    gave_up: BaseException | None = None
    try:
        consumer = Worker(
            pipeline, heartbeat_file=Path(heartbeat_file), exit_when_idle=exit_when_idle
        )
        consumer.install_signal_handlers()
        summary = consumer.run()
    except _service_errors(config) as error:
        gave_up = error
    finally:
        try:
            pipeline.close()
        except Exception as error:  # the database may be gone; the broker redelivers
            if gave_up is None:  # after a give-up its one line says it all
                click.echo(f"close: {type(error).__name__}", err=True)
        if server is not None:
            server.shutdown()
    if gave_up is not None:
        _unavailable(gave_up)
    click.echo(json.dumps(summary.__dict__))


@main.command()
@config_option
def migrate(config_path: str) -> None:
    """Create the PostgreSQL schema and tables (state: postgres, target.kind: postgres)."""
    config = _config(config_path)
    if config.state != "postgres" and config.target.kind != "postgres":
        click.echo("nothing to migrate: neither state nor target is postgres")
        return
    from .errors import PipelineError
    from .state_postgres import MissingSetting, StateLost
    from .state_postgres import migrate as run_migrations

    try:
        done = run_migrations(config)
    except (MissingSetting, StateLost) as error:
        _unavailable(error)
    except PipelineError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    for table in done:
        click.echo(f"ready: {table}")


@main.group()
def dlq() -> None:
    """Inspect and replay dead letters."""


def _queue(config_path: str) -> tuple[PipelineConfig, Any]:
    """The DLQ the configuration selects: the broker's, PostgreSQL's, or the SQLite file."""
    config = _config(config_path)
    try:
        archive: Any = None
        if config.state == "postgres":
            from .dlq_postgres import PostgresDeadLetterQueue
            from .state_postgres import PostgresState

            archive = PostgresDeadLetterQueue(PostgresState(config.postgres))
        if config.transport == "rabbitmq":
            from .transport_rabbitmq import BrokerDLQ

            return config, BrokerDLQ(config, archive)
    except _service_errors(config) as error:
        _unavailable(error)
    if archive is not None:
        return config, archive
    return config, DeadLetterQueue(Path.cwd() / config.dead_letter_queue.path)


def _entry_id(config: PipelineConfig, value: str) -> Any:
    if config.transport == "rabbitmq":
        return value  # the message id
    try:
        return int(value)
    except ValueError:
        click.echo(f"not a dead letter id: {value!r}", err=True)
        sys.exit(2)


@dlq.command("list")
@config_option
@click.option(
    "--status", default="queued", type=click.Choice(["queued", "replayed", "discarded", "all"])
)
@click.option(
    "--format", "output", default="text", show_default=True, type=click.Choice(["text", "json"]),
    help="text: a header and aligned columns; json: an array for scripts ([] when empty).",
)  # fmt: skip
def dlq_list(config_path: str, status: str, output: str) -> None:
    """One row per entry (its payload: `dlq show ID`)."""
    config, queue = _queue(config_path)
    try:
        if config.transport == "rabbitmq":
            if status != "queued" and queue.archive is None:
                click.echo("the broker DLQ holds queued entries only; state: postgres keeps"
                           " the archive", err=True)  # fmt: skip
                sys.exit(2)
            entries = (
                queue.list()
                if status == "queued"
                else queue.archive.list(None if status == "all" else status, limit=10_000)
            )
        else:
            entries = queue.list(None if status == "all" else status, limit=10_000)
    except _service_errors(config) as error:
        _unavailable(error)
    from .reports import dlq_json, dlq_rows, dlq_table

    redact = [*config.logging.redact, *(f.name for f in config.entity.fields if f.sensitive)]
    rows = dlq_rows(entries, redact)
    click.echo(dlq_json(rows) if output == "json" else dlq_table(rows, status))


@dlq.command("show")
@config_option
@click.argument("entry_id")
def dlq_show(config_path: str, entry_id: str) -> None:
    """The full envelope as JSON."""
    config, queue = _queue(config_path)
    try:
        entry = queue.show(_entry_id(config, entry_id))
    except _service_errors(config) as error:
        _unavailable(error)
    if entry is None:
        click.echo(f"no dead letter {entry_id}", err=True)
        sys.exit(1)
    click.echo(json.dumps(entry.as_dict(), indent=2, default=str))


@dlq.command("replay")
@config_option
@click.option("--all", "replay_all", is_flag=True, help="Replay every queued entry.")
@click.argument("entry_id", required=False)
def dlq_replay(config_path: str, replay_all: bool, entry_id: str | None) -> None:
    """Re-process entries; those that fail again return to the queue."""
    if not replay_all and entry_id is None:
        click.echo("give an ID or --all", err=True)
        sys.exit(2)
    config = _config(config_path)
    if config.transport == "rabbitmq":
        _, queue = _queue(config_path)
        try:
            count = queue.replay(None if replay_all else [entry_id])
        except _service_errors(config) as error:
            _unavailable(error)
        click.echo(json.dumps({"replayed": count}))  # the workers process them
        return
    ids = None if replay_all else [_entry_id(config, str(entry_id))]
    pipeline = _pipeline(config)
    try:
        summary = pipeline.replay(ids)
    finally:
        pipeline.close()
    click.echo(json.dumps(summary.__dict__))


@dlq.command("discard")
@config_option
@click.argument("entry_id")
def dlq_discard(config_path: str, entry_id: str) -> None:
    """Mark an entry discarded (kept until purge, for the audit trail)."""
    config, queue = _queue(config_path)
    try:
        found = queue.discard(_entry_id(config, entry_id))
    except _service_errors(config) as error:
        _unavailable(error)
    if not found:
        click.echo(f"no queued dead letter {entry_id}", err=True)
        sys.exit(1)
    click.echo(f"discarded {entry_id}")


@dlq.command("purge")
@config_option
def dlq_purge(config_path: str) -> None:
    """Delete entries older than dead_letter_queue.retention_days."""
    config, queue = _queue(config_path)
    try:
        removed = queue.purge(config.dead_letter_queue.retention_days)
        if config.transport == "rabbitmq" and queue.archive is not None:
            removed += queue.archive.purge(config.dead_letter_queue.retention_days)
    except _service_errors(config) as error:
        _unavailable(error)
    click.echo(f"purged {removed}")


def _liveness(heartbeat_file: str, max_age: float) -> list[str]:
    path = Path(heartbeat_file)
    try:
        beat = float(path.read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return [f"no worker heartbeat in {path}"]
    age = time.time() - beat
    return [] if age <= max_age else [f"worker heartbeat is {age:.0f}s old (max {max_age:.0f}s)"]


def _readiness(config: PipelineConfig) -> tuple[list[str], dict[str, Any]]:
    problems: list[str] = []
    facts: dict[str, Any] = {"transport": config.transport, "state": config.state}
    base = Path.cwd()
    folders = (
        [config.dead_letter_queue.path, config.idempotency.path] if config.state == "sqlite" else []
    )
    for name in folders:
        folder = (base / name).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not os.access(folder, os.W_OK):
                problems.append(f"{folder} is not writable")
        except OSError as error:
            problems.append(f"{folder}: {error}")
    if config.state == "postgres" or config.target.kind == "postgres":
        try:
            from .state_postgres import PostgresState, schema_ready

            state = PostgresState(config.postgres)
            try:
                if not schema_ready(state):
                    problems.append("postgres: schema not migrated (run `migrate`)")
            finally:
                state.close()
        except Exception as error:
            problems.append(f"postgres: {error}")
    try:
        from .connectors import open_target

        target = open_target(config.target, config.entity, base, config.postgres)
        try:
            target.check()
        finally:
            target.close()
    except Exception as error:
        problems.append(f"target: {error}")
    if config.transport == "rabbitmq":
        try:
            from .transport_rabbitmq import read_depths

            facts["queue_depth"] = read_depths(config)
        except Exception as error:
            problems.append(f"rabbitmq: {error} (start a worker or `run` to declare the queues)")
        else:
            _deduplicate_dlq(config, facts, problems)
    return problems, facts


def _deduplicate_dlq(config: PipelineConfig, facts: dict[str, Any], problems: list[str]) -> None:
    """``queue_depth.dlq`` counts dead letters, not broker messages: a worker killed between
    a DLQ copy's confirm and its ack leaves a second copy of that message id. With
    ``state: postgres`` the archive (one row per message id) gives the count and
    ``dlq_messages`` keeps the broker's raw message count beside it."""
    if config.state != "postgres":
        return
    from .state_postgres import PostgresState, distinct_dead_letters

    depth = facts["queue_depth"]
    try:
        state = PostgresState(config.postgres)
        try:
            deduplicated = distinct_dead_letters(state)
        finally:
            state.close()
    except Exception as error:
        problems.append(f"postgres: {error}")
        return
    facts["dlq_messages"] = depth["dlq"]
    depth["dlq"] = deduplicated


@main.command()
@config_option
@click.option("--live", is_flag=True, help="Liveness: a worker's heartbeat is fresh.")
@click.option("--heartbeat-file", default=DEFAULT_HEARTBEAT, show_default=True)
@click.option("--max-age", type=float, default=30.0, show_default=True, help="Seconds.")
def health(config_path: str, live: bool, heartbeat_file: str, max_age: float) -> None:
    """Readiness (default): config loads, state and target reachable, broker queues declared,
    schema migrated; prints the queue depths. --live: the worker's heartbeat is recent.
    Exit 0 or 1."""
    config = _config(config_path)
    if live:
        problems = _liveness(heartbeat_file, max_age)
        facts: dict[str, Any] = {}
    else:
        problems, facts = _readiness(config)
    for problem in problems:
        click.echo(f"unhealthy: {problem}", err=True)
    if problems:
        sys.exit(1)
    if facts.get("queue_depth") is not None:
        click.echo(json.dumps(facts))
    click.echo("live" if live else "healthy")
