"""``designkit explain ID``: why a criterion or lint code matters, what passes and fails,
how to fix it; for a red-flag code, the library's meaning and the criteria that detect it.

The same :class:`Explanation` is the ``help`` of SARIF rules and the
explanation the HTML report folds under its findings, so a reviewer reads one
text wherever they meet an id. Criteria take their words from the rubric
(``why``, ``remediation``, an optional ``example`` with ``pass``/``fail``
snippets); without an example the passing snippet is the one the remediation
quotes after "e.g.". The check itself is described in words, so the rule stays
the single source of what passes.

A red-flag code (``SEC-01``) is explained from the red-flag library, with the
criteria of the rubric that carry it, or a plain statement that none of them can
detect it from a design document: a reviewer must not take the absence of a
finding for the absence of the problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from designkit.errors import UserError
from designkit.rubric.red_flags import LEGACY_BEFORE
from designkit.rubric.schema import Criterion, Dimension, Rubric
from designkit.rubric.wording import fill


@dataclass(frozen=True)
class Explanation:
    id: str
    title: str
    facts: str
    """One line: where the id comes from, its level and severity."""
    why: str
    passes: str
    fails: str
    pass_examples: tuple[str, ...]
    fail_examples: tuple[str, ...]
    fix: str

    def text(self, width: int | None = 88) -> str:
        """Plain text, for the terminal (wrapped) and SARIF ``help.text`` (``width=None``)."""

        def wrap(text: str) -> list[str]:
            return _wrap(text, width) if width else [f"  {text}"]

        lines = [f"{self.id}: {self.title}", f"  {self.facts}", "", "Why it matters"]
        lines += wrap(self.why)
        lines += ["", "What passes", *wrap(self.passes), *_snippets(self.pass_examples)]
        lines += ["", "What fails", *wrap(self.fails), *_snippets(self.fail_examples)]
        lines += ["", "How to fix", *wrap(self.fix)]
        return "\n".join(lines) + "\n"

    def markdown(self) -> str:
        """GitHub-flavoured Markdown, for SARIF ``help.markdown``."""
        parts = [
            f"**{self.id}: {_md(self.title)}**",
            f"*{_md(self.facts)}*",
            f"**Why it matters.** {_md(self.why)}",
            f"**What passes.** {_md(self.passes)}",
            *(_fence(e) for e in self.pass_examples),
            f"**What fails.** {_md(self.fails)}",
            *(_fence(e) for e in self.fail_examples),
            f"**How to fix.** {_md(self.fix)}",
        ]
        return "\n\n".join(parts) + "\n"


def _md(text: str) -> str:
    """Escaped Markdown; `code spans` (paths, patterns) kept as code, their text literal.

    :func:`~designkit.report.markdown.escape` is made for table cells and trims
    each piece of text, so the spaces around a code span are put back here: without
    them "when `x` is filled" would read "when`x`is filled". The help is never a
    table cell, so a ``|`` in a code span stays itself (a pattern means what it says).
    """
    from designkit.report.markdown import escape

    pieces: list[str] = []
    for part in re.split(r"(`[^`\n]*`)", text):
        if part.startswith("`") and len(part) > 1:
            pieces.append(part)
            continue
        body = escape(part)
        before = " " if part[:1].isspace() else ""
        after = " " if part[-1:].isspace() and body else ""
        pieces.append(f"{before}{body}{after}")
    return "".join(pieces)


def _fence(snippet: str) -> str:
    ticks = "```"
    while ticks in snippet:
        ticks += "`"
    return f"{ticks}markdown\n{snippet}\n{ticks}"


def _wrap(text: str, width: int = 88) -> list[str]:
    import textwrap

    wrapped = textwrap.wrap(
        text, width, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False
    )  # ids such as REL-DR-TARGETS stay whole
    return wrapped or ["  –"]


def _snippets(examples: Sequence[str]) -> list[str]:
    lines: list[str] = []
    for example in examples:
        lines.append("  e.g.")
        lines += [f"      {line}" for line in example.splitlines()]
    return lines


# ---------------------------------------------------------------- checks in words


def _code(value: Any) -> str:
    return f"`{value}`"


def describe_check(check: Mapping[str, Any]) -> str:
    """A rubric check in words: ``{present: {path: x}}`` -> "`x` is filled in"."""
    if not isinstance(check, Mapping) or len(check) != 1:
        return "the check passes"
    ((kind, args),) = check.items()
    if kind == "all_of":
        return " and ".join(f"({describe_check(c)})" for c in args)
    if kind == "any_of":
        return " or ".join(f"({describe_check(c)})" for c in args)
    if kind == "not":
        return f"not ({describe_check(args)})"
    path = _code(args.get("path", "?"))
    if kind == "present":
        return f"{path} is filled in"
    if kind == "equals":
        return f"{path} is {_code(args['value'])}"
    if kind == "one_of":
        return f"{path} is one of " + ", ".join(_code(v) for v in args["values"])
    if kind == "compare":
        other = args.get("value", args.get("to"))
        factor = f" × {args['factor']}" if "factor" in args else ""
        return f"{path} {args['op']} {_code(other)}{factor}"
    if kind == "count":
        low, high = args.get("min"), args.get("max")
        if low is not None and high is not None:
            return f"{path} has {low} to {high} items"
        return (
            f"{path} has at least {low} item(s)"
            if low is not None
            else f"{path} has at most {high} item(s)"
        )
    if kind == "regex":
        return f"{path} mentions /{args['pattern']}/"
    if kind == "any":
        return f"at least one item of {path} has: {describe_check(args['where'])}"
    if kind == "all":
        return f"every item of {path} has: {describe_check(args['where'])}"
    if kind == "subset":
        return f"every entry of {path} is in {_code(args['of'])}"
    return f"the {kind} check on {path} passes"


_QUOTED_EXAMPLE = re.compile(r"e\.g\.\s*'((?:[^']|'(?=\w))+)'")


def _remediation_example(remediation: str) -> str | None:
    """The snippet a remediation quotes after "e.g." (apostrophes inside words kept)."""
    match = _QUOTED_EXAMPLE.search(remediation)
    return match.group(1) if match else None


_LABEL_IN_REMEDIATION = re.compile(r"'(\*\*[^*']+\*\*)'|'(### [^']+)'")


def _template_lines() -> list[str]:
    from designkit.resources import template_path

    try:
        return template_path("integration-design-template.md").read_text("utf-8").splitlines()
    except OSError:
        return []


def _unfilled(line: str) -> bool:
    """A ``[placeholder]`` that is not a diagram box (``[Source System] --> ...`` is drawn)."""
    return "[" in line and "-->" not in line


def _template_example(remediation: str) -> str | None:
    """The blank template's unfilled line (or table row) for what the remediation names.

    A label (``'**Rationale**'``) gives its template line, a heading
    (``'### Retry Logic'``) the first placeholder row below it; only lines still
    holding a ``[placeholder]`` are used: those fail every criterion.
    """
    match = _LABEL_IN_REMEDIATION.search(remediation)
    if match is None:
        return None
    lines = _template_lines()
    label, heading = match.group(1), match.group(2)
    if label:
        found = [line for line in lines if label in line and _unfilled(line)]
        return found[0].strip() if found else None
    starts = [i for i, line in enumerate(lines) if line.strip() == heading.strip()]
    for line in lines[starts[0] + 1 : starts[0] + 12] if starts else []:
        if line.startswith("#"):
            break
        if _unfilled(line):
            return line.strip()
    return None


# ---------------------------------------------------------------- criteria and lint codes


def explain_criterion(dimension: Dimension, criterion: Criterion, rubric: Rubric) -> Explanation:
    flag = ""
    if criterion.red_flag:
        from designkit.rubric.red_flags import red_flag

        entry = red_flag(criterion.red_flag)
        meaning = f" ({entry.meaning})" if entry else ""
        flag = f" · red flag {criterion.red_flag}{meaning}"
    applies = ""
    if criterion.applies_if:
        applies = f" Applies only when {describe_check(criterion.applies_if)}."
    example = criterion.example
    remediation = fill(criterion.remediation, None)  # no design here: the neutral words
    passing = fill(example.passing, None) if example and example.passing else None
    passing = passing or _remediation_example(remediation)
    failing = fill(example.failing, None) if example and example.failing else None
    failing = failing or _template_example(remediation)
    fails = (
        "A value that does not meet this, or one that is missing, a placeholder ([X], TBD) "
        "or unparseable (reported as unknown: it holds the level back like a failure)."
    )
    if criterion.level >= 3:
        fails += " A value left exactly as the template's example counts only up to level 2."
    return Explanation(
        id=criterion.id,
        title=criterion.title,
        facts=(
            f"criterion of {rubric.name} {rubric.version} · {dimension.name} · level "
            f"{criterion.level} · severity {criterion.severity.value}{flag}"
            + ("" if criterion.enabled else " · disabled")
        ),
        why=criterion.why or criterion.title,
        passes=f"Passes when {describe_check(criterion.check)}.{applies}",
        fails=fails,
        pass_examples=(passing,) if passing else (),
        fail_examples=(failing,) if failing else (),
        fix=remediation,
    )


def explain_code(code: str) -> Explanation | None:
    from designkit.lint.codes import code_docs

    doc = code_docs().get(code.upper())
    if doc is None:
        return None
    return Explanation(
        id=doc.code,
        title=doc.title,
        facts=f"lint code {doc.name} · severity {doc.severity.value} · reported by designkit lint",
        why=doc.why or doc.title,
        passes="The document passes when none of its values shows the problem.",
        fails=f"{doc.title}.",
        pass_examples=doc.passes,
        fail_examples=doc.fails,
        fix=doc.fix or "See the examples.",
    )


@dataclass(frozen=True)
class RedFlagExplanation:
    """A red-flag code: the library's text, and which criteria of the rubric detect it."""

    code: str
    meaning: str | None
    """The library's meaning; None for a code designkit used only before 0.2."""
    facts: str
    description: str
    detected_by: tuple[tuple[str, int, str, str], ...]
    """(criterion id, level, severity, title) of each criterion carrying the code."""
    rubric: str
    before: str | None
    """What the code named before designkit 0.2, when that was something else."""

    def text(self, width: int = 88) -> str:
        title = self.meaning or "not a code of the red-flag library"
        lines = [f"{self.code}: {title}", f"  {self.facts}"]
        if self.description:
            lines += ["", "What it means", *_wrap(self.description, width)]
        if self.meaning is not None:  # a library code: say what detects it, or that nothing does
            lines += ["", f"Detected by ({self.rubric})", *self._detected(width)]
        if self.before:
            lines += ["", f"Before designkit {LEGACY_BEFORE}", *_wrap(self.before, width)]
        return "\n".join(lines) + "\n"

    def _detected(self, width: int) -> list[str]:
        if not self.detected_by:
            return _wrap(
                f"No criterion of {self.rubric} can detect {self.code} from a design "
                "document, so a design without a finding for it may still have the problem.",
                width,
            )
        widest = max(len(found[0]) for found in self.detected_by)
        lines = [
            f"  {cid:<{widest}}  L{level} {severity:<9}{title}"
            for cid, level, severity, title in self.detected_by
        ]
        ids = " ".join(found[0] for found in self.detected_by)
        return lines + _wrap(f"designkit explain {ids} shows what passes and fails.", width)


