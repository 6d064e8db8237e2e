"""Command line: ``run``, ``serve``, ``dlq list|show|replay|discard|purge`` and ``health``.

Paths are relative to the current folder (the project root), so ``run`` with no
arguments processes data/sample.jsonl with config/pipeline.yaml. A configuration error
prints one line and exits 2.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .config import ConfigError, PipelineConfig, load_config
from .dlq import DeadLetterQueue

DEFAULT_CONFIG = "config/pipeline.yaml"


def _config(path: str) -> PipelineConfig:
    try:
        return load_config(path)
    except ConfigError as error:
        click.echo(f"configuration error: {error}", err=True)
        sys.exit(2)


def _pipeline(config: PipelineConfig):  # type: ignore[no-untyped-def]
    from .expressions import ExpressionError
    from .pipeline import Pipeline

    try:
        return Pipeline(config, base_dir=Path.cwd())
    except ExpressionError as error:
        click.echo(f"configuration error: {error}", err=True)
        sys.exit(2)


config_option = click.option("--config", "config_path", default=DEFAULT_CONFIG, show_default=True)


@click.group()
def main() -> None:
    """Run the integration pipeline and operate its dead-letter queue."""


@main.command()
@config_option
@click.option("--input", "input_path", default=None, help="Input file (default: source.path).")
def run(config_path: str, input_path: str | None) -> None:
    """Process the input file once."""
    config = _config(config_path)
    pipeline = _pipeline(config)
    server = (
        pipeline.metrics.serve(config.monitoring.metrics_port)
        if os.environ.get("PIPELINE_METRICS", "1") == "1"
        else None
    )
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
    service.start()
    click.echo(
        f"serving {config.trigger.kind} on http://{config.trigger.host}:{service.server.port}",
        err=True,
    )
    try:
        done.wait()
    finally:
        service.stop()
        pipeline.close()


@main.group()
def dlq() -> None:
    """Inspect and replay dead letters."""


def _queue(config_path: str) -> tuple[PipelineConfig, DeadLetterQueue]:
    config = _config(config_path)
    return config, DeadLetterQueue(Path.cwd() / config.dead_letter_queue.path)


@dlq.command("list")
@config_option
@click.option(
    "--status", default="queued", type=click.Choice(["queued", "replayed", "discarded", "all"])
)
def dlq_list(config_path: str, status: str) -> None:
    """One line per entry."""
    _, queue = _queue(config_path)
    for entry in queue.list(None if status == "all" else status, limit=10_000):
        click.echo(
            f"{entry.id}\t{entry.status}\t{entry.stage}\t{entry.error_class}\t"
            f"{entry.attempts}\t{entry.correlation_id}\t{entry.error_message}"
        )


@dlq.command("show")
@config_option
@click.argument("entry_id", type=int)
def dlq_show(config_path: str, entry_id: int) -> None:
    """The full envelope as JSON."""
    _, queue = _queue(config_path)
    entry = queue.show(entry_id)
    if entry is None:
        click.echo(f"no dead letter {entry_id}", err=True)
        sys.exit(1)
    click.echo(json.dumps(entry.as_dict(), indent=2, default=str))


@dlq.command("replay")
@config_option
@click.option("--all", "replay_all", is_flag=True, help="Replay every queued entry.")
@click.argument("entry_id", type=int, required=False)
def dlq_replay(config_path: str, replay_all: bool, entry_id: int | None) -> None:
    """Re-process entries; those that fail again return to the queue."""
    if not replay_all and entry_id is None:
        click.echo("give an ID or --all", err=True)
        sys.exit(2)
    pipeline = _pipeline(_config(config_path))
    try:
        summary = pipeline.replay(None if replay_all else [entry_id])  # type: ignore[list-item]
    finally:
        pipeline.close()
    click.echo(json.dumps(summary.__dict__))


@dlq.command("discard")
@config_option
@click.argument("entry_id", type=int)
def dlq_discard(config_path: str, entry_id: int) -> None:
    """Mark an entry discarded (kept until purge, for the audit trail)."""
    _, queue = _queue(config_path)
    if not queue.discard(entry_id):
        click.echo(f"no queued dead letter {entry_id}", err=True)
        sys.exit(1)
    click.echo(f"discarded {entry_id}")


@dlq.command("purge")
@config_option
def dlq_purge(config_path: str) -> None:
    """Delete entries older than dead_letter_queue.retention_days."""
    config, queue = _queue(config_path)
    removed = queue.purge(config.dead_letter_queue.retention_days)
    click.echo(f"purged {removed}")


@main.command()
@config_option
def health(config_path: str) -> None:
    """Config loads, state and DLQ files writable, target reachable. Exit 0 or 1."""
    config = _config(config_path)
    problems: list[str] = []
    base = Path.cwd()
    for name in (config.dead_letter_queue.path, config.idempotency.path):
        folder = (base / name).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if not os.access(folder, os.W_OK):
                problems.append(f"{folder} is not writable")
        except OSError as error:
            problems.append(f"{folder}: {error}")
    try:
        from .connectors import open_target

        target = open_target(config.target, config.entity, base)
        try:
            target.check()
        finally:
            target.close()
    except Exception as error:
        problems.append(f"target: {error}")
    for problem in problems:
        click.echo(f"unhealthy: {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo("healthy")
