"""How much slower is parse + score than bare Markdown tokenisation?

Why this exists
---------------
``designkit score`` runs in pull requests over many designs, so scoring must
stay cheap: the target is that parsing a document *and* scoring it against the
built-in rubric costs at most 2x a bare ``markdown_it.MarkdownIt().parse`` of
the same text. Both are measured here, in one process and one run, with the
same harness as ``parse_bench.py`` (warm-up, alternating order, best of R).

Run it with ``python benchmarks/score_bench.py [--documents N] [--repeat R] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from parse_bench import SAMPLES_DIR, Document, build_documents, load_samples, measure, positive
from parse_bench import report as parse_report

from designkit.parse import parse_design
from designkit.rubric import load_rubric, score_design

TARGET_RATIO = 2.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare parse + score with bare tokenisation.")
    parser.add_argument("--documents", type=positive, default=1000, metavar="N")
    parser.add_argument("--repeat", type=positive, default=3, metavar="R")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead")
    args = parser.parse_args(argv)

    rubric = load_rubric()
    criteria = sum(len(d.criteria) for d in rubric.dimensions)

    def parse_and_score(document: Document) -> object:
        return score_design(parse_design(document.text, document.name), rubric)

    documents = build_documents(load_samples(SAMPLES_DIR), args.documents)
    baseline, designkit = measure(documents, args.repeat, parse_and_score)
    result = parse_report(documents, args.repeat, baseline, designkit)
    result.update(
        target_ratio=TARGET_RATIO, target_met=result["ratio"] <= TARGET_RATIO, criteria=criteria
    )
    if args.json:
        print(json.dumps(result, separators=(",", ":")))
        return 0
    print(
        f"designkit score benchmark: {result['documents']} documents x {criteria} criteria, "
        f"best of {result['repeat']}"
    )
    print(
        f"  baseline   MarkdownIt().parse(text)        {result['baseline_docs_per_s']:>10,.1f} docs/s"
    )
    print(
        f"  designkit  parse_design + score_design      {result['designkit_docs_per_s']:>10,.1f} docs/s"
    )
    verdict = "met" if result["target_met"] else "NOT met"
    print(
        f"  ratio (parse+score)/baseline: {result['ratio']:.2f}x   target <= {TARGET_RATIO:.1f}x: {verdict}"
    )
    for row in result["samples"]:
        print(f"    {row['sample']:<34} {row['ratio']:>5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
