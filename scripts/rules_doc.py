"""Regenerate ``docs/rules.md`` from the lint codes and the built-in rubric (``make rules-doc``).

SARIF rules link to their section of this page (``helpUri``). ``--check`` writes
nothing and exits 1 when the page is stale; the test suite runs it, so a changed
rule cannot ship with an outdated page.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "rules.md"


def page() -> str:
    from designkit.report.rule_docs import render_rules_page
    from designkit.rubric import load_rubric

    return render_rules_page(load_rubric(None))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/rules.md is stale")
    args = parser.parse_args(argv)
    wanted = page()
    current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
    if args.check:
        if current == wanted:
            return 0
        diff = difflib.unified_diff(
            current.splitlines(True), wanted.splitlines(True), "docs/rules.md", "generated", n=1
        )
        sys.stderr.write("".join(list(diff)[:60]))
        sys.stderr.write("docs/rules.md is stale; run `make rules-doc`\n")
        return 1
    if current != wanted:
        PAGE.write_text(wanted, encoding="utf-8")
        print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