def explain_red_flag(code: str, rubric: Rubric) -> RedFlagExplanation | None:
    """The library's entry for ``code`` (or its pre-0.2 meaning), else None."""
    from designkit.rubric.red_flags import library

    wanted = code.strip().upper()
    flag = library().flags.get(wanted)
    criteria = rubric.criteria()
    titles = {c.id: c.title for _, c in criteria}
    # the old numbering only ever named criteria of the built-in rubric
    old = [c for c in library().before_0_2.get(wanted, ()) if c in titles]
    if flag is None and not old:
        return None
    detected = tuple(
        (c.id, c.level, c.severity.value, c.title)
        for _, c in criteria
        if c.red_flag == wanted and c.enabled
    )
    carried = {c.id for _, c in criteria if c.red_flag == wanted}
    lost = [c for c in old if c not in carried]  # still carried: the old use still works
    before = None
    if lost:
        named = ", ".join(f"{c} ({titles[c]})" for c in lost)
        before = (
            f"{wanted} named {named} in designkit's own numbering; a suppression, "
            f"ignore list or baseline meant for that should name {' and '.join(lost)} instead."
        )
    rubric_name = f"{rubric.name} {rubric.version}"
    if flag is None:
        return RedFlagExplanation(
            code=wanted,
            meaning=None,
            facts=f"a code designkit used before {LEGACY_BEFORE}",
            description="",
            detected_by=detected,
            rubric=rubric_name,
            before=before,
        )
    return RedFlagExplanation(
        code=flag.code,
        meaning=flag.meaning,
        facts=(
            f"red flag of the assessment kit's library · {flag.dimension} · "
            f"severity {flag.severity}"
        ),
        description=flag.description,
        detected_by=detected,
        rubric=rubric_name,
        before=before,
    )


