"""The check kinds that read values, each a factory compiling its arguments into a closure.

A rubric's checks are compiled once per rubric and run once per criterion per
design (150+ criteria a design, many designs a run), so each kind does its
preparation here, at compile time: arguments are read out of their mapping,
paths get a reader of their own (:func:`designkit.rubric.outcome.reader`),
patterns are compiled, expected values lower-cased. What runs per design is then
only the reading and the comparison: no dispatch on the kind, no argument
lookups. The kinds that combine checks are in :mod:`designkit.rubric.check_rows`;
the meaning of each kind is documented in :mod:`designkit.rubric.checks`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from designkit.rubric.outcome import (
    FAIL,
    PASS,
    UNKNOWN,
    CheckError,
    Compiled,
    Context,
    Fact,
    Outcome,
    filled,
    number,
    reader,
    show,
)
from designkit.rubric.paths import Found, Path, compile_path

Factory = Callable[[Any], Compiled]


@dataclass(frozen=True, slots=True)
class Kind:
    build: Factory  # prepared arguments -> the compiled check
    required: frozenset[str]
    optional: frozenset[str]
    takes: str  # "mapping", "list" or "check"


KINDS: dict[str, Kind] = {}


def kind(
    name: str,
    required: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
    takes: str = "mapping",
) -> Callable[[Factory], Factory]:
    def register(function: Factory) -> Factory:
        KINDS[name] = Kind(function, frozenset(required), frozenset(optional), takes)
        return function

    return register


def _missing(ctx: Context, text: str, evidence: Sequence[str]) -> Outcome:
    """The value a check needs is not there (missing, a placeholder, unparseable)."""
    name = ctx.name(text)
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


def same(left: Any, right: Any) -> bool:
    """Equal as ``one_of`` compares: texts case-insensitively, numbers as numbers."""
    if isinstance(left, str) and isinstance(right, str):
        return left.strip().lower() == right.strip().lower()
    if isinstance(left, int | float) and isinstance(right, int | float):
        return float(left) == float(right)
    return bool(left == right)


@kind("present", required=("path",))
def _present(args: Mapping[str, Any]) -> Compiled:
    path: Path = args["path"]
    read, text = reader(path), path.text
    flattens = path.filter is None and path.flattens

    def present(ctx: Context) -> Outcome:
        found = read(ctx)
        ok = any(filled(value) for _, value in found.items) if flattens else filled(found.value)
        if ok:
            return Outcome(PASS, found.evidence)
        name = ctx.name(text)
        return Outcome(
            FAIL,
            found.evidence,
            f"{name} is not filled in",
            fact=Fact("present", name, row=ctx.prefix or None),
        )

    return present


@kind("equals", required=("path", "value"))
def _equals(args: Mapping[str, Any]) -> Compiled:
    return _one_of({"path": args["path"], "values": [args["value"]]})


@kind("one_of", required=("path", "values"))
def _one_of(args: Mapping[str, Any]) -> Compiled:
    path: Path = args["path"]
    read, text = reader(path), path.text
    values = list(args["values"])
    expected = tuple(values)
    wanted = " or ".join(show(v) for v in values)
    # A text matches only a text (``_same``): for the common case, one set lookup.
    texts = frozenset(v.strip().lower() for v in values if isinstance(v, str))

    def one_of(ctx: Context) -> Outcome:
        found = read(ctx)
        value = _scalar(found)
        if type(value) is str:
            if not value:
                return _missing(ctx, text, found.evidence)
            ok = value.strip().lower() in texts
        else:
            if not filled(value) and value is not False:
                return _missing(ctx, text, found.evidence)
            ok = any(same(value, v) for v in values)
        if ok:
            return Outcome(PASS, found.evidence)
        name = ctx.name(text)
        return Outcome(
            FAIL,
            found.evidence,
            f"{name} is {show(value)}, expected {wanted}",
            fact=Fact("one_of", name, value, expected=expected, row=ctx.prefix or None),
        )

    return one_of


OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


@kind("compare", required=("path", "op"), optional=("value", "to", "factor"))
def _compare(args: Mapping[str, Any]) -> Compiled:
    op = args["op"]
    if op not in OPERATORS:
        raise CheckError(f"unknown operator {op!r} (use {', '.join(OPERATORS)})", ("op",))
    if ("value" in args) == ("to" in args):
        raise CheckError("compare needs exactly one of 'value' or 'to'")
    holds = OPERATORS[op]
    path: Path = args["path"]
    read, text = reader(path), path.text
    to: Path | None = args.get("to")
    read_to = reader(to) if to is not None else None
    to_text = to.text if to is not None else ""
    fixed = None if to is not None else number(args["value"])
    if to is None and fixed is None:
        raise CheckError("'value' must be a number", ("value",))
    fixed_text = "" if to is not None else show(args["value"])
    factor = number(args.get("factor", 1))
    if factor is None:
        raise CheckError("'factor' must be a number", ("factor",))
    scale = f" x {show(factor)}" if factor != 1 else ""

    def compare(ctx: Context) -> Outcome:
        found = read(ctx)
        left = number(_scalar(found))
        evidence = list(found.evidence)
        if read_to is not None:
            against = read_to(ctx)
            right = number(_scalar(against))
            evidence.extend(against.evidence)
        else:
            right = fixed
        if left is None or right is None:
            return _missing(ctx, text if left is None else to_text, evidence)
        if holds(left, right * factor):
            return Outcome(PASS, evidence)
        other = ctx.name(to_text) if read_to is not None else None
        name = ctx.name(text)
        detail = (
            f"{name} is {show(left)}, needs {op} {fixed_text if other is None else other}{scale}"
            + (f" ({show(right * factor)})" if other is not None else "")
        )
        fact = Fact("compare", name, left, op, other, right, factor, row=ctx.prefix or None)
        return Outcome(FAIL, evidence, detail, fact=fact)

    return compare


@kind("count", required=("path",), optional=("min", "max"))
def _count(args: Mapping[str, Any]) -> Compiled:
    path: Path = args["path"]
    read, text = reader(path), path.text
    low, high = args.get("min"), args.get("max")
    bounds = " and ".join(
        part
        for part in (
            f"at least {low}" if low is not None else "",
            f"at most {high}" if high is not None else "",
        )
        if part
    )

    def count(ctx: Context) -> Outcome:
        found = read(ctx)
        value = found.value
        items = value if isinstance(value, list) else ([] if value is None else [value])
        size = len([item for item in items if filled(item)])
        if (low is None or size >= low) and (high is None or size <= high):
            return Outcome(PASS, found.evidence)
        name = ctx.name(text)
        return Outcome(
            FAIL,
            found.evidence,
            f"{name} has {size} item(s), needs {bounds}",
            fact=Fact("count", name, size, expected=(low, high), row=ctx.prefix or None),
        )

    return count


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


def fast_pattern(text: str) -> re.Pattern[str] | LoweredPattern:
    """The regex kind's pattern, as a lower-cased search where that finds the same."""
    if _UPPER_ESCAPE.search(text) or "(?" in text:
        return _pattern(text)
    # Still reject a bad expression, as validation did: the same flagless compile, so for a
    # pattern already in lower case (most) it and LoweredPattern's are one entry of re's cache.
    re.compile(text)
    return LoweredPattern(text)


