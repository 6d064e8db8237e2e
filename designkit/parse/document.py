"""The boundary between files and the parser: bytes are checked here, once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from designkit.diagnostics import Diagnostic, sort_diagnostics
from designkit.errors import NotADesignError, UserError
from designkit.inputs import DESIGN, STDIN, decode, read_input
from designkit.model import Design
from designkit.parse.extract import extract
from designkit.parse.front_matter import front_matter_fields, without_front_matter
from designkit.parse.kind import document_index
from designkit.parse.markdown import read_tree
from designkit.parse.sections import Confidence

if TYPE_CHECKING:
    from designkit.parse.chunked import ChunkedTokens

MAX_BYTES = DESIGN.limit
"""Design documents run to tens of kilobytes; anything past this is not one."""


@dataclass
class ParsedDesign:
    """A parsed document: the model, what was found wrong, and where each value came from."""

    design: Design
    diagnostics: list[Diagnostic]
    path: str
    locations: dict[str, tuple[int, int]] = field(default_factory=dict)
    sections: dict[str, int] = field(default_factory=dict)
    source: str = ""
    confidence: dict[str, Confidence] = field(default_factory=dict)
    """Section key -> how its heading matched (exact, alias or loose; DK105 names the loose)."""
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Things computed from the design once and shared (the architecture graph)."""

    def line_of(self, model_path: str) -> int:
        """The line a model path came from, or of its nearest recorded parent, or 1."""
        probe = model_path
        while probe:
            if probe in self.locations:
                return self.locations[probe][0]
            if probe in self.sections:
                return self.sections[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return 1

    def column_of(self, model_path: str) -> int:
        found = self.locations.get(model_path)
        return found[1] if found else 1


def read_text(
    data: bytes, path: str, *, encoding: str = "utf-8", max_bytes: int = MAX_BYTES
) -> str:
    """Decode a document, refusing what cannot be a design document with one clear line.

    For bytes that did not come through :func:`designkit.inputs.read_input` (a
    version read from git); the size is checked before anything is decoded.
    """
    if len(data) > max_bytes:
        raise UserError(
            f"file is {len(data) / 1_048_576:.1f} MB; design documents are read up to "
            f"{max_bytes // 1_048_576} MB",
            path=path,
        )
    text = decode(data, path, encoding=encoding)
    if not text.strip():
        raise UserError("file is empty", path=path)
    return text


def parse_design(
    text: str, path: str = "<string>", *, pieces: ChunkedTokens | None = None
) -> ParsedDesign:
    """Parse Markdown text into a :class:`ParsedDesign`.

    Raises :class:`UserError` when the text is no integration document at all (a
    library README, a changelog); an integration document not written from the
    template is read with an info diagnostic (DK106) saying how close it is, and
    everything else wrong with it is reported as diagnostics.

    ``pieces`` tokenises the text from memoised pieces (the same tokens, see
    :mod:`designkit.parse.chunked`), for a caller parsing many variants of one document.
    """
    body = without_front_matter(text)
    tree = read_tree(body, None if pieces is None else pieces.segments(body))
    if body is not text:
        tree.front_matter = front_matter_fields(text)
    extraction = extract(tree, path)
    if not extraction.integration:
        index = document_index(tree)
        raise NotADesignError(
            "not an integration design: no '# Integration Design: NAME' title, no template "
            "section and no integration content (systems, flows, error handling, mappings)"
            + (f"; {index.describe()}" if index is not None else ""),
            path=path,
            hint="see the template's headings, e.g. '## Overview', '## Error Handling'",
        )
    design = Design.model_validate(extraction.data)
    return ParsedDesign(
        design=design,
        diagnostics=sort_diagnostics(extraction.diagnostics),
        path=path,
        locations=extraction.locations,
        sections=extraction.sections,
        source=text,
        confidence=extraction.confidence,
    )


def parse_file(
    path: str | Path, *, encoding: str = "utf-8", display: str | None = None
) -> ParsedDesign:
    """Read and parse a file; ``-`` reads standard input (see :mod:`designkit.inputs`)."""
    name = display or ("<stdin>" if str(path) == STDIN else str(path))
    return parse_design(
        read_text(read_input(path, DESIGN, name=name), name, encoding=encoding), name
    )


def parse_files(
    files: Iterable[str],
    errors: list[str],
    *,
    encoding: str = "utf-8",
    skip_non_designs: bool = False,
) -> Iterator[ParsedDesign]:
    """Each usable file parsed, one at a time (a portfolio is never held whole); an unusable
    file is one line in ``errors`` and the rest go on. With ``skip_non_designs`` a file that
    is no integration document (a README among the designs) is passed by silently."""
    for file in files:
        try:
            yield parse_file(file, encoding=encoding)
        except NotADesignError as error:
            if not skip_non_designs:
                errors.append(str(error))
        except UserError as error:
            errors.append(str(error))
