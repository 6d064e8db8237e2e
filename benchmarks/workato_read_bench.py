"""How long does the Workato reader take on a large recipe export, and what does it add?

Why this exists
---------------
``designkit assess`` reads whole export folders; a recipe with hundreds of steps
and their schemas runs to megabytes. Reading must stay linear and well under a
second for a 5 MB file. This is a measurement, not a timed test.

What is measured
----------------
One synthetic recipe of about ``--megabytes`` MB (default 5) is built in a
temporary folder by repeating the real dewy-resort orchestrator's steps
(``submit_guest_service_request.recipe.json``, MIT) under one trigger. Then, in
alternating pairs (``benchmarks/paired.py``), CPU time of

* **reader** - ``workato.read(path, display)``: line-keeping JSON parse plus the
  walk into the inventory model (steps, mappings, error handling, calls);
* **baseline** - ``parse_json(path, display)``: the same line-keeping parse alone,
  i.e. the work every JSON reader must do before it understands anything.

The ratio reader / baseline is what understanding the recipe costs on top of
parsing it. Also printed: ``json.loads`` of the same text (the C parser, no
lines) for scale, and the size of the file and the number of steps read.

Run it with ``python benchmarks/workato_read_bench.py [--megabytes M] [--pairs N]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from paired import alternate, describe, process_cpu_seconds

from designkit.assess.json_source import parse_json
from designkit.assess.readers import workato

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (
    ROOT
    / "tests/data/exports/workato/dewy-resort/workato/recipes/orchestrator-recipes"
    / "submit_guest_service_request.recipe.json"
)


def build(megabytes: float, folder: Path) -> Path:
    recipe = json.loads(SOURCE.read_text(encoding="utf-8"))
    steps = recipe["code"]["block"]
    one = len(json.dumps(steps, indent=2))
    copies = max(1, int(megabytes * 1_000_000 / one))
    recipe["code"]["block"] = steps * copies
    path = folder / "large.recipe.json"
    path.write_text(json.dumps(recipe, indent=2), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=5.0)
    parser.add_argument("--pairs", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = build(options.megabytes, Path(folder))
        text = path.read_text(encoding="utf-8")
        size = path.stat().st_size
        contents = workato.read(path, path.name)
        steps = sum(len(i.steps) for i in contents.integrations)
        pairs = alternate(
            lambda: process_cpu_seconds(lambda: workato.read(path, path.name)),
            lambda: process_cpu_seconds(lambda: parse_json(path, path.name)),
            options.pairs,
        )
        loads = [process_cpu_seconds(lambda: json.loads(text)) for _ in range(options.pairs)]
    summary = pairs.summary()
    print(f"file: {size / 1e6:.2f} MB, {steps} steps read")
    print(f"reader   median CPU {summary['measured_median_s']:.3f} s")
    print(f"baseline median CPU {summary['baseline_median_s']:.3f} s (parse_json alone)")
    print(f"reader / baseline: {describe(summary)}")
    print(f"json.loads (C, no lines) median CPU {statistics.median(loads):.3f} s")


if __name__ == "__main__":
    main()
