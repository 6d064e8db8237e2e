"""``<!-- designkit: ignore REL-04, SEC-01 reason -->``: the findings a design accepts.

The comment names criterion ids or red-flag codes and says why; scoring marks the
matching findings suppressed (they stay in reports, with the reason) and
:mod:`designkit.rubric.ids` reports codes that match nothing.
"""

from __future__ import annotations

import re

_IGNORE = re.compile(r"<!--\s*designkit:\s*ignore\s+(.*?)-->", re.DOTALL)
_CODE = re.compile(r"^[A-Za-z]{2,}[A-Za-z0-9]*(?:-[A-Za-z0-9]+)+$")


def suppression_comments(source: str) -> list[tuple[str, str, int]]:
    """Every ``<!-- designkit: ignore ID... reason -->`` as (ID, reason, line), in order."""
    found: list[tuple[str, str, int]] = []
    if "designkit:" not in source:
        return found
    for match in _IGNORE.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        words = match.group(1).replace(",", " , ").split()
        codes: list[str] = []
        while words and (words[0] == "," or _CODE.match(words[0])):
            word = words.pop(0)
            if word != ",":
                codes.append(word.upper())
        reason = " ".join(words).strip() or "no reason given"
        found += [(code, reason, line) for code in codes]
    return found


def suppressions(source: str) -> dict[str, str]:
    """``<!-- designkit: ignore REL-04, SEC-01 reason -->`` -> {"REL-04": "reason", ...}."""
    return {code: reason for code, reason, _ in suppression_comments(source)}
