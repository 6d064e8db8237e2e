"""Implementation Phases: the plan, one ``### Phase N: Name (duration)`` heading per phase.

A phase is any heading that starts with ``Phase`` and a word, wherever it stands
in the plan; its duration is the parenthesis at the end of its title when that
reads as one (``(4 weeks)``, ``([X weeks])``), kept in weeks, and its items are
the top-level bullets under it.

PASS::

    ## Implementation Phases

    ### Phase 1: MVP (4 weeks)

    - Order sync
    - Refunds

FAIL (DK201)::

    ## Implementation Phases

    ### Phase 1: MVP ([X weeks])
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from designkit.parse import values as v
from designkit.parse.markdown import clean_title
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

SPEC = SectionSpec(
    "phases",
    "Implementation Phases",
    None,
    ("implementation phases", "phases", "implementation plan", "delivery plan", "roadmap"),
)

_PAREN_DURATION = re.compile(r"\(([^()]*)\)\s*$")
_WEEK_SECONDS = 604800
_WEEK_SPAN = re.compile(r"^weeks?\s+(\d{1,3})(?:\s*[-–—]\s*(\d{1,3}))?$", re.IGNORECASE)
"""``Weeks 5-6`` or ``Week 3``: the weeks of the plan a phase runs in, not a malformed length."""


def read(doc: Reader) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for section in doc.outline.phases:
        path = f"phases[{len(out)}]"
        doc.at(path, section.line)
        title = (
            clean_title(section.title)
            if not section.title.lower().startswith("phase")
            else section.title.strip()
        )
        weeks: float | None = None
        match = _PAREN_DURATION.search(title)
        span = _WEEK_SPAN.match(match.group(1).strip()) if match is not None else None
        if match is not None and span is not None:
            # "(Weeks 5-6)": when in the plan the phase runs, so it lasts weeks 5 to 6
            title = title[: match.start()].strip()
            first, last = int(span.group(1)), int(span.group(2) or span.group(1))
            weeks = float(last - first + 1) if last >= first else None
        elif match is not None and _looks_like_duration(match.group(1)):
            inside = match.group(1)
            title = title[: match.start()].strip()
            seconds = doc.convert(
                inside, v.parse_duration, f"{path}.duration_weeks", section.line, 1
            )
            weeks = round(seconds / _WEEK_SECONDS, 3) if seconds is not None else None
        items = [item.text for item in section.items if item.depth == 1]
        out.append({"name": title, "duration_weeks": weeks, "items": items})
    return out


def _looks_like_duration(text: str) -> bool:
    """``4 weeks``, ``[X weeks]``, ``2-3 sprints``: a phase's parenthetical meant as its length."""
    lowered = text.lower()
    return v.has_slot(text) or any(
        unit in lowered for unit in ("week", "day", "month", "sprint", "wk")
    )
