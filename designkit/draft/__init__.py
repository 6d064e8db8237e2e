"""``designkit draft``: any integration document, migrated onto the template.

:func:`draft_document` reads a document with the ordinary parser and writes a
complete template-shaped design from it:

- a document that already follows the template (:func:`~designkit.draft.complete.follows_template`)
  is kept as written, and only the template sections it lacks are added
  (:mod:`~designkit.draft.complete`);
- any other document is migrated (:mod:`~designkit.draft.compose`): every
  template section in the template's order, the values the parser read (and the
  numbers its prose states, :mod:`~designkit.draft.prose_numbers`) rebuilt into
  the template's tables and labels, each followed by a comment naming its
  source line, the rest of each matched section's text carried over under the
  right heading, and every gap left as the template's slot.

A draft never invents a value: what the source does not say stays a slot that
``designkit lint`` lists, and the draft parses back to exactly the values it
shows.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, replace
from pathlib import Path

from designkit.draft.complete import complete, follows_template
from designkit.draft.compose import migrate
from designkit.draft.refs import source_name
from designkit.inputs import DESIGN, STDIN, read_input
from designkit.model import DocumentKind
from designkit.parse import ParsedDesign, parse_design, read_text

MIGRATED = "migrated"
COMPLETED = "completed"


@dataclass(frozen=True, slots=True)
class Draft:
    """A draft and how it was made.

    ``mode`` is ``completed`` (a template design with missing sections added;
    ``added`` names them) or ``migrated`` (rebuilt on the template; ``carried``
    counts the values taken over with a source reference). ``kind`` is what the
    source was read as.
    """

    text: str
    mode: str
    kind: DocumentKind
    sections_found: int
    carried: int = 0
    added: tuple[str, ...] = ()


def draft_parsed(parsed: ParsedDesign, name: str | None = None) -> Draft:
    """The draft of an already parsed document; ``name`` is what source comments cite
    (default: the file name of ``parsed.path``)."""
    shown = source_name(name or parsed.path)
    found = len(parsed.sections)
    if follows_template(parsed):
        done = complete(parsed)
        return Draft(done.text, COMPLETED, parsed.design.document_kind, found, added=done.added)
    migrated = migrate(parsed, shown)
    return Draft(
        migrated.text, MIGRATED, parsed.design.document_kind, found, carried=migrated.carried
    )


def draft_document(text: str, path: str = "<string>") -> Draft:
    """The draft of a Markdown document (see the module docstring)."""
    return draft_parsed(parse_design(text, path))


def draft_file(path: str | Path, *, encoding: str = "utf-8") -> Draft:
    """The draft of a file; ``-`` reads standard input. Unusable input raises
    :class:`~designkit.errors.UserError` (one line naming the file and line).

    The draft keeps the file's line endings (a Windows file stays CRLF) and its
    byte-order mark, so that a design that follows the template differs from its
    source only by the added sections. It is always UTF-8, the encoding every other command reads by default.
    The file is read once, through the bounded reader, for the parse and for both.
    """
    stdin = str(path) == STDIN
    name = "<stdin>" if stdin else str(path)
    data = read_input(path, DESIGN, name=name)
    made = draft_parsed(parse_design(read_text(data, name, encoding=encoding), name))
    if stdin:
        return made
    text = made.text.replace("\n", "\r\n") if _uses_crlf(data) else made.text
    if data.startswith(codecs.BOM_UTF8):  # a byte-order mark the parser skipped
        text = "\ufeff" + text
    return replace(made, text=text)


def _uses_crlf(data: bytes) -> bool:
    return data.count(b"\r\n") * 2 > data.count(b"\n")


__all__ = ["COMPLETED", "MIGRATED", "Draft", "draft_document", "draft_file", "draft_parsed"]
