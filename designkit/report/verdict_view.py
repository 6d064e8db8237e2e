"""The overall result worded once: every format shows the same score, level, risk and verdict.

Reports differ in markup, not in words: a test holds text, JSON, Markdown,
HTML, SARIF, JUnit and GitHub output to the same verdict, level and risk for
the same input, which only stays true if they all take their phrases from here.
"""

from __future__ import annotations

from designkit.rubric.scorecard import DimensionResult, Overall, Scorecard, Verdict

BASIS = "preliminary, static assessment: scored from the document alone, without runtime data"

VERDICT_WORDS: dict[Verdict, str] = {
    Verdict.APPROVED: "approved",
    Verdict.APPROVED_WITH_CONDITIONS: "approved with conditions",
    Verdict.REVISIONS_REQUIRED: "revisions required",
}


def verdict_words(overall: Overall) -> str:
    """``approved with conditions``."""
    return VERDICT_WORDS[overall.verdict]


def verdict_with_reasons(overall: Overall) -> str:
    """``revisions required (2 critical findings, 1 lint error)``."""
    words = verdict_words(overall)
    return f"{words} ({', '.join(overall.reasons)})" if overall.reasons else words


def score_words(overall: Overall) -> str:
    """``3.4 / 5`` or ``needs assessment``."""
    return "needs assessment" if overall.score is None else f"{overall.score:.1f} / 5"


def level_words(overall: Overall) -> str:
    """``level 3 (Centralized)``, or nothing to say when no dimension was assessed."""
    if overall.level is None:
        return "no level (needs assessment)"
    return f"level {overall.level} ({overall.label})"


def risk_words(overall: Overall) -> str:
    """``risk medium``."""
    return "risk not rated" if overall.risk is None else f"risk {overall.risk.value}"


def target_words(overall: Overall) -> str:
    """``target 3: met``; the target is reported beside the verdict, never mixed into it."""
    if overall.target_level is None:
        return "no maturity target set"
    if overall.meets_target is None:
        return f"target {overall.target_level}: not assessable"
    return f"target {overall.target_level}: {'met' if overall.meets_target else 'not met'}"


def weakest_words(overall: Overall) -> str:
    """``weakest: Security & Compliance, level 2``."""
    weakest = overall.weakest
    return "" if weakest is None else f"weakest: {weakest.name}, level {weakest.level}"


def headline(overall: Overall) -> str:
    """One line with everything a reviewer decides on."""
    parts = [
        f"overall {score_words(overall)}",
        level_words(overall),
        risk_words(overall),
        f"verdict: {verdict_with_reasons(overall)}",
        target_words(overall),
    ]
    return "; ".join(parts)


KIND_NAMES = {
    "improvement_roadmap": "an improvement roadmap",
    "adr": "an architecture decision record",
    "current_state": "a current-state description",
    "review_report": "a review report",
    "requirements": "a requirements document",
}


def kind_words(card: Scorecard) -> str:
    """``a review report, scored as a design: 6 of 8 dimensions need assessment``; empty
    for a design, which is what the rubric was written for."""
    kind = KIND_NAMES.get(card.document_kind)
    if kind is None:
        return ""
    missing = len(card.overall.needs_assessment)
    return (
        f"{kind}, scored as a design: {missing} of {len(card.dimensions)} dimensions "
        "need assessment"
    )


def dimension_level(dimension: DimensionResult) -> str:
    """``3`` or ``needs assessment``."""
    return "needs assessment" if dimension.level is None else str(dimension.level)


def dimension_next(dimension: DimensionResult) -> str:
    """``88% of level 4``, ``top level``, or what is missing."""
    if dimension.level is None:
        return "needs assessment: its sections are absent or still template text"
    if dimension.next_level is None:
        return "top level"
    return f"{dimension.progress:.0%} of level {dimension.next_level}"
