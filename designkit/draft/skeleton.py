"""What the bundled template writes where a draft has nothing yet.

A draft leaves every gap as the template's own text so that ``designkit lint``
lists it, but the template mixes two kinds of text: slots (``[X weeks]``,
``[OAuth 2.0 / API Key / mTLS]``) and example values (a retry row ``API timeout
| Exponential backoff | 3 | 1s, 2s, 4s | 30s``, a logging row ``INFO | Business
events``). An example value copied into a draft would be a fact nobody stated
(and would earn score credit), so here every example is turned into a slot by
bracketing it: ``[API timeout] | [Exponential backoff] | [3] | ...``. The parser
reads such a row as a template row left unfilled: nothing enters the model and
lint reports it.

The names the template gives its list items (the flow steps Trigger ... Confirm,
the phases MVP, Hardening, Optimization) are its structure, not facts, and stay
as they are with their slots.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from designkit.model import ErrorFlow, FlowStep, Phase
from designkit.parse import parse_design
from designkit.parse import values as v
from designkit.parse.markdown import read_tree
from designkit.resources import template_path

TEMPLATE_FILE = "integration-design-template.md"

TABLE_KEYS = (
    "data.mappings",
    "data.validation_rules",
    "error_handling.retry_policies",
    "observability.logging",
    "observability.metrics",
    "security.authentication",
    "security.audit",
    "testing",
    "risks",
    "open_questions",
)
"""Sections whose table has no rows when the source states none."""


@dataclass(frozen=True, slots=True)
class Skeleton:
    """The template's text for each gap a draft can have."""

    normal_steps: tuple[FlowStep, ...]
    error_steps: tuple[ErrorFlow, ...]
    step_lines: dict[str, str]
    """``flow.normal[0]`` -> the template's line (``1. **Trigger**: [Event/Schedule/API call]``)."""
    phases: tuple[Phase, ...]
    table_rows: dict[str, list[str]]
    """Section key -> the cells of the template's first row, every example bracketed."""
    canonical_field: str
    """The template's unnamed canonical field (``{"name": "", "type": "", ...}``)."""
    dashboards: str
    """The template's dashboards as one bracketed sentence (a list item would be a dashboard)."""


def as_slot(text: str) -> str:
    """An example value as a slot: ``Every commit`` -> ``[Every commit]``; a slot or an
    empty cell stays as it is; slots inside a value are merged into one
    (``< [X] for [Y] minutes`` -> ``[< X for Y minutes]``)."""
    stripped = text.strip()
    if not stripped or v.is_placeholder(stripped):
        return stripped
    inner = stripped.replace("[", "").replace("]", "").replace("|", "/")
    return f"[{inner}]"


@lru_cache(maxsize=1)
def skeleton() -> Skeleton:
    """Read the bundled template once."""
    path = template_path(TEMPLATE_FILE)
    text = path.read_text(encoding="utf-8")
    parsed = parse_design(text, TEMPLATE_FILE)
    design = parsed.design
    lines = text.split("\n")
    tree = read_tree(text)
    step_lines: dict[str, str] = {}
    for name, steps in (("flow.normal", design.flow.normal), ("flow.errors", design.flow.errors)):
        for index in range(len(steps)):
            path_key = f"{name}[{index}]"
            step_lines[path_key] = lines[parsed.line_of(path_key) - 1].strip()
    rows: dict[str, list[str]] = {}
    for key in TABLE_KEYS:
        header_line = parsed.locations[key][0]
        table = next(t for s in tree.sections for t in s.tables if t.line == header_line)
        rows[key] = [as_slot(cell) for cell in table.rows[0].cells]
    fence = next(
        f
        for s in tree.sections
        for f in s.fences
        if f.line == parsed.line_of("data.canonical_model")
    )
    field = next(line.strip() for line in fence.content.split("\n") if '"name"' in line)
    boards = "; ".join(
        f"{board.name}: {board.contents}" if board.contents else board.name
        for board in design.observability.dashboards
    )
    return Skeleton(
        normal_steps=tuple(FlowStep(step=s.step) for s in design.flow.normal),
        error_steps=tuple(ErrorFlow(kind=s.kind) for s in design.flow.errors),
        step_lines=step_lines,
        phases=tuple(Phase(name=p.name) for p in design.phases),
        table_rows=rows,
        canonical_field=field,
        dashboards=f"[Dashboards and what each shows, e.g. {boards}]",
    )
