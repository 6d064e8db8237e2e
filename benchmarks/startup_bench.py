"""How long does each command take to start, against the bare import of its parser?

Why this exists
---------------
Every designkit command is a fresh process: in a pre-commit hook or CI step
the start-up is most of what the user waits for. The baseline is the cheapest
honest floor for a Markdown tool in Python, ``python -c 'import markdown_it'``
with the same interpreter; each command runs on one sample design. Targets
(issue 15): ``parse`` at most 2x the baseline, ``score`` at most 1.3x ``parse``.

CPU time (user + system, from ``getrusage`` of the child), alternating pairs,
median and spread of the per-pair ratio. The rubric cache is warmed first and
kept in a folder of this run, as a user's second run finds it.

Run it with ``python benchmarks/startup_bench.py [--pairs N] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from paired import alternate, child_cpu_seconds, describe

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "hub-spoke-hr-payroll.md"
DESIGNKIT = [sys.executable, "-m", "designkit"]
BARE = [sys.executable, "-c", "import markdown_it"]
FLOOR = [sys.executable, "-c", "import click, markdown_it; from pydantic import BaseModel"]
"""What ``parse`` cannot do without: its CLI library, its Markdown parser and the model's
base class, imported and nothing of designkit. Its ratio to the bare import is the floor
under ``parse``'s."""

COMMANDS: dict[str, list[str]] = {
    "parse": ["parse", str(SAMPLE)],
    "lint": ["lint", str(SAMPLE)],
    "score": ["score", str(SAMPLE)],
    "diagram": ["diagram", str(SAMPLE), "--format", "mermaid"],
    "explain": ["explain", "REL-03"],
    "--version": ["--version"],
}
TARGETS = {"parse": ("bare import", 2.0), "score": ("parse", 1.3)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start-up CPU time of each command.")
    parser.add_argument("--pairs", type=int, default=15, metavar="N")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = parser.parse_args(argv)

    env = {**os.environ, "DESIGNKIT_CACHE_DIR": tempfile.mkdtemp(prefix="designkit-bench-")}

    def run(command: list[str]) -> float:
        return child_cpu_seconds(command, env=env, cwd=ROOT)

    def command_of(name: str) -> list[str]:
        return BARE if name == "bare import" else [*DESIGNKIT, *COMMANDS[name]]

    results: dict[str, dict[str, float]] = {}
    for name, arguments in COMMANDS.items():
        pairs = alternate(
            lambda arguments=arguments: run([*DESIGNKIT, *arguments]),
            lambda: run(BARE),
            args.pairs,
        )
        results[name] = pairs.summary()
    results["dependency floor"] = alternate(
        lambda: run(FLOOR), lambda: run(BARE), args.pairs
    ).summary()
    for name, (against, target) in TARGETS.items():
        pairs = alternate(
            lambda name=name: run(command_of(name)),
            lambda against=against: run(command_of(against)),
            args.pairs,
        )
        summary = pairs.summary()
        results[f"{name} vs {against}"] = {**summary, "target": target}

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"designkit start-up, CPU time (user+sys), {args.pairs} alternating pairs, {SAMPLE.name}")
    print(
        f"  baseline: python -c 'import markdown_it' (median {results['parse']['baseline_median_s']:.3f} s)"
    )
    for name in COMMANDS:
        summary = results[name]
        print(
            f"  designkit {name:<10} {summary['measured_median_s']:.3f} s  {describe(summary)} of bare"
        )
    floor = results["dependency floor"]
    print(
        f"  floor: click + markdown_it + pydantic.BaseModel imported, no designkit: "
        f"{floor['measured_median_s']:.3f} s, {describe(floor)} of bare"
    )
    for name, (against, target) in TARGETS.items():
        summary = results[f"{name} vs {against}"]
        met = "met" if summary["ratio_median"] <= target else "NOT met"
        print(f"  {name} vs {against}: {describe(summary)}; target <= {target}x: {met}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
