"""Crash safety of the generated pipeline: SIGKILL mid-run, restart, nothing lost or doubled.

A sample is scaffolded into tmp, fed 5,000 records (every 25th a poison record that the
validation sends to the DLQ), killed with SIGKILL once the target has committed rows,
killed again a little later, then run to completion on the same input. Every input
record must end up exactly once: in the target or in the DLQ, never both, never twice.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from designkit.cli import main
from tests.event_records import KEY_SOURCE, write_events

DESIGN = Path(__file__).parent.parent / "samples" / "event-driven-shopify-netsuite.md"
RECORDS = 5000
POISON_EVERY = 25
RUN_TIMEOUT = 120.0
KILL_TIMEOUT = 60.0

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _scaffold(out: Path) -> None:
    result = CliRunner().invoke(main, ["scaffold", str(DESIGN), "-o", str(out)])
    assert result.exit_code == 0, result.output


def _write_input(project: Path, path: Path) -> tuple[set[str], set[str]]:
    return write_events(project, path, RECORDS, POISON_EVERY)


def _target_rows(project: Path) -> int:
    db_path = project / "var" / "target.sqlite"
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute("SELECT COUNT(*) FROM order_event").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # the table is not created yet, or the file is mid-creation


def _start(project: Path, input_path: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "PIPELINE_METRICS": "0"}
    with log.open("ab") as stream:
        return subprocess.Popen(
            [sys.executable, "-m", "integration_pipeline", "run", "--input", str(input_path)],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stream,
        )


def _kill_after(project: Path, process: subprocess.Popen[bytes], rows_above: int) -> int:
    """SIGKILL the run as soon as the target holds more than ``rows_above`` rows."""
    deadline = time.monotonic() + KILL_TIMEOUT
    while time.monotonic() < deadline:
        rows = _target_rows(project)
        if rows > rows_above:
            break
        if process.poll() is not None:
            pytest.fail(f"the run ended (exit {process.returncode}) before it could be killed")
        time.sleep(0.005)
    else:
        process.kill()
        process.wait()
        pytest.fail(f"no progress past {rows_above} rows within {KILL_TIMEOUT}s")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL, "the run finished before the kill landed"
    return rows


def test_sigkill_mid_run_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    project = tmp_path / "project"
    _scaffold(project)
    input_path = tmp_path / "input.jsonl"
    good, poison = _write_input(project, input_path)
    log = tmp_path / "pipeline.log"

    first = _kill_after(project, _start(project, input_path, log), 0)
    assert 0 < first < len(good)
    second = _kill_after(project, _start(project, input_path, log), first)
    assert second < len(good)

    final = _start(project, input_path, log)
    try:
        assert final.wait(timeout=RUN_TIMEOUT) == 0, log.read_text(encoding="utf-8")[-2000:]
    finally:
        if final.poll() is None:
            final.kill()
            final.wait()

    with sqlite3.connect(project / "var" / "target.sqlite") as db:
        loaded = Counter(row[0] for row in db.execute("SELECT event_id FROM order_event"))
    with sqlite3.connect(project / "var" / "dlq.sqlite") as db:
        dead = Counter(
            json.loads(row[0])[KEY_SOURCE]
            for row in db.execute("SELECT payload FROM dead_letters WHERE status='queued'")
        )
    assert [k for k, n in loaded.items() if n > 1] == [], "duplicated in the target"
    assert [k for k, n in dead.items() if n > 1] == [], "duplicated in the DLQ"
    assert set(loaded) & set(dead) == set(), "in both the target and the DLQ"
    assert set(loaded) == good, f"lost {len(good - set(loaded))} good records"
    assert set(dead) == poison, f"lost {len(poison - set(dead))} poison records"