@kind("regex", required=("path", "pattern"))
def _regex(args: Mapping[str, Any]) -> Compiled:
    pattern = args["pattern"]
    if not isinstance(pattern, re.Pattern | LoweredPattern):
        try:
            pattern = _pattern(pattern)
        except re.error as error:
            raise CheckError(f"bad regular expression: {error}", ("pattern",)) from None
    path: Path = args["path"]
    read, text = reader(path), path.text
    lowered = isinstance(pattern, LoweredPattern)
    search = pattern.compiled.search if isinstance(pattern, LoweredPattern) else pattern.search
    shown = pattern.pattern

    def regex(ctx: Context) -> Outcome:
        found = read(ctx)
        value = found.value
        if type(value) is str:  # the common case: one text
            if not value:
                return _missing(ctx, text, found.evidence)
            ok = search(value.lower() if lowered else value) is not None
        else:
            texts = [
                v
                for v in (value if isinstance(value, list) else [value])
                if isinstance(v, str) and v
            ]
            if not texts:
                return _missing(ctx, text, found.evidence)
            if lowered:
                texts = [t.lower() for t in texts]
            ok = any(search(t) for t in texts)
        if ok:
            return Outcome(PASS, found.evidence)
        name = ctx.name(text)
        return Outcome(
            FAIL,
            found.evidence,
            f"{name} does not mention /{shown}/",
            fact=Fact("regex", name, expected=(shown,), row=ctx.prefix or None),
        )

    return regex


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
def _subset(args: Mapping[str, Any]) -> Compiled:
    """Every value at ``path`` is among the values at ``of`` (case-insensitive); with
    ``field_names: true``, ``Order.order_id``, ``address.city`` and ``lines[].sku`` match
    ``order_id``, ``address`` and ``lines[].sku``."""
    path: Path = args["path"]
    of: Path = args["of"]
    read, read_of, text, of_text = reader(path), reader(of), path.text, of.text
    field_names = bool(args.get("field_names", False))

    def subset(ctx: Context) -> Outcome:
        found = read(ctx)
        pool = read_of(ctx)
        values = [v for _, v in found.items if filled(v)]
        known = {str(v).strip().strip("`").lower() for _, v in pool.items if filled(v)}
        evidence = found.evidence
        if not values or not known:
            return _missing(ctx, text if not values else of_text, evidence)
        for where, value in found.items:
            if filled(value) and not (_member_keys(value, field_names) & known):
                other = ctx.name(of_text)
                return Outcome(
                    FAIL,
                    [where],
                    f"{where} is {show(value)}, not one of {other}",
                    fact=Fact("subset", where, value, other=other, row=ctx.prefix or None),
                )
        return Outcome(PASS, evidence)

    return subset


def compile_paths(args: Mapping[str, Any]) -> dict[str, Any]:
    """A mapping kind's arguments with its paths and pattern compiled (not its sub-check)."""
    prepared = dict(args)
    for key in ("path", "to", "of"):
        if key in prepared:
            prepared[key] = compile_path(str(prepared[key]))
    if "pattern" in prepared:
        prepared["pattern"] = fast_pattern(str(prepared["pattern"]))
    return prepared
