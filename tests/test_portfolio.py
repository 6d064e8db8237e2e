"""Scoring a portfolio: every report written design by design, the same text as ever.

``designkit score`` over many designs streams each report (issue 15): the tests here
hold that stream to golden files for one and five designs in every format, check that
an interrupted run leaves the previous ``-o`` file as it was, and that what a writer
keeps does not grow with the number of designs.
"""

from __future__ import annotations

import gc
import io
import platform
import signal
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO, cast

import pytest

from designkit.parse import parse_file
from designkit.report import FORMATS, ReportContext, open_writer, render_report
from designkit.rubric import load_rubric, score_design
from designkit.rubric.scorecard import Scorecard
from designkit.scoring import score_files
from tests.conftest import GOLDEN, ROOT, Golden, sample_paths

SUFFIXES = {
    "text": "txt",
    "json": "json",
    "markdown": "md",
    "summary": "md",
    "sarif": "sarif",
    "junit": "xml",
    "github": "txt",
    "html": "html",
}
"""Format -> the suffix of its golden file, ``NAME.SUFFIX``."""
SAMPLES = [path.relative_to(ROOT).as_posix() for path in sample_paths()]
DEADLINE_S = 60.0


def _portable(report: str) -> str:
    """The report as on any checkout: SARIF names the repository folder as a ``file:`` URI."""
    return report.replace(f'"{ROOT.as_uri()}/"', '"file:///REPOSITORY/"')


@pytest.fixture
def at_root_without_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths as a CI job in the repository names them; HTML diagrams as Mermaid text, the
    same on every machine (an SVG from Graphviz differs between its versions)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("PATH", "")


@pytest.mark.usefixtures("at_root_without_graphviz")
@pytest.mark.parametrize("count", [1, 5])
def test_streamed_reports_match_golden(count: int, golden: Golden) -> None:
    files = SAMPLES[:count]
    streams = {name: io.StringIO() for name in FORMATS}
    run = score_files(files, base_dir=ROOT, sinks=list(streams.items()))
    assert run.errors == []
    assert run.cards == []  # streamed: the run kept no scorecard
    for name, stream in streams.items():
        path = GOLDEN / "portfolio" / f"{count}-designs" / f"{name}.{SUFFIXES[name]}"
        golden.check(path, _portable(stream.getvalue()))


@pytest.mark.usefixtures("at_root_without_graphviz")
def test_streamed_reports_equal_rendering_the_kept_cards() -> None:
    """The writers fed design by design write what ``render`` of all the cards at once does."""
    streams = {name: io.StringIO() for name in FORMATS}
    score_files(SAMPLES, base_dir=ROOT, sinks=list(streams.items()))
    kept = score_files(SAMPLES, base_dir=ROOT, output_format="json")
    from designkit import __version__
    from designkit.diagram.drawing import embeddable

    context = ReportContext(
        rubric=load_rubric(),
        base_dir=ROOT,
        tool_version=__version__,
        diagrams={file: embeddable(parse_file(file)) for file in SAMPLES},
        comparisons=kept.comparisons,  # a design with a roadmap is compared with itself
    )
    for name, stream in streams.items():
        assert render_report(kept.cards, name, context) == stream.getvalue(), name


# ------------------------------------------------------------------ an interrupted run


_READ = {"x86_64": "0", "aarch64": "63"}.get(platform.machine())
"""The number of the ``read`` system call, as ``/proc/PID/syscall`` shows it."""


def _reading_stdin(pid: int) -> bool:
    """The process waits in ``read`` on its standard input (Linux ``/proc``): the design it
    is scoring is the one that comes down the pipe. Where the system call cannot be seen,
    a process asleep in one (the only other is waiting for Graphviz) will do."""
    try:
        call = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        call = []
    if _READ is not None and len(call) > 1:
        return call[0] == _READ and call[1] == "0x0"
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat_line.rsplit(")", 1)[1].split()[0] == "S"


