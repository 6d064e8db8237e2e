"""The kinds that combine other checks: ``any`` and ``all`` over a list's rows, and
``all_of``, ``any_of`` and ``not`` over sub-checks, each compiled into a closure over
its already compiled sub-checks (see :mod:`designkit.rubric.check_kinds`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from designkit.rubric.check_kinds import kind
from designkit.rubric.outcome import (
    FAIL,
    PASS,
    UNKNOWN,
    Compiled,
    Context,
    Fact,
    Outcome,
    reader,
)
from designkit.rubric.paths import Found, Path
from designkit.rubric.row_tests import RowTest


def _rows(found: Found) -> list[tuple[str, Any]]:
    """The items ``any``/``all`` run over: a list's rows, or every value a ``[]`` path found.

    Kept on ``found`` (which a document's cache keeps): the several criteria over one
    table name its rows once.
    """
    rows = found.rows
    if rows is None:
        items = found.items
        if len(items) == 1 and isinstance(items[0][1], list):
            where, values = items[0]
            rows = [(f"{where}[{i}]", row) for i, row in enumerate(values)]
        else:
            rows = items
        found.rows = rows
    return rows


def _empty(ctx: Context, text: str, found: Found) -> Outcome:
    name = ctx.name(text)
    return Outcome(
        FAIL,
        found.evidence,
        f"{name} has no items",
        fact=Fact("empty", name, row=ctx.prefix or None),
    )


@kind("any", required=("path", "where"))
def _any(args: Mapping[str, Any]) -> Compiled:
    """Passes when some item passes; every passing item is evidence, so one real row among
    template rows is enough to escape the template-default rule."""
    path: Path = args["path"]
    read, text = reader(path), path.text
    where_check: Compiled = args["where"]
    passes: RowTest | None = args.get("row_test")

    def any_item(ctx: Context) -> Outcome:
        found = read(ctx)
        items = _rows(found)
        if not items:
            return _empty(ctx, text, found)
        unknown: Outcome | None = None
        nearest: Outcome | None = None
        passing: list[str] = []
        root, cache, template_row = ctx.root, ctx.cache, ctx.template_row
        if passes is not None:
            # Only the passing rows matter when one passes; the others' outcomes are
            # worked out below only when none does.
            for where, item in items:
                if passes(item, where):
                    passing.append(where)
                    if template_row is None or not template_row(where):
                        break
            if passing:
                return Outcome(PASS, passing)
        for where, item in items:
            outcome = where_check(Context(root, item, where, cache, template_row))
            status = outcome.status
            if status == PASS:
                passing.append(where)
                if template_row is None or not template_row(where):
                    break
            elif status == UNKNOWN and unknown is None:
                unknown = outcome
            elif status == FAIL and (nearest is None or outcome.progress > nearest.progress):
                nearest = outcome
        if passing:
            return Outcome(PASS, passing)
        if unknown is not None:
            return Outcome(
                UNKNOWN,
                unknown.evidence,
                f"no item of {ctx.name(text)} passes: {unknown.detail}",
                fact=unknown.fact,
            )
        evidence = (
            nearest.evidence if nearest and nearest.evidence else [where for where, _ in items]
        )
        return Outcome(
            FAIL,
            evidence,
            f"no item of {ctx.name(text)} passes"
            + (f" (nearest: {nearest.detail})" if nearest and nearest.detail else ""),
            fact=nearest.fact if nearest is not None else None,
        )

    return any_item


@kind("all", required=("path", "where"))
def _all(args: Mapping[str, Any]) -> Compiled:
    path: Path = args["path"]
    read, text = reader(path), path.text
    where_check: Compiled = args["where"]
    passes: RowTest | None = args.get("row_test")

    def all_items(ctx: Context) -> Outcome:
        found = read(ctx)
        items = _rows(found)
        if not items:
            return _empty(ctx, text, found)
        evidence: list[str] = []
        unknown: Outcome | None = None
        root, cache, template_row = ctx.root, ctx.cache, ctx.template_row
        for where, item in items:
            if passes is not None and passes(item, where):
                evidence.append(where)
                continue
            outcome = where_check(Context(root, item, where, cache, template_row))
            status = outcome.status
            if status == FAIL:
                return Outcome(FAIL, [where, *outcome.evidence], outcome.detail, fact=outcome.fact)
            if status == UNKNOWN and unknown is None:
                unknown = Outcome(
                    UNKNOWN, [where, *outcome.evidence], outcome.detail, fact=outcome.fact
                )
            evidence.append(where)
        return unknown or Outcome(PASS, evidence)

    return all_items


@kind("all_of", takes="list")
def _all_of(checks: list[Compiled]) -> Compiled:
    subs = tuple(checks)

    def all_of(ctx: Context) -> Outcome:
        evidence: list[str] = []
        unknown: Outcome | None = None
        for passed, check in enumerate(subs):
            outcome = check(ctx)
            evidence.extend(outcome.evidence)
            status = outcome.status
            if status == FAIL:
                return Outcome(FAIL, evidence, outcome.detail, passed, outcome.fact)
            if status == UNKNOWN and unknown is None:
                unknown = outcome
        if unknown is not None:
            return Outcome(UNKNOWN, evidence, unknown.detail, fact=unknown.fact)
        return Outcome(PASS, evidence)

    return all_of


@kind("any_of", takes="list")
def _any_of(checks: list[Compiled]) -> Compiled:
    subs = tuple(checks)

    def any_of(ctx: Context) -> Outcome:
        evidence: list[str] = []
        first: Outcome | None = None
        unknown: Outcome | None = None  # an unknown result is worded by what is missing
        for check in subs:
            outcome = check(ctx)
            status = outcome.status
            if status == PASS:
                return Outcome(PASS, outcome.evidence)
            evidence.extend(outcome.evidence)
            if unknown is None and status == UNKNOWN:
                unknown = outcome
            if first is None and outcome.detail:
                first = outcome
        worded = unknown or first
        return Outcome(
            FAIL if unknown is None else UNKNOWN,
            evidence,
            first.detail if first else "",
            fact=worded.fact if worded is not None else None,
        )

    return any_of


@kind("not", takes="check")
def _not(check: Compiled) -> Compiled:
    def negated(ctx: Context) -> Outcome:
        outcome = check(ctx)
        status = outcome.status
        if status == UNKNOWN:
            return outcome
        if status == FAIL:
            return Outcome(PASS, outcome.evidence)
        where = outcome.evidence[0] if outcome.evidence else ctx.prefix
        return Outcome(
            FAIL,
            outcome.evidence,
            "the opposite holds",
            fact=Fact("not", where, row=ctx.prefix or None),
        )

    return negated