def find(identifier: str, rubric: Rubric) -> list[Explanation]:
    """Explanations for an id: a criterion or a lint code."""
    wanted = identifier.strip().upper()
    for dimension, criterion in rubric.criteria():
        if criterion.id == wanted:
            return [explain_criterion(dimension, criterion, rubric)]
    code = explain_code(wanted)
    return [code] if code is not None else []


def explain_ids(identifiers: Sequence[str], rubric: Rubric) -> str:
    """The ``designkit explain`` output; an unknown id is a one-line error naming a close one."""
    texts: list[str] = []
    for identifier in identifiers:
        explanations = find(identifier, rubric)
        if explanations:
            texts += [e.text() for e in explanations]
            continue
        flag = explain_red_flag(identifier, rubric)
        if flag is not None:
            texts.append(flag.text())
            continue
        from designkit.rubric.ids import known_ids

        known = known_ids(rubric)
        raise UserError(f"{known.unknown(identifier)}")
    return "\n".join(texts)


def list_ids(rubric: Rubric) -> str:
    from designkit.lint.codes import code_docs
    from designkit.rubric.red_flags import red_flags

    lines = ["Lint codes:"]
    lines += [f"  {d.code}  {d.severity.value:<7}  {d.title}" for d in code_docs().values()]
    lines += ["", f"Criteria of {rubric.name} {rubric.version}:"]
    lines += [
        f"  {c.id:<32} L{c.level} {c.severity.value:<8} {c.title}" for _, c in rubric.criteria()
    ]
    carriers: dict[str, list[str]] = {}
    for _, criterion in rubric.criteria():
        if criterion.red_flag:
            carriers.setdefault(criterion.red_flag, []).append(criterion.id)
    lines += ["", "Red flags (the assessment kit's library; criteria that detect each):"]
    lines += [
        f"  {f.code}  {f.severity:<8} {f.meaning}"
        + (f" -> {', '.join(carriers[f.code])}" if f.code in carriers else " -> none")
        for f in red_flags().values()
    ]
    return "\n".join(lines) + "\n"
