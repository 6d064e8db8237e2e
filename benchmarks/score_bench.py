"""What does scoring cost on top of parsing, per design and in a whole ``designkit score``?

Why this exists
---------------
``designkit score`` runs in pull requests over many designs. Scoring needs the
parse, so the parse of the same texts is the honest floor, and bare Markdown
tokenisation (``markdown_it.MarkdownIt().parse``) is the floor under that.
Targets: parse + score at most 2x bare tokenisation (per design, in one
process), and a whole ``designkit score`` of N designs at most 1.5x a process
that parses the same N files (issue 15; ``portfolio_bench.py`` adds peak memory
by format and size).

How it measures
---------------
CPU time only (wall clock on a shared 2-core machine swung the old best-of-3
between "met" and "NOT met" on the same code): ``time.process_time`` around one
pass over N documents in this process, or the children's user + system time
from ``rusage``. The measured side and its baseline run in alternating pairs
(``paired.py``); the median of the per-pair ratios is printed with its min and
max. Every pass does the same work: the same N texts, cycled from
``samples/*.md``, under names of their own.

1. ``parse+score`` (``parse_design`` then ``score_design`` with the built-in
   rubric) against ``parse_design`` alone, and against bare tokenisation;
2. ``designkit score DIR/*.md --format json -o FILE`` as a child process against
   ``python -c 'for f in files: parse_file(f)'``, the same files.

Run it with ``python benchmarks/score_bench.py [--documents N] [--pairs P]
[--designs D] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from markdown_it import MarkdownIt
from paired import alternate, describe
from parse_bench import SAMPLES_DIR, Document, build_documents, load_samples, positive
from portfolio_bench import PARSE_ALL, machine, portfolio, run_child, score_command

from designkit.parse import parse_design
from designkit.rubric import load_rubric, score_design

TARGET_TOKENISE = 2.0
TARGET_PORTFOLIO = 1.5


def cpu_of(work: Callable[[Document], object], documents: Sequence[Document]) -> float:
    """CPU seconds of one pass of ``work`` over ``documents``."""
    start = time.process_time()
    for document in documents:
        work(document)
    return time.process_time() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=positive, default=200, metavar="N")
    parser.add_argument("--pairs", type=positive, default=9, metavar="P")
    parser.add_argument("--designs", type=positive, default=500, metavar="D")
    parser.add_argument("--portfolio-pairs", type=positive, default=5, metavar="P")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = parser.parse_args(argv)

    rubric = load_rubric()
    markdown = MarkdownIt()
    documents = build_documents(load_samples(SAMPLES_DIR), args.documents)

    def tokenise(document: Document) -> object:
        return markdown.parse(document.text)

    def parse(document: Document) -> object:
        return parse_design(document.text, document.name)

    def parse_and_score(document: Document) -> object:
        return score_design(parse_design(document.text, document.name), rubric)

    results: dict[str, object] = {"machine": machine(), "documents": args.documents}
    in_process = {
        "parse+score vs parse": alternate(
            lambda: cpu_of(parse_and_score, documents),
            lambda: cpu_of(parse, documents),
            args.pairs,
        ).summary(),
        "parse+score vs tokenise": alternate(
            lambda: cpu_of(parse_and_score, documents),
            lambda: cpu_of(tokenise, documents),
            args.pairs,
        ).summary(),
    }
    results["in_process"] = in_process
    with tempfile.TemporaryDirectory(prefix="score-bench-") as temporary:
        folder = Path(temporary)
        files = portfolio(folder, args.designs)
        out = folder / "report.json"
        run_child(score_command(files[:1], "json", out))  # the compiled-rubric cache, warm
        results["portfolio"] = alternate(
            lambda: run_child(score_command(files, "json", out))[0],
            lambda: run_child([sys.executable, "-c", PARSE_ALL, *files])[0],
            args.portfolio_pairs,
        ).summary()

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"machine: {results['machine']}")
    print(f"CPU time (user+sys), alternating pairs; {args.documents} documents a pass")
    for name, summary in in_process.items():
        per_design = summary["measured_median_s"] / args.documents * 1000
        against = summary["baseline_median_s"] / args.documents * 1000
        print(
            f"  {name:<24} {per_design:5.2f} ms vs {against:5.2f} ms a design: {describe(summary)}"
        )
    tokenise_ratio = in_process["parse+score vs tokenise"]["ratio_median"]
    verdict = "met" if tokenise_ratio <= TARGET_TOKENISE else "NOT met"
    print(f"  parse+score vs tokenise: target <= {TARGET_TOKENISE}x {verdict}")
    portfolio_summary = results["portfolio"]
    assert isinstance(portfolio_summary, dict)
    verdict = "met" if portfolio_summary["ratio_median"] <= TARGET_PORTFOLIO else "NOT met"
    print(
        f"  designkit score {args.designs} designs --format json -o FILE "
        f"{portfolio_summary['measured_median_s']:.2f} s vs parsing them "
        f"{portfolio_summary['baseline_median_s']:.2f} s: {describe(portfolio_summary)}; "
        f"target <= {TARGET_PORTFOLIO}x {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
