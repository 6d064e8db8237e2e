"""What does the Talend reader cost on top of parsing the XML with line numbers?

Why this exists
---------------
``designkit assess`` must read a large Talend job (a few MB of ``.item``) in
well under a second, and the reader must stay linear in the file's size: every
lookup it makes per component (parameters, links, flow order) must not turn
into a scan of the whole job per component.

What is measured
----------------
A job of about ``--megabytes`` MB (default 5) is built by repeating the
components of ``tests/data/exports/talend/synthetic/process/orders_api_0.1.item``
under fresh unique names, with their links. Over that one file it times, in
alternating pairs (:mod:`benchmarks.paired`), CPU seconds of

* **baseline** - ``parse_xml``: expat building the tree and the line table,
  the work every reader has to do anyway;
* **reader** - ``talend.read``: the same parse plus everything the reader
  builds (steps, connections, mappings, error handling, secrets).

How to read the output
----------------------
The medians of both sides in seconds, and the median ratio reader/baseline
with its spread. A ratio that grows with ``--megabytes`` would mean the reader
is not linear.

Run it with ``.venv/bin/python benchmarks/assess_talend_bench.py [--megabytes N] [--pairs P]``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from paired import alternate, describe, process_cpu_seconds

from designkit.assess.readers import talend
from designkit.assess.xml_source import parse_xml

SOURCE = (
    Path(__file__).parent.parent / "tests/data/exports/talend/synthetic/process/orders_api_0.1.item"
)


def big_job(megabytes: float) -> str:
    """The synthetic job with its nodes and links repeated under new names to ``megabytes``."""
    text = SOURCE.read_text(encoding="utf-8")
    head, rest = text.split("  <node ", 1)
    body, tail = rest.rsplit("</talendfile:ProcessType>", 1)
    body = "  <node " + body
    copies, index = [], 0
    while sum(map(len, copies)) < megabytes * 1_000_000:
        index += 1
        copies.append(re.sub(r"(t[A-Za-z]+_)1\b", rf"\g<1>{index}", body))
    return head + "".join(copies) + "</talendfile:ProcessType>" + tail


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=5.0)
    parser.add_argument("--pairs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big_0.1.item"
        path.write_text(big_job(args.megabytes), encoding="utf-8")
        size = path.stat().st_size
        contents = talend.read(path, path.name)
        steps = len(contents.integrations[0].steps)
        pairs = alternate(
            lambda: process_cpu_seconds(lambda: talend.read(path, path.name)),
            lambda: process_cpu_seconds(lambda: parse_xml(path, path.name)),
            args.pairs,
        )
    print(f"job: {size / 1e6:.1f} MB, {steps} components")
    print(f"baseline parse_xml: median {statistics.median(pairs.baseline):.3f} s CPU")
    print(f"talend.read:        median {statistics.median(pairs.measured):.3f} s CPU")
    print(f"reader / parse:     {describe(pairs.summary())}")


if __name__ == "__main__":
    main()
