"""The check kinds a rubric criterion can use. A new kind is one function here.

Every check returns an :class:`Outcome`: ``pass``, ``fail`` or ``unknown``
(the value it needs is missing, a placeholder, or unparseable), the concrete
model paths it read (the evidence, for line numbers and template defaults), a
short engine-level detail (the trace: paths, patterns, raw values) and, when it
does not pass, a :class:`Fact`: the same evidence as data, so
:mod:`designkit.rubric.wording` can say it in the design's own words and units.

Kinds (arguments in brackets are optional):

``present``   {path}                          the value is filled in (not null, not empty)
``equals``    {path, value}                   equal (strings compare case-insensitively)
``one_of``    {path, values}                  equal to one of the values
``compare``   {path, op, value | to, [factor]} numeric comparison with a number or another
                                              path (``to``), optionally scaled by ``factor``
``count``     {path, [min], [max]}            how many items a list (or ``[]`` path) has
``regex``     {path, pattern}                 a text value matches (case-insensitive search)
``subset``    {path, of, [field_names]}       every value at ``path`` is among those at ``of``
``any``       {path, where}                   some list item passes the ``where`` check
``all``       {path, where}                   every list item passes (and there is one)
``all_of``    [checks]                        every sub-check passes
``any_of``    [checks]                        at least one sub-check passes
``not``       check                           the sub-check fails
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from designkit.rubric.paths import Found, Path, PathError, compile_path, resolve

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


@dataclass(slots=True)  # not frozen: built on every failing sub-check, and frozen costs more
class Fact:
    """What a check that did not pass saw, as data rather than text.

    Built only on the failing path (passing checks never pay for it). ``kind`` is
    the check kind that decided (``missing`` when the value was not there, ``empty``
    when a list had no items); ``path`` and ``other`` are concrete model paths,
    filters included; ``row`` is the list item the check ran inside (``any``/``all``).
    """

    kind: str
    path: str
    value: Any = None
    op: str | None = None
    other: str | None = None
    other_value: Any = None
    factor: float = 1.0
    expected: tuple[Any, ...] = ()
    row: str | None = None


@dataclass(slots=True)
class Outcome:
    status: str
    evidence: Sequence[str] = ()
    detail: str = ""
    progress: int = 0  # sub-checks of an all_of that passed before it failed: the nearest miss
    fact: Fact | None = None


@dataclass(slots=True)
class Context:
    """Where a check reads from: the document root, the current item and its concrete path.

    ``cache`` is shared by every context of one document, so a path read by many
    criteria is resolved once.
    """

    root: Mapping[str, Any]
    base: Any
    prefix: str
    cache: dict[tuple[str, str], Found] = field(default_factory=dict)
    template_row: Callable[[str], bool] | None = None
    """For criteria where template values do not count: tells ``any`` which rows are the
    template's own, so it can stop at the first real passing row instead of scanning all."""

    def get(self, path: str | Path) -> Found:
        compiled = path if type(path) is Path else compile_path(str(path))
        name = compiled.single
        if name is not None and self.prefix:
            # A field of a list item: one dict lookup costs less than caching it, and
            # most are read once (the same as ``resolve`` would find).
            base = self.base
            if isinstance(base, dict) and name in base:
                where = f"{self.prefix}.{name}"
                value = base[name]
                return Found([(where, value)], value, True, (where,))
            return Found([], [], False, ())
        key = (compiled.text, "" if compiled.absolute else self.prefix)
        cache = self.cache
        found = cache.get(key)
        if found is None:
            found = cache[key] = resolve(compiled, self.root, self.base, self.prefix)
        return found

    def child(self, base: Any, prefix: str) -> Context:
        return Context(self.root, base, prefix, self.cache, self.template_row)

    def name(self, path: str | Path) -> str:
        """A path as the report shows it: concrete inside ``any``/``all`` items."""
        text = path.text if isinstance(path, Path) else path
        if text.startswith("/") or not self.prefix:
            return text.lstrip("/")
        return f"{self.prefix}.{text}"


Compiled = Callable[[Context], Outcome]
"""A check compiled once by :func:`compile_check`: paths, patterns and sub-checks prepared."""


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


def _evidence(found: Found) -> Sequence[str]:
    return found.evidence


