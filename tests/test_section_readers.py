"""The section readers and document kinds keep the promises their docstrings make.

Every reader module (one per template section, see
``designkit/parse/readers/registry.py``) shows a PASS example (Markdown that is
read) and a FAIL example (Markdown that is not read, or is reported with the
codes it names). They are run here, so the examples cannot drift from the code:

* PASS: the snippet, placed in a minimal document (under a template title unless
  it has a title of its own), gives the section a value (or, for a section that
  only holds others, is read as that section), with no warning or error;
* ``FAIL``: the section gets no value; ``FAIL (DK201)``: DK201 is reported.

Document kinds are checked the same way (PASS: the document's shape is that
kind; FAIL: it is not), and so is the header. The registry is checked against
the template: every section heading of the template, once, in its order.
"""

from __future__ import annotations

import ast
import inspect
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from designkit import parse_design
from designkit.diagnostics import Diagnostic, Severity
from designkit.parse import readers
from designkit.parse.markdown import read_tree
from designkit.parse.placement import PHASE
from designkit.parse.readers import meta
from designkit.parse.readers.core import Reader
from designkit.parse.readers.registry import KINDS, SECTIONS, KindReader, SectionReader
from designkit.parse.sections import SPECS, match_heading
from tests.conftest import ROOT, TEMPLATE, require_shared

_HEADER = re.compile(r"^(PASS|FAIL)(?: \((DK\d{3}(?:, DK\d{3})*)\))?::$")

_MACHINERY = (
    "designkit.parse.document",
    "designkit.parse.extract",
    "designkit.parse.kind",
    "designkit.parse.placement",
    "designkit.parse.sections",
    "designkit.parse.readers.core",
    "designkit.parse.readers.outline",
    "designkit.parse.readers.registry",
)
"""What imports the registry: a reader or kind module may import it only for type checking."""

_NOT_REGISTERED = frozenset({"core", "outline", "registry", "spec", "meta", "kinds"})
"""Modules of the readers package that are machinery, or the header (read by the driver)."""


@dataclass(frozen=True)
class Example:
    passes: bool
    codes: tuple[str, ...]
    markdown: str

    @property
    def label(self) -> str:
        verdict = "PASS" if self.passes else "FAIL"
        return f"{verdict} ({', '.join(self.codes)})" if self.codes else verdict


def examples(module: ModuleType) -> list[Example]:
    """The PASS/FAIL examples of a module's docstring: a header line, then an indented block."""
    lines = (module.__doc__ or "").splitlines()
    found: list[Example] = []
    for index, line in enumerate(lines):
        match = _HEADER.match(line.strip())
        if match is None:
            continue
        block: list[str] = []
        for following in lines[index + 1 :]:
            if following.strip() and not following.startswith("    "):
                break
            block.append(following[4:])
        codes = tuple(match.group(2).split(", ")) if match.group(2) else ()
        found.append(Example(match.group(1) == "PASS", codes, "\n".join(block).strip("\n") + "\n"))
    return found


def _document(markdown: str) -> str:
    return markdown if markdown.startswith("# ") else "# Integration Design: Example\n\n" + markdown


def _has_value(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_value(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_value(item) for item in value)
    return value not in (None, False, "")


def _problems(diagnostics: list[Diagnostic]) -> list[str]:
    return [
        f"{d.code} {d.message}"
        for d in diagnostics
        if d.severity in (Severity.ERROR, Severity.WARNING)
    ]


def _cases(registered: tuple[Any, ...]) -> list[tuple[Any, Example]]:
    return [(entry, example) for entry in registered for example in examples(entry.module)]


def _case_id(case: tuple[Any, Example]) -> str:
    entry, example = case
    return f"{entry.module.__name__.removeprefix('designkit.parse.readers.')}-{example.label}"


# --------------------------------------------------------------------------- sections

SECTION_CASES = _cases(SECTIONS)


@pytest.mark.parametrize(
    "module",
    [entry.module for entry in SECTIONS] + [meta],
    ids=lambda module: module.__name__.removeprefix("designkit.parse.readers."),
)
def test_every_reader_shows_a_pass_and_a_fail_example(module: ModuleType) -> None:
    verdicts = {example.passes for example in examples(module)}
    assert verdicts == {True, False}, f"{module.__name__}: needs a PASS:: and a FAIL:: example"


@pytest.mark.parametrize(("reader", "example"), SECTION_CASES, ids=map(_case_id, SECTION_CASES))
def test_section_example_behaves_as_documented(reader: SectionReader, example: Example) -> None:
    text = _document(example.markdown)
    doc = Reader(read_tree(text), "<example>")
    if reader.read is None:  # a section that only holds others: is its heading read as it?
        value: Any = reader.spec.key in doc.outline.by_key
    else:
        value = reader.read(doc)
    codes = {d.code for d in doc.diagnostics}
    if example.passes:
        assert _has_value(value), f"PASS example of {reader.spec.key} reads nothing:\n{text}"
        assert _problems(doc.diagnostics) == [], f"PASS example reported:\n{text}"
    elif example.codes:
        assert set(example.codes) <= codes, f"expected {example.codes}, got {sorted(codes)}"
    else:
        assert not _has_value(value), f"FAIL example of {reader.spec.key} read {value!r}"
    parse_design(text)  # and the whole document reads without a refusal or an exception


# --------------------------------------------------------------------------- the header


@pytest.mark.parametrize("example", examples(meta), ids=lambda example: example.label)
def test_header_example_behaves_as_documented(example: Example) -> None:
    doc = Reader(read_tree(example.markdown), "<example>")
    value = meta.read(doc)
    if example.passes:
        assert _has_value(value) and _problems(doc.diagnostics) == []
    else:
        assert set(example.codes) <= {d.code for d in doc.diagnostics}
        assert example.codes or not _has_value(value)


# --------------------------------------------------------------------------- document kinds

KIND_CASES = _cases(KINDS)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: str(kind.kind))
def test_every_kind_shows_a_pass_and_a_fail_example(kind: KindReader) -> None:
    assert {example.passes for example in examples(kind.module)} == {True, False}