def _wait_for(condition: object, what: str, process: subprocess.Popen[bytes]) -> None:
    """Poll ``condition`` until it holds, the process ends, or the deadline passes."""
    assert callable(condition)
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"designkit ended ({process.returncode}) before {what}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"no {what} within {DEADLINE_S:.0f} s")
        time.sleep(0.01)  # a poll interval, not a wait for the condition


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states in /proc")
def test_an_interrupted_run_keeps_the_previous_reports(tmp_path: Path) -> None:
    """SIGINT half-way (one design scored, the next one read from a pipe that stays open):
    every previous report file is byte for byte what it was, and no temporary file is left."""
    reports = tmp_path / "reports"
    reports.mkdir()
    targets = {name: reports / f"old-{name}.{SUFFIXES[name]}" for name in FORMATS}
    for name, target in targets.items():
        target.write_bytes(f"the previous {name} report\n".encode())
    before = {target: target.read_bytes() for target in targets.values()}
    extra = [f"--report={name}={targets[name]}" for name in FORMATS if name != "text"]
    command = [sys.executable, "-m", "designkit", "score", str(ROOT / SAMPLES[0]), "-"]
    command += ["--format", "text", "-o", str(targets["text"]), *extra]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:

        def temporaries() -> list[Path]:
            return sorted(reports.glob(".*.tmp"))

        _wait_for(lambda: len(temporaries()) == len(FORMATS), "temporary report files", process)
        _wait_for(lambda: _reading_stdin(process.pid), "read of standard input", process)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=DEADLINE_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stdin is not None
        process.stdin.close()
    assert process.returncode != 0
    assert b"Traceback" not in stderr, stderr.decode()
    assert {target: target.read_bytes() for target in targets.values()} == before
    assert sorted(path.name for path in reports.iterdir()) == sorted(
        target.name for target in targets.values()
    )


# ------------------------------------------------------------------ memory by design count


class _Discard(io.TextIOBase):
    """A stream that keeps nothing: the report's size is not the writer's memory."""

    def write(self, text: str) -> int:
        return len(text)


@pytest.fixture(scope="module")
def sample_cards() -> list[Scorecard]:
    rubric = load_rubric()
    return [score_design(parse_file(ROOT / file, display=file), rubric) for file in SAMPLES]


def _portfolio(cards: list[Scorecard], count: int) -> Iterator[Scorecard]:
    """``count`` scorecards, each of a file of its own (one made at a time, as scored)."""
    for index in range(count):
        card = cards[index % len(cards)]
        yield card.model_copy(update={"file": f"designs/team-{index:04d}-{Path(card.file).name}"})


def _writer_peak(name: str, cards: list[Scorecard], count: int) -> int:
    """Peak traced bytes while ``count`` designs go through a ``name`` writer, above what
    was traced when it started.

    The collector runs after each design, on the young objects only (ElementTree's
    ``indent`` leaves a cycle per call), not when the process's history says. The least
    of two runs leaves out a one-off peak that is the process's, not the writer's:
    pathlib interns each part of a path it parses, and that table is resized now and
    then (a 1.9 MB peak, seen in one 200-design run of several).
    """
    return min(_one_writer_peak(name, cards, count) for _ in range(2))


def _one_writer_peak(name: str, cards: list[Scorecard], count: int) -> int:
    context = ReportContext(rubric=load_rubric(), base_dir=ROOT)
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        writer = open_writer(name, cast(TextIO, _Discard()), context)
        for card in _portfolio(cards, count):
            writer.add(card, context)
            gc.collect(0)
        writer.end()
        return tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()
        gc.enable()


@pytest.mark.parametrize("name", list(FORMATS))
def test_writer_memory_does_not_grow_with_the_designs(
    name: str, sample_cards: list[Scorecard]
) -> None:
    """What a writer holds at its peak (one design's part, the rubric's rules, a piece of
    a temporary file being copied) is the same for 50 designs as for 200. Before the
    rows went to temporary files too and those were copied in small pieces, five
    formats failed here (text 55 vs 129 KB, SARIF 3.7 vs 7.4 MB, HTML 4.4 vs 9.7 MB)."""
    _one_writer_peak(name, sample_cards, len(sample_cards))  # imports and caches, once
    small = _writer_peak(name, sample_cards, 50)
    large = _writer_peak(name, sample_cards, 200)
    assert large <= small * 1.10, f"{name}: peak {small:,} B at 50 designs, {large:,} B at 200"
