"""CPU a user waits for in ``designkit assess`` and ``designkit roadmap``: roadmap planning.

Why this exists
---------------
A consultant runs ``designkit assess`` on the exports of hundreds of jobs; almost
all of its time is the roadmap planned per integration, each candidate change
rendered to Markdown, re-parsed and re-scored (:mod:`designkit.roadmap.plan`).
This prints what one integration and one ``designkit roadmap`` cost, so a change
to the planner, the renderer or the parser can be judged by the number users feel.

What is measured
----------------
In this process, CPU seconds (``time.process_time``) of

* **assess** - :func:`designkit.assess.run.assess` on ``tests/data/exports``
  into a fresh temporary folder, divided by the integrations it assessed;
* **roadmap** - :func:`designkit.roadmap.plan_roadmap` of each ``samples/*.md``
  (parsed once, outside the timing) at ``--target`` (default 5, the most
  candidates), then rendered as Markdown, as ``designkit roadmap`` does.

One warm-up run first (the rubric, the donor samples and imports are loaded
once per process, as in one CLI call over many files). Each side runs
``--runs`` times; the median and the spread (min, max) are printed. There is no
baseline side: the code before a change cannot run in the same process, so
compare the figures of two checkouts run on the same machine in turn.

Run it with ``.venv/bin/python benchmarks/assess_bench.py [--runs N] [--target L]
[--skip-assess]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from paired import process_cpu_seconds

from designkit.assess.run import assess
from designkit.parse import ParsedDesign, parse_file
from designkit.roadmap import plan_roadmap
from designkit.roadmap.render import render as render_roadmap
from designkit.rubric import load_rubric

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ROOT / "tests" / "data" / "exports"
SAMPLES = sorted((ROOT / "samples").glob("*.md"))


def spread(values: Sequence[float], unit: str = "s") -> str:
    """``0.812 s (min 0.790, max 0.850; 5 runs)``"""
    return (
        f"{statistics.median(values):.3f} {unit} (min {min(values):.3f}, "
        f"max {max(values):.3f}; {len(values)} runs)"
    )


def assess_once() -> tuple[float, int]:
    """CPU seconds of one ``assess`` of the bundled exports, and its integration count."""
    with tempfile.TemporaryDirectory() as folder:
        found: list[int] = []

        def work() -> None:
            result = assess([str(EXPORTS)], Path(folder) / "out")
            found.append(len(result.designs))

        seconds = process_cpu_seconds(work)
    return seconds, found[0]


def roadmap_once(parsed: ParsedDesign, target: int) -> float:
    """CPU seconds of planning and rendering one roadmap."""
    rubric = load_rubric()
    return process_cpu_seconds(
        lambda: render_roadmap(plan_roadmap(parsed, rubric, target), "markdown")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--target", type=int, default=5)
    parser.add_argument("--skip-assess", action="store_true")
    args = parser.parse_args()
    designs = [parse_file(str(path)) for path in SAMPLES]
    for parsed in designs:
        roadmap_once(parsed, args.target)
    per_sample: dict[str, list[float]] = {p.path: [] for p in designs}
    for _ in range(args.runs):
        for parsed in designs:
            per_sample[parsed.path].append(roadmap_once(parsed, args.target))
    totals = [sum(run) for run in zip(*per_sample.values(), strict=True)]
    print(f"roadmap --target {args.target}, CPU per sample:")
    for path, values in per_sample.items():
        print(f"  {Path(path).name:42} {spread(values)}")
    print(f"  {'mean over the ' + str(len(designs)) + ' samples':42} ", end="")
    print(spread([total / len(designs) for total in totals]))
    if args.skip_assess:
        return
    assess_once()
    runs = [assess_once() for _ in range(args.runs)]
    count = runs[0][1]
    print(f"assess tests/data/exports ({count} integrations):")
    print(f"  total        {spread([seconds for seconds, _ in runs])}")
    print(f"  per integration {spread([1000 * seconds / count for seconds, _ in runs], 'ms')}")


if __name__ == "__main__":
    main()
