"""How long does a large architecture take to draw?

Why this exists
---------------
Issue: "a design with 100 systems still renders in under a few seconds". This
script builds designs with 10 to 200 systems (a fan-out of chains through a
broker, with auth rows, retries, a DLQ and a breaker), then times, in the same
run: parsing the document (the baseline), building the graph, writing DOT and
Mermaid, and rendering SVG through Graphviz's ``dot``. It prints seconds and
each stage's ratio to the parse of the same document.

Run it with ``python benchmarks/diagram_bench.py [--systems 10,50,100,200] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable, Sequence

from designkit.diagram.graph import build_graph
from designkit.diagram.render import render_binary, to_dot, to_mermaid
from designkit.parse import parse_design


def design_with(systems: int) -> str:
    """A design whose diagram has ``systems`` boxes: sources -> broker -> adapters -> targets."""
    lines = []
    auth = []
    per_chain = 3
    chains = max(1, (systems - 1) // per_chain)
    for chain in range(chains):
        source, adapter, target = f"Source {chain}", f"Adapter {chain}", f"Target {chain}"
        lines.append(
            f"[{source}] --events--> [Event Broker] --> [{adapter}] --upsert--> [{target}]"
        )
        auth.append(f"| {source} to Event Broker | OAuth 2.0 | scope events.write |")
        auth.append(f"| {adapter} to {target} | mTLS | yearly rotation |")
    return (
        "# Integration Design: Large estate\n\n## Overview\n\n**Purpose**: benchmark\n\n"
        "## Architecture Pattern\n\n**Selected Pattern**: Event-driven\n\n### Architecture Diagram\n\n"
        "```\n" + "\n".join(lines) + "\n```\n\n## Flow Design\n\n### Normal Flow\n\n"
        "1. **Trigger**: event\n2. **Extract**: read\n3. **Transform**: map\n4. **Load**: upsert\n\n"
        "## Error Handling\n\n### Retry Logic\n\n| Scenario | Strategy | Max Attempts | Backoff | Timeout |\n"
        "|---|---|---|---|---|\n| Server error | Exponential | 3 | 1s, 2s, 4s | 30s |\n\n"
        "### Dead Letter Queue\n\n- **When to DLQ**: after retries\n- **Retention**: 14 days\n"
        "- **Monitoring**: Alert on DLQ depth > 10\n\n### Circuit Breaker\n\n"
        "- **Open after**: 5 consecutive failures or 50% error rate in 60 seconds\n\n"
        "## Security\n\n### Authentication\n\n| Connection | Auth Method | Details |\n|---|---|---|\n"
        + "\n".join(auth)
        + "\n"
    )


def best(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time graph building and rendering by estate size."
    )
    parser.add_argument("--systems", default="10,50,100,200", help="comma-separated system counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per stage; best is kept")
    args = parser.parse_args(argv)
    have_dot = shutil.which("dot") is not None
    print(
        f"designkit diagram benchmark (best of {args.repeat}; ratio = stage / parse of the same "
        "document)"
    )
    print(
        f"  {'systems':>7} {'parse s':>8} {'graph s':>8} {'dot s':>7} {'mermaid s':>9} "
        f"{'svg s':>7}  {'graph':>6} {'svg':>7}"
    )
    for size in (int(s) for s in args.systems.split(",")):
        text = design_with(size)
        parse_s = best(lambda text=text: parse_design(text, "bench.md"), args.repeat)
        design = parse_design(text, "bench.md").design
        graph_s = best(lambda design=design: build_graph(design), args.repeat)
        graph = build_graph(design)
        drawn = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "system")
        dot_s = best(lambda graph=graph: to_dot(graph), args.repeat)
        mermaid_s = best(lambda graph=graph: to_mermaid(graph), args.repeat)
        dot_text = to_dot(graph)
        svg_s = (
            best(lambda dot_text=dot_text: render_binary(dot_text, "svg"), args.repeat)
            if have_dot
            else float("nan")
        )
        print(
            f"  {drawn:>7} {parse_s:>8.4f} {graph_s:>8.4f} {dot_s:>7.4f} {mermaid_s:>9.4f} "
            f"{svg_s:>7.3f}  {graph_s / parse_s:>5.2f}x {svg_s / parse_s:>6.1f}x"
        )
    if not have_dot:
        print("  (Graphviz 'dot' not installed: SVG not measured)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
