"""Does every command stay linear in the rows of a table?

Why this exists
---------------
A design with a large mapping table (generated field lists run to tens of
thousands of rows) must cost each command time in proportion to its size. One
list membership test in the scorer made ``designkit score`` quadratic: 60,000
mapping rows took 40 s of CPU where parsing took 3.4 s, and scaffolding was
quadratic in the formula rows. This benchmark keeps that from coming back
unnoticed.

What is measured
----------------
``samples/event-driven-shopify-netsuite.md`` with ``N`` extra rows
(``--rows``, default 60,000, about 5 MB, under the 8 MB limit) appended to its
mapping table (half of them its own rows again, half distinct; see
:func:`design_with_rows`), and the same with ``N/2`` rows. Each command runs as a child
process on each file, and its CPU time (user + system, ``getrusage`` of the
child) is printed: ``parse``, ``lint``, ``score``, ``diagram`` (DOT),
``scaffold --dry-run``, ``draft`` and ``render`` of the parsed model. The
compiled-rubric cache is warmed first and kept in a folder of this run.

How to read the output
----------------------
``vs parse`` is a command's CPU time over ``parse``'s on the same file: the
cost of the command's own work in units of reading the document. ``x2 rows``
is the time at ``N`` rows over the time at ``N/2``: linear is about 2 (a
little more from the garbage collector and start-up being a smaller share),
quadratic approaches 4.

Run it with ``python benchmarks/table_rows_bench.py [--rows N] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "event-driven-shopify-netsuite.md"
LAST_ROW = (
    "| shipping_address.country_code | string | Lookup | netsuite_location_id | string "
    "| Country to warehouse table |\n"
)
DESIGNKIT = [sys.executable, "-m", "designkit"]


def design_with_rows(rows: int) -> str:
    """The sample design with ``rows`` more rows in its mapping table.

    Every other row is one of the sample's own rows again, in turn (its lookups,
    formulas and conditionals into canonical fields, which scaffolding turns into
    code), the others are distinct direct copies into new fields (which lint reports
    as unknown targets): between them they reach every reader of the table.
    """
    text = SAMPLE.read_text(encoding="utf-8")
    if LAST_ROW not in text:
        raise SystemExit(f"{SAMPLE.name}: its mapping table's last row changed; update LAST_ROW")
    end = text.index(LAST_ROW) + len(LAST_ROW)
    table_start = text.rindex("|---", 0, end)
    own = text[text.index("\n", table_start) + 1 : end].splitlines(keepends=True)
    extra = "".join(
        own[(i // 2) % len(own)]
        if i % 2 == 0
        else f"| line_items[{i}].sku | string | Direct | item_{i:05d}_sku | string | |\n"
        for i in range(rows)
    )
    return text.replace(LAST_ROW, LAST_ROW + extra, 1)


def commands(design: Path, model: Path, folder: Path) -> dict[str, list[str]]:
    return {
        "parse": ["parse", str(design)],
        "lint": ["lint", str(design)],
        "score": ["score", str(design)],
        "diagram": ["diagram", str(design), "--format", "dot"],
        "scaffold": ["scaffold", str(design), "-o", str(folder / "project"), "--dry-run"],
        "draft": ["draft", str(design), "-o", str(folder / "draft.md"), "--force"],
        "render": ["render", str(model), "-o", str(folder / "rendered.md"), "--force"],
    }


def cpu_seconds(arguments: list[str], env: dict[str, str]) -> float:
    """A command's CPU seconds; exit 1 (findings) is a result, anything else a failure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [*DESIGNKIT, *arguments], env=env, capture_output=True, text=True, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(
            f"designkit {' '.join(arguments)} exited {done.returncode}:\n{done.stderr}"
        )
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(rows: int, folder: Path, env: dict[str, str]) -> tuple[int, dict[str, float]]:
    design = folder / f"rows-{rows}.md"
    design.write_text(design_with_rows(rows), encoding="utf-8")
    model = folder / f"rows-{rows}.json"
    parsed = subprocess.run(
        [*DESIGNKIT, "parse", str(design)], env=env, capture_output=True, check=True
    )
    model.write_bytes(parsed.stdout)
    times = {
        name: cpu_seconds(arguments, env)
        for name, arguments in commands(design, model, folder).items()
    }
    return design.stat().st_size, times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="CPU time of each command on a large table.")
    parser.add_argument("--rows", type=int, default=60_000, metavar="N")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="designkit-rows-bench-"))
    env = {**os.environ, "DESIGNKIT_CACHE_DIR": str(folder / "cache")}
    subprocess.run([*DESIGNKIT, "score", str(SAMPLE)], env=env, capture_output=True, check=False)
    half_size, half = measure(args.rows // 2, folder, env)
    size, full = measure(args.rows, folder, env)
    results = {
        name: {
            "cpu_s": full[name],
            "vs_parse": full[name] / full["parse"],
            "half_rows_cpu_s": half[name],
            "doubling_ratio": full[name] / half[name],
        }
        for name in full
    }
    if args.json:
        print(json.dumps({"rows": args.rows, "bytes": size, "commands": results}, indent=2))
        return 0
    print(
        f"designkit on {SAMPLE.name} + {args.rows} mapping rows ({size / 1e6:.1f} MB; "
        f"{args.rows // 2} rows: {half_size / 1e6:.1f} MB), CPU time (user+sys) of each command"
    )
    print(f"  {'command':<10} {'CPU s':>7} {'vs parse':>9} {'x2 rows':>8}")
    for name, result in results.items():
        print(
            f"  {name:<10} {result['cpu_s']:7.2f} {result['vs_parse']:8.2f}x "
            f"{result['doubling_ratio']:7.2f}x"
        )
    worst = max(results, key=lambda name: results[name]["doubling_ratio"])
    print(f"  score/parse: {results['score']['vs_parse']:.2f}x; steepest doubling: {worst}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
