"""Quick wins: a one-line change to the document that lifts a dimension by a level.

The assessment kit's scorecards lead with these, heaviest dimension first: the
criterion that alone holds a dimension below its next level, when fixing it
takes one line (one value, one row among many, one more row). A rule over every
row (``all``) or several conditions (``all_of``) may need many lines, so it is
never offered as a quick win.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from designkit.rubric.schema import Criterion, Dimension
from designkit.rubric.scorecard import CriterionResult, QuickWin

_ONE_LINE_KINDS = frozenset({"present", "regex", "compare", "equals", "one_of", "any", "not"})


def one_line_fix(check: Mapping[str, Any]) -> bool:
    """Whether a failing check can be fixed by changing one line of the document.

    One value, one row among many (``any``) or one more row (``count`` of at least
    one) is one line; a rule over every row (``all``) or several conditions
    (``all_of``) may need many.
    """
    ((kind, args),) = check.items()
    if kind in _ONE_LINE_KINDS:
        return True
    if kind == "count":
        return isinstance(args, Mapping) and args.get("min", 0) <= 1 and "max" not in args
    if kind == "any_of":
        return any(one_line_fix(sub) for sub in args)
    return False


def quick_wins(
    dimension: Dimension,
    level: int,
    results: list[CriterionResult],
    criteria: Mapping[str, Criterion],
) -> list[QuickWin]:
    """The one criterion holding a dimension below its next level, when one line fixes it."""
    if level >= 5:
        return []
    blockers = [r for r in results if r.level <= level + 1 and r.holds_back]
    if len(blockers) != 1:
        return []
    (blocker,) = blockers
    if not (blocker.template_default or one_line_fix(criteria[blocker.id].check)):
        return []
    return [
        QuickWin(
            criterion=blocker.id,
            dimension=dimension.id,
            dimension_name=dimension.name,
            weight=dimension.weight,
            from_level=level,
            to_level=level + 1,
            title=blocker.title,
            line=blocker.line,
            remediation=blocker.remediation,
        )
    ]
