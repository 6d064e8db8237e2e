"""The check kinds a rubric criterion can use. A new kind is one function here.

Every check returns an :class:`Outcome`: ``pass``, ``fail`` or ``unknown``
(the value it needs is missing, a placeholder, or unparseable), the concrete
model paths it read (the evidence, for line numbers and template defaults) and
a short detail for the report.

Kinds (arguments in brackets are optional):

``present``   {path}                          the value is filled in (not null, not empty)
``equals``    {path, value}                   equal (strings compare case-insensitively)
``one_of``    {path, values}                  equal to one of the values
``compare``   {path, op, value | to, [factor]} numeric comparison with a number or another
                                              path (``to``), optionally scaled by ``factor``
``count``     {path, [min], [max]}            how many items a list (or ``[]`` path) has
``regex``     {path, pattern}                 a text value matches (case-insensitive search)
``any``       {path, where}                   some list item passes the ``where`` check
``all``       {path, where}                   every list item passes (and there is one)
``all_of``    [checks]                        every sub-check passes
``any_of``    [checks]                        at least one sub-check passes
``not``       check                           the sub-check fails
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from designkit.rubric.paths import Found, PathError, compile_path, resolve

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


@dataclass(slots=True)
class Outcome:
    status: str
    evidence: list[str] = field(default_factory=list)
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Context:
    root: Mapping[str, Any]
    base: Any
    prefix: str

    def get(self, path: str) -> Found:
        return resolve(compile_path(path), self.root, self.base, self.prefix)

    def name(self, path: str) -> str:
        """A path as the report shows it: concrete inside ``any``/``all`` items."""
        if path.startswith("/") or not self.prefix:
            return path.lstrip("/")
        return f"{self.prefix}.{path}"


class CheckError(ValueError):
    """A check written wrongly; ``where`` is the key path inside the check."""

    def __init__(self, message: str, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.where = where


Evaluator = Callable[[Any, Context], Outcome]


@dataclass(frozen=True, slots=True)
class Kind:
    evaluate: Evaluator
    required: frozenset[str]
    optional: frozenset[str]
    takes: str  # "mapping", "list" or "check"


KINDS: dict[str, Kind] = {}


def kind(
    name: str,
    required: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
    takes: str = "mapping",
) -> Callable[[Evaluator], Evaluator]:
    def register(function: Evaluator) -> Evaluator:
        KINDS[name] = Kind(function, frozenset(required), frozenset(optional), takes)
        return function

    return register


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str | list | dict):
        return len(value) > 0
    return True


def _evidence(found: Found) -> list[str]:
    return [where for where, _ in found.items]


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:57] + "...")
    return repr(value) if isinstance(value, str) else str(value)


@kind("present", required=("path",))
def _present(args: Mapping[str, Any], ctx: Context) -> Outcome:
    found = ctx.get(args["path"])
    if (
        found.items
        and all(not isinstance(v, list) for _, v in found.items)
        and len(found.items) > 1
    ):
        ok = any(_filled(value) for _, value in found.items)
    else:
        ok = _filled(found.value)
    return Outcome(
        PASS if ok else FAIL,
        _evidence(found),
        "" if ok else f"{ctx.name(args['path'])} is not filled in",
    )


def _scalar(found: Found) -> Any:
    value = found.value
    if isinstance(value, list) and len(value) == 1 and found.items and "[" in found.items[0][0]:
        return value[0]
    return value


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.strip().lower() == right.strip().lower()
    if isinstance(left, int | float) and isinstance(right, int | float):
        return float(left) == float(right)
    return bool(left == right)


@kind("equals", required=("path", "value"))
def _equals(args: Mapping[str, Any], ctx: Context) -> Outcome:
    return _one_of({"path": args["path"], "values": [args["value"]]}, ctx)


@kind("one_of", required=("path", "values"))
def _one_of(args: Mapping[str, Any], ctx: Context) -> Outcome:
    found = ctx.get(args["path"])
    value = _scalar(found)
    if not _filled(value) and value is not False:
        return Outcome(UNKNOWN, _evidence(found), f"{ctx.name(args['path'])} is not filled in")
    ok = any(_same(value, expected) for expected in args["values"])
    wanted = " or ".join(_show(v) for v in args["values"])
    return Outcome(
        PASS if ok else FAIL,
        _evidence(found),
        "" if ok else f"{ctx.name(args['path'])} is {_show(value)}, expected {wanted}",
    )


OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


@kind("compare", required=("path", "op"), optional=("value", "to", "factor"))
def _compare(args: Mapping[str, Any], ctx: Context) -> Outcome:
    if args["op"] not in OPERATORS:
        raise CheckError(f"unknown operator {args['op']!r} (use {', '.join(OPERATORS)})", ("op",))
    if ("value" in args) == ("to" in args):
        raise CheckError("compare needs exactly one of 'value' or 'to'")
    found = ctx.get(args["path"])
    left = _number(_scalar(found))
    evidence = _evidence(found)
    if "to" in args:
        other = ctx.get(args["to"])
        right = _number(_scalar(other))
        evidence += _evidence(other)
        right_text = args["to"]
    else:
        right = _number(args["value"])
        right_text = _show(args["value"])
        if right is None:
            raise CheckError("'value' must be a number", ("value",))
    if left is None or right is None:
        missing = args["path"] if left is None else args["to"]
        return Outcome(UNKNOWN, evidence, f"{ctx.name(missing)} is not filled in")
    factor = float(args.get("factor", 1))
    ok = OPERATORS[args["op"]](left, right * factor)
    scale = f" x {_show(factor)}" if factor != 1 else ""
    if "to" in args:
        right_text = ctx.name(args["to"])
    detail = (
        ""
        if ok
        else (
            f"{ctx.name(args['path'])} is {_show(left)}, needs {args['op']} "
            f"{right_text}{scale}" + (f" ({_show(right * factor)})" if "to" in args else "")
        )
    )
    return Outcome(PASS if ok else FAIL, evidence, detail)


@kind("count", required=("path",), optional=("min", "max"))
def _count(args: Mapping[str, Any], ctx: Context) -> Outcome:
    found = ctx.get(args["path"])
    value = found.value
    items = value if isinstance(value, list) else ([] if value is None else [value])
    size = len([item for item in items if _filled(item)])
    low, high = args.get("min"), args.get("max")
    ok = (low is None or size >= low) and (high is None or size <= high)
    bounds = " and ".join(
        part
        for part in (
            f"at least {low}" if low is not None else "",
            f"at most {high}" if high is not None else "",
        )
        if part
    )
    return Outcome(
        PASS if ok else FAIL,
        _evidence(found),
        "" if ok else f"{ctx.name(args['path'])} has {size} item(s), needs {bounds}",
    )


@lru_cache(maxsize=512)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


@kind("regex", required=("path", "pattern"))
def _regex(args: Mapping[str, Any], ctx: Context) -> Outcome:
    try:
        pattern = _pattern(args["pattern"])
    except re.error as error:
        raise CheckError(f"bad regular expression: {error}", ("pattern",)) from None
    found = ctx.get(args["path"])
    value = found.value
    texts = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v]
    if not texts:
        return Outcome(UNKNOWN, _evidence(found), f"{ctx.name(args['path'])} is not filled in")
    ok = any(pattern.search(text) for text in texts)
    return Outcome(
        PASS if ok else FAIL,
        _evidence(found),
        "" if ok else f"{ctx.name(args['path'])} does not mention /{args['pattern']}/",
    )


def _items(args: Mapping[str, Any], ctx: Context) -> tuple[list[tuple[str, Any]], Found]:
    found = ctx.get(args["path"])
    if len(found.items) == 1 and isinstance(found.items[0][1], list):
        where, items = found.items[0]
        return [(f"{where}[{i}]", item) for i, item in enumerate(items)], found
    return found.items, found


@kind("any", required=("path", "where"))
def _any(args: Mapping[str, Any], ctx: Context) -> Outcome:
    items, found = _items(args, ctx)
    if not items:
        return Outcome(FAIL, _evidence(found), f"{args['path']} has no items")
    unknown: Outcome | None = None
    last: Outcome | None = None
    for where, item in items:
        outcome = evaluate(args["where"], Context(ctx.root, item, where))
        if outcome.status == PASS:
            return Outcome(PASS, [where, *outcome.evidence])
        if outcome.status == UNKNOWN and unknown is None:
            unknown = outcome
        last = outcome
    if unknown is not None:
        return Outcome(
            UNKNOWN, unknown.evidence, f"no item of {args['path']} passes: {unknown.detail}"
        )
    evidence = [where for where, _ in items]
    return Outcome(
        FAIL,
        evidence,
        f"no item of {args['path']} passes" + (f" ({last.detail})" if last and last.detail else ""),
    )


@kind("all", required=("path", "where"))
def _all(args: Mapping[str, Any], ctx: Context) -> Outcome:
    items, found = _items(args, ctx)
    if not items:
        return Outcome(FAIL, _evidence(found), f"{args['path']} has no items")
    evidence: list[str] = []
    unknown: Outcome | None = None
    for where, item in items:
        outcome = evaluate(args["where"], Context(ctx.root, item, where))
        if outcome.status == FAIL:
            return Outcome(FAIL, [where, *outcome.evidence], outcome.detail)
        if outcome.status == UNKNOWN and unknown is None:
            unknown = Outcome(UNKNOWN, [where, *outcome.evidence], outcome.detail)
        evidence.append(where)
    return unknown or Outcome(PASS, evidence)


@kind("all_of", takes="list")
def _all_of(checks: list[Any], ctx: Context) -> Outcome:
    evidence: list[str] = []
    unknown: Outcome | None = None
    for check in checks:
        outcome = evaluate(check, ctx)
        evidence.extend(outcome.evidence)
        if outcome.status == FAIL:
            return Outcome(FAIL, evidence, outcome.detail)
        if outcome.status == UNKNOWN and unknown is None:
            unknown = outcome
    if unknown is not None:
        return Outcome(UNKNOWN, evidence, unknown.detail)
    return Outcome(PASS, evidence)


@kind("any_of", takes="list")
def _any_of(checks: list[Any], ctx: Context) -> Outcome:
    evidence: list[str] = []
    details: list[str] = []
    unknown = False
    for check in checks:
        outcome = evaluate(check, ctx)
        if outcome.status == PASS:
            return Outcome(PASS, outcome.evidence)
        evidence.extend(outcome.evidence)
        unknown = unknown or outcome.status == UNKNOWN
        if outcome.detail:
            details.append(outcome.detail)
    return Outcome(UNKNOWN if unknown else FAIL, evidence, details[0] if details else "")


@kind("not", takes="check")
def _not(check: Any, ctx: Context) -> Outcome:
    outcome = evaluate(check, ctx)
    if outcome.status == UNKNOWN:
        return outcome
    flipped = FAIL if outcome.status == PASS else PASS
    return Outcome(flipped, outcome.evidence, "the opposite holds" if flipped == FAIL else "")


def evaluate(check: Mapping[str, Any], ctx: Context) -> Outcome:
    """Run one (already validated) check."""
    ((name, args),) = check.items()
    return KINDS[name].evaluate(args, ctx)


def validate(check: Any, where: tuple[str | int, ...] = ()) -> None:
    """Raise :class:`CheckError` (with the key path) for a check that is not well formed."""
    if not isinstance(check, Mapping) or len(check) != 1:
        raise CheckError(
            f"a check is a mapping with exactly one kind ({', '.join(sorted(KINDS))})", where
        )
    ((name, args),) = check.items()
    if name not in KINDS:
        raise CheckError(f"unknown check kind {name!r} (known: {', '.join(sorted(KINDS))})", where)
    spec = KINDS[name]
    here = (*where, name)
    if spec.takes == "list":
        if not isinstance(args, list) or not args:
            raise CheckError(f"'{name}' takes a non-empty list of checks", here)
        for index, sub in enumerate(args):
            validate(sub, (*here, index))
        return
    if spec.takes == "check":
        validate(args, here)
        return
    if not isinstance(args, Mapping):
        raise CheckError(f"'{name}' takes a mapping of arguments", here)
    missing = spec.required - set(args)
    if missing:
        raise CheckError(f"'{name}' needs {', '.join(sorted(missing))}", here)
    unknown = set(args) - spec.required - spec.optional
    if unknown:
        raise CheckError(
            f"'{name}' does not take {', '.join(sorted(unknown))}", (*here, sorted(unknown)[0])
        )
    for key in ("path", "to"):
        if key in args:
            try:
                compile_path(str(args[key]))
            except PathError as error:
                raise CheckError(str(error), (*here, key)) from None
    if name == "compare":
        if args["op"] not in OPERATORS:
            raise CheckError(
                f"unknown operator {args['op']!r} (use {', '.join(OPERATORS)})", (*here, "op")
            )
        if ("value" in args) == ("to" in args):
            raise CheckError("compare needs exactly one of 'value' or 'to'", here)
        if "value" in args and _number(args["value"]) is None:
            raise CheckError("'value' must be a number", (*here, "value"))
    if name == "regex":
        try:
            _pattern(str(args["pattern"]))
        except re.error as error:
            raise CheckError(f"bad regular expression: {error}", (*here, "pattern")) from None
    if name == "one_of" and not isinstance(args["values"], list):
        raise CheckError("'values' must be a list", (*here, "values"))
    if name in ("any", "all"):
        validate(args["where"], (*here, "where"))
