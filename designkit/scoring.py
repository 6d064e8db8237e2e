"""``designkit score`` as a library call: files in, one report and an exit code out.

Beyond scoring, a run can compare each design with its previous version
(``baseline`` file or ``baseline_ref`` in git), hide the findings a known-findings
file records, leave out ignored criteria, and render extra formats in the same
pass (a CI job wants SARIF and the pull-request comment from one run).

Ids given to the run (``ignore``, the rules of a known-findings file) are checked
against the rubric, the red-flag library and the lint codes first: an unknown one
is a :class:`~designkit.errors.UserError` naming where it was written, and a
red-flag code whose meaning changed in designkit 0.2 adds a migration warning.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from designkit import __version__
from designkit.errors import NotADesignError, UserError
from designkit.model import Design
from designkit.parse import ParsedDesign, parse_design, parse_file, read_text
from designkit.report import ReportContext, open_writer
from designkit.review.baseline_file import (
    KnownFinding,
    baseline_rules,
    read_baseline,
    relative_to,
)
from designkit.review.baseline_file import write_baseline as write_known
from designkit.review.trends import ROADMAP_BASELINE, Comparison, compare, roadmap_changes
from designkit.review.values import stable_field
from designkit.rubric import load_rubric, score_design
from designkit.rubric.ids import IdSource, KnownIds, check_ids, known_ids
from designkit.rubric.maturity import fails_gate, with_findings
from designkit.rubric.schema import Rubric
from designkit.rubric.scorecard import Finding, LintError, Scorecard

EXIT_OK, EXIT_BELOW, EXIT_UNUSABLE = 0, 1, 2


@dataclass
class ScoreRun:
    cards: list[Scorecard]
    report: str
    exit_code: int
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """About the run's settings (an ignored red-flag code that changed meaning), once each."""
    comparisons: dict[str, Comparison] = field(default_factory=dict)
    hidden: dict[str, int] = field(default_factory=dict)
    """File -> how many of its findings the known-findings file hid."""
    designs: dict[str, Design] = field(default_factory=dict)
    extra_reports: dict[str, str] = field(default_factory=dict)
    """Format -> report, for ``extra_formats``."""
    written_baseline: int | None = None


def without_ignored(rubric: Rubric, ignore: Sequence[str]) -> Rubric:
    """The rubric with the ignored criteria (by id or red-flag code) switched off.

    Switched off, not merely hidden: an ignored criterion neither shows up as a
    finding nor holds a dimension back, as if the team's rubric had disabled it.
    """
    wanted = {code.upper() for code in ignore}
    if not wanted:
        return rubric
    dimensions = [
        dimension.model_copy(
            update={
                "criteria": [
                    criterion.model_copy(update={"enabled": False})
                    if criterion.id.upper() in wanted or (criterion.red_flag or "") in wanted
                    else criterion
                    for criterion in dimension.criteria
                ]
            }
        )
        for dimension in rubric.dimensions
    ]
    return rubric.model_copy(update={"dimensions": dimensions})


def _old_version(
    file: str, baseline: str | None, baseline_ref: str | None, encoding: str
) -> tuple[ParsedDesign | None, str]:
    """The previous version of ``file`` and how to name it in reports."""
    if baseline is not None:
        return parse_file(baseline, encoding=encoding), baseline
    assert baseline_ref is not None
    from designkit.review.git_source import read_at_ref

    data, label = read_at_ref(file, baseline_ref)
    if data is None:
        return None, f"{label} (not in {baseline_ref}: a new design)"
    return parse_design(read_text(data, label, encoding=encoding), label), label


Sink = tuple[str, TextIO]
"""A report format and the stream it is written to as the designs are scored."""