@pytest.mark.parametrize(("kind", "example"), KIND_CASES, ids=map(_case_id, KIND_CASES))
def test_kind_example_behaves_as_documented(kind: KindReader, example: Example) -> None:
    shape = Reader(read_tree(example.markdown), "<example>").shape()
    if example.passes:
        assert shape.kind is kind.kind, f"read as {shape.kind} ({shape.signs})"
        assert parse_design(example.markdown).design.document_kind is kind.kind
    else:
        assert shape.kind is not kind.kind, f"read as {kind.kind} ({shape.signs})"


def test_every_kind_of_the_contract_is_registered_once() -> None:
    from designkit.model import DocumentKind

    assert sorted(kind.kind for kind in KINDS) == sorted(DocumentKind)


# --------------------------------------------------------------------------- the registry


def _template_headings(path: Path) -> list[str]:
    """The template's section headings as written, in order (its title and phases aside)."""
    tree = read_tree(path.read_text(encoding="utf-8"))
    return [
        section.title
        for section in tree.sections
        if section.level >= 2 and getattr(match_heading(section.title), "key", None) != PHASE
    ]


@pytest.mark.parametrize(
    "path",
    [TEMPLATE, ROOT / "templates" / "integration-design-template.md"],
    ids=["shared-reference", "templates"],
)
def test_registry_lists_every_template_heading_once_in_order(path: Path) -> None:
    require_shared(path)
    assert [reader.spec.title for reader in SECTIONS] == _template_headings(path)


def test_each_template_heading_is_read_as_its_own_section() -> None:
    for reader in SECTIONS:
        found = match_heading(reader.spec.title)
        assert found is not None and found.key == reader.spec.key, reader.spec.title


def test_every_reader_module_is_registered() -> None:
    """A module added under readers/ but not listed in the registry is never read."""
    registered = {entry.module.__name__ for entry in (*SECTIONS, *KINDS)}
    for info in pkgutil.walk_packages(readers.__path__, f"{readers.__name__}."):
        last = info.name.rsplit(".", 1)[-1]
        if last.startswith("_") or last in _NOT_REGISTERED:
            continue
        assert info.name in registered, f"{info.name} is not listed in readers/registry.py"


@pytest.mark.parametrize("reader", SECTIONS, ids=lambda reader: reader.spec.key)
def test_a_section_module_sits_where_its_key_says(reader: SectionReader) -> None:
    assert reader.module.__name__ == f"{readers.__name__}.{reader.spec.key}"
    assert set(reader.spec.generic) <= set(reader.spec.aliases)
    assert reader.spec.parent is None or reader.spec.parent in SPECS
    assert reader.module.__doc__, f"{reader.module.__name__} says nothing about why"


@pytest.mark.parametrize(
    "module",
    [entry.module for entry in (*SECTIONS, *KINDS)] + [meta],
    ids=lambda module: module.__name__.removeprefix("designkit.parse.readers."),
)
def test_reader_modules_import_the_machinery_only_for_type_checking(module: ModuleType) -> None:
    """The machinery imports the registry, which imports the readers: the other way is a cycle.
    (The header is read by the driver, not the registry; it may use the kind engine.)"""
    tree = ast.parse(inspect.getsource(module))
    allowed = {"designkit.parse.kind"} if module is meta else set()
    for node in tree.body:  # top level only: 'if TYPE_CHECKING:' blocks are nested
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            assert name not in set(_MACHINERY) - allowed, f"{module.__name__} imports {name}"
