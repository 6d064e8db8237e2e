"""How much does the Mule reader cost over bare XML parsing of the same 5 MB export?

Why this exists
---------------
``designkit assess`` is handed whole Mule estates; the reader must stay linear
in the size of a configuration file and read a large one in well under a second.
This script checks it on this machine instead of asserting it in a timed test.

What is measured
----------------
A temporary Mule application is built from the synthetic fixture
(``tests/data/exports/mule/synthetic/orders-sync``): its ``orders.xml`` flows are
repeated, renamed, until the file passes ``--megabytes`` (default 5). Over that
one file, in alternating pairs (``--pairs``, default 7, see ``paired.py``), CPU
time is taken for

* **baseline** - ``xml.etree.ElementTree.parse(path)`` followed by a walk of
  every element: the least work any XML reader does on the same bytes;
* **reader** - ``designkit.assess.readers.mule.read(path, name)``: XML with line
  numbers, the application index (other files, properties), every flow into the
  inventory model. Its index cache is cleared before each run, so every run
  does the whole work.

The output gives both medians in seconds, the median ratio with its spread, and
the reader's median at half the size, to show the growth is linear.

Run it with ``python benchmarks/assess_mule_bench.py [--megabytes N] [--pairs P]``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from benchmarks.paired import alternate, describe, process_cpu_seconds
from designkit.assess.readers import mule, mule_app

FIXTURE = Path(__file__).resolve().parents[1] / "tests/data/exports/mule/synthetic/orders-sync"


def build(target: Path, megabytes: float) -> Path:
    """A copy of the synthetic application whose ``orders.xml`` is ``megabytes`` large."""
    shutil.copytree(FIXTURE, target)
    flows_file = target / "src/main/mule/orders.xml"
    text = flows_file.read_text(encoding="utf-8")
    start, end = text.index("  <flow "), text.rindex("</mule>")
    body = text[start:end]
    copies: list[str] = []
    size, index = len(text), 0
    while size < megabytes * 1_000_000:
        renamed = re.sub(r'name="([\w-]+)"', rf'name="\1-{index}"', body)
        copies.append(renamed)
        size += len(renamed)
        index += 1
    flows_file.write_text(text[:end] + "".join(copies) + text[end:], encoding="utf-8")
    return flows_file


def baseline(path: Path) -> float:
    def work() -> None:
        for _ in ET.parse(path).getroot().iter():
            pass

    return process_cpu_seconds(work)


def reader(path: Path) -> float:
    def work() -> None:
        mule_app._cache.clear()
        mule.read(path, path.name)

    return process_cpu_seconds(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=5.0)
    parser.add_argument("--pairs", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        full = build(Path(folder) / "full", options.megabytes)
        half = build(Path(folder) / "half", options.megabytes / 2)
        pairs = alternate(lambda: reader(full), lambda: baseline(full), options.pairs)
        summary = pairs.summary()
        halves = alternate(lambda: reader(half), lambda: baseline(half), options.pairs)
        print(f"file: {full.stat().st_size / 1e6:.1f} MB, {full.read_text().count('<flow ')} flows")
        print(
            f"baseline (ElementTree parse + walk): median {summary['baseline_median_s']:.3f} s CPU"
        )
        print(
            f"reader (mule.read):                  median {summary['measured_median_s']:.3f} s CPU"
        )
        print(f"reader / baseline: {describe(summary)}")
        half_summary = halves.summary()
        print(
            f"reader at {half.stat().st_size / 1e6:.1f} MB: median "
            f"{half_summary['measured_median_s']:.3f} s CPU "
            f"(full/half = {summary['measured_median_s'] / half_summary['measured_median_s']:.2f})"
        )


if __name__ == "__main__":
    main()
