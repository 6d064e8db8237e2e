"""The model a draft shows: what the parser read, what prose states, and the template's frame.

The drafted model is the contract of a draft: the document written from it
parses back to exactly this model (tests hold every draft to that), and every
value in it has the source lines it came from, which the draft cites.

- Values come from the parser (tables, labels, diagrams, as for any document)
  and from numbers stated in prose (:mod:`~designkit.draft.prose_facts`), which
  only fill what the parser left empty.
- Nothing else is added as a value. Where the source has no flow steps or
  phases, the template's own steps (Trigger ... Confirm) and phases (MVP,
  Hardening, Optimization) stand with empty descriptions and durations, as in
  the blank template, so that lint lists each one as still to write.
- The draft is a design: its kind is ``design`` whatever the source was.
  Extra sections are laid out by :mod:`~designkit.draft.compose`, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from designkit.draft.prose_facts import Refs, fill_from_prose
from designkit.draft.skeleton import skeleton
from designkit.model import Design, DocumentKind
from designkit.parse import ParsedDesign
from designkit.render.markdown import diagram_text

_NOT_VALUES = ("document_kind", "extra_sections")


@dataclass(frozen=True, slots=True)
class Drafted:
    """The drafted model and where each of its values came from."""

    design: Design
    refs: Refs
    skeleton_paths: frozenset[str]
    """Lists filled with the template's frame (``flow.normal``, ``phases``), not values."""


def leaf_paths(data: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": [1]}}`` -> ``{"a.b": [1]}``: every filled value by its model path.

    Lists of plain values (backoff delays, phase items) are one value; empty
    values (``None``, ``[]``, ``{}``, ``False``) are not values.
    """
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, item in data.items():
            out.update(leaf_paths(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        for index, item in enumerate(data):
            out.update(leaf_paths(item, f"{prefix}[{index}]"))
    elif data not in (None, [], {}, False, ""):
        out[prefix] = data
    return out


def value_at(design: Design, key: str) -> Any:
    """The part of the model a section key names: ``data.mappings`` -> ``design.data.mappings``."""
    value: Any = design
    for part in key.split("."):
        value = getattr(value, part)
    return value


def shown_values(design: Design) -> dict[str, Any]:
    """The values a draft shows, by model path: what its round trip is held to (extra
    sections are text, and the kind of a draft is always ``design``)."""
    return {
        path: value
        for path, value in leaf_paths(design.model_dump(mode="json")).items()
        if not path.startswith(_NOT_VALUES)
    }


def where(parsed: ParsedDesign, path: str) -> int:
    """The line a value was read from; a list of plain values (diagram nodes) is where
    its first item is, not the section it belongs to."""
    found = parsed.locations.get(path) or parsed.locations.get(f"{path}[0]")
    return found[0] if found is not None else parsed.line_of(path)


def draft_model(parsed: ParsedDesign) -> Drafted:
    """The model of the draft of ``parsed`` (see the module docstring)."""
    design = parsed.design.model_copy(deep=True)
    design.document_kind = DocumentKind.DESIGN
    design.extra_sections = []
    refs: Refs = {}
    for path in leaf_paths(design.model_dump(mode="json")):
        if not path.startswith(_NOT_VALUES):
            refs[path] = (where(parsed, path),)
    refs.update(fill_from_prose(design, parsed.source))
    diagram = design.architecture.diagram
    if diagram.text is None and diagram.edges:
        diagram.text = diagram_text(design)  # read from a table: drawn as template arrows
    return Drafted(design, refs, frame_design(design))


def frame_design(design: Design) -> frozenset[str]:
    """Give the empty step and phase lists of ``design`` the template's frame (changed in
    place); return the lists so framed."""
    frame = skeleton()
    framed: set[str] = set()
    if not design.flow.normal:
        design.flow.normal = [step.model_copy() for step in frame.normal_steps]
        framed.add("flow.normal")
    if not design.flow.errors:
        design.flow.errors = [step.model_copy() for step in frame.error_steps]
        framed.add("flow.errors")
    if not design.phases:
        design.phases = [phase.model_copy() for phase in frame.phases]
        framed.add("phases")
    return frozenset(framed)
