"""``serve``: run the design's trigger until stopped.

* ``file``: process ``source.path`` at start, then again whenever the file changes
  (looked at every ``trigger.poll_seconds``); the idempotency store skips what was
  already delivered;
* ``schedule``: run the source at each slot of ``trigger.schedule`` (schedule.py);
* ``webhook``: accept records over HTTP (webhook.py); with a ``schedule`` as well, the
  source also runs on it (the designs' "15-minute delta catches anything missed").

One worker thread owns the pipeline, so scheduled runs and webhook records never run
at the same time on its stores; a slot that comes while a run is going is skipped, not
queued behind it. /health and /metrics are on ``trigger.host:trigger.port`` for every kind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prometheus_client import Counter, Gauge

from .config import PipelineConfig
from .errors import PipelineError
from .http_auth import secret
from .http_server import ControlServer
from .pipeline import Pipeline, RunSummary
from .schedule import Schedule, Scheduler, parse_schedule
from .webhook import ControlApp, Inbox, header_fields

INBOX = "var/inbox.sqlite"
BATCH = 100


class TriggerError(Exception):
    """``serve`` cannot start (a missing secret, a port in use); the message says which."""


class Service:
    """The trigger, the worker and the control server; clocks injectable for tests."""

    def __init__(
        self,
        config: PipelineConfig,
        pipeline: Pipeline,
        *,
        clock: Callable[[], float] = time.time,
        wait: Callable[[float], bool] | None = None,
        port: int | None = None,
    ) -> None:
        self.config = config
        self.pipeline = pipeline
        self.trigger = config.trigger
        self.log = pipeline.log
        self.stopped = threading.Event()
        self._wake = threading.Event()
        self._run_due = threading.Event()
        self._running = threading.Lock()
        self.runs: list[RunSummary] = []
        self.last_error: str | None = None
        self.inbox: Inbox | None = None
        self.scheduler: Scheduler | None = None
        self._threads: list[threading.Thread] = []
        schedule: Schedule | None = None
        if self.trigger.kind in ("schedule", "webhook") and self.trigger.schedule:
            schedule = parse_schedule(self.trigger.schedule, self.trigger.timezone)
        elif self.trigger.kind == "file":
            schedule = Schedule("poll", interval_seconds=self.trigger.poll_seconds)
        if schedule is not None:
            self.scheduler = Scheduler(
                schedule, self._slot, clock=clock, wait=wait, on_skip=self._skipped
            )
        self._file_seen: tuple[int, int] | None = None  # (mtime ns, size) of the last run
        self._file_pending: tuple[int, int] | None = None  # a change not yet stable
        self._started = False
        self.requests = Counter(
            "pipeline_webhook_requests",
            "Webhook requests, by HTTP status answered",
            ["status"],
            registry=pipeline.metrics.registry,
        )
        secret_value: str | None = None
        webhook = self.trigger.webhook if self.trigger.kind == "webhook" else None
        if webhook is not None:
            if webhook.signature_header:
                try:
                    secret_value = secret(webhook.secret_env)
                except PipelineError as error:
                    raise TriggerError(
                        f"trigger.webhook.signature_header is set but {error.message}"
                    ) from None
            self.inbox = Inbox(pipeline.base / INBOX)
            pipeline.backlog.add(self.inbox.depth())  # accepted before a restart
        self.app = ControlApp(
            registry=pipeline.metrics.registry,
            health=self.health,
            settings=config.server,
            webhook=webhook,
            inbox=self.inbox,
            secret=secret_value,
            backlog=pipeline.backlog.value,
            on_accept=self._accepted,
            on_answer=self._answered,
            header_fields=header_fields(m.source for m in config.mappings),
        )
        Gauge(
            "pipeline_webhook_requests_in_flight",
            "Webhook requests being read or stored (server.max_concurrent_requests caps it)",
            registry=pipeline.metrics.registry,
        ).set_function(lambda: self.app.in_flight)
        port = self.trigger.port if port is None else port
        try:
            self.server = ControlServer(
                self.trigger.host, port, self.app, settings=config.server, log=self.log,
                level=config.logging.level,
            )  # fmt: skip
        except OSError as error:
            self.app.close()
            raise TriggerError(
                f"cannot listen on {self.trigger.host}:{port}: {error.strerror}"
            ) from None

    def _answered(self, method: str, status: int) -> None:
        """Count the webhook's answers by status (for /metrics); the connection cap's 503,
        given by uvicorn before the application runs, is in its access log line only."""
        if method == "POST":
            self.requests.labels(status=str(status)).inc()

    # ------------------------------------------------------------------ trigger side

    def _accepted(self, ids: list[str]) -> None:
        self.pipeline.backlog.add(len(ids))
        for cid in ids:
            self.log.info("accepted", correlationId=cid, step="trigger", status="accepted")
        self._wake.set()

    def _slot(self) -> None:
        """A schedule slot (or a file poll): ask the worker for a run unless one is going."""
        if self.trigger.kind == "file" and not self._file_changed(settled=self._started):
            return
        if self._running.locked() or self._run_due.is_set():
            self.log.warning("run skipped: the previous one is still going", step="trigger")
            return
        self._run_due.set()
        self._wake.set()

    def _skipped(self, slots: int) -> None:
        self.log.warning("schedule slots skipped", step="trigger", skipped=slots)

    def _file_changed(self, *, settled: bool = True) -> bool:
        """True when the file differs from the last run's and, with ``settled``, has not
        changed since the previous poll: a file still being written waits one more poll,
        so a run never reads half of it."""
        path = self.pipeline.base / self.config.source.path
        try:
            stat = Path(path).stat()
        except OSError:
            return False
        seen = (stat.st_mtime_ns, stat.st_size)
        if seen == self._file_seen:
            self._file_pending = None
            return False
        if settled and seen != self._file_pending:
            self._file_pending = seen  # changed since the last poll: look again next time
            return False
        self._file_seen, self._file_pending = seen, None
        return True

    # ------------------------------------------------------------------ worker side

    def _work(self) -> None:
        while not self.stopped.is_set():
            busy = False
            if self._run_due.is_set():
                self._run_due.clear()
                self._run_once()
                busy = True
            if self.inbox is not None:
                busy = self._drain() or busy
            if not busy:
                self._wake.wait(1.0)
                self._wake.clear()

    def _run_once(self) -> None:
        with self._running:
            try:
                self.runs.append(self.pipeline.run())
                self.last_error = None
            except PipelineError as error:  # a source that failed: the next slot tries again
                self.last_error = f"{error.error_class}: {error.message}"
                self.log.error("run failed", step="extract", status="failed", error=self.last_error)

    def _drain(self) -> bool:
        assert self.inbox is not None
        rows = self.inbox.take(BATCH)
        if not rows:
            return False
        summary = RunSummary()
        with self._running:
            for _entry_id, cid, payload in rows:
                self.pipeline.process(payload, summary, correlation_id=cid)
            # target rows and idempotency marks land before the inbox forgets the records
            self.pipeline.commit()
            for entry_id, _cid, _payload in rows:
                self.inbox.done(entry_id)
                self.pipeline.backlog.add(-1)
        self.runs.append(summary)
        return True

    # ------------------------------------------------------------------ lifecycle

    def health(self) -> tuple[bool, dict[str, Any]]:
        worker_alive = all(t.is_alive() for t in self._threads) if self._threads else False
        breakers = {"target": self.pipeline.breaker.state}
        if self.pipeline.source_breaker is not None:
            breakers["source"] = self.pipeline.source_breaker.state
        details: dict[str, Any] = {
            "trigger": self.trigger.kind,
            "backlog": int(self.pipeline.backlog.value()),
            "breakers": breakers,
            "runs": len(self.runs),
        }
        if self.last_error:
            details["last_error"] = self.last_error
        return worker_alive and not self.stopped.is_set(), details

    def start(self) -> None:
        worker = threading.Thread(target=self._work, name="pipeline-worker", daemon=True)
        self._threads.append(worker)
        worker.start()
        self.server.start()
        if self.trigger.kind == "file":
            self._slot()  # day one: the file as it is now
        self._started = True
        if self.scheduler is not None:
            ticker = threading.Thread(target=self.scheduler.run, name="schedule", daemon=True)
            self._threads.append(ticker)
            ticker.start()
        self.log.info(
            "serving",
            step="trigger",
            status="started",
            trigger=self.trigger.kind,
            schedule=self.trigger.schedule,
            listen=f"{self.trigger.host}:{self.server.port}",
        )

    def idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is due, running or waiting in the inbox (for tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = self.inbox.depth() if self.inbox is not None else 0
            if not waiting and not self._run_due.is_set() and not self._running.locked():
                return True
            time.sleep(0.02)
        return False

    def stop(self) -> None:
        self.stopped.set()
        if self.scheduler is not None:
            self.scheduler.stop.set()
        self._wake.set()
        self.server.stop()  # requests in progress get their answers first
        self.app.close()
        for thread in self._threads:  # the worker finishes its batch; a waiting ticker just ends
            thread.join(timeout=30 if thread.name == "pipeline-worker" else 1)
        if self.inbox is not None:
            self.inbox.close()
