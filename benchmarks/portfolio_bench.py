"""Scoring a portfolio of designs in one call: CPU against parsing them, peak memory by size.

Why this exists
---------------
A CI job scores every design of a repository in one ``designkit score`` call.
Issue 15 asks that this cost at most 1.5x the CPU of parsing the same files
(scoring needs the parse, so parsing is the honest floor) and that its peak
memory stay flat as the portfolio grows: 100 and 1,000 designs within 10%, for
every report format, ``-o FILE`` and the extra ``--report`` outputs alike.

How it measures
---------------
The portfolio is N copies of ``samples/*.md`` under varied names, in a
temporary folder. The measured side is ``designkit score DIR/*.md --format F -o
FILE`` as a child process; the baseline is a child process that parses the same
N files with the library (``designkit parse`` takes one file, so N processes
would mostly measure start-up): ``python -c 'parse_file(f) for f in files'``.
Both are timed by the children's CPU (user + system from rusage), in
alternating pairs (``paired.py``), and the median ratio is printed with its
spread. Peak RSS is the child's own ``ru_maxrss`` (``os.wait4``), one run per
format and size. A ``--format html`` run leaves out Graphviz, a child of the child.

Run it with ``python benchmarks/portfolio_bench.py [--designs N] [--pairs P]
[--formats json,text,...] [--no-memory] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from paired import alternate, describe

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.md"))
FORMATS = ("json", "text", "markdown", "summary", "html", "sarif", "junit", "github")
TARGET_RATIO = 1.5
TARGET_RSS_GROWTH = 0.10
DESIGNKIT = [sys.executable, "-m", "designkit"]
PARSE_ALL = "import sys\nfrom designkit.parse import parse_file\nfor f in sys.argv[1:]:\n    parse_file(f)\n"


def portfolio(folder: Path, count: int) -> list[str]:
    """``count`` designs: the samples copied round-robin, each under a name of its own."""
    names = []
    for index in range(count):
        sample = SAMPLES[index % len(SAMPLES)]
        target = folder / f"team-{index:04d}-{sample.name}"
        shutil.copyfile(sample, target)
        names.append(str(target))
    return names


def score_command(files: Sequence[str], output_format: str, out: Path) -> list[str]:
    return [*DESIGNKIT, "score", *files, "--format", output_format, "-o", str(out)]


def run_child(command: Sequence[str]) -> tuple[float, float]:
    """Run ``command``; its own CPU seconds (user + system) and peak RSS in MiB (``wait4``).

    Not ``paired.child_cpu_seconds``: ``score`` exits 1 when a design's verdict is below
    the gate (the samples include such designs), and the RSS must be this child's own.
    """
    process = subprocess.Popen(list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[:4])} ... exited {process.returncode}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def peak_rss_mib(command: Sequence[str]) -> float:
    return run_child(command)[1]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--designs", type=int, default=500, metavar="N")
    parser.add_argument("--pairs", type=int, default=5, metavar="P")
    parser.add_argument("--formats", default="json", help="comma-separated, for the CPU pairs")
    parser.add_argument("--memory-formats", default=",".join(FORMATS))
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--json", action="store_true", help="print one JSON line at the end")
    args = parser.parse_args(argv)
    result: dict[str, object] = {"machine": machine(), "designs": args.designs}
    print(f"machine: {result['machine']}")
    with tempfile.TemporaryDirectory(prefix="portfolio-") as temporary:
        folder = Path(temporary)
        corpus = folder / "designs"
        corpus.mkdir()
        files = portfolio(corpus, args.designs)
        out = folder / "report.out"
        parse = [sys.executable, "-c", PARSE_ALL, *files]
        # warm the compiled-rubric cache, as any second run finds it
        run_child(score_command(files[:1], "text", out))
        cpu: dict[str, object] = {}
        for output_format in args.formats.split(","):
            pairs = alternate(
                lambda f=output_format: run_child(score_command(files, f, out))[0],
                lambda: run_child(parse)[0],
                args.pairs,
            )
            summary = pairs.summary()
            cpu[output_format] = summary
            verdict = "met" if summary["ratio_median"] <= TARGET_RATIO else "NOT met"
            print(
                f"score {args.designs} designs --format {output_format:<8} "
                f"{summary['measured_median_s']:6.2f} s CPU vs parse "
                f"{summary['baseline_median_s']:5.2f} s: {describe(summary)}; "
                f"target <= {TARGET_RATIO}x {verdict}"
            )
        result["cpu"] = cpu
        if not args.no_memory:
            (folder / "big").mkdir()
            big = portfolio(folder / "big", 1000)
            sizes = {100: big[:100], 1000: big}
            memory: dict[str, dict[str, float]] = {}
            cases = [(f, ["--format", f]) for f in args.memory_formats.split(",")]
            reports = [
                "--report",
                f"sarif={folder / 'x.sarif'}",
                "--report",
                f"html={folder / 'x.html'}",
            ]
            cases.append(("json+sarif,html reports", ["--format", "json", *reports]))
            for name, options in cases:
                peaks = {
                    n: peak_rss_mib([*DESIGNKIT, "score", *some, *options, "-o", str(out)])
                    for n, some in sizes.items()
                }
                growth = peaks[1000] / peaks[100] - 1
                memory[name] = {"100": peaks[100], "1000": peaks[1000], "growth": growth}
                verdict = "met" if growth <= TARGET_RSS_GROWTH else "NOT met"
                print(
                    f"peak RSS --format {name:<24} 100 designs {peaks[100]:6.1f} MiB, "
                    f"1000 designs {peaks[1000]:6.1f} MiB ({growth:+.1%}); "
                    f"target <= +{TARGET_RSS_GROWTH:.0%} {verdict}"
                )
            result["peak_rss_mib"] = memory
    if args.json:
        print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