def score_files(
    files: list[str],
    *,
    rubric_path: str | None = None,
    output_format: str = "text",
    fail_under: int | None = None,
    fail_on: str = "revisions",
    encoding: str = "utf-8",
    base_dir: Path | None = None,
    baseline: str | None = None,
    baseline_ref: str | None = None,
    known_findings: str | None = None,
    write_baseline: str | None = None,
    ignore: Sequence[str] = (),
    extra_formats: Sequence[str] = (),
    ignore_source: IdSource | None = None,
    skip_non_designs: bool = False,
    sinks: Sequence[Sink] | None = None,
) -> ScoreRun:
    """Score ``files``; see the module docstring for the optional comparisons and filters.

    ``ignore_source`` says where ``ignore`` was written (``--ignore`` by default), so
    an unknown id is reported there. With ``skip_non_designs`` a file that is no
    integration document (a README beside the designs) is passed by silently.

    Without ``sinks`` the run keeps everything (``cards``, ``designs``, ``comparisons``,
    ``report`` and ``extra_reports``), for a library caller looking at the results.
    With them, each report is written to its stream design by design and the run
    keeps only what is small per design (the exit code, errors, hidden counts, the
    known-findings entries to write): memory does not grow with the number of files.
    ``output_format`` and ``extra_formats`` are then ignored; the sinks name them.
    """
    if baseline is not None and len(files) != 1:
        raise UserError("--baseline compares one design; use --baseline-ref for several files")
    loaded = load_rubric(rubric_path)
    ignore_lint = [code for code in ignore if code.upper().startswith("DK")]
    run = ScoreRun([], "", EXIT_OK)
    checks_baseline = known_findings is not None and write_baseline is None
    if ignore or checks_baseline:  # the known ids (every lint code's docs) cost 3 ms to list
        known = known_ids(loaded)
        run.warnings += check_ids(ignore, known, ignore_source or IdSource("--ignore"))
        if checks_baseline:
            run.warnings += _check_baseline_ids(Path(known_findings or ""), known)
    rubric = without_ignored(loaded, ignore)
    keep = sinks is None
    buffers: list[tuple[str, io.StringIO]] = []
    if sinks is None:
        buffers = [(output_format, io.StringIO())]
        buffers += [(extra, io.StringIO()) for extra in dict.fromkeys(extra_formats)]
        sinks = buffers
    context = ReportContext(
        rubric=rubric, base_dir=base_dir or Path.cwd(), tool_version=__version__
    )
    writers = [open_writer(name, stream, context) for name, stream in sinks]
    wants_html = any(name == "html" for name, _ in sinks)
    hide = read_baseline(Path(known_findings)) if known_findings and not write_baseline else None
    entries: list[KnownFinding] = []
    failed_gate = False
    for file in files:
        try:
            parsed = parse_file(file, encoding=encoding)
            card = score_design(parsed, rubric, ignore_lint=ignore_lint)
            comparison = _comparison(
                parsed, card, file, rubric, ignore_lint, encoding, baseline, baseline_ref
            )
            diagram = _diagram(parsed) if wants_html else None
        except NotADesignError as error:
            if not skip_non_designs:
                run.errors.append(str(error))
            continue
        except UserError as error:
            run.errors.append(str(error))
            continue
        design = parsed.design
        del parsed  # its source text and tokens: the card and the model say the rest
        hidden = 0
        if write_baseline is not None:
            entries += [entry for _, entry in _known(card, design, Path(write_baseline))]
        elif hide is not None:
            card, hidden = _without_known(card, design, Path(known_findings or ""), hide)
        if hidden:
            run.hidden[card.file] = hidden
        card_context = replace(
            context,
            comparisons={card.file: comparison} if comparison is not None else {},
            hidden={card.file: hidden} if hidden else {},
            diagrams={card.file: diagram} if diagram is not None else {},
        )
        for writer in writers:
            writer.add(card, card_context)
        failed_gate = failed_gate or fails_gate(card, fail_on, fail_under)
        if keep:
            run.cards.append(card)
            run.designs[card.file] = design
            if comparison is not None:
                run.comparisons[card.file] = comparison
    if write_baseline is not None:
        run.written_baseline = write_known(Path(write_baseline), entries)
    for writer in writers:
        writer.end()
    if buffers:
        run.report = buffers[0][1].getvalue()
        run.extra_reports = {name: stream.getvalue() for name, stream in buffers[1:]}
    if run.errors:
        run.exit_code = EXIT_UNUSABLE
    elif write_baseline is not None:
        run.exit_code = EXIT_OK
    elif failed_gate:
        run.exit_code = EXIT_BELOW
    return run


def _comparison(
    parsed: ParsedDesign,
    card: Scorecard,
    file: str,
    rubric: Rubric,
    ignore_lint: Sequence[str],
    encoding: str,
    baseline: str | None,
    baseline_ref: str | None,
) -> Comparison | None:
    """The design against its previous version, or its roadmap's Current column."""
    if baseline is not None or baseline_ref is not None:
        old, label = _old_version(file, baseline, baseline_ref, encoding)
        old_card = score_design(old, rubric, ignore_lint=ignore_lint) if old is not None else None
        return compare(card, parsed.design, old_card, old.design if old else None, label)
    if roadmap_changes(parsed.design):  # its Current column is its own baseline
        return compare(card, parsed.design, card, parsed.design, ROADMAP_BASELINE).model_copy(
            update={"roadmap_only": True}
        )
    return None


def _diagram(parsed: ParsedDesign) -> str:
    from designkit.diagram.drawing import embeddable

    return embeddable(parsed)


def _known(
    card: Scorecard, design: Design, baseline: Path
) -> list[tuple[Finding | LintError, KnownFinding]]:
    """Each open finding and lint error of ``card`` with its known-findings entry.

    Lint errors are recorded too: they decide the verdict, so a legacy design whose
    contradictions are known must pass until a new one appears.
    """
    file = relative_to(baseline, card.file)
    data = design.model_dump(mode="json")  # once, not once per finding
    findings: list[tuple[Finding | LintError, KnownFinding]] = [
        (
            finding,
            KnownFinding(
                relative_to(baseline, finding.path or card.file),
                finding.criterion,
                stable_field(design, finding.field, data),
                finding.title,
            ),
        )
        for finding in card.findings
        if not finding.suppressed
    ]
    findings += [
        (
            error,
            KnownFinding(file, error.code, stable_field(design, error.field, data), error.message),
        )
        for error in card.lint_errors
    ]
    return findings


def _check_baseline_ids(baseline: Path, known: KnownIds) -> list[str]:
    """Every rule a known-findings file names must exist; a hand-edited typo would
    otherwise hide nothing and say nothing."""
    read_baseline(baseline)  # a broken file is reported as such first
    rules = baseline_rules(baseline)
    first_lines = dict(reversed(rules))  # an id written twice: its first line
    return check_ids(first_lines, known, IdSource(_shown(baseline), first_lines, "hiding"))


def _without_known(
    card: Scorecard, design: Design, baseline: Path, known: Collection[str]
) -> tuple[Scorecard, int]:
    """``card`` less the findings the known-findings file records, and how many it hid."""
    hidden = {
        id(finding)
        for finding, entry in _known(card, design, baseline)
        if entry.fingerprint in known
    }
    if not hidden:
        return card, 0
    return with_findings(
        card,
        [f for f in card.findings if id(f) not in hidden],
        [e for e in card.lint_errors if id(e) not in hidden],
    ), len(hidden)


def _shown(path: Path) -> str:
    """A file as messages name it: relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
