"""``designkit score`` as a library call: files in, one report and an exit code out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from designkit import __version__
from designkit.errors import UserError
from designkit.parse import parse_file
from designkit.report import ReportContext, render_report
from designkit.rubric import load_rubric, score_design
from designkit.rubric.scorecard import Scorecard

EXIT_OK, EXIT_BELOW, EXIT_UNUSABLE = 0, 1, 2


@dataclass
class ScoreRun:
    cards: list[Scorecard]
    report: str
    exit_code: int
    errors: list[str] = field(default_factory=list)


def meets_bar(card: Scorecard, fail_under: int | None) -> bool:
    """At or above the bar (the option, else the document's own target) and nothing critical."""
    bar = fail_under if fail_under is not None else card.overall.target_level
    critical = any(f.severity == "critical" and not f.suppressed for f in card.findings)
    return not critical and (bar is None or card.overall.level >= bar)


def score_files(
    files: list[str],
    *,
    rubric_path: str | None = None,
    output_format: str = "text",
    fail_under: int | None = None,
    encoding: str = "utf-8",
    base_dir: Path | None = None,
) -> ScoreRun:
    rubric = load_rubric(rubric_path)
    cards: list[Scorecard] = []
    errors: list[str] = []
    diagrams: dict[str, str] = {}
    for file in files:
        try:
            parsed = parse_file(file, encoding=encoding)
            cards.append(score_design(parsed, rubric))
            if output_format == "html":
                from designkit.diagram.drawing import embeddable

                diagrams[parsed.path] = embeddable(parsed)
        except UserError as error:
            errors.append(str(error))
    context = ReportContext(
        rubric=rubric, base_dir=base_dir or Path.cwd(), tool_version=__version__, diagrams=diagrams
    )
    report = render_report(cards, output_format, context) if cards else ""
    if errors:
        code = EXIT_UNUSABLE
    elif all(meets_bar(card, fail_under) for card in cards):
        code = EXIT_OK
    else:
        code = EXIT_BELOW
    return ScoreRun(cards, report, code, errors)
