"""The reading context every section reader shares: where to look, and what to report.

A reader module (one per template section) says *what* its section holds; this
class knows *where* its text is and *how* a value is taken from it, the same way
for every section:

* where: a sub-section's own heading and the unknown headings under it, else its
  parent section (:meth:`Reader.scopes`); its labelled lines, fenced blocks and
  tables, narrowed to what talks about it when read from the parent (:meth:`labels`,
  :meth:`fences`, :meth:`table`);
* how: free text, typed values and enums, each recording its position in
  ``locations`` and turning a placeholder or an unreadable value into a diagnostic,
  never an exception, so a reviewer sees every problem of a document in one run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from designkit.diagnostics import Diagnostic, Severity
from designkit.model import DesignType, DocumentKind
from designkit.parse import values as v
from designkit.parse.kind import Shape, recognise_shape
from designkit.parse.markdown import DocumentTree, Fence, Section
from designkit.parse.readers.outline import read_outline
from designkit.parse.sections import SPECS
from designkit.parse.tables import (
    Cell,
    Labelled,
    NamedTable,
    find_table,
    key_matches,
    labelled_lines,
)

T = TypeVar("T")

Location = tuple[int, int]

CODE_LANGUAGES = frozenset({
    "json", "yaml", "yml", "toml", "ini", "xml", "go", "golang", "python", "py", "javascript",
    "js", "typescript", "ts", "tsx", "jsx", "java", "kotlin", "csharp", "cs", "c", "cpp", "rust",
    "ruby", "php", "swift", "sql", "bash", "sh", "shell", "zsh", "powershell", "console", "http",
    "graphql", "dockerfile", "hcl", "terraform", "env", "diff",
})  # fmt: skip
"""Fence info strings of program code, configuration or data: never a diagram. JSON is
still read where JSON is wanted (the canonical model)."""


class Reader:
    """One document being read: its outline, and the diagnostics and positions found so far."""

    def __init__(self, tree: DocumentTree, path: str) -> None:
        self.tree = tree
        self.path = path
        self.outline = read_outline(tree, path)
        self.diagnostics: list[Diagnostic] = list(self.outline.diagnostics)
        self.locations: dict[str, Location] = {}
        self.declared_kind: DocumentKind | None = None
        """Set by the header reader from a ``**Document Kind**:`` (or ``**Type**: ADR``) line."""
        self.declared_type: DesignType | None = None
        self._slots_reported: set[Location] = set()
        self._shape: Shape | None = None

    def shape(self) -> Shape:
        """The kind the document's shape suggests (computed once, when first asked)."""
        if self._shape is None:
            self._shape = recognise_shape(self.tree, self.outline.title)
        return self._shape

    # ------------------------------------------------------------------ diagnostics, positions

    def report(
        self,
        code: str,
        severity: Severity,
        message: str,
        line: int,
        column: int = 1,
        field_path: str | None = None,
        hint: str | None = None,
    ) -> None:
        if code == "DK201":  # one placeholder finding per place, however many fields read it
            if (line, column) in self._slots_reported:
                return
            self._slots_reported.add((line, column))
        self.diagnostics.append(
            Diagnostic(code, severity, message, self.path, line, column, field_path, hint)
        )

    def at(self, path: str, line: int, column: int = 1) -> None:
        """Record where the value at model path ``path`` was read."""
        self.locations[path] = (line, column)

    def placeholder(self, value: str, path: str, line: int, column: int) -> None:
        shown = value if value else "an empty value"
        self.report(
            "DK201",
            Severity.WARNING,
            f"{path}: placeholder {shown!r} left unfilled" if value else f"{path}: left empty",
            line,
            column,
            path,
            "fill it in, or write N/A when it does not apply",
        )

    # ------------------------------------------------------------------ values

    def text(
        self,
        value: str | None,
        path: str,
        line: int,
        column: int = 1,
        *,
        optional: bool = False,
        numeric: bool = False,
    ) -> str | None:
        """Free text: kept as written; placeholders become ``None`` with a warning."""
        if value is None:
            return None
        value = value.strip()
        slot = v.slot_text(value) if "[" in value else None
        unfilled = v.is_placeholder(value) or (
            slot is not None
            and (value.startswith(slot) or (numeric and not v.has_digit_outside_slots(value)))
        )
        self.at(path, line, column)
        if unfilled:
            if not (optional or v.is_not_applicable(value)):
                self.placeholder(value, path, line, column)
            return None
        if slot is not None:
            self.report(
                "DK201",
                Severity.WARNING,
                f"{path}: template slot {slot} left in {value!r}",
                line,
                column,
                path,
            )
        return value

    def convert(
        self,
        value: str | None,
        parser: Callable[[str], T],
        path: str,
        line: int,
        column: int = 1,
        *,
        optional: bool = False,
    ) -> T | None:
        """A typed value; placeholders -> ``None`` + warning, unparseable -> ``None`` + error."""
        if value is None:
            return None
        value = value.strip()
        self.at(path, line, column)
        if v.is_placeholder(value) or (v.has_slot(value) and not v.has_digit_outside_slots(value)):
            if v.is_not_applicable(value) or (optional and v.is_blank(value)):
                return None
            self.placeholder(value, path, line, column)
            return None
        try:
            return parser(value)
        except v.UnparseableValue as error:
            self.report("DK202", Severity.ERROR, f"{path}: {error}", line, column, path)
            return None

    def enum(
        self,
        value: str | None,
        choices: Mapping[str, T],
        what: str,
        path: str,
        line: int,
        column: int = 1,
    ) -> T | None:
        return self.convert(
            value, lambda text: v.parse_enum(text, choices, what=what), path, line, column
        )

    @staticmethod
    def cell(row_cells: Mapping[str, Cell], name: str) -> tuple[str | None, int, int]:
        """A named cell's text and position; ``None`` when the table has no such column."""
        found = row_cells.get(name)
        if found is None:
            return None, 0, 0
        return found.text, found.line, found.column

    # ------------------------------------------------------------------ where to look

    def scopes(self, key: str) -> list[Section]:
        """Where to look for a sub-section's content: itself (and its unknown children),
        else its parent section (and the parent's unknown children)."""
        by_key, children = self.outline.by_key, self.outline.children
        section = by_key.get(key)
        if section is not None:
            return [section, *children.get(key, ())]
        parent = SPECS[key].parent if key in SPECS else None
        if parent is not None and parent in by_key:
            return [by_key[parent], *children.get(parent, ())]
        return []

    def section_line(self, key: str) -> int:
        """The line of a section's heading, else of its parent's, else 1."""
        by_key = self.outline.by_key
        section = by_key.get(key)
        if section is not None:
            return section.line
        parent = SPECS[key].parent if key in SPECS else None
        if parent and parent in by_key:
            return by_key[parent].line
        return 1

    def labels(self, key: str) -> list[Labelled]:
        """The labelled lines a sub-section's fields are read from.

        Under the sub-section's own heading every label counts, and so does every
        label under a heading about it (``### Failed Message Handling`` for the
        DLQ). Read from the rest of the parent, a label counts only when it talks
        about the sub-section: its label is one of the sub-section's own
        (``Reprocessing``, ``Open after``), or its label or value names the topic.
        ``**Recovery**: User clicks Reconnect, goes through OAuth again`` under
        ``## Error Handling`` is not how dead letters are reprocessed.
        """
        scopes = self.scopes(key)
        if SPECS[key].topic is None or key in self.outline.by_key:
            return labelled_lines(scopes)
        return self.about(key, scopes)

    def about(self, key: str, sections: Sequence[Section]) -> list[Labelled]:
        """The labelled lines of ``sections`` that talk about sub-section ``key``: all
        of those under a heading about it, elsewhere only labels of its own or labels
        whose words name it (see :attr:`SectionSpec.topic`)."""
        topic = SPECS[key].topic
        assert topic is not None, f"{key} has no topic"
        found: list[Labelled] = []
        for section in sections:
            labels = labelled_lines((section,))
            if section.level and topic.about.search(section.title) is not None:
                found.extend(labels)
                continue
            found.extend(
                labelled
                for labelled in labels
                if key_matches(labelled.key, topic.labels)
                or topic.about.search(labelled.label) is not None
                or topic.about.search(labelled.value) is not None
            )
        return found

    def fences(self, key: str, *, code: bool = False) -> list[Fence]:
        """Fenced blocks a sub-section may be read from: its own (and its unknown
        children's), else its parent's own and those under a heading about it; unless
        ``code``, never a block of program code or data. ``### Directory Structure``
        under ``## Architecture`` is no architecture diagram, nor is a Go snippet."""
        found: list[Fence] = []
        own = key in self.outline.by_key
        topic = SPECS[key].topic
        for index, section in enumerate(self.scopes(key)):
            if not own and index and topic is not None and not topic.about.search(section.title):
                continue
            for fence in section.fences:
                language = fence.info.split()[0].lower() if fence.info.strip() else ""
                if code or language not in CODE_LANGUAGES:
                    found.append(fence)
        return found

    def table(
        self,
        key: str,
        columns: Mapping[str, Sequence[str]],
        required: Sequence[str],
        *,
        report_missing: bool = True,
    ) -> NamedTable | None:
        """The first table in the section's scopes with the ``required`` columns (DK104 if none)."""
        scopes = self.scopes(key)
        found = find_table(scopes, columns, required, self.tree.source_lines)
        if found is None and report_missing and scopes:
            needed = ", ".join(repr(columns[name][0].title()) for name in required)
            self.report(
                "DK104",
                Severity.WARNING,
                f"{key}: no table with column(s) {needed} found",
                self.section_line(key),
                1,
                key,
            )
        if found is not None:
            self.at(key, found.line)
        return found