def _show(value: Any) -> str:
    if isinstance(value, float):
        value = round(value, 6)  # the trace shows 1296, not 1295.9999999999263
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:57] + "...")
    return repr(value) if isinstance(value, str) else str(value)


@kind("present", required=("path",))
def _present(args: Mapping[str, Any], ctx: Context) -> Outcome:
    path = args["path"] if isinstance(args["path"], Path) else compile_path(args["path"])
    found = ctx.get(path)
    if path.filter is None and path.flattens:
        ok = any(_filled(value) for _, value in found.items)
    else:
        ok = _filled(found.value)
    if ok:
        return Outcome(PASS, _evidence(found))
    name = ctx.name(args["path"])
    return Outcome(
        FAIL,
        _evidence(found),
        f"{name} is not filled in",
        fact=Fact("present", name, row=ctx.prefix or None),
    )


def _missing(ctx: Context, path: Any, evidence: Sequence[str]) -> Outcome:
    """The value a check needs is not there (missing, a placeholder, unparseable)."""
    name = ctx.name(path)
    return Outcome(
        UNKNOWN,
        evidence,
        f"{name} is not filled in",
        fact=Fact("missing", name, row=ctx.prefix or None),
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
        return _missing(ctx, args["path"], _evidence(found))
    if any(_same(value, expected) for expected in args["values"]):
        return Outcome(PASS, _evidence(found))
    wanted = " or ".join(_show(v) for v in args["values"])
    name = ctx.name(args["path"])
    return Outcome(
        FAIL,
        _evidence(found),
        f"{name} is {_show(value)}, expected {wanted}",
        fact=Fact("one_of", name, value, expected=tuple(args["values"]), row=ctx.prefix or None),
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
    evidence = list(found.evidence)
    if "to" in args:
        against = ctx.get(args["to"])
        right = _number(_scalar(against))
        evidence.extend(against.evidence)
        right_text = args["to"]
    else:
        right = _number(args["value"])
        right_text = _show(args["value"])
        if right is None:
            raise CheckError("'value' must be a number", ("value",))
    if left is None or right is None:
        return _missing(ctx, args["path"] if left is None else args["to"], evidence)
    factor = float(args.get("factor", 1))
    if OPERATORS[args["op"]](left, right * factor):
        return Outcome(PASS, evidence)
    scale = f" x {_show(factor)}" if factor != 1 else ""
    other = ctx.name(args["to"]) if "to" in args else None
    if other is not None:
        right_text = other
    name = ctx.name(args["path"])
    detail = f"{name} is {_show(left)}, needs {args['op']} {right_text}{scale}" + (
        f" ({_show(right * factor)})" if other is not None else ""
    )
    fact = Fact("compare", name, left, args["op"], other, right, factor, row=ctx.prefix or None)
    return Outcome(FAIL, evidence, detail, fact=fact)


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
    if ok:
        return Outcome(PASS, _evidence(found))
    name = ctx.name(args["path"])
    return Outcome(
        FAIL,
        _evidence(found),
        f"{name} has {size} item(s), needs {bounds}",
        fact=Fact("count", name, size, expected=(low, high), row=ctx.prefix or None),
    )


@lru_cache(maxsize=512)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


class LoweredPattern:
    """A case-insensitive search done as a plain search of lower-cased text: several times
    faster than ``re.IGNORECASE``, and the same for patterns without upper-case escapes
    (``\\S``, ``\\W``, ``\\D``, ``\\B``, ``\\N``...), which lower-casing would change."""

    __slots__ = ("compiled", "pattern")

    def __init__(self, text: str) -> None:
        self.pattern = text
        self.compiled = re.compile(text.lower())

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text.lower())


_UPPER_ESCAPE = re.compile(r"\\[A-Z]")


def _fast_pattern(text: str) -> re.Pattern[str] | LoweredPattern:
    if _UPPER_ESCAPE.search(text) or "(?" in text:
        return _pattern(text)
    # Still reject a bad expression, as validation did: the same flagless compile, so for a
    # pattern already in lower case (most) it and LoweredPattern's are one entry of re's cache.
    re.compile(text)
    return LoweredPattern(text)


@kind("regex", required=("path", "pattern"))
def _regex(args: Mapping[str, Any], ctx: Context) -> Outcome:
    pattern = args["pattern"]
    if not isinstance(pattern, re.Pattern | LoweredPattern):
        try:
            pattern = _pattern(pattern)
        except re.error as error:
            raise CheckError(f"bad regular expression: {error}", ("pattern",)) from None
    found = ctx.get(args["path"])
    value = found.value
    if type(value) is str:  # the common case: one text
        texts = [value] if value else []
    else:
        texts = [
            v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v
        ]
    if not texts:
        return _missing(ctx, args["path"], _evidence(found))
    search = pattern.search
    ok = any(search(text) for text in texts) if len(texts) > 1 else search(texts[0]) is not None
    if ok:
        return Outcome(PASS, _evidence(found))
    name = ctx.name(args["path"])
    return Outcome(
        FAIL,
        _evidence(found),
        f"{name} does not mention /{pattern.pattern}/",
        fact=Fact("regex", name, expected=(pattern.pattern,), row=ctx.prefix or None),
    )


def _empty(ctx: Context, path: Any, found: Found) -> Outcome:
    name = ctx.name(path)
    return Outcome(
        FAIL,
        _evidence(found),
        f"{name} has no items",
        fact=Fact("empty", name, row=ctx.prefix or None),
    )


def _items(args: Mapping[str, Any], ctx: Context) -> tuple[list[tuple[str, Any]], Found]:
    found = ctx.get(args["path"])
    if len(found.items) == 1 and isinstance(found.items[0][1], list):
        where, items = found.items[0]
        return [(f"{where}[{i}]", item) for i, item in enumerate(items)], found
    return found.items, found


@kind("any", required=("path", "where"))
def _any(args: Mapping[str, Any], ctx: Context) -> Outcome:
    """Passes when some item passes; every passing item is evidence, so one real row among
    template rows is enough to escape the template-default rule."""
    items, found = _items(args, ctx)
    if not items:
        return _empty(ctx, args["path"], found)
    unknown: Outcome | None = None
    nearest: Outcome | None = None
    passing: list[str] = []
    for where, item in items:
        outcome = args["where"](ctx.child(item, where))
        if outcome.status == PASS:
            passing.append(where)
            if ctx.template_row is None or not ctx.template_row(where):
                break
        elif outcome.status == UNKNOWN and unknown is None:
            unknown = outcome
        elif outcome.status == FAIL and (nearest is None or outcome.progress > nearest.progress):
            nearest = outcome
    if passing:
        return Outcome(PASS, passing)
    if unknown is not None:
        return Outcome(
            UNKNOWN,
            unknown.evidence,
            f"no item of {ctx.name(args['path'])} passes: {unknown.detail}",
            fact=unknown.fact,
        )
    evidence = nearest.evidence if nearest and nearest.evidence else [where for where, _ in items]
    return Outcome(
        FAIL,
        evidence,
        f"no item of {ctx.name(args['path'])} passes"
        + (f" (nearest: {nearest.detail})" if nearest and nearest.detail else ""),
        fact=nearest.fact if nearest is not None else None,
    )


@kind("all", required=("path", "where"))
def _all(args: Mapping[str, Any], ctx: Context) -> Outcome:
    items, found = _items(args, ctx)
    if not items:
        return _empty(ctx, args["path"], found)
    evidence: list[str] = []
    unknown: Outcome | None = None
    for where, item in items:
        outcome = args["where"](ctx.child(item, where))
        if outcome.status == FAIL:
            return Outcome(FAIL, [where, *outcome.evidence], outcome.detail, fact=outcome.fact)
        if outcome.status == UNKNOWN and unknown is None:
            unknown = Outcome(
                UNKNOWN, [where, *outcome.evidence], outcome.detail, fact=outcome.fact
            )
        evidence.append(where)
    return unknown or Outcome(PASS, evidence)


def _member_keys(value: Any, field_names: bool) -> set[str]:
    text = str(value).strip().strip("`").lower()
    keys = {text}
    if field_names:
        for mark in ("[", "."):
            cut = text.find(mark)
            if cut > 0:
                keys.add(text[:cut])
        if "." in text:
            keys.add(text.split(".", 1)[1])
    return keys


@kind("subset", required=("path", "of"), optional=("field_names",))
def _subset(args: Mapping[str, Any], ctx: Context) -> Outcome:
    """Every value at ``path`` is among the values at ``of`` (case-insensitive); with
    ``field_names: true``, ``Order.order_id``, ``address.city`` and ``lines[].sku`` match
    ``order_id``, ``address`` and ``lines[].sku``."""
    found = ctx.get(args["path"])
    pool = ctx.get(args["of"])
    values = [v for _, v in found.items if _filled(v)]
    known = {str(v).strip().strip("`").lower() for _, v in pool.items if _filled(v)}
    evidence = _evidence(found)
    if not values or not known:
        return _missing(ctx, args["path"] if not values else args["of"], evidence)
    field_names = bool(args.get("field_names", False))
    for where, value in found.items:
        if _filled(value) and not (_member_keys(value, field_names) & known):
            other = ctx.name(args["of"])
            return Outcome(
                FAIL,
                [where],
                f"{where} is {_show(value)}, not one of {other}",
                fact=Fact("subset", where, value, other=other, row=ctx.prefix or None),
            )
    return Outcome(PASS, evidence)


@kind("all_of", takes="list")
def _all_of(checks: list[Any], ctx: Context) -> Outcome:
    evidence: list[str] = []
    unknown: Outcome | None = None
    for passed, check in enumerate(checks):
        outcome = check(ctx)
        evidence.extend(outcome.evidence)
        if outcome.status == FAIL:
            return Outcome(FAIL, evidence, outcome.detail, passed, outcome.fact)
        if outcome.status == UNKNOWN and unknown is None:
            unknown = outcome
    if unknown is not None:
        return Outcome(UNKNOWN, evidence, unknown.detail, fact=unknown.fact)
    return Outcome(PASS, evidence)


@kind("any_of", takes="list")
def _any_of(checks: list[Any], ctx: Context) -> Outcome:
    evidence: list[str] = []
    first: Outcome | None = None
    unknown: Outcome | None = None  # an unknown result is worded by what is missing
    for check in checks:
        outcome = check(ctx)
        if outcome.status == PASS:
            return Outcome(PASS, outcome.evidence)
        evidence.extend(outcome.evidence)
        if unknown is None and outcome.status == UNKNOWN:
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


@kind("not", takes="check")
def _not(check: Compiled, ctx: Context) -> Outcome:
    outcome = check(ctx)
    if outcome.status == UNKNOWN:
        return outcome
    if outcome.status == FAIL:
        return Outcome(PASS, outcome.evidence)
    where = outcome.evidence[0] if outcome.evidence else ctx.prefix
    return Outcome(
        FAIL,
        outcome.evidence,
        "the opposite holds",
        fact=Fact("not", where, row=ctx.prefix or None),
    )


def _prepare(args: Any, spec: Kind) -> Any:
    """Arguments with paths, patterns and sub-checks compiled once."""
    if spec.takes == "list":
        return [compile_check(check) for check in args]
    if spec.takes == "check":
        return compile_check(args)
    prepared = dict(args)
    for key in ("path", "to", "of"):
        if key in prepared:
            prepared[key] = compile_path(str(prepared[key]))
    if "pattern" in prepared:
        prepared["pattern"] = _fast_pattern(str(prepared["pattern"]))
    if "where" in prepared:
        prepared["where"] = compile_check(prepared["where"])
    return prepared


def compile_check(check: Mapping[str, Any]) -> Compiled:
    """A (validated) check as a function of a context.

    Not cached here: scoring compiles each criterion once per rubric (the engine's
    plans live as long as their rubric); a module-level cache keyed by the check
    kept every rubric ever loaded alive, about 0.3 MB per ``load_rubric`` call.
    """
    ((name, args),) = check.items()
    spec = KINDS[name]
    compiled: Compiled = partial(spec.evaluate, _prepare(args, spec))
    return compiled


def evaluate(check: Mapping[str, Any] | Compiled, ctx: Context) -> Outcome:
    """Run one (already validated) check."""
    if callable(check):
        return check(ctx)
    return compile_check(check)(ctx)


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
    for key in ("path", "to", "of"):
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
        try:  # without IGNORECASE, which changes no syntax: the compile scoring reuses
            re.compile(str(args["pattern"]))
        except re.error as error:
            raise CheckError(f"bad regular expression: {error}", (*here, "pattern")) from None
    if name == "one_of" and not isinstance(args["values"], list):
        raise CheckError("'values' must be a list", (*here, "values"))
    if name in ("any", "all"):
        validate(args["where"], (*here, "where"))
