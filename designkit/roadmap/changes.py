"""A roadmap item's change to a design, and how it is applied and re-scored.

A change is data, not prose: a list of edits to the design model (``set`` a
value at a dotted model path, or ``append`` a row to a list at one), so a tool
or a test can apply it and check the levels the roadmap promises. Applying goes
through the model and back to Markdown with the existing renderer
(:func:`designkit.render.render_markdown`), then through the parser and the
scorer exactly as ``designkit score`` reads a file: what is re-scored is a
document, not a model that no file could hold.

Suppression comments (``<!-- designkit: ignore ... -->``) are no part of the
model; they are carried to the end of the rendered document so that accepted
risks stay accepted after the change.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from designkit.model import Design
from designkit.parse import ParsedDesign, parse_design
from designkit.rubric.engine import suppression_comments

EditOp = Literal["set", "append"]


class Edit(BaseModel):
    """One model edit: ``set`` the value at ``path``, or ``append`` ``value`` to the list there.

    ``path`` is a dotted path into the design model as ``designkit parse --format
    json`` prints it (``reliability.disaster_recovery.rto_seconds``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    op: EditOp
    path: str
    value: Any


class ChangeError(ValueError):
    """A change that does not fit the design (a path through a value that is no mapping)."""


def _parent(data: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    parts = path.split(".")
    current: Any = data
    for part in parts[:-1]:
        if not isinstance(current, dict):
            raise ChangeError(f"{path}: {part} is not a section")
        current = current.setdefault(part, {})
    if not isinstance(current, dict):
        raise ChangeError(f"{path}: not a section")
    return current, parts[-1]


def get_path(data: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of a model dump, ``None`` when absent."""
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def apply_edits(data: dict[str, Any], edits: Iterable[Edit]) -> dict[str, Any]:
    """A copy of the model dump ``data`` with ``edits`` applied in order."""
    result = copy.deepcopy(data)
    for edit in edits:
        parent, key = _parent(result, edit.path)
        if edit.op == "set":
            parent[key] = copy.deepcopy(edit.value)
        else:
            rows = parent.get(key)
            if rows is None:
                rows = parent[key] = []
            if not isinstance(rows, list):
                raise ChangeError(f"{edit.path}: not a list")
            rows.append(copy.deepcopy(edit.value))
    return result


def to_design(data: dict[str, Any]) -> Design | None:
    """The model a dump describes, or ``None`` when the edits made it invalid."""
    try:
        return Design.model_validate(data)
    except ValidationError:
        return None


def kept_comments(source: str) -> str:
    """The suppression comments of ``source``, one per line, to carry into a re-rendered one."""
    lines = dict.fromkeys(
        f"<!-- designkit: ignore {code} {reason} -->"
        for code, reason, _ in suppression_comments(source)
    )
    return "".join(f"\n{line}\n" for line in lines)


def render_with(design: Design, source: str) -> str:
    """``design`` as Markdown, with the suppression comments of the document it came from."""
    from designkit.render import render_markdown

    return render_markdown(design) + kept_comments(source)


def apply_to_document(parsed: ParsedDesign, edits: Sequence[Edit]) -> str:
    """The Markdown of ``parsed``'s design once ``edits`` are made (rendered back)."""
    data = apply_edits(parsed.design.model_dump(mode="json"), edits)
    design = to_design(data)
    if design is None:
        raise ChangeError("the edits leave a design the model does not accept")
    return render_with(design, parsed.source)


def reparse(markdown: str, path: str) -> ParsedDesign:
    """Parse a re-rendered document as ``designkit score`` would read the file."""
    return parse_design(markdown, path)
