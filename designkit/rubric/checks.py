"""The check kinds a rubric criterion can use: their meaning, compiler and validator.

A new kind is one factory function in :mod:`designkit.rubric.check_kinds` (or
:mod:`designkit.rubric.check_rows` for one that combines checks), registered with
its arguments; :func:`compile_check` turns a criterion's check into a closure once
per rubric, and :func:`validate` checks it when the rubric is loaded.

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

import re
from collections.abc import Mapping
from typing import Any

from designkit.rubric import check_rows
from designkit.rubric.check_kinds import KINDS, OPERATORS, Kind, compile_paths
from designkit.rubric.outcome import (
    FAIL,
    PASS,
    UNKNOWN,
    CheckError,
    Compiled,
    Context,
    Fact,
    Outcome,
    number,
)
from designkit.rubric.paths import PathError, compile_path
from designkit.rubric.row_tests import row_test

_COMPOUND_KINDS = check_rows
"""``any``, ``all``, ``all_of``, ``any_of`` and ``not``, registered in :data:`KINDS` on import."""

__all__ = [
    "FAIL",
    "KINDS",
    "PASS",
    "UNKNOWN",
    "CheckError",
    "Compiled",
    "Context",
    "Fact",
    "Outcome",
    "compile_check",
    "evaluate",
    "validate",
]


def _prepare(args: Any, spec: Kind) -> Any:
    """Arguments with paths, patterns and sub-checks compiled once."""
    if spec.takes == "list":
        return [compile_check(check) for check in args]
    if spec.takes == "check":
        return compile_check(args)
    prepared = compile_paths(args)
    if "where" in prepared:
        prepared["row_test"] = row_test(prepared["where"])
        prepared["where"] = compile_check(prepared["where"])
    return prepared


def compile_check(check: Mapping[str, Any]) -> Compiled:
    """A (validated) check as a closure over its prepared arguments (see
    :mod:`designkit.rubric.check_kinds` and :mod:`designkit.rubric.check_rows`).

    Not cached here: scoring compiles each criterion once per rubric (the engine's
    plans live as long as their rubric); a module-level cache keyed by the check
    kept every rubric ever loaded alive, about 0.3 MB per ``load_rubric`` call.
    """
    ((name, args),) = check.items()
    spec = KINDS[name]
    return spec.build(_prepare(args, spec))


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
        if "value" in args and number(args["value"]) is None:
            raise CheckError("'value' must be a number", (*here, "value"))
        if "factor" in args and number(args["factor"]) is None:
            raise CheckError("'factor' must be a number", (*here, "factor"))
    if name == "count":
        for bound in ("min", "max"):
            value = number(args.get(bound, 0))
            if value is None or value < 0 or not float(value).is_integer():
                raise CheckError(f"'{bound}' must be a whole number, 0 or more", (*here, bound))
    if name == "subset" and not isinstance(args.get("field_names", False), bool):
        raise CheckError("'field_names' must be true or false", (*here, "field_names"))
    if name == "regex":
        try:  # without IGNORECASE, which changes no syntax: the compile scoring reuses
            re.compile(str(args["pattern"]))
        except re.error as error:
            raise CheckError(f"bad regular expression: {error}", (*here, "pattern")) from None
    if name == "one_of" and not isinstance(args["values"], list):
        raise CheckError("'values' must be a list", (*here, "values"))
    if name in ("any", "all"):
        validate(args["where"], (*here, "where"))
