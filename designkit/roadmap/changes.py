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

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from designkit.model import Design
from designkit.parse import ParsedDesign, parse_design
from designkit.parse.chunked import ChunkedTokens
from designkit.rubric.suppressions import suppression_comments

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


def get_path(data: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of a model dump, ``None`` when absent."""
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def apply_edits(data: dict[str, Any], edits: Iterable[Edit]) -> dict[str, Any]:
    """The model dump ``data`` with ``edits`` applied in order, ``data`` left as it was.

    Copy on write: only the sections and lists on an edit's path are copied, everything
    else (and each edit's value) is shared with ``data`` and the edits. The planner applies
    over a hundred candidate changes per design, and copying the whole dump each time
    cost more than rendering it. Model dumps are never changed in place, here or by
    their readers (checks, the model, the renderer), so sharing is safe.
    """
    result = dict(data)
    # containers made here: the only ones changed in place
    owned: dict[int, Any] = {id(result): result}
    for edit in edits:
        parent, key = _owned_parent(result, edit.path, owned)
        if edit.op == "set":
            parent[key] = edit.value
            continue
        rows = parent.get(key)
        if rows is None:
            rows = []
        elif not isinstance(rows, list):
            raise ChangeError(f"{edit.path}: not a list")
        elif id(rows) not in owned:
            rows = list(rows)
        owned[id(rows)] = parent[key] = rows
        rows.append(edit.value)
    return result


def _owned_parent(
    data: dict[str, Any], path: str, owned: dict[int, Any]
) -> tuple[dict[str, Any], str]:
    """The section holding ``path``'s last part, each section on the way copied once
    (made when missing)."""
    parts = path.split(".")
    current: Any = data
    for part in parts[:-1]:
        if not isinstance(current, dict):
            raise ChangeError(f"{path}: {part} is not a section")
        child = current.get(part, {})
        if isinstance(child, dict) and id(child) not in owned:
            child = dict(child)
            owned[id(child)] = current[part] = child
        current = child
    if not isinstance(current, dict):
        raise ChangeError(f"{path}: not a section")
    return current, parts[-1]


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


def reparse(markdown: str, path: str, pieces: ChunkedTokens | None = None) -> ParsedDesign:
    """Parse a re-rendered document as ``designkit score`` would read the file (``pieces``
    only saves tokenising the parts seen before: the same tokens)."""
    return parse_design(markdown, path, pieces=pieces)
