"""Every sentence a criterion can say about one design, whether it passes there or not.

Why this exists: a criterion's message is only composed when it fails, so the
designs at hand exercise a fraction of the wording. A rubric author (and the
test that keeps findings readable) needs to see what each criterion *would*
say about a design: the real finding when it fails, and for each value the
check reads, the sentence a failure of that value would produce, with the
design's own values and row names. Every sentence comes from
:func:`designkit.rubric.wording.compose`, the code path of real findings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from designkit.rubric import wording
from designkit.rubric.checks import PASS, Context, Fact, evaluate
from designkit.rubric.schema import Criterion

ROWS_PER_LIST = 3
"""List items previewed per ``any``/``all``: enough to meet real row names, not every row."""


@dataclass(frozen=True)
class Preview:
    """What one criterion says about one design."""

    criterion: str
    status: str
    messages: tuple[str, ...]
    """The real message first when the criterion does not pass, then the hypothetical ones."""
    remediation: str
    examples: tuple[str, ...]


def _scalar(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def _number(value: Any) -> float | None:
    value = _scalar(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _as_failed(kind: str, args: Mapping[str, Any], ctx: Context) -> Fact | None:
    """The fact a leaf check would report had its value failed: the design's real values."""
    row = ctx.prefix or None
    name = ctx.name(args["path"])
    found = ctx.get(args["path"])
    if kind in ("present", "regex"):
        return Fact("present" if kind == "present" else "regex", name, row=row)
    if kind in ("equals", "one_of"):
        wanted = tuple(args["values"]) if kind == "one_of" else (args["value"],)
        return Fact("one_of", name, _scalar(found.value), expected=wanted, row=row)
    if kind == "count":
        value = found.value
        size = len(value) if isinstance(value, list) else int(value is not None)
        return Fact("count", name, size, expected=(args.get("min"), args.get("max")), row=row)
    if kind == "compare":
        left = _number(found.value)
        if "to" in args:
            other: str | None = ctx.name(args["to"])
            right = _number(ctx.get(args["to"]).value)
        else:
            other, right = None, _number(args["value"])
        if left is None or right is None:
            return Fact("missing", name if left is None else (other or name), row=row)
        factor = float(args.get("factor", 1))
        return Fact("compare", name, left, args["op"], other, right, factor, row=row)
    if kind == "subset":
        first = next(((where, v) for where, v in found.items if v), None)
        if first is None:
            return Fact("missing", name, row=row)
        return Fact("subset", first[0], first[1], other=ctx.name(args["of"]), row=row)
    return None


def _facts(check: Mapping[str, Any], ctx: Context) -> Iterator[Fact]:
    ((kind, args),) = check.items()
    if kind in ("all_of", "any_of"):
        for sub in args:
            yield from _facts(sub, ctx)
        return
    if kind == "not":
        for fact in _facts(args, ctx):
            yield Fact("not", fact.path, row=fact.row)
        return
    if kind in ("any", "all"):
        found = ctx.get(args["path"])
        items = found.items
        if len(items) == 1 and isinstance(items[0][1], list):
            where, values = items[0]
            items = [(f"{where}[{i}]", item) for i, item in enumerate(values)]
        if not items:
            yield Fact("empty", ctx.name(args["path"]), row=ctx.prefix or None)
        for where, item in items[:ROWS_PER_LIST]:
            yield from _facts(args["where"], ctx.child(item, where))
        return
    outcome = evaluate(check, ctx)
    worded = outcome.fact if outcome.status != PASS else _as_failed(kind, args, ctx)
    if worded is not None:
        yield worded


def preview(criterion: Criterion, model: Mapping[str, Any], real: str | None = None) -> Preview:
    """What ``criterion`` says about the design whose model is ``model``.

    ``real`` is the message scoring gave when the criterion did not pass (from the
    scorecard); the rest are the sentences each value's failure would give, as a
    failure and as a missing value, and the template-default sentence of each row.
    """
    ctx = Context(model, model, "")
    outcome = evaluate(criterion.check, ctx)
    messages: list[str] = [real] if real else []
    for fact in _facts(criterion.check, ctx):
        for unknown in (False, True):
            messages.append(
                wording.compose(criterion.message, criterion.title, fact, model, unknown)
            )
        if fact.row:
            messages.append(wording.template_default(fact.row, model))
    example = criterion.example
    examples = tuple(
        wording.fill(text, model)
        for text in ((example.passing, example.failing) if example else ())
        if text
    )
    return Preview(
        criterion=criterion.id,
        status=outcome.status,
        messages=tuple(dict.fromkeys(messages)),
        remediation=wording.fill(criterion.remediation, model),
        examples=examples,
    )
