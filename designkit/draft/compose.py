"""A document that does not follow the template, migrated onto it.

The drafted model (:mod:`~designkit.draft.drafted`) is written by
:func:`~designkit.render.render_markdown`, so the template's layout, its words
and its escaping are the renderer's, and the parser reads the result back to
the same model. The draft then adds, without changing a value, the template's
slots where the source states nothing (:mod:`~designkit.draft.frame`), a
comment citing the source line after each carried value
(:mod:`~designkit.draft.cite`) and the source's other text under the right
headings (:mod:`~designkit.draft.place`); the source's unknown top-level
sections follow the template's, as ``render`` writes extra sections.

The draft is then parsed. Should the carried text change a value (the parser
reads the first label of a section, and the renderer leaves out a label whose
value its sentence already gives, so a second ``**Alert threshold**:`` in the
source could be read), the draft is written again with the carried text inside
HTML comments: still there to read and edit, no longer read as values. A draft
always shows exactly its model's values.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from designkit.draft.carry import closed_text
from designkit.draft.cite import cite_extras, cite_values
from designkit.draft.drafted import Drafted, draft_model, frame_design, shown_values
from designkit.draft.edits import Edits
from designkit.draft.frame import add_frame
from designkit.draft.outline import read_outline
from designkit.draft.place import place_carried
from designkit.draft.rendered import render_draft
from designkit.model import Design
from designkit.parse import ParsedDesign, parse_design


@dataclass(frozen=True, slots=True)
class Migrated:
    """The migrated document, the model it shows, and where each value came from."""

    text: str
    design: Design
    refs: dict[str, tuple[int, ...]]
    """Model path -> the source lines its value came from (``extra_sections[i]``: its heading)."""

    @property
    def carried(self) -> int:
        """How many values were carried over (extra sections are text, not values)."""
        return sum(1 for path in self.refs if not path.startswith("extra_sections"))


@lru_cache(maxsize=1)
def blank_draft() -> str:
    """The draft of a document that states nothing: the template with every gap a slot.
    :mod:`~designkit.draft.complete` takes the sections a design lacks from it."""
    design = Design()
    drafted = Drafted(design, {}, frame_design(design))
    text, rendered = render_draft(design)
    edits = Edits(text.split("\n"))
    add_frame(edits, drafted, rendered)
    return edits.apply()


def migrate(parsed: ParsedDesign, name: str) -> Migrated:
    """The draft of ``parsed`` (see the module docstring); ``name`` is cited in comments."""
    drafted = draft_model(parsed)
    outline = read_outline(parsed)
    design = drafted.design
    design.extra_sections = [
        extra.model_copy(update={"text": closed_text(extra.text)})
        for extra in (parsed.design.extra_sections[i] for i in outline.top_extras)
    ]
    text, rendered = render_draft(design)
    expected = shown_values(design)
    for inert in (False, True):
        edits = Edits(text.split("\n"))
        add_frame(edits, drafted, rendered)
        cite_values(edits, drafted.refs, rendered, name)
        cite_extras(edits, parsed, outline, design, rendered, name)
        place_carried(edits, parsed, outline, rendered, name, inert=inert)
        written = edits.apply()
        if shown_values(parse_design(written, "draft.md").design) == expected:
            break
    return Migrated(written, design, dict(drafted.refs))
