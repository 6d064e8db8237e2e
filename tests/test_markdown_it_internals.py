"""The markdown-it-py internals designkit's table rule leans on are still there and the same.

``designkit/parse/table_rule.py`` replaces markdown-it-py's built-in ``table`` block
rule and must accept exactly what it accepts, so it imports the built-in rule's
helpers (``escapedSplit``, ``MAX_AUTOCOMPLETED_CELLS``, ``mdTrim``) and drives a
``StateBlock`` by hand. None of that is public API: a release may rename, move or
change it without a major version. ``pyproject.toml`` therefore bounds the
dependency to the major version checked here (``>=4.3,<5``); these tests say what
changed, by name, when a new release is tried (``tests/test_table_rule.py`` then
compares what the two rules accept on real and tricky tables).
"""

from __future__ import annotations

import importlib
import inspect
import tomllib
from collections.abc import Callable
from importlib.metadata import version
from typing import Any

import pytest
from packaging.requirements import Requirement

from tests.conftest import ROOT

RELIED_ON = "designkit/parse/table_rule.py relies on it; compare the rule with the new built-in"


def _explain(what: str) -> str:
    return f"markdown-it-py {version('markdown-it-py')}: {what} changed. {RELIED_ON} table rule."


def _parameters(function: Callable[..., Any]) -> list[str]:
    return [name for name in inspect.signature(function).parameters if name != "self"]


def test_the_installed_version_is_inside_the_declared_bound() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [Requirement(r) for r in project["dependencies"]]
    markdown_it = [r for r in requirements if r.name == "markdown-it-py"]
    assert len(markdown_it) == 1, "pyproject.toml must require markdown-it-py once"
    specifier = markdown_it[0].specifier
    assert any(s.operator == "<" for s in specifier), "markdown-it-py needs an upper bound"
    installed = version("markdown-it-py")
    assert specifier.contains(installed), f"markdown-it-py {installed} is outside {specifier}"


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("markdown_it", "MarkdownIt"),
        ("markdown_it.token", "Token"),
        ("markdown_it.common.utils", "mdTrim"),
        ("markdown_it.rules_block.state_block", "StateBlock"),
        ("markdown_it.rules_block.table", "MAX_AUTOCOMPLETED_CELLS"),
        ("markdown_it.rules_block.table", "escapedSplit"),
        ("markdown_it.rules_block.table", "table"),
    ],
)
def test_every_imported_name_exists(module: str, name: str) -> None:
    loaded = importlib.import_module(module)
    assert hasattr(loaded, name), _explain(f"{module}.{name} is gone; it")


def test_the_helpers_keep_their_signatures_and_meaning() -> None:
    from markdown_it.common.utils import mdTrim
    from markdown_it.rules_block.table import MAX_AUTOCOMPLETED_CELLS, escapedSplit, table

    assert _parameters(escapedSplit) == ["string"], _explain("escapedSplit's parameters")
    assert escapedSplit("a \\| b | c") == ["a | b ", " c"], _explain("escapedSplit's \\| rule")
    assert _parameters(mdTrim) == ["string"], _explain("mdTrim's parameters")
    # Unicode spaces go, but not the separators Python's str.strip() would also take
    assert mdTrim(" \t\u00a0\u3000x \x1c") == "x \x1c", _explain("mdTrim's whitespace set")
    assert mdTrim("\x85x") == "\x85x", _explain("mdTrim's whitespace set")
    assert MAX_AUTOCOMPLETED_CELLS == 0x10000, _explain("MAX_AUTOCOMPLETED_CELLS")
    assert _parameters(table) == ["state", "startLine", "endLine", "silent"], _explain(
        "the block rule signature (state, startLine, endLine, silent)"
    )


def test_the_block_state_has_what_the_rule_reads_and_calls() -> None:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block.state_block import StateBlock

    parser = MarkdownIt("commonmark").enable("table")
    state = StateBlock("| a | b |\n| - | - |\n| 1 | 2 |\n", parser, {}, [])
    for attribute in ("src", "md", "bMarks", "eMarks", "tShift", "sCount", "blkIndent"):
        assert hasattr(state, attribute), _explain(f"StateBlock.{attribute}")
    for attribute in ("parentType", "line"):
        assert hasattr(state, attribute), _explain(f"StateBlock.{attribute}")
    assert isinstance(state.bMarks, list) and len(state.bMarks) >= 3, _explain("StateBlock.bMarks")
    assert _parameters(StateBlock.is_code_block) == ["line"], _explain("StateBlock.is_code_block")
    assert state.is_code_block(0) is False, _explain("StateBlock.is_code_block")
    assert _parameters(StateBlock.push) == ["ttype", "tag", "nesting"], _explain("StateBlock.push")
    token = state.push("dk_probe", "table", 0)
    assert hasattr(token, "map") and hasattr(token, "meta"), _explain("Token.map / Token.meta")


def test_the_ruler_still_places_the_table_rule_before_paragraph_and_reference() -> None:
    from markdown_it import MarkdownIt
    from markdown_it.ruler import Ruler

    assert _parameters(Ruler.at)[:3] == ["ruleName", "fn", "options"], _explain("Ruler.at")
    assert _parameters(Ruler.getRules) == ["chainName"], _explain("Ruler.getRules")
    parser = MarkdownIt("commonmark").enable("table")
    rules = {rule.name: rule for rule in parser.block.ruler.__rules__}
    assert "table" in rules, _explain("the block rule named 'table'")
    assert rules["table"].alt == ["paragraph", "reference"], _explain("the table rule's alt list")
    terminators = parser.block.ruler.getRules("blockquote")
    assert terminators and all(callable(rule) for rule in terminators), _explain(
        "the 'blockquote' chain (what ends a table)"
    )


def test_designkit_reads_a_table_through_the_replaced_rule() -> None:
    """The end-to-end check: the parser designkit builds emits one ``dk_table`` token."""
    from designkit.parse.markdown import markdown_parser
    from designkit.parse.table_rule import TOKEN_TYPE

    tokens = markdown_parser().parse("| A | B |\n|---|---|\n| x \\| y | 2 |\n| 3 |\n")
    tables = [t for t in tokens if t.type == TOKEN_TYPE]
    assert len(tables) == 1, _explain("running the replaced table rule")
    assert tables[0].meta == {"header": ["A", "B"], "rows": [(2, ["x | y", "2"]), (3, ["3", ""])]}
    assert not [t for t in tokens if t.type == "table_open"], "the built-in rule ran as well"
